"""symehp.interop.sisl: Junctions from sisl Hamiltonians and sisl electrode self-energies.

* a chain built with sisl (a device sisl.Hamiltonian and chain electrodes as
  sisl.RecursiveSI) has the Sigma (inside and outside the band, at the onsite
  energy where sisl's decimation is ill-conditioned, near the band edges), the
  transmission, the EHP DOS and the currents J, I of the same model with
  ``leads.chain`` (the exact closed form) to 1e-10;
* embedding through buffer cells (the electrode's cell inside the device, as in
  TBtrans) equals a chain lead with any device coupling;
* independent routes: the real-axis equation ``Sigma = V [E - H0 - Sigma]^-1 V^+``
  holds to rounding; sisl's own value at ``E + i eta`` differs by ``O(eta)``;
  a perfect crystal (the device one electrode cell) transmits one channel per
  band, exactly; sisl's broadening convention ``i (S - S^+)`` is symehp's;
* spin: unpolarized (spin_degeneracy 2), polarized (one Junction per spin),
  non-collinear spinors equal to twice the spinless model;
* sisl.WideBandSE becomes the exact wide band; clear errors for bad input.
"""

import sys

import numpy as np
import pytest

import symehp
from symehp import leads
from symehp.errors import ModelError, ParameterError

sisl = pytest.importorskip("sisl")
from symehp.interop import sisl as ssl  # noqa: E402

T_CHAIN, E0 = 1.3, 0.2          # electrode hopping and onsite (band [-2.4, 2.8])


def electrode_hamiltonian(t=T_CHAIN, e0=E0, spin=None):
    """A 1-d chain electrode: one orbital per cell, hopping t along A."""
    geom = sisl.Geometry([[0, 0, 0]], atoms=sisl.Atom(1, R=1.1),
                         lattice=sisl.Lattice([1, 10, 10], nsc=[3, 1, 1]))
    if spin is None:
        H = sisl.Hamiltonian(geom)
        H[0, 0] = e0
        H[0, 0, (1, 0, 0)] = t
        H[0, 0, (-1, 0, 0)] = t
        return H
    H = sisl.Hamiltonian(geom, spin=sisl.Spin(spin))
    if spin == "polarized":
        H[0, 0] = [e0, e0 + 0.1]
        H[0, 0, (1, 0, 0)] = [t, 0.8 * t]
        H[0, 0, (-1, 0, 0)] = [t, 0.8 * t]
    else:                                                     # non-collinear, no spin terms
        H[0, 0] = [e0, e0, 0.0, 0.0]
        H[0, 0, (1, 0, 0)] = [t, t, 0.0, 0.0]
        H[0, 0, (-1, 0, 0)] = [t, t, 0.0, 0.0]
    return H


def device(onsite, hops, spin=None):
    """A molecule of len(onsite) sites in a line (no periodicity)."""
    n = len(onsite)
    geom = sisl.Geometry([[i, 0, 0] for i in range(n)], atoms=sisl.Atom(1, R=1.1),
                         lattice=sisl.Lattice([20, 20, 20], nsc=[1, 1, 1]))
    H = sisl.Hamiltonian(geom) if spin is None else sisl.Hamiltonian(geom,
                                                                   spin=sisl.Spin(spin))
    for i, e in enumerate(onsite):
        H[i, i] = e if spin is None else ([e, e + 0.05] if spin == "polarized" else [e, e, 0, 0])
    for i, h in enumerate(hops):
        val = h if spin is None else ([h, h] if spin == "polarized" else [h, h, 0, 0])
        H[i, i + 1] = val
        H[i + 1, i] = val
    return H


H_DEV = device([0.3, -0.2], [0.4])
M = np.array([[0.0, 0.1], [0.1, 0.05]])
OMEGA, GAMMA_PH = 0.3, 0.05


@pytest.fixture(scope="module")
def models():
    se_L = sisl.RecursiveSI(electrode_hamiltonian(), "-A")
    se_R = sisl.RecursiveSI(electrode_hamiltonian(), "+A")
    via_sisl = ssl.junction(H_DEV, (se_L, [0]), (se_R, [1]), M=M, omega=OMEGA,
                            gamma_ph=GAMMA_PH, spin_degeneracy=1)
    reference = symehp.Junction(
        [[0.3, 0.4], [0.4, -0.2]], M=M, omega=OMEGA, gamma_ph=GAMMA_PH,
        lead_L=leads.chain(T_CHAIN, E0, coupling=[T_CHAIN, 0.0]),
        lead_R=leads.chain(T_CHAIN, E0, coupling=[0.0, T_CHAIN]))
    return via_sisl, reference


# energies inside and outside the band, at the onsite energy of the chain (where
# E - H0 is singular and sisl's decimation at small eta is inaccurate) and near the edges
ENERGIES = np.concatenate([np.linspace(-4.0, 5.0, 37), [E0, E0 + 1e-13, -2.4 + 1e-6,
                                                          2.8 - 1e-6, 2.8 + 1e-6, -30.0, 60.0]])


def test_sigma_equals_the_chain_closed_form(models):
    via_sisl, reference = models
    for side in "LR":
        got = getattr(via_sisl, f"lead_{side}").sigma(ENERGIES)
        want = getattr(reference, f"lead_{side}").sigma(ENERGIES)
        assert np.max(np.abs(got - want)) < 1e-10
    # outside the band Gamma is exactly zero, as for the chain
    outside = ENERGIES[(ENERGIES < -2.4 - 1e-9) | (ENERGIES > 2.8 + 1e-9)]
    assert np.all(via_sisl.lead_L.gamma(outside) == 0)
    assert via_sisl.lead_L.band_edges == pytest.approx((-2.4, 2.8), abs=1e-14)


def test_real_axis_equation_and_sisls_own_values():
    se = sisl.RecursiveSI(electrode_hamiltonian(), "-A")
    lead = ssl.electrode(se, H_DEV, [0])
    E = np.array([-2.0, -0.5, E0, 1.1, 2.5, 3.5])
    # Sigma = V [E - H0 - Sigma]^-1 V^+ holds to rounding on the real axis
    assert np.max(lead.surface_residual(E)) < 1e-14
    # sisl's own value at E + i eta differs by eta dSigma/dE (here |dSigma/dE| < 2)
    eta = 1e-5
    own = np.array([se.self_energy(complex(e, eta)) for e in E])
    assert np.max(np.abs(own - lead.electrode_sigma(E))) < 4 * eta
    # and sisl's broadening, i (S - S^+), is symehp's Gamma (to rounding)
    sig = lead.electrode_sigma(E)
    np.testing.assert_allclose(np.array([se.se2broadening(s) for s in sig]),
                               lead.reduced_gamma(E), rtol=0, atol=1e-15)


def test_transmission_equals_the_chain(models):
    via_sisl, reference = models
    t1 = symehp.transmission(via_sisl, ENERGIES)
    t2 = symehp.transmission(reference, ENERGIES)
    assert np.max(np.abs(t1 - t2)) < 1e-10
    assert np.all(t1[(ENERGIES < -2.5) | (ENERGIES > 2.9)] == 0)


def test_ehp_dos_and_currents_equal_the_chain(models):
    via_sisl, reference = models
    w = np.array([0.1, 0.3, 0.6])
    d1 = symehp.ehp_dos(via_sisl, "LR", w, mu_L=0.2, mu_R=-0.2, T_e=0.05)
    d2 = symehp.ehp_dos(reference, "LR", w, mu_L=0.2, mu_R=-0.2, T_e=0.05)
    assert np.max(np.abs(d1 - d2)) < 1e-10 * np.max(np.abs(d2))
    r1 = symehp.transport(via_sisl, mu_L=0.2, mu_R=-0.2, T_e=0.05, T_ph=0.05)
    r2 = symehp.transport(reference, mu_L=0.2, mu_R=-0.2, T_e=0.05, T_ph=0.05)
    assert float(r1.J) == pytest.approx(float(r2.J), rel=1e-10)
    assert float(r1.I) == pytest.approx(float(r2.I), rel=1e-10)


def test_buffer_cells_equal_a_chain_with_any_coupling():
    # the electrode cells inside the device (sites 0 and 3), coupled to the molecule by
    # v_L = 0.7 and v_R = 0.5: the chain lead of the molecule alone with those couplings
    H4 = device([E0, 0.3, -0.2, E0], [0.7, 0.4, 0.5])
    se_L = sisl.RecursiveSI(electrode_hamiltonian(), "-A")
    se_R = sisl.RecursiveSI(electrode_hamiltonian(), "+A")
    big = ssl.junction(H4, (se_L, [0]), (se_R, [3]), M=np.zeros((4, 4)), omega=1.0,
                       gamma_ph=0.1, spin_degeneracy=1)
    small = symehp.Junction([[0.3, 0.4], [0.4, -0.2]], M=np.zeros((2, 2)), omega=1.0,
                            gamma_ph=0.1, lead_L=leads.chain(T_CHAIN, E0, coupling=[0.7, 0]),
                            lead_R=leads.chain(T_CHAIN, E0, coupling=[0, 0.5]))
    E = np.linspace(-3.0, 3.5, 27)
    assert np.max(np.abs(symehp.transmission(big, E) - symehp.transmission(small, E))) < 1e-10


def test_perfect_crystal_transmits_one_channel_per_band():
    # a two-orbital cell (SSH: intra 0.8, inter 0.5, a nilpotent cell coupling):
    # bands +-[0.3, 1.3]; the device one cell of it: T = number of bands at E, exactly
    geom = sisl.Geometry([[0, 0, 0], [0.5, 0, 0]], atoms=sisl.Atom(1, R=0.6),
                         lattice=sisl.Lattice([1, 10, 10], nsc=[3, 1, 1]))
    He = sisl.Hamiltonian(geom)
    He[0, 1] = He[1, 0] = 0.8
    He[1, 0, (1, 0, 0)] = 0.5
    He[0, 1, (-1, 0, 0)] = 0.5
    bands = ssl.bulk_bands(sisl.RecursiveSI(He, "-A"))
    np.testing.assert_allclose(bands.ranges, [[-1.3, -0.3], [0.3, 1.3]], atol=1e-13)
    Hd = sisl.Hamiltonian(sisl.Geometry([[0, 0, 0], [0.5, 0, 0]], atoms=sisl.Atom(1, R=0.6),
                                        lattice=sisl.Lattice([20, 20, 20])))
    Hd[0, 1] = Hd[1, 0] = 0.8
    jn = ssl.junction(Hd, (sisl.RecursiveSI(He, "-A"), [0, 1]),
                      (sisl.RecursiveSI(He, "+A"), [0, 1]), M=np.zeros((2, 2)), omega=1.0,
                      gamma_ph=0.1)
    E = np.array([-1.2, -0.9, -0.4, -0.1, 0.0, 0.2, 0.35, 0.7, 1.25, 1.5])
    expected = ((np.abs(E) > 0.3) & (np.abs(E) < 1.3)).astype(float)
    assert np.max(np.abs(symehp.transmission(jn, E) - expected)) < 1e-10
    assert jn.spin_degeneracy == 2                    # unpolarized: both spins


def test_polarized_spin_is_one_junction_per_spin():
    He = electrode_hamiltonian(spin="polarized")
    Hd = device([0.3, -0.2], [0.4], spin="polarized")
    with pytest.raises(ParameterError, match="spin=0"):
        ssl.junction(Hd, (sisl.RecursiveSI(He, "-A"), [0]), (sisl.RecursiveSI(He, "+A"), [1]),
                     M=M, omega=OMEGA, gamma_ph=GAMMA_PH)
    E = np.linspace(-2.0, 2.0, 9)
    for spin, (e0, t, shift) in ((0, (E0, T_CHAIN, 0.0)), ("down", (E0 + 0.1, 0.8 * T_CHAIN,
                                                                   0.05))):
        jn = ssl.junction(Hd, (sisl.RecursiveSI(He, "-A"), [0]),
                          (sisl.RecursiveSI(He, "+A"), [1]), M=M, omega=OMEGA,
                          gamma_ph=GAMMA_PH, spin=spin)
        assert jn.spin_degeneracy == 1
        ref = symehp.Junction([[0.3 + shift, 0.4], [0.4, -0.2 + shift]], M=M, omega=OMEGA,
                              gamma_ph=GAMMA_PH, lead_L=leads.chain(t, e0, coupling=[t, 0]),
                              lead_R=leads.chain(t, e0, coupling=[0, t]))
        assert np.max(np.abs(symehp.transmission(jn, E) - symehp.transmission(ref, E))) < 1e-10
    with pytest.raises(ModelError, match="spin_degeneracy=2"):
        ssl.junction(Hd, (sisl.RecursiveSI(He, "-A"), [0]), (sisl.RecursiveSI(He, "+A"), [1]),
                     M=M, omega=OMEGA, gamma_ph=GAMMA_PH, spin=0, spin_degeneracy=2)


def test_noncollinear_spinors_are_twice_the_spinless_model(models):
    _, reference = models
    He = electrode_hamiltonian(spin="non-colinear")
    Hd = device([0.3, -0.2], [0.4], spin="non-colinear")
    jn = ssl.junction(Hd, (sisl.RecursiveSI(He, "-A"), [0]), (sisl.RecursiveSI(He, "+A"), [1]),
                      M=M, omega=OMEGA, gamma_ph=GAMMA_PH)        # M per orbital -> M (x) 1
    assert jn.N == 4 and jn.spin_degeneracy == 1
    E = np.linspace(-2.0, 2.5, 10)
    assert np.max(np.abs(symehp.transmission(jn, E) - 2 * symehp.transmission(reference, E))) \
        < 1e-10
    w = np.array([0.3])
    d_nc = symehp.ehp_dos(jn, "LL", w, mu_L=0.1, mu_R=-0.1, T_e=0.05)
    d_ref = symehp.ehp_dos(reference, "LL", w, mu_L=0.1, mu_R=-0.1, T_e=0.05)
    assert np.max(np.abs(d_nc - 2 * d_ref)) < 1e-10 * np.max(np.abs(d_ref))


def test_wide_band_self_energy_is_the_exact_wide_band():
    wb = sisl.WideBandSE(1, eta=0.05)
    lead = ssl.electrode(wb, H_DEV, [1])
    assert isinstance(lead, leads.WideBand)
    np.testing.assert_allclose(lead.matrix, [[0, 0], [0, 2 * np.pi * 0.05]], atol=1e-15)


def test_bad_input():
    se = sisl.RecursiveSI(electrode_hamiltonian(), "-A")
    kw = dict(M=M, omega=OMEGA, gamma_ph=GAMMA_PH)
    with pytest.raises(ModelError, match="sisl.Hamiltonian"):
        ssl.junction(np.eye(2), (se, [0]), (se, [1]), **kw)
    with pytest.raises(ModelError, match="sisl self-energy"):
        ssl.junction(H_DEV, (object(), [0]), (se, [1]), **kw)
    with pytest.raises(ModelError, match="lead_R: .*out of range"):
        ssl.junction(H_DEV, (se, [0]), (se, [2]), **kw)
    with pytest.raises(ModelError, match="1 orbitals but 2"):
        ssl.junction(H_DEV, (se, [0, 1]), (se, [1]), **kw)
    with pytest.raises(ModelError, match="integer"):
        ssl.electrode(se, H_DEV, [0.0])
    with pytest.raises(ModelError, match="given twice"):
        ssl.electrode(sisl.WideBandSE(2, eta=0.1), H_DEV, [1, 1])
    with pytest.raises(ModelError, match="pair"):
        ssl.junction(H_DEV, se, (se, [1]), **kw)
    with pytest.raises(ModelError, match="M: the couplings are 3 x 3"):
        ssl.junction(H_DEV, (se, [0]), (se, [1]), M=np.zeros((3, 3)), omega=1.0, gamma_ph=0.1)
    with pytest.raises(ParameterError, match="eta"):
        ssl.electrode(se, H_DEV, [0], eta=-1e-3)
    with pytest.raises(ParameterError, match="unpolarized"):
        ssl.electrode(se, H_DEV, [0], spin=0)
    S = sisl.Hamiltonian(H_DEV.geometry, orthogonal=False)
    S[0, 0] = [0.3, 1.0]
    S[1, 1] = [-0.2, 1.0]
    with pytest.raises(ModelError, match="non-orthogonal"):
        ssl.device_hamiltonian(S)


def test_missing_sisl_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sisl", None)      # import sisl now fails
    with pytest.raises(ImportError, match=r"symehp\[sisl\]"):
        ssl.device_hamiltonian(H_DEV)
