"""mode_steady_state (issue 11): K coupled modes in steady state, dressed and undressed."""

import numpy as np
import pytest

import symehp
from symehp.applications.heating import instability_bias
from symehp.errors import ParameterError
from symehp.models import two_level, two_level_two_modes
from symehp.numeric.mode_dynamics import mode_eigenfrequencies


def fig2(m=0.1, gamma_ph=0.05):
    return two_level(0.5, -0.5, 0.2, 0.2, m, 1.0, gamma_ph)


def curl_model():
    return two_level_two_modes(eps1=0.15, eps2=-0.1, m=0.03, omega=(0.105, 0.095),
                               gamma_ph=(0.004, 0.003), hopping=0.05)


@pytest.mark.parametrize("point", [dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05),
                                   dict(mu_L=0.0, mu_R=-1.1, T_L=0.1, T_R=0.02, T_ph=0.2),
                                   dict(mu_L=0.0, mu_R=0.0, T_e=0.0, T_ph=0.0)])
def test_undressed_single_mode_is_mode_occupation(point):
    model = fig2()
    st = symehp.mode_steady_state(model, **point, dressed=False)
    occ = symehp.mode_occupation(model, **point)
    assert st.stable and not st.dressed
    assert st.occupation[0] == pytest.approx(occ.n, rel=1e-12, abs=1e-300)
    assert st.covariance[0, 0] == pytest.approx((occ.n + 0.5) / 1.0, rel=1e-12)
    assert st.covariance[1, 1] == pytest.approx((occ.n + 0.5) * 1.0, rel=1e-12)
    assert st.covariance[0, 1] == 0 and st.energy[0] == pytest.approx(occ.n, rel=1e-12)
    assert st.eigenfrequencies[0].imag == pytest.approx(-occ.damping / 4, rel=1e-12)
    heat = sum(st.heating_by_channel[c][0] for c in ("LL", "RR", "RL", "LR"))
    # steady state of the rate equation: what the electrons put in, the bath takes out
    gamma_ph = 2 * 1.0 * 0.05
    n_ph = occ.emission_by_channel["ph"] / gamma_ph
    assert heat == pytest.approx(gamma_ph * (occ.n - n_ph) / 2, rel=1e-9, abs=1e-15)


def test_undressed_k_modes_are_the_single_mode_occupations():
    model = curl_model()
    point = dict(mu_L=0.05, mu_R=-0.05, T_e=0.02, T_ph=0.01)
    st = symehp.mode_steady_state(model, **point, dressed=False)
    for k in range(2):
        assert st.occupation[k] == pytest.approx(
            symehp.mode_occupation(model, k, **point).n, rel=1e-12)
    assert st.covariance.shape == (4, 4)


def _bose(w, T):
    return 1 / np.expm1(w / T)


def test_equilibrium_is_bose_at_the_dressed_frequency_and_fdt():
    model = curl_model()
    T = 0.03
    st = symehp.mode_steady_state(model, mu_L=0.0, mu_R=0.0, T_e=T, T_ph=T)
    z = st.eigenfrequencies
    assert st.stable and np.allclose(st.sum_rule, 1.0, atol=1e-7)
    # narrow line: the Bose function at Re z, to O(|Im z| / Re z)
    width = np.max(np.abs(z.imag) / z.real)
    assert np.allclose(st.occupation, _bose(z.real, T), rtol=3 * width, atol=0)

    # an independent quadrature: Gauss-Legendre (48 nodes) on a mesh graded towards the
    # dressed lines, with A from mode_spectral_function at all nodes in one call
    pts = sorted({x.real + c * abs(x.imag) for x in z for c in (-81, -27, -9, -3, -1, 0, 1, 3,
                                                                  9, 27, 81)})
    edges = np.unique(np.concatenate([[0.0], pts, np.geomspace(0.2, st.cutoff, 12)]))
    edges = edges[(edges >= 0) & (edges <= st.cutoff)]
    edges = np.unique(np.concatenate([np.linspace(a, b, 5) for a, b in zip(edges[:-1],
                                                                            edges[1:])]))
    x, wt = np.polynomial.legendre.leggauss(48)
    half, mid = np.diff(edges) / 2, (edges[1:] + edges[:-1]) / 2
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * wt[None, :]).ravel()
    spec = symehp.mode_spectral_function(model, nodes, mu_L=0.0, mu_R=0.0, T_e=T,
                                         dressed=True).real

    def integral(values):
        return float(np.sum(weights * values))

    for k in range(2):
        # n_k = int dw/pi w n_B(w) A_kk (equilibrium: N = n_B A)
        n_k = integral(nodes * _bose(nodes, T) * spec[:, k, k] / np.pi)
        assert st.occupation[k] == pytest.approx(n_k, rel=1e-7)
    # fluctuation-dissipation: <{u_m, u_n}>/2 = int_0^inf dw/2pi coth(w/2T) Re A_mn(w)
    for m, n in ((0, 0), (1, 1), (0, 1)):
        uu = integral(spec[:, m, n] / np.tanh(nodes / (2 * T)) / (2 * np.pi))
        if m == n:
            uu += model.numeric().gamma_ph[m] / (2 * np.pi * st.cutoff ** 2)
        assert st.covariance[m, n] == pytest.approx(uu, rel=1e-7, abs=1e-9 * st.covariance[0, 0])
    # symmetric position and momentum blocks, antisymmetric u-p block, positive definite
    cov = st.covariance
    assert np.allclose(cov[:2, 2:], -cov[:2, 2:].T, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_heating_adds_up_to_the_dressed_transport():
    model = curl_model()
    point = dict(mu_L=0.05, mu_R=-0.05, T_e=0.02, T_ph=0.01)
    st = symehp.mode_steady_state(model, **point)
    res = symehp.transport(model, **point, dressed=True)
    for c in ("LL", "RR", "RL", "LR", "total"):
        assert np.sum(st.heating_by_channel[c]) == pytest.approx(
            res.J_by_channel[c], rel=1e-8, abs=1e-10 * abs(res.J))
    assert st.error_covariance < 1e-8


def test_undressed_stability_flips_where_the_damping_changes_sign():
    model = fig2(0.1, 0.01)
    crit = instability_bias(model, T_e=0.05, T_ph=0.05, V_max=2.0)
    below = symehp.mode_steady_state(model, mu_L=(crit - 1e-6) / 2, mu_R=-(crit - 1e-6) / 2,
                                     T_e=0.05, T_ph=0.05, dressed=False)
    above = symehp.mode_steady_state(model, mu_L=(crit + 1e-6) / 2, mu_R=-(crit + 1e-6) / 2,
                                     T_e=0.05, T_ph=0.05, dressed=False)
    assert below.stable and not above.stable
    assert above.occupation is None and above.covariance is None and above.energy is None
    assert above.heating_by_channel is None and np.allclose(above.growing_mode, [1.0])


def _dressed_flip(model):
    """The bias where the dressed mode's growth rate changes sign (bisection)."""
    def growth(V):
        return mode_eigenfrequencies(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05).growth_rate
    a, b = 0.8, 1.5
    assert growth(a) < 0 < growth(b)
    for _ in range(40):
        c = 0.5 * (a + b)
        a, b = (c, b) if growth(c) < 0 else (a, c)
    return 0.5 * (a + b)


def test_dressed_stability_flips_where_the_damping_changes_sign():
    # gamma_ph scaled with m^2: the lowest-order threshold is the same for every m; the
    # dressed one (damping at Re z, not at Omega) approaches it as m^2
    offsets = []
    for m in (0.1, 0.05, 0.025):
        model = fig2(m, 0.01 * (m / 0.1) ** 2)
        crit = instability_bias(model, T_e=0.05, T_ph=0.05, V_max=2.0)
        flip = _dressed_flip(model)
        st = symehp.mode_steady_state(model, mu_L=(flip + 1e-4) / 2, mu_R=-(flip + 1e-4) / 2,
                                      T_e=0.05, T_ph=0.05)
        assert not st.stable and st.occupation is None
        assert np.allclose(np.abs(st.growing_mode), [1.0])
        st = symehp.mode_steady_state(model, mu_L=(flip - 1e-4) / 2, mu_R=-(flip - 1e-4) / 2,
                                      T_e=0.05, T_ph=0.05)
        assert st.stable and np.all(st.occupation > 0)
        # at the flip the total damping at the dressed frequency vanishes
        x = mode_eigenfrequencies(model, mu_L=flip / 2, mu_R=-flip / 2,
                                  T_e=0.05).frequencies[0].real
        lam = sum(symehp.ehp_dos(model, c, x, mu_L=flip / 2, mu_R=-flip / 2, T_e=0.05)[0, 0].real
                  for c in (1, 2, 3, 4)) + 2 * x * model.numeric().gamma_ph[0]
        assert abs(lam) < 1e-9 * m ** 2
        offsets.append(abs(flip - crit))
    ratios = np.array(offsets[:-1]) / np.array(offsets[1:])
    print("flip offsets", offsets, "ratios", ratios)
    assert np.all((ratios > 3.3) & (ratios < 4.7))


def test_two_coupled_modes_run_away_with_an_eigenvector():
    model = two_level_two_modes()
    st = symehp.mode_steady_state(model, mu_L=0.2, mu_R=-0.2, T_e=0.01, T_ph=0.01)
    eig = mode_eigenfrequencies(model, mu_L=0.2, mu_R=-0.2, T_e=0.01)
    assert not st.stable and not eig.stable
    assert np.allclose(st.growing_mode, eig.vectors[:, eig.unstable_mode])
    assert st.occupation is None and st.covariance is None


def test_bad_input():
    model = fig2()
    with pytest.raises(ParameterError, match="single number"):
        symehp.mode_steady_state(model, mu_L=[0.1, 0.2], mu_R=0.0, T_e=0.05, T_ph=0.05)
    with pytest.raises(ParameterError, match="single number"):
        symehp.mode_steady_state(model, mu_L=0.1, mu_R=0.0, T_e=0.05, T_ph=[0.05, 0.1])
    with pytest.raises(ParameterError, match="dressed must be True or False"):
        symehp.mode_steady_state(model, mu_L=0.1, mu_R=0.0, T_e=0.05, T_ph=0.05, dressed="y")
    with pytest.raises(ParameterError, match="cutoff"):
        symehp.mode_steady_state(model, mu_L=0.1, mu_R=0.0, T_e=0.05, T_ph=0.05, cutoff=0.5)
    with pytest.raises(ParameterError, match="numeric model"):
        symehp.mode_steady_state(two_level(), mu_L=0.1, mu_R=0.0, T_e=0.05, T_ph=0.05)


@pytest.mark.parametrize("point", [dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05),
                                   dict(mu_L=0.0, mu_R=0.0, T_e=0.1, T_ph=0.3)])
def test_dressed_occupation_tends_to_mode_occupation_for_a_narrow_line(point):
    # couplings m = 0.1 s and gamma_ph = 0.05 s^2: every damping (and the linewidth) scales
    # as s^2 at a fixed lowest-order occupation; the dressed n_k (the line's spectral
    # weight, off-resonant tails included) approaches it as the linewidth, s^2
    diffs = []
    for s in (0.5, 0.25, 0.125):
        model = fig2(0.1 * s, 0.05 * s * s)
        st = symehp.mode_steady_state(model, **point)
        n0 = symehp.mode_occupation(model, **point).n
        assert st.sum_rule[0] == pytest.approx(1.0, abs=1e-6)
        diffs.append(abs(st.occupation[0] - n0) / n0)
    ratios = np.array(diffs[:-1]) / np.array(diffs[1:])
    print("relative differences", diffs, "ratios", ratios)
    assert np.all((ratios > 3.5) & (ratios < 4.5)) and diffs[-1] < 0.02
