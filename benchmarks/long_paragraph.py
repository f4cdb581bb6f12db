"""Extraction time against paragraph length: one paragraph of N characters, each
sentence a task with a responsibility label, read at N, 2N, 4N ….

    python benchmarks/long_paragraph.py --chars 100000 --steps 4

Prints the seconds for each length and the ratio to the length before: about 2 for
work that grows linearly with the paragraph, about 4 for quadratic work.
"""

from __future__ import annotations

import argparse
import time

from policykg.pipeline import extract_text

SENTENCE = "推进农村公路建设，完善基础设施，县交通运输局负责。加强饮水安全，责任单位：县水务局；"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=100_000, help="length of the first paragraph")
    ap.add_argument("--steps", type=int, default=4, help="how many doublings")
    args = ap.parse_args()
    extract_text("一、任务\n" + SENTENCE + "\n")  # warm up: the pipeline is built once a process
    before = None
    for step in range(args.steps):
        n = args.chars << step
        text = "一、重点任务\n" + SENTENCE * (n // len(SENTENCE)) + "\n"
        t = time.perf_counter()
        ex = extract_text(text)
        seconds = time.perf_counter() - t
        ratio = f"  x{seconds / before:.2f}" if before else ""
        print(f"{len(text):>9,} chars  {len(ex.tasks):>6} tasks  {seconds:7.2f} s{ratio}")
        before = seconds


if __name__ == "__main__":
    main()
