"""Tests of symehp.mode_occupation: steady occupation, effective temperature, instability.

References are written here: the flat-DOS closed form (traces of M A_a M A_b from
NumPy at eps = 0), equilibrium Bose factors, and a direct quadrature of the
emission and DOS integrals (Green's functions from np.linalg.inv).
"""

import warnings

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import expit

import symehp
from symehp import ModeInstabilityError
from symehp.numeric.stats import bose as pkg_bose

TWO_PI = 2 * np.pi
NAMES = ("LL", "RR", "RL", "LR")


def ref_bose(x, T):
    return 1.0 / np.expm1(x / T)


def ref_fermi(x, T):
    return expit(-x / T)


# ------------------------------------------------------------------ flat DOS

W = 1e3      # lead broadening >> every energy in the problem: A_a(eps) ~ A_a(0)
H_FLAT = np.array([[0.3, 0.1], [0.1, -0.2]])
GL_FLAT = W * np.array([[1.0, 0.3], [0.3, 0.5]])
GR_FLAT = W * np.array([[0.4, -0.2], [-0.2, 1.2]])
M_FLAT = np.array([[0.2, 0.5], [0.5, -0.1]])


def flat_traces(H, gL, gR, M):
    """K_ab = tr[M A_a M A_b] / 2pi with A_a = G Gamma_a G^+ at eps = 0."""
    g = np.linalg.inv(-H + 0.5j * (gL + gR))
    a = {"L": g @ gL @ g.conj().T, "R": g @ gR @ g.conj().T}
    return {x + y: float(np.trace(M @ a[x] @ M @ a[y]).real) / TWO_PI for x in "LR" for y in "LR"}


def flat_model():
    K = flat_traces(H_FLAT, GL_FLAT, GR_FLAT, M_FLAT)
    gamma_ph = 0.5 * sum(K.values())          # ph-bath damping comparable to the EHP one
    return symehp.Junction(H_FLAT, GL_FLAT, GR_FLAT, M_FLAT, 1.0, gamma_ph), K, gamma_ph


def flat_two_level():
    g, m = 1e3, 30.0
    model = symehp.two_level(0.4, -0.3, g, g, m, 1.0, 1e-4)
    K = flat_traces(np.diag([0.4, -0.3]), np.diag([g, 0.0]), np.diag([0.0, g]),
                    np.array([[0, m], [m, 0]]))
    return model, K, 1e-4


def flat_n_zero_t(K, gamma_ph, eV, omega=1.0):
    num = K["LR"] * (eV - omega) * (eV > omega)
    den = omega * sum(K.values()) + eV * (K["RL"] - K["LR"]) + 2 * omega * gamma_ph
    return num / den


@pytest.mark.parametrize("make", [flat_model, flat_two_level], ids=["generic", "two-level"])
@pytest.mark.parametrize("T", [0.0, 1e-6])
def test_flat_dos_zero_temperature(make, T):
    model, K, gamma_ph = make()
    assert K["LR"] > 0
    for eV in (0.5, 0.99, 1.01, 1.1, 1.5, 3.0):
        occ = symehp.mode_occupation(model, mu_L=eV / 2, mu_R=-eV / 2, T_e=T, T_ph=T)
        ref = flat_n_zero_t(K, gamma_ph, eV)
        if eV < 1.0:
            assert occ.n == 0.0 and occ.T_eff == 0.0
        else:
            assert occ.n == pytest.approx(ref, rel=1e-4)
        assert occ.stable is True or occ.stable == np.True_


def test_flat_dos_finite_temperature():
    """Flat DOS at T_e != T_ph: Lambda_ab = (W - mu_ab) K_ab, Pi^< = n_B(W - mu_ab, T_e) Lambda_ab."""
    model, K, gamma_ph = flat_model()
    om, T_e, T_ph = 1.0, 0.3, 0.1
    mus = {"L": 0.45, "R": -0.35}
    occ = symehp.mode_occupation(model, mu_L=mus["L"], mu_R=mus["R"], T_e=T_e, T_ph=T_ph)
    damping = emission = 0.0
    for name in NAMES:
        mu_ab = mus[name[0]] - mus[name[1]]
        lam = (om - mu_ab) * K[name]
        damping += lam
        emission += ref_bose(om - mu_ab, T_e) * lam
        assert occ.damping_by_channel[name] == pytest.approx(lam, rel=1e-4)
    damping += 2 * om * gamma_ph
    emission += 2 * om * gamma_ph * ref_bose(om, T_ph)
    assert occ.damping == pytest.approx(damping, rel=1e-4)
    assert occ.emission == pytest.approx(emission, rel=1e-4)
    assert occ.n == pytest.approx(emission / damping, rel=1e-4)
    assert occ.damping_by_channel["ph"] == pytest.approx(2 * om * gamma_ph, rel=1e-14)


# ------------------------------------------------------------------ equilibrium and ph-bath only

from _shared import GL3, GPH3, GR3, H3, M3, OM3, three_level_model  # noqa: E402,F401


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("mu, T", [(0.0, 0.1), (0.3, 0.25), (-0.4, 0.05)])
def test_equilibrium_occupation(mode, mu, T):
    occ = symehp.mode_occupation(three_level_model(), mode, mu_L=mu, mu_R=mu, T_e=T, T_ph=T)
    om = OM3[mode]
    assert occ.omega == om and occ.mode == mode
    assert occ.n == pytest.approx(ref_bose(om, T), rel=1e-10)
    assert occ.T_eff == pytest.approx(T, rel=1e-10)
    # detailed balance per bath: each EHP channel alone is at (mu_ab = 0, T)
    for name in ("LL", "RR", "RL", "LR"):
        lam = occ.damping_by_channel[name]
        assert lam > 0
        assert occ.emission_by_channel[name] == pytest.approx(ref_bose(om, T) * lam, rel=1e-10)


@pytest.mark.parametrize("bias", [0.0, 0.8, 2.5])
def test_only_phonon_bath(bias):
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.0, 1.3, 0.05)
    occ = symehp.mode_occupation(model, mu_L=bias / 2, mu_R=-bias / 2, T_e=0.4, T_ph=0.15)
    assert occ.n == pytest.approx(ref_bose(1.3, 0.15), rel=1e-12)
    assert occ.T_eff == pytest.approx(0.15, rel=1e-10)
    assert occ.damping == pytest.approx(2 * 1.3 * 0.05, rel=1e-14)


# ------------------------------------------------------------------ independent quadrature

def direct_spectra(mode, w, mu_L, mu_R, T_L, T_R):
    """(Lambda_kk, Pi^<_kk) per channel at frequency w by scipy quad over eps."""
    heff = H3 - 0.5j * (GL3 + GR3)
    gam = {"L": GL3, "R": GR3}
    mus = {"L": mu_L, "R": mu_R}
    temps = {"L": T_L, "R": T_R}
    M = M3[mode]

    def a(lead, e):
        g = np.linalg.inv(e * np.eye(3) - heff)
        return g @ gam[lead] @ g.conj().T

    levels = np.linalg.eigvalsh(H3)
    out = {}
    for name in NAMES:
        al, be = name
        ma, mb, ta, tb = mus[al], mus[be], temps[al], temps[be]

        def kern(e):
            return np.trace(M @ a(al, e) @ M @ a(be, e - w)).real / TWO_PI

        t = max(ta, tb)
        lo, hi = min(ma, mb + w) - 40 * t, max(ma, mb + w) + 40 * t
        pts = sorted({p for p in (ma, mb + w, *levels, *(levels + w)) if lo < p < hi})
        lam, _ = quad(lambda e: kern(e) * (ref_fermi(e - w - mb, tb) - ref_fermi(e - ma, ta)),
                      lo, hi, points=pts, epsabs=0, epsrel=1e-12, limit=400)
        emi, _ = quad(lambda e: kern(e) * ref_fermi(e - ma, ta) * ref_fermi(-(e - w - mb), tb),
                      lo, hi, points=pts, epsabs=0, epsrel=1e-12, limit=400)
        out[name] = (lam, emi)
    return out


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("temps", [dict(T_L=0.12, T_R=0.12), dict(T_L=0.08, T_R=0.2)],
                         ids=["TL=TR", "TL!=TR"])
def test_occupation_against_direct_quadrature(mode, temps):
    mu_L, mu_R, T_ph = 0.5, -0.3, 0.1
    occ = symehp.mode_occupation(three_level_model(), mode, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph,
                                 **temps)
    om, g = OM3[mode], GPH3[mode]
    spectra = direct_spectra(mode, om, mu_L, mu_R, temps["T_L"], temps["T_R"])
    damping, emission = 2 * om * g, 2 * om * g * ref_bose(om, T_ph)
    for name, (lam, emi) in spectra.items():
        assert occ.damping_by_channel[name] == pytest.approx(lam, rel=1e-8), name
        assert occ.emission_by_channel[name] == pytest.approx(emi, rel=1e-8, abs=1e-14), name
        damping += lam
        emission += emi
    assert occ.damping == pytest.approx(damping, rel=1e-9)
    assert occ.emission == pytest.approx(emission, rel=1e-9)
    assert occ.n == pytest.approx(emission / damping, rel=1e-8)


# ------------------------------------------------------------------ instability

def unstable_model():
    return symehp.two_level(0.5, -0.5, 0.02, 0.02, 0.5, 1.0, 1e-4)


def lambda_direct(name, mu_L, mu_R, T, eps=(0.5, -0.5), g=0.02, m=0.5, om=1.0):
    """Lambda_ab(Omega) of the two-level model by direct quadrature.

    Level 1 sits on L, level 2 on R, so tr[M A_a(e) M A_b(e - w)] = m^2 L_a(e) L_b(e - w).
    """
    level = {"L": eps[0], "R": eps[1]}
    mus = {"L": mu_L, "R": mu_R}
    a, b = name

    def lor(e, e0):
        return g / ((e - e0) ** 2 + g**2 / 4)

    val, _ = quad(lambda e: m**2 * lor(e, level[a]) * lor(e - om, level[b])
                  * (ref_fermi(e - om - mus[b], T) - ref_fermi(e - mus[a], T)) / TWO_PI,
                  -10, 10, points=sorted({level[a], level[b] + om, mus[a], mus[b] + om}),
                  epsabs=0, epsrel=1e-12, limit=400)
    return val


def test_instability_raises_and_flags():
    model = unstable_model()
    kwargs = dict(mu_L=0.75, mu_R=-0.75, T_e=0.01, T_ph=0.01)
    with pytest.raises(ModeInstabilityError) as info:
        symehp.mode_occupation(model, **kwargs)
    err = info.value
    assert err.mode == 0
    assert float(err.damping) < 0
    assert "unstable" in str(err)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        occ = symehp.mode_occupation(model, unstable="flag", **kwargs)
    assert not occ.stable
    assert np.isnan(occ.n) and np.isnan(occ.T_eff)
    assert occ.damping == pytest.approx(float(err.damping), rel=1e-14)
    # the damping is negative because channel 4 is population-inverted (eV > Omega)
    lam_lr = lambda_direct("LR", 0.75, -0.75, 0.01)
    lam_rl = lambda_direct("RL", 0.75, -0.75, 0.01)
    assert lam_lr < 0 < lam_rl
    assert occ.damping_by_channel["LR"] == pytest.approx(lam_lr, rel=1e-7)
    assert occ.damping == pytest.approx(lam_lr + lam_rl + 2 * 1.0 * 1e-4, rel=1e-7)


def test_instability_vectorized_flag():
    model = unstable_model()
    mu_L = np.array([0.1, 0.4, 0.75])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        occ = symehp.mode_occupation(model, mu_L=mu_L, mu_R=-0.75, T_e=0.01, T_ph=0.01,
                                     unstable="flag")
    assert occ.n.shape == occ.stable.shape == occ.damping.shape == (3,)
    assert list(occ.stable) == [True, False, False]
    assert np.isfinite(occ.n[0]) and np.all(np.isnan(occ.n[1:]))
    for i, m in enumerate(mu_L):
        ref = (lambda_direct("LR", m, -0.75, 0.01) + lambda_direct("RL", m, -0.75, 0.01)
               + 2 * 1.0 * 1e-4)
        assert occ.damping[i] == pytest.approx(ref, rel=1e-7)
    with pytest.raises(ModeInstabilityError) as info:
        symehp.mode_occupation(model, mu_L=mu_L, mu_R=-0.75, T_e=0.01, T_ph=0.01)
    np.testing.assert_allclose(info.value.damping, occ.damping, rtol=1e-14)


# (arguments: mode, unstable, bad parameters: tests/test_contract.py)


# ------------------------------------------------------------------ effective temperature

@pytest.mark.parametrize("mode", [0, 1])
def test_effective_temperature_solves_bose(mode):
    occ = symehp.mode_occupation(three_level_model(), mode, mu_L=0.6, mu_R=-0.4, T_e=0.1,
                                 T_ph=0.05)
    assert occ.n > ref_bose(OM3[mode], 0.1)       # the bias heats the mode above T_e
    assert float(pkg_bose(OM3[mode], occ.T_eff)) == pytest.approx(occ.n, rel=1e-12)
    assert ref_bose(OM3[mode], occ.T_eff) == pytest.approx(occ.n, rel=1e-12)


def test_vectorized_effective_temperature_solves_bose():
    """(Shapes and the pointwise values of the vectorized call: tests/test_contract.py.)"""
    mu_L = np.array([-0.2, 0.1, 0.5, 0.9])
    occ = symehp.mode_occupation(three_level_model(), 1, mu_L=mu_L, mu_R=-0.1, T_e=0.1, T_ph=0.1)
    np.testing.assert_allclose(pkg_bose(OM3[1], occ.T_eff), occ.n, rtol=1e-12)
