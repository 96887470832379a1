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


def _pole_expansion(model):
    """Poles, families and residue matrices ``W^a_p`` at the current mp precision."""
    n = model.N
    H = mp.matrix(model.H.tolist())
    gammas = {"L": mp.matrix(model.gamma_L.tolist()), "R": mp.matrix(model.gamma_R.tolist())}
    h_eff = H - (gammas["L"] + gammas["R"]) * mp.mpc(0, 0.5)
    z, right = mp.eig(h_eff)
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
    poles = [z[j] for j in keep] + [mp.conj(z[j]) for j in keep]
    family = [-1] * len(keep) + [1] * len(keep)
    return poles, family, residues


def _phi(z, mu, T, s, derivative=0):
    """``Phi`` and its derivatives (order 0, 1, 2) in the pole variable ``z``."""
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


def spectra_mp(model, ch, omega, mu_L, mu_R, T_L, T_R, *, dps):
    """``(Lambda, Pi^<)`` of one channel at one point as K x K ``mpmath.matrix``.

    ``model`` is a :class:`~symehp.model.NumericJunction`; the scalars are
    converted exactly from their double values.
    """
    ch = _channel(ch)
    with mp.workdps(dps + GUARD):
        mus = {"L": mp.mpf(mu_L), "R": mp.mpf(mu_R)}
        temps = {"L": mp.mpf(T_L), "R": mp.mpf(T_R)}
        w = mp.mpf(omega)
        mu_a, mu_b = mus[ch.alpha], mus[ch.beta]
        t_a, t_b = temps[ch.alpha], temps[ch.beta]
        poles, family, res = _pole_expansion(model)
        m_mats = [mp.matrix(mk.tolist()) for mk in model.M]
        k = len(m_mats)
        tiny = mp.mpf(10) ** (-(dps + GUARD // 2))
        dos = mp.zeros(k, k)
        less = mp.zeros(k, k)
        for ip, p in enumerate(poles):
            for iq, q in enumerate(poles):
                s = w + q
                if t_a == t_b:
                    d = w - (mu_a - mu_b)
                    x = _second(p, s, d, mu_a, t_a, family[ip], family[iq], tiny)
                    f_dos, f_less = -d * x, -_x_bose(d, t_a) * x
                else:
                    f_dos = -(_first(p, s, mu_a, t_a, family[ip], tiny)
                              if family[ip] == family[iq] else
                              (_phi(p, mu_a, t_a, family[ip]) - _phi(s, mu_a, t_a, family[iq])) / (p - s))
                    f_dos += ((_phi(p - w, mu_b, t_b, family[ip]) - _phi(q, mu_b, t_b, family[iq]))
                              / (p - s))
                    f_less = None
                for m in range(k):
                    a_side = m_mats[m] * res[ch.alpha][ip]
                    for n in range(k):
                        tr_mn = _trace(a_side * m_mats[n] * res[ch.beta][iq])
                        dos[m, n] += tr_mn * f_dos
                        if f_less is not None:
                            less[m, n] += tr_mn * f_less
        dos /= 2 * mp.pi
        if t_a == t_b:
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
