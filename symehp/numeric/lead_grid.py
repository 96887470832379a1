"""The currents of Eq. (8) with energy-dependent leads on one uniform energy lattice.

With leads whose self-energies are analytic except at their band edges (semi-infinite
chains, wide band), at ``T_L, T_R, T_ph > 0``, the double integral of Eq. (8),

    ``J_ab = int_0^inf dw/2pi w flow_ab(w)``,
    ``flow_ab(w) = sum_k a_k(w) [w Pi^<_ab,kk(w) - x_B(w, T_ph) Lambda^ab_kk(w)]``,
    ``Pi^<_ab(w) = int de/2pi K_ab(e, e - w) f_a(e) (1 - f_b(e - w))``,
    ``Lambda^ab(w) = int de/2pi K_ab(e, e - w) (f_b(e - w) - f_a(e))``,

(``a_k = A_ph,kk / w``, ``x_B(w) = w n_B(w)``, ``K^k_ab(e, e') = g_s tr[M^k A_a(e) M^k
A_b(e')]``) has an integrand that is analytic in ``e`` and ``w`` near the real axes
wherever it is not negligible, and ``flow_ab(-w) = -flow_ba(w)`` (docs/conventions.md,
"The frequency integral on the whole axis") makes ``J_aa``, ``J_LR + J_RL`` and ``I``
integrals over the whole ``w`` axis.  So the trapezoidal rule on the lattice
``e_i = i h``, ``w_m = m h`` converges geometrically, ``~exp(-2 pi d / h)`` for a strip of
half-width ``d``, and on that lattice ``e - w`` is a lattice point too: the energy
integrals at every frequency node are the diagonal sums of one matrix

    ``K^k_ab[i, j] = g_s || U_b(e_j)^dagger M^k U_a(e_i) ||_F^2``,   ``U_a = G^r P_a gamma_a^(1/2)``

(``A_a = U_a U_a^dagger``), one dense product (BLAS) per channel and mode, weighted by
separable Fermi factors.  ``U_a`` is solved once per lattice energy.

The strip (:func:`grid_plan`): the mode poles (``g_k / 2``), the Fermi poles (``pi T_a``),
the Bose poles (``2 pi T_ph``) and the level widths of the resonances that carry weight
(:func:`_weight`).  A level narrower than the spacing whose weight is below ``1e-3 rtol``
is not resolved: the lattice ``e_i = (i + offset) h`` is placed between such levels
(:func:`_place`), where it misses each by about its weight.  The energy window is ``[min mu - X, max mu + X]`` with ``X`` where the
Fermi and Bose factors (the latter times the mode spectrum's decay) fall below
``1e-5 rtol``, and ``|w| <= |mu_L - mu_R| + X``.  The band edges (square-root branch
points, where the rule converges only like ``h^1.5``) must lie where those factors make
that error negligible; otherwise (and for user self-energies, ``T = 0``, undamped or
critically damped modes, or a lattice beyond :data:`_MAX_PAIRS`) the caller uses the
energy quadratures of :mod:`.lead_spectra`.

The channel split ``J_LR - J_RL`` (and ``I_LR + I_RL``) is a half-axis integral: as in
:mod:`.lattice`, the smooth step ``erf(w / sigma)`` on the same lattice plus the part
``int_0^inf erfc(w / sigma) [term(w) - term(-w)]``, by the Gauss rules for the weight
``erfc`` (:func:`.lattice.gauss_erfc`), with the energy sums at those frequencies on the
lattice of ``e`` (``U_b`` solved at ``e_i - w``).

Error estimate: the four lattices of spacing ``2h`` inside the lattice (even and odd
``i`` and ``m``) miss by ``e_2h``; the rule on ``h`` misses by ``e_2h exp(-pi d/h)``,
estimated as ten times that; plus the difference of the two erfc rules, the tails beyond
the last frequency, the bounds of what is not resolved (band edges: ``h^1.5``; narrow
levels) times the integrand's size, and the round-off of the sums.  A point whose
estimate misses ``rtol`` is redone at ``h/2`` once, then handed back.  Memory: the
``U`` vectors (lattice size times ``N r``) and blocks of at most :data:`_BLOCK` floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from .currents import mode_spectral_diagonal
from .lattice import (_SAFETY, _SPLIT_NODES, _SPLIT_REACH, _SPLIT_SIGMA, gauss_erfc,
                      lattice_spacing, mode_poles)
from .results import CHANNEL_FLOOR
from .stats import fermi, x_bose
from ..leads import Chain, WideBand

__all__ = ["GridPlan", "grid_plan", "grid_currents"]

_TWO_PI = 2 * np.pi
_EPS = np.finfo(float).eps
#: the Fermi/Bose weight below which the integrand is dropped, as a fraction of rtol
#: (``exp(-12)``, as the lattice cut-off of .lattice)
_WEIGHT_FLOOR = math.exp(-12.0)
#: largest lattice, in energy pairs per channel (above it the energy quadratures serve)
_MAX_PAIRS = 3e7
#: floats per block of the pair matrices (bounds the temporaries to ~64 MB)
_BLOCK = 2**22
#: |zeta(-1/2)|: the trapezoidal rule misses a square-root branch point by ~0.21 c h^1.5
_EDGE_ZETA = 0.21
_ROUNDOFF = 200 * _EPS
#: features (levels, band edges) whose possible error exceeds this fraction of rtol are
#: resolved by the lattice (or, band edges, make it ineligible); the others enter the
#: estimate
_RESOLVE = 1e-2
#: a narrow level (2 pi eta < h) of weight below this fraction of rtol is not resolved:
#: the lattice is placed between such levels (the offset of _place, tried at _PLACE_TRIES
#: fractions of h, their positions trusted to _PLACE_MARGIN h)
_PLACE = 1e-3
_PLACE_TRIES = 512
_PLACE_MARGIN = 1e-3
#: up to this many orbitals the split's off-lattice energies are solved, beyond it
#: interpolated from the Chebyshev tables (a solve costs ~N^3, an interpolation ~16 N r)
_SOLVE_MAX = 8
#: spacings tried: h, then h/2
_HALVINGS = 1


@dataclass
class GridPlan:
    """The lattice of one bias point: spacing ``h``, strip ``d``, the energy window
    ``[lo, hi]`` (before the leads' supports), the frequency cut ``w_max``, ``x_e``
    (the Fermi reach, for the split's energy window), ``unresolved``: the relative
    weight of what the lattice does not resolve (band edges inside the window, levels
    narrower than the spacing), a bound of its error as a fraction of the integrand's
    size; the index range ``(i0, i1)`` of each side; the lattice ``e_i = (i + offset) h``;
    ``narrow``: the narrow levels it is placed between (centres, half-widths, weights,
    inside the split's window), and ``resolved``: ``unresolved`` without their part."""

    h: float
    d: float
    lo: float
    hi: float
    w_max: float
    x_e: float
    unresolved: float
    ranges: dict
    offset: float = 0.0
    narrow: tuple = ()
    resolved: float = 0.0


def _mode_decay(numeric):
    """``rho(x) = max_k a_k(max(x, w*_k)) / a_k(w*_k)``: how far the mode spectra
    ``a_k = A_ph,kk / w`` have fallen at ``x`` from their peaks ``w*_k``."""
    om = np.asarray(numeric.omega, float)
    g = np.asarray(numeric.gamma_ph, float)
    peak = np.sqrt(np.maximum(om**2 - g**2 / 2, 0.0))
    top = np.diagonal(mode_spectral_diagonal(numeric, peak))       # a_k(w*_k)

    def rho(x):
        x = np.asarray(x, float)[..., None]
        # a_k at max(x, w*_k), each mode at its own frequency: the diagonal of (..., K, K)
        a = np.diagonal(mode_spectral_diagonal(numeric, np.maximum(x, peak)), axis1=-2,
                        axis2=-1)
        return np.max(a / top, axis=-1)

    return rho


def _weight(x, T_e, T_ph, rho):
    """Bound of the occupation factors of the integrand at an energy ``x >= 0`` outside
    the interval of the chemical potentials: ``exp(-x/T_e)`` (the electrons), plus
    ``exp(-x/T_ph) rho(x)`` (a Bose factor at ``w >= x``, times the mode spectra's
    decay there)."""
    x = np.asarray(x, float)
    with np.errstate(under="ignore"):
        return np.exp(-x / T_e) + np.exp(-x / T_ph) * rho(x)


def _lorentzian_miss(eta, h):
    """Largest error of the trapezoidal rule of spacing ``h`` on a unit-weight Lorentzian
    of half-width ``eta``: ``coth(pi eta / h) - 1`` (a node on the peak)."""
    with np.errstate(over="ignore"):
        return 2.0 / np.expm1(2 * np.pi * np.asarray(eta, float) / h)


def grid_plan(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph, rtol):
    """The :class:`GridPlan` of one bias point, or None where the lattice does not serve
    (module docstring)."""
    leads = spectra.electrodes.leads
    if not (T_L > 0 and T_R > 0 and T_ph > 0):
        return None
    if not all(isinstance(lead, (Chain, WideBand)) for lead in leads.values()):
        return None
    modes = mode_poles(numeric)
    if modes is None:
        return None
    T_e = max(T_L, T_R)
    rho = _mode_decay(numeric)
    floor = rtol * _WEIGHT_FLOOR
    c = math.log(1 / floor)
    x_e = c * T_e
    # the reach of the Bose part: where exp(-x/T_ph) rho(x) falls below the floor
    xs = np.linspace(0.0, c * T_ph, 400)
    bose = np.exp(-xs / T_ph) * rho(xs)
    x_b = float(xs[np.argmax(bose <= floor)]) if np.any(bose <= floor) else c * T_ph
    reach = max(x_e, x_b)
    mu_lo, mu_hi = min(mu_L, mu_R), max(mu_L, mu_R)
    # the strip: modes, Fermi and Bose poles, then the levels that carry weight
    d0 = min(float(np.min(np.abs(modes[0].imag))), math.pi * T_L, math.pi * T_R,
             _TWO_PI * T_ph)
    h0 = float(lattice_spacing(d0, rtol))
    dist = np.maximum(np.maximum(mu_lo - spectra.levels, spectra.levels - mu_hi), 0.0)
    eta = spectra.widths
    # the trapezoidal rule misses a Lorentzian of half-width eta (unit weight) by up to
    # 2 / (exp(2 pi eta / h) - 1) (~h / (pi eta) when narrow, a node on its peak): the
    # levels whose weight times that exceeds _RESOLVE rtol limit the strip, the others
    # enter the estimate with that bound
    occupied = _weight(dist, T_e, T_ph, rho)
    live = occupied * _lorentzian_miss(eta, h0) > _RESOLVE * rtol
    # ... except narrow levels of small weight: the lattice is placed between them
    # (offset), where it misses each by about its weight (_place)
    placed = live & (occupied <= _PLACE * rtol) & (_TWO_PI * eta < h0)
    mode_cap = float(np.min(np.abs(modes[0]))) / (_SPLIT_REACH * _SPLIT_SIGMA)
    split_reach = x_e + _SPLIT_REACH * _SPLIT_SIGMA * h0
    for attempt in (0, 1):
        resolve = live & ~placed
        d = min(d0, float(np.min(eta[resolve]))) if resolve.any() else d0
        h = float(lattice_spacing(d, rtol))
        # the split's erfc part (6 sigma) must not reach a mode pole
        h = min(h, mode_cap)
        offset, bound = _place(h, spectra.levels[placed], eta[placed], occupied[placed],
                               (spectra.levels[placed] > mu_lo - split_reach)
                               & (spectra.levels[placed] < mu_hi + split_reach))
        if bound <= _RESOLVE * rtol:
            break
        placed = np.zeros_like(placed)                 # resolve them all instead
    unresolved = float(np.sum(occupied[~live] * _lorentzian_miss(eta[~live], h))) + bound
    lo, hi = mu_lo - reach, mu_hi + reach
    edges = spectra.band_edges
    inside = edges[(edges > lo) & (edges < hi)]
    if inside.size:
        e_dist = np.maximum(np.maximum(mu_lo - inside, inside - mu_hi), 0.0)
        edge = float(np.sum(_weight(e_dist, T_e, T_ph, rho))) * _EDGE_ZETA * (2 * h) ** 1.5
        if edge > _RESOLVE * rtol:
            return None
        unresolved += edge
    ranges = _ranges(spectra, lo, hi, h, offset)
    if ranges is None:
        return None
    narrow = (spectra.levels[placed], eta[placed], occupied[placed],
              (spectra.levels[placed] > mu_lo - split_reach)
              & (spectra.levels[placed] < mu_hi + split_reach))
    return GridPlan(h=h, d=d, lo=lo, hi=hi, w_max=(mu_hi - mu_lo) + reach, x_e=x_e,
                    unresolved=unresolved, ranges=ranges, offset=offset, narrow=narrow,
                    resolved=unresolved - bound)


def _ranges(spectra, lo, hi, h, offset):
    """The lattice indices ``(i0, i1)`` of each side, ``e_i = (i + offset) h`` in
    ``[lo, hi]`` and the lead's support; None beyond :data:`_MAX_PAIRS`."""
    ranges = {}
    for side in "LR":
        s_lo, s_hi = spectra.electrodes.support(side)
        a, b = max(lo, s_lo), min(hi, s_hi)
        ranges[side] = ((math.ceil(a / h - offset), math.floor(b / h - offset)) if b > a
                        else (0, -1))
    if max(r[1] - r[0] + 1 for r in ranges.values()) ** 2 > _MAX_PAIRS:
        return None
    return ranges


def _place(h, centers, eta, weight, in_split):
    """The lattice offset (a fraction of ``h``) farthest from the narrow levels at
    ``centers`` (and, for those inside the split's window, ``in_split``, from their copies
    shifted by the split's Gauss nodes, where ``U_b`` is taken at ``e_i - w``), and the
    bound of what the lattice then misses of them: ``sum weight |S - 1|`` with
    ``S = sinh(a) / (cosh(a) - cos(2 pi s/h))``, ``a = 2 pi eta / h``, the lattice sum of a
    unit Lorentzian whose peak lies ``s`` from the nearest node (``s`` less a margin of
    ``_PLACE_MARGIN h`` for the levels' positions).  ``(0.0, 0.0)`` without levels."""
    if centers.size == 0:
        return 0.0, 0.0
    shifts = [np.zeros(1)]
    if in_split.any():
        sigma = _SPLIT_SIGMA * h
        x = np.concatenate([sigma * gauss_erfc(n)[0] for n in _SPLIT_NODES])
        shifts.append(np.concatenate([x, -x]))
    pos = [centers[:, None] + shifts[0][None, :]]
    owner = [np.repeat(np.arange(centers.size), 1)]
    if in_split.any():
        pick = np.flatnonzero(in_split)
        pos.append(centers[pick, None] + shifts[1][None, :])
        owner.append(np.repeat(pick, shifts[1].size))
    pos = np.concatenate([p.ravel() for p in pos])
    owner = np.concatenate(owner)
    thetas = (np.arange(_PLACE_TRIES) + 0.5) / _PLACE_TRIES
    frac = (pos[None, :] / h - thetas[:, None]) % 1.0
    dist = np.minimum(frac, 1.0 - frac)                        # (tries, positions), units of h
    best = int(np.argmax(dist.min(axis=1)))
    s = np.maximum(dist[best] - _PLACE_MARGIN, 0.0)            # per position
    a = _TWO_PI * eta[owner] / h
    # S - 1 without cancellation: sinh(a) / (2 sinh^2(a/2) + 2 sin^2(pi s)) - 1
    lattice_sum = np.sinh(a) / (2 * np.sinh(a / 2) ** 2 + 2 * np.sin(np.pi * s) ** 2)
    miss = np.abs(lattice_sum - 1.0)
    worst = np.zeros(centers.size)
    np.maximum.at(worst, owner, miss)
    return float(thetas[best]), float(np.sum(weight * worst))


def _vectors(electrodes, side, energies):
    """``U_a(e) = G^r(e) P_a gamma_a(e)^(1/2)`` at the energies: (n, N, r) complex."""
    w = electrodes.solve(energies, electrodes.basis[side])
    return w @ _root(electrodes.gamma(side, energies))


def _root(g):
    """``gamma^(1/2)`` of the reduced broadenings (n, r, r) (PSD; clipped at 0)."""
    if g.shape[-1] == 1:
        return np.sqrt(np.maximum(g.real, 0.0)).astype(complex)
    lam, vec = np.linalg.eigh(g)
    return np.einsum("nij,nj,nkj->nik", vec, np.sqrt(np.maximum(lam, 0.0)), np.conj(vec))


def _kernel(couplings, spin, u_a, u_b):
    """``K^k[i, j] = g_s ||U_b(e_j)^+ M^k U_a(e_i)||_F^2`` for every mode: (K, n_a, n_b)."""
    n_a, n, r_a = u_a.shape
    n_b, _, r_b = u_b.shape
    right = np.conj(u_b).transpose(1, 0, 2).reshape(n, n_b * r_b)
    out = np.empty((couplings.shape[0], n_a, n_b))
    for k, m in enumerate(couplings):
        left = np.einsum("pq,iqc->icp", m, u_a).reshape(n_a * r_a, n)
        # entries (i c, j d): (U_b^+ M U_a)[j d, i c], contiguous in (i, j)
        prod = left @ right
        sq = np.square(prod.real)
        sq += np.square(prod.imag)
        if r_a == r_b == 1:
            np.multiply(sq, spin, out=out[k])
        else:
            out[k] = spin * sq.reshape(n_a, r_a, n_b, r_b).sum(axis=(1, 3))
    return out


def _diagonal_sums(p, parity):
    """Sums of ``p[i, j]`` over ``i - j = const`` for the rows of each parity (``parity``:
    that of row 0): (2, R + C - 1), column ``c`` holding ``i - j = c - (C - 1)``."""
    rows, cols = p.shape
    buf = np.zeros((rows, rows + cols))
    buf[:, :cols] = p[:, ::-1]
    y = buf.ravel()[:rows * (rows + cols - 1)].reshape(rows, rows + cols - 1)
    out = np.empty((2, rows + cols - 1))
    out[parity] = y[0::2].sum(axis=0)
    out[1 - parity] = y[1::2].sum(axis=0)
    return out


class _Side:
    """One electrode on the lattice: energies, ``U``, occupations."""

    def __init__(self, electrodes, side, rng, h, mu, T, offset=0.0):
        self.i0, i1 = rng
        self.e = (np.arange(self.i0, i1 + 1) + offset) * h
        self.u = _vectors(electrodes, side, self.e) if self.e.size else None
        self.f = fermi(self.e - mu, T)
        self.g = fermi(mu - self.e, T)            # 1 - f, accurate in the tail


def _channel_sums(numeric, side_a, side_b):
    """Diagonal sums of ``K f_a (1 - f_b)`` and ``K (f_b - f_a)`` (and ``|...|`` of the
    latter) per mode and row parity: (3, K, 2, L) and ``m_min``, the ``m = i - j`` of
    column 0."""
    n_a, n_b = side_a.e.size, side_b.e.size
    k = numeric.K
    length = n_a + n_b - 1
    out = np.zeros((3, k, 2, length))
    r_ab = side_a.u.shape[2] * side_b.u.shape[2]
    # a block of rows holds the kernel (K rows n_b), the product (2 r_a r_b rows n_b), three
    # weighted copies and the shifted buffer (rows (rows + n_b)): ~(K + 2 r_a r_b + 8) rows n_b
    rows = max(1, min(n_a, _BLOCK // (n_b * (k + 2 * r_ab + 8))))
    couplings = np.asarray(numeric.M, complex)
    spin = float(numeric.spin_degeneracy)
    for r0 in range(0, n_a, rows):
        sl = slice(r0, min(n_a, r0 + rows))
        kern = _kernel(couplings, spin, side_a.u[sl], side_b.u)      # (K, R, n_b)
        fa = side_a.f[sl, None]
        parity = (side_a.i0 + r0) % 2
        width = kern.shape[1] + n_b - 1
        for q in range(k):
            less = kern[q] * (fa * side_b.g[None, :])
            dos = kern[q] * (side_b.f[None, :] - fa)
            for c, part in enumerate((less, dos, np.abs(dos))):
                out[c, q, :, r0:r0 + width] += _diagonal_sums(part, parity)
    m_min = side_a.i0 - side_b.i0 - (n_b - 1)
    return out, m_min


def _split_spectra(numeric, spectra, side_a, b, x, plan, mu_lo, mu_hi, mu_b, T_b):
    """``(Pi^<, Lambda, bound)`` of channel ``a b`` at the frequencies ``x`` (G,), from the
    energy sums on a's lattice (``U_b`` at ``e_i - x``): each (G, K), with the
    ``int de / 2 pi`` (times ``h / 2 pi``); ``bound``: the error of both from ``U_b``.

    ``U_b`` off the lattice: solved, or for ``N > _SOLVE_MAX`` interpolated from the
    Chebyshev table of ``G^r P_b`` (:class:`.lead_spectra.ChebyshevTable`, its error
    bound carried into ``bound``)."""
    h = plan.h
    reach = plan.x_e + float(np.max(np.abs(x)))
    sel = (side_a.e >= mu_lo - reach) & (side_a.e <= mu_hi + reach)
    e = side_a.e[sel]
    k_modes = numeric.K
    if not e.size:
        z = np.zeros((x.size, k_modes))
        return z, z.copy(), z.copy()
    electrodes = spectra.electrodes
    n, r_b = numeric.N, electrodes.basis[b].shape[1]
    # frequencies per pass: U_b at (nodes x energies) holds 2 N r_b floats each
    per = max(1, _BLOCK // (2 * n * max(1, r_b) * e.size))
    if x.size > per:
        parts = [_split_spectra(numeric, spectra, side_a, b, x[i:i + per], plan, mu_lo, mu_hi,
                                mu_b, T_b) for i in range(0, x.size, per)]
        return tuple(np.concatenate([p[c] for p in parts]) for c in range(3))
    shifted = (e[None, :] - x[:, None]).ravel()
    s_lo, s_hi = electrodes.support(b)
    inside = (shifted > s_lo) & (shifted < s_hi)
    u_b = np.zeros((shifted.size, n, r_b), complex)
    err_b = np.zeros(shifted.size)
    pts = shifted[inside]
    if pts.size:
        if n <= _SOLVE_MAX:
            u_b[inside] = _vectors(electrodes, b, pts)
        else:
            table = spectra.table(b, [(float(pts.min()), float(pts.max()))])
            wb, err = table(pts, compiled=True)
            root = _root(electrodes.gamma(b, pts))
            u_b[inside] = wb @ root
            err_b[inside] = err * np.sqrt(np.sum(np.abs(root) ** 2, axis=(1, 2)))
    u_b = u_b.reshape(x.size, e.size, n, r_b)
    err_b = err_b.reshape(x.size, e.size)
    u_a = side_a.u[sel]
    couplings = np.asarray(numeric.M, complex)
    spin = float(numeric.spin_degeneracy)
    f_a, g_b = side_a.f[sel], fermi(mu_b - shifted, T_b).reshape(x.size, e.size)
    f_b = fermi(shifted - mu_b, T_b).reshape(x.size, e.size)
    # |delta K| <= g_s 2 |M U_a| |U_b| |delta U_b| (Frobenius norms)
    nb = np.sqrt(np.sum(np.abs(u_b) ** 2, axis=(2, 3)))
    less = np.empty((x.size, k_modes))
    dos = np.empty((x.size, k_modes))
    bound = np.empty((x.size, k_modes))
    for k, m in enumerate(couplings):
        m_u = np.einsum("pq,iqc->ipc", m, u_a)                            # M U_a: (n, N, r_a)
        prod = np.einsum("gipd,ipc->gidc", np.conj(u_b), m_u)
        kern = spin * np.sum(prod.real ** 2 + prod.imag ** 2, axis=(2, 3))   # (G, n)
        dk = spin * 2 * np.sqrt(np.sum(np.abs(m_u) ** 2, axis=(1, 2)))[None] * nb * err_b
        less[:, k] = np.sum(kern * f_a[None, :] * g_b, axis=1)
        dos[:, k] = np.sum(kern * (f_b - f_a[None, :]), axis=1)
        bound[:, k] = np.sum(dk, axis=1)
    scale = h / _TWO_PI
    return scale * less, scale * dos, scale * bound


def _flow(numeric, w, less, dos, T_ph, magnitude=False):
    """``flow(w) = sum_k a_k [w Pi^< - x_B(w) Lambda]`` at the frequencies ``w``
    (``magnitude``: the same with absolute values of every term)."""
    a = mode_spectral_diagonal(numeric, np.abs(w))
    xb = x_bose(w, T_ph)
    if magnitude:
        return np.sum(a * (np.abs(w)[..., None] * np.abs(less)
                           + np.abs(xb)[..., None] * np.abs(dos)), axis=-1)
    return np.sum(a * (w[..., None] * less - xb[..., None] * dos), axis=-1)


def grid_currents(spectra, numeric, plan, mu_L, mu_R, T_L, T_R, T_ph, rtol, energy_ref,
                  live):
    """``(values (6,), error, ok)`` of one bias point on the lattice of ``plan``
    (``values`` as :func:`.lead_currents._bias_point`: ``J_LL, J_RR, J_RL, J_LR``, then
    ``energy_ref`` times ``I_RL``, ``I_LR``); ``live``: the channel names to compute
    (``J_aa = 0`` exactly at ``T_a = T_ph``).  ``ok`` is False when the estimate misses
    ``rtol`` at ``h`` and at ``h/2`` (or the halved lattice is too large)."""
    for halving in range(_HALVINGS + 1):
        if halving:
            plan = _halved(plan, spectra)
            if plan is None:
                break
        values, error, ok = _grid_round(spectra, numeric, plan, mu_L, mu_R, T_L, T_R, T_ph,
                                        rtol, energy_ref, live)
        if ok:
            return values, error, True
    return None, None, False


def _halved(plan, spectra):
    """The plan at half the spacing (placed anew between its narrow levels), or None."""
    h = plan.h / 2
    offset, bound = _place(h, *plan.narrow) if plan.narrow else (0.0, 0.0)
    ranges = _ranges(spectra, plan.lo, plan.hi, h, offset)
    if ranges is None:
        return None
    return GridPlan(h=h, d=plan.d, lo=plan.lo, hi=plan.hi, w_max=plan.w_max, x_e=plan.x_e,
                    unresolved=plan.resolved + bound, ranges=ranges, offset=offset,
                    narrow=plan.narrow, resolved=plan.resolved)


def _grid_round(spectra, numeric, plan, mu_L, mu_R, T_L, T_R, T_ph, rtol, energy_ref, live):
    h = plan.h
    electrodes = spectra.electrodes
    mus, temps = {"L": mu_L, "R": mu_R}, {"L": T_L, "R": T_R}
    sides = {s: _Side(electrodes, s, plan.ranges[s], h, mus[s], temps[s], plan.offset)
             for s in "LR"}
    sigma = _SPLIT_SIGMA * h
    mu_lo, mu_hi = min(mu_L, mu_R), max(mu_L, mu_R)
    t_max = max(T_L, T_R, T_ph)
    scale_w = h / _TWO_PI
    # raw sums per channel: [A_J, A_I, B_J, B_I] (B only for LR) and their estimates
    values = np.zeros(6)
    est = np.zeros(6)
    gross_all = np.zeros(6)
    pairs = [("L", "L", "LL"), ("R", "R", "RR"), ("L", "R", "LR")]
    for a, b, name in pairs:
        if name == "LR":
            if "LR" not in live and "RL" not in live:
                continue
        elif name not in live:
            continue
        sa, sb = sides[a], sides[b]
        if sa.u is None or sb.u is None:
            continue
        sums, m_min = _channel_sums(numeric, sa, sb)
        m = m_min + np.arange(sums.shape[-1])
        keep = np.abs(m * h) <= plan.w_max
        m, sums = m[keep], sums[..., keep]
        w = m * h
        # flow per row parity (the e sums times h / 2 pi): (2, L)
        less, dos, dos_abs = (np.moveaxis(x, 0, -1) for x in sums)       # each (2, L, K)
        flow_p = scale_w * _flow(numeric, w, less, dos, T_ph)
        flow = flow_p.sum(axis=0)
        gross = scale_w * _flow(numeric, w, less, dos_abs, T_ph, magnitude=True).sum(axis=0)
        step = erf(w / sigma)
        weights = {"AJ": w, "AI": np.ones_like(w), "BJ": step * w, "BI": step}

        def total(f, wgt, select=None):
            if select is None:
                return scale_w * np.sum(wgt * f)
            return 4 * scale_w * np.sum(np.where(select, wgt * f, 0.0))

        full = {key: total(flow, wgt) for key, wgt in weights.items()}
        coarse = {key: 0.0 for key in weights}
        for p in (0, 1):
            for q in (0, 1):
                sel = (m % 2) == q
                for key, wgt in weights.items():
                    coarse[key] = max(coarse[key], abs(total(flow_p[p], wgt, sel) - full[key]))
        damp = _SAFETY * math.exp(-math.pi * plan.d / h)
        err = {key: damp * coarse[key] for key in weights}
        # tails beyond the last frequencies (Bose/Fermi decay on the scale t_max)
        for key, wgt in weights.items():
            err[key] += 2 * t_max * (abs(wgt[0] * flow[0]) + abs(wgt[-1] * flow[-1])) / _TWO_PI
        size_j = scale_w * np.sum(np.abs(w) * gross)
        size_i = scale_w * np.sum(gross)
        for key in weights:
            size = size_j if key.endswith("J") else size_i
            err[key] += (plan.unresolved + _EPS * math.sqrt(w.size * sa.e.size)) * size
        if name == "LR":
            split = []
            for n_nodes in _SPLIT_NODES:
                t, wt = gauss_erfc(n_nodes)
                x = sigma * t
                nodes = np.concatenate([x, -x])
                less, dos, bound = _split_spectra(numeric, spectra, sa, b, nodes, plan,
                                                  mu_lo, mu_hi, mus[b], temps[b])
                fl = _flow(numeric, nodes, less, dos, T_ph)
                fb = _flow(numeric, nodes, bound, -bound, T_ph, magnitude=True)
                fp, fm = fl[:x.size], fl[x.size:]
                split.append((sigma * np.sum(wt * x * (fp + fm)) / _TWO_PI,
                              sigma * np.sum(wt * (fp - fm)) / _TWO_PI,
                              sigma * np.sum(wt * (np.abs(x) + 1.0) * (fb[:x.size] + fb[x.size:]))
                              / _TWO_PI))
            b_j = full["BJ"] + split[0][0]
            b_i = full["BI"] + split[0][1]
            e_bj = err["BJ"] + abs(split[0][0] - split[1][0]) + split[0][2]
            e_bi = err["BI"] + abs(split[0][1] - split[1][1]) + split[0][2]
            # J_RL, J_LR, I_RL, I_LR
            values[2] = (full["AJ"] - b_j) / 2
            values[3] = (full["AJ"] + b_j) / 2
            values[4] = energy_ref * (b_i - full["AI"]) / 2
            values[5] = energy_ref * (b_i + full["AI"]) / 2
            est[2] = est[3] = (err["AJ"] + e_bj) / 2
            est[4] = est[5] = energy_ref * (err["AI"] + e_bi) / 2
            gross_all[2] = gross_all[3] = size_j
            gross_all[4] = gross_all[5] = energy_ref * size_i
        else:
            i = 0 if name == "LL" else 1
            values[i] = full["AJ"] / 2
            est[i] = err["AJ"] / 2
            gross_all[i] = size_j / 2
    top = max(float(np.max(np.abs(values))), float(np.max(gross_all)))
    scale = np.empty(6)
    for g in ([0], [1], [2, 4], [3, 5]):
        scale[g] = max(float(np.max(np.abs(values[g]))), CHANNEL_FLOOR * top)
    ok = bool(np.all(np.isfinite(est)) and np.all(
        est <= np.maximum(rtol * scale, _ROUNDOFF * gross_all)))
    error = float(np.max(est + _EPS * 4 * np.abs(values)))
    return values, error, ok
