"""Start a private Virtuoso open-source server for tests and benchmarks.

Debian's ``virtuoso-opensource`` package (installed by ``.ci/run``) brings
``virtuoso-t``; there is no service manager here, so each run starts its own
server in the foreground with a config file of its own: the database in a
folder of the caller's, both ports bound to 127.0.0.1, the default ``dba``
account. The server stops when the context ends.

    with start_virtuoso(tmp_dir) as v:
        v.sparql   # http://127.0.0.1:PORT/sparql
        v.gsp      # http://127.0.0.1:PORT/sparql-graph-crud-auth (digest auth: dba/dba)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BINARY = "virtuoso-t"
USER = PASSWORD = "dba"

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 2G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
"""


@dataclass
class Virtuoso:
    process: subprocess.Popen[bytes]
    base: str
    folder: Path

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def gsp(self) -> str:
        return self.base + "/sparql-graph-crud-auth"


def available() -> bool:
    return shutil.which(BINARY) is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def start_virtuoso(folder: Path, *, memory_mb: int = 400, timeout: float = 120) -> Iterator[Virtuoso]:
    """A Virtuoso server on free loopback ports, its database in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    buffers = max(2000, memory_mb * 1024 // 8 * 2 // 3)  # 8 KB pages, as the stock config advises
    ini = folder / "virtuoso.ini"
    http_port, sql_port = _free_port(), _free_port()
    ini.write_text(
        INI.format(db=folder, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty=buffers * 3 // 4),
        encoding="utf-8",
    )
    log = open(folder / "stdout.log", "wb")
    proc = subprocess.Popen([BINARY, "+configfile", str(ini), "+foreground"], cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    v = Virtuoso(proc, f"http://127.0.0.1:{http_port}", folder)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {proc.returncode}: see {folder / 'virtuoso.log'}")
            try:
                with urllib.request.urlopen(v.sparql + "?query=ASK%7B%7D", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within {timeout:.0f} s: see {folder / 'virtuoso.log'}")
            time.sleep(0.5)
        yield v
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
