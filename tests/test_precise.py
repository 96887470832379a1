"""The dps= (mpmath) path of the spectra against an independent 30-digit quadrature.

The reference integrates Eq. (7) (or Pi^<) over energy with mpmath.quad, with
spectral functions from mpmath linear solves, ``A_a = sum_r (G^r b_r)(G^r b_r)^+``
for ``Gamma_a = sum_r b_r b_r^+`` (nested lists: several times faster than
``mp.matrix`` and ``mp.inverse``): nothing shared with the closed form but the
model's numbers.
"""

import mpmath as mp
import numpy as np
import pytest

import symehp
from _shared import mp_factor, mp_matrix, mp_solve

DPS = 30


def reference(model, ch, omega, mu_L, mu_R, T_L, T_R, which, m=0, n=0):
    nm = model.numeric()
    ch = symehp.channel(ch)
    size = nm.N
    with mp.workdps(DPS + 10):
        h, g_l, g_r = (mp_matrix(x) for x in (nm.H, nm.gamma_L, nm.gamma_R))
        # e - H + i(Gamma_L + Gamma_R)/2, the inverse of G^r(e)
        h_eff = [[h[i][j] - mp.mpc(0, 0.5) * (g_l[i][j] + g_r[i][j]) for j in range(size)]
                 for i in range(size)]
        # Gamma_a = sum_r b_r b_r^+, so A_a(e) = G^r Gamma_a G^a = sum_r (G^r b_r)(G^r b_r)^+
        cols = {"L": mp_factor(nm.gamma_L), "R": mp_factor(nm.gamma_R)}
        m_m, m_n = mp_matrix(nm.M[m]), mp_matrix(nm.M[n])
        mus = {"L": mp.mpf(mu_L), "R": mp.mpf(mu_R)}
        temps = {"L": mp.mpf(T_L), "R": mp.mpf(T_R)}
        w = mp.mpf(omega)

        def g_times(a, e):
            """G^r(e) b_r for the columns b_r of Gamma_a (linear solves, no inverse)."""
            if not cols[a]:
                return []
            lhs = [[(e if i == j else 0) - h_eff[i][j] for j in range(size)] for i in range(size)]
            return mp_solve(lhs, cols[a])

        def apply(mat, vec):
            return [mp.fdot(row, vec) for row in mat]

        def f(x, t):
            if t == 0:
                return mp.mpf(1) if x < 0 else (mp.mpf(0.5) if x == 0 else mp.mpf(0))
            return 1 / (mp.exp(x / t) + 1)

        def integrand(e):
            c, d = g_times(ch.alpha, e), g_times(ch.beta, e - w)
            # tr[M^m A_a(e) M^n A_b(e - w)] = sum_rs (d_s^+ M^m c_r)(c_r^+ M^n d_s)
            mc = [apply(m_m, x) for x in c]
            md = [apply(m_n, y) for y in d]
            kern = mp.fsum(mp.fdot([mp.conj(v) for v in y], mx) * mp.fdot([mp.conj(v) for v in x], my)
                           for x, mx in zip(c, mc) for y, my in zip(d, md)) / (2 * mp.pi)
            f_a = f(e - mus[ch.alpha], temps[ch.alpha])
            f_b = f(e - w - mus[ch.beta], temps[ch.beta])
            weight = (f_b - f_a) if which == "dos" else f_a * (1 - f_b)
            return kern * weight

        edges = {mus[ch.alpha], mus[ch.beta] + w, *[mp.mpf(x) for x in np.diag(nm.H).real],
                 *[mp.mpf(x) + w for x in np.diag(nm.H).real]}
        pts = [-mp.inf] + sorted(edges) + [mp.inf]
        return mp.quad(integrand, pts)


def two_level():
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)


from _shared import three_level_simple as three_level  # noqa: E402


CASES = [
    # (model, channel, omega, mu_L, mu_R, T_L, T_R, entry): what makes the case hard
    ("two", "LR", 1.0, 0.3, -0.3, 0.05, 0.05, (0, 0)),     # exact resonance: coincident poles
    ("two", "LR", 0.6, 0.3, -0.3, 0.05, 0.05, (0, 0)),     # omega = mu_ab: Bose pole
    ("two", "RL", 0.45, 0.3, -0.3, 0.0, 0.0, (0, 0)),      # T = 0 (logs)
    # 5-10 s each (symehp's T_L != T_R quadrature; the three-level reference): slow
    pytest.param(("two", "LR", 0.8, 0.3, -0.3, 0.03, 0.08, (0, 0)), marks=pytest.mark.slow),
    pytest.param(("three", "LR", 0.7, 0.3, -0.3, 0.05, 0.05, (0, 1)),   # hopping, complex M
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-w{c[2]}-T{c[5]}-{c[6]}")
@pytest.mark.parametrize("which", ["dos", "emission"])
def test_dps30_against_independent_quadrature(case, which):
    name, ch, w, mu_l, mu_r, t_l, t_r, (m, n) = case
    model = two_level() if name == "two" else three_level()
    func = symehp.ehp_dos if which == "dos" else symehp.emission_spectrum
    got = func(model, ch, w, mu_L=mu_l, mu_R=mu_r, T_L=t_l, T_R=t_r, dps=DPS)
    assert got.dtype == object and got.shape == (model.K, model.K)
    ref = reference(model, ch, w, mu_l, mu_r, t_l, t_r, which, m, n)
    with mp.workdps(DPS):
        scale = max(abs(ref), max(abs(x) for x in got.ravel()), mp.mpf(10) ** -40)
        # the dos at omega = mu_ab vanishes exactly: compare on the scale of the emission
        if scale < mp.mpf(10) ** -35:
            scale = abs(reference(model, ch, w, mu_l, mu_r, t_l, t_r, "emission", m, n))
        assert abs(got[m, n] - ref) <= mp.mpf(10) ** -(DPS - 5) * scale
    # and the double-precision path agrees to ~1e-12
    double = func(model, ch, w, mu_L=mu_l, mu_R=mu_r, T_L=t_l, T_R=t_r)
    assert abs(complex(got[m, n]) - double[m, n]) <= 1e-12 * float(scale)


def test_dps_broadcasts_and_rejects_bad_values():
    model = two_level()
    got = symehp.ehp_dos(model, "LR", [0.6, 1.0], mu_L=0.3, mu_R=-0.3, T_e=0.05, dps=20)
    assert got.shape == (2, 1, 1) and isinstance(got[1, 0, 0], mp.mpc)
    assert got[0, 0, 0] == 0                               # omega = mu_ab: exactly zero
    for bad in (5, 14.5, True, "30"):
        with pytest.raises(symehp.ParameterError, match="dps"):
            symehp.ehp_dos(model, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05, dps=bad)
