"""The dps= (mpmath) path of the spectra against the suite's independent 30-digit quadrature.

The reference (``tests/references.py``) integrates Eq. (7) (and Pi^<) over energy
with spectral functions from mpmath linear solves, ``A_a = sum_r (G^r b_r)(G^r b_r)^+``
for ``Gamma_a = sum_r b_r b_r^+``: nothing shared with the closed form but the
model's numbers.  It is run at ``DPS + 10`` digits.
"""

import mpmath as mp
import pytest

import symehp

import references

DPS = 30


def reference(model, ch, omega, mu_L, mu_R, T_L, T_R):
    """``(Lambda, Pi^<)`` of channel ``ch`` (K x K object arrays) at ``DPS + 10`` digits."""
    return references.spectra_mp(model, omega, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R,
                                 channels=(ch,), dps=DPS + 10)[ch]


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
    spectra = reference(model, ch, w, mu_l, mu_r, t_l, t_r)
    ref = spectra[0 if which == "dos" else 1][m, n]
    with mp.workdps(DPS):
        scale = max(abs(ref), max(abs(x) for x in got.ravel()), mp.mpf(10) ** -40)
        # the dos at omega = mu_ab vanishes exactly: compare on the scale of the emission
        if scale < mp.mpf(10) ** -35:
            scale = abs(spectra[1][m, n])
        assert abs(got[m, n] - ref) <= mp.mpf(10) ** -(DPS - 5) * scale
    # and the double-precision path agrees to ~1e-12
    double = func(model, ch, w, mu_L=mu_l, mu_R=mu_r, T_L=t_l, T_R=t_r)
    assert abs(complex(got[m, n]) - double[m, n]) <= 1e-12 * float(scale)


def test_dps_broadcasts():
    """(Bad dps values, and the dps point of every function: tests/test_contract.py.)"""
    model = two_level()
    got = symehp.ehp_dos(model, "LR", [0.6, 1.0], mu_L=0.3, mu_R=-0.3, T_e=0.05, dps=20)
    assert got.shape == (2, 1, 1) and isinstance(got[1, 0, 0], mp.mpc)
    assert got[0, 0, 0] == 0                               # omega = mu_ab: exactly zero


@pytest.mark.parametrize("make", [two_level, three_level])
def test_the_reference_spectral_functions(make):
    """The reference's building block against the conventions: ``A_L + A_R = i (G^r - G^a)``
    with ``G^r`` from mpmath's own matrix inverse (not the reference's solves and
    factorized broadenings), each ``A_a`` Hermitian and positive semi-definite."""
    model = make()
    nm = model.numeric()
    with mp.workdps(DPS):
        e = mp.mpf(13) / 100
        spectral = references.spectral_functions_mp(model, e, dps=DPS)
        gamma = (mp.matrix(references.mp_matrix(nm.gamma_L))
                 + mp.matrix(references.mp_matrix(nm.gamma_R)))
        g_r = mp.inverse(e * mp.eye(nm.N) - mp.matrix(references.mp_matrix(nm.H))
                         + mp.mpc(0, 1) / 2 * gamma)
        want = mp.mpc(0, 1) * (g_r - g_r.transpose_conj())
        got = mp.matrix(spectral["L"].tolist()) + mp.matrix(spectral["R"].tolist())
        assert mp.mnorm(got - want, 1) <= mp.mpf(10) ** -(DPS - 3) * mp.mnorm(want, 1)
        for a in "LR":
            x = mp.matrix(spectral[a].tolist())
            assert mp.mnorm(x - x.transpose_conj(), 1) <= mp.mpf(10) ** -(DPS - 3) * mp.mnorm(x, 1)
            assert min(mp.eighe(x, eigvals_only=True)) >= -mp.mpf(10) ** -(DPS - 3) * mp.mnorm(x, 1)
