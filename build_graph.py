"""Build the bundled sample corpus into graph/ (the same command as `policykg build`).

    python build_graph.py            # = policykg build data/samples -o graph
"""

from pathlib import Path

from policykg.cli import main

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    main(["build", str(HERE / "data" / "samples"), "-o", str(HERE / "graph"), *__import__("sys").argv[1:]])
