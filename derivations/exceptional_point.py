"""Derive the current-induced exceptional point of the two-mode matrix, Eq. (9).

The derivation lives in :mod:`symehp.derivations.exceptional_point`; this script
prints it.  Run: python derivations/exceptional_point.py [--pretty]
(equivalently: symehp derive exceptional_point [--pretty]).
"""

from _run import main

if __name__ == "__main__":
    main("exceptional_point")
