"""interactive/mastermind-v0: oracle, levels, scripted players, vector envs and the code parser."""

from __future__ import annotations

import itertools
from functools import cache

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

from rlvr.envs.interactive.mastermind import (
    COLOURS,
    LEVELS,
    Mastermind,
    format_code,
    make_mastermind,
    parse_code,
    score,
)
from rlvr.errors import ResetNeeded


@cache
def code_space(pegs: int, colours: int) -> list[tuple[str, ...]]:
    return list(itertools.product(COLOURS[:colours], repeat=pegs))


def consistent_player(env, first: str | None = None):
    """Guess the first code consistent with all feedback so far; return the last step."""
    game = env.game
    candidates = code_space(game.pegs, len(game.palette))
    if first is not None:
        result = env.step(first)
        if result[2]:
            return result
    while True:
        guess = candidates[0]
        result = env.step(f"Reasoning about {len(candidates)} codes.\nguess: {format_code(guess)}")
        obs, _, terminated, truncated, _ = result
        if terminated or truncated:
            return result
        black, white = (int(w) for w in obs.split(":")[1].split()[::2][:2])
        candidates = [c for c in candidates if score(c, guess) == (black, white)]


def test_score():
    assert score(tuple("RGBY"), tuple("RGBY")) == (4, 0)
    assert score(tuple("RGBY"), tuple("YBGR")) == (0, 4)
    assert score(tuple("RRGG"), tuple("RGRB")) == (1, 2)
    assert score(tuple("RRRR"), tuple("ROOO")) == (1, 0)


@pytest.mark.filterwarnings("ignore:.*alternative render modes")
@pytest.mark.parametrize("difficulty", [1, 5])
def test_passes_gymnasium_check_env(difficulty):
    check_env(make_mastermind(difficulty=difficulty), skip_render_check=True)
    check_env(make_mastermind(difficulty=difficulty, render_mode="ansi"))


def test_levels_and_determinism():
    for difficulty, (pegs, colours, turns) in LEVELS.items():
        env = make_mastermind(difficulty=difficulty)
        prompt, info = env.reset(options={"index": 4})
        secret = env.game.solution()
        assert len(secret.split()) == pegs and set(secret.split()) <= set(COLOURS[:colours])
        assert (
            info["max_turns"] == turns and f"{pegs} pegs" in prompt and f"{turns} turns" in prompt
        )
        again = make_mastermind(difficulty=difficulty)
        assert again.reset(options={"index": 4})[0] == prompt
        assert again.game.solution() == secret
        other = make_mastermind(difficulty=difficulty, task_seed=1)
        assert [other.make_game(i).secret for i in range(10)] != [
            env.make_game(i).secret for i in range(10)
        ]
    secrets = {make_mastermind(difficulty=3).make_game(i).secret for i in range(20)}
    assert len(secrets) > 15


def test_prompt_does_not_depend_on_the_secret():
    assert Mastermind(tuple("RGBY"), 6, 10).rules() == Mastermind(tuple("YYOP"), 6, 10).rules()


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_consistent_player_solves_every_level(difficulty):
    env = make_mastermind(difficulty=difficulty)
    for index in range(4 if difficulty < 4 else 2):
        env.reset(options={"index": index})
        _, reward, terminated, truncated, info = consistent_player(env)
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["solved"] and len(info["turns"]) <= info["max_turns"]


def test_failing_first_then_recovering_still_wins():
    env = make_mastermind(difficulty=2)
    env.reset(options={"index": 0})
    _, reward, terminated, _, info = consistent_player(env, first="guess: R G")
    assert (reward, terminated) == (1.0, True) and info["turns"][0]["valid"] is False


def test_bad_player_runs_out_of_turns():
    env = make_mastermind(difficulty=3, turn_discount=0.9)
    env.reset(options={"index": 1})
    wrong = next(c for c in code_space(4, 6) if format_code(c) != env.game.solution())
    for turn in range(10):
        obs, reward, terminated, truncated, info = env.step(f"guess: {format_code(wrong)}")
        assert terminated is False and reward == 0.0 and truncated == (turn == 9)
    assert "Out of turns" in obs and info["solution"] == env.game.solution()
    with pytest.raises(ResetNeeded):
        env.step(f"guess: {format_code(wrong)}")


@pytest.mark.parametrize(
    ("action", "reply"),
    [
        ("guess: R G B", "Invalid action: the guess has 3 pegs; the code has 4. Allowed: 'guess:"),
        ("guess: R G B X", "Invalid action: 'X' is not a colour letter"),
        ("guess: RGBW", "Invalid action: W is not one of this game's colours"),
        ("guess:", "Invalid action: the guess is empty"),
        ("RGBY", "Invalid action: no line starts with 'guess:'"),
    ],
)
def test_invalid_guesses_get_a_reply_and_use_a_turn(action, reply):
    env = make_mastermind(difficulty=3)
    env.reset(options={"index": 0})
    obs, reward, terminated, truncated, info = env.step(action)
    assert obs.startswith(reply) and "9 turns left" in obs
    assert (reward, terminated, truncated, info["turns"][0]["valid"]) == (0.0, False, False, False)


def test_guesses_parse_in_several_forms():
    env = make_mastermind(difficulty=3)
    env.reset(options={"index": 0})
    for action in ("guess: rgby", "Guess: R, G, B, Y", "**guess:** `R G B Y`"):
        assert env.step(action)[0].startswith("R G B Y: ")


def test_sync_and_async_vector_envs():
    sync = gym.vector.SyncVectorEnv([lambda: make_mastermind(difficulty=2)] * 2)
    observations, _ = sync.reset(seed=3)
    assert len(observations) == 2 and all("Mastermind" in o for o in observations)
    for _ in range(3):
        observations, rewards, terminated, truncated, _ = sync.step(("guess: RGBY", "guess: R"))
        assert len(rewards) == 2 and observations[1].startswith("Invalid action")
        assert not any(terminated) and not any(truncated)
    sync.close()
    async_env = gym.vector.AsyncVectorEnv(
        [lambda: make_mastermind(difficulty=2)] * 2, shared_memory=False
    )
    try:
        observations, _ = async_env.reset(seed=3)
        observations, *_ = async_env.step(("guess: RGBY", "guess: YYYY"))
        assert observations[0].startswith("R G B Y: ") and observations[1].startswith("Y Y Y Y")
    finally:
        async_env.close()


@given(st.text())
def test_parse_code_never_crashes(text):
    try:
        code = parse_code(text)
    except ValueError:
        return
    assert code and set(code) <= set(COLOURS)


@given(st.lists(st.sampled_from(COLOURS), min_size=1, max_size=8))
def test_code_round_trip(pegs):
    code = tuple(pegs)
    assert parse_code(format_code(code)) == code
    assert parse_code("".join(code).lower()) == code
