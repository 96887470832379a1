"""Bias-induced inter-mode coupling (symehp.applications.eq9, formerly .mode_coupling) and its
derivation; the old module's names stay importable (last test).

References used here share nothing with the closed form under test: the EHP
DOS of Eq. (7) (``symehp.ehp_dos``, checked elsewhere against mpmath), energy
quadrature with Green's functions from matrix inverses (scipy ``quad_vec``),
and the static linear response ``d<X_m>/du_n`` of the density matrix to a
displacement of the modes (finite differences).
"""

import numpy as np
import pytest
from scipy.integrate import quad_vec

import _shared
import symehp
from symehp.applications import eq9 as mc
from symehp.models import two_level_two_modes
from symehp.numeric.stats import fermi

CHANNELS = ("LL", "RR", "RL", "LR")


def _dagger(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _spectral(numeric, energy, H=None):
    """(G^r, A_L, A_R) at one energy from a matrix inverse."""
    H = numeric.H if H is None else H
    g = np.linalg.inv(energy * np.eye(numeric.N) - H + 0.5j * (numeric.gamma_L + numeric.gamma_R))
    return g, g @ numeric.gamma_L @ g.conj().T, g @ numeric.gamma_R @ g.conj().T


def _im_trace(numeric, energy):
    _, a_l, a_r = _spectral(numeric, energy)
    return np.imag(np.trace(numeric.M[0] @ a_l @ numeric.M[1] @ a_r))


def _scaled(model, s):
    """The model with H and both broadenings multiplied by s (DOS stretched by s)."""
    n = model.numeric()
    return symehp.Junction(s * n.H, s * n.gamma_L, s * n.gamma_R, list(n.M), list(n.omega),
                           list(n.gamma_ph))


@pytest.fixture(scope="module")
def model3():
    return _shared.three_level_model()


# ======================================================================= self-energy

@pytest.mark.parametrize("kw", [dict(mu_L=0.3, mu_R=-0.2, T_e=0.05),
                                dict(mu_L=-0.1, mu_R=0.25, T_L=0.02, T_R=0.08),
                                dict(mu_L=0.2, mu_R=-0.2, T_e=0.0)])
def test_anti_hermitian_part_is_ehp_dos(model3, kw):
    """i (Pi^r - Pi^r+) = Lambda of Eq. (7), channel by channel and summed."""
    w = np.array([-0.7, -0.1, 0.0, 0.05, 0.4, 1.1])
    total = mc._self_energy(model3, w, **kw)
    lam_total = 0
    for ch in CHANNELS:
        pi = mc._self_energy(model3, w, channel=ch, **kw)
        lam = symehp.ehp_dos(model3, ch, w, **kw)
        lam_total = lam_total + lam
        np.testing.assert_allclose(1j * (pi - _dagger(pi)), lam, rtol=0, atol=1e-12)
    np.testing.assert_allclose(1j * (total - _dagger(total)), lam_total, rtol=0, atol=1e-12)
    assert np.abs(lam_total).max() > 1e-3          # not a trivially zero comparison


def test_self_energy_is_a_real_response(model3):
    """Pi^r(-w) = conj Pi^r(w) (real in time); Pi^r(0) real."""
    w = np.array([0.0, 0.2, 0.9])
    kw = dict(mu_L=0.25, mu_R=-0.15, T_e=0.03)
    plus = mc._self_energy(model3, w, **kw)
    minus = mc._self_energy(model3, -w, **kw)
    np.testing.assert_allclose(minus, np.conj(plus), rtol=0, atol=1e-14)
    assert np.abs(plus[0].imag).max() < 1e-15


@pytest.mark.parametrize("kw", [dict(mu_L=0.3, mu_R=-0.2, T_e=0.05),
                                dict(mu_L=0.15, mu_R=-0.15, T_e=0.0)])
def test_two_routes_agree(model3, kw):
    """Closed form (poles, digamma) vs energy quadrature with matrix inverses."""
    w = np.array([0.0, 0.35, -0.8])
    poles = mc._self_energy(model3, w, **kw)
    quad = mc._self_energy(model3, w, route="quadrature", **kw)
    scale = np.abs(poles).max()
    assert scale > 1e-3
    np.testing.assert_allclose(quad, poles, rtol=0, atol=1e-9 * scale)
    # the Hermitian part (the new content) on its own
    herm = lambda x: 0.5 * (x + _dagger(x))           # noqa: E731
    np.testing.assert_allclose(herm(quad), herm(poles), rtol=0, atol=1e-9 * scale)


def _occupation_force(numeric, u, mus, T):
    """<X_m> = sum_c int de/2pi f_c tr[M^m A_c(e)] for H + sum_n u_n M^n (quadrature)."""
    H = numeric.H + np.einsum("n,nij->ij", u, numeric.M)
    out = 0
    for c, mu in mus.items():
        def f(e, c=c, mu=mu):
            _, a_l, a_r = _spectral(numeric, e, H)
            a = a_l if c == "L" else a_r
            return np.einsum("mij,ji->m", numeric.M, a).real * fermi(e - mu, T) / (2 * np.pi)
        out = out + quad_vec(f, -np.inf, -4.0, epsabs=1e-15, epsrel=1e-13)[0]
        out = out + quad_vec(f, -4.0, mu + 40 * T, epsabs=1e-15, epsrel=1e-13, points=[mu])[0]
    return out


def test_static_self_energy_is_the_adiabatic_response(model3):
    """Pi^r_mn(0) = d<X_m>/du_n: the static (Born-Oppenheimer) response, curl included."""
    numeric = model3.numeric()
    mus, T, h = {"L": 0.3, "R": -0.3}, 0.03, 1e-4
    jac = np.zeros((2, 2))
    for n in range(2):
        e = np.zeros(2)
        e[n] = h
        jac[:, n] = (_occupation_force(numeric, e, mus, T)
                     - _occupation_force(numeric, -e, mus, T)) / (2 * h)
    pi0 = mc._self_energy(model3, 0.0, mu_L=0.3, mu_R=-0.3, T_e=T)
    np.testing.assert_allclose(pi0.real, jac, rtol=0, atol=2e-8 * np.abs(jac).max())
    # a genuine curl: d<X_1>/du_2 != d<X_2>/du_1
    assert abs(jac[0, 1] - jac[1, 0]) > 100 * 2e-8 * np.abs(jac).max()


# ======================================================================= curl coupling

def test_static_coupling_is_the_landauer_form(model3):
    """P(V, 0) = -(1/2pi) int Im tr[M1 A_L M2 A_R] (f_L - f_R) (derived identity)."""
    numeric = model3.numeric()
    for V, T in [(0.6, 0.03), (-0.35, 0.01), (1.2, 0.1)]:
        ref = quad_vec(lambda e: np.array([_im_trace(numeric, e)
                                           * (fermi(e - V / 2, T) - fermi(e + V / 2, T))]),
                       -abs(V) / 2 - 40 * T, abs(V) / 2 + 40 * T, epsabs=1e-15, epsrel=1e-12,
                       points=[-V / 2, V / 2])[0][0] / (-2 * np.pi)
        P = mc.bias_induced_coupling(model3, V=V, T_e=T)
        assert abs(P.imag) < 1e-16
        assert P.real == pytest.approx(ref, rel=1e-9, abs=1e-15)


def test_coupling_is_odd_in_V_and_antisymmetric(model3):
    V = np.array([-0.8, -0.3, 0.0, 0.3, 0.8])
    for omega in (None, 0.4):
        P = mc.bias_induced_coupling(model3, V=V, T_e=0.02, omega=omega)
        np.testing.assert_allclose(P, -P[::-1], rtol=0, atol=1e-17)
        assert P[2] == 0
        assert abs(P[-1]) > 1e-4
    # at omega -> 0 the full antisymmetric part is odd by itself (no even, equilibrium curl)
    pi_p = mc._self_energy(model3, 0.0, mu_L=0.4, mu_R=-0.4, T_e=0.02)
    pi_m = mc._self_energy(model3, 0.0, mu_L=-0.4, mu_R=0.4, T_e=0.02)
    anti = lambda p: 0.5 * (p[0, 1] - p[1, 0])   # noqa: E731
    assert abs(anti(pi_p) + anti(pi_m)) < 1e-15
    eq = mc._self_energy(model3, 0.0, mu_L=0.1, mu_R=0.1, T_e=0.02)
    assert abs(anti(eq)) < 1e-15
    # swapping the two modes flips the sign
    n = model3.numeric()
    swapped = symehp.Junction(n.H, n.gamma_L, n.gamma_R, [n.M[1], n.M[0]], list(n.omega[::-1]),
                              list(n.gamma_ph[::-1]))
    for omega in (None, 0.4):
        np.testing.assert_allclose(mc.bias_induced_coupling(swapped, V=0.5, T_e=0.02, omega=omega),
                                   -mc.bias_induced_coupling(model3, V=0.5, T_e=0.02, omega=omega),
                                   rtol=1e-12, atol=0)


def test_coupling_vanishes_where_it_must():
    V = np.array([0.3, 1.0])
    # the paper's two-level model (no hopping) with two real couplings: sigma_x and sigma_z
    real = symehp.Junction([[0.2, 0], [0, -0.1]], [[0.3, 0], [0, 0]], [[0, 0], [0, 0.3]],
                           [[[0, 0.05], [0.05, 0]], [[0.04, 0], [0, -0.03]]], [1.0, 0.9],
                           [0.01, 0.01])
    for omega in (None, 0.5):
        assert np.abs(mc.bias_induced_coupling(real, V=V, T_e=0.02, omega=omega)).max() < 1e-16
    # proportional couplings (one effective mode)
    n = _shared.three_level_model().numeric()
    prop = symehp.Junction(n.H, n.gamma_L, n.gamma_R, [n.M[0], -2.5 * n.M[0]], [1.0, 1.1],
                           [0.01, 0.01])
    for omega in (None, 0.5):
        assert np.abs(mc.bias_induced_coupling(prop, V=V, T_e=0.02, omega=omega)).max() < 1e-16
    # the same two-level model with M2 = sigma_y (complex) does couple
    curl = two_level_two_modes()
    assert np.abs(mc.bias_induced_coupling(curl, V=V, T_e=0.02)).min() > 1e-5


def test_time_reversal_symmetric_model_has_no_equilibrium_antisymmetry():
    """Real H, Gamma, M: Onsager, Pi_12 = Pi_21 at V = 0 for every omega; the bias
    still produces a curl (current breaks time reversal)."""
    real = symehp.Junction([[0.3, 0.1, 0.0], [0.1, -0.1, 0.07], [0.0, 0.07, -0.4]],
                           np.diag([0.3, 0.05, 0.0]), np.diag([0.0, 0.05, 0.3]),
                           [np.array([[0.05, 0.02, 0.0], [0.02, -0.03, 0.04], [0.0, 0.04, 0.01]]),
                            np.array([[0.0, 0.03, 0.05], [0.03, 0.02, 0.0], [0.05, 0.0, -0.04]])],
                           [1.0, 1.1], [0.01, 0.01])
    w = np.array([0.0, 0.3, 0.9])
    pi = mc._self_energy(real, w, mu_L=0.05, mu_R=0.05, T_e=0.02)
    np.testing.assert_allclose(pi[:, 0, 1], pi[:, 1, 0], rtol=0, atol=1e-16)
    assert abs(mc.bias_induced_coupling(real, V=0.5, T_e=0.02)) > 1e-5
    # with complex couplings the equilibrium antisymmetric part exists, ~ omega (Lorentz-like)
    cplx = _shared.three_level_model()
    pi = mc._self_energy(cplx, w, mu_L=0.0, mu_R=0.0, T_e=0.02)
    anti = 0.5 * (pi[:, 0, 1] - pi[:, 1, 0])
    assert abs(anti[0]) < 1e-16 and abs(anti[2]) > 1e-5


# ======================================================================= flat-DOS limit

def test_flat_dos_limit_converges_quadratically(model3):
    """Stretching the DOS by s: P/V -> flat_dos_a with relative error
    (g''/2g)(V^2/12 + pi^2 T^2/3)/s^2 + O(s^-4), g = Im tr[M1 A_L M2 A_R] of the
    unstretched model.  (This model has g(0) near a zero, g''/g ~ 6e3: a hard case.)"""
    V, T = 0.2, 0.02
    numeric = model3.numeric()

    def curvature(h):
        g = [_im_trace(numeric, e) for e in (-h, 0.0, h)]
        return (g[0] - 2 * g[1] + g[2]) / h ** 2 / (2 * g[1])

    window = V ** 2 / 12 + np.pi ** 2 * T ** 2 / 3         # int e^2 (f_L - f_R) de / V
    predicted = (4 * curvature(1e-3) - curvature(2e-3)) / 3 * window
    errors = {}
    for s in (16, 32, 64, 128):
        ms = _scaled(model3, s)
        a = mc.bias_induced_coupling(ms, V=V, T_e=T).real / V
        errors[s] = a / mc.flat_dos_a(ms) - 1
    assert errors[16] / errors[32] == pytest.approx(4, rel=0.03)
    assert errors[32] / errors[64] == pytest.approx(4, rel=0.008)
    assert errors[64] / errors[128] == pytest.approx(4, rel=0.002)
    assert errors[128] * 128 ** 2 == pytest.approx(predicted, rel=1e-3)
    # at finite omega the leading correction is the Lorentz-like Im P ~ omega/s (b -> 0 as 1/s)
    ratios = [mc.bias_induced_coupling(_scaled(model3, s), V=V, T_e=T, omega=0.05).imag
              / V / mc.flat_dos_a(_scaled(model3, s)) for s in (32, 64, 128)]
    assert ratios[0] / ratios[1] == pytest.approx(2, rel=0.02)
    assert ratios[1] / ratios[2] == pytest.approx(2, rel=0.005)


def test_prefactor_relation_to_the_paper(model3):
    """flat_dos_a = -Im tr/(2 pi) = -paper_a/2, and the derivation says the same."""
    for model in (model3, two_level_two_modes()):
        numeric = model.numeric()
        im_tr = _im_trace(numeric, 0.0)
        assert mc.flat_dos_a(model) == pytest.approx(-im_tr / (2 * np.pi), rel=1e-13)
        assert mc.paper_a(model) == pytest.approx(im_tr / np.pi, rel=1e-13)
        assert mc.flat_dos_a(model) == pytest.approx(-0.5 * mc.paper_a(model), rel=1e-14)
    assert mc.paper_a(model3, energy=0.3) == pytest.approx(_im_trace(model3.numeric(), 0.3) / np.pi)


def test_derivation():
    import sympy as sp
    from symehp import derivations
    from symehp.derivations import mode_coupling as d
    assert d.NAME == "mode_coupling" and "mode_coupling" in derivations.MODULES
    out = derivations.derive("mode_coupling")
    assert sp.simplify(out["prefactor"] + 1 / (2 * sp.pi)) == 0
    assert out["ratio_to_paper"] == sp.Rational(-1, 2)
    assert out["b_flat"] == 0
    V = sp.Symbol("V", real=True)
    rhs = out["antisymmetric_odd_part"].rhs
    assert sp.simplify(rhs / V / out["a_eq9"].rhs) == 1
    assert sp.simplify(out["a_eq9"].rhs / out["a_paper"].rhs) == sp.Rational(-1, 2)
    # the numbers: flat-DOS limit of the broad model equals the derived prefactor
    assert float(out["prefactor"]) == pytest.approx(-1 / (2 * np.pi), rel=1e-15)


def test_flat_curl_is_bounded_by_the_electronic_damping():
    """|a_flat| <= 2 sqrt(g1 g2), g_k = tr[M^k A M^k A]/(8 pi) (Cauchy-Schwarz); the
    sigma_x / sigma_y two-level model saturates it."""
    rng = np.random.default_rng(7)

    def herm(n):
        x = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return (x + x.conj().T) / 2

    def damping(model):
        n = model.numeric()
        g, a_l, a_r = _spectral(n, 0.0)
        a = a_l + a_r
        return [np.trace(n.M[k] @ a @ n.M[k] @ a).real / (8 * np.pi) for k in range(2)]

    for _ in range(40):
        n = int(rng.integers(2, 5))
        vl, vr = (rng.normal(size=(n, 1)) + 1j * rng.normal(size=(n, 1)) for _ in range(2))
        model = symehp.Junction(0.3 * herm(n), 0.3 * vl @ vl.conj().T + 0.01 * np.eye(n),
                                0.3 * vr @ vr.conj().T + 0.01 * np.eye(n),
                                [0.05 * herm(n), 0.05 * herm(n)], [1.0, 1.1], [0.0, 0.0])
        g1, g2 = damping(model)
        assert abs(mc.flat_dos_a(model)) <= 2 * np.sqrt(g1 * g2) * (1 + 1e-12)
    sat = two_level_two_modes(eps1=0.2, eps2=-0.3, gamma1=0.3, gamma2=0.5)
    g1, g2 = damping(sat)
    assert abs(mc.flat_dos_a(sat)) == pytest.approx(2 * np.sqrt(g1 * g2), rel=1e-12)


def test_exact_two_level_flat_value():
    """Paper's model, levels at 0, no hopping: Im tr = -m^2 (4/g1)(4/g2),
    so a_flat = 8 m^2 / (pi g1 g2)."""
    m, g1, g2 = 0.02, 0.3, 0.5
    model = two_level_two_modes(eps1=0.0, eps2=0.0, gamma1=g1, gamma2=g2, m=m)
    assert mc.flat_dos_a(model) == pytest.approx(8 * m ** 2 / (np.pi * g1 * g2), rel=1e-13)
    assert mc.paper_a(model) == pytest.approx(-16 * m ** 2 / (np.pi * g1 * g2), rel=1e-13)


# ======================================================================= Eq. (9)

def test_eq9_coefficients_reassemble_the_model_matrix(model3):
    for frequency in ("adiabatic", "mode"):
        c = mc.eq9_coefficients(model3, V=0.4, T_e=0.02, frequency=frequency)
        g1, g2 = c.gamma_modes
        w1, w2 = c.frequencies
        extra = np.array([[(w1 + 1j * g1) ** 2 - (c.Omega + c.delta / 2 + 1j * c.gamma) ** 2,
                           c.kappa + c.anti_even],
                          [c.kappa - c.anti_even,
                           (w2 + 1j * g2) ** 2 - (c.Omega - c.delta / 2 + 1j * c.gamma) ** 2]])
        np.testing.assert_allclose(c.matrix() + extra, c.model_matrix, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(c.residual(), extra, rtol=1e-10, atol=1e-15)
        assert c.Omega == pytest.approx(0.5 * (w1 + w2)) and c.delta == pytest.approx(w1 - w2)


def test_eq9_pieces_match_the_self_energy(model3):
    V, T = 0.4, 0.02
    n = model3.numeric()
    wbar = float(np.mean(n.omega))
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=T)
    # adiabatic: a is the static curl per unit bias
    c = mc.eq9_coefficients(model3, V=V, T_e=T)
    assert c.a == pytest.approx(mc.bias_induced_coupling(model3, V=V, T_e=T).real / V, rel=1e-12)
    # mode frequency: every piece from Pi^r(wbar) and Lambda(wbar)
    c = mc.eq9_coefficients(model3, V=V, T_e=T, frequency="mode")
    assert c.omega_eval == pytest.approx(c.Omega, rel=1e-13) and c.omega_eval != wbar
    wbar = c.omega_eval
    P = mc.bias_induced_coupling(model3, V=V, T_e=T, omega=wbar)
    assert c.a == pytest.approx(P.real / V, rel=1e-12)
    assert c.b == pytest.approx(-P.imag / (V * c.Omega), rel=1e-10)      # Eq. (9) = conj(D^r form)
    lam = sum(symehp.ehp_dos(model3, ch, wbar, **kw) for ch in CHANNELS)
    assert c.c == pytest.approx(lam[0, 1].real / (2 * c.Omega), rel=1e-10)
    for k in range(2):
        expect = (lam[k, k].real / 2 + wbar * n.gamma_ph[k]) / (2 * c.frequencies[k])
        assert c.gamma_modes[k] == pytest.approx(expect, rel=1e-10)
    pi = mc._self_energy(model3, wbar, **kw)
    assert c.kappa == pytest.approx(0.5 * (pi[0, 1] + pi[1, 0]).real, rel=1e-12)
    for k in range(2):
        w, g = c.frequencies[k], c.gamma_modes[k]
        assert w ** 2 - g ** 2 == pytest.approx(n.omega[k] ** 2 + pi[k, k].real, rel=1e-12)


def test_eq9_adiabatic_b_is_the_slope_and_V0_is_linear_response(model3):
    T = 0.02
    c = mc.eq9_coefficients(model3, V=0.3, T_e=T)
    hs = np.array([2e-4, 4e-4])        # min |Im z| = 0.019: Richardson error ~ (h/0.02)^4
    P = mc.bias_induced_coupling(model3, V=0.3, T_e=T, omega=hs)
    slope = (4 * P[0].imag / hs[0] - P[1].imag / hs[1]) / 3      # d Im P/dw at 0
    assert c.omega_eval == pytest.approx(c.Omega, rel=1e-13)        # self-consistent w* = Omega
    assert c.b == pytest.approx(-slope / 0.3, rel=1e-7)
    c0 = mc.eq9_coefficients(model3, V=0.0, T_e=T)
    small = mc.bias_induced_coupling(model3, V=1e-4, T_e=T).real / 1e-4
    assert c0.a == pytest.approx(small, rel=1e-6)


def test_eq9_flat_limit_matches_the_derived_a(model3):
    lorentz = []
    for s in (100, 200):
        ms = _scaled(model3, s)
        c = mc.eq9_coefficients(ms, V=0.1, T_e=0.01)
        assert c.a == pytest.approx(mc.flat_dos_a(ms), rel=1e-3)
        assert c.a == pytest.approx(-0.5 * mc.paper_a(ms), rel=1e-3)
        lorentz.append(c.b * c.Omega / c.a)
    assert lorentz[0] / lorentz[1] == pytest.approx(2, rel=0.01)   # b Omega / a -> 0 as 1/s


# ======================================================================= errors

def test_bad_input(model3):
    one_mode = symehp.two_level(0.1, -0.1, 0.2, 0.2, 0.05, 1.0, 0.01)
    for call in (lambda: mc.bias_induced_coupling(one_mode, V=0.1, T_e=0.01),
                 lambda: mc.eq9_coefficients(one_mode, V=0.1, T_e=0.01),
                 lambda: mc.paper_a(one_mode),
                 lambda: mc.flat_dos_a(one_mode)):
        with pytest.raises(symehp.ModelError, match="K = 1"):
            call()
    kw = dict(mu_L=0.1, mu_R=-0.1, T_e=0.01)
    with pytest.raises(symehp.ParameterError, match="route"):
        mc._self_energy(model3, 0.1, route="kk", **kw)
    with pytest.raises(symehp.ParameterError, match="channel"):
        mc._self_energy(model3, 0.1, channel="XY", **kw)
    with pytest.raises(symehp.ParameterError, match="channel"):
        mc._self_energy(model3, 0.1, channel="LR", route="quadrature", **kw)
    with pytest.raises(symehp.ParameterError, match="T_e"):
        mc._self_energy(model3, 0.1, mu_L=0.1, mu_R=0.0, T_e=-1)
    with pytest.raises(symehp.ParameterError, match="omega"):
        mc._self_energy(model3, 0.1 + 1j, **kw)
    with pytest.raises(symehp.ParameterError, match="V"):
        mc.bias_induced_coupling(model3, V=np.nan, T_e=0.01)
    with pytest.raises(symehp.ParameterError, match="frequency"):
        mc.eq9_coefficients(model3, V=0.1, T_e=0.01, frequency="static")
    with pytest.raises(symehp.ParameterError, match="V"):
        mc.eq9_coefficients(model3, V=[0.1, 0.2], T_e=0.01)
    with pytest.raises(symehp.ModelError, match="model"):
        mc._self_energy("not a model", 0.1, **kw)
    decoupled = symehp.Junction(np.diag([0.1, 0.3, -0.2]), np.diag([0.2, 0, 0]),
                                np.diag([0, 0.2, 0]), [np.eye(3), np.ones((3, 3))], [1, 1], [0, 0])
    with pytest.raises(symehp.ModelError, match="decoupled"):
        mc._self_energy(decoupled, 0.1, **kw)


# ======================================================================= figure

def test_figure_csv(tmp_path):
    from symehp.figures import _output
    from symehp.figures import mode_coupling as fig
    assert fig.NAME == "mode_coupling" and fig.TITLE
    paths = fig.make(tmp_path, png=False)
    assert [p.name for p in paths] == ["mode_coupling.csv"]
    cols = _output.read_csv(paths[0])
    expected = ["V", "a_static", "a_mode_re", "a_flat", "a_paper"] + [
        f"ratio_width_x{s}" for s in fig.SCALES]
    assert list(cols) == expected
    assert len(cols["V"]) == fig.N_POINTS and not np.any(cols["V"] == 0)
    np.testing.assert_allclose(cols["a_paper"], -2 * cols["a_flat"], rtol=1e-10)
    np.testing.assert_allclose(cols["a_static"], cols["a_static"][::-1], rtol=1e-8)  # even in V
    middle = np.argmin(np.abs(cols["V"]))
    assert cols["a_static"][middle] == pytest.approx(cols["a_flat"][0], rel=0.05)
    header = paths[0].read_text().splitlines()[0]
    assert header.startswith("#")


def test_figure_png(tmp_path):
    pytest.importorskip("matplotlib")
    from symehp.figures import mode_coupling as fig
    paths = fig.make(tmp_path, png=True)
    png = [p for p in paths if p.suffix == ".png"]
    assert len(png) == 1 and png[0].stat().st_size > 20_000


# ======================================================================= the old module

def test_mode_coupling_keeps_every_old_name(model3):
    """symehp.applications.mode_coupling re-exports the split pieces (the same objects)."""
    import symehp.models
    from symehp.applications import mode_coupling as old
    for name in old.__all__:
        assert hasattr(old, name), name
    for name in ("bias_induced_coupling", "eq9_coefficients", "Eq9Coefficients", "paper_a",
                 "flat_dos_a", "effective_dynamical_matrix"):
        assert getattr(old, name) is getattr(mc, name), name
    assert old.two_level_two_modes is symehp.models.two_level_two_modes
    assert old._self_energy is mc._self_energy            # used by older tests and notebooks
    kw = dict(mu_L=0.2, mu_R=-0.2, T_e=0.02)
    with pytest.warns(DeprecationWarning, match="ehp_self_energy"):
        alias = old.electronic_self_energy(model3, 0.3, **kw)
    assert np.array_equal(alias, symehp.ehp_self_energy(model3, "total", 0.3, **kw))
