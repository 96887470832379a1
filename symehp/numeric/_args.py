"""Checking and broadcasting the numeric arguments of the public functions.

* :func:`real_array` reads one argument (a chemical potential, temperature or
  frequency) as a float array and rejects what is not a finite real number in
  the supported range, naming the argument;
* :func:`electrode_temperatures` turns ``T_e`` or ``(T_L, T_R)`` into the two
  electrode temperatures;
* :func:`broadcast_parameters` broadcasts the checked arguments together, with
  a :class:`~symehp.errors.ParameterError` naming the arguments (as the user
  gave them) whose shapes do not fit.
"""

import numpy as np

from ..conditions import check_conditions
from ..errors import ModelError, ParameterError
from ..model import Junction, NumericJunction

__all__ = ["MAX_MAGNITUDE", "numeric_model", "real_array", "electrode_temperatures",
           "broadcast_parameters"]

#: Largest supported |value| of a chemical potential, temperature or frequency (energy
#: units).  The numerics square and fourth-power these (mode propagators, Fermi and
#: Bose tails, quadrature windows), so beyond ~1e77 double precision overflows; 1e30
#: leaves a wide margin and is far beyond any physical ratio to a model's energies.
MAX_MAGNITUDE = 1e30


def numeric_model(model, *, energy_dependent_leads=False):
    """The :class:`NumericJunction` of ``model`` (a :class:`Junction`, or a
    :class:`NumericJunction` itself), with a clear error otherwise.

    ``energy_dependent_leads``: whether the caller handles leads whose self-energy
    depends on the energy (:mod:`symehp.leads`); if not (the wide-band closed
    forms), such a model is a :class:`~symehp.errors.ModelError` saying so.
    """
    if isinstance(model, NumericJunction):
        numeric = model
    elif not isinstance(model, Junction):
        raise ModelError("model must be a symehp.Junction (or NumericJunction), got "
                         f"{type(model).__name__}")
    else:
        numeric = model.numeric()
    if numeric.energy_dependent and not energy_dependent_leads:
        which = ", ".join(f"lead_{side} = {lead!r}" for side, lead in
                          (("L", numeric.lead_L), ("R", numeric.lead_R)) if lead.energy_dependent)
        raise ModelError(
            f"this function needs wide-band electrodes, but the model has an energy-dependent "
            f"lead ({which}); with such leads use the spectra, currents, mode occupations, "
            "transmission, ehp_self_energy, bias_response or instability_bias "
            "(docs/conventions.md, 'Leads')")
    return numeric


def _kind_error(name, what):
    return ParameterError(f"{name} must be a real number or array, got {what}")


def real_scalar(value, name, *, nonnegative=False):
    """``value`` as one float, checked as :func:`real_array` does, and a single number:
    an array of any other shape is a ``ParameterError`` naming ``name`` (for arguments
    that do not broadcast)."""
    arr = real_array(value, name, nonnegative=nonnegative)
    if arr.ndim != 0:
        raise ParameterError(f"{name} must be a single number here (it does not broadcast), "
                             f"got an array of shape {arr.shape}")
    return float(arr)


def real_array(value, name, *, nonnegative=False):
    """``value`` as a float array, checked.

    Parameters
    ----------
    value : array_like
        Real number(s): Python or NumPy ints and floats (also objects with
        ``__float__`` such as SymPy or mpmath numbers), energy units.
    name : str
        The argument's name, for error messages.
    nonnegative : bool
        Also require ``value >= 0`` (temperatures).

    Returns
    -------
    ndarray of float
        A new array of the shape of ``value``.

    Raises
    ------
    ParameterError
        For a missing value (None), strings or bytes (also inside arrays:
        ``"0.1"`` is not parsed), booleans, complex numbers, ragged nested
        sequences, NaN or inf, ``|value| > MAX_MAGNITUDE`` (1e30) and, with
        ``nonnegative``, negative values.
    """
    if value is None:
        raise ParameterError(f"{name} is required")
    if isinstance(value, (str, bytes)):
        raise _kind_error(name, "a string")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:       # ragged nested sequences
        raise ParameterError(
            f"{name} must be a real number or a rectangular array, got a ragged or "
            f"unreadable sequence ({exc})") from exc
    kind = arr.dtype.kind
    if kind in "USa":
        raise _kind_error(name, "a string")
    if kind == "b":
        raise _kind_error(name, "a boolean (True/False)")
    if kind == "c":
        raise ParameterError(f"{name} must be real, got a complex value")
    if kind == "O":
        for item in arr.flat:
            if isinstance(item, (str, bytes)):
                raise _kind_error(name, "a string")
            if isinstance(item, (bool, np.bool_)):
                raise _kind_error(name, "a boolean (True/False)")
            if isinstance(item, (complex, np.complexfloating)):
                raise ParameterError(f"{name} must be real, got a complex value")
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{name} must be a real number or array: {exc}") from exc
    elif kind not in "iuf":
        raise _kind_error(name, f"an array of dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite, got {arr[~np.isfinite(arr)].ravel()[:3]}")
    if np.any(np.abs(arr) > MAX_MAGNITUDE):
        worst = float(arr.ravel()[np.argmax(np.abs(arr.ravel()))])
        raise ParameterError(
            f"{name} = {worst:.6g} is beyond the supported range |{name}| <= {MAX_MAGNITUDE:g} "
            "(energy units)")
    if nonnegative and np.any(arr < 0):
        raise ParameterError(f"{name} must be >= 0 (a temperature), got {arr[arr < 0].ravel()[:3]}")
    return arr


def electrode_temperatures(T_e, T_L, T_R):
    """``(T_L, T_R)`` from either ``T_e`` (both electrodes) or ``T_L`` and ``T_R``.

    The combination is checked by :func:`symehp.conditions.check_conditions`.
    With ``T_e`` both entries are the *same* array object: that is how
    :func:`broadcast_parameters` knows to name it ``T_e`` in its messages.
    """
    check_conditions({"T_e": T_e, "T_L": T_L, "T_R": T_R}, groups=("electrons",))
    if T_e is not None:
        t = real_array(T_e, "T_e", nonnegative=True)
        return t, t
    return real_array(T_L, "T_L", nonnegative=True), real_array(T_R, "T_R", nonnegative=True)


#: keywords passed the same array object are one user argument: T_L and T_R are T_e
_ALIASES = {frozenset({"T_L", "T_R"}): "T_e"}


def _user_arguments(named):
    """``[(label, shape)]``: keywords bound to one array object merged under one label."""
    groups = []                      # [(names, array)]
    for key, value in named.items():
        for names, array in groups:
            if array is value:
                names.append(key)
                break
        else:
            groups.append(([key], value))
    out = []
    for names, array in groups:
        label = names[0] if len(names) == 1 else _ALIASES.get(frozenset(names), " = ".join(names))
        out.append((label, np.shape(array)))
    return out


def broadcast_parameters(**named):
    """Broadcast the keyword arguments together; the arrays in the given order.

    Parameters
    ----------
    **named : array_like
        Argument name -> value (already checked, e.g. by :func:`real_array`),
        e.g. ``broadcast_parameters(mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R, T_ph=T_ph)``.
        Values that are one and the same object (``T_L`` and ``T_R`` from
        :func:`electrode_temperatures` given ``T_e``) are reported under one
        name (``T_e``), so that messages use the names the user gave.

    Returns
    -------
    tuple of ndarray (float)
        Broadcast views (not to be written to), one per keyword, in the order given.

    Raises
    ------
    ParameterError
        When the shapes cannot be broadcast together: names two arguments
        that conflict and lists the shapes of all, e.g. ``mu_L (shape (3,)),
        T_e (shape (2,)) cannot be broadcast together``.
    """
    arrays = [np.asarray(v, dtype=float) for v in named.values()]
    try:
        out = np.broadcast_arrays(*arrays)
    except ValueError:
        users = _user_arguments(named)
        pair = None
        for i, (name_i, shape_i) in enumerate(users):
            for name_j, shape_j in users[i + 1:]:
                try:
                    np.broadcast_shapes(shape_i, shape_j)
                except ValueError:
                    pair = ((name_i, shape_i), (name_j, shape_j))
                    break
            if pair:
                break
        shown = pair or tuple(users)
        listing = ", ".join(f"{n} (shape {s})" for n, s in shown)
        everything = ", ".join(f"{n} {s}" for n, s in users)
        raise ParameterError(
            f"{listing} cannot be broadcast together (NumPy broadcasting; all shapes: "
            f"{everything})") from None
    return tuple(out)


def spectrum_arguments(omega, mu_L, mu_R, T_e, T_L, T_R):
    """The checked, broadcast ``(omega, mu_L, mu_R, T_L, T_R)`` of a spectrum call
    (:func:`symehp.ehp_dos` and its kin): one place for every function of the spectra."""
    omega = real_array(omega, "omega")
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    T_L, T_R = electrode_temperatures(T_e, T_L, T_R)
    return broadcast_parameters(omega=omega, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)


def operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R):
    """The checked, broadcast ``(mu_L, mu_R, T_L, T_R, T_ph)`` of a current or occupation
    call (:func:`symehp.transport` and its kin)."""
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    T_ph = real_array(T_ph, "T_ph", nonnegative=True)
    T_L, T_R = electrode_temperatures(T_e, T_L, T_R)
    return broadcast_parameters(mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R, T_ph=T_ph)


def check_rtol(rtol, lowest):
    """``rtol`` as given (a number in ``[lowest, 1)``), else a ParameterError naming it."""
    if isinstance(rtol, bool) or not (isinstance(rtol, (int, float)) and lowest <= rtol < 1):
        raise ParameterError(f"rtol must be a number in [{lowest:g}, 1), got {rtol!r}")
    return rtol
