"""String transformations: write a function that applies a pipeline of steps to a string.

=====  =====  ============================================  ==================================
level  steps  input ``s``                                   parameter ``k``
=====  =====  ============================================  ==================================
1      1      lower-case words and digits, single spaces    none
2      1      + upper case and punctuation                  the step's parameter, if it has one
3      2      + repeated, leading and trailing spaces       none (constants in the spec)
4      3      longer strings                                one step's parameter (always one)
5      4      longest strings                               one step's parameter (always one)
=====  =====  ============================================  ==================================

Steps are drawn from reversal, case changes, character filters, Caesar shifts, rotations,
word-level operations, run-length encoding, riffles and block reversals (later ones from level
2 and 3; a filter of punctuation from level 2, where the input has some). Every step of a
pipeline must matter: a pipeline where dropping a step leaves all hidden outputs unchanged, or
where returning ``s`` unchanged passes every hidden test, is redrawn. The hidden tests mix
random strings, edge cases (the empty string, one character, odd spacing) and inputs chosen to
expose each step's classic mistakes.

Each task records its steps in ``metadata["operations"]``. How the reference, the hidden tests
and the checked mistakes (``metadata["mistakes"]``, which :func:`wrong_solutions` rebuilds) come
about is :class:`~rlvr.tasks.code.kit.PipelineSource`'s.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.code import kit
from rlvr.tasks.code.kit import EXAMPLES, Op, PipelineSource, Step, uniform_int
from rlvr.types import Task

CAESAR = """out = []
for c in s:
    if c.islower():
        out.append(chr((ord(c) - 97 + __K__) % 26 + 97))
    elif c.isupper():
        out.append(chr((ord(c) - 65 + __K__) % 26 + 65))
    else:
        out.append(c)
s = ''.join(out)"""
RLE = """out, i = [], 0
while i < len(s):
    j = i
    while j < len(s) and s[j] == s[i]:
        j += 1
    out.append(str(j - i) + s[i])
    i = j
s = ''.join(out)"""
RIFFLE = """h = (len(s) + 1) // 2
a, b = s[:h], s[h:]
s = ''.join(x + y for x, y in zip(a, b))"""
WORD = "A word is a maximal run of non-space characters."

# fmt: off
OPS: dict[str, Op] = {op.name: op for op in [
    Op("reverse", 1, "Reverse the whole string.", "s = s[::-1]",
       {"drops_first": "s = s[:0:-1]"}, ("reverse_string", "reversed_text", "flip"), ("ab",)),
    Op("swapcase", 2, "Swap the case of every letter (upper case becomes lower case and lower "
       "case becomes upper case); other characters stay as they are.", "s = s.swapcase()",
       {"lower_only": "s = ''.join(c.upper() if c.islower() else c for c in s)",
        "upper_all": "s = s.upper()"},
       ("swap_case", "invert_case"), ("Hello World",)),
    Op("vowels_upper", 1, "Make every vowel (a, e, i, o, u) upper case and every other letter "
       "lower case; other characters stay as they are. The letter y is not a vowel.",
       "s = ''.join(c.upper() if c in 'aeiouAEIOU' else c.lower() for c in s)",
       {"y_is_vowel": "s = ''.join(c.upper() if c in 'aeiouyAEIOUY' else c.lower() for c in s)",
        "keeps_consonants": "s = ''.join(c.upper() if c in 'aeiouAEIOU' else c for c in s)"},
       ("shout_vowels", "upper_vowels", "vowels_up"), ("Yummy TOAST",)),
    Op("remove_vowels", 1, "Remove every vowel (a, e, i, o, u, in either case); y is not a vowel.",
       "s = ''.join(c for c in s if c not in 'aeiouAEIOU')",
       {"lower_only": "s = ''.join(c for c in s if c not in 'aeiou')",
        "y_is_vowel": "s = ''.join(c for c in s if c not in 'aeiouyAEIOUY')"},
       ("remove_vowels", "strip_vowels", "disemvowel"), ("AEIOU and y",)),
    Op("remove_digits", 1, "Remove every digit; every other character stays.",
       "s = ''.join(c for c in s if not c.isdigit())",
       {"letters_only": "s = ''.join(c for c in s if c.isalpha())",
        "strips_spaces": "s = ''.join(c for c in s if not c.isdigit()).strip()"},
       ("remove_digits", "drop_digits", "strip_numbers"), ("a1 b2 c3!", "room 101")),
    Op("keep_alnum", 2, "Remove every character that is not a letter, a digit or a space.",
       "s = ''.join(c for c in s if c.isalnum() or c == ' ')",
       {"drops_spaces": "s = ''.join(c for c in s if c.isalnum())",
        "letters_only": "s = ''.join(c for c in s if c.isalpha() or c == ' ')"},
       ("clean_text", "keep_alnum", "strip_symbols"), ("hi, there! 42",)),
    Op("reverse_each_word", 1, f"Reverse every word in place. {WORD} Every space stays exactly "
       "where it is.", "s = ' '.join(w[::-1] for w in s.split(' '))",
       {"collapses_spaces": "s = ' '.join(w[::-1] for w in s.split())",
        "reverses_all": "s = s[::-1]"},
       ("reverse_each_word", "mirror_words", "flip_words"), (" ab  cd ", "one two")),
    Op("alternate_case", 2, "Make the characters at even positions (0, 2, 4, ...) upper case and "
       "those at odd positions lower case; positions count every character, spaces and "
       "punctuation included.",
       "s = ''.join(c.upper() if i % 2 == 0 else c.lower() for i, c in enumerate(s))",
       {"odd_first": "s = ''.join(c.lower() if i % 2 == 0 else c.upper() for i, c in enumerate(s))",
        "skips_spaces": "out, i = [], 0\nfor c in s:\n    out.append(c.upper() if i % 2 == 0 else "
                        "c.lower())\n    if c != ' ':\n        i += 1\ns = ''.join(out)"},
       ("alternate_case", "zigzag_case", "sponge_case"), ("ab cd", "HELLO world")),
    Op("caesar", 2, "Shift every letter {k} places forward in the alphabet, wrapping around from "
       "z to a and keeping its case (with a shift of 3, 'x' becomes 'a' and 'Y' becomes 'B'); "
       "other characters stay as they are.", CAESAR,
       {"no_wrap": CAESAR.replace("(ord(c) - 97 + __K__) % 26 + 97", "ord(c) + __K__")
                         .replace("(ord(c) - 65 + __K__) % 26 + 65", "ord(c) + __K__"),
        "lower_only": CAESAR.replace("    elif c.isupper():\n        out.append(chr((ord(c) - 65 "
                                     "+ __K__) % 26 + 65))\n", "")},
       ("caesar", "caesar_shift", "shift_letters"), ("xyz XYZ", "abc ABC"), const=(1, 25),
       arg=(-30, 30), arg_note="`k` may be negative (a backward shift) or larger than 25."),
    Op("rotate", 2, "Rotate the string left by {k} places: with n characters, move the first "
       "({k} mod n) characters to the end, where mod gives the remainder in 0..n-1 (an empty "
       "string stays empty).", "if s:\n    r = __K__ % len(s)\n    s = s[r:] + s[:r]",
       {"no_modulo": "s = s[__K__:] + s[:__K__]",
        "rotates_right": "if s:\n    r = __K__ % len(s)\n    s = s[len(s) - r:] + s[:len(s) - r]"},
       ("rotate_left", "rotate_string", "cycle_text"), ("ab", "xyz"), const=(1, 6), arg=(-9, 15),
       arg_note="`k` may be negative (-1 mod n is n - 1) or larger than the length."),
    Op("every_kth", 2, "Keep only the characters whose position (counting from 0) is a multiple "
       "of {k}.", "s = s[::__K__]",
       {"starts_at_k": "s = s[__K__ - 1::__K__]", "skips_first": "s = s[__K__::__K__]"},
       ("every_kth", "sample_chars", "take_every"), ("abcdefghij",), const=(2, 4), arg=(1, 5),
       arg_note="`k` is at least 1."),
    Op("squeeze", 2, "Replace every run of identical consecutive characters by a single copy (so "
       "'aabbb  c' becomes 'ab c'); the comparison is case-sensitive ('aA' stays 'aA').",
       "s = ''.join(c for i, c in enumerate(s) if i == 0 or c != s[i - 1])",
       {"drops_last": "s = ''.join(c for i, c in enumerate(s[:-1]) if c != s[i + 1])",
        "ignores_case": "s = ''.join(c for i, c in enumerate(s) "
                        "if i == 0 or c.lower() != s[i - 1].lower())"},
       ("squeeze", "collapse_runs", "dedupe_chars"), ("aAbb  cc", "xyy")),
    Op("reverse_words", 2, f"Reverse the order of the words and join them with single spaces. "
       f"{WORD} The result has no leading, trailing or repeated spaces.",
       "s = ' '.join(s.split()[::-1])",
       {"keeps_spaces": "s = ' '.join(s.split(' ')[::-1])",
        "reverses_letters": "s = ' '.join(s.split())[::-1]"},
       ("reverse_words", "flip_word_order", "words_backwards"), (" one  two ", "a bc d")),
    Op("capitalize_words", 2, "Capitalise every word: its first character becomes upper case and "
       "the rest of the word lower case (\"don't\" becomes \"Don't\", '3RD' becomes '3rd'). "
       f"{WORD} Every space stays where it is.",
       "s = ' '.join(w[:1].upper() + w[1:].lower() for w in s.split(' '))",
       {"title": "s = s.title()",
        "keeps_rest": "s = ' '.join(w[:1].upper() + w[1:] for w in s.split(' '))"},
       ("capitalize_words", "title_case", "headline"), ("don't STOP 3rd", "hello world")),
    Op("vowel_next", 2, "Replace every vowel by the next one in the cycle a -> e -> i -> o -> u "
       "-> a, keeping its case (so 'u' becomes 'a' and 'E' becomes 'I'); y is not a vowel.",
       "s = s.translate(str.maketrans('aeiouAEIOU', 'eiouaEIOUA'))",
       {"lower_only": "s = s.translate(str.maketrans('aeiou', 'eioua'))",
        "previous": "s = s.translate(str.maketrans('aeiouAEIOU', 'uaeioUAEIO'))"},
       ("next_vowel", "shift_vowels", "rotate_vowels"), ("queue AEIOU",)),
    Op("riffle", 3, "Split the string into a first half and a second half, the first half taking "
       "the extra character when the length is odd, and interleave them: the first character of "
       "the first half, the first of the second half, the second of the first half, and so on.",
       RIFFLE + " + a[len(b):]",
       {"drops_extra": RIFFLE,
        "short_first": RIFFLE.replace("(len(s) + 1) // 2", "len(s) // 2") + " + b[len(a):]"},
       ("riffle", "interleave_halves", "shuffle_halves"), ("abcde", "abcdef")),
    Op("rle", 3, "Run-length encode: replace every maximal run of identical consecutive "
       "characters by the length of the run followed by the character (so 'aaab  c' becomes "
       "'3a1b2 1c').", RLE,
       {"skips_ones": RLE.replace("str(j - i) + s[i]", "(str(j - i) if j - i > 1 else '') + s[i]"),
        "char_first": RLE.replace("str(j - i) + s[i]", "s[i] + str(j - i)")},
       ("run_length_encode", "rle", "compress"), ("aaab  c", "abc")),
    Op("sort_words", 3, "Sort the words by length, shortest first; words of equal length keep "
       f"their original order. {WORD} Join them with single spaces (no leading, trailing or "
       "repeated spaces).", "s = ' '.join(sorted(s.split(), key=len))",
       {"alphabetical_ties": "s = ' '.join(sorted(s.split(), key=lambda w: (len(w), w)))",
        "longest_first": "s = ' '.join(sorted(s.split(), key=len, reverse=True))"},
       ("sort_words", "order_by_length", "words_by_size"), ("bb a cc aa", "ccc b aa")),
    Op("mirror", 3, "Append the reverse of the string to its end (so 'ab!' becomes 'ab!!ba').",
       "s = s + s[::-1]", {"shared_middle": "s = s + s[-2::-1]", "prepends": "s = s[::-1] + s"},
       ("mirror", "palindromize", "reflect"), ("ab!",)),
    Op("chunk_reverse", 3, "Cut the string into blocks of {k} characters from the left (the last "
       "block may be shorter) and reverse each block in place.",
       "s = ''.join(s[i:i + __K__][::-1] for i in range(0, len(s), __K__))",
       {"drops_short": "s = ''.join(s[i:i + __K__][::-1] "
                       "for i in range(0, len(s) - __K__ + 1, __K__))"},
       ("reverse_blocks", "chunk_reverse", "flip_chunks"), ("abcdefg",), const=(2, 4),
       arg=(1, 5), arg_note="`k` is at least 1."),
]}
# fmt: on


@dataclass(frozen=True)
class Level:
    steps: int
    words: tuple[int, int]
    argument: bool
    """whether a parameterised step takes its parameter from the argument ``k``"""
    extra: int
    """random tests beyond the three shown as examples"""


LEVELS = {
    1: Level(1, (1, 3), False, 3),
    2: Level(1, (1, 4), True, 3),
    3: Level(2, (2, 5), False, 4),
    4: Level(3, (2, 6), True, 4),
    5: Level(4, (3, 7), True, 4),
}
COMPOSED_NAMES = ("transform", "scramble", "encode_text", "rewrite", "process_text", "mangle")
EDGES = ("a", "Hello, World!", "  two  spaces  ", "2024 was 10x better", "zzz ZZZ top")
DOMAINS = {
    1: "`s` contains only lower-case letters, digits and single spaces between words (no "
    "leading or trailing spaces); it may be empty.",
    2: "`s` contains only letters, digits, punctuation and single spaces between words (no "
    "leading or trailing spaces); it may be empty.",
    3: "`s` may contain any printable ASCII characters: letters, digits, punctuation and "
    "spaces, which may be repeated, leading or trailing. It has no tabs or newlines and may "
    "be empty.",
}
LOWER = "abcdefghijklmnopqrstuvwxyz"
PUNCTUATION = ".,!?;:-'"
DIGITS = "0123456789"


def _signature(entry: str, steps: list[Step]) -> str:
    has_k = any(param == "k" for _, param in steps)
    return f"def {entry}(s: str{', k: int' if has_k else ''}) -> str:"


def _variant(entry: str, steps: list[Step], mistake: str | None) -> str:
    """The reference (``mistake is None``) or one named wrong solution."""
    return kit.function_source(_signature(entry, steps), kit.step_bodies(steps, mistake), "s")


def _pick_steps(rng: random.Random, difficulty: int) -> list[Step]:
    level = LEVELS[difficulty]
    pool = [op for op in OPS.values() if op.level <= difficulty]
    ops = rng.sample(pool, level.steps)
    if difficulty >= 4 and all(op.const is None for op in ops):
        ops[rng.randrange(len(ops))] = rng.choice([op for op in pool if op.const and op not in ops])
    return kit.with_params(ops, level.argument, rng.randint)


def _word(rng: random.Random, difficulty: int) -> str:
    draw = rng.random
    chars = []
    for _ in range(uniform_int(rng, 1, 7)):
        if draw() < 0.1:
            char = DIGITS[int(draw() * 10)]
        else:
            char = LOWER[int(draw() * 26)]
            if difficulty >= 2 and draw() < 0.3:
                char = char.upper()
        chars.append(char)
        if draw() < 0.12:
            chars.append(char)
    if difficulty >= 2 and draw() < 0.3:
        chars.insert(uniform_int(rng, 1, len(chars)), PUNCTUATION[int(draw() * len(PUNCTUATION))])
    return "".join(chars)


def _text(rng: random.Random, difficulty: int) -> str:
    words = [_word(rng, difficulty) for _ in range(uniform_int(rng, *LEVELS[difficulty].words))]
    if difficulty <= 2:
        return " ".join(words)
    text = words[0]
    for word in words[1:]:
        text += " " * rng.choice((1, 1, 1, 2, 3)) + word
    if rng.random() < 0.25:
        text = " " + text
    if rng.random() < 0.25:
        text += "  "
    return text


def _fit(text: str, difficulty: int) -> str:
    """``text`` brought into the input domain of the level."""
    if difficulty == 1:
        text = "".join(c for c in text.lower() if c.isalnum() or c == " ")
    return " ".join(text.split()) if difficulty <= 2 else text


def _inputs(rng: random.Random, difficulty: int, steps: list[Step]) -> list[list[Any]]:
    level = LEVELS[difficulty]
    texts = [_text(rng, difficulty) for _ in range(EXAMPLES)]
    texts += ["", *(_fit(t, difficulty) for t in rng.sample(EDGES, 2))]
    texts += [_fit(t, difficulty) for op, _ in steps for t in op.witnesses]
    texts += [_text(rng, difficulty) for _ in range(level.extra)]
    texts = list(dict.fromkeys(texts))
    inputs = [[text] for text in texts]
    return kit.with_argument(
        inputs, kit.argument_bounds(steps), rng.randint, lambda: [_text(rng, difficulty)]
    )


def _spec(entry: str, steps: list[Step], level: int) -> str:
    texts = [op.text.replace("{k}", "`k`" if p == "k" else str(p)) for op, p in steps]
    if len(steps) == 1:
        spec = f"Write a function `{entry}` that transforms a string `s`: {texts[0]}"
    else:
        spec = (
            f"Write a function `{entry}` that transforms a string `s` by applying these steps "
            f"in order, each to the result of the previous one:\n\n{kit.numbered(texts)}\n\n"
            "Return the final string."
        )
    return f"{spec}\n\n{DOMAINS[min(level, 3)]}{kit.argument_notes(steps)}"


def _mistakes(steps: list[Step]) -> tuple[list[str], list[str]]:
    """Candidate mistakes (bugs, swaps) and the needed ones (each step must matter)."""
    drops = [f"drop:{i}" for i in range(len(steps))] if len(steps) > 1 else []
    swaps = [f"swap:{i}" for i in range(len(steps) - 1)]
    return [*kit.bug_mistakes(steps), *swaps], drops


class StringsSource(PipelineSource[list[Step]]):
    """Write a string -> string function: one step at level 1-2, up to four composed at 5."""

    family: ClassVar[str] = "strings"
    variant = staticmethod(_variant)
    mistakes = staticmethod(_mistakes)

    def draw(self, rng: random.Random, difficulty: int) -> tuple[list[Step], str, list[list]]:
        steps = _pick_steps(rng, difficulty)
        entry = rng.choice(steps[0][0].names if len(steps) == 1 else COMPOSED_NAMES)
        return steps, entry, _inputs(rng, difficulty, steps)

    def describe(self, entry: str, steps: list[Step], difficulty: int) -> tuple[str, str, dict]:
        spec = _spec(entry, steps, difficulty)
        return spec, _signature(entry, steps), {"operations": kit.operations(steps)}


def wrong_solutions(task: Task) -> dict[str, str]:
    """Plausible wrong solutions (a buggy step, a dropped or swapped step, the identity), each
    failing at least one hidden test of ``task``."""
    return kit.named_mistakes(task, kit.steps_of(task, OPS), _variant)


SPEC_EXAMPLE = re.compile(r"""(['"])(.*?)\1 becomes (['"])(.*?)\3""")


def spec_examples(op: Op) -> list[tuple[str, str]]:
    """The ``'x' becomes 'y'`` examples written in an operation's spec sentence."""
    return [(m.group(2), m.group(4)) for m in SPEC_EXAMPLE.finditer(op.text)]
