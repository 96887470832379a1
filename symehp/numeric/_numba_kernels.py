"""Compiled (numba) loops of the mode-diagonal inner loop of Eq. (8): the ``fast`` backend.

Imported only when :mod:`.backends` resolves ``backend="numba"`` (numba is an
optional dependency: ``pip install -e ".[fast]"``).  Each function here is
the compiled twin of a NumPy expression of :mod:`.diagonal_spectra` or
:mod:`.fermi_integrals`, with the same arithmetic in the same order, so the
two backends agree to round-off (the tests ask for 1e-13):

* :func:`psi_half` / :func:`phi_lower` -- the digamma of
  :func:`.fermi_integrals.psi_half` (the paired recurrence to ``v + 10``, then the
  8-term asymptotic series) and ``Phi`` of the lower pole family;
* :func:`shifted_phis` -- the ``4 N`` omega-dependent digammas per node;
* :func:`pair_matrix` -- the pair values ``X_pq = (A_p - B_q)/(p - q - w)``
  of one channel on a block of nodes, with the closeness test of the
  same-family pairs and the gross sum ``sum |X| gross`` (one row) fused into
  the same loop (NumPy forms five (M, N, N) temporaries for the test, and
  writes ``|X|`` out for the gross sum); the few close pairs are returned as flags and
  completed by the shared NumPy code (Taylor series), so the removable
  singularities are treated identically by both backends;
* :func:`fermi_pole_sums` -- the sums over the Fermi poles of the emission at
  unequal temperatures (:func:`.spectra._emission_pole_block`), fused the same way.

These are hand-written rather than generated from the symbolic layer: the
generated per-pair kernel (:func:`symehp.numeric.codegen.generate_pair_kernel`)
is the scalar formula only, while the cost here is the loop structure
(fusing the closeness test and never materializing the temporaries).

Compiled with ``cache=True``: the machine code is kept on disk (numba's
``__pycache__`` next to this file, or its user-wide cache), so a new process
does not pay the JIT again.
"""

import cmath
import math

import numpy as np
from numba import njit

from .diagonal_spectra import PAIR_CLOSE
from .fermi_integrals import _HUGE, _PSI_PAIRS, _PSI_SERIES, _PSI_SHIFT

_C = np.array(_PSI_SERIES)
_PAIRS = np.array(_PSI_PAIRS)
_HUGE2 = _HUGE * _HUGE
_CLOSE2 = PAIR_CLOSE * PAIR_CLOSE
_HALF_PI = 0.5 * math.pi


@njit(cache=True)
def _psi_asymptotic(v, right):
    """The series of the NumPy twin; ``right``: ``Re v > 0`` is known (then ``arg v =
    atan(y / x)``, 8% faster than ``atan2``, which takes the other arguments)."""
    r2 = 1.0 / (v * v)
    acc = _C[-1] + 0j
    for k in range(_C.size - 2, -1, -1):      # Horner in 1/v^2, as the NumPy twin
        acc = acc * r2 + _C[k]
    # log v = log|v|^2 / 2 + i arg v (the NumPy twin's _log)
    x = v.real
    y = v.imag
    arg = math.atan(y / x) if right else math.atan2(y, x)
    return complex(0.5 * math.log(x * x + y * y), arg) + acc * r2


@njit(cache=True)
def psi_half(v):
    """``psi(1/2 + v)`` for ``Re v >= 0`` (the lower family's arguments): the paired
    recurrence of :func:`.fermi_integrals._psi_recurrence` to ``v + 10``, then the series."""
    if not v.real * v.real + v.imag * v.imag <= _HUGE2:   # |v| > 1e15 (or nan)
        return _psi_asymptotic(v, False)
    u = 0.5 + v
    s = u * (u + 9.0)
    q = s
    dq = 1.0 + 0j
    for k in range(_PAIRS.size):
        t = s + _PAIRS[k]
        dq = dq * t + q
        q = q * t
    # Re(v + 10) >= 9.5 for every argument with Re(1/2 + v) > 0
    return _psi_asymptotic(v + _PSI_SHIFT, True) - dq * (2.0 * u + 9.0) / q


@njit(cache=True)
def phi_lower(x, tau):
    """``Phi`` of the lower family at ``x = z - mu``, ``tau = 2 pi T`` (cf. ``_phi_lower``)."""
    v = 1j * x / tau
    if not abs(v) <= _HUGE:
        return cmath.log(1j * x) - math.log(tau) - _HALF_PI * 1j
    return psi_half(v) - _HALF_PI * 1j


@njit(cache=True)
def phi_table(lower, mu, T):
    """``Phi(z_j; mu_c, T_b)`` for ``mu`` (2, B), ``T`` (B,): shape (2, B, N)."""
    out = np.empty((2, mu.shape[1], lower.size), dtype=np.complex128)
    for c in range(2):
        for b in range(mu.shape[1]):
            tau = 2 * math.pi * T[b]
            for j in range(lower.size):
                out[c, b, j] = phi_lower(lower[j] - mu[c, b], tau)
    return out


@njit(cache=True)
def shifted_phis(lower, w, mu, T):
    """``Phi(z_j + sigma w_m; mu_c)`` for sigma = -1, +1: shape (2, 2, M, N).

    ``mu`` (2, M) and ``T`` (M,) per node; the same grouping of the argument
    as the NumPy ``(lower + sigma w) - mu``.
    """
    out = np.empty((2, 2, w.size, lower.size), dtype=np.complex128)
    for s in range(2):
        sigma = -1.0 if s == 0 else 1.0
        for c in range(2):
            for m in range(w.size):
                tau = 2 * math.pi * T[m]
                for j in range(lower.size):
                    out[s, c, m, j] = phi_lower(lower[j] + sigma * w[m] - mu[c, m], tau)
    return out


@njit(cache=True, error_model="numpy")
def _pair_row(m, first_a, first_b, pair_diff, lower, w, mu_a, mu_b, T, x_same, x_opp,
              weight_same, weight_opp, gross, part, flags, acc):
    """Node ``m`` of :func:`pair_matrix`: its pair values, flags and gross sum (``acc``:
    (N,) scratch, one partial sum per column j, so that no single accumulator carries
    a dependence through the loop; made once per call, not per node)."""
    N = first_a.shape[1]
    with_gross = weight_opp.shape[0] > 0
    if with_gross:
        acc[:] = 0.0
    wm = w[m]
    s1 = 0.5 * wm - mu_a[m]
    s2 = 0.5 * wm + mu_b[m]
    pt = math.pi * T[m]
    for i in range(N):
        fa = first_a[m, i]
        zi = lower[i]
        # q of the lower family: the pair value and the closeness test
        if part != 2:
            for j in range(N):
                h = pair_diff[i, j] - wm
                hr = h.real
                hi = h.imag
                h2 = hr * hr + hi * hi
                # 1/h = conj(h)/|h|^2 (|h| > 1e-150 here unless the pair is close, and
                # close pairs are replaced); an exact coincidence gives nan, flagged below
                r = 1.0 / h2
                xv = (fa - first_b[m, j]) * complex(hr * r, -hi * r)
                x_same[m, i, j] = xv
                half = 0.5 * (zi + lower[j])
                c1 = half + s1
                c2 = half - s2
                y1 = c1.imag - pt
                y2 = c2.imag - pt
                f = 0
                if h2 <= _CLOSE2 * (c1.real * c1.real + y1 * y1):
                    f += 1
                if h2 <= _CLOSE2 * (c2.real * c2.real + y2 * y2):
                    f += 2
                flags[m, i, j] = f
                if with_gross and f == 0:
                    acc[j] += weight_same[i, j] * (abs(xv.real) + abs(xv.imag))
        # q of the upper family (conjugates): never close (Im(p - q) < 0 strictly)
        if part != 1:
            for j in range(N):
                h = pair_diff[i, N + j] - wm
                hr = h.real
                hi = h.imag
                r = 1.0 / (hr * hr + hi * hi)
                xv = (fa - first_b[m, j].conjugate()) * complex(hr * r, -hi * r)
                x_opp[m, i, j] = xv
                if with_gross:
                    acc[j] += weight_opp[i, j] * (abs(xv.real) + abs(xv.imag))
    if with_gross:
        gross[m] = acc.sum()


@njit(cache=True)
def _flag_list(flags):
    """The flagged ``(m, i, j)`` of ``flags`` (M, N, N) as rows of (4, n), with the flag."""
    M, N = flags.shape[0], flags.shape[1]
    count = 0
    for m in range(M):
        for i in range(N):
            for j in range(N):
                if flags[m, i, j]:
                    count += 1
    idx = np.empty((4, count), dtype=np.int64)
    k = 0
    for m in range(M):
        for i in range(N):
            for j in range(N):
                if flags[m, i, j]:
                    idx[0, k] = m
                    idx[1, k] = i
                    idx[2, k] = j
                    idx[3, k] = flags[m, i, j]
                    k += 1
    return idx


@njit(cache=True, error_model="numpy")
def pair_matrix(first_a, first_b, pair_diff, lower, w, mu_a, mu_b, T, x_same, x_opp,
                weight_same, weight_opp, gross, part):
    """Pair values of one channel and the flags of its close same-family pairs.

    ``X[m, i, j] = (A_i - B_j) / (p_i - q_j - w_m)`` for the lower poles ``p_i``
    and every pole ``q_j`` (``B`` of the upper ones is the conjugate), written into
    ``x_same`` (M, N, N; ``q`` lower) and ``x_opp`` (M, N, N; ``q`` upper, the
    conjugate of lower pole j), and the close same-family pairs as ``idx`` (4, n):
    rows ``m, i, j`` and the flag, 1 if ``|h| <= PAIR_CLOSE R`` at the centre
    ``(p + q + w)/2 - mu_a``, + 2 at ``(p + q - w)/2 - mu_b`` (``R`` the distance
    to the nearest digamma pole, as ``diagonal_spectra._close``).  Exact
    coincidences give inf/nan in ``x_same``; they are always flagged.
    ``part``: 0 both families of ``q``, 1 only the same family, 2 only the
    opposite one (the other buffer is left alone).

    ``weight_same``, ``weight_opp`` (N, N) real, or (0, 0) for none: the gross
    pole-pair sum ``gross[m] = sum_ij weight_ij (|Re X_mij| + |Im X_mij|)`` over
    the pairs computed and not flagged is accumulated into ``gross`` (M,) in the
    same loop (the caller adds the flagged pairs once it has replaced their
    values), so the magnitudes are never written out and read again.
    """
    M, N = first_a.shape
    flags = np.zeros((M, N, N), dtype=np.uint8)
    acc = np.zeros(N)
    for m in range(M):
        _pair_row(m, first_a, first_b, pair_diff, lower, w, mu_a, mu_b, T, x_same, x_opp,
                  weight_same, weight_opp, gross, part, flags, acc)
    return _flag_list(flags)


@njit(cache=True, error_model="numpy")
def fermi_pole_sums(ref, z_low, weight, mu_a, T_a, window, close_factor):
    """The sums of :func:`.spectra._emission_pole_block` in one fused loop.

    ``ref`` (2, M, P): the points' lower-family images; ``z_low`` (M, Z) the lower Fermi
    poles, ``weight`` (M, Z) their real weights; ``mu_a``, ``T_a``, ``window`` (M,).
    Returns ``(psi_u (2, M, P), psi_z (M, Z), sums (2, M, P), gross (2, M, P), close
    (2, M, P, Z) bool)``: ``sums = sum_z w (Psi[ref, z] + Psi[ref, conj z])`` without the
    close same-family terms (flagged in ``close``, completed by the NumPy code), and
    ``gross`` the size of the terms, as the NumPy twin computes them.
    """
    m_count, z_count = z_low.shape
    p_count = ref.shape[2]
    psi_z = np.empty((m_count, z_count), dtype=np.complex128)
    psi_u = np.empty((2, m_count, p_count), dtype=np.complex128)
    sums = np.empty((2, m_count, p_count), dtype=np.complex128)
    gross = np.empty((2, m_count, p_count))
    close = np.zeros((2, m_count, p_count, z_count), dtype=np.bool_)
    for m in range(m_count):
        tau = 2 * math.pi * T_a[m]
        lower_end = z_low[m, 0].real - window[m]
        a_pz = np.empty(z_count)
        for j in range(z_count):
            offset = z_low[m, j] - z_low[m, j].real
            psi_z[m, j] = (phi_lower(z_low[m, j] - mu_a[m], tau)
                           - cmath.log(offset + window[m]))
            a_pz[j] = abs(psi_z[m, j])
        for k in range(2):
            for i in range(p_count):
                u = ref[k, m, i]
                pu = phi_lower(u - mu_a[m], tau) - cmath.log(u - lower_end)
                psi_u[k, m, i] = pu
                apu = abs(pu)
                s1 = 0j
                s2 = 0j
                g = 0.0
                ui = abs(u.imag)
                for j in range(z_count):
                    z = z_low[m, j]
                    pz = psi_z[m, j]
                    w = weight[m, j]
                    # 1/(u - z) and 1/(u - conj z) as conj(gap)/|gap|^2 (one division each)
                    gr = u.real - z.real
                    gi = u.imag - z.imag
                    hi = u.imag + z.imag
                    n1 = gr * gr + gi * gi
                    n2 = gr * gr + hi * hi
                    inv2 = complex(gr / n2, -hi / n2)
                    radius = close_factor * (0.5 * (ui + abs(z.imag)) + math.pi * T_a[m])
                    a_sum = 1.0 / math.sqrt(n2)
                    if n1 <= radius * radius:
                        close[k, m, i, j] = True
                        s1 += w * inv2
                        s2 += w * pz.conjugate() * inv2
                    else:
                        inv1 = complex(gr / n1, -gi / n1)
                        s1 += w * (inv1 + inv2)
                        s2 += w * (pz * inv1 + pz.conjugate() * inv2)
                        a_sum += 1.0 / math.sqrt(n1)
                    g += abs(w) * a_sum * (apu + a_pz[j])
                sums[k, m, i] = pu * s1 - s2
                gross[k, m, i] = g
    return psi_u, psi_z, sums, gross, close


def warm_up():
    """Compile (or load from the disk cache) every kernel once."""
    lower = np.array([0.1 - 0.2j, -0.3 - 0.1j])
    mu = np.zeros((2, 1))
    T = np.array([0.05])
    w = np.array([0.5])
    phi_table(lower, mu, T)
    shifted_phis(lower, w, mu, T)
    poles = np.concatenate([lower, lower.conj()])
    for weight, gross in ((np.ones((2, 2)), np.empty(1)), (np.empty((0, 0)), np.empty(0))):
        pair_matrix(np.ones((1, 2), complex), np.ones((1, 2), complex),
                    lower[:, None] - poles[None, :], lower, w, np.zeros(1), np.zeros(1), T,
                    np.empty((1, 2, 2), complex), np.empty((1, 2, 2), complex), weight,
                    weight, gross, 0)
    ref = np.stack([np.broadcast_to(poles, (1, 4)), np.broadcast_to(poles, (1, 4))]).copy()
    fermi_pole_sums(ref, np.array([[0.5 - 0.2j]]), np.array([[0.1]]), np.zeros(1), T,
                    np.array([2.0]), 1 / 64)
