"""SPARQL query results as the endpoint sends them: JSON, XML, CSV or TSV (SPARQL 1.1),
chosen by content negotiation."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from policykg.query.results import term_json

MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "html": "text/html",
}
#: media types of a CONSTRUCT's or DESCRIBE's triples
GRAPH_MEDIA = {"turtle": "text/turtle", "jsonld": "application/ld+json"}

#: characters XML 1.0 cannot hold at all, escaped or not
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

def _xml_chars(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)

def negotiate_graph(accept: str, fmt: str | None) -> str:
    """``jsonld`` or ``turtle`` (the default) for a CONSTRUCT's or DESCRIBE's triples.

    >>> negotiate_graph("application/ld+json", None), negotiate_graph("*/*", None)
    ('jsonld', 'turtle')
    """
    if fmt in GRAPH_MEDIA:
        return fmt
    return "jsonld" if "application/ld+json" in (accept or "") else "turtle"


def html_page(columns: list[str], rows: list[list[Any]], boolean: bool | None, truncated: bool) -> bytes:
    """The results as an HTML table for a person in a browser; every value escaped."""
    if boolean is not None:
        body = f"<p>{'yes (true)' if boolean else 'no (false)'}</p>"
    else:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        cells = "".join(
            "<tr>" + "".join(f"<td>{'' if v is None else html.escape(v.value)}</td>" for v in r) + "</tr>" for r in rows
        )
        note = " (cut at the endpoint's limit)" if truncated else ""
        body = f"<p>{len(rows)} row{'s' if len(rows) != 1 else ''}{note}</p><table><tr>{head}</tr>{cells}</table>"
    return (RESULTS_PAGE.format(body=body)).encode("utf-8")


RESULTS_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>policykg results</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%;vertical-align:top;max-width:40em}}</style></head>
<body><p><a href="/">← query page</a></p>{body}</body></html>"""


def serialize(columns: list[str], rows: list[list[Any]], fmt: str, boolean: bool | None = None,
              truncated: bool = False) -> bytes:
    """SPARQL 1.1 query results in JSON, XML, CSV or TSV (or an HTML table).

    Written here, not by pyoxigraph's ``QuerySolutions.serialize``: the rows come from a
    query process as plain tuples, cut at ``--max-rows``, and pyoxigraph's XML keeps
    characters XML 1.0 cannot hold (a control character in a document's text would
    make the whole answer unreadable to an XML parser).
    """
    if fmt == "html":
        return html_page(columns, rows, boolean, truncated)
    if fmt == "json":
        if boolean is not None:
            return json.dumps({"head": {}, "boolean": boolean}).encode()
        bindings = [{c: term_json(v) for c, v in zip(columns, r) if v is not None} for r in rows]
        return json.dumps({"head": {"vars": columns}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        if boolean is not None:
            out.append(f"<head/><boolean>{'true' if boolean else 'false'}</boolean></sparql>")
            return "".join(out).encode("utf-8")
        out.append("<head>" + "".join(f'<variable name="{c}"/>' for c in columns) + "</head><results>")
        for r in rows:
            out.append("<result>")
            for c, v in zip(columns, r):
                if v is None:
                    continue
                j = term_json(v)
                if j["type"] == "uri":
                    inner = f"<uri>{xml_escape(_xml_chars(j['value']))}</uri>"
                elif j["type"] == "bnode":
                    inner = f"<bnode>{xml_escape(_xml_chars(j['value']))}</bnode>"
                else:
                    attr = f" xml:lang={quoteattr(j['xml:lang'])}" if "xml:lang" in j else (
                        f" datatype={quoteattr(_xml_chars(j['datatype']))}" if "datatype" in j else "")
                    inner = f"<literal{attr}>{xml_escape(_xml_chars(j['value']))}</literal>"
                out.append(f'<binding name="{c}">{inner}</binding>')
            out.append("</result>")
        out.append("</results></sparql>")
        return "".join(out).encode("utf-8")
    buf = io.StringIO()
    if boolean is not None:
        buf.write("true\n" if boolean else "false\n")
        return buf.getvalue().encode("utf-8")
    if fmt == "csv":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if v is None else v.value for v in r])
    else:
        buf.write("\t".join("?" + c for c in columns) + "\n")
        for r in rows:
            buf.write("\t".join("" if v is None else str(v) for v in r) + "\n")
    return buf.getvalue().encode("utf-8")

def negotiate(accept: str, fmt: str | None) -> str:
    """The results format: ``format=`` when given, else the first SPARQL results type the
    ``Accept`` header names, else HTML for a browser (``text/html``), else JSON.

    >>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None)
    'html'
    >>> negotiate("application/sparql-results+xml", None), negotiate("*/*", None), negotiate("", "csv")
    ('xml', 'json', 'csv')
    """
    if fmt in MEDIA:
        return fmt
    accept = accept or ""
    for key, media in MEDIA.items():
        if key != "html" and media in accept:
            return key
    if "text/html" in accept:
        return "html"
    if "json" in accept:
        return "json"
    if "xml" in accept:
        return "xml"
    return "json"
