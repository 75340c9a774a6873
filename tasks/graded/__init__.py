"""Procedural families for graded environments: open-ended answers scored by a rubric.

Every family module ``rlvr.tasks.graded.<family>`` (``-`` in the family name becomes ``_``)
provides:

- a :class:`rlvr.tasks.ProceduralSource` subclass whose tasks carry their rubric in
  ``metadata["rubric"]`` (see :mod:`rlvr.verifiers.rubric_spec`) and a gold answer from which the
  ``rubric`` verifier builds a reference completion that scores 1.0;
- ``known_bad(task) -> dict[str, str]``: answers that game or miss the rubric, added to the ones
  the ``rubric`` verifier derives from any rubric.

A rubric grades; it does not verify. The environments over these families are of reward kind
``graded`` and verifier kind ``rubric`` (see :mod:`rlvr.verifiers.kinds`).
"""
