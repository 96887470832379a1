"""EHP spectra of Eqs. (6)-(7) in closed form, vectorized over all arguments.

For each channel (alpha, beta) and mode pair (m, n) the energy integral of the
kernel ``sum_pq T_pq / ((e - p)(e - w - q))`` against the occupation factors is
a combination of digamma functions (:mod:`symehp.numeric.fermi_integrals`):

* equal electrode temperatures (``T_a = T_b = T``), with ``d = w - mu_ab``:
  ``Lambda = -(d / 2pi) S``, ``Pi^< = -(d n_B(d, T) / 2pi) S``,
  ``S = sum_pq T_pq Delta2[p, w + q; d]`` (a second divided difference of Phi),
  so the removable singularity of ``n_B`` at ``w = mu_ab`` never appears;
* unequal temperatures: ``Lambda`` is still closed form (each Fermi function
  alone); ``Pi^<`` contains the product ``f_a (1 - f_b)`` and is integrated
  numerically over the energy window where it is not exponentially small.
* when the pole-pair sum cancels by more than ``MAX_CANCELLATION`` (narrow
  levels far from every chemical potential: terms of 1e-4 summing to 1e-12),
  the point is redone by that quadrature, whose kernel comes from matrix
  inverses and does not cancel (at equal temperatures one integral,
  ``G = int K (f_b - f_a)/d``, gives ``Lambda = d G/2pi`` and
  ``Pi^< = d n_B(d) G/2pi``, so detailed balance stays exact).
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike
from .fermi_integrals import (CLOSE, analytic_radius, divided_difference, log1p_complex,
                              mixed_difference, phi_lower)
from .fermi_poles import MAX_POLES, fermi_poles, pole_count
from .poles import pole_expansion
from .backends import check_dps, precise_engine, resolve
from .quadrature import IntegrationWarning, graded_points, integrate_panels
from .stats import fermi, x_bose
from ._args import broadcast_parameters, numeric_model, spectrum_arguments
from ..errors import ParameterError
from ..model import Junction, NumericJunction
from ..ehp import channel as _channel

__all__ = ["ehp_dos", "emission_spectrum", "channel_spectra"]

_TWO_PI = 2 * np.pi
#: Fermi tails beyond this many temperatures are below exp(-40) ~ 4e-18
_TAIL = 40.0
#: the energy quadrature warns when it reaches less than this relative accuracy
_WARN_RTOL = 1e-9
#: its target
_QUAD_RTOL = 1e-12
#: ... for Lambda relative to itself or to this fraction of the largest component
#: (Pi^<), where it cancels (unequal temperatures)
_DOS_FLOOR = 1e-3


def _pair_grid(expansion, omega):
    """Poles p (rows) and shifted poles w + q (columns) for every omega: shape (..., P, P)."""
    p = expansion.poles[:, None]
    q = expansion.poles[None, :]
    w = np.asarray(omega, float)[..., None, None]
    return p, w + q, expansion.family[:, None], expansion.family[None, :]


def _condition(expansion, key, pair_sizes, total, floor=None):
    """How much the pole-pair sum cancels: ``max sum |T| |X| / max |sum T X|`` per point
    (the denominator at least ``floor``, in the units of ``total``, if given).

    ``pair_sizes`` (>= 0): the size of the terms each pair value ``X_pq`` was made
    of (``|A| + |B|`` for ``X = A - B``), so that a cancellation inside a pair value
    counts as well as one across pairs."""
    gross = np.max(expansion.contract(*key, pair_sizes, absolute=True), axis=(-2, -1))
    top = np.max(np.abs(total), axis=(-2, -1))
    if floor is not None:
        top = np.maximum(top, floor)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = gross / np.where(top > 0, top, 1.0)
    return np.where(top > 0, ratio, np.where(gross > 0, np.inf, 1.0))


def _equal_t(expansion, key, omega, mu_a, mu_ab, T, scale=None):
    """``S`` of the equal-temperature closed form (..., K, K), and its condition
    (against ``scale``, a size of ``Lambda = -(d / 2 pi) S``, if given)."""
    p, s, fam_p, fam_q = _pair_grid(expansion, omega)
    delta = (omega - mu_ab)[..., None, None]
    x = mixed_difference(p, s, delta, mu_a[..., None, None], T[..., None, None], fam_p, fam_q)
    total = expansion.contract(*key, x)
    floor = None
    if scale is not None:
        d = np.abs(omega - mu_ab)
        with np.errstate(divide="ignore", invalid="ignore"):
            floor = np.where(d > 0, _TWO_PI * scale / d, 0.0)
    return total, _condition(expansion, key, np.abs(x), total, floor)


def _dos_general(expansion, key, omega, mu_a, mu_b, T_a, T_b, scale=None):
    """``Lambda`` for any two temperatures (each Fermi function in closed form), and its condition."""
    p, s, fam_p, fam_q = _pair_grid(expansion, omega)
    w = omega[..., None, None]
    q = s - w
    term_a = divided_difference(p, s, mu_a[..., None, None], T_a[..., None, None], fam_p, fam_q)
    term_b = divided_difference(p - w, q, mu_b[..., None, None], T_b[..., None, None], fam_p, fam_q)
    total = expansion.contract(*key, term_a - term_b)
    floor = None if scale is None else _TWO_PI * scale
    # the two Fermi integrals cancel where T_a ~ T_b and w ~ mu_ab: judged term by term
    return -total / _TWO_PI, _condition(expansion, key, np.abs(term_a) + np.abs(term_b),
                                        total, floor)


#: the window of the Fermi pole sums, |e - w - mu_b| <= X with
#: X = max(_POLE_WINDOW max(T_a, T_b), |w - mu_ab| + _POLE_WINDOW T_a): beyond it f_a is 0
#: or 1 and f(., T_a) - f(., T_b) is below exp(-_POLE_WINDOW) ~ 4e-18
_POLE_WINDOW = 40.0
#: pole counts are rounded up to multiples of this (fewer groups of nodes, one array each)
_POLE_STEP = 4
#: more Fermi poles than this (at most MAX_POLES, the verified bound) cost more than the
#: energy quadrature per node (two-level model: 0.4 s per point with 180 poles, 1.2 s
#: with 390, 8.8 s with 720, against 2-3.5 s by quadrature)
_MAX_POLE_COUNT = min(512, MAX_POLES)
#: complex numbers per block of the pole sums' (nodes, poles, Fermi poles) arrays
_POLE_BLOCK = 2 * 2**20


def _log_difference(x, y, L):
    """``[log(x - L) - log(y - L)] / (x - y)`` (principal logs), exact as ``x -> y``."""
    u = (x - y) / (y - L)
    close = np.abs(u) < 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = (np.log(x - L) - np.log(y - L)) / np.where(close, 1.0, x - y)
        near = np.where(u != 0, log1p_complex(u) / np.where(u != 0, x - y, 1.0), 1.0 / (y - L))
    return np.where(close, near, direct)


def _fermi_pole_sums(ref, z_low, weight, mu_a, T_a, window, offset, lower_end):
    """NumPy twin of :func:`._numba_kernels.fermi_pole_sums` (same returns)."""
    tau = (2 * np.pi * T_a)[:, None]
    psi_z = phi_lower(z_low - mu_a[:, None], tau) - np.log(offset + window[:, None])
    psi_u = (phi_lower(ref - mu_a[None, :, None], tau[None])
             - np.log(ref - lower_end[None, :, None]))
    rr, zz = ref[..., None], z_low[None, :, None, :]
    gap = rr - zz
    centre = np.abs(ref.imag)[..., None] + np.abs(zz.imag)
    close = (gap.real ** 2 + gap.imag ** 2
             <= (CLOSE * (0.5 * centre + np.pi * T_a[None, :, None, None])) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_same = np.where(close, 0.0, 1.0 / gap)
    inv_other = 1.0 / (rr - np.conj(zz))
    s1 = (np.einsum("kmpz,mz->kmp", inv_same, weight)
          + np.einsum("kmpz,mz->kmp", inv_other, weight))
    s2 = (np.einsum("kmpz,mz->kmp", inv_same, weight * psi_z)
          + np.einsum("kmpz,mz->kmp", inv_other, weight * np.conj(psi_z)))
    a_sum = np.abs(inv_same) + np.abs(inv_other)
    a_w = np.abs(weight)
    gross = (np.abs(psi_u) * np.einsum("kmpz,mz->kmp", a_sum, a_w)
             + np.einsum("kmpz,mz->kmp", a_sum, a_w * np.abs(psi_z)))
    return psi_u, psi_z, psi_u * s1 - s2, gross, close


def _emission_pole_block(expansion, key, omega, mu_a, mu_b, T_a, T_b, window, n_a, n_b,
                         engine="numpy"):
    """The correction ``C`` of :func:`_emission_two_t` on a block of nodes with the same
    pole counts: ``(C (M, K, K), gross (M, K, K), suspect (M,))``.

    ``C = (1/2pi) sum_pq T_pq Y_pq``, ``Y_pq = sum_z c_z Psi[p, w + q, z]`` (second
    divided differences of ``Psi(u) = Phi_a(u) - log(u - L)``, ``L = w + mu_b - X``)
    over the Fermi poles ``z = w + mu_b +- i xi T_c`` with weights ``c_z = +- r T_c``.
    Written as ``Y_pq = (U_p - V_q) / (p - s_q)``, ``U_u = sum_z c_z Psi[u, z]``, so the
    cost is O(P Z) per node; pairs with ``p`` close to ``s_q = w + q`` (one family) are
    redone as ``sum_z c_z (Psi[p, s] - Psi[s, z]) / (p - z)``.  ``gross``: the size of
    the terms (round-off scale); ``suspect``: nodes with a non-finite term.
    ``engine``: ``"numpy"`` or ``"numba"`` for the sums over the Fermi poles.
    """
    xi_a, r_a = fermi_poles(n_a)
    xi_b, r_b = fermi_poles(n_b)
    m = omega.size
    c = omega + mu_b
    lower_end = c - window                             # L
    tau = (2 * np.pi * T_a)[:, None]
    # the lower Fermi poles z (the upper ones are their conjugates, same weights)
    offset = np.concatenate([-1j * xi_b[None, :] * T_b[:, None],
                             -1j * xi_a[None, :] * T_a[:, None]], axis=1)          # (M, Z)
    weight = np.concatenate([r_b[None, :] * T_b[:, None], -r_a[None, :] * T_a[:, None]],
                            axis=1)
    z_low = c[:, None] + offset
    poles, fam = expansion.poles, expansion.family
    lower = fam < 0
    # the points u: the poles p and the shifted poles s_q = w + q, as (2, M, P); each is
    # represented by its lower-family image (u itself, or conj u for an upper u, with
    # Psi_+(conj u) = conj Psi_-(u) for real mu_a, L)
    points = np.stack([np.broadcast_to(poles, (m, poles.size)),
                       omega[:, None] + poles[None, :]])
    ref = np.where(lower, points, np.conj(points))
    # U = sum_z w (Psi[ref, z] + Psi[ref, conj z]), the lower z being of ref's family and
    # their conjugates of the other: U = Psi(ref) S1 - S2, S1 = sum w (1/(ref - z) +
    # 1/(ref - conj z)), S2 = sum w (Psi(z)/(ref - z) + conj Psi(z)/(ref - conj z)); a
    # point close to a Fermi pole of its family leaves that term out (``close``): it is
    # added below as the exact divided difference
    if engine == "numba":
        from .backends import kernels
        psi_u, psi_z, sums, gross_u, close = kernels().fermi_pole_sums(
            np.ascontiguousarray(ref), np.ascontiguousarray(z_low), np.ascontiguousarray(weight),
            mu_a, T_a, window, CLOSE)
    else:
        psi_u, psi_z, sums, gross_u, close = _fermi_pole_sums(ref, z_low, weight, mu_a, T_a,
                                                              window, offset, lower_end)
    exact = None
    if close.any():
        idx = np.nonzero(close)
        x_c, z_c = ref[idx[:3]], z_low[idx[1], idx[3]]
        exact = (divided_difference(x_c, z_c, mu_a[idx[1]], T_a[idx[1]], -1.0)
                 - _log_difference(x_c, z_c, lower_end[idx[1]]))
    if exact is not None:
        contrib = weight[idx[1], idx[3]] * exact
        np.add.at(sums, idx[:3], contrib)
        np.add.at(gross_u, idx[:3], 4 * np.abs(contrib))
    u_p, v_q = np.where(lower, sums, np.conj(sums))
    diff = poles[None, :, None] - (omega[:, None, None] + poles[None, None, :])     # (M, P, P)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = (u_p[:, :, None] - v_q[:, None, :]) / diff
        gross = (gross_u[0][:, :, None] + gross_u[1][:, None, :]) / np.abs(diff)
    # pairs of one family with p close to w + q (w -> 0 with p = q; resonances): the
    # other form of the second divided difference, through Psi[p, s] (exact as p -> s)
    z_all = np.concatenate([z_low, np.conj(z_low)], axis=1)                        # (M, 2Z)
    # candidates first: the distance from p to the Fermi poles (at Re z = c) is at most
    # that to the nearest of +- i pi T_a, +- i pi T_b
    reach = np.hypot(poles.real[None, :] - c[:, None],
                     np.abs(poles.imag)[None, :] + np.pi * np.maximum(T_a, T_b)[:, None])
    same_family = (fam[:, None] == fam[None, :])[None]
    near = same_family & (np.abs(diff) <= _RESONANT * reach[:, :, None])
    if near.any():
        rows = np.nonzero(np.any(near, axis=2))
        dist = np.min(np.abs(z_all[rows[0]] - poles[rows[1]][:, None]), axis=-1)
        dist_p = np.full(reach.shape, np.inf)
        dist_p[rows] = dist
        near &= np.abs(diff) <= _RESONANT * dist_p[:, :, None]
    if near.any():
        im, ip, iq = np.nonzero(near)
        pp, ss, f = poles[ip], omega[im] + poles[iq], fam[ip]
        first = (divided_difference(pp, ss, mu_a[im], T_a[im], f)
                 - _log_difference(pp, ss, lower_end[im]))
        zs, ws = z_all[im], np.concatenate([weight[im], weight[im]], axis=1)
        # Psi[s, z] = (Psi(s) - Psi(z)) / (s - z), each Psi of its own point's family
        ps = np.where(f < 0, psi_u[1, im, iq], np.conj(psi_u[1, im, iq]))[:, None]
        pz_all = np.concatenate([psi_z[im], np.conj(psi_z[im])], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            second = (ps - pz_all) / (ss[:, None] - zs)
            g_second = (np.abs(ps) + np.abs(pz_all)) / np.abs(ss[:, None] - zs)
        inv = ws / (pp[:, None] - zs)
        y[im, ip, iq] = first * np.sum(inv, axis=1) - np.sum(inv * second, axis=1)
        gross[im, ip, iq] = (np.abs(first) * np.sum(np.abs(inv), axis=1)
                             + np.sum(np.abs(inv) * g_second, axis=1))
    bad = ~(np.isfinite(y) & np.isfinite(gross))
    suspect = np.any(bad, axis=(1, 2))
    if suspect.any():
        y, gross = np.where(bad, 0.0, y), np.where(bad, 0.0, gross)
    total = expansion.contract(*key, y) / _TWO_PI
    size = expansion.contract(*key, gross, absolute=True) / _TWO_PI
    return total, size, suspect


#: pole pairs p, w + q of one family closer than this fraction of their distance to
#: the Fermi poles take the second form of the divided difference (the first loses
#: at most log10(256) ~ 2.4 digits, counted in its condition)
_RESONANT = 1 / 256


def _emission_two_t(expansion, key, omega, mu_a, mu_b, T_a, T_b, scale=None, engine="numpy"):
    """``Pi^<`` at two temperatures ``T_a != T_b`` (both > 0) in closed form, and its condition.

    ``1 - f_b = [1 - f(x; T_a)] + delta(x)``, ``delta(x) = f(x; T_a) - f(x; T_b)``,
    ``x = e - w - mu_b``: the first part is the equal-temperature emission at ``T_a``
    (digammas, :func:`_equal_t`); ``delta`` is smooth, exponentially small for
    ``|x| >> max(T_a, T_b)``, and is replaced by the difference of two Fermi pole sums
    (:mod:`.fermi_poles`), accurate to ``2 ERROR_BOUND`` on ``|x| <= X``,
    ``X = max(40 max(T_a, T_b), |w - mu_ab| + 40 T_a)``.  Then ``int K f_a delta`` is a
    sum of second divided differences of ``Phi_a`` over the kernel's poles and the
    Fermi poles.  Outside the window the pole sums fall only like ``1/x``; there
    ``delta ~ 0``, ``f_a = 0`` above and ``f_a = 1`` below, so the pole sums' tail
    below the window, ``int_{-inf}^{L} K delta_N``, ``L = w + mu_b - X``, is subtracted
    exactly (``Phi_a -> Phi_a - log(. - L)`` in the divided differences).  What
    remains is ``<= 2 ERROR_BOUND int |K| + e^-40`` terms (docs/conventions.md).
    """
    d = omega - (mu_a - mu_b)
    # delta(x) < e^-40 beyond 40 max(T_a, T_b); f_a is 0 or 1 to e^-40 beyond 40 T_a of
    # mu_a = c - d, i.e. for x outside [-d - 40 T_a, -d + 40 T_a]
    window = np.maximum(_POLE_WINDOW * np.maximum(T_a, T_b), np.abs(d) + _POLE_WINDOW * T_a)
    step = _POLE_STEP
    with np.errstate(over="ignore"):
        n_a = -(-pole_count(np.minimum(window / T_a, 1e12)) // step) * step
        n_b = -(-pole_count(np.minimum(window / T_b, 1e12)) // step) * step
    # beyond _MAX_POLE_COUNT (an electrode ~1e3 times colder than the window is wide)
    # the quadrature is faster: left to it
    too_many = np.maximum(n_a, n_b) > _MAX_POLE_COUNT
    n_a, n_b = np.where(too_many, 0, n_a), np.where(too_many, 0, n_b)
    s1, cond1 = _equal_t(expansion, key, omega, mu_a, mu_a - mu_b, T_a)
    first = -(x_bose(d, T_a)[..., None, None] * s1) / _TWO_PI
    # (an infinite condition: the equal-temperature pair sum cancelled to exactly 0)
    suspect = ~np.isfinite(cond1)
    gross = np.where(suspect, 0.0, np.max(np.abs(first), axis=(-2, -1)) * np.where(
        suspect, 0.0, cond1))
    total = first.copy()
    groups = np.stack([n_a, n_b], axis=-1)
    for na, nb in np.unique(groups, axis=0):
        if na == 0:
            continue
        sel = np.nonzero((n_a == na) & (n_b == nb))[0]
        per_node = 2 * expansion.poles.size * 2 * (na + nb) * 4
        block = max(1, _POLE_BLOCK // per_node)
        for start in range(0, sel.size, block):
            idx = sel[start:start + block]
            corr, size, bad = _emission_pole_block(
                expansion, key, omega[idx], mu_a[idx], mu_b[idx], T_a[idx], T_b[idx],
                window[idx], int(na), int(nb), engine)
            total[idx] += corr
            gross[idx] += np.max(size, axis=(-2, -1))
            suspect[idx] |= bad
    top = np.max(np.abs(total), axis=(-2, -1))
    if scale is not None:
        top = np.maximum(top, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = np.where(top > 0, gross / np.where(top > 0, top, 1.0),
                        np.where(gross > 0, np.inf, 1.0))
    cond = np.where(suspect | too_many, np.inf, cond)
    return total, cond


def _energy_edges(expansion, flat):
    """Breakpoints of the energy integral of each point (``flat``: omega, mu_a, mu_b, T_a, T_b)."""
    edges = []
    for w, ma, mb, ta, tb in zip(*flat):
        lo = min(ma, mb + w) - _TAIL * max(ta, tb)
        hi = max(ma, mb + w) + _TAIL * max(ta, tb)
        # each Fermi edge is a boundary layer of width T: breakpoints at 2, 6, 15 T on
        # both sides, so that it is never narrower than the node spacing of its panel
        thermal = [x0 + c * t for x0, t in ((ma, ta), (mb + w, tb)) if t > 0
                   for c in (-15.0, -6.0, -2.0, 2.0, 6.0, 15.0)]
        inner = [x for x in (mb + w, ma, *expansion.poles.real, *(expansion.poles.real + w),
                             *thermal) if lo < x < hi]
        if hi > lo:
            # graded meshes from the levels towards far Fermi edges (a bias of 1e10 puts
            # the window's ends 1e10 from the band, where the kernel falls like e^-4)
            # and from the Fermi edges towards the band
            levels = np.concatenate([expansion.poles.real, expansion.poles.real + w])
            widths = np.abs(np.concatenate([expansion.poles.imag] * 2))
            grid = graded_points(levels, widths, lo, hi, ratio=4.0)
            narrow = float(np.min(widths)) if widths.size else 1.0
            grid = np.concatenate([grid, graded_points(
                [ma, mb + w], [ta if ta > 0 else narrow, tb if tb > 0 else narrow],
                lo, hi, ratio=4.0)])
            edges.append(np.unique(np.concatenate([[lo, hi], inner, grid])))
        else:
            edges.append(np.zeros(0))
    return edges


def _fermi_slopes(f, g, T):
    """``f (1 - f) / T``: the Fermi edge's sensitivity to its energy (0 at T = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(T > 0, f * g / np.where(T > 0, T, 1.0), 0.0)


def _difference_quotient(x_a, x_b, d, T):
    """``(f(x_b) - f(x_a)) / d`` at one temperature ``T``, with ``d = x_a - x_b``.

    Without cancellation: ``f(u) - f(v) = sinh((v - u)/2T) / (2 cosh(u/2T) cosh(v/2T))``
    in exponentials of ``|y| - A - B <= 0`` (``y = d/2T``, ``A, B = |x|/2T``), and
    ``-expm1(-2|y|)/(2|y|) -> 1`` at ``d = 0`` (where the quotient is ``-f'``).
    At ``T = 0`` the step functions' difference over ``d`` (0 at ``d = 0``).
    """
    positive = T > 0
    t = np.where(positive, T, 1.0)
    y = np.abs(d) / (2 * t)
    a, b = np.abs(x_a) / (2 * t), np.abs(x_b) / (2 * t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        h = np.where(y > 0, -np.expm1(-2 * y) / np.where(y > 0, 2 * y, 1.0), 1.0)
        warm = np.exp(y - a - b) * h / (t * (1 + np.exp(-2 * a)) * (1 + np.exp(-2 * b)))
        cold = np.where(d != 0, (fermi(x_b, 0.0) - fermi(x_a, 0.0)) / np.where(d != 0, d, 1.0),
                        0.0)
    return np.where(positive, warm, cold)


def _quadrature(expansion, key, omega, mu_a, mu_b, T_a, T_b, scale=None, emission=True,
                dos=True):
    """``(Lambda, Pi^<, error)`` by adaptive quadrature over energy, one integral per point.

    ``error``: an absolute estimate per point, for every entry of both matrices.
    ``emission=False``: ``Pi^<`` is not needed (not error-controlled); ``dos=False``:
    ``Lambda`` is not needed (unequal temperatures, where its closed form is good).

    The general route: used for ``Pi^<`` at unequal temperatures (the product
    ``f_a (1 - f_b)`` has no digamma closed form) and wherever the pole-pair
    sum cancels too much.  The kernel comes from matrix inverses
    (:meth:`PoleExpansion.direct_kernel`), the occupation factors from
    :mod:`.stats` without cancellation.  Outside the window between the two
    Fermi edges (widened by 40 temperatures) both weights are below exp(-40).

    At equal temperatures one integral gives both spectra, as in the closed
    form: ``G = int K (f_b - f_a) / d`` with ``d = w - mu_ab`` (the quotient
    written without cancellation, finite at ``d = 0``), ``Lambda = d G / 2pi``
    and ``Pi^< = d n_B(d) G / 2pi``: detailed balance holds exactly, and
    ``Pi^<`` is as accurate relative to itself as ``Lambda``.
    """
    need_dos = dos
    k = expansion.K
    n = k * k
    shape = omega.shape + (k, k)
    flat = [np.ravel(x) for x in (omega, mu_a, mu_b, T_a, T_b)]
    scales = None if scale is None else np.ravel(np.broadcast_to(scale, omega.shape))
    equal = flat[3] == flat[4]
    dos = np.zeros((flat[0].size, n), dtype=complex)
    pi_less = np.zeros_like(dos)
    errors = np.zeros(flat[0].size)
    poor_acc = []
    for sel, same_t in ((equal, True), (~equal, False)):
        if not sel.any():
            continue
        part = [x[sel] for x in flat]
        d = part[0] - (part[1] - part[2])                          # w - mu_ab
        if same_t:
            # |d| + T: the size of d n_B(d) relative to d, so G's tolerance is Lambda's
            # and Pi^<'s (d G and x_bose(d) G)
            size = np.abs(d) + part[3]
        edges = _energy_edges(expansion, part)

        def integrand(e, owner, part=part, same_t=same_t):
            w, ma, mb, ta, tb = (x[owner][:, None] for x in part)
            x_a, x_b = e - ma, e - w - mb
            f_a, f_b = fermi(x_a, ta), fermi(x_b, tb)
            g_a, g_b = fermi(-x_a, ta), fermi(-x_b, tb)               # 1 - f, no cancellation
            kern = expansion.direct_kernel(key[0], key[1], e, w).reshape(e.shape + (n,))
            k_abs = np.abs(kern)
            # round-off scale: the terms combined, and the Fermi edges' sensitivity to
            # the rounding of the energies themselves (|e| eps: far out, e = 1e10 +- 1e-6)
            slope_a, slope_b = _fermi_slopes(f_a, g_a, ta), _fermi_slopes(f_b, g_b, tb)
            shift = np.abs(e) + np.abs(w) + np.abs(ma) + np.abs(mb)
            if same_t:
                dd = x_a - x_b
                quotient = _difference_quotient(x_a, x_b, dd, ta)
                g = kern * quotient[..., None]
                with np.errstate(divide="ignore", invalid="ignore"):
                    sens = np.where(np.abs(dd) + ta > 0,
                                    shift * (slope_a + slope_b) / (np.abs(dd) + ta), 0.0)
                size = k_abs * (quotient + sens)[..., None]
                return np.concatenate([g.real, g.imag], axis=-1), np.concatenate(
                    [size, size], axis=-1)
            # f_b - f_a, or (1 - f_a) - (1 - f_b) where both are near 1: a difference of
            # the small ones, so deep below both edges it keeps full relative precision
            low = x_a + x_b < 0
            diff = np.where(low, g_a - g_b, f_b - f_a)
            lam = kern * diff[..., None]
            emi = kern * (f_a * g_b)[..., None]                       # f_a (1 - f_b)
            values = np.concatenate([lam.real, lam.imag, emi.real, emi.imag], axis=-1)
            terms = np.where(low, g_a + g_b, f_a + f_b)
            size_d = k_abs * (terms + shift * (slope_a + slope_b))[..., None]
            size_e = k_abs * (f_a * g_b + shift * (slope_a * g_b + f_a * slope_b))[..., None]
            return values, np.concatenate([size_d, size_d, size_e, size_e], axis=-1)

        # Lambda and Pi^< each to rtol against their own size (Pi^< may be far smaller);
        # the target is 1e-12, and round-off may stop it earlier (silently above
        # _WARN_RTOL: the currents promise 1e-8 and ask 1e-10)
        atol = 0.0 if scales is None else _QUAD_RTOL * _TWO_PI * scales[sel]
        if same_t:
            with np.errstate(divide="ignore", invalid="ignore"):
                atol = atol / np.where(size > 0, size, 1.0)
            groups, floors = [np.arange(2 * n)], [0.0]
        else:
            # Lambda = Pi^> - Pi^< may cancel to ~0 (T_a ~ T_b at w = mu_ab): it is
            # wanted to rtol of itself or of _DOS_FLOOR of Pi^<, not beyond round-off;
            # Pi^< to rtol of itself, however small
            groups, floors = [], []
            if need_dos:
                groups.append(np.arange(2 * n))
                floors.append(_DOS_FLOOR)
            if emission or not need_dos:
                groups.append(np.arange(2 * n, 4 * n))
                floors.append(0.0)
        res = integrate_panels(integrand, edges, rtol=_QUAD_RTOL, warn=False, atol=atol,
                               groups=groups, group_floor=floors)
        poor = ~res.converged & (res.accuracy > _WARN_RTOL)
        if poor.any():
            poor_acc.append(res.accuracy[poor])
        if res.values is None:
            continue
        total = res.values / _TWO_PI
        if same_t:
            g = total[:, :n] + 1j * total[:, n:]
            factor = x_bose(d, part[3])
            dos[sel] = d[:, None] * g
            pi_less[sel] = factor[:, None] * g
            errors[sel] = res.errors * np.maximum(np.abs(d), np.abs(factor)) / _TWO_PI
        else:
            dos[sel] = total[:, :n] + 1j * total[:, n:2 * n]
            pi_less[sel] = total[:, 2 * n:3 * n] + 1j * total[:, 3 * n:]
            errors[sel] = res.errors / _TWO_PI
    if poor_acc:
        worst = np.concatenate(poor_acc)
        warnings.warn(
            f"EHP spectra by energy quadrature: reached only {np.max(worst):.2g} "
            f"relative accuracy at {worst.size} of {flat[0].size} frequencies",
            IntegrationWarning, stacklevel=3)
    return dos.reshape(shape), pi_less.reshape(shape), errors.reshape(omega.shape)


#: how Pi^< is computed at unequal electrode temperatures: "poles" (the Fermi pole sums of
#: :func:`_emission_two_t`) or "quadrature" (the nested energy quadrature, the route before
#: them: kept as the reference of the tests and the baseline of benchmarks/bench_thermal.py)
TWO_TEMPERATURE_ROUTE = "poles"

#: Fermi edges of two electrodes this many (T_a + T_b) apart: Pi^< = -Lambda or 0 (T_a != T_b)
_EDGE_SEPARATION = 50.0

#: pole-pair sums that cancel by more than this are redone by quadrature
#: (each term carries ~1e-15 relative error, so the closed form keeps ~1e-11)
MAX_CANCELLATION = 1e4
#: ... and the Fermi pole sums of Pi^< at unequal temperatures: their error is at most
#: 2.2e-16 of the size of their terms (measured against the energy quadrature in
#: tests/test_two_temperatures.py), so 1e5 keeps 2e-11 of Pi^< (the public spectra);
#: in the currents, judged against the share of Lambda that matters at the node
#: (``SCALE_SHARE`` = 1e-3 of the largest weighted Lambda, see .diagonal_spectra), 1e6
#: keeps each node's error below 2.2e-13 of that largest value.  (Where the emission
#: is suppressed, w - mu_ab >> T, Pi^< is e^-(w - mu_ab)/T of the terms it is made of.)
POLE_SUM_CANCELLATION = 1e5
POLE_SUM_CANCELLATION_SCALED = 1e6


def channel_spectra(expansion, ch, omega, mu_L, mu_R, T_L, T_R, *, emission=True,
                    scale=None, errors=False, rescale=None, engine="numpy"):
    """``(Lambda, Pi^<)`` of channel ``ch``, each of shape ``broadcast.shape + (K, K)``.

    Internal workhorse of the public functions (no argument checking).
    ``emission=False`` skips ``Pi^<`` (returns None for it).  ``scale``
    (broadcast shape, optional): the size of ``Lambda`` that matters at each
    point (e.g. its peak over frequency); a cancelling pole-pair sum is then
    redone by quadrature only if its round-off is significant against that,
    not against its own value (see :func:`.diagonal_spectra.diagonal_spectra`).
    ``errors=True``: also return an absolute error estimate per point (of
    every matrix entry; nonzero where an energy quadrature was needed).
    ``rescale`` (optional): ``rescale(Lambda) -> scale``, called with the closed-form
    ``Lambda`` of the points at unequal temperatures before their ``Pi^<`` is judged,
    so that a caller can fold this call's own ``Lambda`` into the scale (the first
    frequency nodes of a current have no earlier ones to be judged against).
    ``engine``: ``"numpy"`` or ``"numba"``, for the Fermi pole sums at unequal
    temperatures (the rest is NumPy either way).
    """
    ch = _channel(ch)
    key = (ch.alpha, ch.beta)
    temps = {"L": T_L, "R": T_R}
    mus = {"L": mu_L, "R": mu_R}
    # broadcast every argument (not only this channel's), so the shape is the same
    # for all four channels
    omega, mus["L"], mus["R"], temps["L"], temps["R"] = broadcast_parameters(
        omega=omega, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)
    shape = omega.shape
    mu_a, mu_b, T_a, T_b = mus[ch.alpha], mus[ch.beta], temps[ch.alpha], temps[ch.beta]
    k = expansion.K
    dos = np.zeros(omega.shape + (k, k), dtype=complex)
    pi_less = np.zeros_like(dos) if emission else None
    if not expansion.coupled(*key):
        # the couplings never connect these electrodes
        return (dos, pi_less, np.zeros(shape)) if errors else (dos, pi_less)
    redo = np.zeros(shape, dtype=bool)              # Lambda and Pi^< by energy quadrature
    redo_emission = np.zeros(shape, dtype=bool)     # Pi^< alone
    equal = T_a == T_b
    if equal.any():
        mu_ab = mu_a[equal] - mu_b[equal]
        w, t = omega[equal], T_a[equal]
        s, cond = _equal_t(expansion, key, w, mu_a[equal], mu_ab, t,
                           None if scale is None else np.broadcast_to(scale, shape)[equal])
        dos[equal] = -((w - mu_ab)[..., None, None] * s) / _TWO_PI
        if emission:
            pi_less[equal] = -(x_bose(w - mu_ab, t)[..., None, None] * s) / _TWO_PI
        redo[equal] = cond > MAX_CANCELLATION
    if (~equal).any():
        sel = ~equal
        dos[sel], cond = _dos_general(
            expansion, key, omega[sel], mu_a[sel], mu_b[sel], T_a[sel], T_b[sel],
            None if scale is None else np.broadcast_to(scale, shape)[sel])
        bad_dos = cond > MAX_CANCELLATION
        redo[sel] = bad_dos
        if emission:
            # Pi^< with f_a (1 - f_b) at two temperatures has no closed form, but
            # Pi^< = Pi^> - Lambda, and Pi^> = int K f_b (1 - f_a) is below
            # 2 (T_a + T_b) e^-50 max|K| / 2pi once the Fermi edges are apart by
            # D = mu_a - mu_b - w >= 50 (T_a + T_b): there Pi^< = -Lambda, and
            # where D <= -50 (T_a + T_b) Pi^< itself is that small (0)
            sep = (mu_a[sel] - mu_b[sel] - omega[sel]) / (T_a[sel] + T_b[sel])
            below, above = sep >= _EDGE_SEPARATION, sep <= -_EDGE_SEPARATION
            pi_less[sel] = np.where(below[..., None, None], -dos[sel], 0.0)
            # between, the Fermi pole sums (both temperatures > 0); where they cancel
            # too much (or an electrode is at T = 0), and where the closed-form Lambda
            # is good, only Pi^< is integrated
            todo = ~bad_dos & ~(below | above)
            poles_ok = (todo & (T_a[sel] > 0) & (T_b[sel] > 0)
                        & (TWO_TEMPERATURE_ROUTE == "poles"))
            if poles_ok.any():
                part = tuple(x[sel][poles_ok] for x in (omega, mu_a, mu_b, T_a, T_b))
                sub_scale = None if scale is None else np.broadcast_to(scale, shape)[sel]
                if rescale is not None:
                    # every point's Lambda (the equal-temperature ones included), those
                    # whose closed form cancels left out
                    full = dos.copy()
                    block = full[sel]
                    block[bad_dos] = 0.0
                    full[sel] = block
                    again = np.broadcast_to(rescale(full), shape)[sel]
                    sub_scale = again if sub_scale is None else np.maximum(sub_scale, again)
                if sub_scale is not None:
                    sub_scale = sub_scale[poles_ok]
                values, cond_e = _emission_two_t(expansion, key, *part, scale=sub_scale,
                                                 engine=engine)
                block = pi_less[sel]
                block[poles_ok] = values
                pi_less[sel] = block
                failed = np.zeros(poles_ok.shape, dtype=bool)
                failed[poles_ok] = cond_e > (POLE_SUM_CANCELLATION if sub_scale is None
                                             else POLE_SUM_CANCELLATION_SCALED)
                todo = (todo & ~poles_ok) | failed
            redo_emission[sel] = todo
    err = np.zeros(shape)
    for todo, with_dos in ((redo, True), (redo_emission, False)):
        if not todo.any():
            continue
        q_dos, q_em, q_err = _quadrature(
            expansion, key, omega[todo], mu_a[todo], mu_b[todo], T_a[todo], T_b[todo],
            None if scale is None else np.broadcast_to(scale, shape)[todo],
            emission=emission, dos=with_dos)
        if with_dos:
            dos[todo] = q_dos
        if emission:
            pi_less[todo] = q_em
        err[todo] = q_err
    if errors:
        return dos, pi_less, err
    return dos, pi_less


def _precise(numeric, ch, omega, mu_L, mu_R, T_L, T_R, which, dps):
    """The ``dps=`` path: mpmath values in an object array of the broadcast shape."""
    spectra_mp = precise_engine().spectra_mp
    arrays = broadcast_parameters(omega=omega, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)
    k = numeric.K
    out = np.empty(arrays[0].shape + (k, k), dtype=object)
    for idx in np.ndindex(arrays[0].shape):
        dos, less = spectra_mp(numeric, ch, *(float(a[idx]) for a in arrays), dps=dps)
        mat = dos if which == "dos" else less
        for m in range(k):
            for n in range(k):
                out[idx + (m, n)] = mat[m, n]
    return out


_check_dps = check_dps           # the one check lives in .backends


def _public(model, ch, omega, mu_L, mu_R, T_e, T_L, T_R, which, dps=None, backend="auto"):
    # energy-dependent leads (symehp.leads): no closed form, the energy quadrature of
    # .lead_spectra (imported here: it depends on nothing in this module)
    from .lead_spectra import has_energy_dependent_leads, public_spectra
    if has_energy_dependent_leads(model):
        return public_spectra(model, ch, omega, mu_L, mu_R, T_e, T_L, T_R, which, dps, backend)
    numeric = numeric_model(model)
    expansion = pole_expansion(numeric)
    ch = _channel(ch)
    dps = check_dps(dps)
    resolve(backend, dps)
    omega, mu_L, mu_R, T_L, T_R = spectrum_arguments(omega, mu_L, mu_R, T_e, T_L, T_R)
    if dps is not None:
        return _precise(numeric, ch, omega, mu_L, mu_R, T_L, T_R, which, dps)
    dos, pi_less = channel_spectra(expansion, ch, omega, mu_L, mu_R, T_L, T_R,
                                   emission=(which == "emission"))
    return dos if which == "dos" else pi_less


def ehp_dos(model: Junction | NumericJunction, channel: str | int, omega: ArrayLike, *,
            mu_L: ArrayLike, mu_R: ArrayLike, T_e: ArrayLike | None = None,
            T_L: ArrayLike | None = None, T_R: ArrayLike | None = None, dps: int | None = None,
            backend: str = "auto") -> np.ndarray:
    """Coupling-weighted EHP density of states ``Lambda^{ab}_mn(omega)``, Eq. (7).

    ``Lambda^{ab}_mn(w) = - int de/(2 pi) tr[M^m A_a(e) M^n A_b(e - w)]
    (f(e - mu_a, T_a) - f(e - w - mu_b, T_b))``, evaluated in closed form.

    Parameters
    ----------
    model : Junction
        A numeric model.
    channel : str or int
        ``"LL"``, ``"RR"``, ``"RL"``, ``"LR"`` or the paper's label 1-4.
    omega : array_like
        Boson energy (any real value).
    mu_L, mu_R : array_like
        Electrode chemical potentials (energy units, ``eV = mu_L - mu_R``).
    T_e, T_L, T_R : array_like
        Electron temperature(s), ``>= 0`` (``T = 0`` is exact): ``T_e`` for both
        electrodes, or ``T_L`` and ``T_R``.
    dps : int, optional
        Decimal digits: evaluate the same closed form with mpmath at this
        precision (inputs taken as their exact double values).  The result
        is then an object array of ``mpmath.mpc``.  Slow; for single points.
    backend : {"auto", "numpy", "numba"}
        The double-precision engine (:mod:`.backends`).  The full K x K
        spectra are closed forms evaluated with NumPy by both engines (the
        compiled loops serve the mode-diagonal spectra of the currents); the
        argument is checked and accepted for uniformity.

    Returns
    -------
    ndarray, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``, complex
        Hermitian in the mode indices; the diagonal is real.  Units: energy
        times (coupling / energy)^2, i.e. the rate units of ``Gamma_ph``.
    """
    return _public(model, channel, omega, mu_L, mu_R, T_e, T_L, T_R, "dos", dps, backend)


def emission_spectrum(model: Junction | NumericJunction, channel: str | int, omega: ArrayLike,
                      *, mu_L: ArrayLike, mu_R: ArrayLike, T_e: ArrayLike | None = None,
                      T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                      dps: int | None = None, backend: str = "auto") -> np.ndarray:
    """Emission spectrum ``Pi^<_{ab,mn}(omega)`` of an EHP channel.

    ``Pi^< = int de/(2 pi) tr[M^m A_a(e) M^n A_b(e - w)] f(e - mu_a, T_a) (1 - f(e - w - mu_b, T_b))``;
    at ``T_a = T_b`` it equals ``n_B(w - mu_ab) Lambda`` (computed without the
    pole of ``n_B``).  Same arguments, shape and units as :func:`ehp_dos`.
    For ``T_a != T_b`` (inter-electrode channels with ``T_L != T_R``) the
    energy integral is done by adaptive quadrature (relative 1e-12; with
    ``dps`` by mpmath quadrature).
    """
    return _public(model, channel, omega, mu_L, mu_R, T_e, T_L, T_R, "emission", dps, backend)
