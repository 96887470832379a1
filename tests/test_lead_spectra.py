"""EHP spectra with energy-dependent leads (symehp.numeric.lead_spectra).

* wide-band leads through the energy quadrature against the closed forms
  (symehp.ehp_dos, symehp.emission_spectrum): every channel, both mode indices of a
  two-mode model, equal and unequal temperatures, T = 0, w = mu_ab;
* a user self-energy -i Gamma/2 through symehp.ehp_dos (the dispatch) is the closed form;
* chain leads (fixed and following the bias) against an independent scipy.quad energy
  integral with explicit matrix inverses, Lambda and Pi^<;
* detailed balance at equal temperatures, Hermiticity, zero where the bands cannot
  overlap, the error estimates, shapes and bad input.
"""

import importlib
import warnings

import numpy as np
import pytest
from scipy import integrate

import symehp
from symehp import ParameterError, leads
from symehp.numeric.lead_spectra import lead_spectra
from symehp.numeric.stats import bose, fermi
from symehp.numeric.lead_panels import MappedPanels
from symehp.numeric.quadrature import integrate_panels

from _shared import THREE_LEVEL_B

H2 = np.array([[0.5, 0.1], [0.1, -0.5]])
M2 = np.array([[0.0, 0.1], [0.1, 0.0]])
CHAIN_L = leads.chain(1.0, coupling=[0.6, 0.0])
CHAIN_R = leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5])


def _chain_model(lead_l=CHAIN_L, lead_r=CHAIN_R):
    return symehp.Junction(H2, lead_L=lead_l, lead_R=lead_r, M=M2, omega=1.0, gamma_ph=0.05)


def _wide_model():
    return symehp.Junction(**THREE_LEVEL_B)


# ------------------------------------------------------------------ wide band: the closed forms

# The closed forms agree with independent mpmath references to ~1e-13 of the peak; the
# quadrature asks 1e-11 of each integral and its tables 1e-13 of W = G P: 1e-9 of each
# channel's peak leaves two orders of magnitude on any IEEE machine (measured: 6e-13).
RTOL_CLOSED = 1e-9


@pytest.mark.parametrize("ch", ["LL", "RR", "LR", "RL"])
@pytest.mark.parametrize("T", [0.05, 0.0])
def test_wide_band_quadrature_is_the_closed_form(ch, T):
    model = _wide_model()
    mu_l, mu_r = 0.3, -0.2
    mu_ab = {"LL": 0.0, "RR": 0.0, "LR": 0.5, "RL": -0.5}[ch]
    w = np.array([1e-6, 0.05, 0.5, mu_ab, 1.0, 1.7, 3.5])
    kw = dict(mu_L=mu_l, mu_R=mu_r, T_e=T)
    dos, pi_less, err = lead_spectra(model, ch, w, **kw)
    ref_dos = symehp.ehp_dos(model, ch, w, **kw)
    ref_em = symehp.emission_spectrum(model, ch, w, **kw)
    peak = np.abs(ref_dos).max()
    np.testing.assert_allclose(dos, ref_dos, rtol=0, atol=RTOL_CLOSED * peak)
    np.testing.assert_allclose(pi_less, ref_em, rtol=0,
                               atol=RTOL_CLOSED * max(np.abs(ref_em).max(), 1e-300))
    # the estimates bound the difference, and are small
    assert np.all(np.abs(dos - ref_dos).max(axis=(1, 2)) <= err + 1e-14 * peak)
    assert err.max() <= 1e-9 * peak


def test_wide_band_two_temperatures():
    model = _wide_model()
    w = np.array([0.1, 0.6, 1.3])
    kw = dict(mu_L=0.25, mu_R=-0.25, T_L=0.03, T_R=0.1)
    for ch in ("LR", "RL", "LL"):
        dos, pi_less, _ = lead_spectra(model, ch, w, **kw)
        ref_dos = symehp.ehp_dos(model, ch, w, **kw)
        ref_em = symehp.emission_spectrum(model, ch, w, **kw)
        np.testing.assert_allclose(dos, ref_dos, atol=RTOL_CLOSED * np.abs(ref_dos).max())
        np.testing.assert_allclose(pi_less, ref_em, atol=RTOL_CLOSED * np.abs(ref_em).max())


def test_constant_user_self_energy_dispatches_to_the_quadrature():
    """symehp.ehp_dos / emission_spectrum of a model whose lead L is a user function
    equal to -i Gamma_L/2: the energy quadrature, equal to the closed form."""
    spec = dict(THREE_LEVEL_B)
    gamma_l = spec.pop("gamma_L")
    user = leads.self_energy(lambda e: np.broadcast_to(-0.5j * gamma_l, (len(e), 3, 3)))
    model = symehp.Junction(lead_L=user, **spec)
    wide = _wide_model()
    w = np.linspace(0.1, 2.0, 5)
    kw = dict(mu_L=0.3, mu_R=-0.3, T_e=0.04)
    for fn in (symehp.ehp_dos, symehp.emission_spectrum):
        got, ref = fn(model, "LR", w, **kw), fn(wide, "LR", w, **kw)
        np.testing.assert_allclose(got, ref, atol=RTOL_CLOSED * np.abs(ref).max())


# ------------------------------------------------------------------ chain leads: scipy.quad

def _quad_reference(lead_l, lead_r, ch, w, mu, T):
    """Lambda and Pi^< (mode entry 0, 0) by scipy.quad with explicit 2 x 2 inverses:
    G = inv(e - H - Sigma_L - Sigma_R), A_a = G Gamma_a G^+, K = tr[M A_a(e) M A_b(e - w)]."""
    lead = {"L": lead_l, "R": lead_r}
    a, b = ch

    def spectral(side, e):
        sigma = lead_l.sigma(e, mu["L"]) + lead_r.sigma(e, mu["R"])
        G = np.linalg.inv(e * np.eye(2) - H2 - sigma)
        return G @ lead[side].gamma(e, mu[side]) @ G.conj().T

    def kernel(e):
        return np.trace(M2 @ spectral(a, e) @ M2 @ spectral(b, e - w)).real / (2 * np.pi)

    lo = min(mu[a], mu[b] + w) - 40 * max(T[a], T[b])
    hi = max(mu[a], mu[b] + w) + 40 * max(T[a], T[b])
    edges = [x for s in "LR" for x in lead[s].band_edges_at(mu[s])]
    pts = sorted({x for x in edges + [x + w for x in edges] + [mu[a], mu[b] + w, 0.5, -0.5,
                                                                  0.5 + w, -0.5 + w]
                  if lo < x < hi})
    out = []
    for weight in (lambda e: fermi(e - w - mu[b], T[b]) - fermi(e - mu[a], T[a]),
                   lambda e: fermi(e - mu[a], T[a]) * fermi(-(e - w - mu[b]), T[b])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            value, _ = integrate.quad(lambda e: kernel(e) * weight(e), lo, hi, points=pts,
                                      limit=1000, epsabs=0, epsrel=1e-12)
        out.append(value)
    return out


# the reference is quad at epsrel 1e-12 (its Gauss-Kronrod estimates are conservative on
# these smooth-but-for-square-roots integrands), the spectra ask 1e-11: 1e-9 relative
# to each value holds with margin (measured 3e-14)
RTOL_QUAD = 1e-9


@pytest.mark.parametrize("ch, w, temps", [
    ("LL", 0.4, (0.05, 0.05)), ("RR", 1.5, (0.05, 0.05)), ("LR", 0.9, (0.02, 0.02)),
    ("RL", 2.3, (0.05, 0.05)), ("LR", 0.3, (0.02, 0.08)), ("RL", 0.7, (0.0, 0.0)),
])
def test_chain_leads_against_scipy_quad(ch, w, temps):
    mu = {"L": 0.3, "R": -0.3}
    T = {"L": temps[0], "R": temps[1]}
    model = _chain_model()
    dos, pi_less, err = lead_spectra(model, ch, w, mu_L=mu["L"], mu_R=mu["R"], T_L=T["L"],
                                     T_R=T["R"])
    ref_dos, ref_em = _quad_reference(CHAIN_L, CHAIN_R, ch, w, mu, T)
    assert dos[0, 0].real == pytest.approx(ref_dos, rel=RTOL_QUAD, abs=1e-300)
    assert pi_less[0, 0].real == pytest.approx(ref_em, rel=RTOL_QUAD,
                                               abs=RTOL_QUAD * abs(ref_dos))
    assert abs(dos[0, 0].imag) <= 1e-14 * abs(ref_dos)
    assert err <= 1e-8 * abs(ref_dos)


def test_chain_leads_that_follow_the_bias_against_scipy_quad():
    lead_l = leads.chain(1.0, coupling=[0.6, 0.0], follow_bias=True)
    lead_r = leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5], follow_bias=True)
    model = _chain_model(lead_l, lead_r)
    mu, T = {"L": 0.6, "R": -0.6}, {"L": 0.05, "R": 0.05}
    w = np.array([0.5, 1.4])
    dos, pi_less, _ = lead_spectra(model, "LR", w, mu_L=0.6, mu_R=-0.6, T_e=0.05)
    for i, wi in enumerate(w):
        ref_dos, ref_em = _quad_reference(lead_l, lead_r, "LR", wi, mu, T)
        assert dos[i, 0, 0].real == pytest.approx(ref_dos, rel=RTOL_QUAD)
        assert pi_less[i, 0, 0].real == pytest.approx(ref_em, rel=RTOL_QUAD,
                                                      abs=RTOL_QUAD * abs(ref_dos))
    # with fixed bands the same bias gives other numbers (the bands do not move)
    fixed = lead_spectra(_chain_model(), "LR", w, mu_L=0.6, mu_R=-0.6, T_e=0.05)[0]
    assert np.all(np.abs(fixed - dos) > 1e-6 * np.abs(dos))
    # several biases at once: each its own Green's functions
    mus = np.array([0.2, 0.6])
    both = lead_spectra(model, "LR", 1.4, mu_L=mus, mu_R=-mus, T_e=0.05)[0]
    np.testing.assert_allclose(both[1], dos[1], rtol=1e-12)


# ------------------------------------------------------------------ identities, shapes, errors

def test_detailed_balance_and_hermiticity():
    spec = dict(THREE_LEVEL_B)
    spec.pop("gamma_L")
    v = np.array([0.4, 0.2j, 0.1])
    model = symehp.Junction(lead_L=leads.chain(1.5, coupling=v), **spec)
    w = np.linspace(-0.95, 2.45, 8)                 # never w = mu_ab, the pole of n_B
    for ch, mu_ab in (("LR", 0.6), ("RL", -0.6), ("LL", 0.0)):
        dos = symehp.ehp_dos(model, ch, w, mu_L=0.3, mu_R=-0.3, T_e=0.07)
        em = symehp.emission_spectrum(model, ch, w, mu_L=0.3, mu_R=-0.3, T_e=0.07)
        # Pi^< = n_B(w - mu_ab) Lambda: both from one integral G (Lambda = d G, Pi^< = d n_B G),
        # so a few roundings: 1e-13 relative
        nb = bose(w - mu_ab, 0.07)[:, None, None]
        np.testing.assert_allclose(em, nb * dos, rtol=1e-13, atol=1e-300)
        # Hermitian in the mode indices, real diagonal
        np.testing.assert_allclose(dos, np.conj(np.swapaxes(dos, -1, -2)),
                                   atol=1e-13 * np.abs(dos).max())
        assert np.all(np.abs(np.diagonal(dos, axis1=-2, axis2=-1).imag)
                      <= 1e-13 * np.abs(dos).max())


def test_zero_where_the_bands_cannot_overlap_and_at_zero_temperature():
    model = _chain_model()
    # A_L lives in [-2, 2], A_R in [-2.2, 2.6]: for LR, e in [-2, 2] and e - w in [-2.2, 2.6]
    # need w <= 4.2; beyond, exactly zero
    dos, pi_less, err = lead_spectra(model, "LR", [4.3, 10.0], mu_L=0.3, mu_R=-0.3, T_e=0.05)
    assert np.all(dos == 0) and np.all(pi_less == 0) and np.all(err == 0)
    # T = 0 at w = mu_ab: the Fermi window is empty
    dos, pi_less, _ = lead_spectra(model, "LR", 0.6, mu_L=0.3, mu_R=-0.3, T_e=0.0)
    assert np.all(dos == 0) and np.all(pi_less == 0)
    # T = 0: no emission above w = mu_ab (Pi^< needs e < mu_a and e - w > mu_b)
    assert np.all(lead_spectra(model, "LR", 0.8, mu_L=0.3, mu_R=-0.3, T_e=0.0)[1] == 0)


def test_shapes_and_dispatch():
    model = _chain_model()
    one = symehp.ehp_dos(model, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05)
    assert one.shape == (1, 1)
    grid = symehp.emission_spectrum(model, 4, np.array([[0.5], [1.0], [1.5]]),
                                    mu_L=[0.2, 0.3], mu_R=-0.3, T_e=0.05)
    assert grid.shape == (3, 2, 1, 1)
    np.testing.assert_allclose(
        grid[1, 1], symehp.emission_spectrum(model, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05),
        rtol=1e-12)
    assert lead_spectra(model, "LL", [], mu_L=0.0, mu_R=0.0, T_e=0.1)[0].shape == (0, 1, 1)


@pytest.mark.parametrize("kw, match", [
    (dict(dps=30), "dps= .* not available"),
    (dict(omega=np.nan), "omega must be finite"),
    (dict(T_e=-0.1), "T_e must be >= 0"),
    (dict(channel="XY"), "channel"),
    (dict(backend="fortran"), "backend"),
])
def test_bad_input(kw, match):
    args = dict(channel="LR", omega=1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05)
    args.update(kw)
    with pytest.raises(ParameterError, match=match):
        symehp.ehp_dos(_chain_model(), args.pop("channel"), args.pop("omega"), **args)


# ------------------------------------------------------------------ mapped panels, compiled kernel

ls = importlib.import_module("symehp.numeric.lead_spectra")
lk = importlib.import_module("symehp.numeric.lead_kernels")


def test_square_root_ends_integrate_to_rounding():
    # int_0^1 sqrt(x (1 - x)) dx = pi/8, int_0^2 sqrt(x) dx = 2^1.5 * 2/3, both with a
    # square-root branch point at a singular end; the map makes them analytic, so the
    # nested 13/27-point rules reach rounding on one panel each
    pan = MappedPanels([[0.0, 1.0], [0.0, 2.0]], [[True, True], [True, False]])

    def f(t, owner):
        x, jac = pan.map(t.ravel(), owner)
        y = np.where(owner == 0, np.sqrt(np.abs(x * (1 - x))), np.sqrt(np.abs(x)))
        return (y * np.abs(jac)).reshape(t.shape + (1,))

    res = integrate_panels(f, pan.edges(), rtol=1e-14)
    np.testing.assert_allclose(res.values[:, 0], [np.pi / 8, 2 ** 1.5 * 2 / 3], rtol=1e-14)


def test_map_is_monotone_and_keeps_the_breakpoints():
    pts = np.array([[0.0, 3.0, 1.0, 1.0, 2.5, 7.0, np.nan]])
    sing = np.array([[False, True, False, True, False, True, True]])
    pan = MappedPanels(pts, sing)
    np.testing.assert_array_equal(pan.x, [0.0, 1.0, 2.5, 3.0])     # merged, cut to [lo, hi]
    np.testing.assert_array_equal(pan.flags, [False, True, False, True])
    t = np.linspace(1e-9, 3 - 1e-9, 2001)
    x, jac = pan.map(t, np.zeros(t.size, int))
    assert np.all(np.diff(x) > 0) and np.all(jac >= 0)
    # dx/dt by differences (away from the panel ends, where dx/dt jumps)
    away = np.abs(t - np.round(t)) > 0.01
    np.testing.assert_allclose(np.gradient(x, t)[away], jac[away], rtol=2e-3, atol=1e-6)
    sub = pan.subset([0])
    np.testing.assert_array_equal(sub.x, pan.x)


@pytest.mark.skipif(not lk.COMPILED, reason="numba not installed")
def test_compiled_kernel_is_the_numpy_kernel():
    H = np.array([[0.5, 0.1], [0.1, -0.5]])
    model = symehp.Junction(H, lead_L=leads.chain(1.0, coupling=[0.6, 0.0]),
                            lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5]),
                            M=[[[0.0, 0.1], [0.1, 0.0]], [[0.2, 0.0], [0.0, -0.1]]],
                            omega=[1.0, 0.5], gamma_ph=[0.05, 0.05])
    num = ls.numeric_model(model, energy_dependent_leads=True)
    sp = ls.LeadSpectra(num, 0.0, 0.0)
    ta, tb = sp.table("L", [(-2.0, 2.0)]), sp.table("R", [(-2.2, 2.6)])
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-1.99, 1.99, 500), rng.uniform(-2.19, 2.59, 500)
    wa, _ = ta(x)
    wc, _ = ta(x, compiled=True)
    np.testing.assert_allclose(wc, wa, rtol=0, atol=1e-13 * np.abs(wa).max())
    ga, gb = sp.electrodes.gamma("L", x), sp.electrodes.gamma("R", y)
    m = np.asarray(num.M, complex)
    kern, bound = lk.pair_kernel(ta, tb, x, y, ga, gb, m, 1, 0.2)
    wb, _ = tb(y)
    xx = np.einsum("Mib,kij,Mja->Mkba", np.conj(wb), m, wa)
    ref = np.einsum("Mmba,Mnca,Mcb->Mmn", np.einsum("Mkba,Mac->Mkbc", xx, ga), np.conj(xx), gb)
    np.testing.assert_allclose(kern, ref, rtol=0, atol=1e-13 * np.abs(ref).max())
    assert np.all(bound >= 0)
