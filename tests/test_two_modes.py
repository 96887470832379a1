"""Eq. (9) two-mode dynamics and the current-induced exceptional point (Fig. 4)."""

import numpy as np
import pytest
import sympy as sp

from symehp.applications import two_modes as tm
from symehp.applications.two_modes import FIG4, exceptional_point, two_mode_dynamics
from symehp.derivations import derive, render
from symehp.errors import ParameterError

REAL_EP = dict(FIG4, gamma=0.0)           # gamma = 0, b = 0, c < delta: real EP
LORENTZ = dict(FIG4, b=0.03)              # b != 0: Lorentz-force coupling too


def eq9(V, Omega, delta, gamma, a, b, c):
    """Eq. (9) typed in again from the paper, entry by entry."""
    return np.array([[(Omega + delta / 2 + 1j * gamma) ** 2, V * (a + 1j * b * Omega) + 1j * c * Omega],
                     [-V * (a + 1j * b * Omega) + 1j * c * Omega, (Omega - delta / 2 + 1j * gamma) ** 2]])


def v_ep_by_hand(Omega, delta, gamma, a, b, c):
    """Positive-real-part EP bias from D/4 = delta^2 (Omega+i gamma)^2 - c^2 Omega^2 - V^2 w^2."""
    v = np.sqrt(complex(delta ** 2 * (Omega + 1j * gamma) ** 2 - (c * Omega) ** 2)) / (a + 1j * b * Omega)
    return v if v.real >= 0 else -v


# ----------------------------------------------------------------- the matrix
@pytest.mark.parametrize("params", [FIG4, LORENTZ, dict(Omega=2.0, delta=-0.1, gamma=0.3, a=-0.2, b=0.5, c=0.07)])
@pytest.mark.parametrize("V", [0.0, 0.37, -1.2, 0.4 + 0.1j])
def test_matrix_is_eq9_as_printed(params, V):
    d = two_mode_dynamics(V, **params)
    np.testing.assert_allclose(d.matrix, eq9(V, **params), rtol=0, atol=1e-15)
    np.testing.assert_allclose(tm.dynamical_matrix(V, **params), d.matrix, rtol=0, atol=0)


def test_eigensystem_is_an_eigensystem():
    V = np.linspace(-1.5, 1.5, 31)
    for params in (FIG4, LORENTZ, REAL_EP):
        d = two_mode_dynamics(V, **params)
        K, lam, vec = d.matrix, d.eigenvalues, d.vectors
        # K v_j = lambda_j v_j, unit vectors, trace and determinant
        np.testing.assert_allclose(K @ vec, vec * lam[..., None, :], atol=1e-13)
        np.testing.assert_allclose(np.linalg.norm(vec, axis=-2), 1.0, atol=1e-14)
        np.testing.assert_allclose(lam.sum(-1), np.trace(K, axis1=-2, axis2=-1), atol=1e-14)
        np.testing.assert_allclose(lam.prod(-1), np.linalg.det(K), atol=1e-13)
        np.testing.assert_allclose(d.discriminant, np.trace(K, axis1=-2, axis2=-1) ** 2
                                   - 4 * np.linalg.det(K), atol=1e-13)
        # principal square roots: squares give the eigenvalues, Re omega >= 0
        np.testing.assert_allclose(d.frequencies ** 2, lam, rtol=1e-14)
        assert np.all(d.frequencies.real >= 0)
        # agrees with LAPACK as a set: each LAPACK eigenvalue is one of ours
        ref = np.linalg.eigvals(K)
        dist = np.abs(ref[..., :, None] - lam[..., None, :]).min(axis=-1)
        assert dist.max() < 1e-12


def test_overlap_matches_definition():
    d = two_mode_dynamics(np.array([0.1, 0.5, 0.9]), **LORENTZ)
    for K, ov in zip(d.matrix, d.overlap):
        _, v = np.linalg.eig(K)
        ref = abs(np.vdot(v[:, 0], v[:, 1])) / (np.linalg.norm(v[:, 0]) * np.linalg.norm(v[:, 1]))
        assert ov == pytest.approx(ref, abs=1e-12)


def test_overlap_at_zero_bias_is_c_over_delta():
    # gamma = 0, V = 0: eigenvectors (i c Omega, p_j), p_1 p_2 = (c Omega)^2, so the
    # overlap is 2 c^2 / (c |d|) with d = 2 delta: exactly c/delta for |c| < |delta|.
    for c, delta in ((0.02, 0.04), (0.01, 0.05), (0.03, -0.04)):
        d = two_mode_dynamics(0.0, **dict(REAL_EP, c=c, delta=delta))
        assert float(d.overlap) == pytest.approx(abs(c / delta), rel=1e-12)


def test_bias_reversal_transposes_the_matrix():
    # K(-V) = K(V)^T: same spectrum; for a 2 x 2 the right eigenvectors of K^T are
    # J v_2, J v_1 (J = 90 degree rotation, unitary), so the overlap is even in V.
    V = np.linspace(0.05, 1.4, 28)
    J = np.array([[0, 1], [-1, 0]])
    for params in (FIG4, LORENTZ):
        plus, minus = two_mode_dynamics(V, **params), two_mode_dynamics(-V, **params)
        np.testing.assert_array_equal(minus.matrix, np.swapaxes(plus.matrix, -1, -2))
        np.testing.assert_allclose(minus.eigenvalues, plus.eigenvalues, atol=1e-15)
        np.testing.assert_allclose(minus.discriminant, plus.discriminant, atol=1e-15)
        np.testing.assert_allclose(minus.overlap, plus.overlap, atol=1e-12)
        rotated = np.einsum("ij,...j->...i", J, plus.vectors[..., :, 1])
        inner = np.abs(np.sum(rotated.conj() * minus.vectors[..., :, 0], axis=-1))
        np.testing.assert_allclose(inner, 1.0, atol=1e-12)


def test_pt_like_phases_without_damping():
    # gamma = 0, b = 0: tr K real and D real, so below |V_EP| both eigenvalues are
    # real (split frequencies), above it they are a complex-conjugate pair.
    v_ep = v_ep_by_hand(**REAL_EP).real
    below = two_mode_dynamics(np.linspace(0, 0.95 * v_ep, 20), **REAL_EP)
    above = two_mode_dynamics(np.linspace(1.05 * v_ep, 2 * v_ep, 20), **REAL_EP)
    np.testing.assert_allclose(below.eigenvalues.imag, 0.0, atol=1e-15)
    assert np.all(np.diff(below.eigenvalues.real, axis=-1) > 0)
    np.testing.assert_allclose(above.eigenvalues[:, 0], above.eigenvalues[:, 1].conj(), atol=1e-15)
    assert np.all(above.eigenvalues[:, 1].imag > 0)


def test_fig4_curves_are_continuous_and_ordered():
    V = np.linspace(0, 1.4, 2801)
    d = two_mode_dynamics(V, **FIG4)
    step = np.abs(np.diff(d.frequencies, axis=0))
    # sqrt(D) ~ sqrt(V - V_EP) near the EP: largest step ~ sqrt(dV * a V_EP)/2, nothing like a swap
    assert step.max() < 5e-3
    assert np.all(d.frequencies[:, 0].real <= d.frequencies[:, 1].real)
    # the splitting changes character at the EP: Re before, Im after
    w = d.frequencies
    split = w[:, 1] - w[:, 0]
    assert split[0].real > 0.03 and abs(split[0].imag) < 1e-4
    assert split[-1].imag > 0.05 and split[-1].real < 1e-4


# ----------------------------------------------------------------- the exceptional point
def test_real_ep_coalescence():
    ep = exceptional_point(**REAL_EP)
    v = v_ep_by_hand(**REAL_EP)
    assert ep.on_real_axis
    np.testing.assert_allclose(ep.V, [-v, v], rtol=1e-14)
    assert np.all(ep.V.imag == 0)
    d = two_mode_dynamics(ep.V.real, **REAL_EP)
    scale = 4 * (REAL_EP["delta"] * REAL_EP["Omega"]) ** 2
    assert np.all(np.abs(d.discriminant) < 1e-12 * scale)
    K = d.matrix                                  # independently, from the matrix itself
    assert np.all(np.abs(np.trace(K, axis1=-2, axis2=-1) ** 2 - 4 * np.linalg.det(K)) < 1e-12)
    np.testing.assert_allclose(d.frequencies[:, 0], d.frequencies[:, 1], atol=1e-6)
    np.testing.assert_allclose(d.overlap, 1.0, atol=1e-6)
    # coalesced frequency: sqrt(tr K / 2) = sqrt(Omega^2 + delta^2/4)
    np.testing.assert_allclose(d.frequencies, ep.frequency, atol=1e-6)
    assert ep.frequency == pytest.approx(np.sqrt(1 + 0.04 ** 2 / 4), rel=1e-14)
    # away from it the eigenvectors are distinct
    away = two_mode_dynamics(np.array([0.0, 0.3, 0.6, 0.8, 1.2]) * v.real / 0.69, **REAL_EP)
    assert np.all(away.overlap < 0.99)


def test_exact_zero_discriminant_gives_overlap_one_without_nan():
    # gamma = 0, c = 0, delta = 2 a Omega / ... : choose V_EP = delta Omega / a exactly
    p = dict(Omega=1.0, delta=0.5, gamma=0.0, a=0.25, b=0.0, c=0.0)   # V_EP = 2 exactly
    d = two_mode_dynamics(2.0, **p)
    assert d.discriminant == 0
    assert float(d.overlap) == 1.0
    assert np.all(np.isfinite(d.vectors)) and np.all(np.isfinite(d.frequencies))
    assert d.frequencies[0] == d.frequencies[1]


def test_scalar_matrix_is_not_an_ep():
    # delta = c = 0 at V = 0: K = (Omega + i gamma)^2 * 1, D = 0 but diagonalizable.
    d = two_mode_dynamics(0.0, **dict(FIG4, delta=0.0, c=0.0))
    assert d.discriminant == 0
    np.testing.assert_array_equal(d.vectors, np.eye(2))
    assert float(d.overlap) == 0.0


def test_finder_agrees_with_closed_form_without_damping():
    ep = exceptional_point(**REAL_EP)
    assert ep.closest == pytest.approx(ep.V[-1].real, abs=1e-7)
    assert ep.overlap_at_closest == pytest.approx(1.0, abs=1e-6)


def test_fig4_ep_is_complex_and_closest_approach_is_near_it():
    ep = exceptional_point(**FIG4)
    v = v_ep_by_hand(**FIG4)
    np.testing.assert_allclose(ep.V, [-v, v], rtol=1e-13)
    assert not ep.on_real_axis
    assert np.all(np.abs(ep.V.imag) > 1e-4)          # genuinely complex: ~ 9.2e-4
    # to first order in gamma: Im V_EP = delta^2 Omega gamma / (a^2 Re V_EP)
    Om, de, ga, a = (FIG4[k] for k in ("Omega", "delta", "gamma", "a"))
    assert ep.V[-1].imag == pytest.approx(de ** 2 * Om * ga / (a ** 2 * ep.V[-1].real), rel=1e-3)
    # the finder lands next to Re V_EP, where the overlap peaks just below 1
    assert ep.closest == pytest.approx(ep.V[-1].real, abs=1e-5)
    assert 0.99 < ep.overlap_at_closest < 1 - 1e-4
    assert "off the real bias axis" in ep.note and "opposite sign" in ep.note
    # the scan cannot beat the refined maximum
    grid = two_mode_dynamics(np.linspace(*ep.v_range, 4001), **FIG4).overlap
    assert grid.max() <= ep.overlap_at_closest + 1e-12
    # at the complex bias itself the eigenvectors really coalesce
    at = two_mode_dynamics(ep.V, **FIG4)
    assert np.all(np.abs(at.discriminant) < 1e-12)
    np.testing.assert_allclose(at.overlap, 1.0, atol=1e-6)
    np.testing.assert_allclose(at.frequencies, ep.frequency, atol=1e-6)
    np.testing.assert_allclose(ep.frequencies_at_closest,
                               two_mode_dynamics(ep.closest, **FIG4).frequencies, rtol=0)


def test_lorentz_coupling_makes_ep_complex_even_without_damping():
    p = dict(LORENTZ, gamma=0.0)
    ep = exceptional_point(**p)
    np.testing.assert_allclose(ep.V[-1], v_ep_by_hand(**p), rtol=1e-13)
    assert not ep.on_real_axis
    assert np.all(np.abs(two_mode_dynamics(ep.V, **p).discriminant) < 1e-12)


def test_no_bias_coupling_no_ep():
    ep = exceptional_point(**dict(FIG4, a=0.0, b=0.0))
    assert ep.V.shape == (0,) and not ep.on_real_axis
    assert "no EP" in ep.note


# ----------------------------------------------------------------- shapes and input
def test_shapes():
    s = two_mode_dynamics(0.5, **FIG4)
    assert s.V.shape == () and s.matrix.shape == (2, 2) and s.eigenvalues.shape == (2,)
    assert s.frequencies.shape == (2,) and s.vectors.shape == (2, 2)
    assert s.overlap.shape == () and s.discriminant.shape == ()
    V = np.linspace(-1, 1, 12).reshape(3, 4)
    d = two_mode_dynamics(V, **FIG4)
    assert d.V.shape == (3, 4) and d.matrix.shape == (3, 4, 2, 2)
    assert d.eigenvalues.shape == d.frequencies.shape == (3, 4, 2)
    assert d.vectors.shape == (3, 4, 2, 2)
    assert d.overlap.shape == d.discriminant.shape == (3, 4)
    np.testing.assert_array_equal(d.V, V)
    # element-wise identical to scalar calls
    assert d.overlap[1, 2] == two_mode_dynamics(V[1, 2], **FIG4).overlap
    np.testing.assert_array_equal(d.frequencies[2, 3], two_mode_dynamics(V[2, 3], **FIG4).frequencies)
    assert two_mode_dynamics(1, **FIG4).V.dtype == float
    with pytest.raises(AttributeError):
        d.V = 0    # frozen


@pytest.mark.parametrize("bad, name", [
    (dict(Omega=0.0), "Omega"), (dict(Omega=-1.0), "Omega"), (dict(Omega=np.inf), "Omega"),
    (dict(gamma=-0.01), "gamma"), (dict(delta=np.nan), "delta"), (dict(a=np.inf), "a"),
    (dict(b="x"), "b"), (dict(c=np.nan), "c"),
])
def test_bad_parameters(bad, name):
    params = dict(FIG4, **bad)
    with pytest.raises(ParameterError, match=rf"^{name} "):
        two_mode_dynamics(0.5, **params)
    with pytest.raises(ParameterError, match=rf"^{name} "):
        exceptional_point(**params)


@pytest.mark.parametrize("V", [np.nan, [0.1, np.inf], 1j * np.nan, "abc"])
def test_bad_bias(V):
    with pytest.raises(ParameterError, match="V must be"):
        two_mode_dynamics(V, **FIG4)


def test_bad_search_range():
    with pytest.raises(ParameterError, match="v_range"):
        exceptional_point(**FIG4, v_range=(1.0, 0.5))


def test_docstrings_state_units_and_sign():
    for f in (two_mode_dynamics, exceptional_point):
        assert "hbar = e = k_B = 1" in f.__doc__ and "(Omega + i gamma)^2" in f.__doc__
    assert "leaves the real axis" in exceptional_point.__doc__


# ----------------------------------------------------------------- SymPy derivation
def test_derivation_closed_form():
    from symehp.derivations import exceptional_point as ep

    out = derive("exceptional_point")
    assert list(out) == ["K", "characteristic_polynomial", "discriminant", "V_EP",
                         "eigenvalue_EP", "frequency_EP"]
    K, D = out["K"], out["discriminant"]
    assert sp.expand(D - (K.trace() ** 2 - 4 * K.det())) == 0
    for root in out["V_EP"]:
        assert sp.simplify(D.subs(ep.V, root)) == 0
    assert sp.expand(out["eigenvalue_EP"] - K.trace() / 2) == 0
    # numeric closed form = SymPy closed form at Fig. 4 parameters
    subs = {getattr(ep, k): sp.nsimplify(v) for k, v in FIG4.items()}
    exact = sorted((complex(r.subs(subs).evalf(30)) for r in out["V_EP"]), key=lambda z: z.real)
    np.testing.assert_allclose(exceptional_point(**FIG4).V, exact, rtol=1e-14)


def test_derivation_renders():
    text = render("exceptional_point")
    assert text.startswith("% exceptional_point:")
    assert "V_EP:" in text and "discriminant:" in text and r"\gamma" in text
    assert "V_EP:" in render("exceptional_point", fmt="pretty")


# ----------------------------------------------------------------- figure
def test_figure_csv(tmp_path):
    from symehp.figures import fig4_exceptional_point as fig
    from symehp.figures._output import read_csv

    paths = fig.make(tmp_path, png=False)
    assert [p.name for p in paths] == ["fig4_exceptional_point.csv"]
    cols = read_csv(paths[0])
    assert list(cols) == ["V", "omega1_re", "omega1_im", "omega2_re", "omega2_im", "overlap"]
    ep = exceptional_point(**FIG4)
    i = int(np.argmax(cols["overlap"]))
    assert cols["V"][i] == pytest.approx(ep.closest, rel=1e-10)
    assert cols["overlap"][i] == pytest.approx(ep.overlap_at_closest, rel=1e-10)
    d = two_mode_dynamics(cols["V"], **FIG4)
    np.testing.assert_allclose(cols["omega2_im"], d.frequencies[:, 1].imag, rtol=1e-10, atol=1e-14)
    header = paths[0].read_text().split("\n", 8)[:8]
    assert any("V_EP" in line for line in header)


def test_figure_png(tmp_path):
    pytest.importorskip("matplotlib")
    from symehp.figures import fig4_exceptional_point as fig

    paths = fig.make(tmp_path)
    assert [p.suffix for p in paths] == [".csv", ".png"]
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].stat().st_size > 20_000


# ----------------------------------------------------------------- from a junction
def _junction(scale=1.0):
    from symehp.models import ep_junction
    return ep_junction(scale)


T_JUNCTION = 0.01


@pytest.mark.parametrize("frequency", ["adiabatic", "mode"])
def test_junction_dynamics_is_the_model_matrix(frequency):
    """With model=, the matrix at each V is effective_dynamical_matrix (or, reduction='eq9',
    Eq. (9) with that bias's coefficients), and the eigen-system is the matrix's."""
    from symehp.applications import eq9

    model = _junction()
    V = np.array([0.0, 0.1, 0.2])
    d = two_mode_dynamics(V, model=model, T_e=T_JUNCTION, frequency=frequency)
    red = two_mode_dynamics(V, model=model, T_e=T_JUNCTION, frequency=frequency,
                            reduction="eq9")
    for i, v in enumerate(V):
        K, w = eq9.effective_dynamical_matrix(model, V=v, T_e=T_JUNCTION, frequency=frequency)
        np.testing.assert_allclose(d.matrix[i], K, rtol=1e-13)
        assert d.params["omega_eval"][i] == pytest.approx(w, rel=1e-13)
        c = eq9.eq9_coefficients(model, V=v, T_e=T_JUNCTION, frequency=frequency)
        np.testing.assert_allclose(red.matrix[i], c.matrix(), rtol=1e-12)
        lam = np.linalg.eigvals(K)
        np.testing.assert_allclose(np.sort_complex(d.eigenvalues[i]), np.sort_complex(lam),
                                   rtol=1e-12)
        for j in range(2):      # right eigenvectors
            np.testing.assert_allclose(K @ d.vectors[i][:, j],
                                       d.eigenvalues[i, j] * d.vectors[i][:, j],
                                       atol=1e-12 * np.abs(K).max())
    assert d.frequencies.shape == (3, 2) and d.overlap.shape == (3,)


def test_junction_ep_approaches_its_eq9_reduction_in_the_flat_dos_limit():
    """The microscopic EP (the model's closest approach to coalescence at real bias) and the
    closed-form EP of its Eq. (9) reduction: ep_junction(scale) widens the levels at fixed
    Eq. (9) coefficients (Omega / width = 0.05 / scale).  The bias differs from Re V_EP by
    5.1e-3 at scale 1 and 1.3e-3 at scale 2 (~ 1/scale^2); tolerances 1e-2 and 2.5e-3."""
    gaps = []
    for scale, tol in ((1.0, 1e-2), (2.0, 2.5e-3)):
        ep = exceptional_point(model=_junction(scale), T_e=T_JUNCTION)
        red = ep.reduction
        V_ep = red.V[-1]                         # the root with Re V > 0
        assert np.array_equal(ep.V, red.V) and ep.coefficients.V == ep.closest
        gap = abs(ep.closest / V_ep.real - 1)
        assert gap < tol
        gaps.append(gap)
        # the coalesced frequency: the closed form sqrt((Omega + i gamma)^2 + delta^2/4)
        assert abs(ep.frequency - red.frequency) < 5e-5 * abs(red.frequency)
        # the same closest-approach definition on both sides agrees closer still
        assert ep.closest == pytest.approx(red.closest, rel=2e-4)
        # a near-coalescence: the two frequencies are closer than the bare detuning
        w1, w2 = ep.frequencies_at_closest
        assert abs(w1 - w2) < 0.5 * 0.002 and ep.overlap_at_closest > 0.9
        # the finder's maximum is the maximum on a dense grid around it
        V = ep.closest * np.linspace(0.98, 1.02, 41)
        dense = two_mode_dynamics(V, model=_junction(scale), T_e=T_JUNCTION).overlap
        assert dense.max() <= ep.overlap_at_closest + 1e-12
        assert 0 < ep.closest < 0.3             # a moderate bias (width 2 * scale)
    assert gaps[1] < gaps[0] / 3                 # shrinking as the limit is approached


def test_junction_bad_input():
    model = _junction()
    with pytest.raises(ParameterError, match="not both"):
        two_mode_dynamics(0.1, model=model, T_e=0.01, **FIG4)
    with pytest.raises(ParameterError, match="not both"):
        exceptional_point(model=model, T_e=0.01, a=0.05)
    with pytest.raises(ParameterError, match="missing Eq. \\(9\\) parameter"):
        two_mode_dynamics(0.1, Omega=1.0)
    with pytest.raises(ParameterError, match="missing"):
        exceptional_point()
    with pytest.raises(ParameterError, match="T_e"):
        two_mode_dynamics(0.1, model=model)
    with pytest.raises(ParameterError, match="T_e"):
        two_mode_dynamics(0.1, T_e=0.01, **FIG4)
    with pytest.raises(ParameterError, match="real"):
        two_mode_dynamics(0.1 + 0.01j, model=model, T_e=0.01)
    with pytest.raises(ParameterError, match="reduction"):
        two_mode_dynamics(0.1, model=model, T_e=0.01, reduction="eq8")
    with pytest.raises(ParameterError, match="frequency"):
        two_mode_dynamics(0.1, model=model, T_e=0.01, frequency="static")
    with pytest.raises(ParameterError, match="T_e"):
        exceptional_point(model=model, T_e=-1.0)
    with pytest.raises(ParameterError, match="omega_eval"):
        two_mode_dynamics(0.1, model=model, T_e=0.01, omega_eval=-0.1)
    with pytest.raises(ParameterError, match="route"):
        two_mode_dynamics(0.1, model=model, T_e=0.01, route="kk")
    import symehp
    with pytest.raises(symehp.ModelError, match="K = 1"):
        two_mode_dynamics(0.1, model=symehp.two_level(0.1, -0.1, 0.2, 0.2, 0.05, 1.0, 0.01),
                          T_e=0.01)
