"""Derive the flat-DOS bias-induced coupling of two modes and compare it with the paper's a.

The derivation lives in :mod:`symehp.derivations.mode_coupling`; this script
prints it.  Run: python derivations/mode_coupling.py [--pretty]
(equivalently: symehp derive mode_coupling [--pretty]).
"""

from _run import main

if __name__ == "__main__":
    main("mode_coupling")
