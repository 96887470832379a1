"""The electrons' retarded self-energy of the modes with energy-dependent leads.

With leads whose self-energy depends on the energy (:mod:`symehp.leads`) the
closed form of :mod:`.self_energy` (first divided differences of the Fermi
primitive over the poles of ``H_eff``) does not apply.  Here ``Pi^r`` of one EHP
channel is the Kramers-Kronig transform of its DOS (module docstring of
:mod:`.self_energy`)::

    Pi^r_ab(w) = int dw'/2pi Lambda^{ab}(w') / (w - w' + i0)
               = PV int dw'/2pi Lambda^{ab}(w') / (w - w')  -  (i/2) Lambda^{ab}(w),

with ``Lambda^{ab}`` of Eq. (7) from the energy quadratures of :mod:`.lead_spectra`
(one :class:`~.lead_spectra.LeadSpectra`, its Chebyshev tables of ``G^r P_a`` built
once over every energy the frequency nodes need).  ``Lambda`` is Hermitian
(K x K), so the principal value is the Hermitian part and ``-(i/2) Lambda`` the
anti-Hermitian part: ``i (Pi^r - Pi^r^+) = Lambda`` holds to rounding, with the
``Lambda`` of :func:`symehp.ehp_dos` (the same quadrature).

The principal value
-------------------
For each target ``w`` one integral over the support of ``Lambda^{ab}`` in ``w'``
(``[min supp_a - max supp_b, max supp_a - min supp_b]``, where the bands of ``e``
and ``e - w'`` overlap), with the pole subtracted on a symmetric interval::

    PV int Lambda(w')/(w - w') dw' = int [Lambda(w') - Lambda(w) 1(|w' - w| < h)] / (w - w') dw'

(the subtracted term's principal value is zero), ``h = min(w - inf supp, sup supp
- w, min level width)``, so the integrand is bounded at ``w`` (a square-root
branch point of ``Lambda`` at ``w`` leaves an integrable ``|w' - w|^-1/2``, which
the square-root map of a singular breakpoint at ``w`` makes bounded).  Panels:
:class:`~.lead_panels.MappedPanels`, one row per target: the limits, the
frequencies where two band edges meet (singular), where a band edge or the other
electrode's Fermi level meets a Fermi level (singular at ``T = 0``), the level
differences and ``mu_a - Re z_j``, ``Re z_j - mu_b`` (where the Fermi window
crosses a resonance) +- the widths, and ``w``, ``w +- h 4^k`` (a graded mesh
around the pole).  Leads without a band (wide band, user functions) give
``Lambda`` on the whole line, decaying like ``w'^-2``: the integral is done in
``theta = arctan((w' - c)/s)`` (``c``, ``s`` the centre and width of the levels
and the bias window) up to ``|w'| = 1e6 s`` (the rest is ``~1e-12`` of the
result), with the energy integrals on the graded-mesh route (``route="adaptive"``
of :meth:`~.lead_spectra.LeadSpectra.compute`, as for the currents of
:mod:`.lead_currents`), whose long Fermi windows the breakpoint-only panels would
undersample.

Accuracy and cost
-----------------
The frequency integral asks ``rtol`` (default ``1e-9``) of each target's largest
entry (an :class:`~.quadrature.IntegrationWarning` when it reaches less than
``1e-8``: near the singular points of ``Lambda`` its noise, ``~1e-11`` of it
divided by ``|w - w'|``, may stop the refinement a little short of ``1e-9``); the
energy integrals ``1e-11``.  The error estimate is the quadrature's plus the
integral of the spectra's own error estimates over ``max(|w - w'|, h)`` (their
noise is what limits a principal value), plus half the spectra's error at ``w``
(the anti-Hermitian part).  Measured (tests/test_lead_self_energy.py): the
Hermitian part agrees with QUADPACK's Cauchy-weight rule on ``Lambda`` to
``~1e-11`` of ``Pi`` for chain leads at ``T > 0`` and ``~3e-9`` at ``T = 0`` with
the pole on a kink of ``Lambda`` (within QUADPACK's own estimate there), a constant ``leads.self_energy(-i Gamma/2)`` with the wide-band
closed form to ``~1e-12``; the estimates are ``~5e-10`` of the largest entry.
The cost is one frequency integral per target (a few hundred ``Lambda``
evaluations, each an energy quadrature): ~0.17 s per frequency and channel
(0.7 s for ``"total"``) for a two-site device between chains, ~2 s for the
same device with a constant user self-energy (no band: the adaptive route).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._args import check_rtol, numeric_model, spectrum_arguments
from .backends import check_dps, resolve
from .lead_panels import MappedPanels
from .lead_spectra import RTOL as _INNER_RTOL, _TAIL, spectra_groups
from .quadrature import integrate_panels
from .results import PROMISED_RTOL
from ..ehp import CHANNELS, channel as _channel
from ..errors import ParameterError
from ..model import Junction, NumericJunction

__all__ = ["lead_self_energy"]

_TWO_PI = 2 * np.pi
#: relative accuracy asked of each principal-value integral (of its largest entry)
RTOL = 1e-9
#: leads without a band: the frequency integral stops at |w' - c| = _FAR s
_FAR = 1e6
#: frequency nodes per call of the spectra, divided by K^2 (bounds the temporaries)
_BLOCK = 64
#: graded mesh around the pole: w +- h 4^k, k = 0 .. _GRADE_MAX (at most)
_GRADE_RATIO, _GRADE_MAX = 4.0, 30


class _Transform:
    """``w' = c + s tan(x)`` (leads without a band) or ``w' = x`` (finite support)."""

    def __init__(self, lo, hi, centre, scale):
        self.tan = not (np.isfinite(lo) and np.isfinite(hi))
        self.c, self.s = centre, scale
        if self.tan:
            far = _FAR * scale
            lo = max(lo, centre - far)
            hi = min(hi, centre + far)
        self.lo, self.hi = lo, hi                      # in w'

    def to_x(self, w):
        w = np.asarray(w, float)
        return np.arctan((w - self.c) / self.s) if self.tan else w

    def to_w(self, x):
        """``(w', dw'/dx)``."""
        if not self.tan:
            return x, np.ones_like(x)
        t = np.tan(x)
        return self.c + self.s * t, self.s * (1.0 + t * t)


def _support(spectra, a, b):
    """Where ``Lambda^{ab}(w')`` may be nonzero: the bands of ``e`` and ``e - w'`` overlap."""
    sa, sb = spectra.electrodes.support(a), spectra.electrodes.support(b)
    return sa[0] - sb[1], sa[1] - sb[0]


def _prepare_tables(spectra, a, b, lo, hi, mu_a, mu_b, hot):
    """Build the Chebyshev tables of electrodes ``a`` and ``b`` once, over every energy
    the frequencies ``[lo, hi]`` (and the occupations ``mu_a``, ``mu_b``, ``hot``: arrays)
    need (as :func:`.lead_currents._bias_point` does for ``[0, w_max]``)."""
    pad = _TAIL * float(np.max(hot))
    e_lo = min(float(np.min(mu_a)), float(np.min(mu_b)) + lo) - pad
    e_hi = max(float(np.max(mu_a)), float(np.max(mu_b)) + hi) + pad
    sa, sb = spectra.electrodes.support(a), spectra.electrodes.support(b)
    span_a = (max(e_lo, sa[0]), min(e_hi, sa[1]))
    span_b = (max(e_lo - hi, sb[0]), min(e_hi - lo, sb[1]))
    if a == b:
        spectra.table(a, [span_a, span_b])
    else:
        spectra.table(a, [span_a])
        spectra.table(b, [span_b])


def _panels(spectra, a, b, tf, w, mu_a, mu_b, t_a, t_b, h):
    """The :class:`~.lead_panels.MappedPanels` of the principal-value integrals, one row
    per target ``w`` (in the variable ``x`` of ``tf``); module docstring."""
    n = w.size
    edges_a = np.concatenate([np.asarray(spectra.electrodes.leads[a].band_edges_at(
        spectra.electrodes.mu[a]), float), spectra.band_edges])
    edges_b = np.concatenate([np.asarray(spectra.electrodes.leads[b].band_edges_at(
        spectra.electrodes.mu[b]), float), spectra.band_edges])
    lev, wid = spectra.levels, spectra.widths
    steps = np.array([0.0, -1.0, 1.0])

    def rows(x):
        return np.broadcast_to(np.asarray(x, float), (n, np.shape(x)[-1]))

    pair_edges = rows((edges_a[:, None] - edges_b[None, :]).ravel())
    fermi = np.concatenate([edges_a[None, :] - mu_b[:, None], mu_a[:, None] - edges_b[None, :],
                            (mu_a - mu_b)[:, None]], axis=1)
    cold = ((t_a == 0) | (t_b == 0))[:, None]
    diffs = ((lev[:, None] - lev[None, :]).ravel()[:, None]
             + (wid[:, None] + wid[None, :]).ravel()[:, None] * steps).ravel()
    cross = (lev[:, None] + wid[:, None] * steps).ravel()
    window = np.concatenate([mu_a[:, None] - cross[None, :], cross[None, :] - mu_b[:, None]], 1)
    span = max(tf.hi - tf.lo, float(np.max(h)))
    k = min(_GRADE_MAX, int(np.ceil(np.log(span / float(np.min(h))) / np.log(_GRADE_RATIO))) + 1)
    grade = h[:, None] * _GRADE_RATIO ** np.arange(k)
    pole = np.concatenate([w[:, None], w[:, None] - grade, w[:, None] + grade], axis=1)
    cols = [np.full((n, 1), tf.lo), np.full((n, 1), tf.hi), pair_edges, fermi, rows(diffs),
            window, pole]
    flags = [np.full((n, 2), True), np.ones(pair_edges.shape, bool),
             np.broadcast_to(cold, fermi.shape), np.zeros((n, diffs.size), bool),
             np.zeros(window.shape, bool), np.zeros(pole.shape, bool)]
    flags[-1][:, 0] = True                                  # the pole itself
    pts = np.concatenate(cols, axis=1)
    with np.errstate(invalid="ignore"):
        pts = np.where((pts >= tf.lo) & (pts <= tf.hi), pts, np.nan)
    return MappedPanels(tf.to_x(pts), np.concatenate(flags, axis=1))


def _channel_pv(spectra, ch, w, mu_a, mu_b, t_a, t_b, rtol):
    """``(Pi^r, error)`` of channel ``ch`` at the 1-d arrays of targets and occupations of
    one :class:`~.lead_spectra.LeadSpectra`: shapes (M, K, K), (M,)."""
    a, b = ch.alpha, ch.beta
    k = spectra.numeric.K
    m = w.size
    out = np.zeros((m, k, k), complex)
    errors = np.zeros(m)
    basis = spectra.electrodes.basis
    lo, hi = _support(spectra, a, b)
    if m == 0 or basis[a].shape[1] == 0 or basis[b].shape[1] == 0 or not hi > lo:
        return out, errors
    lev, wid = spectra.levels, spectra.widths
    hot = np.maximum(t_a, t_b)
    scale = (float(np.ptp(lev)) + 2 * float(np.max(wid)) + float(np.ptp(np.concatenate(
        [mu_a, mu_b]))) + _TAIL * float(np.max(hot)) + 1e-300)
    centre = 0.5 * (float(np.min(lev)) + float(np.max(lev)))
    tf = _Transform(lo, hi, centre, scale)
    route = "adaptive" if tf.tan else None
    _prepare_tables(spectra, a, b, tf.lo, tf.hi, mu_a, mu_b, hot)
    step = max(1, _BLOCK // (k * k))

    def spectrum(x, own):
        """``Lambda`` (M, K, K) and its error (M,) at frequencies x of the targets own."""
        parts = [spectra.compute(ch, x[s:s + step], mu_a[own[s:s + step]], mu_b[own[s:s + step]],
                                 t_a[own[s:s + step]], t_b[own[s:s + step]],
                                 rtol=_INNER_RTOL, route=route)
                 for s in range(0, x.size, step)]
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[2] for p in parts]))

    idx = np.arange(m)
    lam_w, err_w = spectrum(w, idx)
    inside = (w > tf.lo) & (w < tf.hi)
    h = np.where(inside, np.minimum(np.minimum(w - tf.lo, tf.hi - w), float(np.min(wid))),
                 float(np.min(wid)))
    sub = np.where(inside[:, None, None], lam_w, 0.0).reshape(m, k * k)
    panels = _panels(spectra, a, b, tf, w, mu_a, mu_b, t_a, t_b, h)

    def integrand(t, owner):
        shape = t.shape
        own = np.broadcast_to(np.asarray(owner).reshape(-1, *([1] * (t.ndim - 1))),
                              shape).ravel()
        x, jac = panels.map(t.ravel(), own)
        wp, dw = tf.to_w(x)
        lam, err = spectrum(wp, own)
        lam = lam.reshape(-1, k * k)
        dist = w[own] - wp
        near = (np.abs(dist) < h[own])[:, None]
        factor = (np.abs(jac * dw) / dist)[:, None]
        vals = (lam - np.where(near, sub[own], 0.0)) * factor
        size = (np.abs(lam) + np.where(near, np.abs(sub[own]), 0.0)) * np.abs(factor)
        bound = err * np.abs(jac * dw) / np.maximum(np.abs(dist), h[own])
        out = (np.concatenate([vals.real, vals.imag], -1), np.concatenate([size, size], -1),
               np.broadcast_to(bound[:, None], (bound.size, 2 * k * k)))
        return tuple(part.reshape(shape + (part.shape[-1],)) for part in out)

    res = integrate_panels(integrand, panels.edges(), rtol=rtol,
                           warn_rtol=max(rtol, PROMISED_RTOL),
                           label="ehp_self_energy with energy-dependent leads")
    if res.values is not None:
        pv = (res.values[:, :k * k] + 1j * res.values[:, k * k:]).reshape(m, k, k) / _TWO_PI
        out += pv
        errors += res.errors / _TWO_PI
    out -= 0.5j * lam_w
    errors += 0.5 * err_w
    return out, errors


def channel_self_energy(numeric, chans, omega, mu_L, mu_R, T_L, T_R, *, rtol=RTOL):
    """``(Pi^r, error)`` summed over the channels ``chans`` for broadcast arrays (no
    checks): shapes ``omega.shape + (K, K)`` and ``omega.shape``.  One
    :class:`~.lead_spectra.LeadSpectra` for all points, or one per ``(mu_L, mu_R)``
    when a lead follows the bias."""
    shape = omega.shape
    flat = [np.ravel(x) for x in (omega, mu_L, mu_R, T_L, T_R)]
    k = numeric.K
    out = np.zeros((flat[0].size, k, k), complex)
    errors = np.zeros(flat[0].size)
    groups = spectra_groups(numeric, flat[1], flat[2])
    mus, temps = {"L": flat[1], "R": flat[2]}, {"L": flat[3], "R": flat[4]}
    for spectra, sel in groups:
        for ch in chans:
            a, b = ch.alpha, ch.beta
            part, err = _channel_pv(spectra, ch, flat[0][sel], mus[a][sel], mus[b][sel],
                                    temps[a][sel], temps[b][sel], rtol)
            out[sel] += part
            errors[sel] += err
    return out.reshape(shape + (k, k)), errors.reshape(shape)


def lead_self_energy(model: Junction | NumericJunction, channel: str | int, omega: ArrayLike,
                     *, mu_L: ArrayLike, mu_R: ArrayLike, T_e: ArrayLike | None = None,
                     T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                     rtol: float = RTOL):
    """``(Pi^r, error)`` of an EHP channel by the Kramers-Kronig transform of its DOS.

    ``Pi^r_ab,mn(omega)`` of :func:`symehp.ehp_self_energy` (module docstring of
    :mod:`.self_energy`) for any leads, wide band or energy dependent
    (:mod:`symehp.leads`): what that function returns for a model with an
    energy-dependent lead.

    Parameters
    ----------
    model : Junction
        A numeric model with any leads.
    channel : str or int
        ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"``, the paper's label 1-4, or ``"total"``.
    omega : array_like
        Boson frequency (energy units).
    mu_L, mu_R, T_e, T_L, T_R : array_like
        Chemical potentials and electron temperature(s) (energy units), as for
        :func:`symehp.ehp_dos`.
    rtol : float
        Relative accuracy asked of each principal-value integral, in ``[1e-11, 1)``.

    Returns
    -------
    Pi : ndarray, complex, shape ``broadcast.shape + (K, K)``
        Units of ``Lambda`` (coupling^2 per energy), times the spin degeneracy.
    error : ndarray, shape ``broadcast.shape``
        Absolute error estimate (every entry), including the spectra's own.
    """
    numeric = numeric_model(model, energy_dependent_leads=True)
    check_rtol(rtol, 1e-11)
    total = isinstance(channel, str) and channel == "total"
    chans = list(CHANNELS) if total else [_channel(channel)]
    arrays = spectrum_arguments(omega, mu_L, mu_R, T_e, T_L, T_R)
    return channel_self_energy(numeric, chans, *arrays, rtol=rtol)


def public_self_energy(model, channel, omega, mu_L, mu_R, T_e, T_L, T_R, dps=None,
                       backend="auto"):
    """:func:`symehp.ehp_self_energy` for a model with an energy-dependent lead."""
    dps = check_dps(dps)
    if dps is not None:
        raise ParameterError("dps= (mpmath) is not available for models with energy-dependent "
                             "leads; their self-energy is a quadrature in double precision")
    resolve(backend, dps)
    return lead_self_energy(model, channel, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L,
                            T_R=T_R)[0]
