"""Derive the closed forms of the two-level model's EHP spectra (digamma, trigamma, T = 0).

The derivation lives in :mod:`symehp.derivations.two_level_closed_form`; this script
prints it.  Run: python derivations/two_level_closed_form.py [--pretty]
(equivalently: symehp derive two_level_closed_form [--pretty]).
"""

from _run import main

if __name__ == "__main__":
    main("two_level_closed_form")
