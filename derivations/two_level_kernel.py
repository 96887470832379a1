"""Derive the EHP kernel of the paper's two-level model and its flat-DOS limit.

The derivation lives in :mod:`symehp.derivations.two_level_kernel`; this script
prints it.  Run: python derivations/two_level_kernel.py [--pretty]
(equivalently: symehp derive two_level_kernel [--pretty]).
"""

from _run import main

if __name__ == "__main__":
    main("two_level_kernel")
