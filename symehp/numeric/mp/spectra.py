"""Arbitrary-precision EHP spectra with mpmath (``dps=`` of the public functions).

The same closed form as :mod:`symehp.numeric.spectra`, evaluated with the complex digamma
and polygamma of Arb (python-flint; mpmath's where it is missing) at ``dps``
decimal digits plus guard digits, and at equal electrode temperatures the pole-pair
sums in Arb too (:func:`_spectra_arb`); the rest in mpmath: the pole
expansion of ``H - i (Gamma_L + Gamma_R)/2`` (:mod:`.poles` with the mpmath
backend: ``mpmath.eig``, rank-one residues, the traces from the pole-basis
couplings), and for every pole pair the second divided difference of

    Phi(z) = psi(1/2 + s (z - mu)/(2 pi i T)) + s i pi/2        (log(z - mu) at T = 0).

Removable singularities are taken as exact limits (polygamma derivatives)
when the points coincide to within the guard digits; otherwise the guard
digits absorb the cancellation.  ``Pi^<`` at unequal electrode temperatures
takes the Fermi pole sums of :func:`symehp.numeric.spectra._emission_two_t` in Arb, with the pole
count set for ``10^-(dps + GUARD/2)`` (:func:`_emission_poles_arb`); an mpmath energy
quadrature where python-flint is missing, an electrode is at ``T = 0`` or a level
is decoupled.  Use this path when double precision
cancels: tiny spectra near equilibrium, near-resonance, or as a reference.
It is slow (pure Python): meant for single points, not sweeps.
"""

from __future__ import annotations

import contextlib

import mpmath as mp
import numpy as np

from ...ehp import channel as _channel
from ..poles import pole_expansion

__all__ = ["spectra_mp"]

#: extra digits carried internally beyond the requested ``dps``
GUARD = 20
#: the equal-temperature pair sums in Arb (python-flint) when it is there; False: in
#: mpmath (the route before, kept for benchmarks/bench_precise.py and the tests)
ARB_PAIR_SUMS = True


def _pole_expansion(model):
    """The mpmath :class:`~.poles.PoleExpansion` of ``model`` at the current precision (cached).

    The rank-one expansion of :mod:`.poles` with mpmath entries; the spectra sum
    over its :attr:`~.poles.PoleExpansion.nonzero_traces`, the traces
    ``T_{mn,pq} = C^{ba}_{m,qp} C^{ab}_{n,pq}`` of the pole-basis couplings.
    """
    return pole_expansion(model, backend="mpmath", dps=mp.mp.dps)


_PHI_MEMO = {}


def _phi(z, mu, T, s, derivative=0):
    """``Phi`` and its derivatives (order 0, 1, 2) in the pole variable ``z``.

    Memoized: across the pole pairs of one spectrum, and across the frequency
    nodes of a current, many arguments repeat (``Phi(p, mu_a)`` does not
    depend on ``omega``), and one complex digamma costs about a millisecond.
    """
    key = (z, mu, T, s, derivative, mp.mp.prec)
    value = _PHI_MEMO.get(key)
    if value is None:
        if len(_PHI_MEMO) > 50000:
            _PHI_MEMO.clear()
        value = _PHI_MEMO[key] = _phi_eval(z, mu, T, s, derivative)
    return value


def _phi_eval(z, mu, T, s, derivative):
    if T == 0:
        x = z - mu
        return [mp.log(x), 1 / x, -1 / x**2][derivative]
    scale = s / (2j * mp.pi * T)
    arg = mp.mpf(0.5) + scale * (z - mu)
    if derivative == 0:
        return _polygamma(0, arg) + s * 0.5j * mp.pi
    return _polygamma(derivative, arg) * scale**derivative


try:
    import flint as _flint
except ImportError:                        # pragma: no cover - python-flint is a dependency
    _flint = None


def _polygamma(order, arg):
    """``polygamma(order, arg)`` (``order`` 0: the digamma) of an ``mpmath.mpc`` at the
    current mpmath precision.

    With python-flint (Arb's ``acb_polygamma``, 50-60x faster than mpmath at 50
    digits): the argument is passed exactly (mantissa and exponent of each part),
    evaluated with 16 guard bits, and the midpoint rounded to the working precision
    (Arb's error bound is far below one unit of it); mpmath otherwise.
    """
    if _flint is None:
        return mp.digamma(arg) if order == 0 else mp.polygamma(order, arg)
    with _arb_precision(16):
        z = _flint.acb(_to_arb(arg.real), _to_arb(arg.imag))
        value = z.digamma() if order == 0 else z.polygamma(_flint.acb(order))
        parts = (value.real.mid().man_exp(), value.imag.mid().man_exp())
    return mp.mpc(*(mp.mpf((int(m), int(e))) for m, e in parts))


@contextlib.contextmanager
def _arb_precision(extra_bits=0):
    """Arb (python-flint) at mpmath's working precision plus ``extra_bits``, restored after."""
    ctx = _flint.ctx
    saved = ctx.prec
    ctx.prec = mp.mp.prec + extra_bits
    try:
        yield
    finally:
        ctx.prec = saved


def _to_arb(x):
    """The ``mpmath.mpf`` ``x`` as an exact ``flint.arb`` (its sign, mantissa, exponent)."""
    sign, man, exp, _ = mp.mpf(x)._mpf_
    return _flint.arb((-int(man) if sign else int(man), int(exp)))


def _first(x, y, mu, T, s, tiny):
    """``[Phi(x) - Phi(y)] / (x - y)`` with the exact limit at coincidence."""
    if abs(x - y) <= tiny:
        return _phi((x + y) / 2, mu, T, s, 1)
    return (_phi(x, mu, T, s) - _phi(y, mu, T, s)) / (x - y)


def _second(p, q, d, mu, T, s_p, s_q, tiny):
    """``[Phi(p) - Phi(p-d) - Phi(q) + Phi(q-d)] / (d (p - q))`` with exact limits."""
    if s_p != s_q or abs(p - q) > tiny:
        return (_first(p, p - d, mu, T, s_p, tiny) - _first(q, q - d, mu, T, s_q, tiny)) / (p - q)
    if abs(d) <= tiny:
        return _phi(p, mu, T, s_p, 2)
    return (_phi(p, mu, T, s_p, 1) - _phi(p - d, mu, T, s_p, 1)) / d


#: pole pairs closer than this to a removable singularity (``|d|``, or ``|p - w - q|`` for
#: poles of one half-plane) are summed at raised precision (:func:`_second_near`)
NEAR = 1e-3


def _near(p, s, d, s_p, s_q):
    """How close the pair ``(p, s = w + q)`` is to a removable singularity of
    :func:`_second` (``|d|``, and ``|p - s|`` when both poles are of one family)."""
    near = abs(d)
    if s_p == s_q:
        near = min(near, abs(p - s))
    return near


def _second_near(p, s, d, mu, T, s_p, s_q, tiny, near):
    """:func:`_second` near a removable singularity, at a precision raised by twice the
    digits of ``1 / near``: the quotients cancel like ``1 / near^2`` (both coincidences
    at once, e.g. ``w = mu_ab = Re(p - q)``), so at the working precision alone a node
    ``1e-20`` from the point would lose 40 digits.  Below ``tiny`` the exact limits of
    :func:`_second` take over (their error is of order ``near``).  The inputs are exact
    at the raised precision, so the removable zeros stay exact."""
    extra = 5 + (2 * int(mp.ceil(-mp.log10(near))) if near > 0 else 0)
    with mp.workdps(mp.mp.dps + max(extra, 0)):
        return +_second(p, s, d, mu, T, s_p, s_q, tiny)


def _x_bose(x, T):
    """``x n_B(x, T)`` (``T`` at ``x = 0``, ``-x theta(-x)`` at ``T = 0``)."""
    if T == 0:
        return -x if x < 0 else mp.mpf(0)
    if x == 0:
        return T
    return x / mp.expm1(x / T)


def spectra_mp(model, ch, omega, mu_L, mu_R, T_L, T_R, *, dps, emission=True):
    """``(Lambda, Pi^<)`` of one channel at one point as K x K ``mpmath.matrix``.

    ``model`` is a :class:`~symehp.model.NumericJunction`; the scalars are
    converted exactly from their double values.  With ``emission=False``
    ``Pi^<`` is not computed (returned as None).
    """
    with mp.workdps(dps + GUARD):
        return _spectra(_pole_expansion(model), model, _channel(ch), mp.mpf(omega),
                        mp.mpf(mu_L), mp.mpf(mu_R), mp.mpf(T_L), mp.mpf(T_R), dps, emission)


def _acb(x):
    """An ``mpmath`` number as the exact ``flint.acb``."""
    x = mp.mpc(x)
    return _flint.acb(_to_arb(x.real), _to_arb(x.imag))


def _from_acb(value):
    """The midpoint of an ``acb`` as an ``mpmath.mpc`` (exact; rounded by the next mp operation)."""
    parts = (value.real.mid().man_exp(), value.imag.mid().man_exp())
    return mp.mpc(*(mp.mpf((int(m), int(e))) for m, e in parts))


_ARB_CACHE = {}


def _arb_model(exp, key):
    """Per expansion and channel, at the current precision: the poles and the nonzero
    traces as ``acb`` (converted exactly, once)."""
    tag = (id(exp), key, mp.mp.prec)
    entry = _ARB_CACHE.get(tag)
    if entry is None or entry[0] is not exp:
        if len(_ARB_CACHE) > 64:
            _ARB_CACHE.clear()
        k = exp.K
        poles = [_acb(z) for z in exp.poles]
        traces = [(ip, iq, [[_acb(tr[m, n]) for n in range(k)] for m in range(k)])
                  for ip, iq, tr in exp.nonzero_traces[key]]
        entry = _ARB_CACHE[tag] = (exp, poles, traces, {})
    return entry[1:]


def _spectra_arb(exp, ch, w, mu_a, mu_b, T, tiny):
    """``(Lambda, Pi^<)`` (K x K ``mpmath.matrix``) at equal temperatures ``T > 0``, the pair
    sums in Arb (python-flint) at the working precision: the same closed form as
    :func:`_spectra` (``X_pq = [F(p) - F(s)] / (p - s)``, ``F(z) = [Phi(z) - Phi(z - d)] /
    d``, ``s = w + q``), 10-20 times faster than in mpmath; the pairs at a removable
    singularity (``|p - s|`` or ``|d|`` within ``tiny``) are taken from the mpmath code.
    """
    with _arb_precision():
        poles, traces, fixed = _arb_model(exp, (ch.alpha, ch.beta))
        family = [int(x) for x in exp.family]
        k = exp.K
        d = w - (mu_a - mu_b)
        wa, da, mua, Ta = _acb(w), _acb(d), _acb(mu_a), _acb(T)
        half_pi_i = _flint.acb(0, 1) * _flint.acb.pi() / 2
        scale = {s: _flint.acb(s) / (2 * _flint.acb(0, 1) * _flint.acb.pi() * Ta) for s in (-1, 1)}

        def phi(z, s):
            return (0.5 + scale[s] * (z - mua)).digamma() + s * half_pi_i

        tag = (mu_a._mpf_, T._mpf_)
        at_p = fixed.setdefault(tag, {})          # Phi(p; mu_a): the same at every node
        shifted = {}
        zero = _flint.acb(0)
        dos = [[zero] * k for _ in range(k)]
        less = [[zero] * k for _ in range(k)]
        weight_less = _acb(-_x_bose(d, T))

        def F(role, i, z, s):
            # [Phi(z) - Phi(z - d)] / d
            if (role, i) not in shifted:
                base = at_p.get(i) if role == "p" else None
                if base is None:
                    base = phi(z, s)
                    if role == "p":
                        at_p[i] = base
                shifted[(role, i)] = (base - phi(z - da, s)) / da
            return shifted[(role, i)]

        for ip, iq, tr in traces:
            p, q = exp.poles[ip], w + exp.poles[iq]
            near = _near(p, q, d, family[ip], family[iq])
            if near < NEAR:
                x = _acb(_second_near(p, q, d, mu_a, T, family[ip], family[iq], tiny, near))
            else:
                pa, sa = poles[ip], wa + poles[iq]
                x = (F("p", ip, pa, family[ip]) - F("s", iq, sa, family[iq])) / (pa - sa)
            f_dos, f_less = -da * x, weight_less * x
            for m in range(k):
                for n in range(k):
                    dos[m][n] += tr[m][n] * f_dos
                    less[m][n] += tr[m][n] * f_less
        two_pi = 2 * _flint.acb.pi()
        return (mp.matrix([[_from_acb(v / two_pi) for v in row] for row in dos]),
                mp.matrix([[_from_acb(v / two_pi) for v in row] for row in less]))


def _spectra(exp, model, ch, w, mu_L, mu_R, T_L, T_R, dps, emission):
    """:func:`spectra_mp` at the current working precision (arguments mp numbers)."""
    mus = {"L": mu_L, "R": mu_R}
    temps = {"L": T_L, "R": T_R}
    mu_a, mu_b = mus[ch.alpha], mus[ch.beta]
    t_a, t_b = temps[ch.alpha], temps[ch.beta]
    if _flint is not None and ARB_PAIR_SUMS and t_a == t_b and t_a > 0:
        dos, less = _spectra_arb(exp, ch, w, mu_a, mu_b, t_a,
                                 mp.mpf(10) ** (-(dps + GUARD // 2)))
        return (+dos, +less) if emission else (+dos, None)
    poles, family = exp.poles, [int(s) for s in exp.family]
    k = exp.K
    tiny = mp.mpf(10) ** (-(dps + GUARD // 2))
    dos = np.full((k, k), mp.mpf(0), dtype=object)
    less = np.full((k, k), mp.mpf(0), dtype=object)
    equal_t = t_a == t_b
    d = w - (mu_a - mu_b)
    weight_less = -_x_bose(d, t_a) if equal_t else None
    for ip, iq, tr in exp.nonzero_traces[(ch.alpha, ch.beta)]:
        p, s = poles[ip], w + poles[iq]
        if equal_t:
            near = _near(p, s, d, family[ip], family[iq])
            x = (_second_near(p, s, d, mu_a, t_a, family[ip], family[iq], tiny, near)
                 if near < NEAR else _second(p, s, d, mu_a, t_a, family[ip], family[iq], tiny))
            f_dos, f_less = -d * x, weight_less * x
        else:
            f_dos = -(_first(p, s, mu_a, t_a, family[ip], tiny)
                      if family[ip] == family[iq] else
                      (_phi(p, mu_a, t_a, family[ip]) - _phi(s, mu_a, t_a, family[iq])) / (p - s))
            f_dos += ((_phi(p - w, mu_b, t_b, family[ip]) - _phi(poles[iq], mu_b, t_b, family[iq]))
                      / (p - s))
            f_less = 0
        dos += tr * f_dos
        less += tr * f_less
    dos = mp.matrix((dos / (2 * mp.pi)).tolist())
    if not emission:
        return +dos, None
    if equal_t:
        less = mp.matrix((less / (2 * mp.pi)).tolist())
    elif _flint is not None and ARB_PAIR_SUMS and t_a > 0 and t_b > 0 and len(poles) == 2 * model.N:
        less = _emission_poles_arb(exp, ch, w, mu_a, mu_b, t_a, t_b, dps)
    else:
        less = _emission_quad(model, ch, w, mu_a, mu_b, t_a, t_b, poles)
    return +dos, +less


_POLE_SETS = {}


def _fermi_pole_set(x_max, digits):
    """Fermi poles ``xi_j`` and residues ``r_j`` (``acb``, the working precision) with
    ``|f - f_N| <= 10^-digits`` on ``|x| <= x_max`` (``x`` in units of T).

    The pole count is found by evaluating the error: N starts at the double-precision
    rule for the window and grows by a quarter until the largest error over 400 points
    of ``[0, x_max]`` (and their mirror, ``f_N - 1/2`` being odd) is below the target;
    ``|f - f_N|`` grows monotonically with ``|x|`` beyond the rounding level
    (:mod:`.fermi_poles`), so the sampled maximum is that of the window.
    """
    from ...closed_forms import fermi_pole_set
    # windows rounded up to a ladder of ratio 5/4, so that the nodes of a current share
    # a few pole sets (each checked once)
    x_max = mp.mpf(1.25) ** mp.ceil(mp.log(max(x_max, 1)) / mp.log(1.25))
    found = _POLE_SETS.get(("window", float(x_max), digits, mp.mp.prec))
    if found is not None:
        return found
    n = max(20, int(mp.ceil(mp.sqrt(x_max / mp.mpf("0.05")))))
    target = mp.mpf(10) ** (-digits)
    while True:
        key = (n, mp.mp.prec)
        if key not in _POLE_SETS:
            xi, r = fermi_pole_set(n, dps=mp.mp.dps)
            _POLE_SETS[key] = ([mp.mpf(str(x)) for x in xi], [mp.mpf(str(v)) for v in r])
        xi, r = _POLE_SETS[key]
        worst = mp.mpf(0)
        for i in range(1, 401):
            x = x_max * i / 400
            f_n = mp.mpf(0.5) - mp.fsum(2 * rj * x / (x * x + xj * xj) for xj, rj in zip(xi, r))
            worst = max(worst, abs(f_n - 1 / (mp.exp(x) + 1)))
        if worst <= target:
            found = _POLE_SETS[("window", float(x_max), digits, mp.mp.prec)] = (xi, r)
            return found
        n += max(4, n // 4)


def _emission_poles_arb(exp, ch, w, mu_a, mu_b, t_a, t_b, dps):
    """``Pi^<`` at ``T_a != T_b`` (both > 0) with the Fermi pole sums, in Arb (K x K
    ``mpmath.matrix``): the construction of :func:`..spectra._emission_two_t` at the
    working precision.  The window and the pole sums' accuracy are set for
    ``10^-(dps + GUARD/2)`` of the kernel's integral: ``X = max(c max(T_a, T_b), |d| + c
    T_a)`` with ``c = (dps + GUARD/2) ln 10``, and the pole count of
    :func:`_fermi_pole_set`.  Coincident points (``|p - w - q|`` or ``|u - z|`` within
    the guard digits) take the derivative of ``Psi``.
    """
    digits = dps + GUARD // 2
    tiny = mp.mpf(10) ** (-digits)
    c_tail = digits * mp.log(10)
    d = w - (mu_a - mu_b)
    window = max(c_tail * max(t_a, t_b), abs(d) + c_tail * t_a)
    sets = [(t_b, 1, _fermi_pole_set(window / t_b, digits)),
            (t_a, -1, _fermi_pole_set(window / t_a, digits))]
    # the equal-temperature part at T_a
    _, first = _spectra_arb(exp, ch, w, mu_a, mu_b, t_a, tiny)
    with _arb_precision():
        poles, traces, _ = _arb_model(exp, (ch.alpha, ch.beta))
        family = [int(x) for x in exp.family]
        k = exp.K
        i_unit, pi = _flint.acb(0, 1), _flint.acb.pi()
        wa, mua, Ta = _acb(w), _acb(mu_a), _acb(t_a)
        centre = _acb(w + mu_b)
        lower_end = _acb(w + mu_b - window)
        scale = {s: _flint.acb(s) / (2 * i_unit * pi * Ta) for s in (-1, 1)}

        def psi(u, s):
            return ((0.5 + scale[s] * (u - mua)).digamma() + s * i_unit * pi / 2
                    - (u - lower_end).log())

        def psi_prime(u, s):
            return (0.5 + scale[s] * (u - mua)).polygamma(_flint.acb(1)) * scale[s] - 1 / (
                u - lower_end)

        zs = []                                     # (z, family, weight)
        for T_c, sign, (xi, r) in sets:
            Tc = _acb(T_c)
            for xj, rj in zip(map(_acb, xi), map(_acb, r)):
                for s in (-1, 1):
                    zs.append((centre + s * i_unit * xj * Tc, s, sign * rj * Tc))
        psi_z = [psi(z, s) for z, s, _ in zs]

        tiny_arb = _to_arb(tiny)

        def first_dd(u, pu, s_u, j):
            z, s_z, _ = zs[j]
            gap = u - z
            if s_z == s_u and gap.abs_upper() <= tiny_arb:
                return psi_prime(u, s_u)
            return (pu - psi_z[j]) / gap

        def u_sum(u, s_u):
            pu = psi(u, s_u)
            return pu, sum((zs[j][2] * first_dd(u, pu, s_u, j) for j in range(len(zs))),
                           _flint.acb(0))

        rows, cols = {}, {}
        zero = _flint.acb(0)
        out = [[zero] * k for _ in range(k)]
        for ip, iq, tr in traces:
            p, sq = poles[ip], wa + poles[iq]
            if ip not in rows:
                rows[ip] = u_sum(p, family[ip])
            if iq not in cols:
                cols[iq] = u_sum(sq, family[iq])
            (pp, up), (ps, vq) = rows[ip], cols[iq]
            if family[ip] == family[iq] and abs(_from_acb(p - sq)) <= tiny ** 0.5:
                # p -> w + q: sum_z c_z (Psi[p, s] - Psi[s, z]) / (p - z), Psi[p, s] exact
                if abs(_from_acb(p - sq)) <= tiny:
                    pair = psi_prime(p, family[ip])
                else:
                    pair = (pp - ps) / (p - sq)
                y = sum((zs[j][2] * (pair - first_dd(sq, ps, family[iq], j)) / (p - zs[j][0])
                         for j in range(len(zs))), zero)
            else:
                y = (up - vq) / (p - sq)
            for m in range(k):
                for n in range(k):
                    out[m][n] += tr[m][n] * y
        two_pi = 2 * pi
        corr = mp.matrix([[_from_acb(v / two_pi) for v in row] for row in out])
    return first + corr


def _trace(mat):
    return mp.fsum(mat[i, i] for i in range(mat.rows))


def _emission_quad(model, ch, w, mu_a, mu_b, t_a, t_b, poles):
    """``Pi^<`` at unequal temperatures: mpmath quadrature of Eq. (7)'s kernel (times the
    model's spin degeneracy)."""
    n = model.N
    H = mp.matrix(model.H.tolist())
    gammas = {"L": mp.matrix(model.gamma_L.tolist()), "R": mp.matrix(model.gamma_R.tolist())}
    sigma = (gammas["L"] + gammas["R"]) * mp.mpc(0, 0.5)
    m_mats = [mp.matrix(mk.tolist()) for mk in model.M]
    k = len(m_mats)

    def spectral(name, e):
        g = mp.inverse(e * mp.eye(n) - H + sigma)
        return g * gammas[name] * g.H

    def fermi(x, t):
        return 1 / (mp.exp(x / t) + 1) if t > 0 else (mp.mpf(1) if x < 0 else mp.mpf(0))

    lo, hi = mu_b + w - 60 * t_b, mu_a + 60 * t_a
    if hi <= lo:
        return mp.zeros(k, k)
    cuts = sorted({lo, hi, *[x for x in (mu_a, mu_b + w, *[mp.re(p) for p in poles],
                                          *[mp.re(p) + w for p in poles]) if lo < x < hi]})
    out = mp.zeros(k, k)
    for m in range(k):
        for nn in range(k):
            def integrand(e, m=m, nn=nn):
                kern = _trace(m_mats[m] * spectral(ch.alpha, e) * m_mats[nn]
                              * spectral(ch.beta, e - w))
                return kern * fermi(e - mu_a, t_a) * fermi(-(e - w - mu_b), t_b)
            out[m, nn] = model.spin_degeneracy * mp.quad(integrand, cuts) / (2 * mp.pi)
    return out


def to_numpy(mat):
    """An ``mpmath.matrix`` as a complex NumPy array (for the double-precision API)."""
    return np.array([[complex(mat[i, j]) for j in range(mat.cols)] for i in range(mat.rows)])
