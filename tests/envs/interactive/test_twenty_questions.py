"""interactive/twenty-questions-v0: generated sets, oracle, splitting player and the parser."""

from __future__ import annotations

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env
from hypothesis import given
from hypothesis import strategies as st

from rlvr.envs.interactive.twenty_questions import (
    ATTRIBUTES,
    CATEGORICAL,
    LEVELS,
    NUMERIC,
    OPERATORS,
    Question,
    TwentyQuestions,
    make_twenty_questions,
    parse_question,
    question_pool,
)
from rlvr.errors import ResetNeeded


def splitting_player(env, first: str | None = None):
    """Ask the question that best halves the creatures still possible; guess when one is left."""
    game = env.game
    pool = question_pool(game.creatures, game.attributes)
    alive = list(game.creatures)
    if first is not None:
        env.step(first)
    while True:
        if len(alive) == 1:
            return env.step(f"guess: {alive[0]}")
        question = max(
            pool,
            key=lambda q: min(
                sum(q.holds(game.creatures[n]) for n in alive),
                sum(not q.holds(game.creatures[n]) for n in alive),
            ),
        )
        result = env.step(f"Still {len(alive)} possible.\nask: {question}")
        assert not (result[2] or result[3]), result[0]
        answer = result[0].splitlines()[0].endswith("yes.")
        alive = [n for n in alive if question.holds(game.creatures[n]) == answer]


@pytest.mark.filterwarnings("ignore:.*alternative render modes")
@pytest.mark.parametrize("difficulty", [1, 5])
def test_passes_gymnasium_check_env(difficulty):
    check_env(make_twenty_questions(difficulty=difficulty), skip_render_check=True)
    check_env(make_twenty_questions(difficulty=difficulty, render_mode="ansi"))


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_sets_are_distinguishable_and_match_the_level(difficulty):
    count, width = LEVELS[difficulty]
    env = make_twenty_questions(difficulty=difficulty)
    for index in range(25):
        game = env.make_game(index)
        profiles = {tuple(c[a] for a in game.attributes) for c in game.creatures.values()}
        assert len(game.creatures) == len(profiles) == count
        assert len(game.attributes) == width and game.secret in game.creatures
        assert game.max_turns <= count + 3


def test_determinism_and_prompt_without_the_secret():
    a, b = make_twenty_questions(difficulty=3), make_twenty_questions(difficulty=3)
    prompt, _ = a.reset(options={"index": 9})
    assert b.reset(options={"index": 9})[0] == prompt and a.game.secret == b.game.secret
    assert [a.make_game(i).secret for i in range(10)] != [
        make_twenty_questions(difficulty=3, task_seed=1).make_game(i).secret for i in range(10)
    ]
    game = a.game
    other = next(name for name in game.creatures if name != game.secret)
    twin = TwentyQuestions(game.creatures, game.attributes, other, game.max_turns)
    assert twin.rules() == game.rules()
    assert all(f"- {name}: " in prompt for name in game.creatures)


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_splitting_player_solves_every_level(difficulty):
    env = make_twenty_questions(difficulty=difficulty)
    for index in range(12):
        env.reset(options={"index": index})
        _, reward, terminated, truncated, info = splitting_player(env)
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["solution"] == env.game.secret


def test_wrong_guess_then_recovering_still_wins():
    env = make_twenty_questions(difficulty=2)
    env.reset(options={"index": 0})
    wrong = next(n for n in env.game.creatures if n != env.game.secret)
    _, reward, terminated, _, info = splitting_player(env, first=f"guess: {wrong}")
    assert (reward, terminated) == (1.0, True)
    assert info["turns"][0] == {
        "action": f"guess: {wrong}",
        "reply": f"No, it is not {wrong}.",
        "valid": True,
    }


def test_bad_player_runs_out_of_turns():
    env = make_twenty_questions(difficulty=4)
    _, info = env.reset(options={"index": 2})
    attribute = env.game.attributes[0]
    for turn in range(info["max_turns"]):
        _, reward, terminated, truncated, info = env.step(f"ask: {attribute} = 7?")
        assert (reward, terminated, truncated) == (0.0, False, turn == info["max_turns"] - 1)
    assert info["solution"] == env.game.secret and not info["solved"]
    with pytest.raises(ResetNeeded):
        env.step(f"guess: {env.game.secret}")


def test_oracle_answers_every_operator_truthfully():
    env = make_twenty_questions(difficulty=5)
    env.reset(options={"index": 0})
    hidden = env.game.creatures[env.game.secret]
    for op, compare in OPERATORS.items():
        env.reset(options={"index": 0})
        obs = env.step(f"ask: legs {op} 4")[0]
        assert obs.startswith(f"legs {op} 4? {'yes' if compare(hidden['legs'], 4) else 'no'}.")
    env.reset(options={"index": 0})
    assert env.step(f"ask: COLOUR = {hidden['colour']}?")[0].startswith(
        f"colour = {hidden['colour']}? yes."
    )


@pytest.mark.parametrize(
    ("action", "reply"),
    [
        ("ask: colour < red?", "Invalid action: colour takes '=' or '!=' only"),
        ("ask: colour = purple?", "Invalid action: colour is one of red/"),
        ("ask: tail = yes?", "Invalid action: unknown attribute 'tail'"),
        ("ask: legs = many?", "Invalid action: legs is a number"),
        ("ask: is it a bird?", "Invalid action: cannot read 'is it a bird?'"),
        ("guess: dragon", "Invalid action: 'dragon' is not one of the listed creatures"),
        ("is it a bird?", "Invalid action: no line starts with 'ask:', 'guess:'"),
    ],
)
def test_invalid_actions_get_a_reply_and_use_a_turn(action, reply):
    env = make_twenty_questions(difficulty=5)
    _, info = env.reset(options={"index": 0})
    obs, reward, terminated, truncated, info = env.step(action)
    assert (reward, terminated, truncated) == (0.0, False, False)
    assert obs.replace(", ", "/").startswith(reply.replace(", ", "/")), obs
    assert "Allowed: 'ask: <attribute> <op> <value>?'" in obs
    assert f"{info['max_turns'] - 1} turns left" in obs and info["turns"][0]["valid"] is False


def test_sync_vector_env():
    envs = gym.vector.SyncVectorEnv([lambda: make_twenty_questions(difficulty=2)] * 2)
    observations, _ = envs.reset(seed=0)
    assert all("twenty questions" in o for o in observations)
    for _ in range(3):
        observations, rewards, *_ = envs.step(("ask: legs > 2?", "nonsense"))
        assert observations[1].startswith("Invalid action") and list(rewards) == [0.0, 0.0]
    envs.close()


@given(st.text())
def test_parse_question_never_crashes(text):
    try:
        question = parse_question(text)
    except ValueError:
        return
    assert question.attribute in ATTRIBUTES and question.op in OPERATORS


@given(st.data())
def test_question_round_trip(data):
    attribute = data.draw(st.sampled_from(ATTRIBUTES))
    if attribute in NUMERIC:
        op = data.draw(st.sampled_from(sorted(OPERATORS)))
        value = data.draw(st.integers(-(10**6), 10**6))
    else:
        op = data.draw(st.sampled_from(["=", "!="]))
        value = data.draw(st.sampled_from(CATEGORICAL[attribute]))
    question = Question(attribute, op, value)
    assert parse_question(str(question)) == question
    assert parse_question(f"{attribute.upper()}{op}{value}") == question
