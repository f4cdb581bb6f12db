"""What every command shares: the ``policykg`` group, error handling, output and progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from policykg import __version__
from policykg.errors import InputError, PolicyKGError

F = TypeVar("F", bound=Callable[..., Any])


def errors_to_click(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            raise click.UsageError(str(exc)) from None
        except PolicyKGError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # output piped into a reader that stopped (| head): nothing to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as exc:  # the machine's trouble (full disk, permissions), not a bug to trace
            raise click.ClickException(os_error_message(exc)) from None

    return wrapper  # type: ignore[return-value]


def os_error_message(exc: OSError) -> str:
    """One line for an operating-system error: the file, what happened, what to do."""
    import errno

    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        todo = "Free some space (or build into another directory with -o) and run it again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        todo = "Check that you may write there (or build into another directory with -o)"
    else:
        todo = "Check the file and the disk, and run it again"
    return f"{where}{what}. {todo}"


FORMATS = click.Choice(["table", "csv", "tsv", "json"])
#: the language of the labels of unit types, kinds of body and themes
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Labels of unit types, kinds of body and themes: Chinese or English.")


def emit(content: str | bytes, output: str | Path | None) -> None:
    """Write a result to a file (atomically) or to standard output."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    if output:
        from policykg.atomic import write_text

        write_text(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykg")
def main() -> None:
    """Build and query a knowledge graph of who is responsible for what in policy documents."""


#: a build lists its documents, skipped files and warnings one per line up to this many
LIST_AT_MOST = 50


def echo_some(lines: Iterable[str]) -> None:
    lines = list(lines)
    for line in lines[:LIST_AT_MOST]:
        click.echo(line)
    if len(lines) > LIST_AT_MOST:
        click.echo(f"  … and {len(lines) - LIST_AT_MOST} more (all are listed in manifest.json)")




class Progress:
    """A progress bar on standard error (tqdm) for a library call that reports how many
    items it will handle (``start``) and each item done (``step``); silent with ``quiet``."""

    def __init__(self, *, desc: str, unit: str, quiet: bool) -> None:
        self.desc, self.unit, self.quiet = desc, unit, quiet
        self.bar: Any = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit=self.unit, desc=self.desc, disable=self.quiet, file=sys.stderr)

    def step(self, name: str = "") -> None:
        if self.bar is None:
            return
        if name:
            self.bar.set_postfix_str(name[-30:], refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
