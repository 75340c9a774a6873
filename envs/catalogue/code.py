"""Built-in code environments: programs judged by running them against hidden tests."""

from rlvr.spec import EnvSpec


def _code(name: str, factory: str, description: str, **extra) -> EnvSpec:
    return EnvSpec(
        id=f"code/{name}-v0",
        entry_point=f"rlvr.envs.code:{factory}",
        description=description,
        difficulty=extra.pop("difficulty", (1, 5)),
        tags=extra.pop("tags", ("code", "procedural")),
    )


ENVS = (
    _code("strings", "make_strings", "String transformations from a spec and examples."),
    _code("lists", "make_lists", "List and array algorithms from a spec and examples."),
    _code(
        "arithmetic-functions",
        "make_arithmetic_functions",
        "Integer functions: digits, divisors, primes, sequences.",
    ),
    _code("parsing", "make_parsing", "Parse small text formats into values."),
    _code("recursion", "make_recursion", "Naturally recursive counting and search problems."),
    _code(
        "state-machines",
        "make_state_machines",
        "Simulate a machine described in the prompt.",
    ),
    _code(
        "data-structures",
        "make_data_structures",
        "Run operations on a stack, queue, LRU cache, ledger, trie...",
    ),
    _code(
        "debug",
        "make_debug",
        "Fix a function that fails hidden tests (all function families).",
    ),
    _code(
        "stdio",
        "make_stdio",
        "The function families as stdin/stdout programs, judged like contests.",
    ),
    _code(
        "humaneval",
        "make_humaneval",
        "The 164 HumanEval problems (needs the code extra).",
        difficulty=None,
        tags=("code", "dataset"),
    ),
)
