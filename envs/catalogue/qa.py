"""Built-in question-answering environments: search and browse a generated encyclopaedia."""

from rlvr.spec import EnvSpec

ENVS = (
    EnvSpec(
        id="qa/encyclopedia-v0",
        entry_point="rlvr.envs.qa:make_encyclopedia",
        description="Search and read an invented encyclopaedia to answer single- and multi-hop "
        "questions (multi-turn).",
        difficulty=(1, 5),
        tags=("qa", "search", "multi-turn", "procedural"),
    ),
    EnvSpec(
        id="qa/multi-hop-v0",
        entry_point="rlvr.envs.qa:make_multi_hop",
        description="Multi-hop questions only: follow relations across articles (multi-turn).",
        difficulty=(1, 5),
        tags=("qa", "search", "multi-turn", "procedural"),
    ),
)
