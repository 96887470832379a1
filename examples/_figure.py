"""Shared entry point of the figure examples: make one figure into --out."""

import argparse
from pathlib import Path

from symehp import figures


def main(name, argv=None):
    module = figures.load(name)
    parser = argparse.ArgumentParser(description=module.TITLE)
    parser.add_argument("--out", default="figures", help="output directory (default: figures/)")
    out = Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)
    paths = module.make(out)
    for path in paths:
        print(f"wrote {path}")
    if not any(p.suffix == ".png" for p in paths):
        print("matplotlib not installed: PNG skipped (pip install 'symehp[plot]')")
    return paths
