"""Which engine evaluates a numeric function: the one dispatch point.

Every numeric function of symehp takes ``backend=`` and ``dps=``:

* ``backend="numpy"`` -- double precision, vectorized NumPy (always available);
* ``backend="numba"`` -- double precision, the same algorithm with its inner
  loops compiled by numba (the optional extra ``fast``: ``pip install -e
  ".[fast]"``); the machine code is cached on disk, so only the first process
  on a machine pays the compilation (a few seconds).  Agrees with NumPy to
  round-off (1e-13 relative);
* ``backend="auto"`` (the default) -- numba when it is installed, else NumPy;
* ``dps=n`` -- mpmath at ``n`` decimal digits (``backend`` must then be
  ``"auto"``; the result holds ``mpmath.mpf`` numbers).

:func:`resolve` turns the two arguments into one engine name, with symehp's
own error for anything else.
"""

from __future__ import annotations

import importlib.util

import numpy as np

from ..errors import ParameterError

__all__ = ["BACKENDS", "resolve", "numba_available", "check_dps", "precise_engine"]

#: the values ``backend=`` accepts
BACKENDS = ("auto", "numpy", "numba")

_NUMBA = None


def numba_available() -> bool:
    """Whether numba can be imported (checked once per process)."""
    global _NUMBA
    if _NUMBA is None:
        _NUMBA = importlib.util.find_spec("numba") is not None
    return _NUMBA


def check_dps(dps):
    """``dps`` as an int in [15, 1000] (None passes through), or :class:`ParameterError`."""
    if dps is None:
        return None
    if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or not 15 <= dps <= 1000:
        raise ParameterError("dps must be an integer number of decimal digits in [15, 1000], "
                             f"got {dps!r}")
    return int(dps)


def resolve(backend="auto", dps=None) -> str:
    """The engine for ``backend`` and ``dps``: ``"numpy"``, ``"numba"`` or ``"mpmath"``.

    Raises :class:`~symehp.errors.ParameterError` for an unknown backend, for
    ``backend="numba"`` without numba installed, and for ``dps`` together with
    a double-precision backend.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ParameterError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if dps is not None:
        check_dps(dps)
        if backend != "auto":
            raise ParameterError(
                f"dps={dps!r} selects the mpmath engine; backend={backend!r} is a "
                "double-precision engine: give one or the other")
        return "mpmath"
    if backend == "numba":
        if not numba_available():
            raise ParameterError(
                "backend='numba' needs numba, which is not installed: "
                "pip install -e '.[fast]' (or use backend='numpy' / 'auto')")
        return "numba"
    if backend == "auto":
        return "numba" if numba_available() else "numpy"
    return "numpy"


def kernels():
    """The compiled kernels module (:mod:`._numba_kernels`), imported on first use."""
    from . import _numba_kernels
    return _numba_kernels


def precise_engine():
    """The ``dps=`` path (:mod:`symehp.numeric.mp`), imported on first use: the one place
    the double-precision layer hands a ``dps=`` call over."""
    from . import mp
    return mp
