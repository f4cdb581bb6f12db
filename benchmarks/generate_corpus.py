"""Generate a SYNTHETIC corpus of county plans, with gold annotations, for scale tests.

    python benchmarks/generate_corpus.py 1000 /tmp/synthetic --seed 1

Every document is clearly marked synthetic (its first line says so). Documents are
assembled from the task sentences of the bundled samples (their unit lists and labels
removed; some set in a made-up town and village), set in real counties and districts
from the packaged gazetteer, assigned to
county departments, and laid out in one of six ways: items ending in （责任单位：…）,
items with （牵头单位：…；配合单位：…）, a tab-separated task table, a table flattened one
cell per line, an HTML table and a Word table. The same seed gives the same corpus. Next
to each document the generator writes ``<name>.gold.json`` in the gold format
(tests/golden/FORMAT.md), so extraction can be scored at scale:
``policykg evaluate --gold OUT_DIR/gold graph/``.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from pathlib import Path

from policykg.graphdir import load_extractions
from policykg.pipeline.gazetteer import _codes

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = [
    "财政局", "发展和改革局", "教育局", "卫生健康局", "交通运输局", "水务局", "农业农村局", "自然资源局",
    "住房和城乡建设局", "人力资源和社会保障局", "民政局", "文化广电旅游体育局", "科技工业和信息化局",
    "退役军人事务局", "市场监督管理局", "审计局", "统计局", "司法局", "应急管理局", "林业局",
]
PARTY = ["委组织部", "委宣传部", "委统战部", "委政法委", "委党史研究室"]
COLLECTIVE = ["各镇人民政府", "各镇党委政府", "各乡镇（街道）"]
#: made-up town and village names, put before some task sentences ("在石门镇东坑村…")
TOWNS = ["城关", "新安", "石门", "东山", "龙湾", "河口", "清溪", "白沙", "长岭", "西坪"]
VILLAGES = ["东坑", "上洋", "禾田", "大塘", "南岗", "石桥", "新屋", "下围"]
LAYOUTS = ("items", "labels", "tsv", "flat", "html", "docx")
CN_NUM = "一二三四五六七八九十"


def sentence_pool() -> list[str]:
    """Task sentences of the bundled samples without their unit lists and labels."""
    out = set()
    for ex in load_extractions(_sample_graph()):
        for t in ex.tasks:
            text = re.sub(r"[（(【〔][^（）()【】〔〕]*(?:单位|部门)[^（）()【】〔〕]*[）)】〕]", "", t.text)
            text = re.sub(r"[\s\t]+", "", text.split("\n")[0])
            text = re.sub(r"(?:由|县|区)[\u4e00-\u9fff]{2,10}(?:局|办|部)[^，。]*?(?:负责|牵头|配合)", "", text)
            if 12 <= len(text) <= 160 and not re.search(r"单位|部门|牵头|配合|负责|[县区]委|政府|由|要", text):
                out.add(text if text.endswith("。") else text + "。")
    return sorted(out)


def _sample_graph() -> Path:
    from policykg.build import build_corpus

    graph = ROOT / "graph"
    build_corpus([ROOT / "data" / "samples"], graph)  # incremental: nothing to do when it is current
    return graph


def counties() -> list[tuple[str, str]]:
    """(county or district, its city) from the gazetteer."""
    out = []
    for d in _codes().values():
        if d.level in ("county", "district") and d.parent is not None and d.parent.level == "city" and len(d.name) >= 3 and "辖" not in d.name:
            out.append((d.name, d.parent.name))
    return sorted(out)


def _plan_rows(rng: random.Random, pool: list[str], units: list[str], layout: str, year: int,
               n_sections: int, tasks_per: int) -> list[tuple]:  # type: ignore[type-arg]
    """(section, section number, task number, text, lead, support, responsible, deadline) of each task."""
    rows = []
    for s in range(n_sections):
        section = f"{CN_NUM[s]}、{rng.choice(['加强基础设施建设', '提升公共服务水平', '发展特色产业', '保护红色资源', '改善人居环境', '健全帮扶机制', '深化改革创新'])}"
        for i in range(tasks_per):
            text = rng.choice(pool)
            if rng.random() < 0.3:
                text = f"在{rng.choice(TOWNS)}镇{rng.choice(VILLAGES)}村{text}"
            k = rng.randint(1, 4)
            chosen = rng.sample(units, k) + ([rng.choice(COLLECTIVE)] if rng.random() < 0.4 else [])
            with_roles = layout != "items" and rng.random() < 0.7
            lead, support = (chosen[:1], chosen[1:]) if with_roles else ([], [])
            responsible = [] if with_roles else chosen
            deadline = f"{year + rng.randint(0, 2)}年{rng.randint(1, 12)}月底前"
            rows.append((section, s, i, text, lead, support, responsible, deadline))
    return rows


def _items_text(head: str, county: str, title: str, rows: list[tuple]) -> str:  # type: ignore[type-arg]
    """A plan of numbered items under section headings, units in brackets after each."""
    lines = [head, f"为推进{county}{title[len(county):-4]}，结合实际，制定本方案。", ""]
    last = None
    for section, _s, i, text, lead, support, responsible, _ in rows:
        if section != last:
            lines.append(section)
            last = section
        if responsible:
            label = f"（责任单位：{'、'.join(responsible)}）"
        else:
            label = f"（牵头单位：{'、'.join(lead)}" + (f"；配合单位：{'、'.join(support)}）" if support else "）")
        lines.append(f"{i + 1}.{text}{label}")
    return "\n".join(lines) + "\n"


def make_document(rng: random.Random, pool: list[str], county: str, city: str, layout: str) -> tuple[str, dict]:  # type: ignore[type-arg]
    """Text (or HTML, or rows for docx) and gold of one synthetic plan."""
    prefix = "区" if county.endswith("区") else "县"
    units = [prefix + d for d in DEPARTMENTS] + [prefix + p for p in PARTY]
    n_sections, tasks_per = rng.randint(2, 5), rng.randint(3, 8)
    year = rng.randint(2018, 2023)
    title = f"{county}{rng.choice(['乡村振兴', '老区振兴发展', '巩固拓展脱贫攻坚成果', '城乡融合发展'])}{'工作方案' if layout in ('items', 'labels') else '任务分解表'}"
    gold: dict = {  # type: ignore[type-arg]
        "doc": "", "synthetic": True,
        "policy": {"title": title, "doc_number": None, "issuers": [], "date": None, "jurisdiction": county, "implements": []},
        "tasks": [], "aliases": {}, "places": [{"name": county, "type": "district" if prefix == "区" else "county", "parent": city}],
        "pairings": [],
    }
    rows = _plan_rows(rng, pool, units, layout, year, n_sections, tasks_per)
    gold["tasks"] = [{
        "key": f"{s + 1}.{i + 1}", "anchor": text[:20], "section": section,
        "lead": lead, "support": support, "responsible": responsible, "prose": False,
    } for section, s, i, text, lead, support, responsible, _ in rows]
    head = f"（合成文本 SYNTHETIC，仅供测试 generated for testing）\n{title}\n"
    if layout in ("items", "labels"):
        return _items_text(head, county, title, rows), gold
    header = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    cells = []
    n = 0
    for section, _s, _i, text, lead, support, responsible, deadline in rows:
        n += 1
        cells.append((section, [str(n), text, "、".join(lead or responsible), "、".join(support), deadline]))
    if layout == "tsv":
        out = [head, "\t".join(header)]
        last = None
        for section, c in cells:
            if section != last:
                out.append(section)
                last = section
            out.append("\t".join(c))
        return "\n".join(out) + "\n", _lead_for_columns(gold)
    if layout == "flat":
        out = [head] + ["\t" + h for h in header] + [""]
        last = None
        for section, c in cells:
            if section != last:
                out += ["\t" + section, ""]
                last = section
            out += ["\t" + x for x in c] + [""]
        return "\n".join(out) + "\n", _lead_for_columns(gold)
    if layout == "html":
        trs = ["<tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>"]
        last = None
        for section, c in cells:
            if section != last:
                trs.append(f'<tr><td colspan="5">{html.escape(section)}</td></tr>')
                last = section
            trs.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in c) + "</tr>")
        page = f"<html><body><p>{html.escape(head)}</p><table>{''.join(trs)}</table></body></html>"
        return page, _lead_for_columns(gold)
    return json.dumps({"head": head, "header": header, "cells": cells}, ensure_ascii=False), _lead_for_columns(gold)


def _lead_for_columns(gold: dict) -> dict:  # type: ignore[type-arg]
    """In a table with 牵头单位/配合单位 columns, units without roles sit in the lead column."""
    for t in gold["tasks"]:
        if t["responsible"]:
            t["lead"], t["responsible"] = t["responsible"], []
    return gold


def write_docx(spec: str, path: Path) -> None:
    import docx

    data = json.loads(spec)
    d = docx.Document()
    for line in data["head"].splitlines():
        if line:
            d.add_paragraph(line)
    t = d.add_table(rows=1, cols=len(data["header"]))
    for j, h in enumerate(data["header"]):
        t.cell(0, j).text = h
    last = None
    for section, c in data["cells"]:
        if section != last:
            row = t.add_row()
            row.cells[0].text = section
            row.cells[0].merge(row.cells[-1])
            last = section
        row = t.add_row()
        for j, x in enumerate(c):
            row.cells[j].text = x
    d.save(path)


def generate(n: int, out: Path, *, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    pool = sentence_pool()
    places = counties()
    out.mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(exist_ok=True)
    (out / "README.md").write_text(
        "# SYNTHETIC corpus\n\nGenerated by benchmarks/generate_corpus.py for scale tests. Not real documents.\n"
        f"{n} documents, seed {seed}. Gold annotations in gold/.\n", encoding="utf-8")
    written = []
    for k in range(n):
        county, city = rng.choice(places)
        layout = LAYOUTS[k % len(LAYOUTS)]
        body, gold = make_document(rng, pool, county, city, layout)
        ext = {"html": "html", "docx": "docx"}.get(layout, "txt")
        path = out / f"synthetic-{k:05d}-{layout}.{ext}"
        if layout == "docx":
            write_docx(body, path)
        else:
            path.write_text(body, encoding="utf-8")
        gold["doc"] = path.name
        (out / "gold" / f"{path.name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    paths = generate(args.n, args.out, seed=args.seed)
    print(f"wrote {len(paths)} synthetic documents and their gold files to {args.out}")


if __name__ == "__main__":
    main()
