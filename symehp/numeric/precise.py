"""Arbitrary-precision EHP spectra with mpmath (``dps=`` of the public functions).

The same closed form as :mod:`.spectra`, evaluated with the complex digamma
and polygamma of Arb (python-flint; mpmath's where it is missing) at ``dps``
decimal digits plus guard digits, the rest in mpmath: the pole
expansion of ``H - i (Gamma_L + Gamma_R)/2`` (:mod:`.poles` with the mpmath
backend: ``mpmath.eig``, rank-one residues, the traces from the pole-basis
couplings), and for every pole pair the second divided difference of

    Phi(z) = psi(1/2 + s (z - mu)/(2 pi i T)) + s i pi/2        (log(z - mu) at T = 0).

Removable singularities are taken as exact limits (polygamma derivatives)
when the points coincide to within the guard digits; otherwise the guard
digits absorb the cancellation.  ``Pi^<`` at unequal electrode temperatures
is an mpmath quadrature over energy.  Use this path when double precision
cancels: tiny spectra near equilibrium, near-resonance, or as a reference.
It is slow (pure Python): meant for single points, not sweeps.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np

from ..ehp import channel as _channel
from .poles import pole_expansion

__all__ = ["spectra_mp"]

#: extra digits carried internally beyond the requested ``dps``
GUARD = 20


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
    ctx = _flint.ctx
    saved = ctx.prec
    ctx.prec = mp.mp.prec + 16
    try:
        z = _flint.acb(_to_arb(arg.real), _to_arb(arg.imag))
        value = z.digamma() if order == 0 else z.polygamma(_flint.acb(order))
        parts = (value.real.mid().man_exp(), value.imag.mid().man_exp())
    finally:
        ctx.prec = saved
    return mp.mpc(*(mp.mpf((int(m), int(e))) for m, e in parts))


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


def _spectra(exp, model, ch, w, mu_L, mu_R, T_L, T_R, dps, emission):
    """:func:`spectra_mp` at the current working precision (arguments mp numbers)."""
    mus = {"L": mu_L, "R": mu_R}
    temps = {"L": T_L, "R": T_R}
    mu_a, mu_b = mus[ch.alpha], mus[ch.beta]
    t_a, t_b = temps[ch.alpha], temps[ch.beta]
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
            x = _second(p, s, d, mu_a, t_a, family[ip], family[iq], tiny)
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
    else:
        less = _emission_quad(model, ch, w, mu_a, mu_b, t_a, t_b, poles)
    return +dos, +less


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
