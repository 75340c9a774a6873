"""mkdocs hook: the environment catalogue page, generated from the registry at build time.

``on_files`` adds ``environments.md`` as a generated (virtual) file: nothing is written into
``docs/``. The page lists every registered environment (built-ins and the plugins installed where
the site is built), grouped by domain, each with its description and task 0 under default
options. An environment that cannot be built here (a missing optional dependency, a broken
plugin) is listed with the reason instead of failing the build. Environments whose tasks come from
the Hugging Face Hub are not built: a docs build never downloads data.

``catalogue_markdown()`` makes the page's text without mkdocs (the tests call it).
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PAGE = "environments.md"
MAX_PROMPT_CHARS = 1_500
MAX_ANSWER_CHARS = 600
MAX_REASON_CHARS = 300
LANGUAGE = "{ .text .prompt }"  # docs/stylesheets/catalogue.css wraps .prompt blocks
NOT_BUILT_TAGS = {"hub": "its tasks come from the Hugging Face Hub (or a local file: path=...)"}

log = logging.getLogger("mkdocs.hooks.catalogue")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline text: HTML and Markdown syntax escaped, one line."""
    text = html.escape(" ".join(str(text).split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def fenced(text: str, limit: int, indent: str = "") -> str:
    """``text`` (cut to ``limit`` characters) in a fenced block that no backtick run can close."""
    text = text.rstrip("\n")
    if len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        text = f"{text[:cut]}\n[... {len(text) - cut:,} more characters]"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}{LANGUAGE}", *text.split("\n"), fence]
    return "\n".join(f"{indent}{line}" if line else line for line in lines)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span (literal: nothing inside is escaped)."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def anchor(env_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", env_id.lower()).strip("-")


@dataclass
class Entry:
    """What the page says about one environment."""

    spec: Any
    prompt: str | None = None
    task_id: str | None = None
    answer: str | None = None
    interactive: bool = False
    facts: list[str] = field(default_factory=list)
    options: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str | None = None
    seconds: float = 0.0


def _reason(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 3] + "..."


def shared_options() -> dict[str, Any]:
    """The options every built-in environment takes (:class:`rlvr.envs.config.EnvConfig`)."""
    from rlvr.envs.config import EnvConfig

    return dict(EnvConfig.model_fields)


def _options(spec: Any) -> list[tuple[str, str, str]]:
    """(name, default, help) of the options that are not shared by every built-in env, or whose
    default differs from the shared one."""
    from rlvr.spec import load_entry_point

    model = getattr(load_entry_point(spec.entry_point), "config_model", None)
    if model is None:
        return []
    shared = shared_options()
    rows = []
    for name, info in model.model_fields.items():
        default = spec.kwargs.get(name, info.get_default(call_default_factory=True))
        base = shared.get(name)
        if base is not None and default == base.get_default(call_default_factory=True):
            continue
        rows.append((name, repr(default), info.description or ""))
    return rows


def collect(spec: Any, registry: Any) -> Entry:
    """Build ``spec``'s environment with default options and take task (or game) 0."""
    from rlvr.check import is_interactive
    from rlvr.tasks.base import UNBOUNDED_SIZE

    entry = Entry(spec)
    start = time.perf_counter()
    try:
        entry.options = _options(spec)
    except Exception as exc:  # the page still lists the env; building it says why
        log.debug("options of %s: %s", spec.id, exc)
    missing = spec.missing_dependencies()
    skip = [reason for tag, reason in NOT_BUILT_TAGS.items() if tag in spec.tags]
    if missing:
        hint = f" (install: {spec.install_hint})" if spec.install_hint else ""
        entry.reason = f"needs {', '.join(missing)}, not installed where this site was built{hint}"
    elif skip:
        entry.reason = f"{skip[0]}; the documentation build does not download them"
    else:
        env = None
        try:
            env = registry.make(spec.id)
            prompt, info = env.reset(options={"index": 0})
            entry.prompt = prompt
            entry.interactive = is_interactive(env)
            if not entry.interactive:
                task, unwrapped = info["task"], env.unwrapped
                entry.task_id = task.id
                entry.answer = json.dumps(task.answer, ensure_ascii=False, indent=None)
                if isinstance(task.answer, str):
                    entry.answer = task.answer
                size = len(unwrapped.source)
                entry.facts.append(
                    "procedural (any index)" if size == UNBOUNDED_SIZE else f"{size:,} tasks"
                )
                verifier = unwrapped.verifier
                version = escape(verifier.version)
                entry.facts.append(f"verifier {code_span(verifier.name)} v{version}")
        except Exception as exc:
            entry.reason = _reason(exc)
        finally:
            if env is not None:
                try:
                    env.close()
                except Exception as exc:
                    log.debug("closing %s: %s", spec.id, exc)
    entry.seconds = time.perf_counter() - start
    return entry


def collect_all(registry: Any = None) -> list[Entry]:
    """One :class:`Entry` per registered environment, in id order."""
    if registry is None:
        from rlvr.registry import default_registry

        registry = default_registry()
    return [collect(spec, registry) for spec in registry.specs()]


def _levels(spec: Any) -> str:
    return f"{spec.difficulty[0]}–{spec.difficulty[1]}" if spec.difficulty else "–"


def _summary_table(entries: list[Entry], show_source: bool) -> list[str]:
    head = ["id", "levels", "reward", *(["source"] if show_source else []), "description"]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    for entry in entries:
        spec = entry.spec
        cells = [
            f"[{escape(spec.id)}](#{anchor(spec.id)})",
            _levels(spec),
            spec.reward_kind,
            *([escape(spec.source)] if show_source else []),
            escape(spec.description) or "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _section(entry: Entry, show_source: bool) -> list[str]:
    spec = entry.spec
    facts = [f"levels {_levels(spec)}", f"reward {spec.reward_kind}", *entry.facts]
    if spec.kwargs:
        facts.append("kwargs " + ", ".join(code_span(f"{k}={v!r}") for k, v in spec.kwargs.items()))
    if show_source or spec.source != "rlvr":
        facts.append(f"source {escape(spec.source)}")
    if spec.tags:
        facts.append("tags " + ", ".join(escape(tag) for tag in spec.tags))
    lines = [f"### {escape(spec.id)} {{ #{anchor(spec.id)} }}", ""]
    if spec.description:
        lines += [escape(spec.description), ""]
    lines += [" · ".join(facts), ""]
    if entry.reason is not None:
        lines += [f"No sample: {escape(entry.reason)}.", ""]
    elif entry.interactive:
        lines += ["Game 0, its opening observation (the hidden answer stays hidden):", ""]
        lines += [fenced(entry.prompt or "", MAX_PROMPT_CHARS), ""]
    else:
        lines += [f"Task 0 ({code_span(entry.task_id or '')}), as the model sees it:", ""]
        lines += [fenced(entry.prompt or "", MAX_PROMPT_CHARS), ""]
        answer = fenced(entry.answer or "", MAX_ANSWER_CHARS, "    ")
        lines += ['??? note "Gold answer"', "", answer, ""]
    if entry.options:
        lines += [f'??? note "Options of {escape(spec.id)}"', ""]
        lines += ["    | option | default | meaning |", "    | --- | --- | --- |"]
        for name, default, help_text in entry.options:
            lines.append(f"    | {code_span(name)} | {escape(default)} | {escape(help_text)} |")
        lines.append("")
    return lines


def catalogue_markdown(entries: Iterable[Entry] | None = None) -> str:
    """The catalogue page as Markdown (``entries`` default: every registered environment)."""
    entries = collect_all() if entries is None else list(entries)
    domains: dict[str, list[Entry]] = {}
    for entry in entries:
        domains.setdefault(entry.spec.domain, []).append(entry)
    show_source = any(entry.spec.source != "rlvr" for entry in entries)
    lines = [
        "# Environment catalogue",
        "",
        f"Every environment registered where this site was built (built-ins, and the plugins "
        f"installed there): {len(entries)} in {len(domains)} domains. Each shows task 0 under "
        'default options (`rlvr.make(id)`, then `env.reset(options={"index": 0})`). '
        "`rlvr list` and `rlvr show ID` print the same from your own installation.",
        "",
        "Besides the options listed with each environment, every built-in environment takes:",
        "",
        "| option | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, info in shared_options().items():
        default = repr(info.get_default(call_default_factory=True))
        meaning = escape(info.description or "")
        lines.append(f"| {code_span(name)} | {escape(default)} | {meaning} |")
    lines += [
        "",
        "and any of them becomes multi-turn with `max_attempts=N` or `tools=[...]` "
        "([multi-turn](multi-turn.md)).",
        "",
    ]
    for domain, members in sorted(domains.items()):
        lines += [f"## {escape(domain)} {{ #domain-{anchor(domain)} }}", ""]
        lines += [*_summary_table(members, show_source), ""]
        for entry in members:
            lines += _section(entry, show_source)
    return "\n".join(lines).rstrip() + "\n"


def on_files(files: Any, config: Any, **kwargs: Any) -> Any:
    """mkdocs event: add the generated catalogue page to the site's files."""
    from mkdocs.structure.files import File

    start = time.perf_counter()
    entries = collect_all()
    content = catalogue_markdown(entries)
    files.append(File.generated(config, PAGE, content=content))
    slow = sorted((e for e in entries if e.seconds > 1.0), key=lambda e: -e.seconds)
    not_sampled = [e.spec.id for e in entries if e.reason is not None]
    log.info(
        "catalogue: %d environments in %.1f s; not sampled: %s%s",
        len(entries),
        time.perf_counter() - start,
        ", ".join(not_sampled) or "none",
        "; slowest: " + ", ".join(f"{e.spec.id} {e.seconds:.1f} s" for e in slow[:3])
        if slow
        else "",
    )
    return files
