"""Leads as objects (symehp.leads) and their place in the Junction.

* the chain's surface Green's function against independent routes: the semicircle
  DOS, the surface Dyson equation, a complex-energy closed form written here (the
  root with |t g| < 1), Lopez Sancho decimation and a long finite chain at a small
  broadening, Kramers-Kronig (scipy's Cauchy principal value), the band edges;
* Sigma = v g_s v^dagger in the orbital basis of H: the device block of the Green's
  function of device + explicit chain sites;
* follow_bias, wide_band, self_energy and their errors;
* Junction(lead_L=...): a wide-band lead is the gamma_ shortcut exactly; bad input.
"""

import copy
import re
import pickle
import warnings

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, sparse
from scipy.sparse.linalg import spsolve

import symehp
from symehp import ModelError, ParameterError, leads

H2 = [[0.5, 0.1], [0.1, -0.5]]
GL2 = [[0.2, 0.0], [0.0, 0.0]]
GR2 = [[0.0, 0.0], [0.0, 0.2]]
M2 = [[0.0, 0.1], [0.1, 0.0]]


def _g_complex(z, t, onsite=0.0):
    """Surface Green's function at complex ``z`` (Im z > 0), written independently:
    the root of t^2 g^2 - (z - onsite) g + 1 = 0 with |t g| < 1 (the roots' product is
    1/t^2, and the decaying one is the retarded one)."""
    x = z - onsite
    s = np.sqrt(x * x - 4 * t * t + 0j)
    roots = np.array([(x - s) / (2 * t * t), (x + s) / (2 * t * t)])
    return roots[np.argmin(np.abs(roots), axis=0), np.arange(np.size(z))]


def _decimation(z, t, onsite=0.0, iterations=80):
    """Lopez Sancho, Lopez Sancho & Rubio (1985): surface Green's function of a
    semi-infinite chain at complex z by renormalization decimation."""
    eps_s = eps = onsite + 0j
    alpha = beta = t + 0j
    for _ in range(iterations):
        g = 1.0 / (z - eps)
        eps_s = eps_s + alpha * g * beta
        eps = eps + alpha * g * beta + beta * g * alpha
        alpha, beta = alpha * g * alpha, beta * g * beta
    return 1.0 / (z - eps_s)


# ------------------------------------------------------------------ the surface Green's function

@pytest.mark.parametrize("t, onsite", [(1.0, 0.0), (-0.7, 0.3), (2.5, -1.0)])
def test_semicircle_and_dyson_equation(t, onsite):
    lead = leads.chain(t, onsite=onsite, coupling=[1.0])
    x = np.linspace(-0.999, 0.999, 401)
    E = onsite + 2 * abs(t) * x
    g = lead.surface_green(E)
    # the semicircle: -Im g / pi = sqrt(4t^2 - z^2) / (2 pi t^2).  Both sides are a few
    # roundings of the same square root; near the edges the relative condition of
    # sqrt(4t^2 - z^2) is 1/(1 - x^2) <= 500 here: 1e-12 leaves a wide margin
    dos = np.sqrt(4 * t * t - (E - onsite) ** 2) / (2 * np.pi * t * t)
    np.testing.assert_allclose(-g.imag / np.pi, dos, rtol=1e-12, atol=1e-15)
    # the surface Dyson equation g = 1/(E - onsite - t^2 g), inside and outside the band
    E_all = onsite + 2 * abs(t) * np.concatenate([x, np.linspace(1.001, 40.0, 200),
                                                  -np.linspace(1.001, 40.0, 200)])
    g_all = lead.surface_green(E_all)
    # a few roundings of |t g| <= 1 quantities: 1e-13 relative
    np.testing.assert_allclose(g_all, 1.0 / (E_all - onsite - t * t * g_all), rtol=1e-13)
    # unit weight of the semicircle (quad to 1e-12)
    weight, _ = integrate.quad(lambda e: -lead.surface_green(e).imag / np.pi,
                               onsite - 2 * abs(t), onsite + 2 * abs(t), epsabs=1e-13)
    assert weight == pytest.approx(1.0, abs=1e-10)


def test_outside_the_band_and_at_the_edges():
    t = 1.3
    lead = leads.chain(t, onsite=0.2, coupling=[1.0])
    lo, hi = lead.band_edges
    assert (lo, hi) == (0.2 - 2.6, 0.2 + 2.6)
    # exactly at an edge: finite, sign(z)/|t| (real); the doubles next to it too, no NaN
    for edge, sign in ((lo, -1.0), (hi, 1.0)):
        g = lead.surface_green(edge)
        assert np.isfinite(g) and g.imag == 0.0
        assert g.real == pytest.approx(sign / t, rel=1e-15)
        near = np.array([np.nextafter(edge, -np.inf), edge, np.nextafter(edge, np.inf)])
        vals = lead.surface_green(near)
        assert np.all(np.isfinite(vals))
        # continuity at the edge: |g - g_edge| ~ sqrt(ulp)/|t|, about 1e-8
        assert np.max(np.abs(vals - sign / t)) < 1e-7
    # outside: real, the sign of E - onsite, |t g| < 1, ~ 1/(E - onsite) far away
    E = np.concatenate([np.linspace(hi + 1e-9, 1e6, 500), np.linspace(lo - 1e-9, -1e6, 500)])
    g = lead.surface_green(E)
    assert np.all(g.imag == 0.0)
    assert np.all(np.sign(g.real) == np.sign(E - 0.2))
    assert np.all(np.abs(t * g) <= 1.0)
    far = np.array([1e8, -1e8, 1e30])
    # g (E - onsite) = 1 + t^2/(E - onsite)^2 + ...: within 1e-15 at |E| >= 1e8
    np.testing.assert_allclose(lead.surface_green(far) * (far - 0.2), 1.0, rtol=1e-15)
    # retarded everywhere: Im g <= 0, Gamma = -2 Im g v v^+ >= 0
    E = np.linspace(-10, 10, 4001)
    assert np.all(lead.surface_green(E).imag <= 0.0)


def test_against_decimation_and_a_long_finite_chain():
    t, onsite = 0.9, 0.1
    lead = leads.chain(t, onsite=onsite, coupling=[1.0])
    # inside the band [-1.7, 1.9] away from its edges (where eta enters as sqrt(eta)), and out
    E = np.concatenate([np.linspace(-1.6, 1.8, 35), [-3.0, 2.5, 4.0]])
    # 1. the independent complex-energy closed form at E + i 1e-13 against the chain's
    # real-E branch: they differ by eta |dg/dE| <= 1e-13 / (t^2 sqrt(1 - x^2)) ~ 1e-12
    ref = _g_complex(E + 1e-13j, t, onsite)
    np.testing.assert_allclose(lead.surface_green(E), ref, rtol=1e-10, atol=1e-12)
    # 2. Lopez Sancho decimation at z = E + i 1e-4: converged after ~20 doublings (the
    # chain's effective length 2^n against its damping length v/eta); its round-off grows
    # like eps/eta^2 at the band centre (the first g = 1/(z - onsite) is 1/eta there):
    # measured 6e-9 of the closed form at the same z, so 1e-7
    z = E + 1e-4j
    dec = np.array([_decimation(zz, t, onsite) for zz in z])
    np.testing.assert_allclose(dec, _g_complex(z, t, onsite), rtol=1e-7)
    # ... and the real-E function within eta |dg/dE| <= 1e-4 / (t^2 sqrt(1 - x^2)) ~ 4e-4
    np.testing.assert_allclose(lead.surface_green(E), dec, rtol=1e-3)
    # 3. a finite chain of 4000 sites at z = E + 0.02i, by the continued fraction from its
    # far end: the end's reflection is damped by exp(-2 L eta / v) < exp(-80); to round-off
    z = E + 0.02j
    g = 1.0 / (z - onsite)
    for _ in range(4000):
        g = 1.0 / (z - onsite - t * t * g)
    np.testing.assert_allclose(g, _g_complex(z, t, onsite), rtol=1e-11)


def test_kramers_kronig():
    """Re g(E) = (1/pi) P int Im g(E') / (E' - E) dE' (analytic in the upper half plane,
    ~1/E at infinity); Im g = 0 outside the band."""
    t = 1.0
    lead = leads.chain(t, coupling=[1.0])
    for E in (-1.5, -0.4, 0.3, 1.9, 2.5, -3.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            if abs(E) < 2:
                # the Cauchy weight 1/(E' - E) on the band, no singular point at the edges
                pv, _ = integrate.quad(lambda e: lead.surface_green(e).imag, -2, 2,
                                       weight="cauchy", wvar=E, epsabs=1e-12, limit=200)
            else:
                pv, _ = integrate.quad(lambda e: lead.surface_green(e).imag / (e - E), -2, 2,
                                       epsabs=1e-12, limit=200)
        # quad's Cauchy rule with sqrt end points: 1e-8 absolute is well within its reach
        assert pv / np.pi == pytest.approx(lead.surface_green(E).real, abs=1e-8)


# ------------------------------------------------------------------ Sigma in the orbital basis

def test_sigma_is_v_g_v_dagger_in_the_basis_of_H():
    """The device block of the Green's function of H + an explicit chain (the device
    orbital i coupled to the chain's first site by v[i]) is [z - H - v g v^+]^-1."""
    H = np.array([[0.3, 0.2 - 0.1j], [0.2 + 0.1j, -0.4]])
    v = np.array([0.5, 0.3j])
    t, onsite, sites = 1.0, 0.1, 3000
    lead = leads.chain(t, onsite=onsite, coupling=v)
    n = sites + 2
    big = sparse.lil_matrix((n, n), dtype=complex)
    big[:2, :2] = H
    big[:2, 2] = v[:, None]                        # <i|H|s=0> = v[i]
    big[2, :2] = np.conj(v)[None, :]
    idx = np.arange(2, n)
    big[idx, idx] = onsite
    big[idx[:-1], idx[1:]] = t
    big[idx[1:], idx[:-1]] = t
    z = 0.37 + 0.03j                               # exp(-2 L eta / v) < e^-80
    resolvent = (z * sparse.identity(n, dtype=complex, format="csc") - big.tocsc())
    block = spsolve(resolvent, sparse.csc_matrix(np.eye(n, 2, dtype=complex))).toarray()[:2]
    sigma = np.outer(v, np.conj(v)) * _g_complex(np.array([z]), t, onsite)[0]
    # a sparse LU of a well-conditioned 3002 x 3002 system (eta = 0.03): 1e-10 relative
    np.testing.assert_allclose(np.linalg.inv(z * np.eye(2) - H - sigma), block, rtol=1e-10)
    # the lead's real-E Sigma has the same structure: v g_s v^+ (entry ij = v_i g conj v_j)
    E = np.array([0.37, -2.5, 1.0])
    s = lead.sigma(E)
    np.testing.assert_array_equal(s, lead.surface_green(E)[:, None, None]
                                  * np.outer(v, np.conj(v)))
    gamma = lead.gamma(E)
    np.testing.assert_allclose(gamma, np.conj(np.swapaxes(gamma, -1, -2)), atol=1e-16)
    assert np.all(np.linalg.eigvalsh(gamma) >= -1e-15)
    assert np.all(np.linalg.eigvalsh(gamma[1]) == 0)         # outside the band: no broadening


def test_follow_bias_moves_the_band():
    v = [0.4, 0.0]
    fixed = leads.chain(1.0, coupling=v)
    moving = leads.chain(1.0, coupling=v, follow_bias=True)
    E = np.linspace(-3, 3, 61)
    np.testing.assert_array_equal(fixed.sigma(E, mu=0.7), fixed.sigma(E))
    np.testing.assert_array_equal(moving.sigma(E, mu=0.7), moving.sigma(E - 0.7))
    assert moving.band_edges == (-2.0, 2.0)
    assert moving.band_edges_at(0.7) == (-1.3, 2.7)
    assert fixed.band_edges_at(0.7) == (-2.0, 2.0)
    # mu broadcasts against E
    assert moving.sigma(E[:, None], mu=np.array([0.0, 0.5])).shape == (61, 2, 2, 2)


def test_lead_reprs_and_flags():
    c = leads.chain(1.0, onsite=0.5, coupling=[0.3, 0.1], follow_bias=True)
    assert c.energy_dependent and c.follow_bias and c.N == 2
    assert "chain(t=1, onsite=0.5" in repr(c) and "follow_bias=True" in repr(c)
    assert "band [-1.5, 2.5]" in repr(c)
    w = leads.wide_band(GL2)
    assert not w.energy_dependent and w.band_edges == () and w.N == 2
    np.testing.assert_array_equal(w.sigma([0.0, 5.0]), [-0.5j * np.array(GL2)] * 2)
    assert repr(w).startswith("wide_band(gamma=[[0.2")
    f = leads.self_energy(lambda E: np.zeros((len(E), 2, 2)), band_edges=[1.0, -1.0])
    assert f.energy_dependent and f.band_edges == (-1.0, 1.0)
    assert "self_energy(fn=" in repr(f)


# ------------------------------------------------------------------ bad leads

@pytest.mark.parametrize("make, match", [
    (lambda: leads.chain(0.0, coupling=[1.0]), "t must be nonzero"),
    (lambda: leads.chain(np.nan, coupling=[1.0]), "t must be finite"),
    (lambda: leads.chain(1j, coupling=[1.0]), "t must be a real number"),
    (lambda: leads.chain(1.0, onsite=np.inf, coupling=[1.0]), "onsite must be finite"),
    (lambda: leads.chain(1.0, coupling=[[1.0, 0.0]]), "1-d vector"),
    (lambda: leads.chain(1.0, coupling=[1.0, np.nan]), r"coupling\[1\] is not finite"),
    (lambda: leads.chain(1.0), "coupling must be a vector"),
    (lambda: leads.chain(1.0, coupling=[1.0], follow_bias="yes"), "follow_bias"),
    (lambda: leads.wide_band([[1.0, 0.0], [0.0, -1.0]]), "positive semi-definite|eigenvalue"),
    (lambda: leads.wide_band([[1.0, 0.5], [0.0, 1.0]]), "not Hermitian"),
    (lambda: leads.wide_band([[np.nan]]), r"gamma\[0, 0\] is not finite"),
    (lambda: leads.wide_band([1.0, 2.0]), "square"),
    (lambda: leads.self_energy(3.0), "callable"),
])
def test_bad_leads(make, match):
    with pytest.raises(ModelError, match=match):
        make()


def _junction(**kw):
    base = dict(H=H2, M=M2, omega=1.0, gamma_ph=0.05)
    base.update(kw)
    return symehp.Junction(**base)


@pytest.mark.parametrize("kw, match", [
    (dict(gamma_L=GL2, lead_L=leads.chain(1.0, coupling=[1, 0]), gamma_R=GR2),
     "gamma_L and lead_L are both given"),
    (dict(gamma_L=GL2, gamma_R=GR2, lead_R=leads.wide_band(GR2)),
     "gamma_R and lead_R are both given"),
    (dict(gamma_R=GR2), "gamma_L .* or lead_L .* is required"),
    (dict(lead_L=leads.chain(1.0, coupling=[1, 0, 0]), gamma_R=GR2),
     r"lead_L: coupling has 3 entries, but H is 2 x 2"),
    (dict(lead_L=GL2, gamma_R=GR2), "lead_L must be a lead of symehp.leads"),
    (dict(lead_L=leads.wide_band([[0.2]]), gamma_R=GR2), r"shape \(1, 1\), but H is 2 x 2"),
    (dict(lead_L=leads.self_energy(lambda E: np.zeros((len(E), 3, 3))), gamma_R=GR2),
     r"lead_L: the self-energy function must return an array of shape .*\(\d+, 2, 2\)"),
    (dict(lead_L=leads.self_energy(lambda E: np.zeros((2, 2))), gamma_R=GR2),
     r"lead_L: the self-energy function must return"),
    (dict(lead_R=leads.self_energy(lambda E: np.broadcast_to(0.1j * np.eye(2), (len(E), 2, 2))),
          gamma_L=GL2), r"lead_R: not a retarded self-energy: Gamma .* eigenvalue -0.2"),
    (dict(lead_R=leads.self_energy(
        lambda E: np.where((E > 0.3)[:, None, None], np.nan, -0.1j * np.eye(2))), gamma_L=GL2),
     r"lead_R: the self-energy function returned a non-finite value at E = 0.3"),
    (dict(lead_R=leads.self_energy(lambda E: 1 / 0), gamma_L=GL2),
     "lead_R: the self-energy function raised ZeroDivisionError"),
    (dict(lead_L=leads.chain(1.0, coupling=[1, 0]), gamma_R=GR2, M=None), "M is required"),
])
def test_bad_junction_leads(kw, match):
    with pytest.raises(ModelError, match=match):
        _junction(**kw)


def test_non_psd_only_at_some_energies_is_found():
    # Gamma < 0 only for E in (1, 1.2): between the default check energies' spacing
    # (~0.05 here), so it is caught there; check_energies overrides the grid
    def sigma(E):
        bad = (E > 1.0) & (E < 1.2)
        return np.where(bad[:, None, None], 0.05j, -0.05j) * np.eye(2)
    with pytest.raises(ModelError, match="lead_L: not a retarded"):
        _junction(lead_L=leads.self_energy(sigma), gamma_R=GR2)
    ok = _junction(lead_L=leads.self_energy(sigma, check_energies=[0.0, 2.0]), gamma_R=GR2)
    assert ok.energy_dependent


def test_symbolic_models_with_chain_leads():
    eps = sp.Symbol("epsilon", real=True)
    with pytest.raises(ModelError, match="lead_L is energy dependent .* needs a numeric model"):
        symehp.Junction([[eps, 0], [0, -0.5]], lead_L=leads.chain(1.0, coupling=[1, 0]),
                        gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    # SymPy numbers without symbols are numbers: fine
    half = sp.Rational(1, 2)
    jn = symehp.Junction([[half, 0], [0, -half]], lead_L=leads.chain(1.0, coupling=[1, 0]),
                         gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    assert jn.energy_dependent and jn.numeric().H[0, 0] == 0.5
    with pytest.raises(ModelError, match="Junction.gamma_L: lead L is energy dependent"):
        jn.gamma_L
    assert jn.gamma_R == sp.ImmutableMatrix(GR2)
    # the symbolic layer says why it cannot use the model
    with pytest.raises(ModelError, match="gamma_L: lead L is energy dependent"):
        symehp.greens.retarded(jn)


# ------------------------------------------------------------------ the Junction

def test_wide_band_lead_is_exactly_the_gamma_shortcut():
    by_gamma = symehp.Junction(H2, GL2, GR2, M2, 1.0, 0.05)
    by_lead = symehp.Junction(H2, lead_L=leads.wide_band(GL2), lead_R=leads.wide_band(GR2),
                              M=M2, omega=1.0, gamma_ph=0.05)
    a, b = by_gamma.numeric(), by_lead.numeric()
    assert a.key == b.key
    for name in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert by_lead.gamma_L == by_gamma.gamma_L and not by_lead.energy_dependent
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05)
    np.testing.assert_array_equal(symehp.ehp_dos(by_lead, "LR", [0.3, 1.0], **kw),
                                  symehp.ehp_dos(by_gamma, "LR", [0.3, 1.0], **kw))
    assert (symehp.energy_current(by_lead, T_ph=0.05, **kw)
            == symehp.energy_current(by_gamma, T_ph=0.05, **kw))
    assert repr(by_lead) == repr(by_gamma)
    # a symbolic wide-band lead is a symbolic gamma
    g = sp.Symbol("gamma_1", positive=True)
    sym = symehp.Junction(H2, lead_L=leads.wide_band(sp.Matrix([[g, 0], [0, 0]])),
                          gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    assert sym.free_symbols == {g} and sym.gamma_L == sp.ImmutableMatrix([[g, 0], [0, 0]])
    assert "symbolic" in repr(sym.lead_L)
    # the NumericJunction accepts the leads too
    nj = symehp.NumericJunction(H=np.array(H2), lead_L=leads.wide_band(GL2), gamma_R=GR2,
                                M=np.array([M2]), omega=[1.0], gamma_ph=[0.05])
    assert nj.key == a.key


def test_junction_with_chain_leads():
    lead_l = leads.chain(1.0, coupling=[0.5, 0.0])
    jn = _junction(lead_L=lead_l, gamma_R=GR2)
    assert jn.energy_dependent and jn.lead_L is lead_l
    assert not jn.lead_R.energy_dependent
    np.testing.assert_array_equal(jn.lead_R.matrix, GR2)
    num = jn.numeric()
    assert num.energy_dependent and num.lead_L is lead_l
    np.testing.assert_array_equal(num.gamma_R, GR2)
    with pytest.raises(ModelError, match="NumericJunction.gamma_L: lead L is energy dependent"):
        num.gamma_L
    assert "lead_L = chain(t=1" in repr(jn)
    assert r"\Sigma_L(E)" in jn._repr_latex_()
    # the key hashes the lead: another coupling, another key
    other = _junction(lead_L=leads.chain(1.0, coupling=[0.6, 0.0]), gamma_R=GR2)
    assert other.numeric().key != num.key
    # copies and pickles
    for clone in (copy.deepcopy(jn), pickle.loads(pickle.dumps(jn))):
        assert clone.numeric().key == num.key and clone.energy_dependent
    assert pickle.loads(pickle.dumps(num)).key == num.key
    # frozen
    with pytest.raises(AttributeError):
        num.H = np.zeros((2, 2))
    with pytest.raises(AttributeError, match="cannot be reassigned"):
        jn.lead_L = lead_l


def test_functions_without_lead_support_say_so():
    # (the currents, the mode occupation and ehp_self_energy take the lead route:
    # test_lead_currents.py, test_lead_self_energy.py); the dressed modes do not yet
    jn = _junction(lead_L=leads.chain(1.0, coupling=[0.5, 0.0]), gamma_R=GR2)
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05)
    for what, call in (
            ("dressed=True", lambda: symehp.transport(jn, T_ph=0.05, dressed=True, **kw)),
            ("mode_steady_state", lambda: symehp.mode_steady_state(jn, T_ph=0.05, **kw))):
        with pytest.raises(ParameterError, match=f"{re.escape(what)}.*needs wide-band leads"):
            call()
    with pytest.raises(ModelError, match="needs wide-band electrodes.*energy-dependent lead"):
        symehp.mode_eigenfrequencies(jn, **kw)
