"""symehp.transmission: tr[Gamma_L G^r Gamma_R G^a] with wide-band and energy-dependent leads.

* one site between two chains: a perfect infinite chain, T = 1 in the band, 0 outside;
* a wide-band level: the Breit-Wigner form; several levels: explicit matrix inverses;
* a user self-energy equal to -i Gamma/2 is the wide-band lead;
* follow_bias moves the band; broadcasting, scalar in -> float out, bad input.
"""

import numpy as np
import pytest

import symehp
from symehp import ModelError, ParameterError, leads


def _site(eps=0.0, *, t=1.0, v_l=1.0, v_r=1.0, **kw):
    return symehp.Junction([[eps]], lead_L=leads.chain(t, coupling=[v_l], **kw),
                           lead_R=leads.chain(t, coupling=[v_r], **kw), M=[[0.1]],
                           omega=1.0, gamma_ph=0.05)


def test_one_site_between_two_chains_is_a_perfect_chain():
    model = _site()
    inside = np.linspace(-1.999, 1.999, 801)
    # T = 1 exactly in exact arithmetic; a 1 x 1 solve and a few products: 1e-13
    np.testing.assert_allclose(symehp.transmission(model, inside), 1.0, rtol=1e-13)
    outside = np.concatenate([np.linspace(2.0, 10.0, 50), -np.linspace(2.0, 10.0, 50)])
    assert np.all(symehp.transmission(model, outside) == 0.0)       # Gamma = 0 exactly there
    # weaker bonds to the site: one level between two identical leads, 1 x 1 algebra,
    # T = Gamma^2 / |E - 2 Sigma|^2 with Sigma = v^2 g_s and Gamma = -2 Im Sigma
    weak = _site(v_l=0.4, v_r=0.4)
    g = leads.chain(1.0, coupling=[1.0]).surface_green(inside)
    sigma = 0.16 * g
    expected = (2 * sigma.imag) ** 2 / np.abs(inside - 2 * sigma) ** 2
    np.testing.assert_allclose(symehp.transmission(weak, inside), expected, rtol=1e-12)


def test_breit_wigner_for_a_wide_band_level():
    eps, g_l, g_r = 0.3, 0.2, 0.05
    model = symehp.Junction([[eps]], [[g_l]], [[g_r]], [[0.1]], 1.0, 0.05)
    E = np.linspace(-3, 3, 301)
    bw = g_l * g_r / ((E - eps) ** 2 + (g_l + g_r) ** 2 / 4)
    # one complex division and a few products: 1e-14 relative
    np.testing.assert_allclose(symehp.transmission(model, E), bw, rtol=1e-14)
    # the same through leads.wide_band
    by_lead = symehp.Junction([[eps]], lead_L=leads.wide_band([[g_l]]),
                              lead_R=leads.wide_band([[g_r]]), M=[[0.1]], omega=1.0,
                              gamma_ph=0.05)
    np.testing.assert_array_equal(symehp.transmission(by_lead, E), symehp.transmission(model, E))


def test_several_levels_against_explicit_inverses():
    H = np.array([[0.4, 0.15, 0.05j], [0.15, -0.3, 0.1], [-0.05j, 0.1, 0.1]])
    v = np.array([0.5, 0.2j, 0.0])
    chain_l = leads.chain(1.2, onsite=0.1, coupling=v)
    g_r = np.diag([0.0, 0.05, 0.25])
    model = symehp.Junction(H, lead_L=chain_l, gamma_R=g_r, M=np.eye(3), omega=1.0,
                            gamma_ph=0.05)
    E = np.linspace(-3, 3, 61)
    expected = []
    for e in E:
        sigma = chain_l.sigma(e) - 0.5j * g_r
        G = np.linalg.inv(e * np.eye(3) - H - sigma)
        expected.append(np.trace(chain_l.gamma(e) @ G @ g_r @ G.conj().T).real)
    # two routes of a 3 x 3 problem (solve + reduced basis vs inverse): 1e-12 of max T
    t = symehp.transmission(model, E)
    np.testing.assert_allclose(t, expected, rtol=1e-11, atol=1e-12 * max(expected))
    assert np.all(t >= 0)
    # a user function with the same Sigma_L is the chain
    user = leads.self_energy(lambda e: chain_l.sigma(e), band_edges=chain_l.band_edges)
    same = symehp.Junction(H, lead_L=user, gamma_R=g_r, M=np.eye(3), omega=1.0, gamma_ph=0.05)
    np.testing.assert_allclose(symehp.transmission(same, E), t, rtol=1e-12, atol=1e-15)


def test_constant_user_self_energy_is_the_wide_band_lead():
    gl, gr = np.array([[0.2, 0.05], [0.05, 0.1]]), np.diag([0.0, 0.3])
    H = [[0.5, 0.1], [0.1, -0.5]]
    wide = symehp.Junction(H, gl, gr, [[0, 0.1], [0.1, 0]], 1.0, 0.05)
    user = symehp.Junction(H, lead_L=leads.self_energy(
        lambda e: np.broadcast_to(-0.5j * gl, (len(e), 2, 2))), gamma_R=gr,
        M=[[0, 0.1], [0.1, 0]], omega=1.0, gamma_ph=0.05)
    E = np.linspace(-2, 2, 41)
    # the same matrices, another basis of Gamma_L (eigenvectors vs identity): 1e-13
    np.testing.assert_allclose(symehp.transmission(user, E), symehp.transmission(wide, E),
                               rtol=1e-13)


def test_follow_bias_moves_the_band():
    fixed = _site()
    moving = _site(follow_bias=True)
    E = np.array([2.2, 2.4, 1.0])
    assert np.all(symehp.transmission(fixed, E, mu_L=0.5, mu_R=0.5)[:2] == 0.0)
    moved = symehp.transmission(moving, E, mu_L=0.5, mu_R=0.5)
    assert np.all(moved[:2] > 0) and moved[2] > 0
    # mu only matters with follow_bias
    np.testing.assert_array_equal(symehp.transmission(fixed, E, mu_L=0.5, mu_R=-0.5),
                                  symehp.transmission(fixed, E))


def test_shapes_and_scalars():
    model = _site()
    t = symehp.transmission(model, 0.5)
    assert isinstance(t, float)
    assert symehp.transmission(model, [[0.1, 0.2, 0.3]], mu_L=[[0.0], [0.1]]).shape == (2, 3)
    assert symehp.transmission(model, np.zeros((0,))).shape == (0,)


@pytest.mark.parametrize("kw, error, match", [
    (dict(E=np.nan), ParameterError, "E must be finite"),
    (dict(E=0.1 + 1j), ParameterError, "E must be real"),
    (dict(E=[0.1, 0.2], mu_L=[0.0, 0.1, 0.2]), ParameterError, "cannot be broadcast"),
    (dict(E="0.1"), ParameterError, "a string"),
])
def test_bad_input(kw, error, match):
    with pytest.raises(error, match=match):
        symehp.transmission(_site(), **kw)
    with pytest.raises(ModelError, match="must be a symehp.Junction"):
        symehp.transmission("model", 0.1)
