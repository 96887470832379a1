"""Compiled (numba) interpolation of the Chebyshev tables of the lead route.

:class:`~.lead_spectra.ChebyshevTable` holds ``W = G^r P_a`` on panels of n = 16
Chebyshev points (``lead_spectra._NODES``); every quadrature node of the energy
integrals interpolates it (barycentric formula in the panel that holds the energy).
In NumPy that is a gather of a (n, 2 N r) block per node and an einsum, ~0.4 us per node for N = 2
(most of a bias point).  :func:`interpolate` is the same arithmetic as one loop
(panel search, the barycentric weights, the weighted sum), used when numba is
installed (the optional extra ``fast``); :func:`interpolate_numpy` is the NumPy
twin (the fallback, and the reference of the tests: they agree to rounding).

Layout (:class:`~.lead_spectra.ChebyshevTable`): ``flat`` (P, C * n) floats, row
``i`` the panel ``[left[i], right[i]]``, entry ``j * n + k`` component ``j`` at the
``k``-th node ``nodes[k]`` (Chebyshev points of the first kind on [-1, 1],
barycentric weights ``weights``).  A point outside every panel takes the nearest
one (clipped index), as the NumPy code does.
"""

from __future__ import annotations

import numpy as np

from .backends import numba_available

__all__ = ["interpolate", "interpolate_numpy", "chebyshev_coefficients", "pair_kernel",
           "COMPILED"]


def chebyshev_coefficients(flat, n):
    """Chebyshev coefficients ``c_k`` (P, n, C) of the interpolants held at the ``n`` points
    of the first kind (``flat`` (P, C * n), as in the module docstring):
    ``f(t) = sum_k c_k T_k(t)``, ``c_k = (2/n) sum_j f_j cos(k theta_j)``, ``c_0`` halved
    (the same polynomial as the barycentric formula)."""
    theta = (2 * np.arange(n) + 1) * np.pi / (2 * n)
    basis = (2.0 / n) * np.cos(np.outer(np.arange(n), theta))            # (k, j)
    basis[0] *= 0.5
    vals = flat.reshape(flat.shape[0], -1, n)
    return np.ascontiguousarray(np.einsum("pcj,kj->pkc", vals, basis))


def interpolate_numpy(flat, left, right, nodes, weights, x, block=4 * 2**20):
    """``(values (M, C), panel index (M,))`` at the energies ``x`` (1-d), NumPy."""
    n = nodes.size
    comps = flat.shape[1] // n
    out = np.empty((x.size, comps))
    idx = np.clip(np.searchsorted(left, x, side="right") - 1, 0, left.size - 1)
    step = max(1, block // (comps * n))
    for start in range(0, x.size, step):
        part, i = x[start:start + step], idx[start:start + step]
        lo, hi = left[i], right[i]
        t = (2 * part - (lo + hi)) / (hi - lo)
        diff = t[:, None] - nodes[None, :]
        exact = diff == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            c = weights[None, :] / np.where(exact, 1.0, diff)
        hit = exact.any(axis=1)
        if hit.any():
            c[hit] = exact[hit].astype(float)
        c /= c.sum(axis=1, keepdims=True)
        g = np.take(flat, i, axis=0).reshape(part.size, comps, n)
        out[start:start + step] = np.einsum("mjk,mk->mj", g, c)
    return out, idx


COMPILED = numba_available()

if COMPILED:
    from numba import njit

    @njit(cache=True)
    def _interpolate(flat, left, right, nodes, weights, x, out, idx):    # pragma: no cover
        n = nodes.size
        comps = out.shape[1]
        c = np.empty(n)
        last = left.size - 1
        for p in range(x.size):
            xp = x[p]
            i = np.searchsorted(left, xp, side="right") - 1
            if i < 0:
                i = 0
            elif i > last:
                i = last
            idx[p] = i
            lo = left[i]
            hi = right[i]
            t = (2.0 * xp - (lo + hi)) / (hi - lo)
            exact = -1
            total = 0.0
            for k in range(n):
                d = t - nodes[k]
                if d == 0.0:
                    exact = k
                    break
                c[k] = weights[k] / d
                total += c[k]
            if exact >= 0:
                for j in range(comps):
                    out[p, j] = flat[i, j * n + exact]
                continue
            for k in range(n):
                c[k] /= total
            for j in range(comps):
                acc = 0.0
                base = j * n
                for k in range(n):
                    acc += flat[i, base + k] * c[k]
                out[p, j] = acc


    @njit(cache=True)
    def _clenshaw(coef, i, t, out, b1, b2):                            # pragma: no cover
        """``out[j] = sum_k coef[i, k, j] T_k(t)`` for every component j (the components
        in the inner loop: independent recurrences that the CPU overlaps)."""
        n = coef.shape[1]
        comps = coef.shape[2]
        two_t = 2.0 * t
        for j in range(comps):
            b1[j] = 0.0
            b2[j] = 0.0
        for k in range(n - 1, 0, -1):
            for j in range(comps):
                b0 = two_t * b1[j] - b2[j] + coef[i, k, j]
                b2[j] = b1[j]
                b1[j] = b0
        for j in range(comps):
            out[j] = t * b1[j] - b2[j] + coef[i, 0, j]

    @njit(cache=True)
    def _locate(left, right, x):                                       # pragma: no cover
        i = np.searchsorted(left, x, side="right") - 1
        if i < 0:
            i = 0
        elif i > left.size - 1:
            i = left.size - 1
        return i, (2.0 * x - (left[i] + right[i])) / (right[i] - left[i])

    @njit(cache=True)
    def _unpack(flat, w):                                              # pragma: no cover
        """``w[q, c]`` from the interleaved real/imaginary table values ``flat``; returns
        ``||w||_F^2``."""
        norm2 = 0.0
        for q in range(w.shape[0]):
            for c in range(w.shape[1]):
                v = flat[2 * (q * w.shape[1] + c)] + 1j * flat[2 * (q * w.shape[1] + c) + 1]
                w[q, c] = v
                norm2 += v.real * v.real + v.imag * v.imag
        return norm2

    @njit(cache=True)
    def _pair_kernel(coef_a, left_a, right_a, tab_err_a, ra, coef_b, left_b, right_b,
                     tab_err_b, rb, xa, xb, ga, gb, couplings, spin, m_norm2,
                     kern, bound):                                     # pragma: no cover
        n_modes = couplings.shape[0]
        n = couplings.shape[1]
        fa = np.empty(coef_a.shape[2])
        fb = np.empty(coef_b.shape[2])
        s1 = np.empty(max(fa.size, fb.size))
        s2 = np.empty(max(fa.size, fb.size))
        wa = np.empty((n, ra), np.complex128)
        wb = np.empty((n, rb), np.complex128)
        mw = np.empty((n, ra), np.complex128)
        x = np.empty((n_modes, rb, ra), np.complex128)
        y = np.empty((n_modes, rb, ra), np.complex128)
        for p in range(xa.size):
            i, t = _locate(left_a, right_a, xa[p])
            _clenshaw(coef_a, i, t, fa, s1, s2)
            ea = tab_err_a[i]
            i, t = _locate(left_b, right_b, xb[p])
            _clenshaw(coef_b, i, t, fb, s1, s2)
            eb = tab_err_b[i]
            na = _unpack(fa, wa)
            nb = _unpack(fb, wb)
            for k in range(n_modes):
                for q in range(n):                       # mw = M^k wa
                    for c in range(ra):
                        acc = 0j
                        for s in range(n):
                            acc += couplings[k, q, s] * wa[s, c]
                        mw[q, c] = acc
                for c2 in range(rb):                     # x = wb^+ M^k wa
                    for c in range(ra):
                        acc = 0j
                        for q in range(n):
                            acc += np.conj(wb[q, c2]) * mw[q, c]
                        x[k, c2, c] = acc
                for c2 in range(rb):                     # y = x g_a
                    for c in range(ra):
                        acc = 0j
                        for s in range(ra):
                            acc += x[k, c2, s] * ga[p, s, c]
                        y[k, c2, c] = acc
            for m in range(n_modes):                     # K_mn = sum y[m,b,a] x*[n,c,a] g_b[c,b]
                for m2 in range(n_modes):
                    acc = 0j
                    for c2 in range(rb):
                        for c in range(ra):
                            for c3 in range(rb):
                                acc += y[m, c2, c] * np.conj(x[m2, c3, c]) * gb[p, c3, c2]
                    kern[p, m, m2] = spin * acc
            gna = 0.0
            for s in range(ra):
                for c in range(ra):
                    gna += abs(ga[p, s, c]) ** 2
            gnb = 0.0
            for s in range(rb):
                for c in range(rb):
                    gnb += abs(gb[p, s, c]) ** 2
            na = np.sqrt(na)
            nb = np.sqrt(nb)
            bound[p] = (spin * m_norm2 * np.sqrt(gna) * np.sqrt(gnb) * 2.0 * na * nb
                        * (nb * ea + na * eb))


def pair_kernel(table_a, table_b, xa, xb, ga, gb, couplings, spin, m_norm):
    """``(K (M, K, K), bound (M,))`` of :meth:`.lead_spectra.LeadSpectra.compute` at the
    energies ``xa`` (electrode a's table) and ``xb`` (b's), compiled: the two
    interpolations (Clenshaw sums of the tables' Chebyshev coefficients) and
    ``K_mn = g_s tr[X^m gamma_a X^n^+ gamma_b]``, ``X^m = W_b^+ M^m W_a``, in one loop,
    with the tables' error bound as in the NumPy code.  Requires numba."""
    m = xa.size
    k = couplings.shape[0]
    kern = np.empty((m, k, k), complex)
    bound = np.empty(m)
    if m:
        _pair_kernel(table_a.coefficients, table_a.left, table_a.right, table_a.error,
                     table_a.rank, table_b.coefficients, table_b.left, table_b.right,
                     table_b.error, table_b.rank, np.ascontiguousarray(xa, float),
                     np.ascontiguousarray(xb, float), np.ascontiguousarray(ga, complex),
                     np.ascontiguousarray(gb, complex),
                     np.ascontiguousarray(couplings, complex), float(spin),
                     float(m_norm) ** 2, kern, bound)
    return kern, bound


def interpolate(flat, left, right, nodes, weights, x):
    """``(values (M, C), panel index (M,))`` at the energies ``x`` (1-d): compiled when
    numba is installed, else :func:`interpolate_numpy`."""
    x = np.ascontiguousarray(x, dtype=float)
    if not COMPILED or left.size == 0:
        return interpolate_numpy(flat, left, right, nodes, weights, x)
    n = nodes.size
    out = np.empty((x.size, flat.shape[1] // n))
    idx = np.empty(x.size, dtype=np.int64)
    _interpolate(flat, left, right, nodes, weights, x, out, idx)
    return out, idx
