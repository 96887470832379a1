"""Electric current from a cold (or hot) spot, Fig. 3 of the paper.

At zero bias (``mu_L = mu_R = mu``) a temperature difference between the
electrons and the phonon bath still drives a particle current when the
junction is asymmetric: in the two-level model with ``eps1 - eps2 = Omega``
(level 1 on L above level 2 on R), an electron that emits a quantum into a
cold mode hops from L to R.  With ``mu_ab = 0`` in every channel,

    I = int_0^inf dw/(2 pi) Tr[(Lambda^LR - Lambda^RL) A_ph] [n_B(w, T_e) - n_B(w, T_ph)],

so ``I`` vanishes at ``T_ph = T_e`` and reverses for a hot spot.  Each electron
carries the energy ``J / I``; for narrow levels every transfer is the
resonant one and ``J / I -> eps1 - eps2`` (tight coupling).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..numeric import transport
from ..numeric._args import real_array, real_scalar

__all__ = ["ColdSpot", "cold_spot"]

#: relative step of the symmetric limit of J / I at T_ph = T_e
_LIMIT_STEP = 1e-3


@dataclass(frozen=True)
class ColdSpot:
    """Currents driven by the electron-phonon temperature difference.

    Attributes
    ----------
    T_e, mu : float
        Electron temperature and common chemical potential (energy units).
    T_ph : float or ndarray
        Phonon-bath temperature(s).
    I : float or ndarray
        Electrons per unit time from L to R (electric current ``-e I``).
    J : float or ndarray
        Energy current electrons -> bosons (energy per unit time).
    J_by_channel, I_by_channel : ChannelMapping
        Per-channel parts (``"LL"``, ``"RR"``, ``"RL"``, ``"LR"``, ``"total"``).
    energy_per_electron : float or ndarray
        ``J / I`` (energy units).  At ``T_ph = T_e`` both vanish and the value is
        the limit, the mean of the ratio at ``T_e (1 +- 1e-3)`` (the ratio is
        smooth in ``T_ph``; the symmetric mean is exact to second order).
    """

    T_e: float
    mu: float
    T_ph: np.ndarray
    I: np.ndarray
    J: np.ndarray
    J_by_channel: dict
    I_by_channel: dict
    energy_per_electron: np.ndarray


def _ratio(model, mu, T_e, T_ph, rtol):
    res = transport(model, mu_L=mu, mu_R=mu, T_e=T_e, T_ph=T_ph, rtol=rtol)
    return np.asarray(res.J) / np.asarray(res.I)


def cold_spot(model, *, T_e, T_ph, mu=0.0, rtol=1e-10):
    """Particle and energy currents at zero bias with ``T_ph != T_e``.

    Parameters
    ----------
    model : Junction
        A numeric junction model.
    T_e : float
        Electron temperature of both electrodes (energy units, ``> 0``).
    T_ph : array_like
        Phonon-bath temperature(s), ``>= 0``; ``T_ph < T_e`` is a cold spot.
    mu : float
        The common chemical potential ``mu_L = mu_R``.
    rtol : float
        Relative tolerance of the frequency integral.

    Returns
    -------
    ColdSpot
    """
    T_e = real_scalar(T_e, "T_e", nonnegative=True)
    if T_e <= 0:
        raise ParameterError(f"T_e must be > 0 (a temperature), got {T_e!r}")
    T_ph = real_array(T_ph, "T_ph", nonnegative=True)
    mu = real_scalar(mu, "mu")
    res = transport(model, mu_L=mu, mu_R=mu, T_e=T_e, T_ph=T_ph, rtol=rtol)
    J, I = np.asarray(res.J), np.asarray(res.I)
    near = np.abs(T_ph - T_e) < _LIMIT_STEP * T_e
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(near, 0.0, J / np.where(near, 1.0, I))
    if np.any(near):
        h = _LIMIT_STEP * T_e
        limit = 0.5 * (_ratio(model, mu, T_e, T_e - h, rtol) + _ratio(model, mu, T_e, T_e + h, rtol))
        ratio = np.where(near, limit, ratio)

    def out(x):
        return np.asarray(x).item() if np.ndim(x) == 0 else np.asarray(x)

    return ColdSpot(T_e=T_e, mu=mu, T_ph=out(T_ph), I=out(I), J=out(J),
                    J_by_channel=res.J_by_channel, I_by_channel=res.I_by_channel,
                    energy_per_electron=out(ratio))
