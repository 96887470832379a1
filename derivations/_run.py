"""Shared entry point of the derivation scripts: print one derivation."""

import sys

from symehp.derivations import render


def main(name, argv=None):
    argv = sys.argv[1:] if argv is None else argv
    print(render(name, fmt="pretty" if "--pretty" in argv else "latex"))
