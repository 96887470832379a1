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
import sys
import time
from pathlib import Path

__all__ = ["MODULES", "available", "load", "make_all", "progress_wanted"]

# In the order the paper presents them.
MODULES = (
    "rectification",
    "fig3_cold_spot",
    "fig2_heating_cooling",
    "fig4_exceptional_point",
    "mode_coupling",
    "ep_junction",
    "instability_map",
)


def load(name):
    """The figure module called ``name`` (one of :data:`MODULES`)."""
    if name not in MODULES:
        raise KeyError(f"unknown figure {name!r}; available: {', '.join(MODULES)}")
    return importlib.import_module(f"{__name__}.{name}")


def available():
    """name -> title of every figure."""
    return {name: load(name).TITLE for name in MODULES}


def progress_wanted(progress=None, stream=None):
    """Whether to show a progress bar: ``None`` (auto) means "only if ``stream``
    (default ``sys.stderr``) is a terminal", so that logs and pipes get no bar."""
    if progress is not None:
        return bool(progress)
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):       # no isatty, or a closed stream
        return False


def make_all(out="figures", *, names=None, progress=None, on_done=None):
    """Make every figure (or those in ``names``) into ``out``.

    Returns a list of ``(name, seconds, [paths])``.  ``progress`` shows a tqdm
    bar on stderr: ``None`` (default) only when stderr is a terminal, ``True``
    always (with a long refresh interval when stderr is not a terminal, so a
    log gets a few lines, not one per refresh), ``False`` never.  ``on_done``,
    if given, is called as ``on_done(name, seconds, paths)`` after each figure.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = list(MODULES if names is None else names)
    done = []
    bar = None
    if progress_wanted(progress):
        from tqdm.auto import tqdm
        tty = progress_wanted(None)
        quiet = {} if tty else dict(mininterval=60.0, maxinterval=3600.0)
        bar = tqdm(names, desc="figures", unit="fig", file=sys.stderr, **quiet)
    try:
        for name in (names if bar is None else bar):
            module = load(name)
            if bar is not None:
                bar.set_postfix_str(name, refresh=tty)
            t0 = time.perf_counter()
            paths = module.make(out)
            done.append((name, time.perf_counter() - t0, list(paths)))
            if on_done is not None:
                on_done(*done[-1])
    finally:
        if bar is not None:
            bar.close()
    return done
