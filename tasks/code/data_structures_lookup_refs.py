"""The data-structure family's tables, part two: the lookup structures, LRU cache, bank ledger,
interval set and words with prefix queries (see :mod:`.data_structures_refs` for the format).
"""

from __future__ import annotations

import random

from rlvr.tasks.code.data_structures_refs import INTRO, Op, Structure, between, branch
from rlvr.tasks.code.kit import at_level

# -- LRU cache -----------------------------------------------------------------------------------

LRU_CODE = """from collections import OrderedDict


def $name(ops: list[list[int | str]]) -> ${returns}:
    cache, capacity, out = OrderedDict(), 0, []
    for op, *args in ops:
        if op == "init":
            cache, capacity = OrderedDict(), args[0]
        elif op == "get":
            if args[0] in cache:
                cache.move_to_end(args[0])
            out.append(cache.get(args[0], -1))
        elif op == "put":
            if args[0] in cache:
                cache.move_to_end(args[0])
            elif len(cache) == capacity:
                cache.popitem(last=False)
            cache[args[0]] = args[1]
${more}    return out
"""


def lru_edges(rng: random.Random, level: int) -> list[list]:
    k1, k2, k3 = rng.sample(range(1, 10), 3)
    a, b, c, d = rng.sample(range(10, 99), 4)
    return at_level(level, [
        (1, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["get", k1], ["put", k3, c],
                ["get", k2], ["get", k1], ["get", k3]]),
        (1, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["put", k1, d], ["put", k3, c],
                ["get", k1], ["get", k2], ["get", k3]]),
        (1, 5, [["init", 1], ["get", k1], ["put", k1, a], ["put", k2, b], ["get", k1],
                ["get", k2], ["put", k2, c], ["get", k2]]),
        (4, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["peek", k1], ["put", k3, c],
                ["peek", k1], ["get", k2], ["size"]]),
        (5, 5, [["init", 2], ["put", k1, a], ["put", k2, b], ["delete", k1], ["delete", k1],
                ["put", k3, c], ["get", k2], ["init", 2], ["get", k3], ["size"], ["put", k1, a],
                ["delete", k1], ["size"]]),
    ])  # fmt: skip


CACHE_KEY = lambda rng, level: [rng.randint(1, level + 1)]  # noqa: E731
LRU = Structure(
    "lru-cache", (3, 5), ("process", "lru_cache", "run_cache", "process_cache"), LRU_CODE,
    {
        "returns": [(3, 4, "list[int]"), (5, 5, "list[int | bool]")],
        "more": [(4, 5, branch("peek", "out.append(cache[args[0]] if args[0] in cache else -1)")
                  + branch("size", "out.append(len(cache))")),
                 (5, 5, branch("delete", "out.append(args[0] in cache)",
                               "cache.pop(args[0], None)"))],
    },
    [(1, 5, "Simulate a least-recently-used (LRU) cache from integer keys to integer values. "
            + INTRO.format("the cache") + " A key is used by a `put` of it and by a `get` "
            "that finds it.")],
    [
        Op(1, 4, 0, "init", '`["init", c]`: set the capacity to c (c >= 1); no output. It is '
                            "always the first operation and the only init.", None, True),
        Op(5, 5, 1, "init", '`["init", c]`: empty the cache and set its capacity to c (c >= 1); '
                            "no output. The first operation is always an init; more may follow.",
           between(1, 3), True),
        Op(1, 5, 5, "put", '`["put", k, v]`: set the value of k to v; k becomes the most '
                           "recently used key. If k is new and the cache already holds c keys, "
                           "first evict the least recently used key. No output.",
           lambda rng, level: [rng.randint(1, level + 1), rng.randint(0, 99)], True),
        Op(1, 5, 5, "get", '`["get", k]`: output the value of k, or -1 when k is not in the '
                           "cache; a found key becomes the most recently used.", CACHE_KEY),
        Op(4, 5, 1, "peek", '`["peek", k]`: like `get`, but without using the key (the order '
                            "does not change).", CACHE_KEY),
        Op(4, 5, 1, "size", '`["size"]`: output the number of keys in the cache.'),
        Op(5, 5, 1, "delete", '`["delete", k]`: remove k; output True when it was in the cache, '
                              "else False.", CACHE_KEY),
    ],
    lru_edges,
    [
        ("init_keeps_entries", 5, 5, [("cache, capacity = OrderedDict(), args[0]",
                                       "capacity = args[0]")]),
        ("peek_refreshes", 4, 5, [("out.append(cache[args[0]] if args[0] in cache else -1)",
                                   "if args[0] in cache:\n                cache.move_to_end("
                                   "args[0])\n            out.append(cache.get(args[0], -1))")]),
        ("get_does_not_refresh", 1, 5, [('"get":\n            if args[0] in cache:\n'
                                         "                cache.move_to_end(args[0])\n",
                                         '"get":\n')]),
        ("put_does_not_refresh", 1, 5, [("cache.move_to_end(args[0])\n            elif",
                                         "pass\n            elif")]),
        ("evicts_newest", 1, 5, [("cache.popitem(last=False)", "cache.popitem()")]),
        ("holds_one_extra", 1, 5, [("len(cache) == capacity", "len(cache) > capacity")]),
    ],
    lambda rng, level: [["init", rng.randint(1, level - 1)]],
)  # fmt: skip

# -- bank ledger ---------------------------------------------------------------------------------

LEDGER_CODE = """def $name(ops: list[list[int | str]]) -> list[bool | int | None]:
    accounts, out = {}, []
    for op, *args in ops:
        name, amount = args[0], args[-1]
        if op == "open":
            result = name not in accounts
            if result:
                accounts[name] = amount
        elif op == "deposit":
            result = name in accounts${positive}
            if result:
                accounts[name] += amount
        elif op == "withdraw":
            result = name in accounts and accounts[name] >= amount${positive}
            if result:
                accounts[name] -= amount
        elif op == "transfer":
            target = args[1]
            result = name in accounts and target in accounts and accounts[name] >= amount
${transfer}            if result:
                accounts[name] -= amount
                accounts[target] += amount
        elif op == "balance":
            result = accounts.get(name)
${more}        out.append(result)
    return out
"""
PEOPLE = ("ann", "bob", "cy", "dee", "eve", "fay", "gus")


def ledger_edges(rng: random.Random, level: int) -> list[list]:
    a, b, z = rng.sample(PEOPLE, 3)
    k = rng.randint(1, 4)
    return at_level(level, [
        (1, 5, [["open", a, 50 * k], ["open", b, 10 * k], ["withdraw", a, 50 * k],
                ["balance", a], ["transfer", b, a, 20 * k], ["transfer", b, a, 10 * k],
                ["balance", a], ["balance", b], ["open", a, 99], ["balance", a]]),
        (1, 5, [["open", a, 30 * k], ["transfer", a, z, 10 * k], ["balance", a],
                ["deposit", z, 5], ["balance", z], ["withdraw", z, 1],
                ["withdraw", a, 30 * k + 1], ["deposit", a, 1], ["withdraw", a, 30 * k + 1]]),
        (5, 5, [["open", a, 20 * k], ["transfer", a, a, 10 * k], ["deposit", a, -5],
                ["deposit", a, 0], ["withdraw", a, -5], ["open", b, 0], ["transfer", a, b, 0],
                ["transfer", a, b, 20 * k], ["close", a], ["close", a], ["balance", a],
                ["balance", b], ["withdraw", b, 20 * k], ["close", b]]),
    ])  # fmt: skip


PERSON = lambda rng, level: [rng.choice(PEOPLE[: rng.choice((2, 3, 4))])]  # noqa: E731
AMOUNT = lambda rng, level: [*PERSON(rng, level), 5 * rng.randint(-(level >= 5), 12)]  # noqa: E731
LEDGER = Structure(
    "ledger", (4, 5), ("process", "ledger", "run_bank", "process_transactions"), LEDGER_CODE,
    {
        "positive": [(5, 5, " and amount > 0")],
        "transfer": [(5, 5, "            result = result and name != target and amount > 0\n")],
        "more": [(5, 5, branch("close", "result = accounts.pop(name, None)"))],
    },
    [(1, 5, "Simulate a bank ledger of named accounts with integer balances. "
            + INTRO.format("the ledger") + " Every operation gives an output; an operation "
            "that fails changes nothing."),
     (5, 5, "A deposit, withdrawal or transfer of an amount that is 0 or negative fails "
            "(False), and so does a transfer whose source and target are the same account.")],
    [
        Op(1, 5, 1, "open", '`["open", name, amount]`: open an account with balance `amount` '
                            "(>= 0) and output True; output False when it already exists.",
           lambda rng, level: [*PERSON(rng, level), 5 * rng.randint(0, 12)]),
        Op(1, 5, 2, "deposit", '`["deposit", name, amount]`: add `amount` to the balance and '
                               "output True; output False when there is no such account.",
           AMOUNT),
        Op(1, 5, 3, "withdraw", '`["withdraw", name, amount]`: subtract `amount` if the balance '
                                "is at least `amount` and output True; else (too little money "
                                "or no such account) output False.", AMOUNT),
        Op(1, 5, 4, "transfer", '`["transfer", source, target, amount]`: move `amount` from '
                                "`source` to `target` and output True; output False when an "
                                "account does not exist or `source` has less than `amount`.",
           lambda rng, level: [*PERSON(rng, level), *AMOUNT(rng, level)]),
        Op(1, 5, 3, "balance", '`["balance", name]`: output the balance (None if no such '
                               "account).", PERSON),
        Op(5, 5, 1, "close", '`["close", name]`: remove the account and output its final '
                             "balance (None if no such account).", PERSON),
    ],
    ledger_edges,
    [
        ("self_transfer_allowed", 5, 5, [("result and name != target and", "result and")]),
        ("non_positive_deposit_allowed", 5, 5, [("result = name in accounts and amount > 0\n",
                                                 "result = name in accounts\n")]),
        ("overdraft_allowed", 1, 5, [("target in accounts and accounts[name] >= amount",
                                      "target in accounts")]),
        ("exact_balance_refused", 1, 5, [("name in accounts and accounts[name] >= amount",
                                          "name in accounts and accounts[name] > amount")]),
        ("missing_target_created", 1, 5, [("and target in accounts ", ""),
                                           ("accounts[target] += amount", "accounts[target] = "
                                            "accounts.get(target, 0) + amount")]),
        ("reopen_resets", 1, 5, [("            if result:\n                accounts[name] = "
                                  "amount\n", "            accounts[name] = amount\n")]),
    ],
    lambda rng, level: [["open", name, 5 * rng.randint(0, 12)]
                        for name in PEOPLE[: rng.randint(1, 3)]],
)  # fmt: skip

# -- interval set --------------------------------------------------------------------------------

INTERVAL_CODE = """def $name(ops: list[list[int | str]]) -> list[bool | int]:
    runs, out = [], []  # sorted [low, high] runs, neither overlapping nor touching
    for op, *args in ops:
        if op == "add":
            low, high = args
${guard}            kept = []
            for a, b in runs:
                if b < low - 1 or a > high + 1:
                    kept.append([a, b])
                else:
                    low, high = min(low, a), max(high, b)
            runs = sorted([*kept, [low, high]])
        elif op == "contains":
            out.append(any(a <= args[0] <= b for a, b in runs))
        elif op == "count":
            out.append(len(runs))
${more}    return out
"""
GUARD = "            if low > high:\n                continue\n"
REMOVE = """        elif op == "remove":
            low, high = args
            if low > high:
                continue
            kept = []
            for a, b in runs:
                if a < low:
                    kept.append([a, min(b, low - 1)])
                if b > high:
                    kept.append([max(a, high + 1), b])
            runs = kept
"""


def interval_edges(rng: random.Random, level: int) -> list[list]:
    s = rng.randint(0, 20)
    return at_level(level, [
        (1, 5, [["count"], ["contains", s], ["add", s + 1, s + 3], ["add", s + 5, s + 6],
                ["count"], ["add", s + 4, s + 4], ["count"], ["contains", s + 3],
                ["contains", s + 6], ["contains", s + 7], ["contains", s]]),
        (1, 5, [["add", s + 10, s + 12], ["add", s + 1, s + 20], ["add", s + 15, s + 30],
                ["add", s + 40, s + 40], ["count"], ["contains", s + 30], ["contains", s + 31],
                ["contains", s + 40]]),
        (5, 5, [["add", s + 5, s + 3], ["count"], ["total"], ["add", s + 1, s + 10],
                ["remove", s + 3, s + 5], ["contains", s + 3], ["contains", s + 2],
                ["contains", s + 6], ["count"], ["total"], ["remove", s + 9, s + 8], ["total"],
                ["remove", s, s + 20], ["count"]]),
    ])  # fmt: skip


RANGE = lambda rng, level: [a := rng.randint(0, 30), a + rng.randint(-2 * (level >= 5), 5)]  # noqa: E731
INTERVAL = Structure(
    "interval-set", (4, 5), ("process", "interval_set", "run_ranges", "process_ranges"),
    INTERVAL_CODE,
    {"guard": [(5, 5, GUARD)],
     "more": [(5, 5, REMOVE + branch("total", "out.append(sum(b - a + 1 for a, b in runs))"))]},
    [(1, 5, "Simulate a set of integers that is changed a whole range at a time. "
            + INTRO.format("the set"))],
    [
        Op(1, 4, 5, "add", '`["add", a, b]`: add every integer from a to b, both included '
                           "(a <= b); no output.", RANGE, True),
        Op(5, 5, 5, "add", '`["add", a, b]`: add every integer from a to b, both included '
                           "(nothing when a > b); no output.", RANGE, True),
        Op(5, 5, 2, "remove", '`["remove", a, b]`: remove every integer from a to b, both '
                              "included (nothing when a > b); no output.", RANGE, True),
        Op(1, 5, 4, "contains", '`["contains", x]`: output whether x is in the set.',
           between(0, 36)),
        Op(1, 5, 2, "count", '`["count"]`: output the number of maximal runs of consecutive '
                             "integers in the set: the intervals left after merging those that "
                             "overlap or touch (adding [1, 3] and [4, 6] makes one run)."),
        Op(5, 5, 1, "total", '`["total"]`: output how many integers the set holds.'),
    ],
    interval_edges,
    [
        ("total_off_by_one", 5, 5, [("b - a + 1 for", "b - a for")]),
        ("remove_keeps_its_start", 5, 5, [("min(b, low - 1)", "min(b, low)")]),
        ("reversed_range_added", 5, 5, [("args\n" + GUARD + "            kept = []\n"
                                         "            for a, b in runs:\n                if b <",
                                         "args\n            kept = []\n"
                                         "            for a, b in runs:\n                if b <")]),
        ("touching_not_merged", 1, 5, [("b < low - 1 or a > high + 1", "b < low or a > high")]),
        ("contains_excludes_the_end", 1, 5, [("a <= args[0] <= b", "a <= args[0] < b")]),
        ("never_merges", 1, 5, [("low, high = min(low, a), max(high, b)",
                                 "kept.append([a, b])")]),
    ],
)  # fmt: skip

# -- words with prefix queries (a trie's interface) ----------------------------------------------

TRIE_CODE = """def $name(ops: list[list[str]]) -> list[bool | int]:
    words, out = set(), []
    for op, word in ops:
        if op == "insert":
            words.add(word)
        elif op == "search":
            out.append(word in words)
        elif op == "starts_with":
            out.append(any(w.startswith(word) for w in words))
        elif op == "count_prefix":
            out.append(sum(w.startswith(word) for w in words))
${more}    return out
"""
WORDS = ("an", "and", "ant", "any", "car", "card", "care", "cart", "cat", "do", "dog", "dot",
         "tea", "team", "ten", "to", "top")  # fmt: skip
PAIRS = (("car", "card"), ("an", "ant"), ("do", "dog"), ("tea", "team"), ("to", "top"))


def trie_edges(rng: random.Random, level: int) -> list[list]:
    short, long = rng.choice(PAIRS)
    return at_level(level, [
        (1, 5, [["starts_with", ""], ["count_prefix", ""], ["search", long], ["insert", long],
                ["insert", long], ["search", short], ["starts_with", short], ["starts_with", ""],
                ["count_prefix", short], ["count_prefix", long], ["search", long],
                ["starts_with", long + "s"]]),
        (5, 5, [["insert", short], ["delete", short], ["delete", short], ["search", short],
                ["insert", long], ["delete", long], ["count_prefix", ""]]),
    ])  # fmt: skip


WORD = lambda rng, level: [rng.choice(WORDS)]  # noqa: E731
PREFIX = lambda rng, level: [(w := rng.choice(WORDS))[: rng.randint(0, len(w))]]  # noqa: E731
TRIE = Structure(
    "trie", (4, 5), ("process", "trie_ops", "run_trie", "process_words"), TRIE_CODE,
    {"more": [(5, 5, branch("delete", "out.append(word in words)", "words.discard(word)"))]},
    [(1, 5, "Simulate a set of lowercase words with prefix queries (what a trie offers). "
            + INTRO.format("the set") + " Every operation is a pair `[name, text]`.")],
    [
        Op(1, 5, 4, "insert", '`["insert", w]`: store the word w (again: no change); no output.',
           WORD, True),
        Op(1, 5, 2, "search", '`["search", w]`: output whether w itself is stored (being the '
                              "prefix of a stored word is not enough).",
           lambda rng, level: (WORD if rng.random() < 0.7 else PREFIX)(rng, level)),
        Op(1, 5, 2, "starts_with", '`["starts_with", p]`: output whether some stored word '
                                   "starts with p (a word starts with itself; with no word "
                                   'stored even `""` gives False).', PREFIX),
        Op(1, 5, 2, "count_prefix", '`["count_prefix", p]`: output how many stored words start '
                                    'with p (`""`: all of them).', PREFIX),
        Op(5, 5, 2, "delete", '`["delete", w]`: remove w; output True when it was stored, else '
                              "False.", WORD),
    ],
    trie_edges,
    [
        ("delete_checks_after_removing", 5, 5, [("out.append(word in words)\n            "
                                                 "words.discard(word)", "words.discard(word)\n"
                                                 "            out.append(word in words)")]),
        ("duplicates_counted", 4, 4, [("words, out = set(), []", "words, out = [], []"),
                                      ("words.add(word)", "words.append(word)")]),
        ("search_accepts_prefixes", 1, 5, [('"search":\n            out.append(word in words)',
                                            '"search":\n            out.append(any('
                                            "w.startswith(word) for w in words))")]),
        ("count_excludes_the_prefix_itself", 1, 5, [("sum(w.startswith(word) for",
                                                     "sum(w.startswith(word) and w != word "
                                                     "for")]),
        ("empty_prefix_always_matches", 1, 5, [("out.append(any(w.startswith(word)",
                                                'out.append(word == "" or any('
                                                "w.startswith(word)")]),
    ],
)  # fmt: skip
