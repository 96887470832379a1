"""Where a junction's modes run away: the growth rate of the least stable mode on a grid.

:func:`instability_map` sweeps the bias ``V`` (``mu_L = V/2 = -mu_R``) and one keyword
parameter of a model factory (a gate voltage, a level width, a coupling, ...) and returns,
at each point, the growth rate of the least stable of the K coupled modes: the largest
imaginary part of the complex eigenfrequencies ``z_k`` of the dressed modes,
:func:`symehp.numeric.mode_dynamics.mode_eigenfrequencies` (symehp's ``D^r`` convention:
a damped mode has ``Im z < 0``).  ``growth > 0`` marks a current-driven instability
(runaway): the lowest-order steady state does not exist there.

Units: hbar = e = k_B = 1; the bias, the parameter (if an energy) and the growth rate
share the energy unit (the growth rate is an inverse time, ``|u| ~ exp(growth t)``).
"""

from __future__ import annotations

import sys

import numpy as np

from ..errors import ModelError, ParameterError
from ..model import Junction
from ..numeric._args import MAX_MAGNITUDE, numeric_model
from ..numeric.self_energy import _expansion

__all__ = ["instability_map"]

_CONVENTION = ("growth rate = max_k Im z_k, z_k the complex eigenfrequencies of the dressed "
               "modes (D^r convention: damped modes have Im z < 0); > 0: unstable (runaway)")


def _axis(values, name):
    """A 1-D array of grid values, or ParameterError naming the axis."""
    try:
        arr = np.asarray(values)
    except ValueError as exc:                        # ragged nested sequences
        raise ParameterError(f"{name} must be a 1-D array of values: {exc}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ParameterError(f"{name} must be a non-empty 1-D array of values, got shape "
                             f"{arr.shape}")
    return arr


def _bias_axis(V):
    arr = _axis(V, "V")
    if arr.dtype.kind not in "iuf" or isinstance(V, (bool, np.bool_)):
        raise ParameterError(f"V must be real numbers (the bias eV), got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError("V must be finite (no nan/inf bias values)")
    if np.any(np.abs(arr) > 2 * MAX_MAGNITUDE):     # mu_L = V/2 = -mu_R
        raise ParameterError(f"V = {float(arr[np.argmax(np.abs(arr))]):.6g} is beyond the "
                             f"supported range |V| <= {2 * MAX_MAGNITUDE:g} (energy units)")
    return arr


def _model_at(model_factory, name, value):
    """``model_factory(**{name: value})``, checked: errors name the call."""
    call = f"model_factory({name}={value!r})"
    try:
        model = model_factory(**{name: value})
    except Exception as exc:                          # the user's code: report any failure
        raise ParameterError(f"{call} raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(model, Junction):
        raise ParameterError(f"{call} returned {type(model).__name__}, not a symehp.Junction")
    try:                                # symbolic, energy-dependent leads, unbroadened levels
        _expansion(numeric_model(model))
    except ModelError as exc:
        raise ModelError(f"{call} returned a model instability_map cannot use: {exc}") from exc
    return model


def _growth_rate(model, V, temperatures):
    from ..numeric.mode_dynamics import mode_eigenfrequencies
    return float(mode_eigenfrequencies(model, mu_L=V / 2, mu_R=-V / 2,
                                       **temperatures).growth_rate)


def instability_map(model_factory, *, V, T_e=None, T_L=None, T_R=None, progress=None, **axis):
    """Growth rate of the least stable mode over a (bias, model parameter) grid.

    Parameters
    ----------
    model_factory : callable
        Called as ``model_factory(**{name: value})`` for each value of the one extra
        keyword axis; must return a :class:`symehp.Junction` (numeric, every level
        broadened; any number of modes).
    V : array_like, 1-D
        Bias ``eV = mu_L - mu_R`` (energy units), applied symmetrically:
        ``mu_L = V/2 = -mu_R``.
    T_e, T_L, T_R : float, optional
        Electron temperature of both electrodes, or of each (energy units), as for
        :func:`symehp.numeric.mode_dynamics.mode_eigenfrequencies`.
    progress : bool or None
        Show a progress bar over the grid (None: when it has more than 200 points and
        stderr is a terminal).
    **axis
        Exactly one more keyword, ``name=values`` (1-D): the second axis, e.g.
        ``gate=np.linspace(-1, 1, 21)``.

    Returns
    -------
    xarray.DataArray, dims ``("V", name)``
        ``max_k Im z_k`` (energy units); ``> 0`` where the current drives a mode
        unstable.  ``attrs``: ``units``, ``long_name``, ``convention``, ``bias``,
        ``T_e`` / ``T_L`` / ``T_R`` as given.

    Raises
    ------
    ParameterError
        No or more than one extra axis, an axis that is not 1-D, a factory that is not
        callable, raises, or returns something other than a Junction (the message names
        the call, e.g. ``model_factory(gate=0.1) raised ...``).
    ModelError
        A factory's model that the dressed modes cannot take (symbolic, energy-dependent
        leads, an unbroadened level): the model's error, prefixed with the call.
    """
    import xarray as xr

    if not callable(model_factory):
        raise ParameterError(f"model_factory must be callable (name=value -> Junction), got "
                             f"{type(model_factory).__name__}")
    if len(axis) != 1:
        got = "none" if not axis else ", ".join(sorted(axis))
        raise ParameterError("instability_map needs exactly one extra keyword axis besides V "
                             f"(e.g. gate=[...]), the factory's parameter; got {got}")
    (name, values), = axis.items()
    bias = _bias_axis(V)
    values = _axis(values, name)
    temperatures = {k: v for k, v in dict(T_e=T_e, T_L=T_L, T_R=T_R).items() if v is not None}
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise ParameterError(f"progress must be True, False or None (automatic), got "
                             f"{progress!r}")
    if progress is None:
        progress = bias.size * values.size > 200 and sys.stderr.isatty()
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=bias.size * values.size, desc="symehp: instability map",
                   unit="point")
    growth = np.empty((bias.size, values.size))
    try:
        for j, value in enumerate(values.tolist()):
            model = _model_at(model_factory, name, value)
            for i, v in enumerate(bias):
                growth[i, j] = _growth_rate(model, float(v), temperatures)
                if bar is not None:
                    bar.update()
    finally:
        if bar is not None:
            bar.close()
    attrs = dict(units="energy (hbar = e = k_B = 1)",
                 long_name="growth rate of the least stable mode", convention=_CONVENTION,
                 bias="mu_L = V/2 = -mu_R", **{k: float(v) for k, v in temperatures.items()})
    return xr.DataArray(growth, dims=("V", name), coords={"V": bias, name: values},
                        name="growth_rate", attrs=attrs)
