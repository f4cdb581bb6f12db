"""The ``policykg`` command. Each command parses options, calls one library
function and formats its result; errors become ``click.ClickException``.

The commands live one group per module and register themselves on :func:`main`;
they import only :mod:`policykg.cli._util`, never this package, so there is no cycle.
"""

from __future__ import annotations

from policykg.cli import analysis, build, export, graph  # noqa: F401  (registers the commands)
from policykg.cli._util import main

__all__ = ["main"]
