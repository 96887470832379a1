"""The paper's applications as figures: each module computes its data, writes
it as CSV and draws it as PNG.  ``symehp figures`` runs them all.

A figure module defines

* ``NAME``  - short file stem (``fig2_heating_cooling``),
* ``TITLE`` - one line for listings and progress bars,
* ``make(out: pathlib.Path) -> list[pathlib.Path]`` - writes its CSV and PNG
  files into the existing directory ``out`` and returns their paths.

The physics lives in :mod:`symehp.applications`; these modules only choose
parameters, tabulate and draw.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path

__all__ = ["MODULES", "available", "load", "make_all"]

# In the order the paper presents them.
MODULES = (
    "rectification",
    "fig3_cold_spot",
    "fig2_heating_cooling",
    "fig4_exceptional_point",
    "mode_coupling",
)


def load(name):
    """The figure module called ``name`` (one of :data:`MODULES`)."""
    if name not in MODULES:
        raise KeyError(f"unknown figure {name!r}; available: {', '.join(MODULES)}")
    return importlib.import_module(f"{__name__}.{name}")


def available():
    """name -> title of every figure."""
    return {name: load(name).TITLE for name in MODULES}


def make_all(out="figures", *, names=None, progress=True):
    """Make every figure (or those in ``names``) into ``out``.

    Returns a list of ``(name, seconds, [paths])``.  ``progress`` shows a tqdm
    bar on stderr.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = list(MODULES if names is None else names)
    done = []
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(names, desc="figures", unit="fig")
    else:
        bar = names
    for name in bar:
        module = load(name)
        if progress:
            bar.set_postfix_str(name)
        t0 = time.perf_counter()
        paths = module.make(out)
        done.append((name, time.perf_counter() - t0, list(paths)))
    return done
