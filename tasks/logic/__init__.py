"""Procedural logic puzzle families: generator, rules and answer format, one module per family.

Every family module ``rlvr.tasks.logic.<family>`` (``-`` in the family name becomes ``_``)
provides:

- a :class:`rlvr.tasks.logic.rules.PuzzleSource` subclass that only emits solvable puzzles,
  none of them solved by a trivial answer;
- ``check(task, answer: str) -> RuleResult``: the puzzle's rules applied to the model's answer
  (any valid solution passes, not string equality with a stored one); raises
  :class:`AnswerFormatError` when the answer cannot be read;
- ``reference(task) -> str``: a correct answer in the documented format;
- ``mutations(task) -> dict[str, str]``: near-miss answers (one cell, move or assignment
  changed) that break a rule;
- ``trivial_answers(task) -> dict[str, str]``: readable answers that take no reasoning (an
  empty board, only the givens, one value everywhere); graded credit is measured from the best
  of them, so they earn none.

The ``logic`` verifier (:mod:`rlvr.verifiers.rules`) finds the module from
``task.metadata["source"]`` and applies it.
"""

from rlvr.tasks.logic.rules import AnswerFormatError, RuleResult

__all__ = ["AnswerFormatError", "RuleResult"]
