"""Dressed modes (issue 11): the dynamical matrix, its eigenmodes, the dressed spectral
function and the currents with the dressed K x K propagator."""

import numpy as np
import pytest
from scipy.integrate import quad

import symehp
from symehp import leads
from symehp.errors import ModelError, ParameterError
from symehp.models import two_level, two_level_two_modes
from symehp.numeric.currents import mode_spectral_diagonal
from symehp.numeric.dressed import dressed_transport, node_matrices
from symehp.numeric.mode_dynamics import dynamical_matrix, mode_eigenfrequencies
from symehp.numeric.self_energy import _expansion

POINT = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05)


def fig2(m=0.1, gamma_ph=0.05):
    return two_level(0.5, -0.5, 0.2, 0.2, m, 1.0, gamma_ph)


def curl_model():
    """Two modes, non-reciprocal (sigma_x, sigma_y couplings), with hopping."""
    return two_level_two_modes(eps1=0.15, eps2=-0.1, m=0.03, omega=(0.105, 0.095),
                               gamma_ph=(0.004, 0.003), hopping=0.05)


# ------------------------------------------------------------------ dynamical matrix

def test_dynamical_matrix_anti_hermitian_part_is_the_total_damping():
    model = curl_model()
    w = np.linspace(-0.3, 0.4, 15)
    dyn = dynamical_matrix(model, w, **POINT)
    lam = sum(symehp.ehp_dos(model, c, w, **POINT) for c in ("LL", "RR", "RL", "LR"))
    num = model.numeric()
    gamma_ph = 2 * w[:, None] * np.asarray(num.gamma_ph)
    anti = 1j * (dyn - np.conj(np.swapaxes(dyn, -1, -2)))
    expected = lam.copy()
    expected[:, [0, 1], [0, 1]] += gamma_ph
    scale = np.max(np.abs(expected))
    assert np.max(np.abs(anti - expected)) < 1e-12 * scale
    # static part: diag(Omega^2) + Re Pi^r(0), a real response at -w
    assert np.allclose(dynamical_matrix(model, -w, **POINT), np.conj(dyn), atol=1e-14, rtol=0)


def test_eigenfrequencies_solve_the_characteristic_equation():
    model = curl_model()
    eig = mode_eigenfrequencies(model, mu_L=0.05, mu_R=-0.05, T_e=0.01)
    assert eig.frequencies.shape == (2,) and np.all(eig.frequencies.real > 0)
    for k, z in enumerate(eig.frequencies):
        dyn = dynamical_matrix(model, z.real, mu_L=0.05, mu_R=-0.05, T_e=0.01)
        det = np.linalg.det(z ** 2 * np.eye(2) - dyn)
        assert abs(det) < 1e-12 * abs(z) ** 4
        v = eig.vectors[:, k]
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-13)
        assert np.linalg.norm(dyn @ v - z ** 2 * v) < 1e-12 * abs(z) ** 2
    assert eig.stable == (eig.growth_rate < 0)
    assert len(set(np.round(eig.frequencies, 8))) == 2          # distinct roots


def test_single_mode_root_is_first_order_in_the_damping():
    # Im z = -D / (4 Omega) with D the total damping of mode_occupation, to higher order
    for m in (0.1, 0.05):
        model = fig2(m)
        z = mode_eigenfrequencies(model, **POINT).frequencies[0]
        d = symehp.mode_occupation(model, **POINT, T_ph=0.05).damping
        assert z.imag == pytest.approx(-d / 4, rel=0.05 * (m / 0.1) ** 2)


def test_static_softening_is_an_instability():
    # strong coupling to broad levels: the static part of Pi^r pushes Omega^2 below 0
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    model = symehp.Junction(H=[[0.5, 0.0], [0.0, -0.5]], gamma_L=[[4.0, 0.0], [0.0, 0.0]],
                            gamma_R=[[0.0, 0.0], [0.0, 4.0]], M=[0.3 * sx], omega=[0.1],
                            gamma_ph=[5e-4])
    static = dynamical_matrix(model, 0.0, mu_L=0.0, mu_R=0.0, T_e=0.02)[0, 0]
    assert static.real < 0 and abs(static.imag) < 1e-15
    eig = mode_eigenfrequencies(model, mu_L=0.0, mu_R=0.0, T_e=0.02)
    z = eig.frequencies[0]
    assert not eig.stable and eig.unstable_mode == 0
    assert z.real == 0 and z.imag == pytest.approx(np.sqrt(-static.real), rel=1e-10)


# ------------------------------------------------------------------ spectral function

def test_undressed_spectral_function_is_the_diagonal_route():
    model = curl_model()
    w = np.linspace(0.01, 0.3, 31)
    a = symehp.mode_spectral_function(model, w, **POINT)
    diag = w[:, None] * mode_spectral_diagonal(model.numeric(), w)
    assert np.allclose(np.diagonal(a, axis1=-2, axis2=-1).real, diag, rtol=1e-14, atol=0)
    assert np.all(a[:, 0, 1] == 0) and np.all(a.imag == 0)
    assert np.all(symehp.mode_spectral_function(model, w, **POINT, part="LR") == 0)


def test_dressed_spectral_function_shares_psd_and_sum_rule():
    model = curl_model()
    w = np.linspace(0.005, 0.4, 60)
    total = symehp.mode_spectral_function(model, w, **POINT, dressed=True)
    ph = symehp.mode_spectral_function(model, w, **POINT, dressed=True, part="ph")
    shares = ph + sum(symehp.mode_spectral_function(model, w, **POINT, dressed=True, part=c)
                      for c in (1, 2, 3, 4))
    scale = np.max(np.abs(total))
    assert np.max(np.abs(shares - total)) < 1e-11 * scale
    assert np.max(np.abs(ph - np.conj(np.swapaxes(ph, -1, -2)))) < 1e-13 * scale
    assert np.min(np.linalg.eigvalsh(ph)) > -1e-13 * scale
    # i(D^r - D^a) = D^r Lambda_t D^a (the closed forms' i(Pi^r - Pi^a) = Lambda)
    num = model.numeric()
    d_r, _, _, _ = node_matrices(num, _expansion(num), w, *(np.full(w.size, x) for x in
                                                               (0.4, -0.4, 0.05, 0.05, 0.0)))
    direct = 1j * (d_r - np.conj(np.swapaxes(d_r, -1, -2)))
    assert np.max(np.abs(direct - total)) < 1e-10 * scale


def test_dressed_spectral_function_sum_rule():
    # int_-inf^inf dw/2pi w A(w) = 1 (mass-weighted modes, [u_k, p_l] = i delta_kl):
    # 2 int_0^inf dw/2pi w Re A(w), the tail beyond W ~ 2 gamma_k / (pi W)
    model = fig2(0.1, 0.05)
    eig = mode_eigenfrequencies(model, **POINT)
    z = eig.frequencies[0]

    def f(w):
        return float(np.real(symehp.mode_spectral_function(model, w, **POINT,
                                                           dressed=True)[0, 0])) * w / np.pi

    top = 200.0
    pts = [z.real + c * abs(z.imag) for c in (-9, -3, -1, 0, 1, 3, 9)]
    value = sum(quad(f, a, b, epsabs=1e-13, epsrel=1e-11, limit=200)[0]
                for a, b in zip([0.0] + pts + [3.0], pts + [3.0, top]))
    value += 2 * 0.05 / (np.pi * top)
    assert value == pytest.approx(1.0, abs=1e-6)


# ------------------------------------------------------------------ dressed currents

def _rel_difference(m, point):
    model = fig2(m)
    und = symehp.transport(model, **point, T_ph=0.05)
    dr = symehp.transport(model, **point, T_ph=0.05, dressed=True)
    return abs(dr.J - und.J) / abs(und.J), abs(dr.I - und.I) / abs(und.I)


@pytest.mark.parametrize("point", [POINT, dict(mu_L=0.6, mu_R=-0.6, T_L=0.1, T_R=0.02)])
def test_dressed_reduces_to_eq8_as_m_squared(point):
    diffs = np.array([_rel_difference(m, point) for m in (0.04, 0.02, 0.01)])
    ratios = diffs[:-1] / diffs[1:]
    print("relative differences J, I:", diffs.tolist(), "ratios:", ratios.tolist())
    # m^2: ratio 4 per halving (m^1 would give 2, m^4 16)
    assert np.all((ratios > 3.5) & (ratios < 4.6))
    assert np.all(diffs[-1] < 0.02)


def test_energy_balance_total_is_heat_into_the_phonon_bath():
    # sum_ab J_ab (Meir-Wingreen form) = int dw/2pi w Tr[(Pi^<_e - n_ph Lambda_e) D^a Gamma_ph D^r]
    model = curl_model()
    num = model.numeric()
    exp = _expansion(num)
    point = dict(mu_L=0.05, mu_R=-0.05, T_e=0.02)
    res = dressed_transport(model, **point, T_ph=0.01)
    gamma = np.asarray(num.gamma_ph)

    def into_bath(w):
        d_r, spectra, _, _ = node_matrices(num, exp, np.array([w]),
                                           *(np.array([x]) for x in (0.05, -0.05, 0.02, 0.02,
                                                                     0.01)))
        pi_e = sum(s[1] for s in spectra.values())[0]
        lam_e = sum(s[0] for s in spectra.values())[0]
        n_ph = 1 / np.expm1(w / 0.01) if w > 0 else 0.0
        g = np.diag(2 * w * gamma)
        a_bath = np.conj(d_r[0].T) @ g @ d_r[0]
        return float(np.real(np.trace((pi_e - n_ph * lam_e) @ a_bath))) * w / (2 * np.pi)

    eig = mode_eigenfrequencies(model, **point)
    pts = sorted(z.real + c * abs(z.imag) for z in eig.frequencies for c in (-3, 0, 3))
    edges = [0.0] + pts + [0.2, 0.7, 2.0]
    total = sum(quad(into_bath, a, b, epsabs=1e-16, epsrel=1e-10, limit=200)[0]
                for a, b in zip(edges[:-1], edges[1:]))
    assert res.J == pytest.approx(total, rel=1e-7)
    assert res.error_J < 1e-8 * abs(res.J)
    # per channel the two forms differ (mode-mediated exchange between the channels)
    assert res.J_by_channel["total"] == res.J


def test_dressed_shortcuts_and_sweep_agree_with_transport():
    model = fig2()
    V = np.array([0.3, 0.8])
    res = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05, dressed=True)
    assert res.J.shape == (2,) and np.all(np.isfinite(res.J))
    j = symehp.energy_current(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05, dressed=True)
    i = symehp.particle_current(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05,
                                dressed=True)
    assert np.array_equal(j, res.J) and np.array_equal(i, res.I)
    ds = symehp.sweep(model, V=V, T_e=0.05, T_ph=0.05, dressed=True, progress=False)
    assert np.allclose(ds.J.values, res.J, rtol=1e-12, atol=0)
    assert np.allclose(ds.I.values, res.I, rtol=1e-12, atol=0)
    assert ds.attrs["dressed"] == 1
    st = symehp.mode_steady_state(model, mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05)
    assert ds.n.values[1, 0] == pytest.approx(st.occupation[0], rel=1e-12)


def test_unstable_points_are_nan():
    model = two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.01)
    with pytest.warns(RuntimeWarning, match="growing dressed mode"):
        res = symehp.transport(model, mu_L=np.array([0.2, 0.8]), mu_R=np.array([-0.2, -0.8]),
                               T_e=0.05, T_ph=0.05, dressed=True)
    assert np.isfinite(res.J[0]) and np.isnan(res.J[1]) and np.isnan(res.I[1])


# ------------------------------------------------------------------ bad input

def test_bad_input():
    model = fig2()
    with pytest.raises(ParameterError, match="dressed must be True or False"):
        symehp.transport(model, **POINT, T_ph=0.05, dressed="yes")
    with pytest.raises(ParameterError, match="dressed must be True or False"):
        symehp.energy_current(model, **POINT, T_ph=0.05, dressed=1)
    with pytest.raises(ParameterError, match="double precision only"):
        symehp.transport(model, **POINT, T_ph=0.05, dressed=True, dps=20)
    with pytest.raises(ParameterError, match="double precision only"):
        symehp.transport(model, **POINT, T_ph=0.05, dressed=True, dps=20, certify=True)
    with pytest.raises(ParameterError, match="numeric model"):
        symehp.transport(two_level(), **POINT, T_ph=0.05, dressed=True)
    chain = symehp.Junction(H=[[0.0]], lead_L=leads.chain(1.0, 0.0, coupling=[0.3]),
                            lead_R=leads.wide_band([[0.2]]), M=[[[0.1]]], omega=[1.0],
                            gamma_ph=[0.05])
    with pytest.raises(ParameterError, match="wide-band leads"):
        symehp.transport(chain, **POINT, T_ph=0.05, dressed=True)
    with pytest.raises(ParameterError, match="part must be"):
        symehp.mode_spectral_function(model, 1.0, **POINT, part="XY")
    with pytest.raises(ParameterError, match="part must be"):
        symehp.mode_spectral_function(model, 1.0, **POINT, part=7, dressed=True)
    with pytest.raises(ParameterError, match="dressed must be True or False"):
        symehp.mode_spectral_function(model, 1.0, **POINT, dressed=None)
    with pytest.raises(ParameterError, match="single number"):
        symehp.mode_eigenfrequencies(model, mu_L=[0.1, 0.2], mu_R=0.0, T_e=0.05)
    with pytest.raises(ParameterError, match="single number"):
        symehp.mode_eigenfrequencies(model, mu_L=0.1, mu_R=0.0, T_L=[0.05, 0.1], T_R=0.05)
    with pytest.raises(ModelError):
        dynamical_matrix("not a model", 1.0, **POINT)
    with pytest.raises(ParameterError, match="dressed must be True or False"):
        symehp.sweep(model, V=[0.1], T_e=0.05, T_ph=0.05, dressed="no")


def test_node_blocks_bound_the_memory_and_leave_the_result_unchanged(monkeypatch):
    # the (nodes, K, K) temporaries of one integrand call stay within NODE_BUDGET: a tiny
    # budget splits every round into blocks, with the same currents
    import symehp.numeric.dressed as dressed
    model = symehp.models.two_level_two_modes()
    kw = dict(mu_L=0.025, mu_R=-0.025, T_e=0.01, T_ph=0.01)
    whole = symehp.transport(model, dressed=True, **kw)
    seen = []
    original = dressed.node_matrices

    def recording(numeric, expansion, w, *args):
        seen.append(np.size(w))
        return original(numeric, expansion, w, *args)

    monkeypatch.setattr(dressed, "node_matrices", recording)
    monkeypatch.setattr(dressed, "NODE_BUDGET", 8 * 4 * 16 * dressed._NODE_ARRAYS)   # 8 nodes
    symehp.numeric.currents._RECENT.clear()
    split = symehp.transport(model, dressed=True, **kw)
    assert seen and max(seen) <= 8 < sum(seen)
    np.testing.assert_allclose(split.J, whole.J, rtol=1e-12, atol=0)
    np.testing.assert_allclose(split.I, whole.I, rtol=1e-12, atol=0)
    assert dressed.node_block(50, 27) * 27 * 50 ** 2 * 16 * dressed._NODE_ARRAYS <= 2 ** 26
