"""Physics of the paper's applications 1-3: rectification, cold spot, heating/cooling."""

import numpy as np
import pytest
import sympy as sp

import symehp
from symehp.applications.cold_spot import cold_spot
from symehp.applications.heating import (FIG2, bias_response, fig2_model,
                                         instability_bias)
from symehp.applications.rectification import rectification
from symehp.derivations import reciprocity
from symehp.symbols import omega


def flat_model(width=100.0):
    return symehp.two_level(0.0, 0.0, width, width, FIG2["m"], FIG2["omega"], FIG2["gamma_ph"])


# ------------------------------------------------------------------ 1. rectification

def test_rectification_definitions_and_shapes():
    model = fig2_model("heating")
    dT = np.array([0.0, 0.05, 0.1])
    res = rectification(model, T0=0.1, dT=dT)
    assert res.J_forward.shape == (3,) and res.asymmetry[0] == 0.0
    fwd = symehp.energy_current(model, mu_L=0, mu_R=0, T_e=0.15, T_ph=0.1)
    bwd = symehp.energy_current(model, mu_L=0, mu_R=0, T_e=0.1, T_ph=0.15)
    assert res.J_forward[1] == pytest.approx(fwd, rel=1e-12)
    assert res.J_backward[1] == pytest.approx(bwd, rel=1e-12)
    assert res.asymmetry[1] == pytest.approx((fwd + bwd) / (fwd - bwd), rel=1e-12)
    # hot electrons heat the phonons, hot phonons heat the electrons
    assert np.all(res.J_forward[1:] > 0) and np.all(res.J_backward[1:] < 0)
    scalar = rectification(model, T0=0.1, dT=0.05)
    assert isinstance(scalar.asymmetry, float)


def test_flat_dos_is_reciprocal_and_the_residue_shrinks_as_width_squared():
    dT = np.array([0.05, 0.1])
    a100 = rectification(flat_model(100.0), T0=0.1, dT=dT).asymmetry
    a1000 = rectification(flat_model(1000.0), T0=0.1, dT=dT).asymmetry
    assert np.all(np.abs(a100) < 2e-4)
    np.testing.assert_allclose(a1000 / a100, 1e-2, rtol=0.02)


def test_lorentzian_levels_rectify_toward_the_cold_electrons():
    res = rectification(fig2_model("heating"), T0=0.1, dT=np.array([0.02, 0.1, 0.2]))
    assert np.all(res.asymmetry < -0.01)
    assert np.all(np.diff(res.asymmetry) < 0)           # grows with dT
    assert np.all(-res.J_backward > res.J_forward)      # heat flows better into cold electrons


def test_rectification_rejects_bad_temperatures():
    model = fig2_model("heating")
    with pytest.raises(symehp.ParameterError, match="T0"):
        rectification(model, T0=0.0, dT=0.1)
    with pytest.raises(symehp.ParameterError, match="dT"):
        rectification(model, T0=0.1, dT=[0.1, -0.2])


def test_reciprocity_derivation_and_sommerfeld_coefficient_against_numerics():
    out = reciprocity.derive()
    assert out["j(T0 + dT, T0) + j(T0, T0 + dT)"] == 0
    assert out["dLambda_flat/dT_e"] == 0
    # d Lambda / d(T^2) at T -> 0 against the closed-form numerics
    model = fig2_model("heating")
    coeff = reciprocity.sommerfeld_coefficient(symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05))
    expected = complex(coeff[0, 0].subs(omega, 1.0).evalf()).real
    lam = sum(symehp.ehp_dos(model, ch, 1.0, mu_L=0, mu_R=0, T_e=np.array([0.0, 0.005, 0.01]))[:, 0, 0]
              for ch in ("LR", "RL")).real
    slope_1 = (lam[1] - lam[0]) / 0.005**2
    slope_2 = (lam[2] - lam[0]) / 0.01**2
    assert expected < 0
    # O(T^4) corrections: the error drops ~4x when T halves; Richardson removes them
    assert abs(slope_2 - expected) / abs(slope_1 - expected) == pytest.approx(4.0, rel=0.05)
    assert (4 * slope_1 - slope_2) / 3 == pytest.approx(expected, rel=1e-4)
    # and the symbolic resonance formula agrees with the generic one
    Om, g, m = sp.symbols("Omega gamma m", positive=True)
    key = [k for k in out if k.startswith("dLambda/d(T^2)")][0]
    assert float(out[key].subs({Om: 1, g: 0.2, m: 0.1})) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------ 2. cold spot

def test_cold_spot_direction_zero_and_reversal():
    res = cold_spot(fig2_model("heating"), T_e=0.1, T_ph=np.array([0.05, 0.1, 0.15]))
    assert res.I[0] > 0 and res.J[0] > 0                 # cold spot: L -> R, heats the phonons
    assert abs(res.I[1]) < 1e-18 and abs(res.J[1]) < 1e-18
    assert res.I[2] < 0 and res.J[2] < 0                 # hot spot reverses both
    # only the inter-electrode channels carry particles, in the resonant LR channel
    assert res.I_by_channel["LL"][0] == 0 and res.I_by_channel["LR"][0] > 0
    # mirror geometry (eps2 - eps1 = Omega) pumps the other way
    mirror = cold_spot(fig2_model("cooling"), T_e=0.1, T_ph=0.05)
    assert mirror.I < 0


def test_cold_spot_energy_per_electron_tends_to_tight_coupling():
    ratios = [cold_spot(fig2_model("heating", gamma1=g, gamma2=g), T_e=0.1,
                        T_ph=0.05).energy_per_electron for g in (0.2, 0.1, 0.05)]
    gaps = [abs(r - FIG2["omega"]) for r in ratios]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 0.03
    assert all(r < FIG2["omega"] for r in ratios)


def test_cold_spot_ratio_limit_at_equal_temperatures_is_continuous():
    model = fig2_model("heating")
    at = cold_spot(model, T_e=0.1, T_ph=0.1).energy_per_electron
    near = cold_spot(model, T_e=0.1, T_ph=np.array([0.098, 0.102])).energy_per_electron
    assert np.isfinite(at) and min(near) < at < max(near)
    assert at == pytest.approx(near.mean(), rel=1e-4)


def test_cold_spot_rejects_bad_input():
    with pytest.raises(symehp.ParameterError, match="T_e"):
        cold_spot(fig2_model("heating"), T_e=0.0, T_ph=0.1)
    with pytest.raises(symehp.ParameterError, match="T_ph"):
        cold_spot(fig2_model("heating"), T_e=0.1, T_ph=-0.1)


# ------------------------------------------------------------------ 3. heating and cooling

def test_fig2_geometries():
    heat, cool = fig2_model("heating").numeric(), fig2_model("cooling").numeric()
    assert heat.H[0, 0] - heat.H[1, 1] == pytest.approx(FIG2["omega"])
    assert cool.H[1, 1] - cool.H[0, 0] == pytest.approx(FIG2["omega"])
    with pytest.raises(symehp.ParameterError, match="geometry"):
        fig2_model("sideways")
    with pytest.raises(symehp.ParameterError, match="unknown"):
        fig2_model("heating", gama1=0.1)


def test_heating_geometry_heats_through_channel_4():
    res = bias_response(fig2_model("heating"), np.array([0.0, 0.6, 1.2]), T_e=0.05, T_ph=0.05)
    assert res.J[0] == pytest.approx(0.0, abs=1e-20)
    assert np.all(np.diff(res.J) > 0) and np.all(np.diff(res.T_eff) > 0)
    lr = np.asarray(res.J_by_channel["LR"])
    assert lr[2] > 0.99 * res.J[2]                        # the resonant channel carries it
    assert res.T_eff[2] > 1.0 and res.instability is None


def test_cooling_geometry_cools_at_T_0p2_but_not_at_T_0p05():
    V = np.array([0.4, 0.8, 1.2])
    warm = bias_response(fig2_model("cooling"), V, T_e=0.2, T_ph=0.2)
    assert np.all(warm.J < 0) and np.all(warm.T_eff < 0.2)
    rl = np.asarray(warm.J_by_channel["RL"])
    assert np.all(rl < 0) and np.all(rl < warm.J)        # reverse of channel 3 does the cooling
    assert warm.T_eff[1] == pytest.approx(0.1773, abs=5e-4)
    cold = bias_response(fig2_model("cooling"), np.array([0.8, 1.6]), T_e=0.05, T_ph=0.05)
    assert np.all(cold.J > 0) and np.all(cold.T_eff > 0.05)   # off-resonant emission wins


def test_instability_bias_is_where_the_damping_vanishes():
    model = fig2_model("heating", gamma_ph=0.01)
    crit = instability_bias(model, T_e=0.05, T_ph=0.05, V_max=2.0)
    assert 1.0 < crit < 1.2                               # just above eV = Omega (inversion)
    damping = symehp.mode_occupation(model, mu_L=crit / 2, mu_R=-crit / 2, T_e=0.05, T_ph=0.05,
                                     unstable="flag").damping
    assert abs(damping) < 1e-10
    res = bias_response(model, np.linspace(0, 2, 9), T_e=0.05, T_ph=0.05)
    assert res.instability == pytest.approx(crit, abs=1e-9)
    assert list(res.stable) == [bool(v < crit) for v in np.linspace(0, 2, 9)]
    assert np.all(np.isnan(res.T_eff[~res.stable]))
    assert instability_bias(fig2_model("heating"), T_e=0.05, T_ph=0.05, V_max=2.0) is None


def test_instability_bias_with_chain_leads_tends_to_the_wide_band_value():
    # wide chains (hopping t, Gamma = 2 v^2 / t at the band centre) approach the wide-band
    # leads as 1/t (the level shifts Re Sigma ~ v^2 E / (2 t^2) = Gamma E / (4 t))
    import warnings
    from symehp import leads
    wide = fig2_model("heating", gamma_ph=0.01)
    num = wide.numeric()
    crit = instability_bias(wide, T_e=0.05, T_ph=0.05, V_max=2.0)
    gaps = []
    for t in (20.0, 40.0):
        v = np.sqrt(0.2 * t / 2)
        chains = symehp.Junction(num.H, lead_L=leads.chain(t, coupling=[v, 0]),
                                 lead_R=leads.chain(t, coupling=[0, v]), M=num.M,
                                 omega=num.omega, gamma_ph=num.gamma_ph)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # the lead route's accuracy warnings
            gaps.append(abs(instability_bias(chains, T_e=0.05, T_ph=0.05, V_max=2.0) / crit - 1))
        if t == 20.0:
            res = bias_response(chains, np.array([0.6]), T_e=0.05, T_ph=0.05)
            occ = symehp.mode_occupation(chains, mu_L=0.3, mu_R=-0.3, T_e=0.05, T_ph=0.05)
            assert res.T_eff[0] == pytest.approx(float(occ.T_eff), rel=1e-12)
    assert gaps[0] < 2e-4
    assert 1.5 < gaps[0] / gaps[1] < 2.5                  # first order in 1/t
