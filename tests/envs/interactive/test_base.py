"""The multi-turn base env, its action policy, its config and the interactive catalogue."""

from __future__ import annotations

import random
import time
from typing import ClassVar

import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from rlvr.envs.catalogue.interactive import ENVS
from rlvr.envs.interactive.base import (
    Game,
    InteractiveEnv,
    Reply,
    clean_line,
    greedy_split_depth,
    parse_action,
)
from rlvr.errors import ResetNeeded
from rlvr.spec import load_entry_point


class HighLow(Game):
    """Guess a number from 0 to 9; the oracle says higher or lower."""

    keywords: ClassVar[tuple[str, ...]] = ("guess",)

    def __init__(self, secret: int) -> None:
        self.secret, self.max_turns = secret, 4

    def rules(self) -> str:
        return "Guess my number from 0 to 9."

    def grammar(self) -> str:
        return "'guess: <digit>'"

    def respond(self, keyword: str, argument: str) -> Reply:
        if not (argument.isdigit() and len(argument) == 1):
            return Reply("a guess is one digit", valid=False)
        guess = int(argument)
        if guess == self.secret:
            return Reply("Right!", solved=True)
        return Reply("higher" if guess < self.secret else "lower")

    def solution(self) -> str:
        return str(self.secret)

    def winning_action(self) -> str:
        return f"guess: {self.secret}"


def make_env(**kwargs) -> InteractiveEnv:
    return InteractiveEnv("high-low", lambda rng, d: HighLow(rng.randrange(10)), **kwargs)


def play(env: InteractiveEnv, actions: list[str]):
    result = None
    for action in actions:
        result = env.step(action)
    return result


@pytest.mark.filterwarnings("ignore:.*alternative render modes")
def test_passes_gymnasium_check_env():
    check_env(make_env(), skip_render_check=True)
    check_env(make_env(render_mode="ansi"))


def test_transcript_turns_and_termination():
    env = make_env(system_prompt="Be brief.", render_mode="ansi")
    prompt, info = env.reset(options={"index": 3})
    secret = int(env.game.solution())
    assert "Guess my number" in prompt and "You have 4 turns" in prompt and "'guess:" in prompt
    assert info["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": prompt},
    ]
    assert info["turns"] == [] and "solution" not in info and info["max_turns"] == 4
    wrong = (secret + 1) % 10
    obs, reward, terminated, truncated, info = env.step(f"I think...\nguess: {wrong}")
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert obs.startswith("higher" if wrong < secret else "lower") and "3 turns left" in obs
    assert str(secret) not in obs and "solution" not in info
    obs, reward, terminated, truncated, info = env.step(f"guess: {secret}")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["solved"] and info["solution"] == str(secret) and "Solved in 2 turns" in obs
    assert [m["role"] for m in info["messages"]] == ["system", "user"] + ["assistant", "user"] * 2
    assert info["messages"][-2] == {"role": "assistant", "content": f"guess: {secret}"}
    assert info["turns"][0] == {
        "action": f"I think...\nguess: {wrong}",
        "reply": "higher" if wrong < secret else "lower",
        "valid": True,
    }
    assert env.render().startswith("[system]\nBe brief.") and f"guess: {secret}" in env.render()
    with pytest.raises(ResetNeeded):
        env.step("guess: 1")


def test_running_out_truncates_and_reveals():
    env = make_env()
    env.reset(options={"index": 0})
    wrong = (int(env.game.solution()) + 1) % 10
    obs, reward, terminated, truncated, info = play(env, [f"guess: {wrong}"] * 4)
    assert (reward, terminated, truncated) == (0.0, False, True)
    assert info["solved"] is False and info["solution"] == env.game.solution()
    assert f"The answer was: {info['solution']}" in obs
    with pytest.raises(ResetNeeded):
        env.step("guess: 1")


def test_step_before_reset_and_non_str_actions_raise():
    env = make_env()
    with pytest.raises(ResetNeeded):
        env.step("guess: 1")
    env.reset()
    with pytest.raises(TypeError):
        env.step(b"guess: 1")  # type: ignore[arg-type]


def test_invalid_actions_use_a_turn_and_say_what_is_allowed():
    env = make_env(max_turns=3)
    env.reset(options={"index": 0})
    obs, *_, info = env.step("no command here")
    assert obs.startswith("Invalid action: no line starts with 'guess:'")
    assert "Allowed: 'guess: <digit>'" in obs and "2 turns left" in obs
    obs, *_, info = env.step("guess: ten")
    assert obs.startswith("Invalid action: a guess is one digit. Allowed:")
    assert [t["valid"] for t in info["turns"]] == [False, False]
    start = time.perf_counter()
    obs, _, terminated, truncated, _ = env.step("guess: 1\n" * 1_000_000)
    assert time.perf_counter() - start < 0.5
    assert "over the limit of 2,000; it was not read" in obs and truncated and not terminated


def test_turn_discount_and_budget_override():
    env = make_env(turn_discount=0.5, max_turns=6)
    _, info = env.reset(options={"index": 1})
    assert info["max_turns"] == 6
    secret = int(env.game.solution())
    _, reward, terminated, *_ = play(env, ["guess: x", "guess: x", f"guess: {secret}"])
    assert terminated and reward == 0.25


def test_games_are_deterministic_by_index_and_seed():
    a, b = make_env(), make_env(task_seed=1)
    first = [a.reset(options={"index": i}) and a.game.solution() for i in range(30)]
    assert first == [a.make_game(i).solution() for i in range(30)]
    assert first != [b.make_game(i).solution() for i in range(30)]
    c = make_env()
    assert a.reset(seed=5)[1]["index"] == c.reset(seed=5)[1]["index"]
    with pytest.raises(ValueError, match="unknown reset option"):
        a.reset(options={"task": 1})
    with pytest.raises(ValueError):
        make_env(turn_discount=0)


def test_parse_action_takes_the_last_command_line():
    words = ("ask", "guess")
    assert parse_action("guess: a\nthen\n  **Guess:** b  \nok", words) == ("guess", "b")
    assert parse_action("- `ask: colour = red?`", words) == ("ask", "colour = red?")
    assert parse_action("> ASK: x", words) == ("ask", "x")
    assert parse_action("I will guess: a", words) is None
    assert parse_action("", words) is None


@given(st.text())
def test_parse_action_never_crashes(text):
    result = parse_action(text, ("guess", "ask"))
    assert result is None or result[0] in ("guess", "ask")


@given(
    st.text(max_size=200),
    st.sampled_from(["guess", "ask"]),
    st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=30),
)
def test_parse_action_round_trip(reasoning, keyword, argument):
    text = f"{reasoning}\n{keyword.upper()}: {argument}"
    assert parse_action(text, ("guess", "ask")) == (keyword, argument)


@given(st.text())
def test_clean_line_never_crashes(text):
    assert isinstance(clean_line(text), str)


def test_greedy_split_depth():
    numbers = list(range(8))
    bits = [lambda n, b=b: bool(n >> b & 1) for b in range(3)]
    assert greedy_split_depth(numbers, bits) == 3
    assert greedy_split_depth([5], bits) == 0
    with pytest.raises(ValueError, match="same answer"):
        greedy_split_depth([1, 9], bits)


def test_catalogue_entries_build_and_validate_their_options(registry):
    assert {spec.id for spec in ENVS} == {
        "interactive/mastermind-v0",
        "interactive/twenty-questions-v0",
        "interactive/guess-the-rule-v0",
    }
    for spec in ENVS:
        registry.register(spec)
        factory = load_entry_point(spec.entry_point)
        assert "turn_discount" in factory.config_model.model_fields
        env = registry.make(spec.id, difficulty=2, task_seed=3, max_turns=5)
        prompt, info = env.reset(options={"index": 0})
        assert info["max_turns"] == 5 and "You have 5 turns" in prompt
        for bad in ({"difficulty": 6}, {"turn_discount": 0}, {"format_weight": 0.5}, {"x": 1}):
            with pytest.raises(ValidationError):
                factory(**bad)


def test_seeded_rng_is_the_only_randomness():
    env = make_env()
    random.seed(0)
    first = env.make_game(7).solution()
    random.seed(1)
    assert env.make_game(7).solution() == first


def test_solving_on_the_last_turn_terminates_without_truncating():
    env = make_env(max_turns=2)
    env.reset(options={"index": 2})
    secret = int(env.game.solution())
    obs, reward, terminated, truncated, info = play(
        env, [f"guess: {(secret + 1) % 10}", f"guess: {secret}"]
    )
    assert (reward, terminated, truncated) == (1.0, True, False) and info["solved"]
    assert "Solved in 2 turns" in obs and "Out of turns" not in obs


def test_the_reference_completion_wins_at_once_and_reveals_nothing_early():
    env = make_env()
    _, info = env.reset(options={"index": 3})
    assert info["task"].answer is None and "verdict" not in info
    action = env.reference_completion(info["task"])
    _, reward, terminated, _, info = env.step(action)
    assert (reward, terminated) == (1.0, True)
    assert info["verdict"].correct and info["verdict"].feedback == "solved in 1 turn"
    other = make_env()
    other.reset(options={"index": 5})
    assert other.reference_completion(info["task"]) == action  # built from the task's index
