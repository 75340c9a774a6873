"""interactive/guess-the-rule-v0: candidate sets, oracle, test-then-answer player and the parser."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

from rlvr.envs.interactive.guess_the_rule import (
    LEVELS,
    MAX_ABS,
    MAX_LENGTH,
    PROBES,
    GuessTheRule,
    format_sequence,
    make_guess_the_rule,
    parse_sequence,
    signature,
)
from rlvr.errors import ResetNeeded


def probing_player(env, first: str | None = None):
    """Test the sequence that best halves the rules still possible; answer when one is left."""
    game = env.game
    alive = list(range(len(game.candidates)))
    if first is not None:
        env.step(first)
    while True:
        if len(alive) == 1:
            return env.step(f"It must be this one.\nrule: {alive[0] + 1}")
        probe = max(
            PROBES,
            key=lambda p: min(
                sum(game.candidates[i].holds(p) for i in alive),
                sum(not game.candidates[i].holds(p) for i in alive),
            ),
        )
        result = env.step(f"{len(alive)} rules left.\ntest: {format_sequence(probe)}")
        assert not (result[2] or result[3]), result[0]
        answer = result[0].splitlines()[0].endswith("yes.")
        alive = [i for i in alive if game.candidates[i].holds(probe) == answer]


@pytest.mark.filterwarnings("ignore:.*alternative render modes")
@pytest.mark.parametrize("difficulty", [1, 5])
def test_passes_gymnasium_check_env(difficulty):
    check_env(make_guess_the_rule(difficulty=difficulty), skip_render_check=True)
    check_env(make_guess_the_rule(difficulty=difficulty, render_mode="ansi"))


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_candidates_are_distinct_and_match_the_level(difficulty):
    count, _ = LEVELS[difficulty]
    env = make_guess_the_rule(difficulty=difficulty)
    connectives = 0
    for index in range(15):
        game = env.make_game(index)
        assert len(game.candidates) == count and 0 <= game.secret < count
        assert len({signature(rule) for rule in game.candidates}) == count
        connectives += sum(" and " in r.text or " or " in r.text for r in game.candidates)
    assert (connectives > 0) == (difficulty >= 4)


def test_determinism_and_prompt_without_the_secret():
    a, b = make_guess_the_rule(difficulty=4), make_guess_the_rule(difficulty=4)
    prompt, _ = a.reset(options={"index": 5})
    assert b.reset(options={"index": 5})[0] == prompt and a.game.secret == b.game.secret
    assert [r.text for r in a.make_game(5).candidates] == [r.text for r in a.game.candidates]
    other = make_guess_the_rule(difficulty=4, task_seed=2)
    assert other.reset(options={"index": 5})[0] != prompt
    game = a.game
    twin = GuessTheRule(game.candidates, (game.secret + 1) % len(game.candidates), 9)
    assert twin.rules() == game.rules()


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_probing_player_solves_every_level(difficulty):
    env = make_guess_the_rule(difficulty=difficulty)
    for index in range(10):
        env.reset(options={"index": index})
        _, reward, terminated, truncated, info = probing_player(env)
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["solution"].startswith(f"{env.game.secret + 1}. ")


def test_wrong_rule_then_recovering_still_wins():
    env = make_guess_the_rule(difficulty=3)
    env.reset(options={"index": 1})
    wrong = (env.game.secret + 1) % len(env.game.candidates) + 1
    _, reward, terminated, _, info = probing_player(env, first=f"rule: {wrong}")
    assert (reward, terminated) == (1.0, True)
    assert info["turns"][0]["reply"] == f"No, the rule is not {wrong}."


def test_bad_player_runs_out_of_turns():
    env = make_guess_the_rule(difficulty=2)
    _, info = env.reset(options={"index": 0})
    for turn in range(info["max_turns"]):
        _, reward, terminated, truncated, info = env.step("test: 1, 2, 3")
        assert (reward, terminated, truncated) == (0.0, False, turn == info["max_turns"] - 1)
    assert info["solution"] == env.game.solution() and not info["solved"]
    with pytest.raises(ResetNeeded):
        env.step("rule: 1")


def test_oracle_applies_the_hidden_rule():
    env = make_guess_the_rule(difficulty=5)
    env.reset(options={"index": 3})
    rule = env.game.candidates[env.game.secret]
    for sequence in [(3, 8, 12), (-5,), (7, 7), (1000000, -1000000, 0, 2)]:
        obs = env.step(f"test: {format_sequence(sequence)}")[0]
        assert obs.startswith(
            f"{format_sequence(sequence)}: {'yes' if rule.holds(sequence) else 'no'}."
        )


@pytest.mark.parametrize(
    ("action", "reply"),
    [
        ("test:", "Invalid action: the test sequence is empty"),
        ("test: 1, two", "Invalid action: 'two' is not an integer"),
        ("test: 1, 2000000", "Invalid action: numbers must be between -1,000,000 and 1,000,000"),
        ("test: " + ", ".join(["1"] * 11), "Invalid action: a test sequence has at most 10"),
        ("rule: 99", "Invalid action: '99' is not a rule number from 1 to 8"),
        ("rule: the sum is even", "Invalid action: 'the sum is even' is not a rule number"),
        ("1, 2, 3", "Invalid action: no line starts with 'test:', 'rule:'"),
    ],
)
def test_invalid_actions_get_a_reply_and_use_a_turn(action, reply):
    env = make_guess_the_rule(difficulty=2)
    _, info = env.reset(options={"index": 0})
    obs, reward, terminated, truncated, info = env.step(action)
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert obs.startswith(reply), obs
    assert "Allowed: 'test: <integers separated by commas>'" in obs
    assert f"{info['max_turns'] - 1} turns left" in obs and info["turns"][0]["valid"] is False


def test_sync_vector_env():
    envs = gym.vector.SyncVectorEnv([lambda: make_guess_the_rule(difficulty=3)] * 2)
    observations, _ = envs.reset(seed=1)
    assert all("guess the rule" in o for o in observations)
    for _ in range(3):
        observations, rewards, *_ = envs.step(("test: 2, 4, 6", "rule: 0"))
        assert list(rewards) == [0.0, 0.0]
        assert observations[0].startswith("2, 4, 6: ") and observations[1].startswith("Invalid")
    envs.close()


@given(st.text())
def test_parse_sequence_never_crashes(text):
    try:
        sequence = parse_sequence(text)
    except ValueError:
        return
    assert 1 <= len(sequence) <= MAX_LENGTH and all(abs(x) <= MAX_ABS for x in sequence)


@given(st.lists(st.integers(-MAX_ABS, MAX_ABS), min_size=1, max_size=MAX_LENGTH))
def test_sequence_round_trip(numbers):
    sequence = tuple(numbers)
    assert parse_sequence(format_sequence(sequence)) == sequence
    assert parse_sequence(" ".join(map(str, sequence))) == sequence
