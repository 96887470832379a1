"""Currents of Eq. (8) with energy-dependent leads (symehp.numeric.lead_currents).

* wide-band leads through the lead route (a user self-energy -i Gamma/2) against the
  closed-form symehp.transport: J, I and every channel;
* chain leads at equilibrium: every channel in detailed balance with the phonons;
* the parts add up (marked slow); bad input.
"""

import warnings

import numpy as np
import pytest

import symehp
from symehp import ModelError, ParameterError, leads
from symehp.numeric.lead_currents import lead_transport

H2 = [[0.5, 0.1], [0.1, -0.5]]
M2 = [[0.0, 0.1], [0.1, 0.0]]


def _chain_model():
    return symehp.Junction(np.array(H2), lead_L=leads.chain(1.0, coupling=[0.6, 0.0]),
                           lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5]), M=M2,
                           omega=1.0, gamma_ph=0.05)


def test_wide_band_through_the_lead_route_is_the_closed_form():
    # one level, a user self-energy -i Gamma_L/2 (the lead route, energy quadratures) and
    # the closed forms; T_ph != T_e, so every channel is computed
    sigma_l = leads.self_energy(lambda e: np.full((len(e), 1, 1), -0.1j))
    user = symehp.Junction([[0.3]], lead_L=sigma_l, gamma_R=[[0.1]], M=[[0.1]], omega=1.0,
                           gamma_ph=0.05)
    wide = symehp.Junction([[0.3]], [[0.2]], [[0.1]], [[0.1]], 1.0, 0.05)
    kw = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.03)
    got, ref = lead_transport(user, rtol=1e-8, **kw), symehp.transport(wide, **kw)
    # the lead route asked 1e-8 per channel, the closed-form route promises 1e-8:
    # 1e-7 leaves a margin of 5 (measured: 3e-12 on J and I)
    assert got.J == pytest.approx(ref.J, rel=1e-7)
    assert got.I == pytest.approx(ref.I, rel=1e-7)
    for ch in ("LL", "RR", "RL", "LR"):
        assert got.J_by_channel[ch] == pytest.approx(ref.J_by_channel[ch], rel=1e-7)
    assert got.error_J <= 1e-7 * abs(ref.J)


def test_chain_leads_in_equilibrium_carry_no_current():
    # mu_L = mu_R and T_e = T_ph: LL, RR are exact zeros (not computed); in LR and RL,
    # Pi^< = x_bose(w) G / 2pi and n_B(w) Lambda = w n_B(w) G / 2pi are the same numbers,
    # so their difference is rounding of a gross ~1e-4: below 1e-18 absolute
    with warnings.catch_warnings():
        # relative to a zero current, the quadrature's round-off test cannot be met
        warnings.simplefilter("ignore", symehp.numeric.quadrature.IntegrationWarning)
        res = lead_transport(_chain_model(), mu_L=0.1, mu_R=0.1, T_e=0.02, T_ph=0.02)
    assert res.J_by_channel["LL"] == 0.0 and res.J_by_channel["RR"] == 0.0
    assert abs(res.J) < 1e-18 and abs(res.I) < 1e-18


@pytest.mark.slow
def test_parts_add_up():
    """~10 s: a biased point with chain leads, all four channels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", symehp.numeric.quadrature.IntegrationWarning)
        res = lead_transport(_chain_model(), mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    parts = res.J_by_channel
    assert res.J == sum(parts[c] for c in ("LL", "RR", "RL", "LR"))
    assert res.I == res.I_by_channel["LR"] + res.I_by_channel["RL"]
    # biased: electrons flow L -> R and heat the mode through LR (eV = 0.8 < Omega:
    # the tails of the Fermi windows and of the levels)
    assert res.I > 0 and parts["LR"] > 0


def test_bad_input():
    with pytest.raises(ParameterError, match="rtol"):
        lead_transport(_chain_model(), mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08, rtol=0)
    with pytest.raises(ModelError, match="must be a symehp.Junction"):
        lead_transport(None, mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    with pytest.raises(ParameterError, match="T_ph must be >= 0"):
        lead_transport(_chain_model(), mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=-1.0)


def test_public_entry_points_take_the_lead_route():
    """``symehp.transport`` / ``energy_current`` / ``particle_current`` hand a model with
    an energy-dependent lead to the lead route (the same numbers as calling it), and
    refuse ``dps=`` for it with a clear error."""
    sigma_l = leads.self_energy(lambda e: np.full((len(e), 1, 1), -0.1j))
    user = symehp.Junction([[0.3]], lead_L=sigma_l, gamma_R=[[0.1]], M=[[0.1]], omega=1.0,
                           gamma_ph=0.05)
    kw = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.03)
    direct = lead_transport(user, **kw)
    assert symehp.transport(user, **kw).J == direct.J
    assert symehp.energy_current(user, **kw) == direct.J
    assert symehp.particle_current(user, **kw) == direct.I
    with pytest.raises(ParameterError, match="dps"):
        symehp.transport(user, dps=20, **kw)


def test_mode_occupation_takes_the_lead_route():
    """``mode_occupation`` with an energy-dependent lead: the spectra at Omega from the
    lead route; a constant user Sigma = -i Gamma/2 gives the wide-band closed form's n,
    damping and emission (1e-9: the energy quadratures' target is well below)."""
    sigma_l = leads.self_energy(lambda e: np.full((len(e), 1, 1), -0.1j))
    user = symehp.Junction([[0.3]], lead_L=sigma_l, gamma_R=[[0.1]], M=[[0.1]], omega=1.0,
                           gamma_ph=0.05)
    wide = symehp.Junction([[0.3]], [[0.2]], [[0.1]], [[0.1]], 1.0, 0.05)
    kw = dict(mu_L=np.array([0.2, 0.6]), mu_R=-0.6, T_e=0.05, T_ph=0.03)
    got, ref = symehp.mode_occupation(user, **kw), symehp.mode_occupation(wide, **kw)
    np.testing.assert_allclose(got.n, ref.n, rtol=1e-9)
    np.testing.assert_allclose(got.damping, ref.damping, rtol=1e-9)
    np.testing.assert_allclose(got.emission, ref.emission, rtol=1e-9)
    with pytest.raises(ParameterError, match="dps"):
        symehp.mode_occupation(user, dps=20, **kw)


# ------------------------------------------------------------------ the mapped route (issue 10)

def test_mapped_route_agrees_with_the_former_route():
    """The mapped panels (square-root maps at band edges, compiled kernel when numba is
    installed) and the former graded-mesh route are independent quadratures of the same
    double integral; the former is tested against scipy.quad spectra.  Both at rtol 1e-10:
    1e-8 of the largest channel holds with margin (measured ~1e-12)."""
    kw = dict(mu_L=0.7, mu_R=-0.7, T_L=0.02, T_R=0.08, T_ph=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", symehp.numeric.quadrature.IntegrationWarning)
        new = lead_transport(_chain_model(), rtol=1e-10, route="mapped", **kw)
        old = lead_transport(_chain_model(), rtol=1e-10, route="adaptive", **kw)
    big = max(abs(old.J_by_channel[c]) for c in ("LL", "RR", "RL", "LR"))
    for c in ("LL", "RR", "RL", "LR"):
        assert abs(new.J_by_channel[c] - old.J_by_channel[c]) <= 1e-8 * big
    assert new.I == pytest.approx(old.I, rel=1e-8)
    # the estimates are honest: they bound the difference to the former route
    assert abs(new.J - old.J) <= new.error_J + old.error_J + 1e-12 * big


def test_route_switch_is_checked():
    with pytest.raises(ParameterError, match="route"):
        lead_transport(_chain_model(), mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08, route="fft")
