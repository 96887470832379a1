"""Reliability of the numerics (issue 8): round-off limits, huge biases, exceptional points.

References are independent of symehp's machinery: exact zeros (equilibrium), the
infinite-bias limit of the two-level model written out with Lorentzians and scipy's
quad, and energy integrals of matrix-inverse Green's functions.  No assertion
depends on reaching a tolerance below the round-off of exp/log, which differs
between CPUs (SIMD code paths).
"""

import time
import warnings

import numpy as np
import pytest
from scipy.integrate import quad

import symehp
from symehp.numeric.quadrature import IntegrationWarning, graded_points, integrate_panels

TWO_PI = 2 * np.pi


def paper_model():
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)


# ------------------------------------------------------------------ quadrature near round-off

@pytest.mark.parametrize("noise", [1e-12, 1e-10])
def test_noise_stops_refinement_and_is_reported(noise):
    """A smooth function with relative noise of 1e-12 or 1e-10, above the 200-ulp
    floor: caught as refinements that stop reducing the estimate.  rtol = 1e-15 cannot
    be met; the quadrature stops in a few rounds (not 40), says so in a warning that
    names what was reached, and its error estimate covers the true error."""
    rng = np.random.default_rng(1)
    rounds = []

    def f(w, owner):
        rounds.append(w.size)
        clean = np.exp(-w)
        return (clean * (1 + noise * rng.standard_normal(w.shape)))[..., None]

    with pytest.warns(IntegrationWarning, match=r"rtol=1e-15 not reached.*round-off.*reached"):
        res = integrate_panels(f, [np.array([0.0, 1.0, 3.0])], rtol=1e-15)
    exact = 1 - np.exp(-3.0)
    assert len(rounds) <= 12
    assert res.roundoff[0] and not res.converged[0]
    # an estimate of noise from a rule's two last coefficients is statistical: within
    # a few times the true error (documented in integrate_panels)
    assert abs(res.values[0, 0] - exact) <= 5 * res.errors[0]
    assert res.errors[0] <= 100 * noise * exact      # an honest, not a huge, estimate
    assert 1e-15 < res.accuracy[0] <= 100 * noise


def test_magnitudes_set_the_roundoff_floor():
    """A difference of two equal terms (zero exactly, noise in floating point) is not
    refined below the round-off of the terms when the integrand gives their size."""
    rounds = []

    def f(w, owner):
        rounds.append(w.size)
        a = np.exp(np.sin(37 * w)) * np.cos(w)
        b = np.cos(w) * np.exp(np.sin(37 * w))
        return (a - b)[..., None], (np.abs(a) + np.abs(b))[..., None]

    res = integrate_panels(f, [np.array([0.0, 2.0])], rtol=1e-10)     # no warning
    assert len(rounds) <= 3
    assert res.converged[0]
    assert abs(res.values[0, 0]) <= max(res.errors[0], 1e-14)


def test_below_the_floor_of_double_precision_counts_as_converged():
    """Noise of 1e-14 (a few ulps) is within the 200-ulp floor: the best double
    precision gives, so no warning even at rtol = 1e-15, and an honest estimate."""
    rng = np.random.default_rng(2)

    def f(w, owner):
        return (np.exp(-w) * (1 + 1e-14 * rng.standard_normal(w.shape)))[..., None]

    res = integrate_panels(f, [np.array([0.0, 1.0, 3.0])], rtol=1e-15)
    exact = 1 - np.exp(-3.0)
    assert res.converged[0]
    assert abs(res.values[0, 0] - exact) <= res.errors[0] + 1e-15 * exact


def test_integrand_errors_count_but_do_not_force_refinement():
    """An integrand known only to +-1e-9 (absolute, per node): the returned estimate
    includes the integral of that (2e-9 on [0, 2]), refinement stops as for the exact
    integrand, and the miss of rtol is reported."""
    rounds = []

    def f(w, owner):
        rounds.append(w.size)
        v = np.cos(w)[..., None]
        return v, np.abs(v), np.full(v.shape, 1e-9)

    with pytest.warns(IntegrationWarning, match="not reached"):
        res = integrate_panels(f, [np.array([0.0, 2.0])], rtol=1e-12)
    assert len(rounds) <= 3
    assert 2e-9 <= res.errors[0] <= 2.1e-9
    assert abs(res.values[0, 0] - np.sin(2.0)) <= 1e-13


def test_graded_points_cover_wide_gaps():
    pts = graded_points([1.0], [0.01], 0.0, 1e6, ratio=4.0)
    assert pts.size < 40
    beyond = np.concatenate([[1.0], pts[pts > 1.0]])
    # each panel beyond the feature is at most ratio - 1 times its distance to it (plus s)
    assert np.all(np.diff(beyond)[1:] <= 3.0 * (beyond[1:-1] - 1.0) + 1e-12)
    assert beyond[-1] >= 1e6 / 4


def test_equilibrium_at_tight_rtol_is_bounded_and_honest():
    """At V = 0, T_e = T_ph every channel's integrand is zero up to round-off.  With
    rtol = 1e-14 (below the floor on any machine) the call returns quickly, J = 0 lies
    within the returned estimate, and any warning says what was reached."""
    model = paper_model()
    start = time.process_time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = symehp.transport(model, mu_L=0.0, mu_R=0.0, T_e=0.05, T_ph=0.05, rtol=1e-14)
    assert time.process_time() - start < 30            # was 40 rounds, 35,000 panels
    assert abs(res.J) <= res.error_J and abs(res.I) <= res.error_I
    for w in caught:
        assert issubclass(w.category, IntegrationWarning)
        assert "reached" in str(w.message)


# ------------------------------------------------------------------ huge biases

def infinite_bias_limit(model_args):
    """J and I of the two-level model as eV -> infinity, from Lorentzians.

    With each level on its own lead and M = m sigma_x, tr[M A_L(e) M A_R(e - w)] =
    m^2 L1(e) L2(e - w); once the Fermi window covers the band, the EHP DOS is the
    convolution of two Lorentzians: Lambda_LR = -2 m^2 h / ((w - D)^2 + h^2) and
    Lambda_RL = +2 m^2 h / ((w + D)^2 + h^2), h = (g1 + g2)/2, D = e1 - e2; then
    Pi^<_LR = -Lambda_LR and Pi^<_RL = 0.
    """
    e1, e2, g1, g2, m, om, gph, T_ph = model_args
    h, D = 0.5 * (g1 + g2), e1 - e2

    def a_ph(w):
        return 2 * w * gph / ((w**2 - om**2) ** 2 + (w * gph) ** 2)

    def n_ph(w):
        x = w / T_ph
        return np.exp(-x) / -np.expm1(-x)      # no overflow far out

    def lr(w):
        return 2 * m**2 * h / ((w - D) ** 2 + h**2)

    def rl(w):
        return 2 * m**2 * h / ((w + D) ** 2 + h**2)

    def j(w):
        return w * a_ph(w) * (lr(w) * (1 + n_ph(w)) - rl(w) * n_ph(w)) / TWO_PI

    def i(w):
        return a_ph(w) * (lr(w) * (1 + n_ph(w)) + rl(w) * n_ph(w)) / TWO_PI

    pts = [om - 5 * gph, om - gph, om, om + gph, om + 5 * gph, D]
    out = []
    for fn in (j, i):
        val = sum(quad(fn, lo, hi, epsabs=0, epsrel=1e-13, limit=500)[0]
                  for lo, hi in zip([1e-300] + pts, pts + [np.inf]))
        out.append(val)
    return out


@pytest.mark.parametrize("V", [1e3, 1e6, 1e10])
def test_huge_bias_reaches_the_infinite_bias_limit(V):
    """Before: V = 1e6 gave J off by 1.8e-3 with an estimate of 1e-12, after 217 s (a
    panel from the mode to |eV| had no node below w = 600)."""
    args = (0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05, 0.05)
    J_inf, I_inf = infinite_bias_limit(args)
    model = symehp.two_level(*args[:7])
    start = time.process_time()
    res = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05)
    assert time.process_time() - start < 20
    # finite-bias corrections are O(gamma^2 / V^3): below 1e-9 here
    assert abs(res.J - J_inf) <= 1e-9 * J_inf + res.error_J
    assert abs(res.I - I_inf) <= 1e-9 * I_inf + res.error_I
    assert res.error_J <= 1e-9 * J_inf


def test_huge_bias_unequal_temperatures():
    """T_L != T_R at eV = 2e10 (the issue's mu_L = 1e10, mu_R = -1e10): bounded time,
    no warning, the infinite-bias limit (independent of the temperatures there)."""
    args = (0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05, 0.05)
    J_inf, _ = infinite_bias_limit(args)
    model = symehp.two_level(*args[:7])
    start = time.process_time()
    res = symehp.transport(model, mu_L=1e10, mu_R=-1e10, T_L=0.1, T_R=0.05, T_ph=0.05)
    assert time.process_time() - start < 60
    assert abs(res.J - J_inf) <= 1e-9 * J_inf + res.error_J


# ------------------------------------------------------------------ exceptional points

def near_ep_model(offset):
    H = np.array([[0.0, 0.1 + offset], [0.1 + offset, 0.0]])
    return symehp.Junction(H, np.diag([0.4, 0.0]), np.zeros((2, 2)),
                           [[0.0, 0.1], [0.1, 0.0]], 1.0, 0.05)


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_near_exceptional_point_is_bounded_and_right():
    """Within 1e-7 of the exceptional point of H - i Gamma/2 (eigenvector condition
    number 1.4e3): the spectra agree with an energy integral of matrix-inverse Green's
    functions, and the currents return in bounded time."""
    model = near_ep_model(1e-7)
    H = np.array(model.numeric().H)
    G_L = np.diag([0.4, 0.0])
    M = np.array([[0.0, 0.1], [0.1, 0.0]])

    def kernel(e, w):
        def spectral(x):
            g = np.linalg.inv(x * np.eye(2) - H + 0.5j * G_L)
            return g @ G_L @ g.conj().T
        return np.trace(M @ spectral(e) @ M @ spectral(e - w)).real

    def fermi(x):
        return 0.5 * (1 - np.tanh(x / 0.1))        # T = 0.05

    for w in (0.05, 0.2, 0.5):
        lam = symehp.ehp_dos(model, "LL", w, mu_L=0.3, mu_R=-0.3, T_e=0.05)[0, 0].real
        ref = quad(lambda e: kernel(e, w) * (fermi(e - w - 0.3) - fermi(e - 0.3)), -30, 30,
                   points=[-0.1, 0.0, 0.1, 0.3, 0.3 + w, w], limit=500, epsabs=0,
                   epsrel=1e-12)[0] / TWO_PI
        assert lam == pytest.approx(ref, rel=1e-10)
    start = time.process_time()
    res = symehp.transport(model, mu_L=0.3, mu_R=-0.3, T_e=0.05, T_ph=0.1)
    assert time.process_time() - start < 30
    assert np.isfinite(res.J) and res.error_J <= 1e-9 * abs(res.J)


def test_at_an_exceptional_point_a_clear_error():
    with pytest.raises(symehp.ModelError, match="exceptional point"):
        symehp.energy_current(near_ep_model(1e-12), mu_L=0.3, mu_R=-0.3, T_e=0.05,
                              T_ph=0.05)


# ------------------------------------------------------------------ found by the property tests

def test_far_below_both_fermi_edges_keeps_relative_precision():
    """Lambda^RR far below mu_R (12 = 40 T above the band): f_b - f_a of two numbers near
    1 lost 5.7e-8 of the 1.5e-11 result; (1 - f_a) - (1 - f_b) does not.  Reference: an
    independent quadrature (scipy quad_vec, epsrel 1e-13) and mpmath at 30 digits."""
    H = np.array([[-0.5, -0.5], [-0.5, 0.5]])
    v = np.array([np.sqrt(0.001), -np.sqrt(0.5) * np.exp(0.3j)])
    model = symehp.Junction(H, np.diag([0.3, 0.0]), np.outer(v, v.conj()),
                            [np.array([[0.0, -0.2], [-0.2, -0.03]])], [1.7], [0.003])
    lam = symehp.ehp_dos(model, "RR", -1.4, mu_L=0.0, mu_R=12.0, T_e=0.3)[0, 0].real
    assert lam == pytest.approx(-1.45355293087256973797e-11, rel=1e-9)


def test_subnormal_emission_tail_does_not_warn():
    """An exponentially small (subnormal, 3e-318) emission next to a DOS of 1e-10 made
    the energy quadrature warn that it reached only 5e-5; the values were right."""
    H = np.array([[0.0, 0.1], [0.1, 1.3]])
    model = symehp.Junction(H, np.diag([0.3, 0.0]), np.zeros((2, 2)),
                            [np.diag([-0.003, 0.147])], [1.5], [0.001])
    lam = symehp.ehp_dos(model, "LL", 9.94, mu_L=13.2, mu_R=0.0, T_e=0.014)[0, 0].real
    assert lam == pytest.approx(1.2137240945245635e-10, rel=1e-12)
    for w in np.arange(9.85, 9.95, 0.01):
        symehp.emission_spectrum(model, "LL", w, mu_L=13.2, mu_R=0.0, T_e=0.014)
    res = symehp.transport(model, mu_L=13.2, mu_R=-13.22, T_L=0.014, T_R=1.0, T_ph=0.4)
    assert np.isfinite(res.J) and abs(res.J) < 1e-12


# ------------------------------------------------ the energy-quadrature route at equal T

def test_difference_quotient_against_mpmath():
    """``(f(x_b) - f(x_a)) / d`` of the equal-temperature quadrature, against 80-digit
    mpmath, deep in both tails (|x| = 700 T and beyond), at d -> 0 (where it is
    ``-f'``) and at T = 0."""
    import mpmath as mp
    from symehp.numeric.spectra import _difference_quotient

    mp.mp.dps = 80          # f_b - f_a near f = 1 cancels ~30 digits at d = 1e-12
    T = 0.07
    cases = [(0.3, 0.1), (0.3, 0.3), (0.3, 0.3 - 1e-9), (50.0, 49.0), (-49.0, -50.0),
             (-60.0, 60.0), (1e3, -1e3), (0.0, 0.0), (2e-8, 1e-8), (-3.0, -3.0 + 1e-12)]
    x_a = np.array([c[0] for c in cases])
    x_b = np.array([c[1] for c in cases])
    got = _difference_quotient(x_a, x_b, x_a - x_b, T)
    for (xa, xb), value in zip(cases, got):
        fa = 1 / (mp.exp(mp.mpf(xa) / T) + 1)
        fb = 1 / (mp.exp(mp.mpf(xb) / T) + 1)
        d = mp.mpf(xa) - mp.mpf(xb)
        want = (fb - fa) / d if d != 0 else mp.diff(lambda x: -1 / (mp.exp(x / T) + 1), xa)
        assert abs(value - float(want)) <= 1e-14 * abs(float(want)) + 1e-300, (xa, xb)
    # T = 0: the steps' difference over d, and 0 at d = 0
    cold = _difference_quotient(np.array([0.2, -0.2, 0.1]), np.array([-0.3, 0.3, 0.1]),
                                np.array([0.5, -0.5, 0.0]), 0.0)
    assert np.array_equal(cold, [2.0, 2.0, 0.0])


@pytest.mark.parametrize("T", [0.0, 0.05, 1.0])
def test_equal_temperature_quadrature_matches_closed_form(monkeypatch, T):
    """At T_L = T_R the quadrature fallback integrates ``G = int K (f_b - f_a)/d``
    once: Lambda and Pi^< agree with the digamma closed form to 1e-12 of each entry
    itself, even where Pi^< is 1e-25 of Lambda (w = 3 >> T) and at w = mu_ab
    (d = 0: Lambda = 0, Pi^< = T G), and detailed balance holds to rounding."""
    from symehp.numeric import spectra
    from symehp.numeric.stats import x_bose

    model = symehp.two_level(0.5, -0.3, 0.3, 0.2, 0.1, 0.8, 0.1)
    mu_L, mu_R = 0.3, -0.2
    w = np.array([-1.0, 0.0, 0.3, 0.5, 0.5 + 1e-9, 1.2, 3.0])       # mu_LR = 0.5
    args = dict(mu_L=mu_L, mu_R=mu_R, T_e=T)
    closed = (symehp.ehp_dos(model, "LR", w, **args),
              symehp.emission_spectrum(model, "LR", w, **args))
    calls = []
    monkeypatch.setattr(spectra, "MAX_CANCELLATION", -1.0)         # every point by quadrature
    original = spectra._quadrature
    monkeypatch.setattr(spectra, "_quadrature",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    quad_dos = symehp.ehp_dos(model, "LR", w, **args)
    quad_emi = symehp.emission_spectrum(model, "LR", w, **args)
    assert len(calls) == 2
    for got, want in ((quad_dos, closed[0]), (quad_emi, closed[1])):
        assert np.all(np.abs(got - want) <= 1e-12 * np.abs(want) + 1e-300)
    assert np.all(quad_dos[3] == 0)                                 # d = 0
    if T > 0:
        assert np.all(np.abs(quad_emi[3]) > 0)
    if T < 0.1:                                                     # w = 3 >> T
        assert abs(quad_emi[6, 0, 0]) < 1e-20 * abs(quad_dos[6, 0, 0])
    d = w - (mu_L - mu_R)
    keep = d != 0
    lhs = quad_emi[keep] * d[keep, None, None]
    rhs = quad_dos[keep] * x_bose(d[keep], T)[:, None, None]
    assert np.all(np.abs(lhs - rhs) <= 4e-16 * np.abs(rhs) + 1e-300)


@pytest.mark.parametrize("channel", ["RL", "LR"])
def test_two_temperature_dos_where_its_fermi_integrals_cancel(channel):
    """``Lambda`` at ``T_R = T_L (1 + 4e-15)`` and ``w = mu_ab``: the two Fermi integrals
    of its closed form (each the size of the occupied band) cancel to round-off, and
    the true value, ~4e-15 T dLambda/dT, is far below ``Pi^<``.  The cancellation is
    judged term by term, so the point goes to the energy quadrature: ``Lambda`` stays
    below 1e-9 of ``Pi^<`` (the closed form alone gave 1e-6 of it, found by the
    property tests), and ``Pi^<`` equals its equal-temperature value."""
    v_l = np.array([1.0, 1.0, 1.0, np.sqrt(0.002)]) * np.sqrt(0.5)
    v_r = np.full(4, np.sqrt(0.5))
    model = symehp.Junction(np.diag([1.0, 0, 0, 0]), np.outer(v_l, v_l), np.outer(v_r, v_r),
                            np.diag([0.125, 0, 0, 0]), 1.0, 0.1)
    args = dict(mu_L=0.0, mu_R=0.0, T_L=0.01, T_R=0.01 * (1 + 4e-15))
    dos = symehp.ehp_dos(model, channel, 0.0, **args)
    emi = symehp.emission_spectrum(model, channel, 0.0, **args)
    equal = symehp.emission_spectrum(model, channel, 0.0, mu_L=0.0, mu_R=0.0, T_e=0.01)
    assert np.abs(equal).max() > 0
    assert np.abs(dos).max() <= 1e-9 * np.abs(equal).max()
    assert np.abs(emi - equal).max() <= 1e-9 * np.abs(equal).max()


def test_cancellation_judged_by_what_counts_in_the_current():
    """A narrow level (width 1e-3) 16 away from the Fermi level it couples to, sharp
    modes (gamma_ph ~ 5e-3): Lambda under the modes is ~1e-14 while its peak (where
    the Fermi window reaches the level, far from every mode) is ~1e-3.  Judged
    against that peak, the round-off of the nodes under the modes passed unflagged:
    the frequency integral refined to 200,000 panels (52 s) and warned at 2e-8.
    Weighted by each node's factor in the current, it converges quietly."""
    model = symehp.Junction([[-0.1745693004712039]], [[0.0]], [[0.001]],
                            [np.array([[0.048321441573556057]]), np.array([[1e-09]])],
                            [0.93, 1.6], [0.00521186, 0.00414922])
    res = symehp.transport(model, mu_L=-14.551218171163653, mu_R=15.758525726046313,
                           T_e=0.0206839025886424, T_ph=1.0)
    assert res.J < 0 and res.error_J <= 1e-8 * abs(res.J)
    assert res.J == pytest.approx(res.J_by_channel["RR"], rel=1e-12)


def test_a_channel_that_cancels_everywhere_is_not_judged_by_its_peak(monkeypatch):
    """The same narrow level, 19 from the Fermi level it couples to: its closed form
    cancels ~1e8-fold at every frequency.  Judged against the full peak of the weighted
    Lambda, every node passed, their 1e-8 noise added up over the range, and the
    frequency integral refined for 40 rounds (27-52 s) to a J off by 1e-9 beyond its
    error estimate.  Against 1e-3 of the peak they go to the energy quadrature: J agrees
    with the route that sends every node there, within the estimates."""
    from symehp.numeric import currents

    model = symehp.Junction([[-0.1745693004712039]], [[0.0]], [[0.001]],
                            [np.array([[0.048321441573556057]]), np.array([[1e-09]])],
                            [0.93, 1.6], [0.00521186, 0.00414922])
    args = dict(mu_L=19.264036086150412, mu_R=-19.074036086150414,
                T_e=0.010679580202591816, T_ph=1.0)
    nodes = []
    factory = currents._integrand_factory

    def counting_factory(*a, **k):
        f = factory(*a, **k)
        return lambda w, owner: nodes.append(np.size(w)) or f(w, owner)

    monkeypatch.setattr(currents, "_integrand_factory", counting_factory)
    res = symehp.transport(model, **args)
    # the work is bounded: before, 40 rounds and 6.3 million frequency nodes
    assert len(nodes) <= 20 and sum(nodes) <= 100_000, (len(nodes), sum(nodes))
    monkeypatch.setattr(currents, "_integrand_factory", factory)
    original = currents.diagonal_spectra

    def every_node_by_quadrature(dmodel, data, w, owner, point_scale=None, node_weight=None,
                                 ignore=None):
        values, bad = original(dmodel, data, w, owner)
        return values, np.ones_like(bad)

    monkeypatch.setattr(currents, "diagonal_spectra", every_node_by_quadrature)
    ref = symehp.transport(model, **args)
    assert res.error_J <= 1e-8 * abs(res.J)
    assert abs(res.J - ref.J) <= 10 * (res.error_J + ref.error_J) + 1e-10 * abs(ref.J)


def test_a_channel_far_below_the_others_is_judged_against_them(monkeypatch):
    """Narrow levels (widths 1e-3 and below) 15-18 from both Fermi levels, T = 1: the
    pole-pair sums of LL and RR cancel 1e4-1e6-fold at most frequencies, while those
    channels carry 5e-7 and 5e-11 of the flow of RL.  Judged against their own peaks,
    5,000 nodes went to the energy quadrature (180 s per point; found by the property
    tests, whose time limit interrupted it).  The currents control a channel to rtol
    of itself but never beyond ``CHANNEL_FLOOR`` of the largest channel, and the
    closed form is judged against the same: no node needs the quadrature, and every
    channel equals the all-quadrature values (recorded below from the route before
    the change, which sent those 5,169 nodes through matrix-inverse energy
    quadratures) within the promised accuracy."""
    from symehp.numeric import spectra
    from symehp.numeric.results import CHANNEL_FLOOR

    H = [[-0.2167, 0, 0, -0.0202, 0], [0, 0, 0.076, -0.5, 0],
         [0, 0.076, 0, -0.318 - 0.199j, 0], [-0.0202, -0.5, -0.318 + 0.199j, 0.25, 0.01],
         [0, 0, 0, 0.01, 0]]
    M = [[[-0.0436, -0.2, 0.007 + 0.0118j, -0.0076j, -0.0699],
          [-0.2, -0.1593, -0.1612, 0.2 - 0.1434j, -0.1569],
          [0.007 - 0.0118j, -0.1612, -0.1133, 0, 0], [0.0076j, 0.2 + 0.1434j, 0, 0.1348, 0],
          [-0.0699, -0.1569, 0, 0, -0.1032]],
         [[-0.141, 0, 0.1144, 0.1373, -0.1964], [0, -0.0511, 0, 0.1189, 0],
          [0.1144, 0, 0, 0, 0], [0.1373, 0.1189, 0, 0.0167, 0.0099],
          [-0.1964, 0, 0, 0.0099, 0.0142]]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", symehp.errors.ValidityWarning)  # widths << couplings
        model = symehp.Junction(np.array(H), np.diag([0, 1e-3, 0, 0, 1e-3]),
                                np.diag([1e-3, 0, 0, 0, 0]), [np.array(m) for m in M],
                                [0.3375, 0.5], [0.0794, 0.00845])
        calls = []
        original = spectra._quadrature
        monkeypatch.setattr(spectra, "_quadrature",
                            lambda *a, **k: calls.append(a[2].size) or original(*a, **k))
        res = symehp.transport(model, mu_L=-15.076, mu_R=18.346, T_e=1.0, T_ph=0.0332)
    assert calls == []
    reference = {"LL": 3.8313817007107684e-08, "RR": 3.9463485309469734e-12,
                 "RL": 0.07686417844745608, "LR": -7.465401774971994e-05,
                 "total": 0.0767895627474697}
    largest = abs(reference["RL"])
    for ch, want in reference.items():
        allowed = 10 * res.error_J + 1e-8 * max(abs(want), CHANNEL_FLOOR * largest)
        assert abs(res.J_by_channel[ch] - want) <= allowed, (ch, res.J_by_channel[ch], want)
    assert res.error_J <= 1e-8 * abs(res.J)


def test_nodes_far_above_mu_ab_are_judged_by_their_emission(monkeypatch):
    """A narrow level 16 below mu_R, T = 0.021, T_ph = 0.013, modes at 1.1 and 1.9:
    J (6.8e-24) comes from w ~ T, where Lambda is 1e-5 of its value under the modes;
    there the emission is Boltzmann-small (n_B(w, T) ~ e^-53) and nothing counts.
    Weighted by (1 + n_ph), the round-off of the nodes at w ~ T was judged against that
    peak and passed: the frequency integral refined for 32 rounds (8 million nodes,
    45 s) and warned at 3e-6.  Weighted by min(1, n_B) + n_ph, it converges in two
    rounds to the independent nested quadrature of the property tests."""
    from test_properties import reference_transport
    from symehp.numeric import currents

    arrays = dict(H=np.array([[-0.1745693004712039 + 0j]]), gamma_L=np.zeros((1, 1), complex),
                  gamma_R=np.array([[1e-3 + 0j]]),
                  M=np.array([[[0.048321441573556057 + 0j]], [[1e-05 + 0j]]]),
                  omega=np.array([1.1, 1.9]),
                  gamma_ph=np.array([0.005211857645956525, 0.00414921763118641]))
    model = symehp.Junction(arrays["H"], arrays["gamma_L"], arrays["gamma_R"],
                            list(arrays["M"]), list(arrays["omega"]), list(arrays["gamma_ph"]))
    op = dict(mu_L=-14.551218171163653, mu_R=15.758525726046313, T_L=0.0206839025886424,
              T_R=0.0206839025886424, T_ph=0.012589254117941675)
    nodes = []
    factory = currents._integrand_factory

    def counting_factory(*a, **k):
        f = factory(*a, **k)
        return lambda w, owner: nodes.append(np.size(w)) or f(w, owner)

    monkeypatch.setattr(currents, "_integrand_factory", counting_factory)
    res = symehp.transport(model, **op)
    assert sum(nodes) <= 10_000, (len(nodes), sum(nodes))
    ref = reference_transport(arrays, op)
    assert res.error_J <= 1e-8 * abs(res.J)
    assert abs(res.J - ref["J"]) <= 10 * res.error_J + ref["err"]["J_RR"] + 1e-10 * abs(ref["J"])
