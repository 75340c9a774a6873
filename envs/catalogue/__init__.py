"""The catalogue of built-in environments: one file per domain, plain data, nothing imported.

Importing this package must stay cheap: it lists ids and ``"module:factory"`` entry points; the
environment code is imported only when an environment is made.
"""

from __future__ import annotations

from rlvr.envs.catalogue.code import ENVS as CODE_ENVS
from rlvr.envs.catalogue.graded import ENVS as GRADED_ENVS
from rlvr.envs.catalogue.interactive import ENVS as INTERACTIVE_ENVS
from rlvr.envs.catalogue.logic import ENVS as LOGIC_ENVS
from rlvr.envs.catalogue.math import ENVS as MATH_ENVS
from rlvr.envs.catalogue.qa import ENVS as QA_ENVS
from rlvr.spec import EnvSpec

BUILTIN_ENVS: tuple[EnvSpec, ...] = (
    *MATH_ENVS,
    *LOGIC_ENVS,
    *CODE_ENVS,
    *INTERACTIVE_ENVS,
    *QA_ENVS,
    *GRADED_ENVS,
)
