"""The static-cache sampler (rlvr.policies.decoding) and HFPolicy's fast decoding path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

from rlvr.policies import GenerationRequest, SamplingParams, decoding  # noqa: E402
from rlvr.policies.decoding import sample_tokens  # noqa: E402
from rlvr.policies.hf import HFPolicy  # noqa: E402

EOS, PAD = 2, 0
PROMPTS = [[5, 6, 7, 8, 9, 10, 11], [12, 13], list(range(20, 40)), [40], [50, 51, 52, 53]]


@pytest.fixture(scope="module")
def model(tiny_model: Path) -> torch.nn.Module:
    return transformers.LlamaForCausalLM.from_pretrained(tiny_model).eval()


def generate(model: torch.nn.Module, prompts: list[list[int]], new: int, eos: int) -> list:
    """``model.generate`` greedy completions, cut after the first ``eos``."""
    width = max(map(len, prompts))
    ids = torch.tensor([[PAD] * (width - len(p)) + p for p in prompts])
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
    with torch.no_grad():
        output = model.generate(
            input_ids=ids,
            attention_mask=mask,
            do_sample=False,
            max_new_tokens=new,
            eos_token_id=[eos],
            pad_token_id=PAD,
            temperature=None,
            top_p=None,
            top_k=None,
        )
    rows = output[:, width:].tolist()
    return [row[: row.index(eos) + 1] if eos in row else row for row in rows]


def greedy(model: torch.nn.Module, prompts: list[list[int]], new: int, eos: set[int]) -> list:
    return sample_tokens(
        model, prompts, max_new_tokens=new, temperature=0.0, top_p=1.0, eos_ids=eos, pad_id=PAD
    )


def test_greedy_matches_generate_and_cuts_after_eos(model: torch.nn.Module) -> None:
    full = generate(model, PROMPTS, 24, EOS)
    assert all(len(row) == 24 for row in full)  # </s> is never greedy here
    assert greedy(model, PROMPTS, 24, {EOS}) == full
    eos = full[0][3]  # a token that row 0 emits 4th: rows end there (or never)
    expected = generate(model, PROMPTS, 24, eos)
    got = greedy(model, PROMPTS, 24, {eos})
    assert got == expected
    assert got[0] == full[0][:4]
    assert any(len(row) == 24 and eos not in row for row in got)  # some rows never hit it
    for row, whole in zip(got, full, strict=True):
        assert row == whole[: len(row)]
        assert eos not in row[:-1]
        assert row[-1] == eos or len(row) == 24


def test_every_row_finishing_early_stops(model: torch.nn.Module) -> None:
    full = generate(model, PROMPTS, 40, EOS)
    enders = {row[1] for row in full}  # every row ends by its 2nd token
    got = greedy(model, PROMPTS, 40, enders)
    assert all(len(row) <= 2 and row[-1] in enders for row in got)
    assert got == [whole[: len(row)] for row, whole in zip(got, full, strict=True)]


def test_buffers_are_reused_across_calls(model: torch.nn.Module) -> None:
    greedy(model, PROMPTS, 8, {EOS})  # 5 rows: the 8-row buffers, 3 dummy rows
    state = decoding._states[model][8]
    six = PROMPTS[3:] + PROMPTS[:4]
    assert greedy(model, six, 8, {EOS}) == generate(model, six, 8, EOS)
    assert decoding._states[model][8] is state and state.out.shape[1] == decoding.CACHE_STEP
    assert greedy(model, PROMPTS, 110, {EOS}) == generate(model, PROMPTS, 110, EOS)
    grown = decoding._states[model][8]  # 20 + 110 positions: the cache grew to 256
    assert grown is not state and grown.out.shape[1] == 2 * decoding.CACHE_STEP
    greedy(model, PROMPTS, 8, {EOS})
    assert decoding._states[model][8] is grown


def test_seeded_sampling_is_reproducible(model: torch.nn.Module) -> None:
    def draw(seed: int, top_p: float = 0.9) -> list[list[int]]:
        return sample_tokens(
            model,
            PROMPTS,
            max_new_tokens=16,
            temperature=1.0,
            top_p=top_p,
            eos_ids={EOS},
            pad_id=PAD,
            generator=torch.Generator().manual_seed(seed),
        )

    first = draw(7)
    assert first == draw(7)
    assert first != draw(8)
    assert all(len(row) == 16 for row in first)
    assert first != greedy(model, PROMPTS, 16, {EOS})
    tiny_nucleus = draw(7, top_p=1e-6)  # only the most likely token survives
    assert tiny_nucleus == greedy(model, PROMPTS, 16, {EOS})


@pytest.mark.parametrize(("temperature", "top_p"), [(1.0, 1.0), (0.7, 0.6)])
def test_sampling_follows_the_warped_distribution(
    model: torch.nn.Module, temperature: float, top_p: float
) -> None:
    prompt, draws = [5, 6, 7], 4000
    with torch.no_grad():
        logits = model(torch.tensor([prompt])).logits[0, -1].float() / temperature
    if top_p < 1:
        warper = transformers.TopPLogitsWarper(top_p=top_p)
        logits = warper(torch.tensor([prompt]), logits.unsqueeze(0))[0]
    expected = logits.softmax(-1)
    tokens = sample_tokens(
        model,
        [prompt] * draws,
        max_new_tokens=1,
        temperature=temperature,
        top_p=top_p,
        eos_ids=set(),
        pad_id=PAD,
        generator=torch.Generator().manual_seed(0),
    )
    counts = torch.bincount(torch.tensor([row[0] for row in tokens]), minlength=len(expected))
    assert counts[expected == 0].sum() == 0  # nothing outside the nucleus
    total_variation = 0.5 * (counts / draws - expected).abs().sum()
    assert total_variation < 0.06, total_variation


def test_compiled_step_is_one_graph(
    model: torch.nn.Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The decode step traces without graph breaks (the eager backend keeps this fast on CPU)."""
    compiled = torch.compile(decoding._decode_step, backend="eager", fullgraph=True, dynamic=False)
    monkeypatch.setitem(decoding._compiled_steps, "reduce-overhead", compiled)

    def run(compile: bool, temperature: float) -> list[list[int]]:
        return sample_tokens(
            model,
            PROMPTS,
            max_new_tokens=12,
            temperature=temperature,
            top_p=0.9,
            eos_ids={EOS},
            pad_id=PAD,
            generator=torch.Generator().manual_seed(3),
            compile=compile,
        )

    assert run(True, 0.0) == run(False, 0.0)
    assert run(True, 0.8) == run(False, 0.8)


@pytest.fixture
def block_graphs(
    model: torch.nn.Module, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[list[int]]]:
    """``graphs="block"`` on the CPU: the step traced by dynamo (eager backend), and each block
    "recorded" as the function itself (a CUDA graph would replay the same steps). Returns the
    block lengths of each recording."""
    compiled = torch.compile(decoding._decode_step, backend="eager", fullgraph=True, dynamic=False)
    monkeypatch.setattr(decoding, "_compiled", lambda mode: compiled)
    recordings: list[list[int]] = []

    def record(blocks: dict, warm: object, state: object) -> dict:
        warm()  # type: ignore[operator]
        recordings.append(sorted(blocks))
        return dict(blocks)

    monkeypatch.setattr(decoding, "_record", record)
    decoding._states.pop(model, None)  # no recordings from earlier tests
    yield recordings
    decoding._states.pop(model, None)


def blocked(model: torch.nn.Module, new: int, eos: set[int], **params: object) -> list:
    settings = {"temperature": 0.0, "top_p": 1.0, **params}
    return sample_tokens(
        model,
        PROMPTS,
        max_new_tokens=new,
        eos_ids=eos,
        pad_id=PAD,
        compile=True,
        graphs="block",
        **settings,  # type: ignore[arg-type]
    )


def test_block_graphs_give_the_tokens_of_generate(
    model: torch.nn.Module, block_graphs: list[list[int]]
) -> None:
    every = decoding.CHECK_EVERY
    for new in (1, 2, every, every + 1, 3 * every + 4):
        assert blocked(model, new, {EOS}) == generate(model, PROMPTS, new, EOS), new
    # blocks of every length recorded once: the first block, then the remainder
    assert block_graphs == [[1], [every - 1], [every], [3]]  # 27 = 3 x 8 + 3 steps
    assert blocked(model, 3 * every + 4, {EOS}) == generate(model, PROMPTS, 3 * every + 4, EOS)
    assert len(block_graphs) == 4  # reused
    full = generate(model, PROMPTS, 24, EOS)
    enders = {row[1] for row in full}  # every row ends by its 2nd token: one block, then stop
    got = blocked(model, 24, enders)
    assert got == greedy(model, PROMPTS, 24, enders)
    assert all(len(row) <= 2 and row[-1] in enders for row in got)
    assert block_graphs[-1] == [every - 1, every]  # other end-of-sequence ids: recorded anew


def test_block_graphs_are_recorded_again_when_the_weights_move(
    model: torch.nn.Module, block_graphs: list[list[int]]
) -> None:
    expected = generate(model, PROMPTS, 9, EOS)
    assert blocked(model, 9, {EOS}) == expected
    assert blocked(model, 9, {EOS}) == expected and len(block_graphs) == 1
    weight = model.get_output_embeddings().weight
    original = weight.data
    try:
        weight.data = original.clone()  # same values, another address
        assert blocked(model, 9, {EOS}) == expected and len(block_graphs) == 2
    finally:
        weight.data = original


def test_block_graphs_sample_reproducibly(
    model: torch.nn.Module, block_graphs: list[list[int]]
) -> None:
    def draw(seed: int, top_p: float = 0.9) -> list[list[int]]:
        generator = torch.Generator().manual_seed(seed)
        return blocked(model, 20, {EOS}, temperature=1.0, top_p=top_p, generator=generator)

    first = draw(7)
    assert first == draw(7) and first != draw(8)
    assert all(len(row) == 20 for row in first)
    assert draw(7, top_p=1e-6) == generate(model, PROMPTS, 20, EOS)  # only the argmax survives
    assert blocked(model, 20, {EOS}) == generate(model, PROMPTS, 20, EOS)


def test_block_graphs_need_cuda(model: torch.nn.Module, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = torch.compile(decoding._decode_step, backend="eager", fullgraph=True, dynamic=False)
    monkeypatch.setattr(decoding, "_compiled", lambda mode: compiled)
    with pytest.raises(ValueError, match="CUDA device"):
        blocked(model, 12, {EOS})
    assert blocked(model, 1, {EOS}) == generate(model, PROMPTS, 1, EOS)  # no block to record
    with pytest.raises(ValueError, match="graphs must be one of step, block"):
        sample_tokens(
            model,
            PROMPTS,
            max_new_tokens=4,
            temperature=0.0,
            top_p=1.0,
            eos_ids={EOS},
            pad_id=PAD,
            graphs="loop",
        )


def test_a_prompt_shared_by_rows_is_prefilled_once(model: torch.nn.Module) -> None:
    groups = [PROMPTS[0]] * 3 + [PROMPTS[2]] * 4 + [PROMPTS[1]]  # 8 rows, 3 distinct prompts
    widths: list[tuple[int, int]] = []
    hook = model.register_forward_pre_hook(
        lambda module, args, kwargs: widths.append(tuple(kwargs["input_ids"].shape)),
        with_kwargs=True,
    )
    try:
        got = greedy(model, groups, 12, {EOS})
    finally:
        hook.remove()
    assert widths[0] == (3, len(PROMPTS[2]))  # the prefill: one row per distinct prompt
    assert all(shape == (8, 1) for shape in widths[1:])  # then decode steps over all 8 rows
    assert got == generate(model, groups, 12, EOS)
    sampled = sample_tokens(
        model,
        groups,
        max_new_tokens=6,
        temperature=1.0,
        top_p=1.0,
        eos_ids=set(),
        pad_id=PAD,
        generator=torch.Generator().manual_seed(0),
    )
    assert len({tuple(row) for row in sampled[3:7]}) > 1  # a group's rows are drawn apart


def test_a_cache_without_layers_is_not_shared(model: torch.nn.Module) -> None:
    class NoLayers(torch.nn.Module):
        def forward(self, input_ids: torch.Tensor, **kwargs: object) -> object:
            logits = torch.zeros(input_ids.shape[0], 1, 7)
            return type("Output", (), {"logits": logits, "cache": object()})()

    greedy(model, PROMPTS[:4], 4, {EOS})  # the 4-row state's cache now holds keys
    state = decoding._state(model, 4, 16)
    before = [layer.keys.clone() for layer in state.cache.layers if layer.is_initialized]
    assert len(before) == len(state.cache.layers) > 0
    ids = torch.tensor([[5, 6], [7, 8]])
    assert (
        decoding._prefill_distinct(
            NoLayers(), state, ids, torch.ones_like(ids), ids, torch.tensor([0, 0, 1, 1])
        )
        is None
    )
    after = [layer.keys for layer in state.cache.layers if layer.is_initialized]
    assert all(torch.equal(old, new) for old, new in zip(before, after, strict=True))


def test_a_model_whose_cache_has_no_layers_is_prefilled_once_per_call_after_the_first(
    model: torch.nn.Module, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[int] = []

    def no_layers(model: torch.nn.Module, state: object, ids: torch.Tensor, *rest: object) -> None:
        tries.append(ids.shape[0])  # a cache without layers: nothing written, no logits

    monkeypatch.setattr(decoding, "_prefill_distinct", no_layers)
    groups = [PROMPTS[0]] * 3 + [PROMPTS[1]] * 3  # a 6-row call: the 8-row state
    decoding._states.pop(model, None)
    for _ in range(2):
        assert greedy(model, groups, 6, {EOS}) == generate(model, groups, 6, EOS)
    # tried on the first call only (two prompts and the dummy rows' one-token prompt); both
    # calls then prefilled every row
    assert tries == [3]


def test_rejects_empty_prompts(model: torch.nn.Module) -> None:
    assert greedy(model, [], 4, {EOS}) == []
    with pytest.raises(ValueError, match="at least one token"):
        greedy(model, [[5], []], 4, {EOS})
    with pytest.raises(ValueError, match="max_new_tokens"):
        greedy(model, [[5]], 0, {EOS})


# -- HFPolicy -----------------------------------------------------------------------------------


def ask(content: str, **params: object) -> GenerationRequest:
    return GenerationRequest(
        messages=({"role": "user", "content": content},), params=SamplingParams(**params)
    )


PROMPT_TEXTS = ["hi", "a much longer prompt than the others", "2+2?", "x", "what now"]


def test_fast_policy_gives_the_greedy_results_of_generate(tiny_model: Path) -> None:
    fast = HFPolicy(str(tiny_model), device="cpu", batch_size=4, fast_decoding="on")
    slow = HFPolicy(str(tiny_model), device="cpu", batch_size=4, fast_decoding="off")
    assert fast.fast_decoding and not slow.fast_decoding
    requests = [ask(p, max_tokens=12, temperature=0.0) for p in PROMPT_TEXTS]
    requests.append(ask("stop test", max_tokens=20, temperature=0.0, stop=("q",)))  # falls back
    got, expected = fast.generate(requests), slow.generate(requests)
    assert [(g.text, g.finish_reason, g.completion_tokens) for g in got] == [
        (g.text, g.finish_reason, g.completion_tokens) for g in expected
    ]
    assert [(g.prompt_ids, g.token_ids) for g in got] == [
        (g.prompt_ids, g.token_ids) for g in expected
    ]
    tokenizer = fast._tokenizer
    for generation, request in zip(got, requests, strict=True):
        templated = tokenizer.apply_chat_template(
            list(request.messages), add_generation_prompt=True, tokenize=False
        )
        encoded = tokenizer(templated, add_special_tokens=False).input_ids
        assert generation.prompt_ids == tuple(encoded)
        assert len(generation.prompt_ids) == generation.prompt_tokens
        assert generation.token_ids is not None
        assert len(generation.token_ids) == generation.completion_tokens
    for generation in got[:-1]:
        decoded = tokenizer.decode(list(generation.token_ids), skip_special_tokens=True)
        assert decoded == generation.text
    with pytest.raises(ValueError, match="fast_decoding"):
        HFPolicy(str(tiny_model), device="cpu", fast_decoding="yes")


def test_fast_policy_seeded_sampling_and_eos(tiny_model: Path) -> None:
    policy = HFPolicy(str(tiny_model), device="cpu", batch_size=4, fast_decoding="on")
    batch = [ask("tell me", max_tokens=16, temperature=1.0, top_p=0.95, seed=7)] * 3
    first, second = policy.generate(batch), policy.generate(batch)
    assert [g.token_ids for g in first] == [g.token_ids for g in second]
    assert len({g.token_ids for g in first}) > 1  # rows of a batch differ
    other = policy.generate([ask("tell me", max_tokens=16, temperature=1.0, seed=8)] * 3)
    assert [g.token_ids for g in other] != [g.token_ids for g in first]
    # an end-of-sequence token the greedy path emits: the fast path ends there too
    (full,) = policy.generate([ask("hello", max_tokens=12, temperature=0.0)])
    assert full.token_ids is not None and full.finish_reason == "length"
    policy._eos_ids = {full.token_ids[4]}
    (ended,) = policy.generate([ask("hello", max_tokens=12, temperature=0.0)])
    assert ended.token_ids == full.token_ids[: full.token_ids.index(full.token_ids[4]) + 1]
    assert ended.finish_reason == "stop"
    assert ended.completion_tokens == len(ended.token_ids)


def test_from_model_wraps_a_live_model(tiny_model: Path) -> None:
    model = transformers.AutoModelForCausalLM.from_pretrained(tiny_model)
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_model)
    tokenizer.pad_token = None  # the policy falls back to </s> on its own copy
    model.train()
    policy = HFPolicy.from_model(model, tokenizer, batch_size=2, fast_decoding="on")
    assert policy.spec == "hf:live" and policy.device == "cpu" and policy.dtype == "float32"
    assert policy._model is model
    assert tokenizer.padding_side == "right" and tokenizer.pad_token is None  # untouched
    reference = HFPolicy(str(tiny_model), device="cpu", batch_size=2, fast_decoding="off")
    requests = [ask(p, max_tokens=10, temperature=0.0) for p in PROMPT_TEXTS[:3]]
    assert [g.text for g in policy.generate(requests)] == [
        g.text for g in reference.generate(requests)
    ]
    assert model.training and all(module.training for module in model.modules())
    named = HFPolicy.from_model(model, tokenizer, spec="hf:tiny@training", device="cpu")
    assert named.spec == "hf:tiny@training" and not named.fast_decoding  # auto: off on CPU
    bare = transformers.AutoTokenizer.from_pretrained(tiny_model)
    bare.chat_template = None
    with pytest.raises(ValueError, match="no chat template"):
        HFPolicy.from_model(model, bare)


def test_packed_decode_attention_gives_the_same_tokens(tiny_model: Path) -> None:
    """Grouped-query heads folded into the query axis: same greedy tokens as model.generate."""
    reference = transformers.LlamaForCausalLM.from_pretrained(tiny_model).eval()
    packed = transformers.LlamaForCausalLM.from_pretrained(tiny_model).eval()
    assert packed.config.num_attention_heads > packed.config.num_key_value_heads
    assert decoding.use_packed_decode_attention(packed)
    assert packed.config._attn_implementation == decoding.PACKED_ATTENTION
    assert decoding.use_packed_decode_attention(packed)  # idempotent
    expected = generate(reference, PROMPTS, 24, EOS)
    assert greedy(packed, PROMPTS, 24, {EOS}) == expected
    with torch.no_grad():  # a multi-token forward (prefill, training) is untouched
        ids = torch.tensor([PROMPTS[2]])
        assert torch.allclose(packed(ids).logits, reference(ids).logits, atol=1e-5)


def test_packed_attention_leaves_other_implementations_alone(tiny_model: Path) -> None:
    eager = transformers.LlamaForCausalLM.from_pretrained(tiny_model, attn_implementation="eager")
    assert not decoding.use_packed_decode_attention(eager)
    assert eager.config._attn_implementation == "eager"
