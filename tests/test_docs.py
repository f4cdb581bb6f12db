"""Docs stay honest: every CLI command, every named query and every module of the package appears in the README."""

from __future__ import annotations

from pathlib import Path

import click

from policykg.cli import main
from policykg.query import list_queries

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_the_readme_layout_names_every_module_and_folder_of_the_package() -> None:
    layout = README[README.index("## Project layout"):README.index("## Development")]
    package = ROOT / "policykg"
    names = {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    names |= {p.name + "/" for p in package.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    names |= {p.name + "/" for p in (package / "pipeline").iterdir() if p.is_dir() and not p.name.startswith("_")}
    missing = sorted(n for n in names if n not in layout)
    assert not missing, f"README's project layout does not name {missing}"


def test_the_readme_shows_list_queries_as_it_prints() -> None:
    from click.testing import CliRunner

    out = CliRunner().invoke(main, ["list-queries"]).output
    block = README[README.index("$ policykg list-queries\n") + len("$ policykg list-queries\n"):]
    block = block[:block.index("\n\n")]
    assert block == out.rstrip("\n")
