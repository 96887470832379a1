"""Steady occupation and effective temperature of a narrow mode.

Lowest order, mode k narrow enough that the baths are sampled at ``Omega_k``
(conventions page):

    n_k = [sum_ab Pi^<_{ab,kk}(Omega_k) + Gamma_ph,kk(Omega_k) n_B(Omega_k, T_ph)]
          / [sum_ab Lambda^{ab}_kk(Omega_k) + Gamma_ph,kk(Omega_k)]

The numerator is the total emission rate into the mode, the denominator its
total damping (EHP baths plus the phonon bath, ``Gamma_ph = 2 Omega gamma_ph``).
A bias can make the EHP part of the damping negative (the inter-electrode
bath with ``mu_ab > Omega`` is population-inverted); when the total is not
positive there is no steady state and :class:`ModeInstabilityError` is raised.
The effective temperature solves ``n_B(Omega_k, T_k) = n_k``:
``T_k = Omega_k / log(1 + 1/n_k)``.

Units: ``Lambda`` and ``Gamma_ph`` are both "damping" in the units of
``Gamma_ph(w) = 2 w gamma_ph``; the electronic counterpart of the linewidth
``gamma_ph`` is ``gamma_e = Lambda(Omega) / (2 Omega)``.  Lowest order assumes
``|gamma_e| << Omega``; :class:`~symehp.errors.ValidityWarning` is issued when
``|gamma_e| > VALIDITY_RATIO * Omega``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..ehp import CHANNELS
from ..errors import ModeInstabilityError, ModelError, ParameterError, ValidityWarning
from ..model import Junction, NumericJunction
from .poles import pole_expansion
from .backends import check_dps as _check_dps, precise_engine, resolve
from .results import ChannelMapping
from .spectra import channel_spectra
from .stats import bose
from ._args import numeric_model, operating_point

__all__ = ["ModeOccupation", "mode_occupation", "VALIDITY_RATIO"]

#: ValidityWarning when the electronic linewidth ``|sum_ab Lambda_kk(Omega_k)| / (2 Omega_k)``
#: of a mode exceeds this multiple of Omega_k (quality factor below 1: the mode is no
#: longer a resonance).  The paper's models stay far below: the two-level model with
#: m = 0.1 reaches 0.05, the test suite's models at most ~0.15.
VALIDITY_RATIO = 1.0


@dataclass
class ModeOccupation:
    """Steady state of one mode.

    Attributes
    ----------
    n : ndarray or float
        Mean number of quanta.
    T_eff : ndarray or float
        Effective temperature (energy units), ``n_B(Omega, T_eff) = n``.
    damping : ndarray or float
        Total damping rate ``sum_ab Lambda_kk(Omega) + Gamma_ph,kk(Omega)`` (> 0 when stable).
    emission : ndarray or float
        Total emission rate ``sum_ab Pi^<_kk(Omega) + Gamma_ph n_B(Omega, T_ph)``.
    damping_by_channel, emission_by_channel : ChannelMapping
        The EHP parts per channel name (``"LL"``, ``"RR"``, ``"RL"``, ``"LR"``)
        and ``"ph"`` for the phonon bath.
    stable : ndarray or bool
        Whether the damping is positive (always True unless ``unstable="flag"``).
    mode : int
    omega : float
        The mode frequency ``Omega_k``.
    """

    n: np.ndarray
    T_eff: np.ndarray
    damping: np.ndarray
    emission: np.ndarray
    damping_by_channel: dict
    emission_by_channel: dict
    stable: np.ndarray
    mode: int
    omega: float


def _effective_temperature(omega, n):
    """``Omega / log(1 + 1/n)``, with ``n -> 0`` giving 0 and large ``n`` ~ ``Omega n``."""
    n = np.asarray(n, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = omega / np.log1p(1.0 / np.where(n > 0, n, 1.0))
    return np.where(n > 0, t, 0.0)


def _parts(numeric, mode, arrays, leads=False):
    """Per-channel damping and emission of ``mode`` (double precision); ``leads``: the
    model has an energy-dependent lead, so the spectra are the energy quadratures of
    :mod:`.lead_spectra`."""
    mu_L, mu_R, T_L, T_R, T_ph = arrays
    omega = float(numeric.omega[mode])
    w = np.full(mu_L.shape, omega)
    damping_parts, emission_parts = {}, {}
    if leads:
        from .lead_spectra import channel_spectra as lead_channel_spectra

        def spectra(ch):
            return lead_channel_spectra(numeric, ch, w, mu_L, mu_R, T_L, T_R)[:2]
    else:
        expansion = pole_expansion(numeric)

        def spectra(ch):
            return channel_spectra(expansion, ch, w, mu_L, mu_R, T_L, T_R)
    for ch in CHANNELS:
        dos, pi_less = spectra(ch)
        damping_parts[ch.name] = np.real(dos[..., mode, mode])
        emission_parts[ch.name] = np.real(pi_less[..., mode, mode])
    gamma_ph = 2 * omega * float(numeric.gamma_ph[mode])      # Gamma_ph,kk(Omega_k)
    damping_parts["ph"] = np.full(w.shape, gamma_ph)
    emission_parts["ph"] = gamma_ph * bose(omega, T_ph)
    return damping_parts, emission_parts


def _electronic_damping(damping_parts):
    """``sum_ab Lambda^{ab}_kk(Omega_k)`` as floats (also for the mpmath parts)."""
    return np.asarray(sum(np.asarray(damping_parts[ch.name], dtype=float) for ch in CHANNELS),
                      dtype=float)


def _check_coupled(numeric, mode, damping_parts):
    """ModelError when nothing at all damps ``mode`` (no phonon bath, no EHP bath)."""
    if float(numeric.gamma_ph[mode]) != 0:
        return
    if all(np.all(np.asarray(damping_parts[ch.name], dtype=float) == 0) for ch in CHANNELS):
        raise ModelError(
            f"mode {mode} is coupled to no bath: gamma_ph[{mode}] = 0 and no broadened "
            f"electronic level couples to it (every EHP damping of mode {mode} vanishes, e.g. "
            "gamma_L = gamma_R = 0), so nothing fixes its occupation; give the mode a phonon "
            "damping gamma_ph > 0 or the levels a broadening")


def _check_validity(mode, omega, damping_parts, stable):
    """ValidityWarning where the electronic linewidth of the mode exceeds VALIDITY_RATIO * Omega."""
    electronic = _electronic_damping(damping_parts)
    ratio = np.where(stable, np.abs(electronic) / (2 * omega * omega), 0.0)
    if not np.any(ratio > VALIDITY_RATIO):
        return
    worst = np.unravel_index(np.argmax(ratio), ratio.shape) if ratio.ndim else ()
    where = f" (largest at broadcast index {tuple(int(i) for i in worst)})" if ratio.ndim else ""
    lam = float(electronic[worst])
    warnings.warn(
        f"mode {mode} (Omega_k = {omega:g}): electronic damping sum_ab Lambda_kk(Omega_k) = "
        f"{lam:.4g}, i.e. a linewidth |Lambda| / (2 Omega_k) = {abs(lam) / (2 * omega):.4g} = "
        f"{float(ratio[worst]):.4g} x Omega_k{where}, above {VALIDITY_RATIO:g} x Omega_k: "
        "lowest-order (Eq. 8) theory assumes the electronic damping of each mode is small "
        "compared to its frequency, so this occupation is outside its validity",
        ValidityWarning, stacklevel=3)


def _occupation_mp(omega, emission, damping, stable, dps):
    """``n`` and ``T_eff`` as mpmath numbers (nan where unstable)."""
    import mpmath as mp
    emission = np.asarray(emission, dtype=object)
    damping = np.asarray(damping, dtype=object)
    n = np.empty(damping.shape, dtype=object)
    t_eff = np.empty(damping.shape, dtype=object)
    with mp.workdps(dps + 10):
        for idx in np.ndindex(damping.shape):
            if not stable[idx]:
                n[idx] = t_eff[idx] = mp.nan
                continue
            n[idx] = emission[idx] / damping[idx]
            t_eff[idx] = mp.mpf(omega) / mp.log1p(1 / n[idx]) if n[idx] > 0 else mp.mpf(0)
    return n, t_eff


def mode_occupation(model: Junction | NumericJunction, mode: int = 0, *, mu_L: ArrayLike,
                    mu_R: ArrayLike, T_ph: ArrayLike, T_e: ArrayLike | None = None,
                    T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                    unstable: str = "raise", dps: int | None = None,
                    backend: str = "auto") -> ModeOccupation:
    """Occupation ``n`` and effective temperature of mode ``mode`` with both baths.

    Parameters
    ----------
    model : Junction
        A numeric model.
    mode : int
        Index of the mode (0-based).
    mu_L, mu_R, T_ph, T_e, T_L, T_R : array_like
        As in :func:`symehp.energy_current` (broadcast together): ``T_e`` for
        both electrodes, or ``T_L`` and ``T_R``.
    unstable : {"raise", "flag"}
        With ``"raise"`` (default) a non-positive total damping raises
        :class:`~symehp.errors.ModeInstabilityError`.  With ``"flag"`` those
        points get ``n = T_eff = nan`` and ``stable = False`` (for sweeps that
        locate the instability; ``damping`` is always returned).
    dps : int, optional
        Decimal digits: evaluate the spectra with mpmath at this precision;
        the values are then ``mpmath.mpf`` (object arrays for array input).
    backend : {"auto", "numpy", "numba"}
        The double-precision engine (:mod:`.backends`).  Only the spectra at
        ``w = Omega_k`` are needed here, a few closed forms per point, which
        both engines evaluate with the same NumPy code; the argument is
        checked and accepted for uniformity with :func:`symehp.transport`.

    Returns
    -------
    ModeOccupation
        ``.n``, ``.T_eff``, ``.damping``, ``.emission`` and per-channel parts.
        ``damping`` and ``emission`` are rates in the units of
        ``Gamma_ph(Omega) = 2 Omega gamma_ph`` (energy^2 with hbar = 1).

    Raises
    ------
    ModeInstabilityError
        Total damping ``<= 0`` somewhere (with ``unstable="raise"``).
    ModelError
        The mode is coupled to no bath at all: ``gamma_ph = 0`` and every
        EHP damping vanishes (e.g. ``gamma_L = gamma_R = 0``).

    Warns
    -----
    ValidityWarning
        Where the electronic linewidth ``|sum_ab Lambda_kk(Omega)| / (2 Omega)``
        exceeds ``VALIDITY_RATIO * Omega`` (1.0; checked at the stable points):
        lowest-order theory does not apply there.

    Notes
    -----
    Without broadening (``gamma_L = gamma_R = 0``) the levels carry no
    spectral weight, every EHP damping and emission is exactly 0 and the mode
    is in equilibrium with the phonon bath: ``n = n_B(Omega, T_ph)``,
    ``T_eff = T_ph``.  If ``gamma_ph = 0`` too, nothing damps the mode and
    :class:`~symehp.errors.ModelError` is raised.
    """
    leads = bool(getattr(model, "energy_dependent", False))
    numeric = numeric_model(model, energy_dependent_leads=leads)
    if not isinstance(mode, (int, np.integer)) or isinstance(mode, bool) or not 0 <= mode < numeric.K:
        raise ParameterError(f"mode must be an integer in [0, {numeric.K - 1}], got {mode!r}")
    if unstable not in ("raise", "flag"):
        raise ParameterError(f"unstable must be 'raise' or 'flag', got {unstable!r}")
    dps = _check_dps(dps)
    resolve(backend, dps)
    if leads and dps is not None:
        raise ParameterError("dps: not available for energy-dependent leads (their spectra "
                             "are energy quadratures in double precision)")
    mu_L, mu_R, T_L, T_R, T_ph = operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)
    omega = float(numeric.omega[mode])
    arrays = (mu_L, mu_R, T_L, T_R, T_ph)
    if dps is None:
        damping_parts, emission_parts = _parts(numeric, mode, arrays, leads)
        damping = sum(damping_parts.values())
        emission = sum(emission_parts.values())
    else:
        damping_parts, emission_parts, damping, emission = precise_engine().occupation_parts_mp(
            numeric, mode, arrays, dps)
    _check_coupled(numeric, mode, damping_parts)

    stable = np.asarray(damping > 0, dtype=bool)
    if not np.all(stable) and unstable == "raise":
        bad = np.argwhere(~stable) if stable.ndim else None
        where = "" if bad is None else f" at broadcast index {tuple(bad[0])}"
        raise ModeInstabilityError(
            f"mode {mode} (Omega = {omega:g}) is driven unstable: total damping "
            f"{float(np.min(damping)):.4g} <= 0{where}; the current pumps the mode faster than the "
            "baths damp it (no steady occupation at lowest order)",
            mode=mode, damping=damping, where=bad)
    _check_validity(mode, omega, damping_parts, stable)
    if dps is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.where(stable, emission / np.where(stable, damping, 1.0), np.nan)
        t_eff = np.where(stable, _effective_temperature(omega, np.where(stable, n, 0.0)), np.nan)
    else:
        n, t_eff = _occupation_mp(omega, emission, damping, stable, dps)

    def out(x):
        x = np.asarray(x)
        return x.item() if x.ndim == 0 else x

    return ModeOccupation(
        n=out(n), T_eff=out(t_eff), damping=out(damping), emission=out(emission),
        damping_by_channel=ChannelMapping((k, out(v)) for k, v in damping_parts.items()),
        emission_by_channel=ChannelMapping((k, out(v)) for k, v in emission_parts.items()),
        stable=out(stable), mode=int(mode), omega=omega)
