"""Exact energy integrals of a Fermi function against simple poles.

For wide-band leads every spectral function is a sum of simple poles, so the
energy integrals of Eq. (7) reduce to

    Phi(z; mu, T) = "int de f(e - mu, T) / (e - z)"      (z off the real axis)

regularized by a constant common to all poles (it cancels because the
residues of each partial-fraction pair sum to zero).  With the Matsubara
expansion ``f(x) = 1/2 - T sum_n 1/(x - i w_n)``, closing each term in the
half-plane where it is analytic gives

    Phi(z) = psi(1/2 + s (z - mu)/(2 pi i T)) + s i pi/2,     s = sign(Im z),

where psi is the digamma function.  The ``s i pi/2`` (from the 1/2 term) is
the regularization constant that differs between the two pole families.  At
``T = 0`` both families give ``log(z - mu)`` (principal branch).

Each family is analytic in a disk around its points: radius ``|Im z| + pi T``
(the nearest digamma pole), ``|Im z|`` at ``T = 0``.  Divided differences of
``Phi`` over nearby points (coincident poles: ``omega -> mu_ab``, ``omega -> 0``,
resonances ``omega = eps1 - eps2`` with equal widths) are removable
singularities.  They are evaluated exactly as contour integrals,

    [Phi(x) - Phi(y)] / (x - y) = (1/2 pi i) oint Phi(zeta) / ((zeta - x)(zeta - y)) dzeta,

on a circle inside the disk of analyticity, where the trapezoidal rule
converges geometrically: no cancellation, no polygamma of complex argument
(which SciPy does not provide).

For the many-node inner loop of Eq. (8) (:mod:`.diagonal_spectra`) there is a
cheaper route: :func:`psi_half`, a vectorized digamma (recurrence plus
asymptotic series, ~4x faster than SciPy's), its derivatives
:func:`phi_derivatives` (the same construction differentiated term by term),
and the divided differences as Taylor series at the centre of the nearby
points, :func:`segment_mean` (first) and :func:`parallelogram_mean` (second),
with truncation bounds from the distance to the nearest digamma pole
(:func:`singularity_distance`).
"""

import math

import numpy as np
from scipy.special import psi

__all__ = ["phi", "phi_lower", "phi_lower_parts", "log1p_complex", "psi_half", "analytic_radius",
           "singularity_distance", "phi_derivatives",
           "segment_mean", "parallelogram_mean", "divided_difference", "mixed_difference"]

#: points closer than this fraction of the analytic radius rho use the contour; the
#: direct formula outside that region loses at most log10(1/CLOSE) ~ 2 digits
CLOSE = 1 / 64
#: contour radius / rho: the nearest singularity outside limits the trapezoidal rule
#: to RADIUS**NODES ~ 6e-19 (the points inside, at <= CLOSE rho, converge much
#: faster); a larger radius also keeps Phi's variation on the circle well above
#: the rounding of its (log-sized) values
RADIUS = 0.35
NODES = 40
_THETA = np.exp(2j * np.pi * np.arange(NODES) / NODES)
#: digamma arguments beyond this use its asymptotic (log) form
_HUGE = 1e15

# ----------------------------------------------------------------------------- digamma
#: coefficients c_k of psi(1/2 + v) ~ log v + sum_k c_k v^(-2k), c_k = (1 - 2^(1-2k)) B_2k / (2k)
_PSI_SERIES = (1 / 24, -7 / 960, 31 / 8064, -127 / 30720, 511 / 67584,
               -1414477 / 67092480, 8191 / 98304, -118518239 / 267386880)
#: psi(1/2 + v) is shifted by the recurrence to v + _PSI_SHIFT (every argument, in both
#: engines); at |v| >= _PSI_SHIFT - 1/2 the 8-term series is exact to 1e-17 (next term
#: 3.05 |v|^-18)
_PSI_SHIFT = 10


#: psi_half evaluates its arguments in pieces of this many elements: its ~10 temporaries
#: of a piece (16 bytes per element) then stay in the CPU cache (measured on the 16384
#: arguments of one block of Eq. (8)'s nodes: 0.85 ms in pieces of 4096, 1.15 ms whole)
_PSI_PIECE = 4096
#: the pair products ``(u + k)(u + 9 - k) = s + k (9 - k)``, ``s = u (u + 9)``, k = 1..4,
#: of the recurrence's ten terms (k = 0 is ``s`` itself; a shift of _PSI_SHIFT = 10)
_PSI_PAIRS = (8.0, 14.0, 18.0, 20.0)


def _log(v):
    """Principal complex logarithm as ``log|v|^2 / 2 + i arg v`` (real log and arctan2):
    NumPy's complex log is ~3.5 times slower; equal to it within 1 ulp of ``log|v|``
    (for ``1e-150 < |v| < 1e150``, as everywhere here)."""
    out = np.empty(v.shape, dtype=complex)
    re, im = v.real, v.imag
    out.real = 0.5 * np.log(re * re + im * im)
    out.imag = np.arctan2(im, re)
    return out


def _psi_asymptotic(v):
    """``psi(1/2 + v)`` by its asymptotic series; accurate to 1e-17 for ``|v| >= 9.5``, Re v > 0."""
    r2 = 1.0 / (v * v)
    acc = _PSI_SERIES[-1] * r2
    for c in _PSI_SERIES[-2::-1]:             # Horner in 1/v^2
        acc += c
        acc = acc * r2
    acc += _log(v)
    return acc


def _psi_recurrence(v):
    """``psi(1/2 + v)`` for one piece (1-d): ``psi(u + 10) - sum_{m<10} 1/(u + m)``, ``u =
    1/2 + v``, by the series at ``v + 10`` (``|v + 10| >= 9.5`` for ``Re v > -1/2``).

    The ten terms pair up, ``1/(u + k) + 1/(u + 9 - k) = (2u + 9)/(s + k(9 - k))``,
    ``s = u (u + 9)``, and the five fractions are summed as the logarithmic derivative
    ``P'(s)/P(s)`` of ``P(s) = s (s + 8)(s + 14)(s + 18)(s + 20)`` (two products per
    factor, one division in all): 20 array operations instead of 36.  Every factor is a
    product ``(u + k)(u + 9 - k)`` of terms with ``Re >= 1/4``: no cancellation.
    (Complex products are never taken in place: NumPy's in-place complex multiply gives
    other bits in its vector lanes than at the end of an array, and a point's result must
    not depend on its position.)
    """
    u = v + 0.5
    s = u * (u + 9.0)
    q = s
    dq = np.ones_like(s)
    for c in _PSI_PAIRS:
        t = s + c
        dq = dq * t
        dq += q
        q = q * t
    u *= 2.0
    u += 9.0
    dq = dq * u / q                           # sum_{m<10} 1/(u + m)
    out = _psi_asymptotic(v + float(_PSI_SHIFT))
    out -= dq
    return out


def psi_half(v):
    """Digamma ``psi(1/2 + v)`` of complex ``v`` with ``Re(1/2 + v) > 0``, vectorized.

    Every argument is shifted by the recurrence ``psi(u) = psi(u + 10) - sum_{m<10}
    1/(u + m)`` (:func:`_psi_recurrence`; harmless where ``|v|`` is already large: no
    masks, no gathers), then the asymptotic series, in cache-sized pieces
    (``_PSI_PIECE``).  About four times faster than :func:`scipy.special.psi` and at
    least as accurate (absolute error ~1e-15).  Arguments with ``Re(1/2 + v) <= 1/4``
    (never used by the closed forms) go to SciPy, those beyond ``|v| = 1e15`` (where the
    recurrence's products would overflow) to the series alone.
    """
    v = np.asarray(v, dtype=complex)
    flat = v.ravel()
    out = np.empty(flat.shape, dtype=complex)
    with np.errstate(over="ignore", invalid="ignore"):     # |v| > 1e15: replaced below
        for start in range(0, flat.size, _PSI_PIECE):
            out[start:start + _PSI_PIECE] = _psi_recurrence(flat[start:start + _PSI_PIECE])
    left = (0.5 + flat.real) <= 0.25
    if left.any():
        out[left] = psi(0.5 + flat[left])
    with np.errstate(invalid="ignore"):
        huge = ~(np.abs(flat) <= _HUGE) & ~left
    if huge.any():
        out[huge] = _psi_asymptotic(flat[huge])
    return out.reshape(v.shape)


def phi_lower(x, tau):
    """``Phi(z; mu, T)`` of the lower family at ``x = z - mu`` (``Im x <= 0``), ``tau = 2 pi T``.

    ``psi(1/2 + i x / tau) - i pi/2``; beyond ``|x/tau| = 1e15`` its
    logarithmic limit ``log(i x) - log(tau)`` (no overflow at tiny T).
    """
    x = np.asarray(x, dtype=complex)
    return phi_lower_parts(x.real, x.imag, tau)


def phi_lower_parts(re_x, im_x, tau):
    """:func:`phi_lower` at ``x = re_x + i im_x`` given by its (broadcasting) real parts.

    ``v = i x / tau`` is formed from them by two real divisions (``Re v = -im_x / tau``,
    ``Im v = re_x / tau``, each correctly rounded), without the complex array ``x``: the
    inner loop of Eq. (8) shifts the poles by real frequencies, and builds only the real
    parts (:mod:`.diagonal_spectra`).
    """
    tau = np.asarray(tau, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        v = np.empty(np.broadcast_shapes(np.shape(re_x), np.shape(im_x), tau.shape),
                     dtype=complex)
        v.real = -np.asarray(im_x, float) / tau
        v.imag = np.asarray(re_x, float) / tau
        huge = ~(np.abs(v) <= _HUGE)
    if huge.any():
        out = np.empty(v.shape, dtype=complex)
        x = np.broadcast_to(re_x + 1j * np.asarray(im_x, float), v.shape)
        out[huge] = np.log(1j * x[huge]) - np.log(np.broadcast_to(tau, v.shape)[huge])
        out[~huge] = psi_half(v[~huge])
    else:
        out = psi_half(v)
    out -= 0.5j * np.pi
    return out


def singularity_distance(x, T, s):
    """Distance from ``z`` (``x = z - mu``, family ``s``) to the nearest singularity of its Phi.

    ``Phi(z) = psi(1/2 + s (z - mu)/(2 pi i T))`` has its poles at
    ``z = mu - s i 2 pi T (m + 1/2)``, the nearest at ``mu - s i pi T``; at
    ``T = 0`` the branch point of ``log(z - mu)`` sits at ``mu``.  This is the
    radius of convergence of Phi's Taylor series at ``z``: ``|Im z| + pi T``
    near the chemical potential, ``~|z - mu|`` far from it.
    """
    return np.abs(np.asarray(x, complex) + 1j * np.pi * np.asarray(s, float) * np.asarray(T, float))


#: shift and series of the derivatives: psi^(j)(u + n) by its asymptotic series is exact
#: to <= 3e-16 relative for j <= 3 at |u + n| >= 12 (higher j enter Taylor series with
#: factors (h / R)^(j - 2) <= 64^-(j - 2) and need fewer digits)
_DERIV_SHIFT = 12


def phi_derivatives(x, T, s, orders):
    """Derivatives ``d^j Phi / dz^j`` at ``z = mu + x`` of family ``s``, for ``j`` in ``orders``.

    Returns an array of shape ``(len(orders),) + broadcast(x, T, s).shape``.
    Every ``j >= 1``.  Written in ``z`` so that nothing overflows at small T:
    with the shift ``n`` (0 for ``|x| >= 12 * 2 pi T``, else 12),

        Phi(z) = log(z - eta) + sum_k c_k (2 pi i T)^(2k) (z - eta)^(-2k)
                 - 2 pi i T s sum_{m<n} 1/(z - zeta_m) + const,

    ``eta = mu - 2 pi i T s n`` and ``zeta_m = mu - 2 pi i T s (m + 1/2)`` (the
    digamma poles), each term differentiated exactly.  At ``T = 0``,
    ``Phi = log(z - mu)``.
    """
    x, T, s = np.broadcast_arrays(np.asarray(x, complex), np.asarray(T, float),
                                  np.asarray(s, float))
    orders = list(orders)
    shape = x.shape
    x, T, s = x.ravel(), T.ravel(), s.ravel()
    tau = 2 * np.pi * T
    shifted = (T > 0) & (np.abs(x) < _DERIV_SHIFT * tau)
    y = x + np.where(shifted, 1j * tau * s * _DERIV_SHIFT, 0)       # z - eta
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv_y = 1.0 / y
        ratio2 = (tau * inv_y) ** 2                # (2 pi T / y)^2 <= 1/144: no overflow
    # log(z - eta) and the series: inv_y^j [(-1)^(j-1) (j-1)! + sum_k a_jk ratio2^k], where
    # c_k (2 pi i T)^(2k) y^(-2k) has j-th derivative c_k (-1)^(k+j) (2k)_j tau^2k y^(-2k-j)
    powers = np.empty((x.size, len(_PSI_SERIES)), dtype=complex)              # (n, 8)
    powers[:, 0] = ratio2
    for k in range(1, len(_PSI_SERIES)):       # by products (the power ufunc is 5x slower)
        powers[:, k] = powers[:, k - 1] * ratio2
    coeffs = _derivative_coefficients(tuple(orders))                         # (J, 8)
    series = np.einsum("nk,jk->nj", powers, coeffs)     # einsum: no BLAS threads on thin arrays
    out = np.empty((len(orders), x.size), dtype=complex)
    lead = inv_y
    done = 1
    for i, j in enumerate(orders):
        while done < j:                           # lead = inv_y^j, built up incrementally
            lead = lead * inv_y
            done += 1
        out[i] = lead * ((-1) ** (j - 1) * math.factorial(j - 1) + series[:, i])
    if shifted.any():
        # - 2 pi i T s sum_m 1/(z - zeta_m), differentiated: (-1)^j j! / (z - zeta_m)^(j+1)
        idx = np.nonzero(shifted)[0]
        m = np.arange(_DERIV_SHIFT) + 0.5
        factor = 1j * tau[idx] * s[idx]
        # (12, n'): the sums over m run along the first axis (a short last axis is slow)
        r = 1.0 / (x[idx] + factor * m[:, None])
        power, done = r, 0
        for i, j in enumerate(orders):
            while done < j:
                power = power * r
                done += 1
            out[i, idx] -= factor * ((-1) ** j * math.factorial(j)) * power.sum(axis=0)
    return out.reshape((len(orders),) + shape)


_COEFF_CACHE = {}


def _derivative_coefficients(orders):
    """``a_jk = c_k (-1)^(k+j) (2k)(2k+1)...(2k+j-1)`` for the orders ``j`` (rows)."""
    table = _COEFF_CACHE.get(orders)
    if table is None:
        table = np.array([[c * (-1) ** (k + j) * math.prod(range(2 * k, 2 * k + j))
                           for k, c in enumerate(_PSI_SERIES, start=1)] for j in orders])
        _COEFF_CACHE[orders] = table
    return table


#: Taylor orders of the segment mean (first divided difference) and the
#: parallelogram mean (second); see :func:`segment_mean` for the truncation bound
_SEGMENT_TERMS = 4
_PARALLELOGRAM_TERMS = 5


def segment_mean(center, h, mu, T, s):
    """``[Phi(c + h/2) - Phi(c - h/2)] / h`` by the Taylor series at the centre ``c``.

    The divided difference is the mean of ``Phi'`` over the segment, so

        sum_m Phi^(2m+1)(c) (h/2)^(2m) / (2m + 1)!.

    With ``R`` = :func:`singularity_distance` of ``c``, the terms fall like
    ``(|h| / 2R)^(2m)``: for ``|h| <= R / 64`` the four terms kept leave
    ``< 128^-8 ~ 1.4e-17`` (relative).  No cancellation: the removable
    singularity at ``h = 0`` never appears.
    """
    center, h, mu, T, s = np.broadcast_arrays(np.asarray(center, complex), np.asarray(h, complex),
                                              np.asarray(mu, float), np.asarray(T, float),
                                              np.asarray(s, float))
    orders = [2 * m + 1 for m in range(_SEGMENT_TERMS)]
    derivs = phi_derivatives(center - mu, T, s, orders)
    half2 = (0.5 * h) ** 2
    total = np.zeros(center.shape, dtype=complex)
    for m in reversed(range(_SEGMENT_TERMS)):      # Horner in (h/2)^2
        total = total * half2 + derivs[m] / math.factorial(2 * m + 1)
    return total


def parallelogram_mean(center, r1, r2, mu, T, s):
    """Mean of ``Phi''`` over the parallelogram ``c + a r1 + b r2``, ``a, b in [-1/2, 1/2]``.

    This is the second divided difference of :func:`mixed_difference`:
    ``[Phi(p) - Phi(p-d) - Phi(q) + Phi(q-d)] / (d (p - q))`` is the mean of
    ``Phi''`` over the parallelogram with vertices ``p, p - d, q, q - d``
    (``r1 = p - q``, ``r2 = -d``, centre ``(p + q - d)/2``).  Taylor series at
    the centre: ``sum_{n even} Phi^(n+2)(c)/n! E[(a r1 + b r2)^n]`` with
    ``E[a^k] = 2^-k/(k+1)`` for even k.  Its terms fall like
    ``((|r1| + |r2|) / 2R)^n``: for ``|r1|, |r2| <= R/64`` the orders kept
    (n <= 8) leave ``< 64^-10 ~ 1e-18``.
    """
    center, r1, r2, mu, T, s = np.broadcast_arrays(
        np.asarray(center, complex), np.asarray(r1, complex), np.asarray(r2, complex),
        np.asarray(mu, float), np.asarray(T, float), np.asarray(s, float))
    orders = [2 * i + 2 for i in range(_PARALLELOGRAM_TERMS)]
    derivs = phi_derivatives(center - mu, T, s, orders)
    total = np.zeros(center.shape, dtype=complex)
    for i in range(_PARALLELOGRAM_TERMS):
        n = 2 * i
        # E[(a r1 + b r2)^n] = sum_{k even} C(n, k) r1^k r2^(n-k) / (2^n (k+1) (n-k+1))
        moment = sum(math.comb(n, k) * r1 ** k * r2 ** (n - k) / ((k + 1) * (n - k + 1))
                     for k in range(0, n + 1, 2)) / 2 ** n
        total = total + derivs[i] * moment / math.factorial(n)
    return total


def phi(z, mu, T, s):
    """``Phi(z; mu, T)`` of pole family ``s`` (+1: upper half-plane, -1: lower).

    The family is explicit so that the function stays analytic (and the same
    branch) when evaluated on a contour that crosses the real axis.
    """
    z, mu, T, s = np.broadcast_arrays(np.asarray(z, dtype=complex), np.asarray(mu, dtype=float),
                                      np.asarray(T, dtype=float), np.asarray(s, dtype=float))
    x = z - mu
    out = np.empty(z.shape, dtype=complex)
    zero = T == 0
    out[zero] = np.log(x[zero])
    finite = ~zero
    if finite.any():
        t, xs, ss = T[finite], x[finite], s[finite]
        w = ss * xs / (2j * np.pi * t)
        big = np.abs(w) > _HUGE
        val = np.empty(w.shape, dtype=complex)
        # psi(1/2 + w) ~ log(w): keeps the same constant -log(2 pi T) as the psi branch
        val[big] = np.log(xs[big]) - np.log(2 * np.pi * t[big])
        small = ~big
        val[small] = psi_half(w[small]) + ss[small] * 0.5j * np.pi
        out[finite] = val
    return out


def analytic_radius(z, T):
    """Radius of the disk around ``z`` where its family of ``Phi`` is analytic."""
    return np.abs(np.imag(z)) + np.pi * np.asarray(T, dtype=float)


def _contour(center, radius, kernel, mu, T, s):
    """``(1/2 pi i) oint Phi(zeta) kernel(zeta) dzeta`` over the circle (center, radius).

    ``kernel`` must decay at least like ``1/zeta^2`` (true of every divided
    difference kernel used here).

    ``center``, ``radius``, ``mu``, ``T``, ``s``: 1-d arrays of the same length;
    ``kernel(zeta)`` gets ``zeta`` of shape (n, NODES).
    """
    step = radius[:, None] * _THETA[None, :]
    zeta = center[:, None] + step
    values = phi(zeta, mu[:, None], T[:, None], s[:, None])
    # every kernel here decays like 1/zeta^2, so oint kernel = 0: subtracting
    # Phi(center) removes the large constant (-log 2 pi T at small T) exactly
    values = values - phi(center, mu, T, s)[:, None]
    return np.mean(values * kernel(zeta) * step, axis=1)


#: coefficients of psi(1/2 + w) ~ log w + sum_k c_k w^(-2k):  (1 - 2^(1-2k)) B_2k / (2k)
_ASYMPTOTIC = (1 / 24, -7 / 960, 31 / 8064, -127 / 30720)
#: |w| = |z - mu| / (2 pi T) beyond which the asymptotic series is exact to ~1e-17
_FAR_W = 50.0


def log1p_complex(u):
    """``log(1 + u)`` for complex ``|u| < 1/2`` to full relative precision.

    (NumPy's complex ``log1p`` loses the digits of small ``u``.)
    """
    re, im = np.real(u), np.imag(u)
    return 0.5 * np.log1p(2 * re + re * re + im * im) + 1j * np.arctan2(im, 1 + re)




def _far_pairs(x, y, mu, T, s, s_y):
    """Pairs of one family, far from mu (on the scale 2 pi T) and close to each
    other on the scale |z - mu|, where the difference of two Phi values (each
    ~log|z - mu|) would cancel."""
    dist = np.minimum(np.abs(x - mu), np.abs(y - mu))
    with np.errstate(divide="ignore", invalid="ignore"):
        w_min = np.where(T > 0, dist / (2 * np.pi * np.where(T > 0, T, 1.0)), np.inf)
    return (s == s_y) & (np.abs(x - y) < 0.5 * dist) & (w_min > _FAR_W)


def _far_divided_difference(x, y, mu, T, s):
    """``[Phi(x) - Phi(y)] / (x - y)`` without cancellation far from ``mu``.

    There ``Phi(z) = log(z - mu) - log(2 pi T) + sum_k c_k w^-2k`` with
    ``w = s (z - mu) / (2 pi i T)`` (at ``T = 0`` just the log): the logs
    differ by ``log1p((x - y)/(y - mu))``, the series terms are small.
    """
    h = x - y
    zero = h == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(zero, 1.0 / (y - mu), log1p_complex(h / (y - mu)) / np.where(zero, 1.0, h))
    finite = T > 0
    if finite.any():
        scale = s[finite] / (2j * np.pi * T[finite])
        wx, wy = (x[finite] - mu[finite]) * scale, (y[finite] - mu[finite]) * scale
        # w_x^-2k - w_y^-2k = (w_y^2k - w_x^2k) / (w_x w_y)^2k, with the power difference
        # as a geometric sum times (w_y - w_x): no cancellation
        with np.errstate(under="ignore"):
            # 1/w rather than w^-2: at T ~ 1e-300 w^2 overflows (1/w underflows to 0)
            ix, iy = 1.0 / wx, 1.0 / wy
            ix2, iy2 = ix * ix, iy * iy
            series = np.zeros(wx.shape, dtype=complex)
            for k, c in enumerate(_ASYMPTOTIC, start=1):
                # (ix2^k - iy2^k) / (ix2 - iy2) = sum_j ix2^j iy2^(k-1-j)
                geometric = sum(ix2 ** j * iy2 ** (k - 1 - j) for j in range(k))
                series = series + c * geometric
            # (ix2 - iy2) / h = -(wx + wy) (wx - wy) / h / (wx wy)^2 with wx - wy = h scale,
            # and scale (wx + wy) / (wx wy)^2 = (ix + iy) iy / (x - mu)
            out[finite] = out[finite] - series * (ix + iy) * iy / (x[finite] - mu[finite])
    return out


def divided_difference(x, y, mu, T, s, s_y=None):
    """``[Phi(x) - Phi(y)] / (x - y)``, exact when ``x -> y``.

    ``x`` belongs to family ``s``, ``y`` to ``s_y`` (default: the same).  All
    arguments broadcast; Phi is evaluated on the shapes of ``x`` and ``y``
    before they are paired, so an outer product of poles costs only its
    distinct points.  Close pairs of one family (``|x - y|`` below a fraction
    of the analytic radius) go through the contour integral; the others,
    including every pair of different families (never close), through the
    direct formula.
    """
    s_y = s if s_y is None else s_y
    fx = phi(x, mu, T, s)
    fy = phi(y, mu, T, s_y)
    x, y, mu, T, s, s_y, fx, fy = np.broadcast_arrays(
        np.asarray(x, complex), np.asarray(y, complex), np.asarray(mu, float),
        np.asarray(T, float), np.asarray(s, float), np.asarray(s_y, float), fx, fy)
    center = 0.5 * (x + y)
    rho = analytic_radius(center, T)
    far = _far_pairs(x, y, mu, T, s, s_y)
    close = (np.abs(x - y) <= CLOSE * rho) & (s == s_y) & ~far
    diff = np.where(close | far, 1.0, x - y)
    out = np.array((fx - fy) / diff, dtype=complex)
    if far.any():
        out[far] = _far_divided_difference(x[far], y[far], mu[far], T[far], s[far])
    if close.any():
        xc, yc = x[close], y[close]
        out[close] = _contour(center[close], RADIUS * rho[close],
                              lambda zeta: 1.0 / ((zeta - xc[:, None]) * (zeta - yc[:, None])),
                              mu[close], T[close], s[close])
    return out


def mixed_difference(p, q, delta, mu, T, s_p, s_q):
    """``[Phi(p) - Phi(p - d) - Phi(q) + Phi(q - d)] / (d (p - q))``.

    The second divided difference behind every equal-temperature EHP spectrum
    (``d = omega - mu_ab``, ``q = omega + pole``).  Exact in every limit:
    ``d -> 0`` (the Bose pole at ``omega = mu_ab``), ``p -> q`` (coincident
    electronic poles), and both.  ``p`` belongs to family ``s_p``, ``q`` to
    ``s_q``; poles of different families are never close.  Pass ``p`` and
    ``q`` as an outer product (shapes ``(..., P, 1)`` and ``(..., 1, Q)``):
    the first differences are then computed per pole, not per pair.
    """
    # generic pairs: difference of first divided differences along the real shift d
    d_p = divided_difference(p, np.asarray(p) - delta, mu, T, s_p)
    d_q = divided_difference(q, np.asarray(q) - delta, mu, T, s_q)
    p, q, delta, mu, T, s_p, s_q, d_p, d_q = np.broadcast_arrays(
        np.asarray(p, complex), np.asarray(q, complex), np.asarray(delta, complex),
        np.asarray(mu, float), np.asarray(T, float), np.asarray(s_p, float),
        np.asarray(s_q, float), d_p, d_q)
    rho = np.minimum(analytic_radius(p, T), analytic_radius(q, T))
    pq_close = (np.abs(p - q) <= CLOSE * rho) & (s_p == s_q)
    out = np.array((d_p - d_q) / np.where(pq_close, 1.0, p - q), dtype=complex)
    if not pq_close.any():
        return out
    d_close = np.abs(delta) <= CLOSE * rho
    # p, q close but d large: first divided differences across p - q
    near = pq_close & ~d_close
    if near.any():
        pn, qn, dn, mn, tn, sn = p[near], q[near], delta[near], mu[near], T[near], s_p[near]
        d_0 = divided_difference(pn, qn, mn, tn, sn)
        d_d = divided_difference(pn - dn, qn - dn, mn, tn, sn)
        out[near] = (d_0 - d_d) / dn
    # all four points close: one contour with the kernel written without cancellation
    both = pq_close & d_close
    if both.any():
        pb, qb, db = p[both], q[both], delta[both]
        center = 0.25 * (2 * pb + 2 * qb - 2 * db)

        def kern(zeta):
            u, v, d = zeta - pb[:, None], zeta - qb[:, None], db[:, None]
            return (u + v + d) / (u * v * (u + d) * (v + d))

        out[both] = _contour(center, RADIUS * analytic_radius(center, T[both]), kern,
                             mu[both], T[both], s_p[both])
    return out
