"""The pole-corrected trapezoidal rule of Eq. (8)'s frequency integral (symehp.numeric.lattice)."""

import math
import warnings

import numpy as np
import pytest

import symehp
from symehp.ehp import CHANNELS
from symehp.errors import ValidityWarning
from symehp.numeric import currents, lattice
from symehp.numeric._args import numeric_model
from symehp.numeric.fermi_integrals import phi
from symehp.numeric.poles import pole_expansion
from symehp.numeric.stats import bose_difference

from _shared import random_junction

PAPER = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
#: a low mode (its poles limit the split's sigma) and unequal level widths
LOW_MODE = dict(eps1=0.3, eps2=-0.2, gamma1=0.05, gamma2=0.3, m=0.1, omega=0.3, gamma_ph=0.05)


@pytest.fixture
def spy(monkeypatch):
    """Counts the points that the lattice served (reached rtol on it)."""
    served = []
    original = currents.lattice_currents

    def wrapped(*args, **kwargs):
        out = original(*args, **kwargs)
        served.append(int(np.count_nonzero(out[2])))
        return out
    monkeypatch.setattr(currents, "lattice_currents", wrapped)
    return served


def _adaptive(monkeypatch, model, **kw):
    monkeypatch.setattr(currents, "_LATTICE", False)
    try:
        return symehp.transport(model, **kw)
    finally:
        monkeypatch.setattr(currents, "_LATTICE", True)


def test_lattice_correction_is_the_lattice_sum_of_the_pole_less_its_integral():
    """``C(w) = h sum_j 1/(x_j - w) - int dx/(x - w)``: the closed form against the cotangent
    and against a brute-force symmetric sum (the two halves of the integral cancel up to
    ``i pi sgn(Im w)``)."""
    h = 0.1
    for w, offset in ((1.03 - 0.02j, 0.0), (-0.71 + 0.05j, 0.05), (0.2 - 0.3j, 0.1),
                      (0.013 + 0.001j, 0.0)):
        a = (w - offset) / h
        cot = -math.pi * (1 / np.tan(np.pi * a) + 1j * np.sign(a.imag))
        assert abs(lattice.lattice_correction(w, h, offset) - cot) <= 1e-12 * (1 + abs(cot))
        big = 2_000_000
        x = offset + h * np.arange(-big, big + 1)
        brute = h * np.sum(1 / (x - w))
        integral = np.log((x[-1] - w) / (x[0] - w))          # int_{x_0}^{x_n} dx / (x - w)
        assert abs(lattice.lattice_correction(w, h, offset) - (brute - integral)) < 1e-5
    # exponentially small far from the axis
    assert abs(lattice.lattice_correction(1.0 - 1.0j, 0.05)) < 1e-50


@pytest.mark.parametrize("n", [6, 10, 14])
def test_gauss_erfc_rule_is_exact_for_polynomials(n):
    """``int_0^inf t^k erfc(t) dt = Gamma(k/2 + 1) / ((k + 1) sqrt(pi))`` for k <= 2n - 1."""
    t, w = lattice.gauss_erfc(n)
    assert np.all(t > 0) and np.all(w > 0)
    for k in range(2 * n):
        exact = math.gamma(k / 2 + 1) / ((k + 1) * math.sqrt(math.pi))
        assert abs(np.sum(w * t**k) / exact - 1) < 2e-14, k
    # degree 2n is not integrated exactly (the rule is a genuine n-point Gauss rule)
    exact = math.gamma(n + 1) / ((2 * n + 1) * math.sqrt(math.pi))
    assert abs(np.sum(w * t ** (2 * n)) / exact - 1) > 1e-10


@pytest.mark.parametrize("omega, gamma", [(1.0, 0.05), (0.1, 0.5), (0.3, 0.4)])
def test_mode_poles_are_the_simple_poles_of_w_A_ph(omega, gamma):
    """Roots of ``(w^2 - W^2)^2 + g^2 w^2``, and residues by a contour integral of
    ``R(w) = 2 g w^2 / ((w^2 - W^2)^2 + g^2 w^2)`` around each (an overdamped mode
    has them on the imaginary axis)."""
    model = symehp.Junction(np.diag([0.3, -0.3]), np.diag([0.2, 0.0]), np.diag([0.0, 0.2]),
                            0.1 * np.array([[[0, 1], [1, 0]]]), [omega], [gamma])
    poles, res = lattice.mode_poles(numeric_model(model))
    assert poles.shape == (1, 4)

    def r(w):
        return 2 * gamma * w**2 / ((w**2 - omega**2) ** 2 + gamma**2 * w**2)
    for w0, rho in zip(poles[0], res[0]):
        assert abs((w0**2 - omega**2) ** 2 + gamma**2 * w0**2) < 1e-13
        radius = 0.2 * min(abs(w0 - other) for other in poles[0] if other != w0)
        theta = np.exp(2j * np.pi * np.arange(64) / 64)
        contour = np.mean(r(w0 + radius * theta) * radius * theta)   # (1/2 pi i) oint
        assert abs(contour - rho) < 1e-12 * abs(rho)


def test_no_poles_for_a_critically_damped_or_undamped_mode():
    for omega, gamma in ((1.0, 2.0), (1.0, 0.0)):
        model = symehp.Junction(np.diag([0.3, -0.3]), np.diag([0.2, 0.0]),
                                np.diag([0.0, 0.2]), 0.1 * np.array([[[0, 1], [1, 0]]]),
                                [omega], [gamma])
        assert lattice.mode_poles(numeric_model(model)) is None


def test_strip_halfwidth_of_the_two_level_model():
    """The pair pinch ``(gamma1 + gamma2)/2``, the Fermi-level pinch ``pi T + gamma/2`` and the
    Bose poles ``2 pi T``: the smallest of them."""
    expansion = pole_expansion(numeric_model(symehp.two_level(**PAPER)))
    d = lattice.strip_halfwidth(expansion, np.array([0.05, 0.01, 0.05]),
                                np.array([0.05, 0.05, 0.02]))
    assert np.allclose(d, [0.2, 2 * np.pi * 0.01, 2 * np.pi * 0.02], rtol=1e-12)


def _direct_f(expansion, ch, w, mu_L, mu_R, T_e, T_ph, k):
    """``Lambda_kk(w) [n_B(w - mu_ab) - n_B(w)] / 2pi`` at complex ``w`` from the plain
    divided-difference formula with explicit pole families (no closeness handling: for
    points away from coincidences), the Bose difference in 40-digit mpmath."""
    mus = {"L": mu_L, "R": mu_R}
    mu_a, mu_b = mus[ch.alpha], mus[ch.beta]
    z = expansion.poles
    p, q = z[:, None], z[None, :]
    sp_, sq = expansion.family[:, None] * np.ones((1, z.size)), expansion.family[None, :] * np.ones((z.size, 1))
    d = w - (mu_a - mu_b)
    x = (phi(p + 0 * q, mu_a, T_e, sp_) - phi(p - w + 0 * q, mu_b, T_e, sp_)
         - phi(q + w + 0 * p, mu_a, T_e, sq) + phi(q + 0 * p, mu_b, T_e, sq)) / (d * (p - q - w))
    s = np.sum(expansion.pair_weights(ch.alpha, ch.beta)[k] * x)
    lam = -(d / (2 * np.pi)) * s
    import mpmath as mp
    with mp.workdps(40):                 # the Bose difference without its cancellation
        bose = complex(1 / mp.expm1(mp.mpc(complex(d)) / mp.mpf(T_e))
                       - 1 / mp.expm1(mp.mpc(complex(w)) / mp.mpf(T_ph)))
    return lam * bose / (2 * np.pi)


@pytest.mark.parametrize("model", [symehp.two_level(**PAPER), random_junction(3, 2, 5)],
                         ids=["two-level", "random"])
def test_pole_residues_continue_the_closed_form(model):
    """At real frequencies the residue function's ``F_ab`` is the integrand divided by
    ``R_k``; at the complex mode poles it equals the plain closed form continued to
    complex ``w`` (an independent evaluation of the digammas)."""
    num = numeric_model(model)
    expansion = pole_expansion(num)
    mu_L, mu_R, T_e, T_ph = 0.35, -0.25, 0.05, 0.07
    poles, rho = lattice.mode_poles(num)
    got = lattice.pole_residues(expansion, poles, rho, np.array([mu_L]), np.array([mu_R]),
                                np.array([T_e]), np.array([T_ph]), 1.0)[0]
    for k in range(num.K):
        for m in range(4):
            for c, ch in enumerate(CHANNELS):
                want = rho[k, m] * _direct_f(expansion, ch, poles[k, m], mu_L, mu_R, T_e, T_ph, k)
                assert abs(got[k, m, c] - want) <= 1e-11 * max(abs(want), 1e-300), (k, m, ch.name)
    # real nodes: rho = 1 at "poles" on the axis gives F_ab itself; with one mode the
    # integrand's term_ab is R(w) F_ab(w)
    if num.K == 1:
        w = np.array([[0.13, 0.61, 1.07, 1.9]])
        f = lattice.pole_residues(expansion, w.astype(complex), np.ones((1, 4), complex),
                                  np.array([mu_L]), np.array([mu_R]), np.array([T_e]),
                                  np.array([T_ph]), 1.0)[0, 0]
        integrand = currents._integrand_factory(num, expansion, np.array([mu_L]),
                                                np.array([mu_R]), np.array([T_e]),
                                                np.array([T_e]), np.array([T_ph]), 1.0)
        vals = integrand(w[0][:, None], np.zeros(4, int))[0][:, 0]
        r = w[0] * w[0] * currents.mode_spectral_diagonal(num, w[0])[:, 0]
        for c in range(4):
            assert np.allclose(f[:, c].real * r, vals[:, c], rtol=1e-11, atol=1e-300)
            assert np.all(np.abs(f[:, c].imag) <= 1e-12 * np.abs(f[:, c]) + 1e-300)


CASES = [
    (symehp.two_level(**PAPER), dict(mu_L=np.array([0.025, 0.2, 0.5, 0.95]),
                                     mu_R=-np.array([0.025, 0.2, 0.5, 0.95]), T_e=0.05,
                                     T_ph=0.05)),
    (symehp.two_level(**LOW_MODE), dict(mu_L=np.array([0.1, 0.4]), mu_R=np.array([-0.1, -0.5]),
                                        T_e=0.05, T_ph=0.08)),
    (random_junction(3, 2, 11), dict(mu_L=np.array([0.3, 0.6]), mu_R=np.array([-0.2, -0.1]),
                                     T_e=0.06, T_ph=0.04)),
]


@pytest.mark.parametrize("model, kw", CASES, ids=["paper", "low-mode", "random"])
def test_lattice_agrees_with_the_adaptive_rule(model, kw, spy, monkeypatch):
    """J, I and every channel against the adaptive rule at rtol 1e-13, on points that the
    lattice served; each error estimate covers the true error."""
    res = symehp.transport(model, **kw)
    assert sum(spy) == np.size(kw["mu_L"])                  # every point on the lattice
    ref = _adaptive(monkeypatch, model, rtol=1e-13, **kw)
    top = np.max([np.abs(ref.J_by_channel[c]) for c in ("LL", "RR", "RL", "LR")], axis=0)
    for c in ("LL", "RR", "RL", "LR", "total"):
        got, want = res.J_by_channel[c], ref.J_by_channel[c]
        scale = np.maximum(np.abs(want), 1e-3 * top)
        assert np.all(np.abs(got - want) <= 1e-10 * scale), c
    i_top = np.max([np.abs(ref.I_by_channel[c]) for c in ("RL", "LR")], axis=0)
    for c in ("RL", "LR", "total"):
        got, want = res.I_by_channel[c], ref.I_by_channel[c]
        assert np.all(np.abs(got - want) <= 1e-10 * np.maximum(np.abs(want), 1e-3 * i_top)), c
    assert np.all(res.error_J + ref.error_J >= np.abs(res.J - ref.J))
    assert np.all(res.error_I + ref.error_I >= np.abs(res.I - ref.I))
    assert np.all(res.error_J <= 1e-10 * np.maximum(np.abs(ref.J), 1e-3 * top) + 1e-300)


def test_spin_degeneracy_doubles_the_lattice_result(spy):
    nm = numeric_model(symehp.two_level(**PAPER))
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05)
    one = symehp.transport(nm, **kw)
    two = symehp.transport(symehp.Junction(nm.H, nm.gamma_L, nm.gamma_R, nm.M, nm.omega,
                                           nm.gamma_ph, spin_degeneracy=2), **kw)
    assert sum(spy) == 2
    assert two.J == pytest.approx(2 * one.J, rel=1e-12)
    assert two.I == pytest.approx(2 * one.I, rel=1e-12)


@pytest.mark.parametrize("case", ["narrow level at the origin", "two temperatures",
                                  "cold phonons", "critical mode"])
def test_the_adaptive_rule_takes_what_the_lattice_does_not_serve(case, spy, monkeypatch):
    """A pinch pole near the origin (a narrow level with a diagonal coupling: its pair
    ``z - conj z`` sits at ``-i gamma``, inside the split's Gauss region, and thins the
    strip), ``T_L != T_R``, ``T_ph = 0`` and a critically damped mode go to the adaptive
    rule, with the same result as with the lattice switched off."""
    params, kw = dict(PAPER), dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05)
    warnings.simplefilter("ignore", ValidityWarning)      # (the narrow level's, by design)
    if case == "narrow level at the origin":
        nm = numeric_model(symehp.two_level(**dict(PAPER, gamma1=1e-5)))
        model = symehp.Junction(nm.H, nm.gamma_L, nm.gamma_R, nm.M + np.diag([0.05, 0.0]),
                                nm.omega, nm.gamma_ph)
        res = symehp.transport(model, **kw)
        assert sum(spy) == 0
        ref = _adaptive(monkeypatch, model, **kw)
        assert res.J == ref.J and res.I == ref.I
        return
    if case == "two temperatures":
        kw = dict(mu_L=0.4, mu_R=-0.4, T_L=0.05, T_R=0.08, T_ph=0.05)
    elif case == "cold phonons":
        kw["T_ph"] = 0.0
    else:
        params.update(omega=1.0, gamma_ph=2.0)
    model = symehp.two_level(**params)
    res = symehp.transport(model, **kw)
    assert sum(spy) == 0
    ref = _adaptive(monkeypatch, model, **kw)
    assert res.J == ref.J and res.I == ref.I


def test_a_point_the_lattice_misses_is_refined_or_handed_on(spy, monkeypatch):
    """A spacing far too coarse for rtol: the estimate says so, the point is redone at half
    the spacing; with no halvings allowed it goes to the adaptive rule.  Either way the
    currents are right."""
    model = symehp.two_level(**PAPER)
    kw = dict(mu_L=np.array([0.3, 0.7]), mu_R=np.array([-0.3, -0.7]), T_e=0.05, T_ph=0.05)
    ref = _adaptive(monkeypatch, model, rtol=1e-13, **kw)
    eligible = currents.lattice_eligible

    def coarse(*args, **kwargs):                       # a spacing 2.5 times too coarse
        use, h, n = eligible(*args, **kwargs)
        return use, 2.5 * h, np.ceil(n / 2.5).astype(n.dtype)
    monkeypatch.setattr(currents, "lattice_eligible", coarse)
    calls = []
    original = lattice._lattice_round

    def counting(*args, **kwargs):
        out = original(*args, **kwargs)
        calls.append(out[2].copy())
        return out
    monkeypatch.setattr(lattice, "_lattice_round", counting)
    res = symehp.transport(model, **kw)
    assert not calls[0].any() and calls[-1].all() and len(calls) >= 2
    assert np.allclose(res.J, ref.J, rtol=1e-10)
    calls.clear()
    spy.clear()
    monkeypatch.setattr(lattice, "_MAX_HALVINGS", 0)
    res = symehp.transport(model, **kw)
    assert len(calls) == 1 and not calls[0].any() and sum(spy) == 0
    assert np.allclose(res.J, ref.J, rtol=1e-10)


def test_pole_residues_in_batches_are_the_same_bits(monkeypatch):
    """The residues are computed in batches of points bounded by ``_RESIDUE_BYTES``; a tiny
    budget (one point per batch) gives the same bits as one batch."""
    num = numeric_model(random_junction(3, 2, 3))
    expansion = pole_expansion(num)
    poles, rho = lattice.mode_poles(num)
    mu = np.linspace(-0.3, 0.4, 7)
    args = (expansion, poles, rho, mu, -mu / 2, np.full(7, 0.05), np.full(7, 0.06), 1.3)
    whole = lattice.pole_residues(*args)
    monkeypatch.setattr(lattice, "_RESIDUE_BYTES", 1)
    assert np.array_equal(lattice.pole_residues(*args), whole)


def test_node_count_follows_the_strip_and_the_bias():
    """Nodes per point: the cutoff ``|eV| + (ln(1/rtol) + 12) T`` over the spacing
    ``2 pi d / (ln(1/rtol) + 10)``: linear in the bias, independent of the model's size
    beyond its strip."""
    num = numeric_model(symehp.two_level(**PAPER))
    expansion = pole_expansion(num)
    V = np.array([0.0, 1.0, 2.0])
    use, h, n = lattice.lattice_eligible(num, expansion, V / 2, -V / 2, np.full(3, 0.05),
                                         np.full(3, 0.05), np.full(3, 0.05), 1e-10, 20)
    assert use.all()
    assert np.allclose(h, 2 * np.pi * 0.2 / (math.log(1e10) + 10), rtol=1e-12)
    # with the pair pinches corrected the strip is pi T + gamma/2 (and the spacing wider)
    pinch = lattice.PinchPoles(num, expansion, 1.0)
    _, h2, _ = lattice.lattice_eligible(num, expansion, V / 2, -V / 2, np.full(3, 0.05),
                                        np.full(3, 0.05), np.full(3, 0.05), 1e-10, 20, pinch)
    assert np.allclose(h2, 2 * np.pi * (np.pi * 0.05 + 0.1) / (math.log(1e10) + 10),
                       rtol=1e-12)
    cut = V + (math.log(1e10) + 12) * 0.05
    assert np.array_equal(n, np.ceil(cut / h).astype(int))


def test_pinch_residues_are_the_residues_of_the_closed_form():
    """``Res_w0 term_ab`` from the Fermi-function formula against a contour integral of
    ``R(w) F_ab(w)`` (the plain closed form, :func:`_direct_f`) around each pinch pole."""
    for model in (symehp.two_level(**PAPER), random_junction(3, 1, 7)):
        num = numeric_model(model)
        expansion = pole_expansion(num)
        pinch = lattice.PinchPoles(num, expansion, 0.5)
        assert pinch.locations.size
        mu_L, mu_R, T_e, T_ph = 0.45, -0.3, 0.05, 0.07
        res = pinch.residues(np.array([mu_L]), np.array([mu_R]), np.array([T_e]),
                             np.array([T_ph]), 1.0)[0]
        g, om = num.gamma_ph[0], num.omega[0]
        theta = np.exp(2j * np.pi * np.arange(48) / 48)
        at = 0
        for c, (ch, (w0s, *_)) in enumerate(zip(CHANNELS, pinch.channels)):
            for i, w0 in enumerate(w0s):
                # a radius below the distance to every other singularity
                r = 1e-3
                w = w0 + r * theta
                term = np.array([2 * g * x**2 / ((x**2 - om**2) ** 2 + (g * x) ** 2)
                                 * _direct_f(expansion, ch, x, mu_L, mu_R, T_e, T_ph, 0)
                                 for x in w])
                contour = np.mean(term * r * theta)
                # pinch poles of one location from several pairs add up: compare the sums
                same = np.abs(w0s - w0) < 1e-12
                want = np.sum(res[at:at + w0s.size][same, c])
                assert abs(contour - want) <= 1e-9 * abs(want) + 1e-15, (ch.name, w0)
            at += w0s.size


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")
def test_narrow_levels_are_served_by_the_lattice_against_mpmath(spy):
    """Levels 1e-6 wide (pinch poles 1e-6 from the axis, corrected by their residues):
    the lattice reaches the 25-digit value to ~1e-15, and its estimate covers the error
    (the adaptive rule, resolving the resonance, reaches ~1e-11 here)."""
    model = symehp.two_level(**dict(PAPER, gamma1=1e-6, gamma2=1e-6))
    kw = dict(mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05)
    res = symehp.transport(model, **kw)
    assert sum(spy) == 1
    exact = symehp.transport(model, dps=25, **kw)
    assert abs(res.J - float(exact.J)) <= res.error_J
    assert abs(res.J - float(exact.J)) <= 1e-14 * abs(float(exact.J))
    assert abs(res.I - float(exact.I)) <= res.error_I
    assert res.error_J <= 1e-12 * abs(res.J)


def test_a_pair_resonance_on_a_mode_is_conditioned_honestly(spy, monkeypatch):
    """Level widths 0.02 and 0.03 at eps1 - eps2 = Omega: a pinch pole 3e-4 from a mode
    pole, two residues ~0.6 that cancel to ~0.008; their locations' rounding costs
    ~1e-13 of J, and the error estimate says so."""
    model = symehp.two_level(**dict(PAPER, gamma1=0.02, gamma2=0.03))
    kw = dict(mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05)
    res = symehp.transport(model, **kw)
    assert sum(spy) == 1
    ref = _adaptive(monkeypatch, model, rtol=1e-13, **kw)
    assert abs(res.J - ref.J) <= res.error_J + ref.error_J
    assert res.error_J <= 1e-10 * abs(res.J)


def test_bose_difference_far_below_zero_keeps_its_digits():
    """``n_B(x, T1) - n_B(x, T2)`` at ``Re x << 0`` is ``~exp(x/T1)``: the direct form, two
    values near -1, keeps only ``eps / exp(x/T1)`` of it (4e-9 here)."""
    import mpmath as mp
    x = np.array([-0.48 - 0.0019j, -0.3 + 0.01j, 0.2 - 0.05j])
    got = bose_difference(x, 0.0265, x, 0.012)
    with mp.workdps(40):
        for xi, gi in zip(x, got):
            z = mp.mpc(complex(xi))
            want = complex(1 / mp.expm1(z / mp.mpf(0.0265)) - 1 / mp.expm1(z / mp.mpf(0.012)))
            assert abs(gi - want) <= 1e-14 * abs(want)


def test_an_intra_electrode_channel_off_balance_under_a_narrow_mode(spy, monkeypatch):
    """``T_ph != T_e`` gives the LL channel weight; its residues at the mode poles of
    negative real part carry ``n_B(w, T_e) - n_B(w, T_ph) ~ exp(-18)``: LL to 1e-11 of
    itself against the adaptive rule (it was 1e-10 off with the direct Bose difference)."""
    nm = numeric_model(symehp.two_level(**dict(PAPER, omega=0.48, gamma_ph=0.0038)))
    model = symehp.Junction(nm.H, nm.gamma_L, nm.gamma_R, nm.M + np.diag([0.03, 0.0]),
                            nm.omega, nm.gamma_ph)
    kw = dict(mu_L=0.1, mu_R=-0.12, T_e=0.0265, T_ph=0.012)
    res = symehp.transport(model, **kw)
    assert sum(spy) == 1
    ref = _adaptive(monkeypatch, model, rtol=1e-13, **kw)
    ll, ll_ref = res.J_by_channel["LL"], ref.J_by_channel["LL"]
    assert ll_ref != 0
    assert abs(ll - ll_ref) <= 1e-11 * abs(ll_ref)
    assert abs(res.J - ref.J) <= res.error_J + ref.error_J


def test_channel_split_with_a_low_mode_and_broad_levels(spy, monkeypatch):
    """A low mode (Omega = 0.12: the spacing is capped at |w_p|/15 = 0.008, sigma = 0.02)
    and a level 0.3 wide that both electrodes broaden, with a diagonal coupling: its pair
    ``z - conj z`` is a pinch pole of the LR channel at ``-0.3 i``, on the imaginary
    axis, inside the strip (0.35).  There the split's erf step grows like
    ``exp(y^2/sigma^2)``, faster than the correction falls (``exp(-2 pi y/h)``), so only
    poles within ``pi sigma^2 / h = 0.157`` of the axis are corrected in it; the channels
    agree with the adaptive rule (with every pinch corrected they were off by ~1e-5 of J,
    unseen by the estimate)."""
    h = np.array([[0.3, 0.1], [0.1, -0.4]])
    m = np.array([[[0.05, 0.1], [0.1, 0.0]], [[0.0, 0.06], [0.06, 0.02]],
                  [[0.02, 0.03], [0.03, 0.0]], [[0.01, 0.02], [0.02, 0.01]],
                  [[0.0, 0.02], [0.02, 0.0]]])
    model = symehp.Junction(h, np.diag([0.15, 0.0]), np.diag([0.15, 0.2]), m,
                            [0.12, 1.0, 1.4, 0.7, 1.8], [0.0015, 0.05, 0.1, 0.03, 0.2])
    kw = dict(mu_L=np.array([0.25, 0.15]), mu_R=np.array([-0.25, -0.2]), T_e=0.08,
              T_ph=0.08)
    res = symehp.transport(model, **kw)
    assert sum(spy) == 2
    ref = _adaptive(monkeypatch, model, rtol=1e-13, **kw)
    for c in ("RL", "LR"):
        assert np.all(np.abs(res.J_by_channel[c] - ref.J_by_channel[c])
                      <= 1e-10 * np.abs(ref.J)), c
        assert np.all(np.abs(res.J_by_channel[c] - ref.J_by_channel[c])
                      <= res.error_J + ref.error_J), c
        assert np.all(np.abs(res.I_by_channel[c] - ref.I_by_channel[c])
                      <= 1e-10 * np.abs(ref.I)), c


def test_complex_fermi_and_bose_factors():
    """On the real axis they are ``stats.fermi`` and ``stats.bose``; off it, the 30-digit
    values; far above and below, their limits without overflow."""
    import mpmath as mp
    from symehp.numeric import stats
    x = np.array([-0.7, -0.01, 0.03, 0.4])
    assert np.allclose(stats.fermi_complex(x, 0.05).real, stats.fermi(x, 0.05), rtol=1e-14)
    assert np.allclose(stats.bose_complex(x, 0.05).real, stats.bose(x, 0.05), rtol=1e-14)
    z = np.array([0.3 - 0.1j, -0.2 + 0.05j, 0.01 + 0.2j])
    with mp.workdps(30):
        for zi, f, b in zip(z, stats.fermi_complex(z, 0.07), stats.bose_complex(z, 0.07)):
            u = mp.mpc(complex(zi)) / mp.mpf(0.07)
            assert abs(f - complex(1 / (mp.exp(u) + 1))) <= 1e-14 * abs(f)
            assert abs(b - complex(1 / mp.expm1(u))) <= 1e-14 * abs(b)
    far = np.array([80.0 + 1j, -80.0 + 1j])
    with np.errstate(all="raise"):
        assert np.array_equal(stats.fermi_complex(far, 0.05), [0, 1])
        assert np.array_equal(stats.bose_complex(far, 0.05), [0, -1])
