"""Network analysis and views: figures match the export, pages draw offline in a real
browser without console errors, and document text cannot run as script."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from policykg.analysis import network as nw
from policykg.build import build_corpus
from policykg.export import assignment_rows
from policykg.viz import render_html, save_html, view_graph

#: screenshots go where POLICYKG_TEST_ARTIFACTS says (to look at them), else into the test's temporary folder
ARTIFACTS = os.environ.get("POLICYKG_TEST_ARTIFACTS")


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is needed for the browser tests: .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium); CI installs it and runs these tests")
    return exe


def open_in_browser(page: Path, *, screenshot: Path | None = None) -> dict[str, str]:
    """Load a page from file:// with the network cut off; return the status element's data."""
    args = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={page.parent / ('.chromium-' + page.stem)}",
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all
        "--virtual-time-budget=10000", "--window-size=1400,900",
    ]
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*args, f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    dom = subprocess.run([*args, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    m = re.search(r'<div id="status"([^>]*)>', dom)
    assert m, "the page did not render its status element"
    status = dict(re.findall(r'data-([a-z]+)="([^"]*)"', m.group(1)))
    status["body"] = re.search(r"<body([^>]*)>", dom).group(1)  # type: ignore[union-attr]
    status["dom"] = dom
    return status


@pytest.mark.parametrize(
    "view, kwargs",
    [
        ("network", {"jurisdiction": "遂溪县"}),
        ("units", {"jurisdiction": "麻章区"}),
        ("unit", {"unit": "县委宣传部", "jurisdiction": "遂溪县"}),
        ("place", {"place": "太平镇"}),
    ],
)
def test_views_draw_offline_without_errors(built_graph: Path, tmp_path: Path, view: str, kwargs: dict[str, str]) -> None:
    G, title = view_graph(built_graph, view, **kwargs)
    assert G.number_of_nodes() > 5
    page = save_html(render_html(G, title=title), tmp_path / f"{view}.html")
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|url\(\s*['\"]?https?:", text)  # nothing fetched
    shot = (Path(ARTIFACTS) if ARTIFACTS else tmp_path) / "suixi.png" if view == "network" else None
    status = open_in_browser(page, screenshot=shot)
    assert status["errors"] == "", status["errors"]
    assert status["drawn"] == "true"
    assert int(status["nodes"]) == G.number_of_nodes() and int(status["edges"]) == G.number_of_edges()
    if shot is not None:
        assert shot.stat().st_size > 20_000  # a screenshot of the 遂溪 view with the network drawn


def test_document_text_shows_as_text_and_runs_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    payload = "<script>document.body.setAttribute('data-pwned','1')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"
    (docs / "evil.txt").write_text(f"一、任务\n1.修路{payload}。（责任单位：县交通局）\n", encoding="utf-8")
    out = tmp_path / "graph"
    build_corpus([docs], out)
    G, title = view_graph(out, "network")
    page = save_html(render_html(G, title=title + payload), tmp_path / "evil.html")
    raw = page.read_text(encoding="utf-8")
    assert "<script>document.body" not in raw and "<img src=x" not in raw
    status = open_in_browser(page)
    assert status["errors"] == "" and status["drawn"] == "true"
    assert "pwned" not in status["body"] and "<img src=\"x\"" not in status["dom"]
    assert "&lt;script&gt;" in status["dom"]  # the title shows the text as text


def test_analyze_top_lead_units(built_graph: Path, sample_extractions) -> None:  # type: ignore[no-untyped-def]
    counts: dict[str, set[str]] = defaultdict(set)
    for r in assignment_rows(sample_extractions):
        if r["jurisdiction"] == "遂溪县" and r["role"] == "lead":
            counts[r["unit_label"]].add(r["task"].split("/")[1])
    df = nw.workload(nw.responsibility_graph(built_graph, jurisdiction="遂溪县"))
    by_unit = {row.unit: row.lead for row in df.itertuples()}
    assert {u: len(t) for u, t in counts.items()} == {u: n for u, n in by_unit.items() if n}
    top = df.sort_values(["lead", "unit"], ascending=[False, True]).head(3)
    assert list(top.unit)[0] == "县农业农村局" and list(top.lead)[0] == len(counts["县农业农村局"]) == 12

    from click.testing import CliRunner

    from policykg.cli import main

    out = CliRunner().invoke(main, ["analyze", str(built_graph), "--jurisdiction", "遂溪县", "--top", "5"])
    assert out.exit_code == 0 and "县农业农村局" in out.output and "== lead-support-pairs" in out.output


def test_network_exports_open_in_networkx(built_graph: Path, tmp_path: Path) -> None:
    import networkx as nx

    from policykg.analysis.netio import network_bytes

    G = nw.responsibility_graph(built_graph, jurisdiction="遂溪县")
    (tmp_path / "g.graphml").write_bytes(network_bytes(G, "graphml"))
    (tmp_path / "g.gexf").write_bytes(network_bytes(G, "gexf"))
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_edges() == G.number_of_edges() == 218
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == G.number_of_nodes()
    lines = network_bytes(nw.co_responsibility_graph(G), "csv").decode().splitlines()
    assert lines[0].startswith("source,target,source_label,target_label") and len(lines) > 50


def test_figures(built_graph: Path, tmp_path: Path) -> None:
    from policykg.viz import heatmap_figure, workload_figure

    G = nw.responsibility_graph(built_graph, jurisdiction="遂溪县")
    a = workload_figure(nw.workload(G), tmp_path / "w.png", title="遂溪县")
    b = heatmap_figure(G, tmp_path / "h.png")
    assert a.read_bytes()[:4] == b"\x89PNG" and b.stat().st_size > 10_000


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_files_carry_chinese_labels_and_types(built_graph: Path, tmp_path: Path, fmt: str) -> None:
    """Gephi shows a node's label: units and tasks are named, with their kind and type."""
    import networkx as nx
    from click.testing import CliRunner

    from policykg.cli import main

    out = tmp_path / f"n.{fmt}"
    res = CliRunner().invoke(main, ["export", "network", str(built_graph), "--format", fmt, "-j", "遂溪县", "-o", str(out)])
    assert res.exit_code == 0, res.output
    G = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    units = [d for _, d in G.nodes(data=True) if d.get("kind") == "unit"]
    assert units and all(d.get("label") for d in units) and any(d["label"] == "县财政局" for d in units)
    assert all(d.get("unit_type") for d in units)
    assert {d.get("jurisdiction") for _, d in G.nodes(data=True) if d.get("kind") == "task"} == {"遂溪县"}


def test_network_csv_has_an_edge_table_and_a_node_table(built_graph: Path) -> None:
    import csv
    import io

    from click.testing import CliRunner

    from policykg.cli import main

    runner = CliRunner()
    edges = list(csv.DictReader(io.StringIO(runner.invoke(main, ["export", "network", str(built_graph), "--format", "csv", "-j", "陆河县"]).output)))
    nodes = list(csv.DictReader(io.StringIO(runner.invoke(main, ["export", "network", str(built_graph), "--format", "csv", "-j", "陆河县", "--table", "nodes"]).output)))
    ids = {n["id"] for n in nodes}
    assert edges and {e["source"] for e in edges} | {e["target"] for e in edges} <= ids
    assert all(n["label"] for n in nodes) and {n["kind"] for n in nodes} == {"unit", "task"}


def test_a_view_is_legible(built_graph: Path, tmp_path: Path) -> None:
    """A colour per kind of body (not one per unit type), names drawn for the busiest units
    only, the kinds and places in the legend, nothing wider than the window (issue 16, point 11)."""
    from policykg.viz import KIND_COLORS, LABELLED, thin, to_vis

    G, title = view_graph(built_graph, "network", jurisdiction="湛江经济技术开发区")
    data = to_vis(G, title=title)
    units = [n for n in data["nodes"] if n["group"] == "unit"]
    assert len(units) > LABELLED and sum(1 for n in units if n["label"]) == LABELLED
    assert len({n["color"] for n in units}) <= len(KIND_COLORS) < len(data["legend"]["types"])
    assert "政府工作部门" in data["legend"]["kinds"] and "党的机关" in data["legend"]["kinds"]
    assert all(n["label"] == "" for n in data["nodes"] if n["group"] == "task")  # a large view: task text on hover
    H = thin(G, top=10)
    assert sum(1 for _, d in H.nodes(data=True) if d.get("kind") == "unit") == 10
    page = save_html(render_html(G, title=title), tmp_path / "legible.html")
    status = open_in_browser(page)
    assert status["errors"] == "" and status["drawn"] == "true"
    assert status["wide"] == "0" and status["labelled"] == str(LABELLED)
    assert "单位性质 kinds of body" in status["dom"] and "政府工作部门" in status["dom"]
    place, place_title = view_graph(built_graph, "place", place="太平镇")
    data = to_vis(place, title=place_title)
    assert "太平镇" in data["legend"]["places"]


def test_every_kind_of_body_has_a_colour() -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    from policykg.paths import ONTOLOGY_DIR
    from policykg.viz import KIND_COLORS

    g = Graph().parse(ONTOLOGY_DIR / "policykg.ttl")
    labels = {str(o) for s in g.subjects(RDFS.subClassOf, URIRef("https://w3id.org/policykg/ontology#Unit"))
              for o in g.objects(s, RDFS.label)}
    assert labels == {label for pair in KIND_COLORS for label in pair}


def test_the_compare_report_fits_the_window_and_shows_its_labels(built_graph: Path, tmp_path: Path) -> None:
    """The report in headless Chromium: county-named, bilingual headers, the heat-map, and no
    element wider than the window (the Chinese text wraps, ids stay narrow)."""
    from policykg.analysis import compare as cmp

    page = tmp_path / "report.html"
    page.write_text(cmp.report_html(built_graph, "遂溪县", "陆河县"), encoding="utf-8")
    status = open_in_browser(page, screenshot=tmp_path / "report.png")
    assert status["wide"] == "0", status["wide"]
    dom = status["dom"]
    assert "遂溪县 任务 task" in dom and "陆河县 责任单位 responsible" in dom and "对应任务 Counterpart tasks" in dom
    assert 'alt="theme coverage heat-map: themes by 遂溪县 and 陆河县"' in dom
    assert (tmp_path / "report.png").stat().st_size > 20_000
