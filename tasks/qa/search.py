"""A BM25 index over the encyclopaedia, in pure Python.

Tokens are lower-case runs of letters and digits; numbers lose their thousands separators
(``12,450`` → ``12450``) so a query may write them either way; a few stop words are dropped.
Scoring is BM25 (``k1=1.2``, ``b=0.75``) over each article's body plus its title tokens weighted
``TITLE_WEIGHT`` times, and an article whose title tokens all appear in the query gets a bonus
that grows with the title's length, so an exact-title query ranks that article first even when a
twin or a related article shares most of its words.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from rlvr.tasks.qa.corpus import Article, Corpus

K1, B = 1.2, 0.75
TITLE_WEIGHT = 3
TITLE_BONUS = 5.0
TOP_K = 5
MAX_SNIPPET_CHARS = 160
MAX_QUERY_TOKENS = 32
STOP_WORDS = frozenset(
    "a an and as at by for from in into is it its of on or the to was were what which who "  # noqa: SIM905
    "with".split()
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_TOKEN = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Lower-case word and number tokens, thousands separators removed, stop words dropped."""
    text = _THOUSANDS.sub("", text.casefold())
    return [t for t in _TOKEN.findall(text) if t not in STOP_WORDS]


@dataclass(frozen=True)
class Hit:
    """One search result: the article, its score and the best-matching line as a snippet."""

    article: Article
    score: float
    snippet: str


class SearchIndex:
    """BM25 over a corpus's articles; :meth:`search` returns the top hits with snippets."""

    def __init__(self, corpus: Corpus) -> None:
        self.articles = corpus.articles
        self._docs: list[Counter[str]] = []
        self._titles: list[frozenset[str]] = []
        df: Counter[str] = Counter()
        for article in self.articles:
            title = tokenize(article.title)
            tokens = Counter(tokenize(" ".join(article.lines[1:])))
            for token in title:
                tokens[token] += TITLE_WEIGHT
            self._docs.append(tokens)
            self._titles.append(frozenset(title))
            df.update(tokens.keys())
        n = len(self.articles)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._lengths = [sum(d.values()) for d in self._docs]
        self._avg = sum(self._lengths) / max(n, 1)
        self._postings: dict[str, list[int]] = {}
        for i, doc in enumerate(self._docs):
            for token in doc:
                self._postings.setdefault(token, []).append(i)

    def search(self, query: str, k: int = TOP_K) -> list[Hit]:
        """The ``k`` best articles for ``query`` (ties broken by corpus order); may be empty."""
        terms = list(dict.fromkeys(tokenize(query)))[:MAX_QUERY_TOKENS]
        if not terms:
            return []
        scores: dict[int, float] = {}
        for term in terms:
            idf = self._idf.get(term)
            if idf is None:
                continue
            for i in self._postings[term]:
                tf = self._docs[i][term]
                norm = tf + K1 * (1 - B + B * self._lengths[i] / self._avg)
                scores[i] = scores.get(i, 0.0) + idf * tf * (K1 + 1) / norm
        query_terms = set(terms)
        for i in scores:
            title = self._titles[i]
            if title and title <= query_terms:
                scores[i] += TITLE_BONUS * len(title)
        best = sorted(scores, key=lambda i: (-scores[i], i))[:k]
        return [Hit(self.articles[i], scores[i], snippet(self.articles[i], terms)) for i in best]


def snippet(article: Article, terms: list[str]) -> str:
    """The body line sharing the most query terms (the lead line when none does), shortened."""
    wanted = set(terms)
    body = article.lines[1:] or article.lines
    line = max(body, key=lambda text: len(wanted & set(tokenize(text))))
    if len(line) > MAX_SNIPPET_CHARS:
        line = line[: MAX_SNIPPET_CHARS - 3] + "..."
    return line


@functools.lru_cache(maxsize=8)
def index_for(seed: int, size: int) -> SearchIndex:
    """The (cached) index of ``build_corpus(seed, size)``."""
    from rlvr.tasks.qa.corpus import build_corpus

    return SearchIndex(build_corpus(seed, size))
