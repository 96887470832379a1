"""Closed forms derived with SymPy, by name: ``symehp derive NAME``.

A derivation module defines

* ``NAME``    - the name used on the command line,
* ``SUMMARY`` - one line,
* ``derive() -> dict[str, sympy.Basic]`` - the named results, in reading order.

The scripts in the repository's ``derivations/`` directory are thin wrappers
around these modules, so the same derivation is importable, testable and
printable.

:func:`render` prints the results in a paper's notation, through the printers
of :mod:`symehp.printing` (``psi``, ``psi'`` for the digamma and trigamma
functions, ``Re``, ``Im``, ``tr``, the Greek epsilon in the pretty text).
"""

from __future__ import annotations

import importlib

from ..printing import PaperLatexPrinter, PaperPrettyPrinter, latex, pretty

__all__ = ["MODULES", "available", "derive", "render", "latex", "pretty",
           "PaperLatexPrinter", "PaperPrettyPrinter"]

MODULES = (
    "two_level_kernel",
    "two_level_closed_form",
    "reciprocity",
    "exceptional_point",
    "mode_coupling",
    "pole_pair",
)

def _module(name):
    if name not in MODULES:
        raise KeyError(f"unknown derivation {name!r}; available: {', '.join(MODULES)}")
    return importlib.import_module(f"{__name__}.{name}")


def available():
    """name -> one-line summary of every derivation."""
    return {name: _module(name).SUMMARY for name in MODULES}


def derive(name):
    """The results of derivation ``name`` as an ordered dict of SymPy objects."""
    return _module(name).derive()


def render(name, *, fmt="latex"):
    """Derivation ``name`` as text: ``fmt`` is ``"latex"`` or ``"pretty"``."""
    if fmt not in ("latex", "pretty"):
        raise ValueError(f"fmt must be 'latex' or 'pretty', got {fmt!r}")
    module = _module(name)
    lines = [f"% {module.NAME}: {module.SUMMARY}" if fmt == "latex"
             else f"{module.NAME}: {module.SUMMARY}", ""]
    for key, expr in module.derive().items():
        text = latex(expr) if fmt == "latex" else pretty(expr)
        lines += [f"{key}:", text, ""]
    return "\n".join(lines)
