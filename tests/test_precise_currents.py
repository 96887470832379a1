"""The dps= (mpmath) path of the currents and the mode occupation.

References are independent of symehp's closed forms (``tests/references.py``): the
energy current is an mpmath double integral (energy inside, frequency outside) of
the conventions' formula, and the mode occupation uses a 35-digit energy quadrature
of the four channels' spectra, both with spectral functions from mpmath linear solves.
"""

import mpmath as mp
import numpy as np
import pytest

import symehp

import references

DPS = 30
P2 = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)


def two_level():
    return symehp.two_level(**P2)


@pytest.mark.slow          # 2 minutes: the dps=30 current and the nested mpmath reference
def test_energy_current_dps30_against_independent_double_integral():
    kw = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
    got = symehp.energy_current(two_level(), **kw, by_channel=True, dps=DPS)
    ref = references.energy_current_mp(two_level(), **kw, channel="LR", dps=DPS)
    with mp.workdps(DPS):
        assert isinstance(got["LR"], mp.mpf)
        assert abs(got["LR"] - ref) <= mp.mpf(10) ** -(DPS - 5) * abs(ref)
    # the double-precision default agrees to its own accuracy
    assert float(got["LR"]) == pytest.approx(
        symehp.energy_current(two_level(), **kw, by_channel=True)["LR"], rel=1e-12)


def test_currents_dps_agree_with_double_precision_and_are_consistent():
    model = symehp.two_level(0.5, -0.3, 0.3, 0.2, 0.1, 0.8, 0.1)
    kw = dict(mu_L=np.array([0.2, 0.5]), mu_R=-0.1, T_e=0.1, T_ph=0.07)
    precise = symehp.transport(model, **kw, dps=16)
    double = symehp.transport(model, **kw, rtol=1e-12)
    assert precise.J.dtype == object and precise.J.shape == (2,)
    for name in ("LL", "RR", "RL", "LR", "total"):
        np.testing.assert_allclose(np.array(precise.J_by_channel[name], float),
                                   double.J_by_channel[name], rtol=1e-11, atol=1e-20)
        np.testing.assert_allclose(np.array(precise.I_by_channel[name], float),
                                   double.I_by_channel[name], rtol=1e-11, atol=1e-20)
    with mp.workdps(40):
        for i in range(2):
            parts = sum(precise.J_by_channel[n][i] for n in ("LL", "RR", "RL", "LR"))
            assert abs(parts - precise.J[i]) <= mp.mpf(10) ** -30 * abs(precise.J[i])


@pytest.mark.slow          # two more dps=16 points (half a minute)
def test_public_wrappers_pass_dps_through():
    model = symehp.two_level(0.5, -0.3, 0.3, 0.2, 0.1, 0.8, 0.1)
    double = symehp.transport(model, mu_L=0.2, mu_R=-0.1, T_e=0.1, T_ph=0.07, rtol=1e-12)
    j = symehp.energy_current(model, mu_L=0.2, mu_R=-0.1, T_e=0.1, T_ph=0.07, dps=16)
    i = symehp.particle_current(model, mu_L=0.2, mu_R=-0.1, T_e=0.1, T_ph=0.07, dps=16)
    assert isinstance(j, mp.mpf) and isinstance(i, mp.mpf)
    assert float(j) == pytest.approx(double.J, rel=1e-11)
    assert float(i) == pytest.approx(double.I, rel=1e-11)


@pytest.mark.slow          # about a minute: the dps=30 current at 1e-9 bias
def test_equilibrium_current_vanishes_to_working_precision():
    """Near equilibrium double precision leaves ~1e-23 of round-off; dps=30 gets
    the exact zero to ~1e-40 and the small linear response beside it right."""
    model = two_level()
    zero = symehp.energy_current(model, mu_L=0.0, mu_R=0.0, T_e=0.05, T_ph=0.05, dps=DPS)
    small = symehp.energy_current(model, mu_L=1e-9, mu_R=-1e-9, T_e=0.05, T_ph=0.05, dps=DPS)
    assert abs(zero) < mp.mpf(10) ** -40
    # linear response: J(V) is even in V at lowest order only through n_B; check sign and size
    double = symehp.energy_current(model, mu_L=1e-9, mu_R=-1e-9, T_e=0.05, T_ph=0.05)
    assert float(small) != 0.0
    assert abs(double - float(small)) < 1e-20


def channel_sums_reference(model, mode, omega, mu_L, mu_R, T_e, dps=DPS + 5):
    """(sum over the four channels of Lambda_kk, the same of Pi^<_kk) at ``omega``, k = mode,
    from one pass of the reference quadrature over all channels."""
    spectra = references.spectra_mp(model, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, modes=[mode],
                                    dps=dps)
    with mp.workdps(dps):
        dos = mp.fsum(mp.re(spectra[ch][0][0, 0]) for ch in references.CHANNELS)
        emission = mp.fsum(mp.re(spectra[ch][1][0, 0]) for ch in references.CHANNELS)
    return dos, emission


def test_mode_occupation_dps30_against_independent_quadrature():
    from _shared import three_level_simple
    model = three_level_simple()
    kw = dict(mu_L=0.3, mu_R=-0.25, T_e=0.06, T_ph=0.04)
    got = symehp.mode_occupation(model, 1, **kw, dps=DPS)
    omega = 0.7
    with mp.workdps(DPS + 5):
        dos, emission = channel_sums_reference(model, 1, omega, 0.3, -0.25, 0.06)
        damping = 2 * mp.mpf(omega) * mp.mpf(0.02)
        emission += damping / mp.expm1(mp.mpf(omega) / mp.mpf(0.04))
        damping += dos
        n = emission / damping
        t_eff = omega / mp.log1p(1 / n)
    with mp.workdps(DPS):
        assert abs(got.n - n) <= mp.mpf(10) ** -(DPS - 5) * n
        assert abs(got.T_eff - t_eff) <= mp.mpf(10) ** -(DPS - 5) * t_eff
    double = symehp.mode_occupation(model, 1, **kw)
    assert float(got.n) == pytest.approx(double.n, rel=1e-12)


def test_mode_occupation_dps_reports_instability():
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.3, 1.0, 0.001)
    with pytest.raises(symehp.ModeInstabilityError, match="unstable"):
        symehp.mode_occupation(model, mu_L=1.5, mu_R=-1.5, T_e=0.05, T_ph=0.05, dps=20)
    flagged = symehp.mode_occupation(model, mu_L=[0.0, 1.5], mu_R=[0.0, -1.5], T_e=0.05, T_ph=0.05,
                                     dps=20, unstable="flag")
    assert list(flagged.stable) == [True, False]
    assert mp.isnan(flagged.n[1]) and flagged.damping[1] < 0


# (bad dps values: tests/test_contract.py)


@pytest.mark.slow          # 1.5 minutes: the dps=16 current at T = 0.2
@pytest.mark.parametrize("V", [1.0])
def test_double_precision_at_the_resonant_bias_against_the_mpmath_path(V):
    """eV = Omega at T = 0.2: the resonant pole pair sits under the Fermi window
    edges; a regression guard for the fast kernels against the mpmath route."""
    model = two_level()
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.2, T_ph=0.2)
    precise = symehp.energy_current(model, **kw, dps=16)
    assert symehp.energy_current(model, **kw) == pytest.approx(float(precise), rel=1e-10)
