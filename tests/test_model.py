"""Tests of the model (Junction, two_level, validation) and of the symbolic layer
(greens, modes, ehp), including a cross-check of the symbolic integrands against
the numeric pole expansion and against Green's functions from np.linalg.inv."""

import numpy as np
import pytest
import sympy as sp
from scipy.special import expit

import symehp
from symehp import ModelError, ParameterError, ehp, greens, modes
from symehp import symbols as S
from symehp.numeric.poles import pole_expansion

TWO_PI = 2 * np.pi

H2 = [[0.5, 0.1], [0.1, -0.5]]
GL2 = [[0.2, 0.0], [0.0, 0.0]]
GR2 = [[0.0, 0.0], [0.0, 0.2]]
M2 = [[0.0, 0.1], [0.1, 0.0]]


def ref_fermi(x, T):
    return expit(-x / T)


def ref_spectral(H, gamma, gL, gR, e):
    g = np.linalg.inv(e * np.eye(len(H)) - np.asarray(H) + 0.5j * (np.asarray(gL) + np.asarray(gR)))
    return g @ np.asarray(gamma) @ g.conj().T


# ------------------------------------------------------------------ construction

@pytest.mark.parametrize("convert", [
    pytest.param(lambda x: x, id="lists"),
    pytest.param(np.array, id="numpy"),
    pytest.param(sp.Matrix, id="sympy"),
    pytest.param(lambda x: sp.ImmutableMatrix(sp.nsimplify(sp.Matrix(x))), id="sympy-rational"),
])
def test_junction_from_various_inputs(convert):
    jn = symehp.Junction(convert(H2), convert(GL2), convert(GR2), convert(M2), 1.0, 0.05)
    assert jn.N == 2 and jn.K == 1
    assert jn.is_numeric and jn.free_symbols == frozenset()
    num = jn.numeric()
    assert num.H.shape == (2, 2) and num.H.dtype == complex
    assert num.M.shape == (1, 2, 2)
    np.testing.assert_allclose(num.H, np.array(H2), rtol=1e-15)
    np.testing.assert_allclose(num.gamma_L, np.array(GL2), rtol=1e-15)
    np.testing.assert_allclose(num.gamma_R, np.array(GR2), rtol=1e-15)
    np.testing.assert_allclose(num.M[0], np.array(M2), rtol=1e-15)
    np.testing.assert_array_equal(num.omega, [1.0])
    np.testing.assert_array_equal(num.gamma_ph, [0.05])
    assert num.N == 2 and num.K == 1
    assert jn.numeric() is num           # cached
    assert "2 levels" in repr(jn) and "numeric" in repr(jn)
    assert jn._repr_latex_().startswith("$")


def test_coupling_forms_single_list_3d():
    m_a = np.array(M2)
    m_b = np.array([[0.05, 0.02j], [-0.02j, -0.05]])
    single = symehp.Junction(H2, GL2, GR2, m_a, 1.0, 0.05)
    as_list = symehp.Junction(H2, GL2, GR2, [m_a, m_b], [1.0, 1.5], [0.05, 0.02])
    as_3d = symehp.Junction(H2, GL2, GR2, np.array([m_a, m_b]), np.array([1.0, 1.5]),
                            np.array([0.05, 0.02]))
    nested = symehp.Junction(H2, GL2, GR2, [M2, m_b.tolist()], (1.0, 1.5), (0.05, 0.02))
    sym_single = symehp.Junction(H2, GL2, GR2, sp.Matrix(M2), 1.0, 0.05)
    assert single.K == sym_single.K == 1
    assert as_list.K == as_3d.K == nested.K == 2
    for jn in (as_list, as_3d, nested):
        num = jn.numeric()
        assert num.M.shape == (2, 2, 2)
        np.testing.assert_allclose(num.M[1], m_b, rtol=1e-15)
        np.testing.assert_allclose(num.omega, [1.0, 1.5])
    assert as_list.numeric().key == as_3d.numeric().key == nested.numeric().key
    assert single.numeric().key != as_list.numeric().key


def test_symbolic_junction_subs_and_numeric():
    jn = symehp.two_level()
    names = {str(s) for s in jn.free_symbols}
    assert names == {"epsilon_1", "epsilon_2", "gamma_1", "gamma_2", "m", "Omega", "gamma_ph"}
    assert not jn.is_numeric
    assert "symbolic" in repr(jn)
    with pytest.raises(ModelError, match="symbols") as info:
        jn.numeric()
    assert "epsilon_1" in str(info.value)
    by_name = {str(s): s for s in jn.free_symbols}
    values = {"epsilon_1": 0.5, "epsilon_2": -0.5, "gamma_1": 0.2, "gamma_2": 0.3, "m": 0.1,
              "Omega": 1.0, "gamma_ph": 0.05}
    partial = jn.subs({by_name["m"]: 0.1})
    assert {str(s) for s in partial.free_symbols} == names - {"m"}
    full = jn.subs({by_name[k]: v for k, v in values.items()})
    assert isinstance(full, symehp.Junction) and full.is_numeric
    direct = symehp.two_level(*values.values())
    for attr in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"):
        np.testing.assert_allclose(getattr(full.numeric(), attr), getattr(direct.numeric(), attr),
                                   rtol=1e-15)
    assert jn.gamma["L"] == jn.gamma_L and jn.gamma["R"] == jn.gamma_R


def test_two_level_structure_and_hopping():
    jn = symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05)
    num = jn.numeric()
    np.testing.assert_allclose(num.H, [[0.5, 0], [0, -0.5]])
    np.testing.assert_allclose(num.gamma_L, [[0.2, 0], [0, 0]])
    np.testing.assert_allclose(num.gamma_R, [[0, 0], [0, 0.3]])
    np.testing.assert_allclose(num.M[0], [[0, 0.1], [0.1, 0]])
    hop = symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05, hopping=0.1 + 0.05j).numeric()
    assert hop.H[0, 1] == pytest.approx(0.1 + 0.05j)
    assert hop.H[1, 0] == pytest.approx(0.1 - 0.05j)
    t = sp.Symbol("t", real=True)
    sym = symehp.two_level(hopping=t)
    assert sym.H[0, 1] == t and sym.H[1, 0] == t
    assert t in sym.free_symbols
    # assumptions of the generated symbols
    syms = {str(s): s for s in sym.free_symbols}
    assert syms["epsilon_1"].is_real and syms["gamma_1"].is_positive and syms["Omega"].is_positive


def test_zero_phonon_damping_allowed():
    jn = symehp.Junction(H2, GL2, GR2, M2, 1.0, 0)
    assert jn.numeric().gamma_ph[0] == 0.0


# ------------------------------------------------------------------ validation errors

def _kwargs(**change):
    base = dict(H=H2, gamma_L=GL2, gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    base.update(change)
    return base


x_real, y_real = sp.symbols("x y", real=True)
a_pos = sp.Symbol("a", positive=True)
z_plain = sp.Symbol("z")

BAD = [
    pytest.param(dict(H=[[1, 2, 3], [4, 5, 6]]), "H", "square", id="non-square-H"),
    pytest.param(dict(H=np.zeros((2, 2, 2))), "H", "2-d", id="3d-H"),
    pytest.param(dict(H=[[1, 2], [3]]), "H", "", id="ragged-H"),
    pytest.param(dict(gamma_L=np.eye(3)), "gamma_L", "shape", id="gamma_L-shape"),
    pytest.param(dict(gamma_R=[[1.0]]), "gamma_R", "shape", id="gamma_R-shape"),
    pytest.param(dict(M=np.eye(3)), "M", "shape", id="M-shape"),
    pytest.param(dict(M=[M2, np.eye(3)], omega=[1, 2], gamma_ph=[0.1, 0.1]), "M[1]", "shape",
                 id="M1-shape"),
    pytest.param(dict(M=[]), "M", "", id="M-empty"),
    pytest.param(dict(H=[[0, 1], [2, 0]]), "H", "Hermitian", id="non-hermitian-H"),
    pytest.param(dict(H=[[0, 1j], [1j, 0]]), "H", "Hermitian", id="non-hermitian-H-complex"),
    pytest.param(dict(H=sp.Matrix([[x_real, 1], [2, y_real]])), "H", "Hermitian",
                 id="non-hermitian-H-symbolic"),
    pytest.param(dict(H=sp.Matrix([[0, a_pos], [2 * a_pos, 0]])), "H", "Hermitian",
                 id="non-hermitian-H-symbolic-a"),
    pytest.param(dict(M=[[0, 1j], [1j, 0]]), "M[0]", "Hermitian", id="non-hermitian-M"),
    pytest.param(dict(M=[[0, 0.1], [0.2, 0]]), "M[0]", "Hermitian", id="non-hermitian-M-real"),
    pytest.param(dict(gamma_L=[[1, 0], [0, -1]]), "gamma_L", "semi-definite", id="gamma_L-not-psd"),
    pytest.param(dict(gamma_R=[[1, 2], [2, 1]]), "gamma_R", "semi-definite", id="gamma_R-not-psd"),
    pytest.param(dict(gamma_L=[[0, 1], [0, 0]]), "gamma_L", "Hermitian", id="gamma_L-non-hermitian"),
    pytest.param(dict(omega=-1.0), "omega", "positive", id="negative-omega"),
    pytest.param(dict(omega=0), "omega", "positive", id="zero-omega"),
    pytest.param(dict(omega=1j), "omega", "", id="complex-omega"),
    pytest.param(dict(gamma_ph=-0.01), "gamma_ph", "non-negative", id="negative-gamma_ph"),
    pytest.param(dict(omega=[1.0, 2.0]), "omega", "entries", id="omega-length"),
    pytest.param(dict(gamma_ph=[0.1, 0.2]), "gamma_ph", "entries", id="gamma_ph-length"),
    pytest.param(dict(omega="1"), "omega", "string", id="omega-string"),
    pytest.param(dict(H=sp.Matrix([[z_plain, 0], [0, 1]])), "H", "real", id="symbol-not-real"),
    pytest.param(dict(omega=x_real), "omega", "positive", id="omega-symbol-sign-unknown"),
]


@pytest.mark.parametrize("change, name, word", BAD)
def test_model_errors(change, name, word):
    with pytest.raises(ModelError) as info:
        symehp.Junction(**_kwargs(**change))
    msg = str(info.value)
    assert name in msg
    assert word in msg
    assert isinstance(info.value, ValueError)


def test_gamma_not_psd_reports_eigenvalue():
    with pytest.raises(ModelError, match="-1"):
        symehp.Junction(**_kwargs(gamma_L=[[1, 0], [0, -1]]))


def test_symbolic_gamma_psd_decided():
    g = sp.Symbol("g", positive=True)
    jn = symehp.Junction(H2, sp.Matrix([[g, 0], [0, 0]]), GR2, M2, 1.0, 0.05)
    assert g in jn.free_symbols
    with pytest.raises(ModelError, match="gamma_L"):
        symehp.Junction(H2, sp.Matrix([[-g, 0], [0, 0]]), GR2, M2, 1.0, 0.05)


# ------------------------------------------------------------------ symbolic Green's functions

def test_retarded_inverts_resolvent():
    jn = symehp.two_level()
    gr = greens.retarded(jn)
    resolvent = S.eps * sp.eye(2) - jn.H - greens.self_energy(jn)
    assert sp.simplify(gr * resolvent) == sp.eye(2)
    assert sp.simplify(resolvent * gr) == sp.eye(2)
    assert sp.simplify(greens.advanced(jn) - gr.H) == sp.zeros(2, 2)


def test_spectral_two_level():
    jn = symehp.two_level()
    syms = {str(s): s for s in jn.free_symbols}
    e1, g1 = syms["epsilon_1"], syms["gamma_1"]
    e2, g2 = syms["epsilon_2"], syms["gamma_2"]
    a_l = greens.spectral(jn, "L")
    a_r = greens.spectral(jn, "R")
    assert sp.simplify(a_l[0, 0] - g1 / ((S.eps - e1) ** 2 + g1**2 / 4)) == 0
    assert sp.simplify(a_r[1, 1] - g2 / ((S.eps - e2) ** 2 + g2**2 / 4)) == 0
    assert sp.simplify(a_l[1, 1]) == 0 and sp.simplify(a_l[0, 1]) == 0
    # A_L + A_R = i (G^r - G^a)
    assert sp.simplify(a_l + a_r - greens.spectral_total(jn)) == sp.zeros(2, 2)
    with pytest.raises(ParameterError, match="electrode"):
        greens.spectral(jn, "X")


def test_symbolic_spectral_matches_numpy():
    """The symbolic layer with numbers (3 levels, complex entries) against np.linalg.inv."""
    H = [[0.55, 0.12, 0], [0.12, 0.05, 0.08 - 0.03j], [0, 0.08 + 0.03j, -0.45]]
    vL, vR = np.array([0.45, 0.15, 0.05j]), np.array([0.05, 0.15j, 0.45])
    gL = np.outer(vL, vL.conj()) + np.diag([0.02, 0.01, 0])
    gR = np.outer(vR, vR.conj()) + np.diag([0, 0.01, 0.02])
    M = [[0.03, 0.1 + 0.04j, 0.02], [0.1 - 0.04j, -0.02, 0.05j], [0.02, -0.05j, 0.04]]
    jn = symehp.Junction(np.array(H), gL, gR, np.array(M), 0.7, 0.04)
    for lead, gam in (("L", gL), ("R", gR)):
        func = sp.lambdify(S.eps, greens.spectral(jn, lead), "numpy")
        for e in (-0.4, 0.1, 0.7):
            sym = np.array(func(e), dtype=complex)
            np.testing.assert_allclose(sym, ref_spectral(H, gam, gL, gR, e), rtol=1e-12,
                                       atol=1e-14)


def test_mode_spectral_function():
    jn = symehp.two_level()
    syms = {str(s): s for s in jn.free_symbols}
    om, g = syms["Omega"], syms["gamma_ph"]
    w = S.omega
    expected = 2 * w * g / ((w**2 - om**2) ** 2 + w**2 * g**2)
    assert sp.simplify(modes.spectral(jn)[0, 0] - expected) == 0
    assert sp.simplify(modes.bath_broadening(jn)[0, 0] - 2 * w * g) == 0
    assert sp.simplify(modes.bath_self_energy(jn)[0, 0] + sp.I * w * g) == 0
    # D^r has its pole in the lower half plane: Im D^r(w > 0) < 0
    val = complex(modes.retarded(jn)[0, 0].subs({w: 0.9, om: 1, g: 0.1}))
    assert val.imag < 0


# ------------------------------------------------------------------ channels

def test_channel_table():
    assert [c.label for c in ehp.CHANNELS] == [1, 2, 3, 4]
    assert [c.name for c in ehp.CHANNELS] == ["LL", "RR", "RL", "LR"]
    for c in ehp.CHANNELS:
        assert ehp.channel(c.name) is c
        assert ehp.channel(c.label) is c
        assert ehp.channel(c) is c
        assert str(c) == c.name
        assert c._repr_latex_().startswith("$")
    lr, rl, ll, rr = (ehp.channel(n) for n in ("LR", "RL", "LL", "RR"))
    assert lr.label == 4 and rl.label == 3
    assert lr.mu == S.mu_L - S.mu_R
    assert rl.mu == S.mu_R - S.mu_L
    assert ll.mu == 0 and rr.mu == 0
    assert lr.chemical_potential(0.3, -0.2) == pytest.approx(0.5)
    assert rl.chemical_potential(0.3, -0.2) == pytest.approx(-0.5)
    assert (lr.transferred, rl.transferred, ll.transferred, rr.transferred) == (1, -1, 0, 0)
    assert (lr.kind, rl.kind, ll.kind, rr.kind) == ("inter", "inter", "intra", "intra")
    assert lr.temperatures == (S.T_L, S.T_R)
    assert symehp.channel("LR") is lr and symehp.CHANNELS == ehp.CHANNELS


@pytest.mark.parametrize("spec", ["XY", "lr", 0, 5, True, None, 4.0])
def test_unknown_channel(spec):
    with pytest.raises(ParameterError, match="channel"):
        ehp.channel(spec)


def test_statistical_weights_identities():
    w = ehp.statistical_weights("LR")
    assert sp.simplify(w["absorption"] - w["emission"] - w["dos"]) == 0
    assert sp.simplify(w["symmetrized"] - (w["absorption"] + w["emission"]) / 2) == 0


# ------------------------------------------------------------------ printing

def test_kernel_latex():
    k = ehp.kernel(symehp.two_level(), "LR")
    assert k.shape == (1, 1)
    text = sp.latex(k)
    assert isinstance(text, str) and len(text) > 20
    assert r"\pi" in text
    assert sp.latex(ehp.emission_integrand(symehp.two_level(), 4))


def test_flat_dos_formula():
    tr = sp.Symbol("tau", positive=True)
    expr = ehp.flat_dos(tr, "LR")
    assert sp.simplify(expr - (S.omega - S.mu_L + S.mu_R) * tr / (2 * sp.pi)) == 0


# ------------------------------------------------------------------ symbolic vs numeric layer

@pytest.mark.parametrize("name", ["LR", "RL", "LL"])
def test_symbolic_integrand_matches_pole_expansion(name):
    jn = symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05, hopping=0.1)
    args = (S.eps, S.omega, S.mu_L, S.mu_R, S.T_L, S.T_R)
    emission = sp.lambdify(args, ehp.emission_integrand(jn, name)[0, 0], "numpy")
    dos = sp.lambdify(args, ehp.ehp_dos_integrand(jn, name)[0, 0], "numpy")
    expansion = pole_expansion(jn.numeric())
    num = jn.numeric()
    mus = {"L": 0.3, "R": -0.2}
    temps = {"L": 0.1, "R": 0.15}
    a, b = name
    for e, w in [(0.2, 0.9), (-0.4, 1.1), (0.55, 0.3), (1.0, 0.0)]:
        vals = (e, w, mus["L"], mus["R"], temps["L"], temps["R"])
        f_a = ref_fermi(e - mus[a], temps[a])
        f_b = ref_fermi(e - w - mus[b], temps[b])
        kern = complex(expansion.kernel(a, b, e, w)[0, 0]) / TWO_PI
        direct = np.trace(num.M[0] @ ref_spectral(num.H, getattr(num, f"gamma_{a}"),
                                                  num.gamma_L, num.gamma_R, e)
                          @ num.M[0] @ ref_spectral(num.H, getattr(num, f"gamma_{b}"),
                                                    num.gamma_L, num.gamma_R, e - w)) / TWO_PI
        assert abs(kern.imag) < 1e-12 * abs(kern)
        assert kern.real == pytest.approx(direct.real, rel=1e-10)
        sym_em = complex(emission(*vals))
        sym_dos = complex(dos(*vals))
        assert sym_em.real == pytest.approx(kern.real * f_a * (1 - f_b), rel=1e-10)
        assert abs(sym_em.imag) < 1e-12 * abs(sym_em.real)
        assert sym_dos.real == pytest.approx(kern.real * (f_b - f_a), rel=1e-10)
