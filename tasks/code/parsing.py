"""Parsing tasks: write a function that reads a small text format.

=====  ==========================================================================================
level  kinds (each format gets richer with the level)
=====  ==========================================================================================
1      ``key=value;…`` pairs; durations ``1h20m5s`` (h, m, s in order); version comparison
       with equally long versions
2      + random separators, empty segments, repeated keys; days and any part order; versions of
       different lengths; CSV lines with quoted fields
3      + spaces around keys, values and tokens, upper-case units; leading zeros and a ``v``
       prefix; ``""`` escapes in CSV; ``+ - ( )`` expressions without eval
4      + malformed segments and empty values; invalid durations (-1); pre-release tags; spaces
       around CSV fields; ``*`` with precedence
5      + quoted values with backslash escapes; unit words (``2 hours``); dotted tags compared
       semver-style and build metadata; a delimiter argument; unary minus
=====  ==========================================================================================

Each task's ``answer`` is the reference solution (source text) and ``metadata["tests"]`` its
hidden tests (see :mod:`rlvr.tasks.code.schema`). The reference is written once per kind for the
richest level: lower levels only restrict the inputs. :func:`wrong_solutions` gives near misses.
Rendering a :class:`~rlvr.tasks.code.kit.Spec` and picking its near misses is :mod:`.kit`'s.
"""

from __future__ import annotations

import random
from typing import ClassVar

from rlvr.tasks.code.kit import Maker, Spec, SpecSource, at_level, patch


def pad(rng: random.Random, text: str) -> str:
    return " " * rng.randint(0, 2) + text + " " * rng.randint(0, 2)


# -- key/value pairs ---------------------------------------------------------------------------

KV_CODE = r"""import re


def $name(text: str) -> dict[str, str]:
    segments, current, quoted, escaped = [], "", False, False
    for ch in text:
        if escaped:
            escaped = False
        elif quoted and ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == $sep and not quoted:
            segments.append(current)
            current = ""
            continue
        current += ch
    segments.append(current)
    result = {}
    for segment in segments:
        key, found, value = segment.partition($eq)
        key, value = key.strip(), value.strip()
        if found and key:
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            result[key] = value
    return result
"""
KV_UNQUOTED = r"""def $name(text: str) -> dict[str, str]:
    result = {}
    for segment in text.split($sep):
        key, found, value = segment.partition($eq)
        if found and key.strip():
            result[key.strip()] = value.strip()
    return result
"""
KEYS = ("name", "id", "mode", "port", "host", "user", "color", "size", "lang", "path", "x", "y2")
VALUES = ("red", "on", "off", "blue", "alpha", "42", "7", "local", "x9", "true", "dev", "300")
KV_WRONG = [
    ("naive_split", 1, 5, "def $name(text: str) -> dict[str, str]:\n"
     "    return dict(part.split($eq, 1) for part in text.split($sep))\n"),
    ("numbers_as_ints", 1, 5, patch(KV_CODE, "result[key] = value",
                                    "result[key] = int(value) if value.isdigit() else value")),
    ("first_value_wins", 2, 5, patch(KV_CODE, "result[key] = value",
                                     "result.setdefault(key, value)")),
    ("keeps_spaces", 3, 5, patch(KV_CODE, "        key, value = key.strip(), value.strip()\n", "")),
    ("keeps_malformed", 4, 5, patch(KV_CODE, "if found and key:", "if key or value:")),
    ("ignores_quotes", 5, 5, KV_UNQUOTED),
]  # fmt: skip


def kv_value(rng: random.Random, level: int, sep: str, eq: str) -> str:
    if level >= 4 and rng.random() < 0.15:
        return ""
    if level < 5 or rng.random() < 0.6:
        return rng.choice(VALUES)
    pieces = [rng.choice(VALUES), rng.choice([" ", sep, eq, '"', "\\", " " + sep])]
    content = "".join([*pieces, rng.choice(VALUES)])
    return '"' + content.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kv_text(rng: random.Random, level: int, sep: str, eq: str) -> str:
    keys = rng.sample(KEYS, rng.randint(1, 2 + level))
    if level >= 2 and rng.random() < 0.4:
        keys.append(rng.choice(keys))

    def around(text: str) -> str:
        return pad(rng, text) if level >= 3 else text

    segments = [around(key) + eq + around(kv_value(rng, level, sep, eq)) for key in keys]
    extras = [around("")] * rng.randint(0, 2) if level >= 2 else []
    if level >= 4:
        extras += [rng.choice(KEYS), eq + rng.choice(VALUES)][: rng.randint(0, 2)]
    for extra in extras:
        segments.insert(rng.randint(0, len(segments)), extra)
    return sep.join(segments)


def make_kv(rng: random.Random, level: int) -> Spec:
    sep, eq = (rng.choice(";,&|"), rng.choice("=:")) if level >= 2 else (";", "=")
    text = at_level(level, [
        (1, 5, f"Parse a configuration string of `key{eq}value` pairs separated by `{sep}` into "
               "a dictionary mapping each key to its value (both strings, values are not "
               "converted). Keys are made of letters and digits, and so are values. The empty "
               "string gives an empty dictionary."),
        (1, 1, "Every key appears once, and keys and values are never empty."),
        (2, 5, f"A key may appear several times: the last value wins. Empty segments (two "
               f"`{sep}` in a row, or a `{sep}` at the start or end) are ignored."),
        (3, 5, "Spaces may surround keys, values and separators: remove the spaces around each "
               "key and each value. A segment made only of spaces is ignored."),
        (4, 5, f"A value may be empty (`key{eq}`). A segment without `{eq}`, or whose key is empty "
               "once its spaces are removed, is malformed and ignored."),
        (5, 5, f"A value may be written in double quotes: inside them `{sep}`, `{eq}` and spaces "
               'are ordinary characters, `\\"` stands for `"` and `\\\\` for `\\`. The enclosing '
               "quotes are not part of the value; spaces outside them are removed as usual."),
    ])  # fmt: skip
    edges = ["", f"a{eq}7{sep}b{eq}x", f"{sep}k{eq}1{sep}{sep}k{eq}2{sep}",
             f" a {eq} b {sep}   {sep}c {eq}d  ", f"a{eq}{sep}b{sep}{eq}c{sep}d{eq}e",
             f'msg{eq} "x{sep}y {eq}\\"z\\"" {sep}p{eq}""{sep}q{eq}"a\\\\b"']  # fmt: skip
    edges = edges[: level + 1]
    inputs = [[kv_text(rng, level, sep, eq)] for _ in range(10 + level)]
    inputs[3:3] = [[edge] for edge in edges]
    names = ("parse_pairs", "parse_config", "parse_settings", "read_pairs")
    return Spec("kv", names, " ".join(text), KV_CODE, inputs, {"sep": repr(sep), "eq": repr(eq)})


# -- durations ---------------------------------------------------------------------------------

DURATION_CODE = r"""import re

UNITS = $units


def $name(text: str) -> int:
    tokens = re.findall(r"\d+|[A-Za-z]+|\S", text)
    if not tokens or len(tokens) % 2:
        return -1
    total = 0
    for number, unit in zip(tokens[::2], tokens[1::2]):
        if not number.isdigit() or unit.lower() not in UNITS:
            return -1
        total += int(number) * UNITS[unit.lower()]
    return total
"""
DURATION_LOOSE = r"""import re

UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def $name(text: str) -> int:
    return sum(int(n) * UNITS[u] for n, u in re.findall(r"PATTERN", text))
"""
DURATION_FIXED = r"""import re


def $name(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    d, h, m, s = (int(group or 0) for group in match.groups())
    return ((d * 24 + h) * 60 + m) * 60 + s
"""
SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
WORDS = {"d": ("day", "days"), "h": ("hr", "hour", "hours"), "m": ("min", "minute", "minutes"),
         "s": ("sec", "second", "seconds")}  # fmt: skip
LONG_UNITS = {word: SECONDS[unit] for unit, words in WORDS.items() for word in (unit, *words)}
DURATION_WRONG = [
    ("single_digit_numbers", 1, 5, DURATION_LOOSE.replace("PATTERN", r"(\d)([dhms])")),
    ("first_part_only", 1, 5, patch(DURATION_LOOSE, "return sum(", "return next(")
     .replace("PATTERN", r"(\d+)([dhms])")),
    ("fixed_unit_order", 2, 5, DURATION_FIXED),
    ("lower_case_only", 3, 5, DURATION_LOOSE.replace("PATTERN", r"(\d+) *([dhms])")),
    ("no_validation", 4, 5, patch(DURATION_LOOSE, "UNITS[u] for", "UNITS.get(u.lower(), 0) for")
     .replace("PATTERN", r"(\d+) *([A-Za-z]+)")),
    ("short_units_only", 5, 5, DURATION_CODE.replace("$units", repr(SECONDS))),
]  # fmt: skip
INVALID_DURATIONS = ("", "  ", "12", "h", "5x", "3h 4", "1 2h", "2h-5m", "4.5h", "m5", "10ms")


def duration(rng: random.Random, level: int) -> str:
    units = ["d", "h", "m", "s"][(level < 2) :]
    parts = sorted(rng.sample(units, rng.randint(1, len(units))), key=units.index)
    if level >= 2:
        parts += rng.sample(units, rng.randint(0, 1))
        rng.shuffle(parts)
    tokens = []
    for unit in parts:
        if level >= 5 and rng.random() < 0.4:
            unit = rng.choice(WORDS[unit])
        if level >= 3 and rng.random() < 0.3:
            unit = unit.upper()
        tokens.append(f"{rng.randint(0, 99)}{' ' * rng.randint(0, 1) if level >= 3 else ''}{unit}")
    return (" " * rng.randint(0, 1) if level >= 3 else "").join(tokens)


def make_duration(rng: random.Random, level: int) -> Spec:
    units = "`d` (days), `h` (hours)" if level >= 2 else "`h` (hours)"
    text = at_level(level, [
        (1, 5, "Convert a duration such as `1h20m5s` into a number of seconds. The text is a "
               "sequence of parts, each a non-negative decimal integer followed by a unit: "
               f"{units}, `m` (minutes) or `s` (seconds)."),
        (1, 1, "The parts come in the order h, m, s, each unit at most once; there is at least "
               "one part and no spaces."),
        (2, 5, "Parts may come in any order and a unit may appear several times: all parts are "
               "added up."),
        (3, 5, "Units may be upper or lower case, and spaces may appear between and around "
               "numbers and units (`2 H 5m`)."),
        (5, 5, "Units may also be words, in any case: `day`/`days`, `hr`/`hour`/`hours`, "
               "`min`/`minute`/`minutes`, `sec`/`second`/`seconds`."),
        (4, 5, "The input may be invalid. Read it as tokens: a number is a maximal run of "
               "digits, a unit a maximal run of letters, and spaces only separate tokens. It is "
               "valid when it has at least one token, the tokens alternate number, unit, "
               "number, unit, … ending with a unit, every unit is one listed above and there "
               "is no other character. Return -1 for an invalid input."),
    ])  # fmt: skip
    edges = at_level(level, [
        (1, 5, f"{rng.randint(10, 59)}m{rng.randint(10, 59)}s"),
        (2, 5, f"{rng.randint(1, 9)}s{rng.randint(1, 9)}h"),
        (2, 5, f"1m{rng.randint(2, 9)}m"),
        (3, 5, f" {rng.randint(2, 9)}H {rng.randint(10, 40)} M"),
        *((4, 5, invalid) for invalid in rng.sample(INVALID_DURATIONS, 3)),
        (5, 5, f"{rng.randint(2, 9)} hours {rng.randint(2, 9)}min"),
        (5, 5, "1 Day 1sec"),
    ])  # fmt: skip
    inputs = [[duration(rng, level)] for _ in range(10 + level)]
    inputs[3:3] = [[edge] for edge in edges]
    units_code = repr(LONG_UNITS if level >= 5 else SECONDS)
    names = ("parse_duration", "duration_seconds", "to_seconds", "total_seconds")
    return Spec("duration", names, " ".join(text), DURATION_CODE, inputs, {"units": units_code})


# -- version comparison ------------------------------------------------------------------------

VERSION_CODE = r"""def $name(a: str, b: str) -> int:
    def key(version):
        version = version.split("+")[0]
        if version[:1] in ("v", "V"):
            version = version[1:]
        core, dash, tag = version.partition("-")
        numbers = [int(part) for part in core.split(".")]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        parts = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in tag.split(".")]
        return numbers, 0 if dash else 1, parts if dash else []

    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)
"""
VERSION_WRONG = [
    ("string_components", 1, 5, patch(VERSION_CODE, '[int(part) for part in core.split(".")]',
                                      'core.split(".")')),
    ("reversed_sign", 1, 5, patch(VERSION_CODE, "(ka > kb) - (ka < kb)", "(ka < kb) - (ka > kb)")),
    ("no_zero_padding", 2, 5, patch(VERSION_CODE, "        while numbers and numbers[-1] == 0:\n"
                                    "            numbers.pop()\n", "")),
    ("no_v_prefix", 3, 5, patch(VERSION_CODE, '        if version[:1] in ("v", "V"):\n'
                                "            version = version[1:]\n", "")),
    ("tagged_is_newer", 4, 5, patch(VERSION_CODE, "0 if dash else 1", "1 if dash else 0")),
    ("tags_as_strings", 5, 5, patch(VERSION_CODE, "return numbers, 0 if dash else 1, parts if dash",
                                    "return numbers, 0 if dash else 1, tag if dash")),
]  # fmt: skip
TAG_WORDS = ("alpha", "beta", "rc", "pre")


def tag(rng: random.Random, level: int) -> str:
    if level == 4:
        return rng.choice(TAG_WORDS) + rng.choice(("", "1", "2", "10"))
    parts = [rng.choice((*TAG_WORDS, "x7"))]
    parts += [rng.choice(("1", "2", "10", "beta", "9")) for _ in range(rng.randint(0, 2))]
    return ".".join(parts)


def write_version(rng: random.Random, numbers: list[int], level: int) -> str:
    parts = [("0" if level >= 3 and rng.random() < 0.2 else "") + str(n) for n in numbers]
    prefix = rng.choice("vV") if level >= 3 and rng.random() < 0.3 else ""
    label = "-" + tag(rng, level) if level >= 4 and rng.random() < 0.4 else ""
    build = "+build." + str(rng.randint(1, 99)) if level >= 5 and rng.random() < 0.3 else ""
    return prefix + ".".join(parts) + label + build


def version_pair(rng: random.Random, level: int) -> list[str]:
    a = [rng.randint(0, 12) for _ in range(3 if level == 1 else rng.randint(1, 4))]
    b = list(a)
    if rng.random() < 0.8:
        b[rng.randrange(len(b))] = rng.randint(0, 12)
    if level >= 2 and rng.random() < 0.5:
        b = b[: rng.randint(1, len(b))] + [0] * rng.randint(0, 2)
    return [write_version(rng, a, level), write_version(rng, b, level)]


def make_version(rng: random.Random, level: int) -> Spec:
    text = at_level(level, [
        (1, 5, "Compare two version strings `a` and `b`. A version is a list of non-negative "
               "integers written in decimal and separated by dots, like `1.10.3`; versions are "
               "compared component by component, from the left, as numbers (so `1.10` is newer "
               "than `1.9`). Return -1 if `a` is older than `b`, 1 if it is newer and 0 if they "
               "are equal."),
        (1, 1, "Both versions have the same number of components."),
        (2, 5, "Missing components count as 0, so `1.2` equals `1.2.0`."),
        (3, 5, "A component may have leading zeros (`1.02` equals `1.2`), and a version may "
               "start with `v` or `V` (`v1.2` equals `1.2`)."),
        (4, 5, "A version may end with a pre-release tag, and a version with a tag is older than "
               "the same numbers without one."),
        (4, 4, "A tag is a `-` followed by a lower-case letter and more lower-case letters or "
               "digits (`2.0-rc1`); when both versions have tags and equal numbers, the tags are "
               "compared as strings (ordinary character order)."),
        (5, 5, "A tag is a `-` followed by identifiers separated by dots, each made of lower-case "
               "letters and digits (`1.0-alpha.2`). Two tags are compared identifier by "
               "identifier from the left: identifiers made only of digits compare as numbers "
               "(they have no leading zeros), others as strings, and a digits-only identifier is "
               "lower than any other; when one tag is the start of the other, the shorter is "
               "lower. Anything from a `+` on is build information and is ignored "
               "(`1.0+build.7`)."),
    ])  # fmt: skip
    x, y, z = rng.randint(0, 9), rng.randint(0, 9), rng.randint(0, 9)
    edges = at_level(level, [
        (1, 5, [f"{x}.{rng.randint(10, 19)}.{y}", f"{x}.{rng.randint(2, 9)}.{y}"]),
        (1, 5, [f"{x}.{y}.{z}", f"{x}.{y}.{z}"]),
        (2, 5, [f"{x}.{y}", f"{x}.{y}.0"]),
        (2, 5, [f"{x}.{y}.0.1", f"{x}.{y}"]),
        (3, 5, [f"v{x}.0{y}", f"{x}.{y}.0"]),
        (4, 5, [f"{x}.{y}-rc1", f"{x}.{y}"]),
        (4, 5, [f"{x}.{y}-beta", f"{x}.{y}.0-alpha"]),
        (5, 5, [f"{x}.0-alpha.10", f"{x}.0-alpha.9"]),
        (5, 5, [f"{x}.0-1", f"{x}.0-alpha"]),
        (5, 5, [f"{x}.0-beta", f"{x}.0-beta.2"]),
        (5, 5, [f"{x}.{y}+build.5", f"{x}.{y}.0"]),
    ])  # fmt: skip
    inputs = [version_pair(rng, level) for _ in range(10 + level)]
    inputs[3:3] = edges
    names = ("compare_versions", "version_cmp", "compare_version", "cmp_versions")
    return Spec("version", names, " ".join(text), VERSION_CODE, inputs, {})


# -- CSV lines ---------------------------------------------------------------------------------

CSV_CODE = r"""def $name($params) -> list[str]:
    fields, field, quoted, was_quoted, i = [], "", False, False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch != '"':
                field += ch
            elif line[i + 1 : i + 2] == '"':
                field += '"'
                i += 1
            else:
                quoted = False
        elif ch == '"':
            quoted, was_quoted, field = True, True, ""
        elif ch == $delim:
            fields.append(field if was_quoted else field.strip())
            field, was_quoted = "", False
        elif not was_quoted:
            field += ch
        i += 1
    fields.append(field if was_quoted else field.strip())
    return fields
"""
CSV_WRONG = [
    ("plain_split", 2, 5, "def $name($params) -> list[str]:\n    return line.split($delim)\n"),
    ("drops_trailing_empty", 2, 5, patch(CSV_CODE, "    fields.append(field if was_quoted else "
                                         "field.strip())\n    return",
                                         "    if field or was_quoted:\n"
                                         "        fields.append(field)\n    return")),
    ("no_doubled_quotes", 3, 5, patch(CSV_CODE, "            elif line[i + 1 : i + 2] == '\"':\n"
                                      "                field += '\"'\n"
                                      "                i += 1\n", "")),
    ("keeps_spaces", 4, 5, CSV_CODE.replace("field.strip()", "field")),
    ("comma_only", 5, 5, CSV_CODE.replace("ch == $delim", "ch == ','")),
]  # fmt: skip
CSV_WORDS = ("apple", "12", "New York", "x", "3.5", "hello world", "O'Neil", "-7", "ok")


def csv_field(rng: random.Random, level: int, delim: str) -> str:
    value = rng.choice(CSV_WORDS) if rng.random() < 0.85 else ""
    if rng.random() < 0.35:
        inner = value + rng.choice([delim, " ", delim + " ", '"' if level >= 3 else ""])
        value = '"' + (inner + rng.choice(CSV_WORDS)).replace('"', '""') + '"'
    elif level < 4:
        value = value.replace(" ", "_")
    return pad(rng, value) if level >= 4 else value


def make_csv(rng: random.Random, level: int) -> Spec:
    sep = "`,`" if level < 5 else (
        "`delimiter`, a one-character string that is never a quote, a space, a letter or a digit"
    )  # fmt: skip
    text = at_level(level, [
        (2, 5, f"Split one line of a CSV file into its fields (strings). Fields are separated by "
               f"{sep}; a field may be empty, and the empty line is one empty field. A field may "
               "be enclosed in double quotes, and then it may contain the separator; the quotes "
               "are not part of the field. An unquoted field never contains a double quote."),
        (3, 5, 'Inside a quoted field, two double quotes `""` stand for one `"`.'),
        (4, 5, "Spaces between a field and the separators or the ends of the line are removed; "
               "spaces inside quotes are kept."),
    ])  # fmt: skip
    edges = at_level(level, [
        (2, 5, ["", ","]),
        (2, 5, ['a,"b,c",d,', ","]),
        (2, 5, [",,", ","]),
        (3, 5, ['"say ""hi""",x', ","]),
        (4, 5, ['  a , " b " ,c  ', ","]),
        (5, 5, ['a|"b|c"', "|"]),
        (5, 5, ["x;y, z", ";"]),
    ])  # fmt: skip
    rows = []
    for _ in range(10 + level):
        delim = rng.choice(",;|") if level >= 5 else ","
        fields = [csv_field(rng, level, delim) for _ in range(rng.randint(1, 2 + level))]
        rows.append([delim.join(fields), delim])
    rows[3:3] = edges
    inputs = rows if level >= 5 else [[line] for line, _ in rows]
    subs = {"delim": "delimiter", "params": "line: str, delimiter: str"} if level >= 5 else {
        "delim": "','", "params": "line: str"}  # fmt: skip
    names = ("split_csv", "parse_csv_line", "csv_fields", "split_record")
    return Spec("csv", names, " ".join(text), CSV_CODE, inputs, subs)


# -- arithmetic expressions --------------------------------------------------------------------

EXPR_CODE = r"""import re


def $name(expression: str) -> int:
    tokens = re.findall(r"\d+|[-+*()]", expression)[::-1]

    def expr():
        value = term()
        while tokens and tokens[-1] in ("+", "-"):
            op, rhs = tokens.pop(), term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term():
        value = factor()
        while tokens and tokens[-1] == "*":
            tokens.pop()
            value *= factor()
        return value

    def factor():
        token = tokens.pop()
        if token == "-":
            return -factor()
        if token == "(":
            value = expr()
            tokens.pop()
            return value
        return int(token)

    return expr()
"""
EXPR_LEFT_TO_RIGHT = r"""import re


def $name(expression: str) -> int:
    tokens = re.findall(r"\d+|[-+*()]", expression)[::-1]

    def run():
        value, op = 0, "+"
        while tokens and tokens[-1] != ")":
            token = tokens.pop()
            if token in ("+", "-", "*"):
                op = token
                continue
            operand = run() if token == "(" else int(token)
            value = {"+": value + operand, "-": value - operand, "*": value * operand}[op]
        if tokens:
            tokens.pop()
        return value

    return run()
"""
EXPR_WRONG = [
    ("right_associative", 3, 5, patch(EXPR_CODE, "tokens.pop(), term()", "tokens.pop(), expr()")),
    ("ignores_parentheses", 3, 5, patch(EXPR_CODE, r'r"\d+|[-+*()]"', r'r"\d+|[-+*]"')),
    ("no_precedence", 4, 5, EXPR_LEFT_TO_RIGHT),
    ("loose_unary_minus", 5, 5, patch(EXPR_CODE, "return -factor()", "return -expr()")),
]  # fmt: skip


def expression(rng: random.Random, depth: int, level: int) -> str:
    space = " " if rng.random() < 0.5 else ""
    if depth == 0 or (depth < level - 1 and rng.random() < 0.25):
        text = str(rng.randint(0, 20))
    else:
        left, right = expression(rng, depth - 1, level), expression(rng, depth - 1, level)
        text = f"{left}{space}{rng.choice('+-*' if level >= 4 else '+-')}{space}{right}"
        if rng.random() < 0.4:
            return f"({text})"
    if level >= 5 and rng.random() < 0.2:
        text = "-" + (text if text.isdigit() else f"({text})")
    return text


def make_expr(rng: random.Random, level: int) -> Spec:
    ops = "`+`, `-`, `*`" if level >= 4 else "`+`, `-`"
    text = at_level(level, [
        (3, 5, "Evaluate an integer arithmetic expression given as text, without using `eval` or "
               f"`exec`. It contains non-negative integers, {ops} and parentheses, possibly with "
               "spaces between tokens, and it is always valid. Operators of equal precedence "
               "apply from left to right (`8 - 3 - 2` is 3)."),
        (4, 5, "`*` binds tighter than `+` and `-`."),
        (5, 5, "A `-` may also be a unary minus (negation) in front of a number, a parenthesis "
               "or another unary minus, as in `-(2+3)*-4`; it binds tighter than any binary "
               "operator."),
    ])  # fmt: skip
    a, b, c = rng.randint(5, 20), rng.randint(1, 9), rng.randint(1, 9)
    edges = at_level(level, [
        (3, 5, f"{a} - {b} - {c}"),
        (3, 5, f"{a}-({b}+{c})"),
        (4, 5, f"{a} + {b} * {c + 1}"),
        (5, 5, f"-{b} + {c}"),
        (5, 5, f"{a}*-({b}-{c + 10})"),
    ])  # fmt: skip
    inputs = [[expression(rng, level - 1, level)] for _ in range(10 + level)]
    inputs[3:3] = [[edge] for edge in edges]
    names = ("evaluate", "eval_expression", "calculate", "compute")
    return Spec("expr", names, " ".join(text), EXPR_CODE, inputs, {})


# -- the family --------------------------------------------------------------------------------

KINDS: dict[str, tuple[int, int, Maker]] = {
    "kv": (1, 5, make_kv),
    "duration": (1, 5, make_duration),
    "version": (1, 5, make_version),
    "csv": (2, 5, make_csv),
    "expr": (3, 5, make_expr),
}
"""kind -> (lowest level, highest level, task maker)"""
WRONG = {
    "kv": KV_WRONG,
    "duration": DURATION_WRONG,
    "version": VERSION_WRONG,
    "csv": CSV_WRONG,
    "expr": EXPR_WRONG,
}
"""kind -> near misses ``(label, lowest level, highest level, code template)``"""


class ParsingSource(SpecSource):
    """Write a function that parses a small text format (see the module docstring)."""

    family: ClassVar[str] = "parsing"
    kinds = KINDS
    wrong = WRONG


wrong_solutions = ParsingSource.wrong_solutions
