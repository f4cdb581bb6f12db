"""Run extraction on a Dask distributed cluster.

The build hands its per-document jobs to a ``concurrent.futures.Executor``; a
Dask ``Client`` provides one (``client.get_executor()``), so a cluster runs
exactly the code a local build runs, and the build process still streams the
results into the store as they come back. Workers must have policykg installed
and see the documents at the same paths (a shared file system).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from policykg.errors import PolicyKGError


@contextmanager
def dask_executor(address: str, workers: int | None = None) -> Iterator[Executor]:
    """An executor on the Dask scheduler at ``address`` (``tcp://host:8786``), or on a
    cluster of ``workers`` local processes started for the build when ``address`` is
    ``local``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise PolicyKGError("--dask needs Dask distributed: pip install 'policykg[cluster]'") from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout="30s")
    except OSError as exc:
        raise PolicyKGError(f"cannot reach the Dask scheduler at {address}: {exc}. Is it running?") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
