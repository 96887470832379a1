"""The dps= (mpmath) path of the spectra against an independent 30-digit quadrature.

The reference integrates Eq. (7) (or Pi^<) over energy with mpmath.quad, with
spectral functions from mpmath matrix inverses: nothing shared with the
closed form but the model's numbers.
"""

import mpmath as mp
import numpy as np
import pytest

import symehp

DPS = 30


def reference(model, ch, omega, mu_L, mu_R, T_L, T_R, which, m=0, n=0):
    nm = model.numeric()
    ch = symehp.channel(ch)
    with mp.workdps(DPS + 10):
        H = mp.matrix(nm.H.tolist())
        gam = {"L": mp.matrix(nm.gamma_L.tolist()), "R": mp.matrix(nm.gamma_R.tolist())}
        sigma = (gam["L"] + gam["R"]) * mp.mpc(0, 0.5)
        M = [mp.matrix(x.tolist()) for x in nm.M]
        mus = {"L": mp.mpf(mu_L), "R": mp.mpf(mu_R)}
        temps = {"L": mp.mpf(T_L), "R": mp.mpf(T_R)}
        w = mp.mpf(omega)

        def spectral(a, e):
            g = mp.inverse(e * mp.eye(nm.N) - H + sigma)
            return g * gam[a] * g.H

        def f(x, t):
            if t == 0:
                return mp.mpf(1) if x < 0 else (mp.mpf(0.5) if x == 0 else mp.mpf(0))
            return 1 / (mp.exp(x / t) + 1)

        def integrand(e):
            prod = M[m] * spectral(ch.alpha, e) * M[n] * spectral(ch.beta, e - w)
            kern = mp.fsum(prod[i, i] for i in range(nm.N)) / (2 * mp.pi)
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
    ("two", "LR", 0.8, 0.3, -0.3, 0.03, 0.08, (0, 0)),     # T_L != T_R
    ("three", "LR", 0.7, 0.3, -0.3, 0.05, 0.05, (0, 1)),   # hopping, complex off-diagonal entry
]


@pytest.mark.slow
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
