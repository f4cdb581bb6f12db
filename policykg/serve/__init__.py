"""A read-only SPARQL 1.1 Protocol endpoint over a built graph's embedded store.

* ``GET /sparql?query=…`` and ``POST /sparql`` (form-encoded or
  ``application/sparql-query``); results as JSON, XML, CSV or TSV by content
  negotiation (``Accept``) or ``format=json|xml|csv|tsv``.
* ``GET /queries`` lists the named queries; ``GET /queries/NAME?param=value``
  runs one with its parameters bound.
* ``GET /`` is a page where a person can type a query (no external assets).

Read-only: updates (``update=``, ``application/sparql-update``) are refused, and
so are ``SERVICE`` and ``LOAD`` (no requests to other hosts). Queries run in worker
processes: one past its time limit is stopped (503), and results are cut at a row
limit (truncated results carry ``X-Result-Truncated: true``).
It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from policykg.serve.results import MEDIA, negotiate, serialize
from policykg.serve.server import make_handler, make_server, serve_in_thread, stop
from policykg.serve.workers import Busy, Endpoint, WorkerDied, refusal

__all__ = ["MEDIA", "Busy", "Endpoint", "WorkerDied", "make_handler", "make_server", "negotiate", "refusal",
           "serialize", "serve_in_thread", "stop"]
