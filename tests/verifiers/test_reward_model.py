"""The reward-model verifier, on a tiny random model built here (no download)."""

from __future__ import annotations

import math
import pickle
import string
from pathlib import Path

import pytest

from rlvr.types import Task, Verdict

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from rlvr.verifiers.reward_model import (  # noqa: E402
    RewardModelVerifier,
    linear,
    sigmoid,
)

TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


def build_reward_model(directory: Path, *, chat_template: bool, labels: int = 1) -> Path:
    """A 2-layer Llama sequence classifier over a character vocabulary, seeded."""
    chars = [c for c in string.printable if c not in "\r\x0b\x0c"]
    vocab = {t: i for i, t in enumerate(["<pad>", "<s>", "</s>", *chars])}
    backend = tokenizers.Tokenizer(tokenizers.models.BPE(vocab=vocab, merges=[], unk_token="<s>"))
    backend.decoder = tokenizers.decoders.Fuse()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )
    if chat_template:
        tokenizer.chat_template = TEMPLATE
    tokenizer.save_pretrained(directory)
    config = transformers.LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        num_labels=labels,
        pad_token_id=vocab["<pad>"],
        initializer_range=0.5,  # wide weights: scores spread away from 0
    )
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(0)
        model = transformers.LlamaForSequenceClassification(config)
    finally:
        torch.random.set_rng_state(state)
    model.save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_reward_model(tmp_path_factory.mktemp("rm"), chat_template=True)


@pytest.fixture(scope="module")
def verifier(model_dir: Path) -> RewardModelVerifier:
    return RewardModelVerifier(model_dir, max_length=64, batch_size=3)


TASK = Task(id="t/0", prompt="What is 2 + 2?", answer="4")
COMPLETIONS = ["4", "The answer is 4.", "five", "I think it is 22, or maybe 3.", "x" * 40]


def test_scores_are_rewards_in_range_and_deterministic(verifier: RewardModelVerifier) -> None:
    tasks = [TASK] * len(COMPLETIONS)
    first = verifier.verify_many(tasks, COMPLETIONS)
    again = verifier.verify_many(tasks, COMPLETIONS)
    assert [v.reward for v in first] == [v.reward for v in again]
    for verdict in first:
        assert verdict.status == "ok" and 0.0 <= verdict.reward <= 1.0
        assert verdict.components == {"reward_model": verdict.reward}
        assert verdict.correct == (verdict.reward >= 0.5)
        assert verdict.feedback.startswith("reward model score ")
    assert len({v.reward for v in first}) == len(COMPLETIONS)  # different texts, other scores


def test_batched_scores_equal_one_by_one(verifier: RewardModelVerifier) -> None:
    tasks = [TASK, Task(id="t/1", prompt="Name a colour.", answer=None)] * 3
    completions = ["4", "blue", "a much longer completion than the others", "", "  22 ", "red"]
    batched = verifier.verify_many(tasks, completions)
    single = [verifier.verify(t, c) for t, c in zip(tasks, completions, strict=True)]
    for b, s in zip(batched, single, strict=True):
        assert b.status == s.status
        assert b.reward == pytest.approx(s.reward, abs=1e-5)
    assert batched[3].status == "no_answer" and batched[3].feedback == "the completion is empty"


def test_raw_score_maps_through_sigmoid(verifier: RewardModelVerifier) -> None:
    (raw,) = verifier.raw_scores([TASK], ["The answer is 4."])
    verdict = verifier.verify(TASK, "The answer is 4.")
    assert verdict.reward == pytest.approx(1 / (1 + math.exp(-raw)))
    assert f"{raw:.4g}" in verdict.feedback


def test_linear_mapping_clips_to_bounds(model_dir: Path) -> None:
    base = RewardModelVerifier(model_dir, max_length=64)
    (raw,) = base.raw_scores([TASK], ["4"])
    centred = RewardModelVerifier(
        model_dir, max_length=64, mapping="linear", low=raw - 1, high=raw + 3, threshold=0.2
    )
    verdict = centred.verify(TASK, "4")
    assert verdict.reward == pytest.approx(0.25) and verdict.correct
    above = RewardModelVerifier(model_dir, mapping="linear", low=raw - 20, high=raw - 10)
    below = RewardModelVerifier(model_dir, mapping="linear", low=raw + 10, high=raw + 20)
    assert above.verify(TASK, "4").reward == 1.0
    assert below.verify(TASK, "4").reward == 0.0


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.0, 0.5), (2.0, 1 / (1 + math.exp(-2))), (-2.0, 1 / (1 + math.exp(2))), (-1e6, 0.0)],
)
def test_sigmoid(score: float, expected: float) -> None:
    assert sigmoid(score) == pytest.approx(expected)
    assert sigmoid(1e6) == 1.0


@pytest.mark.parametrize(
    ("score", "expected"), [(-3.0, 0.0), (-1.0, 0.0), (0.0, 0.25), (1.0, 0.5), (3.0, 1.0), (9, 1.0)]
)
def test_linear(score: float, expected: float) -> None:
    assert linear(score, -1.0, 3.0) == expected


def test_truncation_bounds_huge_completions(verifier: RewardModelVerifier) -> None:
    huge = "9" * 200_000
    verdict = verifier.verify(TASK, huge)
    assert verdict.status == "ok" and 0.0 <= verdict.reward <= 1.0
    # only the first max_length tokens are read: a different tail does not change the score
    tail = verifier.verify(TASK, "9" * 100_000 + "0" * 100_000)
    assert tail.reward == verdict.reward
    oversized = verifier.verify(TASK, "9" * (verifier.max_completion_chars + 1))
    assert oversized.status == "no_answer" and oversized.reward == 0.0


def test_left_truncation_keeps_the_end(model_dir: Path) -> None:
    left = RewardModelVerifier(model_dir, max_length=16, truncation_side="left")
    a = left.verify(TASK, "1" * 500 + " the answer is 4")
    b = left.verify(TASK, "2" * 500 + " the answer is 4")
    c = left.verify(TASK, "2" * 500 + " the answer is 5")
    assert a.reward == b.reward and a.reward != c.reward


def test_plain_rendering_without_a_chat_template(tmp_path: Path) -> None:
    plain = RewardModelVerifier(build_reward_model(tmp_path, chat_template=False))
    assert plain.render(TASK, "4") == "What is 2 + 2?\n\n4"
    assert plain.verify(TASK, "4").status == "ok"


def test_chat_template_rendering(verifier: RewardModelVerifier) -> None:
    assert verifier.render(TASK, "4") == "user: What is 2 + 2?\nassistant: 4\n"


def test_label_picks_a_logit(tmp_path: Path) -> None:
    directory = build_reward_model(tmp_path, chat_template=True, labels=3)
    unpicked = RewardModelVerifier(directory).verify(TASK, "4")
    assert unpicked.status == "error" and "has 3 labels: pass label=i" in unpicked.feedback
    scores = {
        RewardModelVerifier(directory, label=i).raw_scores([TASK], ["4"])[0] for i in range(3)
    }
    assert len(scores) == 3
    out_of_range = RewardModelVerifier(directory, label=3).verify(TASK, "4")
    assert out_of_range.status == "error" and "label=3 is out of range" in out_of_range.feedback


def test_missing_path_and_bad_options_give_clear_errors(tmp_path: Path, model_dir: Path) -> None:
    with pytest.raises(FileNotFoundError, match="'/no/such/model' does not exist"):
        RewardModelVerifier("/no/such/model")
    with pytest.raises(FileNotFoundError, match=r"has no config\.json"):
        RewardModelVerifier(tmp_path)
    with pytest.raises(ValueError, match="needs bounds low < high"):
        RewardModelVerifier(model_dir, mapping="linear", low=1.0, high=1.0)
    with pytest.raises(ValueError, match="mapping must be"):
        RewardModelVerifier(model_dir, mapping="tanh")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threshold must be in"):
        RewardModelVerifier(model_dir, threshold=2.0)


def test_a_failing_model_gives_error_verdicts(
    verifier: RewardModelVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier.load()
    calls: list[int] = []

    def broken(tasks, completions):  # a batch fails, as an out-of-memory error would
        calls.append(len(tasks))
        if len(tasks) > 1 or completions[0] == "boom":
            raise RuntimeError("CUDA out of memory")
        return [0.0]

    monkeypatch.setattr(verifier, "_forward", broken)
    verdicts = verifier.verify_many([TASK] * 3, ["a", "boom", "c"])
    assert calls == [3, 1, 1, 1]  # the batch, then each pair alone
    assert [v.status for v in verdicts] == ["ok", "error", "ok"]
    assert verdicts[0].reward == 0.5
    assert verdicts[1].feedback == "the reward model failed: RuntimeError: CUDA out of memory"
    monkeypatch.setattr(verifier, "_forward", lambda tasks, completions: [math.nan] * len(tasks))
    assert verifier.verify(TASK, "a").status == "error"


def test_pickling_leaves_the_model_behind(verifier: RewardModelVerifier) -> None:
    expected = verifier.verify(TASK, "4")
    assert verifier.loaded
    copy = pickle.loads(pickle.dumps(verifier))
    assert not copy.loaded and verifier.loaded
    assert len(pickle.dumps(verifier)) < 10_000
    assert copy.verify(TASK, "4") == expected and copy.loaded


def test_kind_and_registration_name(verifier: RewardModelVerifier) -> None:
    assert (verifier.name, verifier.kind, verifier.self_bounded) == ("reward-model",) * 2 + (True,)
    assert isinstance(verifier.verify(TASK, ""), Verdict)
    kinds = pytest.importorskip("rlvr.verifiers.kinds")
    assert kinds.verifier_kind(verifier) == "reward-model" and kinds.is_hackable(verifier.kind)
    assert set(verifier.known_bad_completions(TASK)) == {"empty", "whitespace", "oversized"}


def test_concurrent_verifications_agree(verifier: RewardModelVerifier) -> None:
    from concurrent.futures import ThreadPoolExecutor

    expected = [verifier.verify(TASK, c).reward for c in COMPLETIONS]
    with ThreadPoolExecutor(4) as pool:
        rewards = list(pool.map(lambda c: verifier.verify(TASK, c).reward, COMPLETIONS))
    assert rewards == pytest.approx(expected, abs=1e-6)


def test_get_by_name_returns_it_unwrapped(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rlvr import verifiers

    entry = "rlvr.verifiers.reward_model:RewardModelVerifier"
    monkeypatch.setattr(verifiers, "_registered", {**verifiers._registered, "reward-model": entry})
    built = verifiers.get("reward-model", path=model_dir, max_length=64)
    assert isinstance(built, RewardModelVerifier) and built.max_length == 64
