"""The dps= (mpmath) path of the currents and the mode occupation.

References are independent of symehp's closed forms: the energy current is an
mpmath double integral (energy inside, frequency outside) of the conventions'
formula written out for the two-level model, and the mode occupation uses a
35-digit energy quadrature of the channel sums with spectral functions from
mpmath linear solves (that of ``test_precise.reference``, all channels in one
integrand).
"""

import mpmath as mp
import numpy as np
import pytest

import symehp
from _shared import mp_factor, mp_matrix, mp_solve

DPS = 30
P2 = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)


def two_level():
    return symehp.two_level(**P2)


def double_integral_J_LR(mu_L, mu_R, T_e, T_ph, dps=DPS):
    """J_LR = int dw/2pi w A_ph(w) int de/2pi m^2 A_L,11(e) A_R,22(e - w)
    [f_L (1 - f_R) - (f_R - f_L) n_B(w, T_ph)], by nested mpmath Gauss-Legendre."""
    with mp.workdps(dps + 3):
        e1, e2, g1, g2, m, big_w, gph = (mp.mpf(P2[k]) for k in
                                         ("eps1", "eps2", "gamma1", "gamma2", "m", "omega", "gamma_ph"))
        mu_l, mu_r, t_e, t_ph = (mp.mpf(x) for x in (mu_L, mu_R, T_e, T_ph))

        def lorentz(x, e, g):
            return g / ((x - e) ** 2 + g**2 / 4)

        def fermi(x):
            return 1 / (mp.exp(x / t_e) + 1)

        def inner(w):
            n_ph = 1 / mp.expm1(w / t_ph)

            def kern(e):
                f_a, f_b = fermi(e - mu_l), fermi(e - w - mu_r)
                return (m**2 * lorentz(e, e1, g1) * lorentz(e - w, e2, g2)
                        * (f_a * (1 - f_b) - (f_b - f_a) * n_ph) / (2 * mp.pi))
            pts = sorted({e1, e2 + w, mu_l, mu_r + w})
            return mp.quad(kern, [-mp.inf] + pts + [mp.inf], method="gauss-legendre")

        def a_ph(w):
            return 2 * w * gph / ((w**2 - big_w**2) ** 2 + (w * gph) ** 2)

        cut = abs(mu_l - mu_r) + (dps + 20) * mp.log(10) * 2 * max(t_e, t_ph)
        pts = sorted({mp.mpf(0), big_w - 5 * gph, big_w - gph, big_w, big_w + gph,
                      big_w + 5 * gph, abs(mu_l - mu_r), cut})
        return mp.quad(lambda w: w * a_ph(w) * inner(w) / (2 * mp.pi),
                       [p for p in pts if p <= cut], method="gauss-legendre")


@pytest.mark.slow          # 2 minutes: the dps=30 current and the nested mpmath reference
def test_energy_current_dps30_against_independent_double_integral():
    kw = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
    got = symehp.energy_current(two_level(), **kw, by_channel=True, dps=DPS)
    ref = double_integral_J_LR(**kw)
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
    """(sum over the four channels of Lambda_kk, the same of Pi^<_kk) at ``omega``, k = mode.

    One mpmath energy quadrature of a complex integrand (real part: the DOS
    weights f_b - f_a, imaginary part: the emission weights f_a (1 - f_b)), with
    A_a(e) = sum_r (G^r(e) b_r)(G^r(e) b_r)^+ from linear solves (Gamma_a = sum_r
    b_r b_r^+): the quadrature of ``test_precise.reference`` summed inside the
    integrand, so one integral instead of eight.
    """
    nm = model.numeric()
    size = nm.N
    with mp.workdps(dps):
        h, g_l, g_r = (mp_matrix(x) for x in (nm.H, nm.gamma_L, nm.gamma_R))
        h_eff = [[h[i][j] - mp.mpc(0, 0.5) * (g_l[i][j] + g_r[i][j]) for j in range(size)]
                 for i in range(size)]
        cols = [mp_factor(nm.gamma_L), mp_factor(nm.gamma_R)]
        n_left = len(cols[0])
        m_k = mp_matrix(nm.M[mode])
        mus = [mp.mpf(mu_L), mp.mpf(mu_R)]
        t_e, w = mp.mpf(T_e), mp.mpf(omega)

        def fermi(x):
            return 1 / (mp.exp(x / t_e) + 1)

        def g_times(e):
            lhs = [[(e if i == j else 0) - h_eff[i][j] for j in range(size)] for i in range(size)]
            sol = mp_solve(lhs, cols[0] + cols[1])
            return [sol[:n_left], sol[n_left:]]

        def integrand(e):
            c, d = g_times(e), g_times(e - w)
            mc = [[[mp.fdot(row, x) for row in m_k] for x in c_a] for c_a in c]
            dos = emission = mp.mpf(0)
            for a in range(2):
                f_a = fermi(e - mus[a])
                for b in range(2):
                    f_b = fermi(e - w - mus[b])
                    # tr[M A_a(e) M A_b(e - w)] = sum_rs |d_s^+ M c_r|^2 (M Hermitian)
                    kern = mp.fsum(abs(mp.fdot([mp.conj(v) for v in y], mx)) ** 2
                                   for mx in mc[a] for y in d[b]) / (2 * mp.pi)
                    dos += kern * (f_b - f_a)
                    emission += kern * f_a * (1 - f_b)
            return mp.mpc(dos, emission)

        levels = [mp.mpf(x) for x in np.diag(nm.H).real]
        edges = {*mus, *(x + w for x in mus), *levels, *(x + w for x in levels)}
        total = mp.quad(integrand, [-mp.inf] + sorted(edges) + [mp.inf])
        return mp.re(total), mp.im(total)


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


@pytest.mark.parametrize("bad", [10, 2000, 20.5, "30", True])
def test_bad_dps_is_rejected(bad):
    with pytest.raises(symehp.ParameterError, match="dps"):
        symehp.energy_current(two_level(), mu_L=0.1, mu_R=0, T_e=0.05, T_ph=0.05, dps=bad)
    with pytest.raises(symehp.ParameterError, match="dps"):
        symehp.mode_occupation(two_level(), mu_L=0.1, mu_R=0, T_e=0.05, T_ph=0.05, dps=bad)


@pytest.mark.slow          # 1.5 minutes: the dps=16 current at T = 0.2
@pytest.mark.parametrize("V", [1.0])
def test_double_precision_at_the_resonant_bias_against_the_mpmath_path(V):
    """eV = Omega at T = 0.2: the resonant pole pair sits under the Fermi window
    edges; a regression guard for the fast kernels against the mpmath route."""
    model = two_level()
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.2, T_ph=0.2)
    precise = symehp.energy_current(model, **kw, dps=16)
    assert symehp.energy_current(model, **kw) == pytest.approx(float(precise), rel=1e-10)
