"""Arbitrary-precision EHP spectra with mpmath (``dps=`` of the public functions).

The same closed form as :mod:`.spectra`, evaluated with mpmath's complex
digamma and polygamma at ``dps`` decimal digits plus guard digits: the pole
expansion of ``H - i (Gamma_L + Gamma_R)/2`` (``mpmath.eig``), the residue
traces, and for every pole pair the second divided difference of

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

__all__ = ["spectra_mp"]

#: extra digits carried internally beyond the requested ``dps``
GUARD = 20


class _Expansion:
    """Pole expansion at one working precision, with the residue traces of
    every channel computed once: ``traces[(a, b)]`` lists the pole pairs
    ``(ip, iq, K x K matrix tr[M^m W^a_p M^n W^b_q])`` whose trace is not zero."""

    def __init__(self, model):
        n = model.N
        H = mp.matrix(model.H.tolist())
        gammas = {"L": mp.matrix(model.gamma_L.tolist()), "R": mp.matrix(model.gamma_R.tolist())}
        z, right = mp.eig(H - (gammas["L"] + gammas["R"]) * mp.mpc(0, 0.5))
        left = mp.inverse(right)
        keep = [j for j in range(n) if mp.im(z[j]) < -mp.mpf(10) ** (-mp.mp.dps + 5)]
        proj = {j: right[:, j] * left[j, :] for j in keep}
        residues = {}
        for name, gamma in gammas.items():
            upper = []
            for j in keep:
                acc = mp.zeros(n, n)
                for k in keep:
                    acc += proj[j] * gamma * proj[k].H / (z[j] - mp.conj(z[k]))
                upper.append(acc)
            residues[name] = upper + [u.H for u in upper]
        self.poles = [z[j] for j in keep] + [mp.conj(z[j]) for j in keep]
        self.family = [-1] * len(keep) + [1] * len(keep)
        self.residues = residues
        self.M = [mp.matrix(mk.tolist()) for mk in model.M]
        self.traces = {(a, b): self._pair_traces(a, b) for a in "LR" for b in "LR"}

    def _pair_traces(self, a, b):
        k = len(self.M)
        out = []
        for ip in range(len(self.poles)):
            a_side = [m * self.residues[a][ip] for m in self.M]
            for iq in range(len(self.poles)):
                mat = mp.zeros(k, k)
                for m in range(k):
                    for n in range(k):
                        mat[m, n] = _trace(a_side[m] * self.M[n] * self.residues[b][iq])
                if any(mat[i, j] != 0 for i in range(k) for j in range(k)):
                    out.append((ip, iq, mat))
        return out


_EXPANSIONS = {}


def _pole_expansion(model):
    """The cached :class:`_Expansion` of ``model`` at the current mp precision."""
    key = (model.key, mp.mp.prec)
    if key not in _EXPANSIONS:
        if len(_EXPANSIONS) > 16:
            _EXPANSIONS.clear()
        _EXPANSIONS[key] = _Expansion(model)
    return _EXPANSIONS[key]


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
        return mp.digamma(arg) + s * 0.5j * mp.pi
    return mp.polygamma(derivative, arg) * scale**derivative


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
    poles, family = exp.poles, exp.family
    k = len(exp.M)
    tiny = mp.mpf(10) ** (-(dps + GUARD // 2))
    dos = mp.zeros(k, k)
    less = mp.zeros(k, k)
    equal_t = t_a == t_b
    d = w - (mu_a - mu_b)
    weight_less = -_x_bose(d, t_a) if equal_t else None
    for ip, iq, tr in exp.traces[(ch.alpha, ch.beta)]:
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
    dos /= 2 * mp.pi
    if not emission:
        return +dos, None
    if equal_t:
        less /= 2 * mp.pi
    else:
        less = _emission_quad(model, ch, w, mu_a, mu_b, t_a, t_b, poles)
    return +dos, +less


def _trace(mat):
    return mp.fsum(mat[i, i] for i in range(mat.rows))


def _emission_quad(model, ch, w, mu_a, mu_b, t_a, t_b, poles):
    """``Pi^<`` at unequal temperatures: mpmath quadrature of Eq. (7)'s kernel."""
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
            out[m, nn] = mp.quad(integrand, cuts) / (2 * mp.pi)
    return out


def to_numpy(mat):
    """An ``mpmath.matrix`` as a complex NumPy array (for the double-precision API)."""
    return np.array([[complex(mat[i, j]) for j in range(mat.cols)] for i in range(mat.rows)])
