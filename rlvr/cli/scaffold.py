"""``rlvr new-env NAME``: scaffold a pip-installable package with one environment."""

from __future__ import annotations

import argparse

from rlvr.scaffold import DEFAULT_DOMAIN


def add_new_env_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``new-env`` subcommand to ``sub`` (the parsers of ``rlvr``)."""
    p = sub.add_parser(
        "new-env",
        help="scaffold a pip-installable environment package",
        description="Write DIR/NAME/: a package with the environment DOMAIN/NAME-v0 (a seeded "
        "task generator, a verifier with known-bad answers, tests running rlvr check) that "
        "rlvr discovers once it is pip-installed. See docs/new-environment.md.",
    )
    p.add_argument(
        "name",
        metavar="NAME",
        help="package name: lowercase letters, digits and dashes, e.g. my-puzzles",
    )
    p.add_argument(
        "--dir",
        default=".",
        metavar="DIR",
        help="where to create NAME/ (default: the current directory)",
    )
    p.add_argument(
        "--domain",
        default=DEFAULT_DOMAIN,
        help=f"the domain of the id DOMAIN/NAME-v0 (default {DEFAULT_DOMAIN})",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into NAME/ even if it is not empty (files of the same name are replaced)",
    )


def cmd_new_env(args: argparse.Namespace) -> int:
    """Write the package and print what was written and what to do next."""
    from rlvr.scaffold import new_env

    scaffold = new_env(args.name, args.dir, domain=args.domain, force=args.force)
    print(f"Created {scaffold.root}/ with the environment {scaffold.env_id}:")
    for path in scaffold.files:
        print(f"  {path.relative_to(scaffold.root).as_posix()}")
    print()
    print(scaffold.next_steps())
    return 0
