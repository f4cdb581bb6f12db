"""A graph directory that goes from one complete build to the next in a single step.

Everything a build publishes (the store, the dataset files, the manifest and the
extractions) is written into a new folder ``generations/NNNNNN/``. When all of it is
there, the symbolic link ``current`` is pointed at that folder by one rename, which the
file system does atomically. The names users and tools open are fixed links
through ``current``, and they never change:

    graph/store          -> current/store
    graph/dataset.nq     -> current/dataset.nq   (built with --dataset)
    graph/manifest.json  -> current/manifest.json
    graph/extractions    -> current/extractions

So a build killed at any point (SIGKILL, a crash, a full disk) leaves the previous
generation whole and in place: store, dataset, manifest and extractions always agree.
The generation before the current one is kept too, for readers that still have it open
(a running ``policykg serve``); older ones and the remains of an unfinished build are
removed by the next build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from policykg.store import STORE

GENERATIONS = "generations"
CURRENT = "current"
MANIFEST = "manifest.json"
EXTRACTIONS = "extractions"
TABLES = "tables"
#: the dataset as one N-Quads file (see policykg.dataset; written with build --dataset)
NQUADS = "dataset.nq"
#: what a generation holds, each reached from the graph directory by a fixed link
PUBLISHED = (STORE, NQUADS, MANIFEST, EXTRACTIONS, TABLES)
#: what a generation may lack (its link is then removed)
OPTIONAL = (NQUADS,)
#: links earlier versions published, removed by the next build (dataset.trig is made on demand now)
RETIRED = ("dataset.trig",)


def current(graph_dir: str | Path) -> Path | None:
    """The folder of the current generation, or None before the first build."""
    link = Path(graph_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return (link.parent / target).resolve()


def current_id(graph_dir: str | Path) -> str | None:
    """The current generation's name (``000007``): it changes with every build that
    publishes, so a reader can tell that the graph it holds open is no longer current."""
    found = current(graph_dir)
    return found.name if found is not None else None


class NewGeneration:
    """The folder a build publishes into; :meth:`switch` makes it current.

    Made under the build lock: it first removes what no reader can be using (unfinished
    generations and all but the newest earlier one)."""

    def __init__(self, graph_dir: str | Path) -> None:
        self.out = Path(graph_dir)
        (self.out / GENERATIONS).mkdir(parents=True, exist_ok=True)
        numbered = _tidy(self.out)
        self.dir = self.out / GENERATIONS / f"{int(numbered[-1].name) + 1 if numbered else 1:06d}"
        self.dir.mkdir()
        if numbered:
            link_published(self.out)  # finish the move of a graph directory from before generations

    def switch(self) -> None:
        """Make this generation the current one, in one rename."""
        _sync(self.dir)
        tmp = self.out / f".{CURRENT}.new"
        tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(self.dir, self.out), tmp)
        os.replace(tmp, self.out / CURRENT)
        _sync(self.out)
        link_published(self.out)
        _tidy(self.out)

    def abort(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _tidy(graph_dir: Path) -> list[Path]:
    """Remove every generation but the current one and the newest one before it; return
    those kept, oldest first."""
    now = current(graph_dir)
    numbered = sorted((p for p in (graph_dir / GENERATIONS).iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    keep = [] if now is None else [*[p.resolve() for p in numbered if int(p.name) < int(now.name)][-1:], now]
    for p in (graph_dir / GENERATIONS).iterdir():
        if p.resolve() not in keep:
            _remove(p)
    return keep


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def link_published(graph_dir: Path) -> None:
    """Make each published name a link through ``current``. A graph directory built before
    generations has them as real files: they are moved aside and removed (the current
    generation holds what they held)."""
    for name in RETIRED:
        path = graph_dir / name
        if path.is_symlink() and os.readlink(path) == f"{CURRENT}/{name}":
            path.unlink()
    for name in PUBLISHED:
        path = graph_dir / name
        want = f"{CURRENT}/{name}"
        if not (graph_dir / CURRENT / name).exists() and name in OPTIONAL:
            if path.is_symlink() and os.readlink(path) == want:
                path.unlink()  # this generation has none (a build without --dataset)
            continue
        if path.is_symlink() and os.readlink(path) == want:
            continue
        if path.is_symlink() or path.exists():
            aside = graph_dir / f".{name}.old"
            _remove(aside)
            os.replace(path, aside)
            _remove(aside)
        tmp = graph_dir / f".{name}.link"
        tmp.unlink(missing_ok=True)
        os.symlink(want, tmp)
        os.replace(tmp, path)


def _sync(folder: Path) -> None:
    """Flush a folder's entries (names, renames) to disk."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
