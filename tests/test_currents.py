"""Tests of the currents of Eq. (8): symehp.transport / energy_current / particle_current.

Every number is checked against something the package does not compute itself:
thermodynamic limits (equilibrium, sign of the heat flow), symmetries of the
model (mirror L <-> R), an independent evaluation of Eq. (8) as printed, an
independent double quadrature of the conventions' general formula with Green's
functions from ``np.linalg.inv``, and a closed-window double integral at T = 0.
"""

import warnings

import numpy as np
import pytest
from scipy.integrate import quad, quad_vec
from scipy.special import expit

import symehp

TWO_PI = 2 * np.pi
NAMES = ("LL", "RR", "RL", "LR")


# ------------------------------------------------------------------ models

def paper_model():
    """The two-level model of the brief, eps1 - eps2 = Omega."""
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)


from _shared import GL3, GPH3, GR3, H3, M3, OM3, adaptive_gauss, three_level_model  # noqa: E402,F401,E501


# ------------------------------------------------------------------ independent helpers

def ref_bose(x, T):
    return 1.0 / np.expm1(x / T)


def ref_x_bose(x, T):
    """x n_B(x, T) with its limit T at x = 0."""
    return T if x == 0 else x / np.expm1(x / T)


def ref_fermi(x, T):
    return expit(-x / T)


def ref_a_ph(w, omega, gamma):
    """Diagonal of A_ph = D^r Gamma_ph D^a for ohmic damping."""
    return 2 * w * gamma / ((w**2 - omega**2) ** 2 + (w * gamma) ** 2)


def lorentz(e, e0, g):
    return g / ((e - e0) ** 2 + g**2 / 4)


def channel_values(mapping):
    return np.array([mapping[n] for n in NAMES])


# ------------------------------------------------------------------ equilibrium

EQUILIBRIUM = [
    pytest.param(paper_model, 0.0, {"T_e": 0.1}, 0.1, id="two-level-mu0"),
    pytest.param(paper_model, 0.35, {"T_e": 0.15}, 0.15, id="two-level-mu0.35"),
    pytest.param(paper_model, -0.2, {"T_L": 0.12, "T_R": 0.12}, 0.12, id="two-level-TL=TR=Tph"),
    pytest.param(three_level_model, 0.0, {"T_e": 0.1}, 0.1, id="three-level-mu0"),
    pytest.param(three_level_model, 0.3, {"T_e": 0.15}, 0.15, id="three-level-mu0.3"),
    pytest.param(three_level_model, -0.25, {"T_L": 0.2, "T_R": 0.2}, 0.2,
                 id="three-level-TL=TR=Tph"),
]


@pytest.mark.parametrize("make, mu, temps, T_ph", EQUILIBRIUM)
def test_equilibrium_no_current(make, mu, temps, T_ph):
    model = make()
    res = symehp.transport(model, mu_L=mu, mu_R=mu, T_ph=T_ph, **temps)
    # gross scale: the emission part alone (T_ph = 0 removes the absorption term)
    gross = symehp.transport(model, mu_L=mu, mu_R=mu, T_ph=0.0, **temps)
    scale = max(abs(v) for v in channel_values(gross.J_by_channel))
    assert scale > 1e-8
    assert abs(res.J) < 1e-12 * scale
    assert abs(res.I) < 1e-12 * scale
    for name in NAMES:
        assert abs(res.J_by_channel[name]) < 1e-12 * scale, name
        assert abs(res.I_by_channel[name]) < 1e-12 * scale, name


# ------------------------------------------------------------------ channel bookkeeping

def test_channels_sum_to_total_and_labels():
    model = three_level_model()
    res = symehp.transport(model, mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2)
    j = res.J_by_channel
    assert set(j) == {"LL", "RR", "RL", "LR", "total"}
    # all four channels are active in this model
    assert all(abs(j[n]) > 1e-7 for n in NAMES)
    assert j["total"] == pytest.approx(sum(j[n] for n in NAMES), rel=1e-13, abs=0)
    assert res.J == j["total"]
    for label, name in zip((1, 2, 3, 4), NAMES):
        assert j[label] == j[name]
        assert res.I_by_channel[label] == res.I_by_channel[name]
    i = res.I_by_channel
    assert i["LL"] == 0 and i["RR"] == 0
    assert i["total"] == pytest.approx(i["LR"] + i["RL"], rel=1e-13, abs=0)
    assert res.I == i["total"]
    # the public wrappers return the same mappings
    jc = symehp.energy_current(model, mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2, by_channel=True)
    ic = symehp.particle_current(model, mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2, by_channel=True)
    assert jc[4] == j["LR"] and ic[3] == i["RL"]
    assert symehp.energy_current(model, mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2) == res.J
    assert symehp.particle_current(model, mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2) == res.I


def test_two_level_only_inter_channels():
    """M off-diagonal and each level on one lead: tr[M A_a M A_a] = 0 exactly."""
    res = symehp.transport(paper_model(), mu_L=0.4, mu_R=-0.3, T_e=0.12, T_ph=0.2)
    assert res.J_by_channel["LL"] == 0.0
    assert res.J_by_channel["RR"] == 0.0
    assert abs(res.J_by_channel["LR"]) > 1e-6
    assert abs(res.J_by_channel["RL"]) > 1e-6
    assert res.I_by_channel["LR"] > 0          # forward flow at forward bias


# ------------------------------------------------------------------ Eq. (8) as printed

def eq8_reference(model, mu_L, mu_R, T_e, T_ph):
    """Eq. (8): sum_ab int dw/2pi w Tr[Lambda A_ph] (n_B(w - mu_ab, T_e) - n_B(w, T_ph)).

    Lambda from symehp.ehp_dos; everything else (A_ph, Bose factors, the
    frequency quadrature) is written here.
    """
    num = model.numeric()
    mus = {"L": mu_L, "R": mu_R}

    def integrand(w):
        a_ph = ref_a_ph(w, num.omega, num.gamma_ph)
        total = 0.0
        for name in NAMES:
            mu_ab = mus[name[0]] - mus[name[1]]
            lam = symehp.ehp_dos(model, name, w, mu_L=mu_L, mu_R=mu_R, T_e=T_e)
            tr = float(np.sum(np.real(np.diagonal(lam)) * a_ph))
            total += w * tr * (ref_bose(w - mu_ab, T_e) - ref_bose(w, T_ph))
        return total / TWO_PI

    V = abs(mu_L - mu_R)
    cutoff = V + 45 * max(T_e, T_ph)
    pts = [V] + [x for w0, g in zip(num.omega, num.gamma_ph)
                 for x in (w0 - 5 * g, w0 - g, w0, w0 + g, w0 + 5 * g)]
    pts = sorted({p for p in pts if 0 < p < cutoff})
    val, err = quad(integrand, 0.0, cutoff, points=pts, epsabs=0, epsrel=1e-12, limit=400)
    return val


@pytest.mark.parametrize("make, mu_L, mu_R, T_e, T_ph", [
    pytest.param(paper_model, 0.6, -0.6, 0.1, 0.15, id="two-level-V1.2"),
    pytest.param(paper_model, 0.1, 0.1, 0.1, 0.2, id="two-level-no-bias"),
    pytest.param(three_level_model, 0.25, -0.35, 0.12, 0.08, id="three-level-V0.6"),
])
def test_equal_temperatures_reduce_to_eq8(make, mu_L, mu_R, T_e, T_ph):
    model = make()
    j_te = symehp.energy_current(model, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_ph=T_ph)
    j_lr = symehp.energy_current(model, mu_L=mu_L, mu_R=mu_R, T_L=T_e, T_R=T_e, T_ph=T_ph)
    assert j_te == j_lr
    ref = eq8_reference(model, mu_L, mu_R, T_e, T_ph)
    assert abs(ref) > 1e-8
    assert j_te == pytest.approx(ref, rel=1e-8, abs=0)


# ------------------------------------------------------------------ thermally biased electrodes

def test_thermal_bias_mirror_symmetry():
    """Relabelling levels and leads (L <-> R) keeps J and reverses I.

    two_level(e1, e2, g1, g2) with (mu_L, mu_R, T_L, T_R) is the same physical
    system as two_level(e2, e1, g2, g1) with (mu_R, mu_L, T_R, T_L).
    """
    a = symehp.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05)
    b = symehp.two_level(-0.5, 0.5, 0.3, 0.2, 0.1, 1.0, 0.05)
    ra = symehp.transport(a, mu_L=0.0, mu_R=0.0, T_L=0.08, T_R=0.16, T_ph=0.12)
    rb = symehp.transport(b, mu_L=0.0, mu_R=0.0, T_L=0.16, T_R=0.08, T_ph=0.12)
    assert np.isfinite(ra.J) and np.isfinite(ra.I)
    assert abs(ra.J) > 1e-7 and abs(ra.I) > 1e-7
    assert rb.J == pytest.approx(ra.J, rel=1e-9)
    assert rb.I == pytest.approx(-ra.I, rel=1e-9)
    assert rb.J_by_channel["LR"] == pytest.approx(ra.J_by_channel["RL"], rel=1e-9)
    assert rb.J_by_channel["RL"] == pytest.approx(ra.J_by_channel["LR"], rel=1e-9)


def test_thermal_bias_continuous_at_equal_temperatures():
    model = symehp.two_level(0.5, -0.4, 0.2, 0.3, 0.1, 1.0, 0.05, hopping=0.05)
    T_L, T_ph = 0.1, 0.13
    common = dict(mu_L=0.05, mu_R=0.05, T_ph=T_ph)
    equal = symehp.transport(model, T_L=T_L, T_R=T_L, **common)
    near = symehp.transport(model, T_L=T_L, T_R=T_L * (1 + 1e-6), **common)
    # slope dJ/dT_R from a centred difference through the unequal-T path
    h = 1e-3 * T_L
    up = symehp.energy_current(model, T_L=T_L, T_R=T_L + h, **common)
    down = symehp.energy_current(model, T_L=T_L, T_R=T_L - h, **common)
    slope = (up - down) / (2 * h)
    expected = equal.J + slope * T_L * 1e-6
    assert np.isfinite(near.J)
    assert abs(near.J - equal.J) < 1e-5 * abs(equal.J)
    # the tiny step moves J by the amount the slope predicts (to 2%)
    assert abs(near.J - expected) < 0.02 * abs(slope * T_L * 1e-6) + 1e-12 * abs(equal.J)
    for name in NAMES:
        assert near.J_by_channel[name] == pytest.approx(equal.J_by_channel[name], rel=1e-4,
                                                        abs=1e-10 * abs(equal.J))


# ------------------------------------------------------------------ signs

@pytest.mark.parametrize("T_ph, sign", [(0.05, +1), (0.2, -1)])
def test_cold_spot_sign(T_ph, sign):
    """eps1 - eps2 = Omega, no bias: a colder ph-bath is heated (J > 0) and pumps
    electrons L -> R (emission moves level 1 (L) to level 2 (R)); a hotter one the reverse."""
    res = symehp.transport(paper_model(), mu_L=0.0, mu_R=0.0, T_e=0.1, T_ph=T_ph)
    assert sign * res.J > 1e-8
    assert sign * res.I > 1e-8


def test_cold_spot_equal_temperature_no_particle_current():
    res = symehp.transport(paper_model(), mu_L=0.0, mu_R=0.0, T_e=0.1, T_ph=0.1)
    assert abs(res.I) < 1e-15
    assert abs(res.J) < 1e-15


def test_channel4_heats_at_resonant_bias():
    res = symehp.transport(paper_model(), mu_L=0.6, mu_R=-0.6, T_e=0.1, T_ph=0.1)
    assert res.J_by_channel["LR"] > 1e-4
    assert res.J > 1e-4
    assert res.I > 0


def test_reverse_geometry_cools_at_small_bias():
    """eps2 - eps1 = Omega (level 1 on L below level 2 on R): at a small forward bias
    electrons pass L -> R by absorbing a quantum (the reverse of channel-3 emission),
    so the bias cools the modes."""
    model = symehp.two_level(-0.5, 0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    res = symehp.transport(model, mu_L=0.15, mu_R=-0.15, T_e=0.2, T_ph=0.2)
    assert res.J < -1e-6
    assert res.J_by_channel["RL"] < 0


# ------------------------------------------------------------------ independent brute force

def brute_force(mu_L, mu_R, T_L, T_R, T_ph):
    """Per-channel J_ab and I_ab of the 3-level model by direct double quadrature.

    Inner: int de/2pi tr[M^k A_a(e) M^k A_b(e - w)] times f_a (1 - f_b) (emission) and
    f_b - f_a (DOS), with A_a = G Gamma_a G^+ and G = inv(e - H + i (Gamma_L + Gamma_R)/2).
    Outer: int_0^inf dw/2pi (w) sum_k A_ph,kk (Pi^<_kk - Lambda_kk n_B(w, T_ph)).
    Inner by ``_shared.adaptive_gauss`` (vectorized over energies), outer by
    ``scipy.integrate.quad_vec``, both to 1e-9 of the max-norm.
    """
    heff = H3 - 0.5j * (GL3 + GR3)
    eye = np.eye(3)
    gam = np.array([GL3, GR3])
    chans = [(0, 0), (1, 1), (1, 0), (0, 1)]          # LL, RR, RL, LR (lead indices)
    ia = np.array([c[0] for c in chans])
    ib = np.array([c[1] for c in chans])
    mus, temps = np.array([mu_L, mu_R]), np.array([T_L, T_R])
    mua, mub, ta, tb = mus[ia], mus[ib], temps[ia], temps[ib]
    levels = np.linalg.eigvalsh(H3)
    t_max = max(T_L, T_R)

    def inner(w):
        def f(e):                                              # e: (k,) energies
            k = e.size
            g = np.linalg.inv(np.concatenate([e, e - w])[:, None, None] * eye - heff)
            gd = np.conj(np.swapaxes(g, -1, -2))
            a = g[:, None] @ gam[None] @ gd[:, None]           # (2k, lead, N, N)
            ma = M3[None, None] @ a[:, :, None]                # (2k, lead, K, N, N)
            x, y = ma[:k][:, ia], ma[k:][:, ib]                # (k, channel, K, N, N)
            tr = (x * np.swapaxes(y, -1, -2)).sum((-1, -2)).real / TWO_PI
            fa = ref_fermi(e[:, None] - mua, ta)               # (k, channel)
            fb = ref_fermi(e[:, None] - w - mub, tb)
            hb = ref_fermi(-(e[:, None] - w - mub), tb)        # 1 - f_b without cancellation
            return np.stack([tr * (fa * hb)[..., None], tr * (fb - fa)[..., None]], -1)
        lo = min(mu_L, mu_R) - 38 * t_max
        hi = max(mu_L, mu_R) + w + 38 * t_max
        pts = [mu_L, mu_R, mu_L + w, mu_R + w, *levels, *(levels + w)]
        pts = [lo] + sorted({float(p) for p in pts if lo < p < hi}) + [hi]
        return adaptive_gauss(f, pts, rtol=1e-9)               # (channel, K, [emission, dos])

    def outer(w):
        s = inner(w)
        a_over_w = 2 * GPH3 / ((w**2 - OM3**2) ** 2 + (w * GPH3) ** 2)
        wn = ref_x_bose(w, T_ph)
        flow = ((w * a_over_w * s[:, :, 0]).sum(-1) - wn * (a_over_w * s[:, :, 1]).sum(-1))
        return np.concatenate([w * flow, flow]) / TWO_PI

    V = mu_L - mu_R
    cutoff = abs(V) + 45 * max(T_L, T_R, T_ph)
    pts = [abs(V), *np.abs(levels[:, None] - levels[None, :]).ravel()]
    for w0, g in zip(OM3, GPH3):
        pts += [w0 - 5 * g, w0 - g, w0, w0 + g, w0 + 5 * g]
    pts = sorted({float(p) for p in pts if 0 < p < cutoff})
    val, _ = quad_vec(outer, 0.0, cutoff, epsrel=1e-9, epsabs=0, norm="max", points=pts,
                      limit=1000)
    J = dict(zip(NAMES, val[:4]))
    flows = dict(zip(NAMES, val[4:]))
    I = {"LL": 0.0, "RR": 0.0, "RL": -flows["RL"], "LR": flows["LR"]}
    return J, I


@pytest.mark.parametrize("mu_L, mu_R, temps, T_ph", [
    pytest.param(0.4, -0.4, {"T_L": 0.1, "T_R": 0.1}, 0.2, id="bias-Te!=Tph"),
    pytest.param(0.4, -0.4, {"T_L": 0.08, "T_R": 0.15}, 0.12, id="bias-TL!=TR",
                 marks=pytest.mark.slow),                # T_L != T_R: 20 s in symehp alone
])
def test_brute_force_three_level(mu_L, mu_R, temps, T_ph):
    J_ref, I_ref = brute_force(mu_L, mu_R, temps["T_L"], temps["T_R"], T_ph)
    res = symehp.transport(three_level_model(), mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, **temps)
    for name in NAMES:
        assert abs(J_ref[name]) > 1e-6
        assert res.J_by_channel[name] == pytest.approx(J_ref[name], rel=1e-7, abs=0), name
    for name in ("RL", "LR"):
        assert abs(I_ref[name]) > 1e-6
        assert res.I_by_channel[name] == pytest.approx(I_ref[name], rel=1e-7, abs=0), name
    assert res.J == pytest.approx(sum(J_ref.values()), rel=1e-7, abs=0)
    assert res.I == pytest.approx(I_ref["LR"] + I_ref["RL"], rel=1e-7, abs=0)


# ------------------------------------------------------------------ accuracy

@pytest.mark.parametrize("make, kwargs", [
    pytest.param(paper_model, dict(mu_L=0.6, mu_R=-0.6, T_e=0.1, T_ph=0.15), id="two-level"),
    pytest.param(three_level_model, dict(mu_L=0.3, mu_R=-0.2, T_e=0.1, T_ph=0.05),
                 id="three-level"),
])
def test_error_estimate_and_tolerance(make, kwargs):
    model = make()
    res = symehp.transport(model, **kwargs)
    assert 0 <= res.error_J < 1e-8 * abs(res.J)
    assert 0 <= res.error_I < 1e-8 * abs(res.I)
    tight = symehp.transport(model, rtol=1e-12, **kwargs)
    assert tight.J == pytest.approx(res.J, rel=1e-9, abs=0)
    assert tight.I == pytest.approx(res.I, rel=1e-9, abs=0)


# ------------------------------------------------------------------ sweeps
# (broadcasting, scalar in -> float out and bad input: tests/test_contract.py)

def test_more_bias_more_forward_current():
    res = symehp.transport(paper_model(), mu_L=np.array([0.2, 0.5, 0.8]), mu_R=-0.3, T_e=0.1,
                           T_ph=0.12)
    assert np.all(np.diff(res.I) > 0)


# ------------------------------------------------------------------ zero temperature

def t0_reference(V, eps1=0.5, eps2=-0.5, g1=0.2, g2=0.2, m=0.1, omega=1.0, gph=0.05):
    """Two-level model at T_e = T_ph = 0, mu_L = V/2 = -mu_R, V > 0.

    Only channel LR emits (w < V), nothing absorbs (n_B(w, 0) = 0):
    J = int_0^V dw/2pi w A_ph(w) Pi^<(w), Pi^<(w) = int_{mu_R + w}^{mu_L} de/2pi m^2 L1(e) L2(e - w).
    """
    mu_L, mu_R = V / 2, -V / 2

    def pi_less(w):
        val, _ = quad(lambda e: m**2 * lorentz(e, eps1, g1) * lorentz(e - w, eps2, g2),
                      mu_R + w, mu_L, epsabs=0, epsrel=1e-12, limit=200,
                      points=[p for p in (eps1, eps2 + w) if mu_R + w < p < mu_L] or None)
        return val / TWO_PI

    pts = [p for p in (omega - 5 * gph, omega - gph, omega, omega + gph, omega + 5 * gph,
                       eps1 - eps2) if 0 < p < V] or None
    J, _ = quad(lambda w: w * ref_a_ph(w, omega, gph) * pi_less(w) / TWO_PI, 0, V,
                epsabs=0, epsrel=1e-11, limit=200, points=pts)
    I, _ = quad(lambda w: ref_a_ph(w, omega, gph) * pi_less(w) / TWO_PI, 0, V,
                epsabs=0, epsrel=1e-11, limit=200, points=pts)
    return J, I


@pytest.mark.parametrize("V", [1.2, 0.2])
def test_zero_temperature(V):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = symehp.transport(paper_model(), mu_L=V / 2, mu_R=-V / 2, T_e=0, T_ph=0)
    J_ref, I_ref = t0_reference(V)
    assert np.isfinite(res.J) and res.J > 0 and res.I > 0
    assert res.J == pytest.approx(J_ref, rel=1e-8)
    assert res.I == pytest.approx(I_ref, rel=1e-8)
    assert res.J_by_channel["LR"] == res.J
    for name in ("LL", "RR", "RL"):
        assert res.J_by_channel[name] == 0.0


def test_zero_temperature_threshold_and_continuity():
    model = paper_model()
    above = symehp.energy_current(model, mu_L=0.6, mu_R=-0.6, T_e=0, T_ph=0)
    below = symehp.energy_current(model, mu_L=0.1, mu_R=-0.1, T_e=0, T_ph=0)
    assert above > 1e-3
    assert 0 < below < 1e-5 * above          # below threshold only Lorentzian tails emit
    # T -> 0 is continuous (Sommerfeld corrections ~ (T / gamma_ph)^2)
    warm = symehp.energy_current(model, mu_L=0.6, mu_R=-0.6, T_e=1e-4, T_ph=1e-4)
    assert warm == pytest.approx(above, rel=1e-4)
    # no bias at T = 0: nothing at all
    assert symehp.energy_current(model, mu_L=0, mu_R=0, T_e=0, T_ph=0) == 0.0


# ------------------------------------------------------------------ fast route and quadrature

from symehp.numeric import currents as _currents  # noqa: E402
from symehp.numeric.poles import pole_expansion  # noqa: E402
from symehp.numeric.quadrature import integrate_panels  # noqa: E402


def general_route(monkeypatch, model, **kwargs):
    """Eq. (8) with every node sent through the general route (channel_spectra, contour
    integrals for the removable singularities), at rtol = 1e-13."""
    fast = _currents.diagonal_spectra

    def all_bad(dm, data, w, owner, *args, **kwargs):
        values, bad = fast(dm, data, w, owner, *args, **kwargs)
        return values, np.ones_like(bad)

    with monkeypatch.context() as m:
        m.setattr(_currents, "diagonal_spectra", all_bad)
        return symehp.transport(model, rtol=1e-13, **kwargs)


@pytest.mark.parametrize("make, kwargs", [
    pytest.param(paper_model, dict(mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05), id="resonant"),
    pytest.param(paper_model, dict(mu_L=np.array([0.0, 0.3, 0.9]), mu_R=-0.3, T_e=0.02,
                                   T_ph=0.1), id="sweep"),
    pytest.param(three_level_model, dict(mu_L=0.3, mu_R=-0.2, T_e=1e-3, T_ph=0.05),
                 id="three-level-cold"),
    pytest.param(three_level_model, dict(mu_L=np.array([0.6, 0.2, 0.4]), mu_R=-0.6,
                                         T_L=np.array([0.05, 0.08, 0.0]),
                                         T_R=np.array([0.05, 0.03, 0.0]), T_ph=0.05),
                 id="mixed-chunk", marks=pytest.mark.slow),   # its T_L != T_R row: 30 s
])
def test_fast_route_matches_general_route(monkeypatch, make, kwargs):
    """The mode-diagonal fast route (equal electrode temperatures) against the general
    route, per channel, in one chunk with unequal-temperature and T = 0 points too."""
    model = make()
    res = symehp.transport(model, **kwargs)
    ref = general_route(monkeypatch, model, **kwargs)
    scale = np.maximum(np.abs(ref.J), 1e-12)
    for name in NAMES:
        err = np.abs(np.asarray(res.J_by_channel[name]) - ref.J_by_channel[name])
        assert np.all(err <= 1e-9 * scale), name
    assert np.all(np.abs(res.I - ref.I) <= 1e-9 * np.maximum(np.abs(ref.I), 1e-12))
    assert np.all(np.abs(res.J - ref.J) <= np.maximum(res.error_J, 1e-11 * scale))


def dense_reference(model, mu_L, mu_R, T_e, T_ph):
    """Eq. (8) with breakpoints on a dense geometric grid (1e-8 .. cutoff) added to the
    physical ones: no feature can hide between nodes."""
    numeric = model.numeric()
    expansion = pole_expansion(numeric)
    args = [np.array([x], float) for x in (mu_L, mu_R, T_e, T_e, T_ph)]
    edges = _currents._edges(numeric, expansion, mu_L - mu_R, T_e, T_e, T_ph)
    grid = np.geomspace(1e-8, edges[-1], 400)
    for x0 in (abs(mu_L - mu_R), *numeric.omega):
        steps = np.geomspace(1e-8, 1, 60)
        grid = np.concatenate([grid, x0 + steps, x0 - steps])
    edges = np.unique(np.concatenate([edges, grid[(grid > 0) & (grid < edges[-1])]]))
    f = _currents._integrand_factory(numeric, expansion, *args, 1.0)
    total, _ = integrate_panels(f, [edges], rtol=1e-13)
    return total[0, :4].sum(), total[0, 5] - total[0, 4]


@pytest.mark.parametrize("T", [1e-4, 1e-3])
def test_cold_thermal_layers_are_resolved(T):
    """At low T the Bose factor of the bath (width T_ph at w = 0) and the Fermi edge at
    |eV| (width T_e) are boundary layers much narrower than their panels; without
    breakpoints on their scale no node sees them (the former quadrature missed the
    absorption near w = 0 by 3e-9 relative while estimating 1e-13)."""
    from _shared import three_level_simple
    model = three_level_simple()
    res = symehp.transport(model, mu_L=0.5, mu_R=-0.5, T_e=T, T_ph=T)
    J_ref, I_ref = dense_reference(model, 0.5, -0.5, T, T)
    assert res.J == pytest.approx(J_ref, rel=1e-11, abs=0)
    assert res.I == pytest.approx(I_ref, rel=1e-11, abs=0)


def test_default_error_estimate_is_honest_on_the_benchmark_sweep():
    """Issue 3's benchmark model at the default rtol (1e-10), at bias points across the
    sweep including the resonance eV = Omega, against Eq. (8) as printed integrated by
    scipy's quad at epsrel 1e-12: the difference is within the reported error estimate
    (plus the reference's own tolerance) and within 1e-10.  (This test compared with
    symehp at rtol = 1e-13 before, which is below the round-off floor of exp/log on
    some CPUs: it failed on every run there.)"""
    model = paper_model()
    V = np.array([0.7, 1.0, 2.0])
    res = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05)
    for i, v in enumerate(V):
        ref = eq8_reference(model, v / 2, -v / 2, 0.05, 0.05)
        assert abs(res.J[i] - ref) <= res.error_J[i] + 2e-12 * abs(ref), v
        assert abs(res.J[i] - ref) <= 1e-10 * abs(ref), v
    # at equilibrium J = 0 exactly: whatever is returned lies within its estimate
    eq = symehp.transport(model, mu_L=0.0, mu_R=0.0, T_e=0.05, T_ph=0.05)
    assert abs(eq.J) <= eq.error_J and abs(eq.I) <= eq.error_I


# ------------------------------------------------------------------ the public result types
def test_channel_mapping_is_a_mapping_with_normalized_keys():
    """``parts[4]``, ``4 in parts``, ``parts.get(4)`` and a Channel object all mean "LR"."""
    from collections.abc import Mapping
    model = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                             gamma_ph=0.05)
    args = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
    parts = symehp.energy_current(model, by_channel=True, **args)
    assert isinstance(parts, Mapping)
    lr = parts["LR"]
    assert parts[4] == lr and parts.get(4) == lr and parts[symehp.channel("LR")] == lr
    assert 4 in parts and "LR" in parts and symehp.channel(4) in parts and "total" in parts
    assert 5 not in parts and "XX" not in parts and parts.get("XX", "none") == "none"
    assert parts[1] == parts["LL"] and parts[3] == parts["RL"]
    with pytest.raises(KeyError):
        parts["XX"]
    occ = symehp.mode_occupation(model, **args)
    assert occ.damping_by_channel[4] == occ.damping_by_channel["LR"]
    assert "ph" in occ.damping_by_channel and 4 in occ.emission_by_channel


def test_numeric_junction_is_accepted_by_the_numeric_functions():
    model = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                             gamma_ph=0.05)
    nm = model.numeric()
    args = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05)
    assert symehp.energy_current(nm, T_ph=0.05, **args) == \
        symehp.energy_current(model, T_ph=0.05, **args)
    assert np.array_equal(symehp.ehp_dos(nm, "LR", [0.5, 1.0], **args),
                          symehp.ehp_dos(model, "LR", [0.5, 1.0], **args))
    assert symehp.mode_occupation(nm, T_ph=0.05, **args).n == \
        symehp.mode_occupation(model, T_ph=0.05, **args).n
    with pytest.raises(symehp.ModelError, match="must be a symehp.Junction"):
        symehp.energy_current("model", T_ph=0.05, **args)


def test_the_shortcuts_share_one_computation(monkeypatch):
    """energy_current then particle_current with the same arguments run transport once;
    different numbers (model or argument) run it again; what they hand out are copies."""
    from symehp.numeric import currents
    calls = []
    real = currents.transport

    def counting(*a, **kw):
        calls.append(kw)
        return real(*a, **kw)

    monkeypatch.setattr(currents, "transport", counting)
    monkeypatch.setattr(currents, "_RECENT", {})
    model = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                             gamma_ph=0.05)
    V = np.array([0.8, 1.2])
    args = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05)
    J = symehp.energy_current(model, **args)
    I = symehp.particle_current(model, **args)
    assert len(calls) == 1
    ref = real(model, **args)
    assert np.array_equal(J, ref.J) and np.array_equal(I, ref.I)
    J[:] = 0.0                                   # the caller's copy, not the cache's
    assert np.array_equal(symehp.energy_current(model, **args), ref.J) and len(calls) == 1
    symehp.energy_current(model, **dict(args, T_ph=0.0500001))
    assert len(calls) == 2
    other = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                             gamma_ph=0.0500001)
    symehp.particle_current(other, **args)
    assert len(calls) == 3


@pytest.mark.parametrize("T_ph", [0.05, 0.08])
def test_intra_electrode_channels_in_balance_with_the_phonons_are_zero(monkeypatch, T_ph):
    """At T_L = T_R = T_ph the LL and RR channels vanish identically and are not computed
    (J_LL = J_RR = 0 exactly); the other channels and the totals equal the full
    computation's (which gives LL and RR at round-off) to 1e-12 of the gross J.  At
    T_ph != T_e nothing is skipped."""
    from symehp.numeric import currents
    from _shared import random_junction
    model = random_junction(5, 2, 4)
    args = dict(mu_L=np.array([0.3, 0.7]), mu_R=np.array([-0.3, -0.1]), T_e=0.05, T_ph=T_ph,
                rtol=1e-11)
    fast = symehp.transport(model, **args)
    monkeypatch.setattr(currents, "_balanced_channels", lambda *a: ())
    full = symehp.transport(model, **args)
    gross = np.max(np.abs([full.J_by_channel[c] for c in ("LL", "RR", "RL", "LR")]), axis=0)
    for c in ("LL", "RR"):
        if T_ph == 0.05:
            assert np.all(fast.J_by_channel[c] == 0.0)
            assert np.all(np.abs(full.J_by_channel[c]) <= 1e-12 * gross)
        else:
            assert np.all(np.abs(fast.J_by_channel[c]) > 1e-6 * gross)   # computed
    for c in ("RL", "LR", "total"):
        assert np.all(np.abs(fast.J_by_channel[c] - full.J_by_channel[c]) <= 1e-12 * gross)
    assert np.allclose(fast.I, full.I, rtol=1e-11, atol=0)


def test_a_points_result_does_not_depend_on_its_chunk():
    """A chunk mixing points in balance with the phonons (T_e = T_ph) and points that
    are not: every point's currents, channel by channel, are the bits of its own call."""
    model = symehp.two_level(eps1=0.5, eps2=-0.4, gamma1=0.2, gamma2=0.3, m=0.1, omega=1.0,
                             gamma_ph=0.05)
    nm = model.numeric()
    m = nm.M.copy()
    m[0] = m[0] + np.diag([0.05, 0.08])          # diagonal couplings: LL, RR have weight
    model = symehp.Junction(nm.H, nm.gamma_L, nm.gamma_R, m, nm.omega, nm.gamma_ph)
    T_e = np.array([0.05, 0.07, 0.05])
    V = np.array([0.6, 0.9, 1.3])
    both = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, T_ph=0.05)
    for i in range(3):
        one = symehp.transport(model, mu_L=V[i] / 2, mu_R=-V[i] / 2, T_e=T_e[i], T_ph=0.05)
        for c in ("LL", "RR", "RL", "LR", "total"):
            assert both.J_by_channel[c][i] == one.J_by_channel[c], (i, c)
        assert both.I[i] == one.I
    assert both.J_by_channel["LL"][0] == 0.0 and both.J_by_channel["LL"][1] != 0.0


def test_points_are_chunked_to_a_memory_budget(monkeypatch):
    """A sweep is integrated in chunks of points whose first round fits ``_CHUNK_BYTES``
    (a 100-point sweep of a K = 50 model in one chunk needed 4.9 GiB): a tiny budget
    splits a 10-point sweep into chunks of one point, with the same currents."""
    import symehp
    from symehp.numeric import currents
    from symehp.numeric.poles import pole_expansion
    model = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                             gamma_ph=0.05)
    V = np.linspace(0.2, 1.8, 10)
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05)
    numeric = model.numeric()
    flat = [V / 2, -V / 2, np.full(10, 0.05), np.full(10, 0.05), np.full(10, 0.05)]
    assert currents._chunk_size(numeric, pole_expansion(numeric), flat) == currents._CHUNK
    ref = symehp.transport(model, **kw)
    monkeypatch.setattr(currents, "_CHUNK_BYTES", 1)
    assert currents._chunk_size(numeric, pole_expansion(numeric), flat) == 1
    got = symehp.transport(model, **kw)
    np.testing.assert_allclose(got.J, ref.J, rtol=1e-13, atol=0)
    np.testing.assert_allclose(got.I, ref.I, rtol=1e-13, atol=0)
