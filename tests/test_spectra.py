"""EHP spectra (Eq. 7 and the emission spectrum) against an independent quadrature.

The reference is the suite's mpmath quadrature over the electron energy
(``tests/references.py``, 20 digits here): the Green's function is obtained by
solving ``(e - H + i (Gamma_L + Gamma_R)/2) x = b`` at every node (``A_a = G Gamma_a
G^+ = sum_r (G b_r)(G b_r)^+`` with ``Gamma_a = sum_r b_r b_r^+`` from an mpmath
eigendecomposition of the very matrices symehp uses), the Fermi factors are
evaluated directly, and the integral is a vector tanh-sinh rule split at the
chemical potentials, the window edges and the level energies.  No pole expansion,
no digamma: nothing is shared with symehp's closed forms.  The same module checks
identities (FDT, zeros, signs), the flat-DOS limit and the T -> 0 limit; the
contract (shapes, broadcasting, Hermiticity, argument validation) is
``tests/test_contract.py``.
"""

import functools

import numpy as np
import pytest

import symehp
from symehp.numeric.stats import bose

import references
from _shared import THREE_LEVEL_B

CHANNELS = ("LL", "RR", "RL", "LR")
ELECTRODES = {"LL": ("L", "L"), "RR": ("R", "R"), "RL": ("R", "L"), "LR": ("L", "R")}
RTOL = 1e-10        # relative tolerance against the quadrature
AFLOOR = 1e-14      # absolute floor, times the scale of the spectra of the case
_DPS = 20           # digits of the reference


class Reference:
    """Lambda^{ab}_mn(omega) and Pi^<_{ab,mn}(omega) by direct quadrature over eps."""

    def __init__(self, model):
        self.model = model

    def spectra(self, omega, mu_L, mu_R, T_L, T_R):
        """{channel: (Lambda, Pi_less)}, each a K x K complex array."""
        out = references.spectra_mp(self.model, omega, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R,
                                    dps=_DPS)
        return {ch: tuple(np.array(x, dtype=complex) for x in out[ch]) for ch in CHANNELS}


# =========================================================================== models

def _model_a():
    """The paper's two-level model (Fig. 2): eps1 - eps2 = 1 with gamma1 = gamma2."""
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)


def _model_b():
    """Three levels with hopping, non-diagonal Gamma_L, two modes with complex Hermitian M."""
    return symehp.Junction(**THREE_LEVEL_B)


MODELS = {"A": _model_a(), "B": _model_b()}
# dyadic chemical potentials: omega = mu_L - mu_R is then exact in binary and in mpmath
BIAS = {"A": (0.25, -0.25), "B": (0.25, -0.125)}


@functools.lru_cache(maxsize=None)
def _reference_model(name):
    return Reference(MODELS[name])


@functools.lru_cache(maxsize=None)
def reference(name, omega, T_L, T_R):
    mu_L, mu_R = BIAS[name]
    return _reference_model(name).spectra(omega, mu_L, mu_R, T_L, T_R)


def _temps(T_L, T_R):
    return {"T_e": T_L} if T_L == T_R else {"T_L": T_L, "T_R": T_R}


def _scale(ref):
    return max(max(np.abs(d).max(), np.abs(p).max()) for d, p in ref.values())


def _worst(got, ref, scale):
    """max |got - ref| / (RTOL |ref| + AFLOOR scale): <= 1 passes."""
    return float(np.max(np.abs(got - ref) / (RTOL * np.abs(ref) + AFLOOR * scale)))


# =========================================================================== quadrature cases

SLOW = pytest.mark.slow
CASES = []
for _w in (0.0, 0.5, -0.5, 1.0, -1.0, 0.37):        # 0, +-mu_LR, +-(eps1 - eps2), generic
    CASES.append(("A", _w, 0.05, 0.05))
    CASES.append(("A", _w, 0.0, 0.0))
for _w in (0.5, 1.0, -0.3):
    CASES.append(("A", _w, 0.08, 0.03))
CASES.append(("A", 0.5, 0.05, 0.0))                    # one electrode at T = 0
for _w in (0.0, 0.375, -0.375, 0.23, -0.61):
    CASES.append(("B", _w, 0.0, 0.0))
CASES += [pytest.param("B", _w, 0.05, 0.05, marks=SLOW) for _w in (0.0, 0.375, -0.61)]
CASES += [pytest.param("B", _w, 0.08, 0.03, marks=SLOW) for _w in (0.375, -0.61)]


@pytest.mark.parametrize("name, omega, T_L, T_R", CASES)
def test_spectra_against_quadrature(name, omega, T_L, T_R):
    model = MODELS[name]
    mu_L, mu_R = BIAS[name]
    ref = reference(name, omega, T_L, T_R)
    scale = _scale(ref)
    assert scale > 0
    for ch in CHANNELS:
        dos = symehp.ehp_dos(model, ch, omega, mu_L=mu_L, mu_R=mu_R, **_temps(T_L, T_R))
        pil = symehp.emission_spectrum(model, ch, omega, mu_L=mu_L, mu_R=mu_R,
                                       **_temps(T_L, T_R))
        assert dos.shape == pil.shape == (model.K, model.K)
        assert _worst(dos, ref[ch][0], scale) <= 1, (ch, "Lambda", dos, ref[ch][0])
        assert _worst(pil, ref[ch][1], scale) <= 1, (ch, "Pi<", pil, ref[ch][1])


def test_reference_sees_the_coincident_poles():
    """Guard: omega = eps1 - eps2 = 1 with gamma1 = gamma2 really makes p = omega + q exactly."""
    poles = np.linalg.eigvals(MODELS["A"].numeric().H - 0.5j * np.diag([0.2, 0.2]))
    assert np.any(np.abs(poles[:, None] - (1.0 + poles[None, :])) == 0)


# =========================================================================== identities

IDENTITY_T = [0.0, 0.05, 0.2]
OMEGAS = np.array([-1.3, -0.61, -0.2, 0.03, 0.3, 0.7, 1.0, 1.7])


def _mu_ab(ch, mu_L, mu_R):
    a, b = ELECTRODES[ch]
    return {"L": mu_L, "R": mu_R}[a] - {"L": mu_L, "R": mu_R}[b]


@pytest.mark.parametrize("T", IDENTITY_T)
@pytest.mark.parametrize("name", ["A", "B"])
def test_emission_is_bose_times_dos_at_equal_temperature(name, T):
    model, (mu_L, mu_R) = MODELS[name], BIAS[name]
    for ch in CHANNELS:
        mu = _mu_ab(ch, mu_L, mu_R)
        w = OMEGAS[OMEGAS != mu]
        dos = symehp.ehp_dos(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T)
        pil = symehp.emission_spectrum(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T)
        expected = bose(w - mu, T)[:, None, None] * dos
        scale = np.abs(dos).max()
        assert np.all(np.abs(pil - expected) <= 1e-12 * np.abs(expected) + 1e-15 * scale), ch


@pytest.mark.parametrize("T", [0.0, 1e-3, 0.05, 0.3])
@pytest.mark.parametrize("name", ["A", "B"])
def test_dos_vanishes_at_the_chemical_potential(name, T):
    model, (mu_L, mu_R) = MODELS[name], BIAS[name]
    for ch in CHANNELS:
        mu = _mu_ab(ch, mu_L, mu_R)
        dos = symehp.ehp_dos(model, ch, mu, mu_L=mu_L, mu_R=mu_R, T_e=T)
        scale = np.abs(symehp.ehp_dos(model, ch, mu + 0.3, mu_L=mu_L, mu_R=mu_R, T_e=T)).max()
        assert np.all(np.isfinite(dos))
        assert np.abs(dos).max() <= 1e-15 * scale, ch
    # intra-electrode channels at omega = 0, whatever the bias
    for ch in ("LL", "RR"):
        for bias in ((0.0, 0.0), (0.4, -0.3)):
            dos = symehp.ehp_dos(model, ch, 0.0, mu_L=bias[0], mu_R=bias[1], T_e=T)
            assert np.abs(dos).max() == 0.0


@pytest.mark.parametrize("T", IDENTITY_T)
@pytest.mark.parametrize("name", ["A", "B"])
def test_dos_sign_and_emission_positivity(name, T):
    """tr[M A_a M A_b] >= 0, so at equal T Lambda_kk has the sign of omega - mu_ab and
    Pi^<_kk >= 0 (the FDT bath is a proper bosonic bath)."""
    model, (mu_L, mu_R) = MODELS[name], BIAS[name]
    w = np.linspace(-1.5, 1.5, 41)
    for ch in CHANNELS:
        mu = _mu_ab(ch, mu_L, mu_R)
        dos = np.diagonal(symehp.ehp_dos(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T),
                          axis1=-2, axis2=-1).real
        pil = np.diagonal(symehp.emission_spectrum(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T),
                          axis1=-2, axis2=-1).real
        tol = 1e-14 * max(np.abs(dos).max(), 1e-300)
        assert np.all(dos * np.sign(w - mu)[:, None] >= -tol), ch
        assert np.all(pil >= -tol), ch
        if name == "B" or ch in ("RL", "LR"):        # model A has no intra-electrode coupling
            away = np.abs(w - mu) > 0.05
            assert np.all(dos[away] * np.sign(w - mu)[away, None] > 0), ch


def test_emission_positive_with_unequal_temperatures():
    model, (mu_L, mu_R) = MODELS["A"], BIAS["A"]
    w = np.array([-0.9, -0.5, 0.0, 0.45, 0.5, 0.55])
    for ch in ("RL", "LR"):
        pil = symehp.emission_spectrum(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_L=0.08, T_R=0.03)
        assert np.all(pil.real >= 0) and np.abs(pil.imag).max() <= 1e-14 * np.abs(pil).max()


# =========================================================================== flat DOS

def _broad_model():
    return symehp.Junction(
        H=[[0.3, 0.2], [0.2, -0.4]], gamma_L=[[1e3, 0], [0, 0]], gamma_R=[[0, 0], [0, 1e3]],
        M=[np.array([[0.1, 0.05], [0.05, -0.1]]), np.array([[0.02, 0.07j], [-0.07j, 0.03]])],
        omega=[1.0, 1.3], gamma_ph=[0.01, 0.01])


def _spectral_numpy(numeric, electrode, e):
    g = np.linalg.inv(e * np.eye(numeric.N) - numeric.H
                      + 0.5j * (numeric.gamma_L + numeric.gamma_R))
    gamma = numeric.gamma_L if electrode == "L" else numeric.gamma_R
    return g @ gamma @ g.conj().T


@pytest.mark.parametrize("temps", [(0.0, 0.0), (0.05, 0.05), (0.1, 0.02)])
@pytest.mark.parametrize("bias", [(0.0, 0.0), (0.4, -0.3)])
def test_flat_dos_limit(bias, temps):
    model = _broad_model()
    numeric = model.numeric()
    a0 = {x: _spectral_numpy(numeric, x, 0.0) for x in "LR"}
    w = np.array([-0.7, 0.3, 1.2])
    for ch in CHANNELS:
        a, b = ELECTRODES[ch]
        slope = np.array([[np.trace(numeric.M[m] @ a0[a] @ numeric.M[n] @ a0[b])
                           for n in range(2)] for m in range(2)]) / (2 * np.pi)
        dos = symehp.ehp_dos(model, ch, w, mu_L=bias[0], mu_R=bias[1], **_temps(*temps))
        expected = (w - _mu_ab(ch, *bias))[:, None, None] * slope
        scale = np.abs(slope).max()
        assert scale > 0
        for wi, got, exp in zip(w, dos, expected):
            # non-flatness ~ (variation of A over the window) x (window width |w - mu| + T)
            tol = 1e-4 * scale * (abs(wi - _mu_ab(ch, *bias)) + sum(temps))
            assert np.abs(got - exp).max() <= tol, (ch, wi, got, exp)


# =========================================================================== T -> 0

@pytest.mark.parametrize("name", ["A", "B"])
def test_zero_temperature_limit(name):
    model, (mu_L, mu_R) = MODELS[name], BIAS[name]
    for ch in CHANNELS:
        mu = _mu_ab(ch, mu_L, mu_R)
        w = np.array([mu, mu - 0.3, mu + 0.3, -0.45, 0.77])     # only w[0] == mu_ab
        dos0 = symehp.ehp_dos(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=0.0)
        pil0 = symehp.emission_spectrum(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=0.0)
        scale = max(np.abs(dos0).max(), np.abs(pil0).max())
        assert scale > 0 or (name == "A" and ch in ("LL", "RR"))
        scale = max(scale, 1e-300)
        assert np.all(pil0[0] == 0)                     # omega = mu_ab at T = 0
        for T in (1e-4, 1e-6):
            dos = symehp.ehp_dos(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T)
            pil = symehp.emission_spectrum(model, ch, w, mu_L=mu_L, mu_R=mu_R, T_e=T)
            assert np.all(np.isfinite(dos)) and np.all(np.isfinite(pil))
            bound = (1e3 * T ** 2 + 1e-12) * scale      # Sommerfeld: O(T^2)
            assert np.abs(dos - dos0).max() <= bound, (ch, T)
            # Pi^< away from omega = mu_ab: O(T^2) too
            assert np.abs(pil[1:] - pil0[1:]).max() <= bound, (ch, T)


@pytest.mark.parametrize("name", ["A", "B"])
def test_emission_at_chemical_potential_is_linear_in_T(name):
    """At omega = mu_ab, f_a (1 - f_b) = f (1 - f) integrates to T: Pi^< -> T K / 2 pi with
    K = tr[M^m A_a(mu_a) M^n A_b(mu_b)] (numpy inverse), up to O(T^3)."""
    model, (mu_L, mu_R) = MODELS[name], BIAS[name]
    numeric = model.numeric()
    mus = {"L": mu_L, "R": mu_R}
    for ch in CHANNELS:
        a, b = ELECTRODES[ch]
        aa, ab = _spectral_numpy(numeric, a, mus[a]), _spectral_numpy(numeric, b, mus[b])
        k = np.array([[np.trace(m1 @ aa @ m2 @ ab) for m2 in numeric.M] for m1 in numeric.M])
        if np.abs(k).max() < 1e-12:
            continue                                   # model A, intra-electrode: no coupling
        for T in (1e-4, 1e-6):
            pil = symehp.emission_spectrum(model, ch, _mu_ab(ch, mu_L, mu_R), mu_L=mu_L,
                                           mu_R=mu_R, T_e=T)
            expected = T * k / (2 * np.pi)
            assert np.abs(pil - expected).max() <= (1e3 * T ** 2 + 1e-10) * np.abs(expected).max()


# =========================================================================== channel labels
# (broadcasting, scalar in -> scalar out, Hermiticity and bad input: tests/test_contract.py)

def test_channel_labels_and_names_agree():
    model = MODELS["B"]
    for label, ch in enumerate(CHANNELS, start=1):
        by_name = symehp.ehp_dos(model, ch, 0.3, mu_L=0.25, mu_R=-0.125, T_e=0.05)
        by_label = symehp.ehp_dos(model, label, 0.3, mu_L=0.25, mu_R=-0.125, T_e=0.05)
        by_object = symehp.ehp_dos(model, symehp.channel(ch), 0.3, mu_L=0.25, mu_R=-0.125,
                                   T_e=0.05)
        np.testing.assert_array_equal(by_name, by_label)
        np.testing.assert_array_equal(by_name, by_object)
    # LR with +eV is the mirror of RL with -eV (labels 3, 4 follow the conventions)
    lr = symehp.ehp_dos(model, "LR", 0.375, mu_L=0.25, mu_R=-0.125, T_e=0.05)
    assert np.abs(lr).max() == 0.0                     # omega = mu_LR = +eV


# =========================================================================== ill-conditioned models (pole sums that cancel: quadrature fallback)

def _off_resonant():
    """Narrow levels far from the Fermi level: eps = 10, 8, gamma = 1e-3."""
    return symehp.Junction(H=[[10.0, 0.3], [0.3, 8.0]], gamma_L=[[1e-3, 0], [0, 0]],
                           gamma_R=[[0, 0], [0, 1e-3]], M=[[0.1, 0.05], [0.05, -0.1]],
                           omega=1.0, gamma_ph=0.1)


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_off_resonant_emission_at_chemical_potential_sommerfeld():
    model = _off_resonant()
    numeric = model.numeric()
    T, mu = 0.01, 0.1
    a = _spectral_numpy(numeric, "L", mu)
    expected = T * np.trace(numeric.M[0] @ a @ numeric.M[0] @ a).real / (2 * np.pi)
    got = symehp.emission_spectrum(model, "LL", 0.0, mu_L=mu, mu_R=-0.1, T_e=T)[0, 0]
    # the O(T^2) corrections are ~ (T / 2)^2 ~ 1e-4 relative at most
    assert abs(got - expected) <= 1e-3 * abs(expected)


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_off_resonant_dos_against_quadrature():
    model = _off_resonant()
    ref = Reference(model).spectra(0.0, 0.1, -0.1, 0.01, 0.01)
    scale = _scale(ref)
    got = symehp.ehp_dos(model, "RL", 0.0, mu_L=0.1, mu_R=-0.1, T_e=0.01)
    assert _worst(got, ref["RL"][0], scale) <= 1


def test_level_at_chemical_potential_emission_against_quadrature():
    model = symehp.Junction(H=[[0.0, 0.0], [0.0, 0.6]], gamma_L=[[0.01, 0], [0, 0]],
                            gamma_R=[[0, 0], [0, 0.01]], M=[[0.1, 0.05], [0.05, -0.1]],
                            omega=1.0, gamma_ph=0.1)
    ref = Reference(model).spectra(0.0, 0.0, 0.0, 0.05, 0.05)
    got = symehp.emission_spectrum(model, "LL", 0.0, mu_L=0.0, mu_R=0.0, T_e=0.05)
    assert _worst(got, ref["LL"][1], _scale(ref)) <= 1


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
@pytest.mark.parametrize("detuning", [0.0, 1e-10, 1e-8, 1e-6, 1e-4])
def test_near_exceptional_point_raises_or_is_accurate(detuning):
    """Near an exceptional point the pole expansion loses ~cond^2 eps: symehp must either
    refuse (ModelError) or still be right (the former cond < 1e8 check let the exact EP
    through with a 37% error, and t = (1 + 1e-10)/2 with a 1e-6 error)."""
    g = 2.0
    t = g / 4 * (1 + detuning)
    model = symehp.Junction(H=[[0, t], [t, 0]], gamma_L=[[g, 0], [0, 0]],
                            gamma_R=[[0, 0], [0, 0]], M=[[0.3, 0.1], [0.1, -0.2]],
                            omega=1.0, gamma_ph=0.1)
    try:
        got = symehp.ehp_dos(model, "LL", 0.3, mu_L=0.1, mu_R=0.1, T_e=0.05)
    except symehp.ModelError:
        return
    ref = Reference(model).spectra(0.3, 0.1, 0.1, 0.05, 0.05)
    assert np.abs(got - ref["LL"][0]).max() <= 1e-8 * np.abs(ref["LL"][0]).max()


# ====================================================== mode-diagonal fast route (Eq. 8)

from symehp.numeric.diagonal_spectra import (diagonal_model, diagonal_spectra,  # noqa: E402
                                             point_data)
from symehp.numeric.fermi_integrals import CLOSE  # noqa: E402
from symehp.numeric.poles import pole_expansion  # noqa: E402
from symehp.numeric.spectra import channel_spectra  # noqa: E402


def _diagonal(model, omega, mu_L, mu_R, T):
    """The fast route at the nodes ``omega`` of one parameter point."""
    dm = diagonal_model(pole_expansion(model.numeric()))
    data = point_data(dm, np.array([mu_L]), np.array([mu_R]), np.array([T]))
    omega = np.atleast_1d(np.asarray(omega, float))
    return diagonal_spectra(dm, data, omega, np.zeros(omega.size, dtype=int))


# model A: mu_LR = 0.5 and the coincident poles at omega = eps1 - eps2 = 1 (equal widths);
# nodes on and around them, inside and outside the Taylor regions (CLOSE * R ~ 4e-3..1.6e-2)
DIAGONAL_NODES = {"A": [0.0, 1e-3, 0.37, 0.5, 0.5 + 3e-3, 0.5 - 2e-2, 1.0, 1.0 + 3e-3,
                        1.0 - 1e-2],
                  "B": [0.0, 0.375, 0.375 - 2e-3, -0.61]}


@pytest.mark.parametrize("name", ["A", pytest.param("B", marks=SLOW)])
def test_diagonal_spectra_against_quadrature(name):
    """Lambda_kk and Pi^<_kk of the fast route against the independent energy quadrature,
    at the removable singularities (omega = mu_LR, omega = 0, coincident poles) and near."""
    model = MODELS[name]
    mu_L, mu_R = BIAS[name]
    spectra_, bad = _diagonal(model, DIAGONAL_NODES[name], mu_L, mu_R, 0.05)
    assert not bad.any()
    for i, w in enumerate(DIAGONAL_NODES[name]):
        ref = reference(name, w, 0.05, 0.05)
        scale = _scale(ref)
        for ch in CHANNELS:
            ref_dos = np.real(np.diagonal(ref[ch][0]))
            ref_less = np.real(np.diagonal(ref[ch][1]))
            if ch not in spectra_:                   # no traces: the channel vanishes
                assert np.abs(ref_dos).max() <= AFLOOR * scale
                continue
            dos, less = spectra_[ch]
            assert _worst(dos[i], ref_dos, scale) <= 1, (w, ch, "Lambda")
            assert _worst(less[i], ref_less, scale) <= 1, (w, ch, "Pi<")


@pytest.mark.parametrize("T", [1e-4, 0.05, 1.0])
def test_diagonal_spectra_match_general_route_across_taylor_boundaries(T):
    """Dense nodes through the switches between direct formula and Taylor series
    (d -> 0 at omega = mu_LR = 1, coincident poles at omega = 1, omega -> 0): the fast
    route must agree with the contour-based general route everywhere, continuously."""
    model = MODELS["A"]
    expansion = pole_expansion(model.numeric())
    R = 0.1 + np.pi * T
    w = np.concatenate([1.0 + np.linspace(-3, 3, 121) * CLOSE * R,
                        np.linspace(0, 3, 61) * CLOSE * R, [0.3, 2.0]])
    spectra_, bad = _diagonal(model, w, 0.5, -0.5, T)
    assert not bad.any()
    n = w.size
    for ch, (dos, less) in spectra_.items():
        ref_dos, ref_less = channel_spectra(expansion, ch, w, np.full(n, 0.5), np.full(n, -0.5),
                                            np.full(n, T), np.full(n, T))
        ref_dos = np.real(np.diagonal(ref_dos, axis1=-2, axis2=-1))
        ref_less = np.real(np.diagonal(ref_less, axis1=-2, axis2=-1))
        scale = max(np.abs(ref_dos).max(), np.abs(ref_less).max())
        assert np.abs(dos - ref_dos).max() <= 1e-11 * scale, ch
        assert np.abs(less - ref_less).max() <= 1e-11 * scale, ch


def test_diagonal_spectra_skip_channels_without_traces():
    """The two-level model couples the levels only across the electrodes: LL, RR vanish."""
    spectra_, _ = _diagonal(MODELS["A"], [0.3], 0.25, -0.25, 0.05)
    assert sorted(spectra_) == ["LR", "RL"]


@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
def test_diagonal_spectra_flag_cancelling_pole_sums():
    """Narrow levels far from the Fermi level: the pole-pair sum cancels, and the fast route
    hands the node to the general route (which integrates over energy) instead of
    returning a number with few correct digits."""
    model = _off_resonant()
    _, bad = _diagonal(model, [0.0, 0.3], 0.1, -0.1, 0.01)
    assert bad.all()


def test_channel_labels_may_be_numpy_integers():
    import symehp
    assert symehp.channel(np.int64(4)) is symehp.channel("LR")
    assert symehp.channel(np.str_("RL")) is symehp.channel(3)
    for bad in (True, np.bool_(True), 4.0, "lr", 5):
        with pytest.raises(symehp.ParameterError, match="unknown channel"):
            symehp.channel(bad)
