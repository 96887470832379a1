"""Energy and particle currents between the EHP baths and the modes, Eq. (8).

Per channel ab (conventions page, with ``n_ph = n_B(w, T_ph)``):

    J_ab = int_0^inf dw/(2pi) w Tr[(Pi^<_ab(w) - Lambda^ab(w) n_ph) A_ph(w)]
    I    = int_0^inf dw/(2pi)   Tr[(Pi^<_LR - Lambda^LR n_ph) A_ph] - (same for RL)

``J > 0``: the electrons heat the modes.  ``I > 0``: electrons flow from L to R
(electric current ``-e I``).  With ``T_L = T_R = T_e``, ``J = sum_ab J_ab`` is
exactly Eq. (8), because then ``Pi^< = n_B(w - mu_ab, T_e) Lambda``.

Numerics: the energy integrals are closed forms (:mod:`.spectra`); the one
frequency integral is adaptive Gauss-Kronrod (``scipy.integrate.quad_vec``)
on ``[0, w_c]``, with breakpoints where the physics puts structure (mode
frequencies and widths, ``|eV|``, level spacings) and a cutoff ``w_c`` beyond
which every term carries a Bose or Fermi factor below ``exp(-50)``.  The
singular-looking ``n_ph`` at ``w = 0`` is used only as ``w n_ph`` (finite).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import quad_vec

from ..ehp import CHANNELS
from .poles import pole_expansion
from .spectra import channel_spectra
from .stats import x_bose
from ._args import electrode_temperatures, numeric_model, real_array
from ..errors import ParameterError

__all__ = ["transport", "energy_current", "particle_current", "TransportResult",
           "ChannelMapping", "mode_spectral_diagonal"]

_TWO_PI = 2 * np.pi
#: cutoff: Bose/Fermi tails beyond this many temperatures are below exp(-50) ~ 2e-22
_CUTOFF_TAILS = 50.0
#: default relative tolerance of the frequency integral (target accuracy 1e-8)
RTOL = 1e-10


class ChannelMapping(dict):
    """Per-channel values keyed ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` and ``"total"``.

    Also accepts the paper's labels 1-4 as keys.
    """

    def __getitem__(self, key):
        if isinstance(key, int) and not isinstance(key, bool):
            for ch in CHANNELS:
                if ch.label == key:
                    key = ch.name
                    break
        return super().__getitem__(key)


@dataclass
class TransportResult:
    """Everything one evaluation of Eq. (8) produces, for every broadcast point.

    Attributes
    ----------
    J : ndarray
        Energy current from the electrons into the modes (energy / time).
    J_by_channel : ChannelMapping
        ``J_ab`` per channel and ``"total"``.
    I : ndarray
        Electrons per unit time from L to R.
    I_by_channel : ChannelMapping
        Signed contributions: ``"LR"`` (+ its flow), ``"RL"`` (- its flow),
        ``"LL"`` and ``"RR"`` (zero), and ``"total"``.
    error_J, error_I : ndarray
        Absolute error estimates of the frequency quadrature.
    rtol : float
        Requested relative tolerance, relative to the gross (unsigned)
        emission and absorption flows.
    """

    J: np.ndarray
    J_by_channel: ChannelMapping
    I: np.ndarray
    I_by_channel: ChannelMapping
    error_J: np.ndarray
    error_I: np.ndarray
    rtol: float = field(default=RTOL)


def mode_spectral_diagonal(numeric, omega):
    """Diagonal of ``A_ph(w) = D^r Gamma_ph D^a`` divided by ``w``: shape (..., K).

    ``A_ph,kk(w) = 2 w gamma_k / ((w^2 - Omega_k^2)^2 + w^2 gamma_k^2)``; the
    modes are independent at lowest order, so ``A_ph`` is diagonal.
    """
    w = np.asarray(omega, float)[..., None]
    return 2 * numeric.gamma_ph / ((w**2 - numeric.omega**2) ** 2 + (w * numeric.gamma_ph) ** 2)


def _integrand_factory(numeric, expansion, mu_L, mu_R, T_L, T_R, T_ph, energy_ref):
    """Vector integrand over w: [J_LL, J_RR, J_RL, J_LR, I_RL, I_LR, gross_e, gross_a]."""
    def integrand(w):
        w = np.asarray(w, float)
        a_over_w = mode_spectral_diagonal(numeric, w)     # A_ph,kk / w
        a_ph = w[..., None] * a_over_w
        w_nph = x_bose(w, T_ph)                            # w n_B(w, T_ph), finite at 0
        out = []
        gross_e = 0.0
        gross_a = 0.0
        flows = {}
        for ch in CHANNELS:
            dos, pi_less = channel_spectra(expansion, ch, w, mu_L, mu_R, T_L, T_R)
            dos_k = np.real(np.diagonal(dos, axis1=-2, axis2=-1))
            em_k = np.real(np.diagonal(pi_less, axis1=-2, axis2=-1))
            emit = np.sum(em_k * a_ph, axis=-1)            # Tr[Pi^< A_ph]
            absorb_w = np.sum(dos_k * a_ph, axis=-1)       # Tr[Lambda A_ph]
            absorb_n = np.sum(dos_k * a_over_w, axis=-1)   # Tr[Lambda A_ph] / w
            out.append((w * emit - w_nph * absorb_w) / _TWO_PI)
            flows[ch.name] = (emit - w_nph * absorb_n) / _TWO_PI
            gross_e = gross_e + np.abs(w * emit) / _TWO_PI
            gross_a = gross_a + np.abs(w_nph * absorb_w) / _TWO_PI
        # particle flows in energy units so that one max-norm controls all parts
        out += [flows["RL"] * energy_ref, flows["LR"] * energy_ref, gross_e, gross_a]
        return np.array(out)
    return integrand


def _breakpoints(numeric, expansion, mu_LR, cutoff):
    poles = expansion.poles.real
    pts = list(numeric.omega)
    for w0, g in zip(numeric.omega, numeric.gamma_ph):
        pts += [w0 - 5 * g, w0 + 5 * g]
    pts += [abs(mu_LR)]
    pts += list(np.abs(poles[:, None] - poles[None, :]).ravel())
    pts = sorted({float(x) for x in pts if 0 < x < cutoff})
    return pts or None


def _cutoff(mu_LR, T_L, T_R, T_ph):
    """Largest w where any emission or absorption term is above exp(-50) of its scale."""
    width = _CUTOFF_TAILS * max(T_L + T_R, 2 * T_L, 2 * T_R)
    return max(abs(mu_LR) + width, _CUTOFF_TAILS * T_ph)


def _one_point(numeric, expansion, mu_L, mu_R, T_L, T_R, T_ph, rtol):
    energy_ref = float(np.max(numeric.omega))
    cutoff = _cutoff(mu_L - mu_R, T_L, T_R, T_ph)
    if cutoff <= 0:
        return np.zeros(6), 0.0
    args = [np.asarray(x, float) for x in (mu_L, mu_R, T_L, T_R, T_ph)]
    f = _integrand_factory(numeric, expansion, *args, energy_ref)
    val, err = quad_vec(f, 0.0, cutoff, epsabs=0.0, epsrel=rtol, norm="max",
                        points=_breakpoints(numeric, expansion, mu_L - mu_R, cutoff), limit=2000)
    val = np.asarray(val)
    val[4:6] /= energy_ref
    return val[:6], float(err)


def transport(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None, rtol=RTOL,
              progress=None):
    """Energy and particle currents of Eq. (8) with per-channel parts and error estimates.

    Parameters
    ----------
    model : Junction
        A numeric model.
    mu_L, mu_R : array_like
        Chemical potentials (energy units; bias ``eV = mu_L - mu_R``).
    T_ph : array_like
        Phonon-bath temperature (``>= 0``).
    T_e or (T_L, T_R) : array_like
        Electron temperature of both electrodes, or of each (``>= 0``).
    rtol : float
        Relative tolerance of the frequency integral, relative to the gross
        (unsigned) emission and absorption flows.  Default 1e-10.
    progress : bool or None
        Show a progress bar over the broadcast points (None: when there are
        more than 50 points and stderr is a terminal).

    Returns
    -------
    TransportResult
        Arrays of the broadcast shape of the parameters.
    """
    numeric = numeric_model(model)
    expansion = pole_expansion(numeric)
    if not (isinstance(rtol, (int, float)) and 1e-14 <= rtol < 1):
        raise ParameterError(f"rtol must be a number in [1e-14, 1), got {rtol!r}")
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    T_ph = real_array(T_ph, "T_ph", nonnegative=True)
    T_L, T_R = electrode_temperatures(T_e, T_L, T_R)
    mu_L, mu_R, T_L, T_R, T_ph = np.broadcast_arrays(mu_L, mu_R, T_L, T_R, T_ph)
    shape = mu_L.shape
    values = np.zeros(shape + (6,))
    errors = np.zeros(shape)
    points = list(np.ndindex(shape))
    if progress is None:
        progress = len(points) > 50 and sys.stderr.isatty()
    iterator = points
    if progress:
        from tqdm import tqdm
        iterator = tqdm(points, desc="symehp: currents", unit="pt")
    for idx in iterator:
        values[idx], errors[idx] = _one_point(numeric, expansion, mu_L[idx], mu_R[idx],
                                              T_L[idx], T_R[idx], T_ph[idx], rtol)

    def scalar(x):
        return float(x) if x.ndim == 0 else x

    j_parts = ChannelMapping((ch.name, scalar(values[..., i])) for i, ch in enumerate(CHANNELS))
    j_parts["total"] = scalar(values[..., :4].sum(axis=-1))
    i_rl, i_lr = values[..., 4], values[..., 5]
    i_parts = ChannelMapping(LL=scalar(np.zeros(shape)), RR=scalar(np.zeros(shape)),
                             RL=scalar(-i_rl), LR=scalar(i_lr), total=scalar(i_lr - i_rl))
    energy_ref = float(np.max(numeric.omega))
    return TransportResult(J=j_parts["total"], J_by_channel=j_parts, I=i_parts["total"],
                           I_by_channel=i_parts, error_J=scalar(errors),
                           error_I=scalar(errors / energy_ref), rtol=rtol)


def energy_current(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None,
                   by_channel=False, rtol=RTOL, progress=None):
    """Energy current J from the electrons into the modes, Eq. (8).

    ``J = sum_ab int_0^inf dw/(2pi) w Tr[(Pi^<_ab - Lambda^ab n_B(w, T_ph)) A_ph]``
    (energy per unit time, hbar = 1).  ``J > 0`` heats the modes.  With
    ``T_L = T_R = T_e`` this is Eq. (8) of the paper.

    Arguments as :func:`transport`.  Returns J (float or array of the
    broadcast shape); with ``by_channel=True`` a :class:`ChannelMapping` with
    the four channels and ``"total"``.  For the quadrature error estimate use
    :func:`transport` (``.error_J``).
    """
    res = transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L, T_R=T_R,
                    rtol=rtol, progress=progress)
    return res.J_by_channel if by_channel else res.J


def particle_current(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None,
                     by_channel=False, rtol=RTOL, progress=None):
    """Electron particle current from L to R (electrons per unit time).

    An emission in channel ab moves one electron from a to b, so
    ``I = int_0^inf dw/(2pi) Tr[(Pi^<_LR - Lambda^LR n_ph) A_ph] - (same for RL)``.
    The electric current is ``-e I``.  Arguments as :func:`energy_current`;
    ``by_channel=True`` returns the signed channel contributions (LL and RR
    are zero) and ``"total"``.  Error estimate: :func:`transport` (``.error_I``).
    """
    res = transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L, T_R=T_R,
                    rtol=rtol, progress=progress)
    return res.I_by_channel if by_channel else res.I
