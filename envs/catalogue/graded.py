"""Built-in graded environments: open-ended answers scored by a rubric, with partial credit.

Their verifier kind is ``rubric`` (hackable): suites marked ``verifiable`` refuse them unless they
set ``allow_hackable``.
"""

from rlvr.spec import EnvSpec

ENVS = (
    EnvSpec(
        id="graded/structured-output-v0",
        entry_point="rlvr.envs.graded:make_structured_output",
        description="Copy facts about an invented entity into a JSON object with given fields "
        "and types; partial credit per field (rubric-graded).",
        reward_kind="graded",
        difficulty=(1, 5),
        tags=("graded", "rubric", "json", "procedural"),
    ),
    EnvSpec(
        id="graded/constrained-writing-v0",
        entry_point="rlvr.envs.graded:make_constrained_writing",
        description="Write a short text under word-count, required-word, forbidden-letter and "
        "section constraints; partial credit per constraint (rubric-graded).",
        reward_kind="graded",
        difficulty=(1, 5),
        tags=("graded", "rubric", "writing", "procedural"),
    ),
)
