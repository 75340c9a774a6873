"""Multi-turn interactive logic environments: a model plays against a rule-based oracle.

Importing this package is cheap; the games live in :mod:`.mastermind`, :mod:`.twenty_questions`
and :mod:`.guess_the_rule`, all on the base env in :mod:`.base` (see ``docs/interactive.md``).
"""
