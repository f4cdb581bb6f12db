"""Docs stay honest: every CLI command and every named query appears in the README."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli import main
from policykg.query import list_queries

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "policykg") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, f"{prefix} {name}")
        else:
            out.append(f"{prefix} {name}")
    return out


def test_every_command_is_in_the_readme() -> None:
    missing = [c for c in _commands(main) if f"`{c}" not in README]
    assert not missing, f"add these commands to the README's CLI reference: {missing}"


def test_every_named_query_is_in_the_readme() -> None:
    missing = [q.name for q in list_queries() if q.name not in README]
    assert not missing


def test_every_option_of_every_command_is_in_the_readme() -> None:
    """The CLI reference cannot drift from --help: each option name appears in the README."""
    missing = []
    for path in _commands(main):
        group: click.Command = main
        for part in path.split()[1:]:
            group = group.commands[part]  # type: ignore[attr-defined]
        for param in group.params:
            if isinstance(param, click.Option) and not param.hidden:
                names = [o for o in param.opts if o.startswith("--")] or param.opts
                if not any(n in README for n in names):
                    missing.append(f"{path} {names[0]}")
    assert not missing, f"document these options in the README: {missing}"
