"""certify=True: rigorous enclosures of the currents of Eq. (8) (issue 9).

The references are independent of the certified route: the nested mpmath double
integral of tests/references.py (energy inside, frequency outside, spectral
functions from linear solves; recorded below with the call that made it, since
it takes minutes at 40 digits) and the dps= path (mpmath eig, mpmath quadrature).
"""

import mpmath as mp
import numpy as np
import pytest

import symehp
from symehp.errors import ParameterError
from symehp.numeric.mp import certify
from symehp.numeric.mp.interval import Interval

P2 = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
POINT = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
#: references.energy_current_mp(two_level(**P2), **POINT, channel="total", dps=40) (424 s)
J_40 = "0.0269354120964568601683916705775023452447558"
#: mu_L = 1 = eps1 - eps2 = Omega: w = mu_LR = Re(z1 - z2), a double removable
#: singularity of the closed form on the mode's peak;
#: references.energy_current_mp(two_level(**P2), mu_L=1.0, mu_R=0.0, T_e=0.05, T_ph=0.02,
#: channel="LR", dps=22) (31 s)
COINCIDENT = dict(mu_L=1.0, mu_R=0.0, T_e=0.05, T_ph=0.02)
J_LR_COINCIDENT = "0.0000488588597270121547436662"


def two_level():
    return symehp.two_level(**P2)


def test_paper_model_at_30_digits_contains_the_40_digit_double_integral():
    res = symehp.transport(two_level(), **POINT, dps=30, certify=True)
    assert isinstance(res.J, Interval)
    assert J_40 in res.J
    assert res.J.relative_width <= 1e-20                 # the target
    with mp.workdps(50):
        assert res.J.lower <= mp.mpf(J_40) <= res.J.upper
    # the channels add up to the total, and LL, RR are exactly zero for this model
    assert res.J_by_channel["LL"].rad == 0 and res.J_by_channel["LL"].mid == 0
    total = sum((res.J_by_channel[c] for c in ("RL", "LR")), Interval(res.J.ball * 0))
    assert res.J in total or total in res.J or res.J.ball.overlaps(total.ball)
    assert res.error_J == res.J.rad


def test_the_intervals_shrink_as_dps_grows_and_stay_nested():
    lo = symehp.transport(two_level(), **POINT, dps=15, certify=True)
    hi = symehp.transport(two_level(), **POINT, dps=25, certify=True)
    for name in ("RL", "LR", "total"):
        a, b = lo.J_by_channel[name], hi.J_by_channel[name]
        assert b.ball.overlaps(a.ball)
        assert b.rad < a.rad * 1e-8
    assert J_40 in lo.J and J_40 in hi.J


def test_a_double_removable_singularity_on_the_mode_peak():
    """w = mu_LR = Re(z1 - z2) = Omega: the certified interval holds the double integral,
    and so does the dps= path (it lost 15 digits there before its pairs near a removable
    singularity were summed at raised precision)."""
    res = symehp.transport(two_level(), **COINCIDENT, dps=20, certify=True)
    assert J_LR_COINCIDENT in res.J_by_channel["LR"]
    plain = symehp.transport(two_level(), **COINCIDENT, dps=20)
    assert plain.J_by_channel["LR"] in res.J_by_channel["LR"]
    with mp.workdps(30):
        assert abs(plain.J_by_channel["LR"] - mp.mpf(J_LR_COINCIDENT)) <= \
            mp.mpf("1e-24") * mp.mpf(J_LR_COINCIDENT)


def _three_level(spin=2):
    H = np.array([[0.3, 0.1 + 0.05j, 0], [0.1 - 0.05j, -0.2, 0.15], [0, 0.15, 0.05]])
    M1 = np.array([[0.05, 0.02, 0], [0.02, -0.03, 0.01j], [0, -0.01j, 0.02]])
    M2 = np.array([[0, 0.03, 0.01], [0.03, 0.02, 0], [0.01, 0, -0.04]])
    return symehp.Junction(H=H, gamma_L=np.diag([0.3, 0, 0.0]), gamma_R=np.diag([0, 0.05, 0.25]),
                           M=[M1, M2], omega=[0.4, 0.7], gamma_ph=[0.05, 0.02],
                           spin_degeneracy=spin)


@pytest.mark.slow          # 40 s: the certified point and a 24-digit dps= reference
def test_three_levels_two_modes_complex_couplings_every_channel():
    model = _three_level()
    kw = dict(mu_L=0.3, mu_R=-0.1, T_e=0.08, T_ph=0.03)
    res = symehp.transport(model, **kw, dps=15, certify=True)
    ref = symehp.transport(model, **kw, dps=25)
    for name in ("LL", "RR", "RL", "LR", "total"):
        assert ref.J_by_channel[name] in res.J_by_channel[name], name
        assert ref.I_by_channel[name] in res.I_by_channel[name], name
    assert res.J.relative_width < 1e-12


def test_equilibrium_contains_zero_and_arrays_broadcast():
    """At mu_L = mu_R and T_e = T_ph nothing flows: every interval holds 0 (LL and RR of a
    diagonal coupling meet w = mu = c = 0 at the integral's end); an array of biases
    gives object arrays of Intervals."""
    model = symehp.two_level(0.4, -0.2, 0.3, 0.2, 0.1, 0.6, 0.05)
    res = symehp.transport(model, mu_L=np.array([0.0, 0.3]), mu_R=0.0, T_e=0.07, T_ph=0.07,
                           dps=15, certify=True)
    assert res.J.shape == (2,) and res.J.dtype == object
    assert 0 in res.J[0] and 0 in res.I[0]
    assert res.J[0].rad < 1e-14
    double = symehp.transport(model, mu_L=0.3, mu_R=0.0, T_e=0.07, T_ph=0.07, rtol=1e-12)
    assert float(res.J[1]) == pytest.approx(double.J, rel=1e-10)
    assert float(res.I[1]) == pytest.approx(double.I, rel=1e-10)


def test_shortcuts_return_intervals():
    j = symehp.energy_current(two_level(), **POINT, dps=15, certify=True, by_channel=True)
    i = symehp.particle_current(two_level(), **POINT, dps=15, certify=True)
    assert isinstance(j["total"], Interval) and isinstance(i, Interval)
    assert J_40 in j["total"]


@pytest.mark.parametrize("mutation", ["integrand", "digamma"])
def test_a_perturbed_integrand_is_caught(monkeypatch, mutation):
    """The enclosure is tight enough to tell a relative change of 1e-18 in the integrand
    (or a relative 1e-20 in every digamma) from the exact value: the mutated interval
    excludes the 40-digit reference."""
    if mutation == "integrand":
        flow = certify._ChannelIntegrand.flow
        monkeypatch.setattr(certify._ChannelIntegrand, "flow",
                            lambda self, w: flow(self, w) * (1 + certify._arb(1e-18)))
    else:
        phi = certify._ChannelIntegrand._phi
        monkeypatch.setattr(certify._ChannelIntegrand, "_phi",
                            lambda self, z, s, order=0: phi(self, z, s, order) * (1 + certify._arb(1e-20)))
    res = symehp.transport(two_level(), **POINT, dps=25, certify=True)
    assert J_40 not in res.J


def test_the_tail_and_lambda_bounds_hold():
    """The analytic bounds of the module docstring: |Lambda_kk(w)| <= B_k on a grid, and
    the tail bound beyond a low cutoff above the integral it bounds."""
    import flint
    model = two_level()
    numeric = model.numeric()
    with certify._precision(120):
        exp = certify._Expansion(numeric)
        w = np.linspace(0.0, 6.0, 241)
        for ch in ("LR", "RL"):
            lam = symehp.ehp_dos(model, ch, w, mu_L=0.6, mu_R=-0.6, T_e=0.05)
            assert np.max(np.abs(lam)) <= float(exp.lambda_bounds[0])
        f = certify._ChannelIntegrand(exp, symehp.channel("LR"), numeric, 0.6, -0.6, 0.05, 0.05)
        wc = 2.5
        bound = f.tail(exp, wc, 1)
        actual = flint.acb.integral(lambda x, _: x * f.flow(x), certify._arb(wc),
                                    certify._arb(12.0)).real
        assert abs(actual).upper() <= bound
        assert bound < 1e-10                         # and it is not vacuous


def test_bad_input_gets_a_clear_error():
    kw = dict(mu_L=0.6, mu_R=-0.6, T_ph=0.05)
    with pytest.raises(ParameterError, match="needs dps"):
        symehp.transport(two_level(), **kw, T_e=0.05, certify=True)
    with pytest.raises(ParameterError, match="certify must be True or False"):
        symehp.transport(two_level(), **kw, T_e=0.05, dps=15, certify="yes")
    with pytest.raises(ParameterError, match="equal electrode temperatures"):
        symehp.transport(two_level(), **kw, T_L=0.05, T_R=0.1, dps=15, certify=True)
    with pytest.raises(ParameterError, match="T_e > 0"):
        symehp.transport(two_level(), **kw, T_e=0.0, dps=15, certify=True)
    with pytest.raises(ParameterError, match="rtol"):
        symehp.transport(two_level(), **kw, T_e=0.05, dps=15, rtol=1e-8, certify=True)
    chain = symehp.Junction(H=[[0.2]], lead_L=symehp.leads.chain(1.0, coupling=[0.3]),
                            lead_R=symehp.leads.chain(1.0, coupling=[0.3]), M=[[[0.1]]],
                            omega=0.5, gamma_ph=0.05)
    with pytest.raises(ParameterError, match="energy-dependent leads"):
        symehp.transport(chain, **kw, T_e=0.05, dps=15, certify=True)
    # a level that no lead broadens
    dark = symehp.Junction(H=np.diag([0.3, -0.2, 0.1]), gamma_L=np.diag([0.2, 0, 0]),
                           gamma_R=np.diag([0, 0.2, 0]), M=[[[0, 0.1, 0], [0.1, 0, 0],
                                                             [0, 0, 0]]],
                           omega=0.5, gamma_ph=0.05)
    with pytest.raises(ParameterError, match="not provably broadened"):
        symehp.transport(dark, **kw, T_e=0.05, dps=15, certify=True)


def test_interval_object():
    import flint
    with certify._precision(200):
        ball = flint.arb("0.1") + flint.arb(0, flint.arb("1e-40"))
        x = Interval(ball)
    with mp.workdps(60):
        assert x.lower < mp.mpf("0.1") < x.upper
    with mp.workprec(400):
        assert x.lower == x.mid - x.rad and x.upper == x.mid + x.rad      # exact
        assert x.width == 2 * x.rad
    assert "0.1" in x and 0.1 not in x                # the double 0.1 is 5.5e-18 away
    assert Interval(flint.arb(1)) in Interval(flint.arb(1, 1))
    assert float(x) == 0.1
    # sums are enclosures too (at Arb's current precision)
    assert "1.1" in (x + 1) and "0.9" in (1 - x) and "-0.1" in (x - 0.2) + 0.0 + x - x
    with mp.workprec(400), certify._precision(200):
        assert (-x).upper == -x.lower
    assert x.relative_width == pytest.approx(2e-39, rel=1e-3)
    assert repr(x).startswith("Interval([0.09999") and "relative width 2e-39" in repr(x)
    with pytest.raises(TypeError):
        Interval(0.1)
    with pytest.raises(TypeError):
        True in x
