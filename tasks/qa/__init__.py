"""Search-and-browse question answering over a generated encyclopaedia (see ``docs/qa.md``).

- :mod:`.corpus`: the invented entities and their articles, deterministic from a seed;
- :mod:`.search`: a BM25 index over the articles;
- :mod:`.questions`: single- and multi-hop questions with gold answers, aliases and hop chains,
  and the answer normalisation that judges them.
"""

from rlvr.tasks.qa.corpus import Article, Corpus, build_corpus
from rlvr.tasks.qa.questions import QuestionSource
from rlvr.tasks.qa.search import SearchIndex

__all__ = ["Article", "Corpus", "QuestionSource", "SearchIndex", "build_corpus"]
