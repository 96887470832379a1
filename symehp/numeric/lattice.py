"""The frequency integral of Eq. (8) by the pole-corrected trapezoidal rule.

At equal electrode temperatures ``T_e > 0``, ``T_ph > 0`` and with wide-band leads,
every integrand of Eq. (8) is the restriction to ``w >= 0`` of a function that is
analytic on the whole real axis::

    term_ab(w) = sum_k R_k(w) Lambda^ab_kk(w) [n_B(w - mu_ab, T_e) - n_B(w, T_ph)] / 2pi,
    flow_ab(w) = term_ab(w) / w,
    R_k(w) = w A_ph,kk(w) = 2 g_k w^2 / ((w^2 - W_k^2)^2 + g_k^2 w^2),

and ``Lambda^ab(-w) = -Lambda^ba(w)``, ``n_B(-x) = -1 - n_B(x)`` give
``term_ab(-w) = term_ba(w)`` and ``flow_ab(-w) = -flow_ba(w)``.  So the sums over
channels are integrals over the whole axis::

    J_aa = (1/2) int term_aa,   J_LR + J_RL = int term_LR,   I = I_LR - I_RL = int flow_LR,

and on the whole axis the trapezoidal rule ``h sum_j g(j h)`` converges
geometrically, with error ``~ exp(-2 pi d / h)`` for ``g`` analytic in the strip
``|Im w| < d``.  Poles near the axis are taken out exactly: a simple pole ``w_p``
with residue ``r`` adds ``r [h sum_j 1/(j h - w_p) - int dw/(w - w_p)] = -pi r
[cot(pi w_p/h) + i sgn(Im w_p)]`` to the rule (:func:`lattice_correction`).  Two
kinds are corrected:

* the mode Lorentzians: ``R_k`` has four simple poles ``+-W'_k +- i g_k/2`` at
  distance ``g_k/2`` (0.025 for the paper's modes), residue ``rho_p F(w_p)`` with
  ``F`` the digamma closed form of the EHP spectra continued to complex ``w``
  (:func:`mode_residues`, :func:`pole_residues`);
* the pair pinches of the spectra, ``w0 = p - q`` for poles of opposite families, at
  distance ``|Im p| + |Im q|`` (the level widths), residue a difference of Fermi
  functions (:class:`PinchPoles`); narrow levels then cost nothing.

What remains (:func:`strip_halfwidth`): the digamma poles where a Fermi pole meets a
level, ``pi T_e + |Im z|``, and the Bose poles, ``2 pi T_e`` and ``2 pi T_ph``; and a
pinch pole within the split's reach of the origin, which stays uncorrected.

The channel split of the inter-electrode flows, ``J_LR - J_RL = 2 int_0^inf o``
with the odd part ``o = (term_LR - term_RL)/2`` (and ``I_LR + I_RL`` likewise), is
a half-axis integral; it is split by the smooth step ``S = (1 + erf(w/sigma))/2``
(entire) into ``int o S`` over the axis (the same lattice, weights
``erf(j h/sigma)``, pole-corrected with ``S(w_p)`` within ``pi sigma^2 / h`` of the
axis) and ``int_0^inf o erfc(w/sigma)``, which lives within ``6 sigma`` of 0 and is
taken by a Gauss rule for the weight ``erfc`` (:func:`gauss_erfc`; no pole may lie
there: the mode poles cap ``h`` at ``|w_p| / 15``).  ``sigma = 2.5 h``.

Error estimate: the rule on the lattice ``2h`` (its even nodes, and its odd nodes: two
independent coarse rules) misses by ``e_2h``; with the singularities beyond the strip
at distance ``>= d``, the rule on ``h`` misses by ``e_2h exp(-pi d/h)``; the estimate
is 10 times that, plus the tail beyond the last node, the difference of the 14- and
10-point erfc rules, the closed forms' accuracy at the nodes (``1e-12`` of the terms)
and the round-off of the sums and of the corrections.  The spacing is chosen from
``d`` so that the estimate is well below ``rtol``; a point whose estimate misses
``rtol`` is redone at half the spacing (twice at most), and a point that still misses
it, or that the lattice would serve at more cost than the adaptive rule (a low mode
caps the spacing; a pinch pole near the origin thins the strip; ``T_L != T_R``,
``T_ph = 0``), goes to the adaptive rule (:func:`lattice_eligible`).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import erf, erfc

from ..ehp import CHANNELS
from .fermi_integrals import mixed_difference
from .stats import bose_difference, fermi_complex

__all__ = ["strip_halfwidth", "mode_poles", "lattice_spacing", "lattice_eligible",
           "lattice_correction", "gauss_erfc", "pole_residues", "mode_residues",
           "PinchPoles", "lattice_currents"]

_TWO_PI = 2 * np.pi
#: extra e-folds of the spacing beyond ln(1/rtol) (the spacing is ~2 pi d / 33 at the
#: default rtol): the estimate 10 e_2h exp(-pi d/h) then meets rtol where the coarse rule
#: misses by up to ~3e-5 of the currents (small bias, where they cancel)
_EXTRA_EFOLDS = 10.0
#: the error estimate is this many times the geometric-convergence law e_2h exp(-pi d/h)
_SAFETY = 10.0
#: sigma of the erf step of the channel split, in lattice spacings
_SPLIT_SIGMA = 2.5
#: nodes of the two Gauss-erfc rules of the split (the difference is the estimate: on the
#: paper's two-level model the 10-point rule misses by ~2e-11 of the part, the 14-point
#: one by ~1e-14; with (12, 9) a quarter of the points below |eV| = 0.5 miss rtol)
_SPLIT_NODES = (14, 10)
#: the erfc part reaches ~5.7 sigma (the last node of the 14-point rule): the mode poles
#: must lie beyond this many sigma (closer, the Gauss rule stalls at ~1e-9)
_SPLIT_REACH = 6.0
#: a point is redone at half the spacing at most this many times
_MAX_HALVINGS = 2
#: extra e-folds of the cutoff beyond ln(1/rtol): the tails below 1e-6 rtol of the gross
#: flows (the channel floor is 1e-3 of them)
_CUTOFF_EFOLDS = 12.0
#: round-off floor of a lattice sum, relative to the sum of the magnitudes
_ROUNDOFF = 200 * np.finfo(float).eps
#: relative accuracy of the closed-form spectra at a node, near coincident poles (small
#: frequencies, equal-width resonances; measured up to 8e-13 of Lambda at w -> 0)
_NODE_ACCURACY = 1e-12
#: the lattice is used only where it has fewer nodes than the adaptive rule would, taken
#: as this many per panel of its breakpoints (the 27 of its finer Fejer rule: measured,
#: the paper's two-level model takes 328-490 nodes on its 8 least panels, chains of
#: N = 16-32 19-42 per panel)
_ADAPTIVE_NODES_PER_PANEL = 27
#: ... and never with more nodes than this per point
_MAX_NODES = 20_000
#: the residues at a mode's poles cost about this many frequency nodes (the pair sums of
#: every channel at two complex frequencies, by the general mixed differences): measured
#: on chains of N = 16 (K = 4), where the lattice with 560 nodes took 2x the adaptive rule
#: with 790
_RESIDUE_NODES = 40
#: more pinch poles than this near the axis (dense spectra: a long chain's narrow
#: levels) and the lattice is not tried: their residues are an (points, poles) array
_MAX_PINCH = 4000
#: modes closer to critical damping than this (|4 W^2 - g^2| relative) have a near-double
#: pole: no lattice (the correction assumes simple poles)
_CRITICAL = 1e-6
#: bytes of the complex pair arrays of one batch of pole_residues
_RESIDUE_BYTES = 2**25


def strip_halfwidth(expansion, T_e, T_ph, pairs=True):
    """Half-width ``d`` of the strip around the real axis where the integrands of Eq. (8),
    less the mode poles, are analytic: (n,) for the points' temperatures (energy units).

    ``min(|Im p| + |Im q| over the pole pairs p, q of opposite families that carry
    weight, pi T_e + min |Im z|, 2 pi T_e, 2 pi T_ph)``; ``pairs=False``: without the
    pair pinches (when they are corrected as poles, :class:`PinchPoles`).
    """
    T_e = np.asarray(T_e, float)
    T_ph = np.asarray(T_ph, float)
    _, widths, _ = expansion.pair_resonances
    lower = expansion.poles[expansion.family < 0]
    pair = float(np.min(widths)) if widths.size and pairs else np.inf
    level = float(np.min(np.abs(lower.imag))) if lower.size else np.inf
    return np.minimum.reduce([np.full(T_e.shape, pair), np.pi * T_e + level,
                              _TWO_PI * T_e, _TWO_PI * T_ph])


class PinchPoles:
    """The poles of the EHP spectra in ``w``: pinches of two poles of opposite families.

    ``Lambda^ab_kk(w) = -(1/2pi) sum_pq T_kk,pq N_pq(w) / (p - q - w)`` (the closed form of
    :mod:`.diagonal_spectra`) has a simple pole at ``w0 = p - q`` for ``p``, ``q`` of
    opposite families, where ``N_pq(w0) = [Phi_a(p; s_p) - Phi_a(p; s_q)] - [Phi_b(q; s_p)
    - Phi_b(q; s_q)]``; the two branches of the digamma differ by a Fermi function
    (``psi(1/2 - u) - psi(1/2 + u) = -pi tan(pi u)``), so the residue is

        Res_w0 Lambda_kk = i s_p T_kk,pq [f(p - mu_a) - f(q - mu_b)]

    (``f`` the Fermi function at complex argument).  Per channel (``CHANNELS`` order):
    ``w0`` (P_c,), ``s_p`` (P_c,), the pole indices ``p``, ``q`` and
    ``weight = sum_k R_k(w0) T_kk,pq`` (``R_k = w A_ph,kk``), so that the residue of
    ``term_ab`` is ``i s_p weight [f(p - mu_a) - f(q - mu_b)] [n_B(w0 - mu_ab, T_e) -
    n_B(w0, T_ph)] / 2pi``: O(P_c) work per point.  Only pairs within ``reach`` of the
    axis (``|Im w0| < reach``) are kept: the others change the rule by less than
    ``exp(-2 pi reach / h)``.
    """

    def __init__(self, numeric, expansion, reach):
        z = expansion.poles
        fam = expansion.family
        om = np.asarray(numeric.omega, float)
        g = np.asarray(numeric.gamma_ph, float)
        self.channels = []
        for ch in CHANNELS:
            weights = expansion.pair_weights(ch.alpha, ch.beta)          # (K, P, P)
            opposite = fam[:, None] != fam[None, :]
            near = np.abs((z[:, None] - z[None, :]).imag) < reach
            ip, iq = np.nonzero(opposite & near & np.any(weights != 0, axis=0))
            w0 = z[ip] - z[iq]
            weight = np.zeros(w0.shape, complex)
            for k in range(om.size):                 # (pairs,) at a time, not (K, pairs)
                weight += (2 * g[k] * w0**2 / ((w0**2 - om[k] ** 2) ** 2 + (g[k] * w0) ** 2)
                           * weights[k, ip, iq])
            self.channels.append((w0, fam[ip].astype(float), ip, iq, weight))
        self.z = z

    @classmethod
    def near_axis(cls, numeric, expansion, reach, limit=None):
        """The pinch poles within ``reach`` of the axis, or None if there are more than
        ``limit`` (default ``_MAX_PINCH``) of them (counted before their weights are made)."""
        limit = _MAX_PINCH if limit is None else limit
        z, fam = expansion.poles, expansion.family
        close = (fam[:, None] != fam[None, :]) & (np.abs((z[:, None] - z[None, :]).imag) < reach)
        if 4 * np.count_nonzero(close) > limit:
            total = sum(np.count_nonzero(close & np.any(expansion.pair_weights(ch.alpha, ch.beta)
                                                        != 0, axis=0)) for ch in CHANNELS)
            if total > limit:
                return None
        return cls(numeric, expansion, reach)

    @property
    def locations(self):
        """All pinch poles, channel after channel: (sum P_c,) complex."""
        return np.concatenate([c[0] for c in self.channels])

    def residues(self, mu_L, mu_R, T_e, T_ph, energy_ref, skip=()):
        """Raw residues (:func:`pole_residues` layout) at :attr:`locations`: (n, P, 6)."""
        mus = {"L": np.asarray(mu_L, float), "R": np.asarray(mu_R, float)}
        n = mus["L"].size
        sizes = [c[0].size for c in self.channels]
        out = np.zeros((n, sum(sizes), 6), dtype=complex)
        te = np.asarray(T_e, float)[:, None]
        tph = np.asarray(T_ph, float)[:, None]
        at = 0
        for c, (ch, (w0, s_p, ip, iq, weight)) in enumerate(zip(CHANNELS, self.channels)):
            sl = slice(at, at + w0.size)
            at += w0.size
            if ch.name in skip or not w0.size:
                continue
            mu_a, mu_b = mus[ch.alpha][:, None], mus[ch.beta][:, None]
            with np.errstate(over="ignore", under="ignore"):
                fermi = fermi_complex(self.z[ip][None] - mu_a, te) \
                    - fermi_complex(self.z[iq][None] - mu_b, te)
                bose = bose_difference(w0[None] - (mu_a - mu_b), te,
                                        np.broadcast_to(w0[None], fermi.shape), tph)
            r = 1j * s_p * weight * fermi * bose / _TWO_PI
            out[:, sl, c] = r
            if ch.name in ("RL", "LR"):
                out[:, sl, 4 if ch.name == "RL" else 5] = r / w0 * energy_ref
        return out


def mode_poles(numeric):
    """The poles and residues of ``R_k(w) = w A_ph,kk(w) = 2 g w^2 / ((w^2 - W^2)^2 + g^2 w^2)``.

    Returns ``(poles, residues)``, each (K, 4) complex: the two roots of
    ``w^2 + i g w - W^2`` (``+-W' - i g/2``, ``W' = sqrt(W^2 - g^2/4)``; on the
    imaginary axis for an overdamped mode), then their conjugates, and
    ``rho = g w / (2 (w^2 - W^2) + g^2)``.
    None when a mode is undamped or within ``_CRITICAL`` of critical damping (a
    double pole).
    """
    om = np.asarray(numeric.omega, float)
    g = np.asarray(numeric.gamma_ph, float)
    if om.size == 0 or np.any(g <= 0) or np.any(om <= 0):
        return None
    disc = 4 * om**2 - g**2
    if np.any(np.abs(disc) <= _CRITICAL * 4 * om**2):
        return None
    s = np.sqrt(disc.astype(complex))
    ig = 1j * g
    # the roots of w^2 + i g w - W^2 (the retarded poles, lower half-plane) and their
    # conjugates, in that order: columns 2, 3 are the conjugates of 0, 1
    lower = np.stack([(s - ig) / 2, (-s - ig) / 2], axis=1)
    poles = np.concatenate([lower, np.conj(lower)], axis=1)
    res = g[:, None] * poles / (2 * (poles**2 - om[:, None] ** 2) + g[:, None] ** 2)
    return poles, res


def lattice_spacing(d, rtol):
    """The spacing ``h = 2 pi d / (ln(1/rtol) + _EXTRA_EFOLDS)`` of the lattice."""
    return _TWO_PI * np.asarray(d, float) / (math.log(1 / rtol) + _EXTRA_EFOLDS)


def lattice_cutoff(mu_LR, T_e, T_ph, rtol):
    """Last node: ``max(|mu_LR| + c T_e, c T_ph)``, ``c = ln(1/rtol) + _CUTOFF_EFOLDS``
    (beyond it every term carries a Bose or Fermi factor below 1e-3 rtol; the tail
    estimate checks it)."""
    c = math.log(1 / rtol) + _CUTOFF_EFOLDS
    return np.maximum(np.abs(mu_LR) + c * np.asarray(T_e, float), c * np.asarray(T_ph, float))


def lattice_eligible(numeric, expansion, mu_L, mu_R, T_L, T_R, T_ph, rtol, n_panels,
                     pinch=None):
    """Which points the lattice serves, and their spacing and node count.

    The strip is :func:`strip_halfwidth` without the pair pinches, which are corrected
    as poles (``pinch``, :class:`PinchPoles`), except those within ``15 h`` of the
    origin (the split's erfc part reaches ``6 sigma = 15 h``, and its Gauss rule must
    not see a pole): those limit the strip instead.  The spacing is
    :func:`lattice_spacing` of the strip, and at most ``|w_p| / 15`` for the mode poles
    ``w_p``.  A point qualifies at ``T_L = T_R > 0`` and ``T_ph > 0`` with simple mode
    poles, when its node count (lattice plus the split's Gauss nodes) is below both
    ``_MAX_NODES`` and the adaptive rule's count, taken as 27 nodes on each of its
    ``n_panels`` panels (a lower bound of them).  Returns ``(mask, h, n)``.
    """
    T_L, T_R, T_ph = (np.asarray(x, float) for x in (T_L, T_R, T_ph))
    ok = (T_L == T_R) & (T_L > 0) & (T_ph > 0)
    n = np.zeros(T_L.shape, dtype=np.int64)
    h = np.ones(T_L.shape)
    modes = mode_poles(numeric)
    if modes is None or not ok.any():
        return np.zeros(T_L.shape, bool), h, n
    t_e, t_ph = np.where(ok, T_L, 1.0), np.where(ok, T_ph, 1.0)
    d = strip_halfwidth(expansion, t_e, t_ph, pairs=pinch is None)
    reach = np.min(np.abs(modes[0])) / (_SPLIT_REACH * _SPLIT_SIGMA)
    h = np.minimum(lattice_spacing(d, rtol), reach)
    if pinch is not None and pinch.locations.size:
        w0 = pinch.locations
        # a pinch pole on a mode pole would be a double pole: no lattice
        gap = min(float(np.min(np.abs(w0 - wp))) for wp in modes[0].ravel())
        if gap <= 1e-8 * max(1.0, float(np.max(np.abs(modes[0])))):
            return np.zeros(T_L.shape, bool), h, n
        for _ in range(3):
            h = np.minimum(h, lattice_spacing(np.minimum(d, _uncorrected_strip(w0, h)), rtol))
    cut = lattice_cutoff(np.asarray(mu_L, float) - np.asarray(mu_R, float), T_L, T_ph, rtol)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        count = np.where(ok & (h > 0), np.ceil(cut / h), np.inf)
    nodes = count + sum(_SPLIT_NODES)
    cost = nodes + _RESIDUE_NODES * numeric.K
    ok &= (nodes <= _MAX_NODES) & (cost < _ADAPTIVE_NODES_PER_PANEL * np.maximum(n_panels, 1))
    n = np.where(ok, count, 0).astype(np.int64)
    return ok, h, n


def _uncorrected_strip(w0, h):
    """Per spacing ``h`` (n,): the nearest distance to the axis of the pinch poles that
    stay uncorrected (within the split's reach ``15 h`` of the origin), inf if none; by
    distinct spacing, without an (n, P) array."""
    out = np.full(np.shape(h), np.inf)
    radius = np.abs(w0)
    dist = np.abs(w0.imag)
    for value in np.unique(h):
        near = radius < _SPLIT_REACH * _SPLIT_SIGMA * value
        if near.any():
            out[h == value] = float(np.min(dist[near]))
    return out


def lattice_correction(poles, h, offset=0.0):
    """``C(w) = h sum_j 1/(x_j - w) - int dw'/(w' - w)`` over the lattice ``x_j = offset + j h``.

    ``-pi [cot(pi a) + i sgn(Im a)]`` with ``a = (w - offset)/h``, written with
    ``q = exp(2 pi i s a)`` (``|q| < 1``, ``s = sgn Im a``) as ``2 pi i s q/(1 - q)``:
    exponentially small, ``~2 pi exp(-2 pi |Im w|/h)``, for a pole far from the axis.
    """
    a = (np.asarray(poles, complex) - offset) / np.asarray(h, float)
    s = np.where(a.imag >= 0, 1.0, -1.0)
    with np.errstate(under="ignore"):
        q = np.exp(2j * np.pi * s * a)
    return 2j * np.pi * s * q / (1 - q)


@lru_cache(maxsize=None)
def gauss_erfc(n):
    """Gauss rule for ``int_0^inf erfc(t) g(t) dt``: nodes and weights, each (n,).

    The recurrence of the orthonormal polynomials of the weight ``erfc`` on
    ``[0, inf)`` by the Stieltjes procedure on a fine Gauss-Legendre discretization
    of ``[0, 9]`` (``erfc(9) ~ 4e-37``; 100 points integrate ``erfc`` times the
    polynomials of degree ``<= 2n`` to round-off, more points have less accurate
    weights), then the Golub-Welsch eigenproblem (:func:`numpy.linalg.eigh`).  Exact
    for polynomials of degree ``2n - 1`` (to ~1e-15).
    """
    x, w = np.polynomial.legendre.leggauss(100)
    t = 4.5 * (x + 1)
    wt = 4.5 * w * erfc(t)
    alpha = np.zeros(n)
    beta = np.zeros(n)
    q_prev = np.zeros_like(t)
    q = np.full_like(t, 1 / math.sqrt(wt.sum()))
    for k in range(n):
        alpha[k] = np.sum(wt * t * q * q)
        r = (t - alpha[k]) * q - (beta[k - 1] if k else 0.0) * q_prev
        # one step of re-orthogonalization keeps the recurrence exact to round-off
        r -= np.sum(wt * r * q) * q
        beta[k] = math.sqrt(np.sum(wt * r * r))
        q_prev, q = q, r / beta[k]
    jacobi = np.diag(alpha) + np.diag(beta[:-1], 1) + np.diag(beta[:-1], -1)
    nodes, vectors = np.linalg.eigh(jacobi)
    return nodes, wt.sum() * vectors[0] ** 2


def mode_residues(expansion, poles, rho, mu_L, mu_R, T_e, T_ph, energy_ref, skip=()):
    """:func:`pole_residues` at the poles of :func:`mode_poles`, (n, K, 4, 6), and their
    round-off scales (``gross=True``): computed at the two lower ones; the integrands
    are real on the axis, so the residues at the conjugate poles are the conjugates."""
    half, size = pole_residues(expansion, poles[:, :2], rho[:, :2], mu_L, mu_R, T_e, T_ph,
                               energy_ref, skip, gross=True)
    return np.concatenate([half, np.conj(half)], axis=2), np.concatenate([size, size], axis=2)


def pole_residues(expansion, poles, rho, mu_L, mu_R, T_e, T_ph, energy_ref, skip=(),
                  gross=False):
    """Residues of the six integrands at the mode poles: (n, K, 4, 6) complex.

    Components ``[term_LL, term_RR, term_RL, term_LR, flow_RL, flow_LR]`` (flows times
    ``energy_ref``, as :func:`.currents._integrand_factory` gives them), at the poles
    of mode k (``poles``, ``rho`` from :func:`mode_poles`): ``rho F_ab(w_p)`` and
    ``rho F_ab(w_p) / w_p`` with ``F_ab = Lambda^ab_kk(w_p) [n_B(w_p - mu_ab, T_e) -
    n_B(w_p, T_ph)] / 2pi``.  ``Lambda_kk = -(d/2pi) S_k``, ``S_k = sum_pq T_kk,pq X_pq``
    with ``X_pq = mixed_difference(p, q + w, d)`` (``d = w - mu_ab``), each pole ``p``,
    ``q`` in its own family: the closed form of :mod:`.diagonal_spectra` continued to
    complex ``w``.  Channels in ``skip`` (balanced, identically 0) are 0.  ``gross=True``:
    also the same residues with the pair sum taken in magnitudes (``sum |T X|``), the
    scale of their round-off (the pair sum of a small channel cancels).
    """
    n = np.size(mu_L)
    out = np.zeros((n,) + poles.shape + (6,), dtype=complex)
    size = np.zeros((n,) + poles.shape + (6,)) if gross else None
    z = expansion.poles
    fam = expansion.family.astype(float)
    P = z.size
    mus = {"L": np.asarray(mu_L, float), "R": np.asarray(mu_R, float)}
    batch = max(1, _RESIDUE_BYTES // (16 * 8 * poles.size * P * P))
    for c, ch in enumerate(CHANNELS):
        if ch.name in skip:
            continue
        weights = expansion.pair_weights(ch.alpha, ch.beta)          # (K, P, P)
        if not np.any(weights):
            continue
        for start in range(0, n, batch):
            sl = slice(start, min(n, start + batch))
            mu_a, mu_b = mus[ch.alpha][sl], mus[ch.beta][sl]
            te, tph = np.asarray(T_e, float)[sl], np.asarray(T_ph, float)[sl]
            w = poles[None]                                            # (1, K, 4)
            d = w - (mu_a - mu_b)[:, None, None]                       # (b, K, 4)
            x = mixed_difference(z[None, None, None, :, None], z[None, None, None, None, :]
                                 + w[..., None, None], d[..., None, None],
                                 mu_a[:, None, None, None, None],
                                 te[:, None, None, None, None],
                                 fam[None, None, None, :, None], fam[None, None, None, None, :])
            terms = weights[None, :, None] * x
            s_k = np.sum(terms, axis=(-2, -1))
            lam = -(d / _TWO_PI) * s_k
            f = lam * bose_difference(d, te[:, None, None], np.broadcast_to(w, d.shape),
                                       tph[:, None, None])
            f /= _TWO_PI
            out[sl, :, :, c] = rho[None] * f
            if ch.name in ("RL", "LR"):
                out[sl, :, :, 4 if ch.name == "RL" else 5] = rho[None] * f / w * energy_ref
            if gross:
                g = np.abs(rho[None] * f) * np.sum(np.abs(terms), axis=(-2, -1)) \
                    / np.maximum(np.abs(s_k), np.finfo(float).tiny)
                size[sl, :, :, c] = g
                if ch.name in ("RL", "LR"):
                    size[sl, :, :, 4 if ch.name == "RL" else 5] = g / np.abs(w) * energy_ref
    return (out, size) if gross else out


#: the raw components of the integrand (:func:`.currents._integrand_factory`)
_T_LL, _T_RR, _T_RL, _T_LR, _F_RL, _F_LR, _GROSS_E, _GROSS_A = range(8)


def _folded(v, x, sigma):
    """The folded values ``u`` of the six axis integrals at nodes ``x >= 0``: (M, 6).

    ``h sum_{j in Z} g(x_j) = 2 h sum_{x_j >= 0} c_j u(x_j)`` (``c_0 = 1/2``) for
    ``g`` = ``term_LL``, ``term_RR`` (even), ``term_LR`` (``u = (term_LR + term_RL)/2``),
    ``flow_LR`` (``u = (flow_LR - flow_RL)/2``), and the split's ``o S`` with
    ``o = (term_LR - term_RL)/2`` and ``(flow_LR + flow_RL)/2`` (``u = o erf(x/sigma)/2``).
    """
    step = erf(x / sigma) / 2
    odd_j = (v[:, _T_LR] - v[:, _T_RL]) / 2
    odd_i = (v[:, _F_LR] + v[:, _F_RL]) / 2
    return np.stack([v[:, _T_LL], v[:, _T_RR], (v[:, _T_LR] + v[:, _T_RL]) / 2,
                     (v[:, _F_LR] - v[:, _F_RL]) / 2, odd_j * step, odd_i * step], axis=1)


def _axis_residues(poles, r, sigma, strip, magnitude=False):
    """Residues of the six axis integrands (:func:`_folded`) at the corrected poles
    ``poles`` (P,): (n, P, 6), from those of the raw components ``r`` (n, P, 6).

    The split's ``o S`` is corrected only at poles within its own strip, ``|Im w| <=
    min(strip, pi sigma^2 / h)``: the entire step grows like ``exp(Im(w)^2 / sigma^2)``,
    so the rule's error for ``o S`` is bounded by ``exp(a^2/sigma^2 - 2 pi a/h)`` over a
    strip ``|Im w| < a``, smallest at ``a = pi sigma^2 / h`` (``exp(-pi^2 sigma^2/h^2)``,
    ``e^-62`` at ``sigma = 2.5 h``); a pole beyond that strip needs no correction, and a
    pole part subtracted there (residue times ``S(w)``) would only add a large term that
    the lattice cannot cancel.
    """
    h = sigma / _SPLIT_SIGMA
    reach = np.minimum(strip, np.pi * sigma**2 / h)
    inside = np.abs(poles.imag)[None] <= reach[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        step = np.where(inside, (1 + erf(np.where(inside, poles[None], 0) / sigma[:, None])) / 2,
                        0.0)
    if magnitude:
        step = np.abs(step)
        return np.stack([r[..., _T_LL], r[..., _T_RR], r[..., _T_LR], r[..., _F_LR],
                         (r[..., _T_LR] + r[..., _T_RL]) / 2 * step,
                         (r[..., _F_LR] + r[..., _F_RL]) / 2 * step], axis=-1)
    return np.stack([r[..., _T_LL], r[..., _T_RR], r[..., _T_LR], r[..., _F_LR],
                     (r[..., _T_LR] - r[..., _T_RL]) / 2 * step,
                     (r[..., _F_LR] + r[..., _F_RL]) / 2 * step], axis=-1)


#: how [J_LL, J_RR, J_RL, J_LR, I_RL, I_LR] combine the six axis integrals and the two
#: erfc parts of the split (L_J, L_I), see the module docstring
_COMBINE = np.array([
    # LL   RR   E    I    B_J  B_I  L_J  L_I
    [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.5, 0.0, -1.0, 0.0, -1.0, 0.0],
    [0.0, 0.0, 0.5, 0.0, 1.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.0, -0.5, 0.0, 1.0, 0.0, 1.0],
    [0.0, 0.0, 0.0, 0.5, 0.0, 1.0, 0.0, 1.0]])


#: which raw components (term_LL, term_RR, term_RL, term_LR, flow_RL, flow_LR) each current
#: is made of (for its round-off)
_RAW_TO_CURRENTS = np.array([
    [0.5, 0, 0, 0, 0, 0], [0, 0.5, 0, 0, 0, 0], [0, 0, 1, 1, 0, 0], [0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1]])


def _currents(axis, split, magnitude=False):
    """``[J_LL, J_RR, J_RL, J_LR, I_RL, I_LR]`` from the six axis integrals and the two
    erfc parts of the split ``(L_J, L_I)``: (..., 6).  ``magnitude=True``: the same sums
    of magnitudes (every term counted positive, for sizes)."""
    parts = np.concatenate([axis, split], axis=-1)
    combine = np.abs(_COMBINE) if magnitude else _COMBINE
    if magnitude:
        parts = np.abs(parts)
    # elementwise, not a matrix product: a point's result must not depend on how many
    # points share its call (BLAS blocks by size)
    return np.sum(parts[..., None, :] * combine, axis=-1)


def lattice_currents(f, numeric, expansion, points, mu_L, mu_R, T_e, T_ph, h, n, rtol,
                     energy_ref, skip=(), pinch=None):
    """Eq. (8) at the chunk points ``points`` by the pole-corrected trapezoidal rule.

    ``f(w, owner)`` is the chunk's integrand (:func:`.currents._integrand_factory`,
    ``owner`` an index into the chunk's arrays ``mu_L`` ... ``T_ph``), ``h`` and ``n``
    the spacing and last node index of each point (:func:`lattice_eligible`, with the
    same ``pinch``: the :class:`PinchPoles` corrected, or None for none).
    Returns ``(values, errors, done)``: (m, 6) in the layout of the adaptive route
    (``[J_LL, J_RR, J_RL, J_LR, I_RL, I_LR]``, particle flows times ``energy_ref``),
    the absolute error estimates (m,) and whether each point reached ``rtol`` (the
    others are left to the adaptive rule).
    """
    points = np.asarray(points)
    m = points.size
    values = np.zeros((m, 6))
    errors = np.zeros(m)
    done = np.zeros(m, bool)
    poles, rho = mode_poles(numeric)
    h = np.asarray(h, float).copy()
    n = np.asarray(n, np.int64).copy()
    todo = np.arange(m)
    for _ in range(_MAX_HALVINGS + 1):
        if not todo.size:
            break
        v, e, ok = _lattice_round(f, expansion, points[todo], mu_L, mu_R, T_e, T_ph,
                                  h[todo], n[todo], rtol, energy_ref, poles, rho, pinch, skip)
        values[todo] = v
        errors[todo] = e
        done[todo] = ok
        todo = todo[~ok]
        h[todo] /= 2
        n[todo] *= 2
        if np.any(n[todo] > _MAX_NODES):
            todo = todo[n[todo] <= _MAX_NODES]
    return values, errors, done


def _pole_conditions(modes, pinches):
    """How much a relative error ``eps`` of the poles' locations costs their corrections.

    A mode pole's residue ``rho F(w_p)`` near a pinch pole ``w0`` (a pair resonance on
    the mode: ``p - q ~ w_mode``) is ``~1/(w_p - w0)``, as is the pinch pole's (through
    ``R_k(w0)``), and ``w_p - w0`` carries the absolute error ``eps |w_p|`` of the two
    locations: the residues' relative error is ``eps |w_p| / |w_p - w0|`` (and the two
    large residues cancel in the sum).  Returns ``1 + |w| / dist`` for the
    concatenation ``[modes, pinches]`` (each against the nearest pole of the other kind;
    poles of one kind do not enter each other's residues).
    """
    out = np.ones(modes.size + pinches.size)
    if modes.size and pinches.size:
        gap = np.abs(modes[:, None] - pinches[None, :])
        with np.errstate(divide="ignore"):
            out[:modes.size] += np.abs(modes) / np.min(gap, axis=1)
            out[modes.size:] += np.abs(pinches) / np.min(gap, axis=0)
    return out


def _lattice_round(f, expansion, owners, mu_L, mu_R, T_e, T_ph, h, n, rtol, energy_ref,
                   poles, rho, pinch, skip):
    """One evaluation of the lattice rule at spacing ``h`` for the chunk points ``owners``."""
    from .currents import _GROUP_FLOOR
    m = owners.size
    sigma = _SPLIT_SIGMA * h
    counts = n + 1
    first = np.repeat(np.cumsum(counts) - counts, counts)
    j = np.arange(counts.sum()) - first                          # node index on its lattice
    pt = np.repeat(np.arange(m), counts)
    x = j * h[pt]
    gauss = [gauss_erfc(k) for k in _SPLIT_NODES]
    g_nodes = np.concatenate([np.outer(sigma, t).ravel() for t, _ in gauss])
    g_pt = np.concatenate([np.repeat(np.arange(m), t.size) for t, _ in gauss])
    w_all = np.concatenate([x, g_nodes])
    vals, sizes = f(w_all[:, None], owners[np.concatenate([pt, g_pt])])
    vals, sizes = vals[:, 0], sizes[:, 0]
    v_lat, s_lat = vals[:x.size], sizes[:x.size]
    # the erfc parts of the split, per rule: sigma sum_g w_g o(sigma t_g)
    split = []
    at = x.size
    for t, wt in gauss:
        vg = vals[at:at + m * t.size].reshape(m, t.size, 8)
        at += m * t.size
        o = np.stack([(vg[..., _T_LR] - vg[..., _T_RL]) / 2,
                      (vg[..., _F_LR] + vg[..., _F_RL]) / 2], axis=-1)
        split.append(sigma[:, None] * np.sum(o * wt[:, None], axis=1))
    u = _folded(v_lat, x, sigma[pt])                              # (M, 6)
    c0 = np.where(j == 0, 0.5, 1.0)
    args = (mu_L[owners], mu_R[owners], T_e[owners], T_ph[owners], energy_ref)
    located = [poles.ravel()]
    mode_raw, mode_size = mode_residues(expansion, poles, rho, *args, skip)
    raw = [mode_raw.reshape(m, -1, 6)]
    raw_size = [mode_size.reshape(m, -1, 6)]
    if pinch is not None and pinch.locations.size:
        # the pinch poles within the split's reach (15 h) stay uncorrected (they limit the
        # strip, lattice_eligible); the others are corrected
        w0 = pinch.locations
        far = np.abs(w0)[None] >= _SPLIT_REACH * sigma[:, None]
        located.append(w0)
        raw.append(pinch.residues(*args, skip) * far[..., None])
        raw_size.append(np.abs(raw[-1]))
    conditions = _pole_conditions(located[0], located[1] if len(located) > 1 else
                                  np.zeros(0, complex))
    located = np.concatenate(located)
    # the strip of each point: without the corrected pinch poles, with the uncorrected ones
    d = strip_halfwidth(expansion, T_e[owners], T_ph[owners], pairs=pinch is None)
    if pinch is not None and pinch.locations.size:
        d = np.minimum(d, _uncorrected_strip(pinch.locations, h))
    ax_res = _axis_residues(located, np.concatenate(raw, axis=1), sigma, d)  # (m, P, 6)
    ax_size = _axis_residues(located, np.concatenate(raw_size, axis=1), sigma, d,
                             magnitude=True)

    def rule(select, spacing, offset, magnitude=False):
        """The six axis integrals by the lattice of ``spacing`` through the selected nodes
        (``magnitude``: the sizes of the pole corrections instead, each times the condition
        number of its pole's location, :func:`_pole_conditions`)."""
        corr = lattice_correction(located[None], spacing[:, None], offset[:, None])
        if magnitude:
            return np.sum(np.abs(corr)[..., None] * ax_size * conditions[None, :, None], axis=1)
        wgt = np.where(select, 2 * spacing[pt] * np.where(x == 0, 0.5, 1.0), 0.0)
        sums = np.stack([np.bincount(pt, weights=wgt * u[:, c], minlength=m)
                         for c in range(6)], axis=1)
        return sums - np.sum(corr[..., None] * ax_res, axis=1).real

    full = rule(np.ones(x.size, bool), h, np.zeros(m))
    even = rule(j % 2 == 0, 2 * h, np.zeros(m))
    odd = rule(j % 2 == 1, 2 * h, h)
    best = _currents(full, split[0])
    coarse = np.maximum(np.abs(best - _currents(even, split[0])),
                        np.abs(best - _currents(odd, split[0])))
    # the rule on h misses by e_h = e_2h exp(-pi d/h): its error and the coarse one's come
    # from the singularities beyond the strip, at distance >= d (strip_halfwidth)
    est = _SAFETY * coarse * np.exp(-np.pi * d / h)[:, None]
    # the split's erfc part: the difference of its two rules
    split_err = np.abs(split[0] - split[1])
    est[:, [2, 3]] += split_err[:, [0]]
    est[:, [4, 5]] += split_err[:, [1]]
    # the tail beyond the last node (Bose/Fermi decay on the scale of the temperatures)
    last = np.cumsum(counts) - 1
    decay = np.maximum(T_e[owners], T_ph[owners])
    tail = 2 * decay[:, None] * np.abs(v_lat[last, :6])
    est += np.sum(tail[:, None, :] * _RAW_TO_CURRENTS, axis=-1)
    # round-off: the integral of the magnitudes of the terms that cancel in each raw
    # component, carried to the currents as _COMBINE does
    noise_raw = np.stack([np.bincount(pt, weights=2 * h[pt] * c0 * s_lat[:, c], minlength=m)
                          for c in range(6)], axis=1)
    noise = np.sum(noise_raw[:, None, :] * _RAW_TO_CURRENTS, axis=-1)
    # tolerance scales: each channel group against its own size, never below
    # CHANNEL_FLOOR of the largest component or gross flow (as the adaptive rule's groups)
    gross = np.bincount(pt, weights=h[pt] * c0 * (v_lat[:, _GROSS_E] + v_lat[:, _GROSS_A]),
                        minlength=m)
    top = np.maximum(np.max(np.abs(best), axis=1), gross)
    scale = np.empty((m, 6))
    for g in ([0], [1], [2, 4], [3, 5]):
        scale[:, g] = np.maximum(np.max(np.abs(best[:, g]), axis=1), _GROUP_FLOOR * top)[:, None]
    # the closed forms' own accuracy at the nodes: near coincident poles (small w, the
    # resonances) they keep ~1e-12 of the terms (README, "Spectra"); an estimate below
    # that floor never fails a point (as the round-off floor in .quadrature), and the
    # reported error includes it
    node_noise = _NODE_ACCURACY * noise
    ok = np.all(np.isfinite(est), axis=1) & np.all(
        est <= np.maximum(rtol * scale, np.maximum(_ROUNDOFF * noise, node_noise)), axis=1)
    # the reported error adds the round-off of the sums (~eps sqrt(nodes) of the
    # magnitudes), of the pole corrections (times their locations' condition numbers) and
    # of the result itself: where narrow levels make the currents mostly residues, the
    # lattice's own values are small
    eps = np.finfo(float).eps
    corrections = _currents(rule(None, h, np.zeros(m), magnitude=True),
                            np.zeros((m, 2)), magnitude=True)
    error = est + node_noise + eps * (np.sqrt(counts)[:, None] * noise
                                      + 4 * (corrections + np.abs(best)))
    return best, np.max(error, axis=1), ok
