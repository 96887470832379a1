"""Checking and broadcasting the numeric arguments of the public functions."""

import numpy as np

from ..errors import ModelError, ParameterError
from ..model import Junction


def numeric_model(model):
    """The :class:`NumericJunction` of ``model``, with a clear error otherwise."""
    if not isinstance(model, Junction):
        raise ModelError(f"model must be a symehp.Junction, got {type(model).__name__}")
    return model.numeric()


def real_array(value, name, *, nonnegative=False):
    """``value`` as a float array; rejects complex, NaN, inf and (optionally) negatives."""
    if value is None:
        raise ParameterError(f"{name} is required")
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise ParameterError(f"{name} must be real, got a complex value")
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{name} must be a real number or array: {exc}") from exc
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite, got {arr[~np.isfinite(arr)].ravel()[:3]}")
    if nonnegative and np.any(arr < 0):
        raise ParameterError(f"{name} must be >= 0 (a temperature), got {arr[arr < 0].ravel()[:3]}")
    return arr


def electrode_temperatures(T_e, T_L, T_R):
    """``(T_L, T_R)`` from either ``T_e`` (both electrodes) or ``T_L`` and ``T_R``."""
    if T_e is not None:
        if T_L is not None or T_R is not None:
            raise ParameterError("give either T_e (both electrodes) or T_L and T_R, not both")
        t = real_array(T_e, "T_e", nonnegative=True)
        return t, t
    if T_L is None or T_R is None:
        missing = [n for n, v in (("T_L", T_L), ("T_R", T_R)) if v is None]
        raise ParameterError(
            "electron temperature missing: give T_e, or both T_L and T_R "
            f"(missing {', '.join(missing)})")
    return real_array(T_L, "T_L", nonnegative=True), real_array(T_R, "T_R", nonnegative=True)
