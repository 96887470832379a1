"""The currents with energy-dependent leads on one uniform energy lattice (symehp.numeric.lead_grid).

* its pieces against direct formulas: the diagonal sums, the kernel
  ``g_s tr[M A_a M A_b]`` from ``G^r Gamma G^a``;
* the currents against the energy quadratures of the mapped route (an independent
  double integral, itself tested against scipy.quad spectra), at unequal electrode and
  phonon temperatures, a chain lead beside a wide-band lead, spin;
* the error estimate covers a deliberately coarse lattice's error; a missed estimate
  is redone at half the spacing, then handed to the quadratures; blocks of the pair
  matrices do not change the sums; bands that follow the bias;
* where the lattice does not serve (T = 0, user self-energies, a band edge inside the
  thermal window), the plan says so and the currents come from the quadratures.
"""

import warnings

import numpy as np
import pytest

import symehp
from symehp import leads
from symehp.numeric import lead_grid
from symehp.numeric.lead_currents import lead_transport
from symehp.numeric.lead_spectra import LeadSpectra
from symehp.numeric.quadrature import IntegrationWarning
from symehp.numeric.transmission import Electrodes

CHANNELS = ("LL", "RR", "RL", "LR")
H2 = [[0.5, 0.1], [0.1, -0.5]]
M2 = [[0.0, 0.1], [0.1, 0.0]]


def _chain_model(**kw):
    return symehp.Junction(np.array(H2), lead_L=leads.chain(1.0, coupling=[0.6, 0.0]),
                           lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5]), M=M2,
                           omega=1.0, gamma_ph=0.05, **kw)


def _mixed_model():
    # three sites, two modes; a chain on site 0, a rank-2 wide-band lead on sites 1, 2
    h = np.array([[0.2, -0.3, 0.0], [-0.3, -0.1, 0.25], [0.0, 0.25, 0.4]])
    gamma_r = np.array([[0.0, 0.0, 0.0], [0.0, 0.3, 0.1], [0.0, 0.1, 0.2]])
    m = np.array([np.diag([0.1, -0.05, 0.0]), [[0.0, 0.04, 0.0], [0.04, 0.0, 0.06],
                                                [0.0, 0.06, 0.0]]])
    return symehp.Junction(h, lead_L=leads.chain(1.1, coupling=[0.7, 0.0, 0.0]),
                           gamma_R=gamma_r, M=m, omega=[0.6, 0.9], gamma_ph=[0.04, 0.06])


def _reference(model, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        return lead_transport(model, rtol=1e-11, route="mapped", **kw)


def _deviation(got, ref):
    big = max(abs(ref.J_by_channel[c]) for c in CHANNELS)
    return max([abs(got.J - ref.J) / abs(ref.J), abs(got.I - ref.I) / abs(ref.I)]
               + [abs(got.J_by_channel[c] - ref.J_by_channel[c]) / big for c in CHANNELS]
               + [abs(got.I_by_channel[c] - ref.I_by_channel[c]) / abs(ref.I)
                  for c in ("RL", "LR")])


def _plan(model, mu_L, mu_R, T_L, T_R, T_ph, rtol=1e-8):
    num = model.numeric()
    spectra = LeadSpectra(num, mu_L, mu_R)
    return lead_grid.grid_plan(spectra, num, mu_L, mu_R, T_L, T_R, T_ph, rtol), spectra, num


def test_diagonal_sums_are_sums_over_i_minus_j():
    rng = np.random.default_rng(3)
    for rows, cols, parity in ((5, 7, 0), (6, 3, 1), (1, 4, 0)):
        p = rng.normal(size=(rows, cols))
        got = lead_grid._diagonal_sums(p, parity)
        want = np.zeros((2, rows + cols - 1))
        for i in range(rows):
            for j in range(cols):
                want[(i + parity) % 2, i - j + cols - 1] += p[i, j]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)


def test_kernel_is_the_trace_of_spectral_functions():
    """``K^k[i, j] = g_s tr[M^k A_a(e_i) M^k A_b(e_j)]``, ``A = G^r Gamma G^a`` from dense
    inverses: a rank-1 chain lead and a rank-2 wide-band lead, spin 2."""
    base = _mixed_model().numeric()
    model = symehp.Junction(base.H, lead_L=leads.chain(1.1, coupling=[0.7, 0.0, 0.0]),
                            gamma_R=np.array([[0.0, 0.0, 0.0], [0.0, 0.3, 0.1],
                                              [0.0, 0.1, 0.2]]),
                            M=base.M, omega=[0.6, 0.9], gamma_ph=[0.04, 0.06],
                            spin_degeneracy=2)
    num = model.numeric()
    el = Electrodes(num)
    e_a, e_b = np.array([-0.7, 0.1, 0.55]), np.array([-0.2, 0.3])
    u_a = lead_grid._vectors(el, "L", e_a)
    u_b = lead_grid._vectors(el, "R", e_b)
    got = lead_grid._kernel(np.asarray(num.M, complex), 2.0, u_a, u_b)

    def spectral(side, e):
        g = np.linalg.inv(e * np.eye(3) - num.H - el.sigma(np.array([e]))[0])
        lead = el.leads[side]
        gam = lead.gamma(np.array([e]))[0]
        return g @ gam @ g.conj().T

    for i, ea in enumerate(e_a):
        for j, eb in enumerate(e_b):
            for k, m in enumerate(num.M):
                want = 2 * np.trace(m @ spectral("L", ea) @ m @ spectral("R", eb)).real
                assert got[k, i, j] == pytest.approx(want, rel=1e-12, abs=1e-16)


@pytest.mark.parametrize("kw", [
    dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08),
    dict(mu_L=0.7, mu_R=-0.2, T_L=0.03, T_R=0.07, T_ph=0.05),
    dict(mu_L=0.1, mu_R=-0.1, T_e=0.06, T_ph=0.02),
])
def test_two_site_chain_agrees_with_the_energy_quadratures(kw):
    """rtol 1e-8 on the lattice against the mapped route at 1e-11 (measured deviations
    <= 4e-12); every estimate covers its deviation."""
    model = _chain_model()
    temps = (kw.get("T_L", kw.get("T_e")), kw.get("T_R", kw.get("T_e")), kw["T_ph"])
    plan, *_ = _plan(model, kw["mu_L"], kw["mu_R"], *temps)
    assert plan is not None                              # the lattice serves these points
    got = lead_transport(model, rtol=1e-8, route="grid", **kw)
    ref = _reference(model, **kw)
    assert _deviation(got, ref) <= 1e-8
    assert abs(got.J - ref.J) <= got.error_J + ref.error_J
    assert abs(got.I - ref.I) <= got.error_I + ref.error_I
    # the default route is the lattice here
    assert lead_transport(model, rtol=1e-8, **kw).J == got.J


@pytest.mark.slow
def test_mixed_leads_two_modes_and_spin():
    """~2 min (the reference: a wide-band lead has no band, so the energy quadratures take
    the graded meshes).  A chain beside a rank-2 wide-band lead, two modes (the K > 1 path
    of every sum); spin_degeneracy=2 doubles every current bit for bit."""
    model = _mixed_model()
    kw = dict(mu_L=0.3, mu_R=-0.25, T_L=0.04, T_R=0.05, T_ph=0.06)
    assert _plan(model, 0.3, -0.25, 0.04, 0.05, 0.06)[0] is not None
    got = lead_transport(model, rtol=1e-8, route="grid", **kw)
    ref = _reference(model, **kw)
    assert _deviation(got, ref) <= 1e-8
    gl = model.numeric()
    twice = symehp.Junction(gl.H, lead_L=leads.chain(1.1, coupling=[0.7, 0.0, 0.0]),
                            gamma_R=np.array([[0.0, 0.0, 0.0], [0.0, 0.3, 0.1],
                                              [0.0, 0.1, 0.2]]),
                            M=gl.M, omega=[0.6, 0.9], gamma_ph=[0.04, 0.06],
                            spin_degeneracy=2)
    doubled = lead_transport(twice, rtol=1e-8, route="grid", **kw)
    assert doubled.J == 2 * got.J and doubled.I == 2 * got.I


def test_estimate_covers_a_coarse_lattice():
    """The lattice at twice and four times the planned spacing: the estimate (from its own
    sub-lattices) still covers the deviation from the reference, and grows with it."""
    model = _chain_model()
    args = (0.4, -0.4, 0.05, 0.05, 0.08)
    plan, spectra, num = _plan(model, *args)
    ref = _reference(model, mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    ref_v = np.array([ref.J_by_channel[c] for c in CHANNELS])
    energy_ref = float(np.max(num.omega))
    errors = []
    for factor in (2.0, 4.0):
        coarse = lead_grid.GridPlan(**{**plan.__dict__, "h": plan.h * factor})
        coarse.ranges = {s: (int(np.ceil(max(coarse.lo, spectra.electrodes.support(s)[0])
                                          / coarse.h)),
                             int(np.floor(min(coarse.hi, spectra.electrodes.support(s)[1])
                                          / coarse.h))) for s in "LR"}
        values, error, _ = lead_grid._grid_round(spectra, num, coarse, *args, 1e-8,
                                                 energy_ref, set(CHANNELS))
        deviation = float(np.max(np.abs(values[:4] - ref_v)))
        assert deviation <= error
        errors.append((deviation, error))
    assert errors[1][0] > errors[0][0] and errors[1][1] > errors[0][1]


def test_where_the_lattice_does_not_serve():
    model = _chain_model()
    # T = 0 (Fermi steps), T_ph = 0
    assert _plan(model, 0.4, -0.4, 0.0, 0.05, 0.08)[0] is None
    assert _plan(model, 0.4, -0.4, 0.05, 0.05, 0.0)[0] is None
    # a band edge (2.0 of the left chain) inside the thermal window
    assert _plan(model, 1.9, -0.4, 0.05, 0.05, 0.08)[0] is None
    # a user self-energy: its analytic structure is unknown
    user = symehp.Junction(np.array(H2), lead_L=leads.self_energy(
        lambda e: np.full((len(e), 2, 2), -0.05j) * np.array([[1, 0], [0, 0]])),
        lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5]), M=M2, omega=1.0,
        gamma_ph=0.05)
    assert _plan(user, 0.4, -0.4, 0.05, 0.05, 0.08)[0] is None
    # there the currents come from the energy quadratures: route="grid" falls back
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        kw = dict(mu_L=1.9, mu_R=-0.4, T_e=0.05, T_ph=0.08)
        assert (lead_transport(model, rtol=1e-6, route="grid", **kw).J
                == lead_transport(model, rtol=1e-6, route="mapped", **kw).J)


def test_blocks_do_not_change_the_sums(monkeypatch):
    """The pair matrices and the split's solves go in blocks of at most ``_BLOCK`` floats
    (the memory the lattice holds beyond its vectors: no (n_a, n_b, K) or (nodes, n, N)
    array at once); tiny blocks give the same currents to round-off."""
    model = _chain_model()
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    whole = lead_transport(model, rtol=1e-8, route="grid", **kw)
    monkeypatch.setattr(lead_grid, "_BLOCK", 5000)
    blocked = lead_transport(model, rtol=1e-8, route="grid", **kw)
    big = max(abs(whole.J_by_channel[c]) for c in CHANNELS)
    for c in CHANNELS:
        assert blocked.J_by_channel[c] == pytest.approx(whole.J_by_channel[c], abs=1e-13 * big)
    assert blocked.I == pytest.approx(whole.I, rel=1e-12)


def test_a_missed_estimate_is_redone_at_half_the_spacing(monkeypatch):
    """When the first lattice's estimate misses rtol, the point is redone at h/2 (the
    result is that round's, bit for bit); when that misses too, the quadratures serve."""
    model = _chain_model()
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    plan, spectra, num = _plan(model, 0.4, -0.4, 0.05, 0.05, 0.08)
    energy_ref = float(np.max(num.omega))
    fine = lead_grid._halved(plan, spectra)
    direct, _, _ = lead_grid._grid_round(spectra, num, fine, 0.4, -0.4, 0.05, 0.05, 0.08, 1e-8,
                                         energy_ref, set(CHANNELS))
    real = lead_grid._grid_round
    spacings = []

    def first_fails(spectra, numeric, plan, *args):
        values, error, ok = real(spectra, numeric, plan, *args)
        spacings.append(plan.h)
        return values, error, ok and len(spacings) > 1

    monkeypatch.setattr(lead_grid, "_grid_round", first_fails)
    got = lead_transport(model, rtol=1e-8, route="grid", **kw)
    assert spacings == [plan.h, plan.h / 2]
    assert got.J_by_channel["LR"] == direct[3] and got.J_by_channel["LL"] == direct[0]
    monkeypatch.setattr(lead_grid, "_grid_round",
                        lambda *a: (real(*a)[0], real(*a)[1], False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        fallback = lead_transport(model, rtol=1e-8, route="grid", **kw)
        mapped = lead_transport(model, rtol=1e-8, route="mapped", **kw)
    assert fallback.J == mapped.J


def test_leads_that_follow_the_bias():
    """Bands that move with their chemical potentials (follow_bias=True): the lattice
    against the quadratures."""
    model = symehp.Junction(np.array(H2), lead_L=leads.chain(1.0, coupling=[0.6, 0.0],
                                                             follow_bias=True),
                            lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5],
                                               follow_bias=True), M=M2, omega=1.0,
                            gamma_ph=0.05)
    kw = dict(mu_L=0.3, mu_R=-0.3, T_e=0.04, T_ph=0.06)
    assert _plan(model, 0.3, -0.3, 0.04, 0.04, 0.06)[0] is not None
    got = lead_transport(model, rtol=1e-8, route="grid", **kw)
    ref = _reference(model, **kw)
    assert _deviation(got, ref) <= 1e-8
    assert abs(got.J - ref.J) <= got.error_J + ref.error_J


def test_the_lattice_is_placed_between_narrow_levels():
    """A third site coupled by 2e-4 makes a level of half-width 1.8e-9 at 1.8, where the
    thermal and Bose factors leave it a weight ~7e-13: far too narrow to resolve, too
    light to matter, unless a node sits on its peak (the rule would then count it
    h/(pi eta) ~ 1e6 times).  The lattice is offset to put it between nodes: the currents
    agree with the quadratures (which resolve it) to 1e-12; with a node on its peak they
    are off by ~2e-8, and the estimate says so."""
    h = np.array([[0.5, 0.1, 0.0], [0.1, -0.5, 2e-4], [0.0, 2e-4, 1.8]])
    model = symehp.Junction(h, lead_L=leads.chain(1.0, coupling=[0.6, 0.0, 0.0]),
                            lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5, 0.0]),
                            M=[[0.0, 0.1, 0.0], [0.1, 0.0, 0.05], [0.0, 0.05, 0.02]],
                            omega=1.0, gamma_ph=0.05)
    args = (0.4, -0.4, 0.05, 0.05, 0.04)
    plan, spectra, num = _plan(model, *args)
    assert plan is not None and plan.narrow[0].size == 1
    centre = float(plan.narrow[0][0])
    frac = (centre / plan.h - plan.offset) % 1.0
    # away from the nodes (and from those of the split's shifted energies): missed by
    # about its weight, not h / (pi eta) times that
    assert min(frac, 1 - frac) > 0.05 and plan.unresolved <= 1e-10
    kw = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.04)
    got = lead_transport(model, rtol=1e-8, route="grid", **kw)
    ref = _reference(model, **kw)
    assert _deviation(got, ref) <= 1e-11
    # a node on the peak: wrong by far more, and the estimate covers it
    bad = lead_grid.GridPlan(**{**plan.__dict__, "offset": (centre / plan.h) % 1.0})
    bad.ranges = lead_grid._ranges(spectra, plan.lo, plan.hi, plan.h, bad.offset)
    values, error, _ = lead_grid._grid_round(spectra, num, bad, *args, 1e-8,
                                             float(np.max(num.omega)), set(CHANNELS))
    ref_v = np.array([ref.J_by_channel[c] for c in CHANNELS])
    deviation = float(np.max(np.abs(values[:4] - ref_v)))
    big = float(np.max(np.abs(ref_v)))
    assert deviation > 1e-9 * big
    assert deviation <= error
