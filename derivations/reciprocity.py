"""Flat DOS => reciprocal heat flow; Lorentzian levels => T_e-dependent transmission.

The derivation lives in :mod:`symehp.derivations.reciprocity`; this script prints it.
Run: python derivations/reciprocity.py [--pretty]  (or: symehp derive reciprocity)
"""

from _run import main

if __name__ == "__main__":
    main("reciprocity")
