"""Built-in graded environments: open-ended answers scored by a rubric, with partial credit.

Their verifier kind is ``rubric`` (hackable; ``judge`` for ``graded/fact-summary-v0`` given a
judge): suites marked ``verifiable`` refuse them unless they set ``allow_hackable``.
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
    EnvSpec(
        id="graded/fact-summary-v0",
        entry_point="rlvr.envs.graded:make_fact_summary",
        description="Summarise a short document about an invented town or expedition within a "
        "word budget, stating the key facts it lists; partial credit per fact, penalties for "
        "copying, invented numbers and length (rubric-graded; judge=SPEC adds a judge's grade).",
        reward_kind="graded",
        difficulty=(1, 5),
        tags=("graded", "rubric", "summary", "procedural"),
    ),
)
