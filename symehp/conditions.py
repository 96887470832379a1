"""The operating conditions of a junction, checked in one place.

A junction is operated at a bias and at temperatures (energy units, k_B = 1):

* the bias, either ``V`` (``eV = mu_L - mu_R`` applied symmetrically:
  ``mu_L = V/2``, ``mu_R = -V/2``) or both chemical potentials ``mu_L`` and ``mu_R``;
* the electron temperature, either ``T_e`` (both electrodes) or both ``T_L`` and ``T_R``;
* ``T_ph``, the temperature of the phonon bath that damps the modes.

Every entry point that takes them (the numeric functions, :func:`symehp.sweep`,
the ``[conditions]`` table of a model file, the ``symehp current`` and ``symehp
sweep`` commands) checks the combination with :func:`check_conditions`, so the
rules and their messages are the same everywhere, and fills a partial set with
:func:`resolve_conditions` (a model file's defaults under the options given).
The values themselves (real, finite, temperatures >= 0) are checked by the
caller's reader (:func:`symehp.numeric._args.real_array` for arrays).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import ParameterError

__all__ = ["BIAS", "ELECTRONS", "CONDITIONS", "DESCRIPTIONS", "check_conditions",
           "resolve_conditions"]

#: the two ways of giving the bias, the electron temperature, and every condition
BIAS = ("V", "mu_L", "mu_R")
ELECTRONS = ("T_e", "T_L", "T_R")
CONDITIONS = BIAS + ELECTRONS + ("T_ph",)

#: what each condition means (for messages, help texts and data attributes)
DESCRIPTIONS = {
    "V": "bias eV = mu_L - mu_R (mu_L = V/2, mu_R = -V/2)",
    "mu_L": "chemical potential of electrode L",
    "mu_R": "chemical potential of electrode R",
    "T_e": "electron temperature of both electrodes",
    "T_L": "electron temperature of electrode L",
    "T_R": "electron temperature of electrode R",
    "T_ph": "temperature of the phonon bath",
}


def _plain(name):
    return name


def check_conditions(given: Mapping[str, Any], *, complete: bool = True,
                     together: bool = True,
                     groups: tuple[str, ...] = ("bias", "electrons", "T_ph"),
                     error: type[Exception] = ParameterError, where: str = "",
                     spell: Callable[[str], str] = _plain) -> None:
    """Check that the conditions given fit together.

    Parameters
    ----------
    given : mapping
        Condition name (:data:`CONDITIONS`) -> value; a value of None counts as not
        given.  Names outside :data:`CONDITIONS` are the caller's business.
    complete : bool
        Also require each group in ``groups`` to be given (False: a partial set,
        e.g. the defaults of a model file, which options may complete).
    together : bool
        Require ``mu_L`` with ``mu_R`` and ``T_L`` with ``T_R`` (False: overrides
        of single values, which :func:`resolve_conditions` puts over defaults).
    groups : tuple of {"bias", "electrons", "T_ph"}
        The groups to check.
    error : exception class
        Raised on a violation (:class:`~symehp.errors.ParameterError` for
        arguments, :class:`~symehp.errors.ModelError` for a model file).
    where : str
        Prefix of the message (e.g. ``"model.toml: conditions"``).
    spell : callable
        How a name is written to the user (e.g. ``--T-e`` on the command line).

    Raises
    ------
    error
        ``V`` together with ``mu_L``/``mu_R``; one chemical potential without the
        other; ``T_e`` together with ``T_L``/``T_R``; one electrode temperature
        without the other; and, with ``complete``, a group that is missing.
    """
    has = {name for name in CONDITIONS if given.get(name) is not None}
    prefix = f"{where}: " if where else ""

    def fail(message):
        raise error(prefix + message)

    def pair(a, b):
        return f"{spell(a)} and {spell(b)}"

    if "bias" in groups:
        if "V" in has and has & {"mu_L", "mu_R"}:
            fail(f"give either {spell('V')} or {pair('mu_L', 'mu_R')}, not both "
                 "(V means mu_L = V/2, mu_R = -V/2)")
        if together and len(has & {"mu_L", "mu_R"}) == 1:
            missing = ({"mu_L", "mu_R"} - has).pop()
            fail(f"give {pair('mu_L', 'mu_R')} together (missing {spell(missing)})")
        if complete and not has & set(BIAS):
            fail(f"bias missing: give {spell('V')} (mu_L = V/2, mu_R = -V/2), or both "
                 f"{pair('mu_L', 'mu_R')}")
    if "electrons" in groups:
        if "T_e" in has and has & {"T_L", "T_R"}:
            fail(f"give either {spell('T_e')} or {pair('T_L', 'T_R')}, not both "
                 "(T_e is the temperature of both electrodes)")
        if together and len(has & {"T_L", "T_R"}) == 1:
            missing = ({"T_L", "T_R"} - has).pop()
            fail(f"give {pair('T_L', 'T_R')} together (missing {spell(missing)})")
        if complete and not has & set(ELECTRONS):
            fail(f"electron temperature missing: give {spell('T_e')}, or both "
                 f"{pair('T_L', 'T_R')}")
    if "T_ph" in groups and complete and "T_ph" not in has:
        fail(f"{spell('T_ph')} (the phonon-bath temperature) is required")


def resolve_conditions(given: Mapping[str, Any], defaults: Mapping[str, Any] | None = None,
                       *, fallback: Mapping[str, Any] | None = None,
                       error: type[Exception] = ParameterError, where: str = "",
                       spell: Callable[[str], str] = _plain) -> dict[str, Any]:
    """``{"mu_L", "mu_R", "T_L", "T_R", "T_ph"}`` from the conditions given over defaults.

    ``given``, ``defaults`` and ``fallback`` are each checked with
    :func:`check_conditions` (partial sets allowed; ``given`` may also name one
    value of a pair).  Then ``V`` becomes ``(V/2, -V/2)`` and ``T_e`` both
    electrode temperatures, and each of the five values is taken from ``given``,
    else from ``defaults``, else from ``fallback`` (e.g. ``{"V": 0.0, "T_e": 0.05,
    "T_ph": 0.05}``), so an option overrides exactly what it names: ``--T-L``
    over a file's ``T_e`` keeps ``T_R = T_e``.  Arithmetic is left to the
    values (floats or NumPy arrays): ``0.0 - V/2``, so ``V = 0`` gives ``+0.0``.

    Raises ``error`` for a combination that does not fit, or when a value is
    missing from all three.
    """
    layers = []
    for layer in (fallback or {}, defaults or {}, given):
        check_conditions(layer, complete=False, together=layer is not given, error=error,
                         where=where, spell=spell)
        layers.append(_expanded(layer))
    out = {}
    for name in ("mu_L", "mu_R", "T_L", "T_R", "T_ph"):
        for layer in reversed(layers):
            if layer.get(name) is not None:
                out[name] = layer[name]
                break
    missing = [n for n in ("mu_L", "mu_R", "T_L", "T_R", "T_ph") if n not in out]
    if missing:
        check_conditions({}, error=error, where=where, spell=spell,
                         groups=tuple(g for g, names in (("bias", ("mu_L", "mu_R")),
                                                         ("electrons", ("T_L", "T_R")),
                                                         ("T_ph", ("T_ph",)))
                                      if set(names) & set(missing)))
    return out


def _expanded(layer):
    """One checked layer as mu_L, mu_R, T_L, T_R, T_ph (absent ones left out)."""
    out = {}
    if layer.get("V") is not None:
        v = layer["V"]
        out["mu_L"], out["mu_R"] = v / 2, 0.0 - v / 2
    for name in ("mu_L", "mu_R", "T_L", "T_R", "T_ph"):
        if layer.get(name) is not None:
            out[name] = layer[name]
    if layer.get("T_e") is not None:
        out["T_L"] = out["T_R"] = layer["T_e"]
    return out
