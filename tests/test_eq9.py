"""The Eq. (9) mapping of a junction (symehp.applications.eq9): one Eq. (9) matrix, the
vectorized core against the scalar functions, and the quadrature route's new home.

The physics of the coefficients (against the EHP DOS, finite differences of the density
matrix, the flat-DOS limit) is tested in ``test_mode_coupling.py``.
"""

import numpy as np
import pytest

import _shared
import symehp
from symehp.applications import eq9, two_modes
from symehp.models import two_level_two_modes
from symehp.numeric.self_energy_quadrature import quadrature_self_energy


@pytest.fixture(scope="module")
def model3():
    return _shared.three_level_model()


def test_coefficient_matrix_is_the_two_modes_matrix(model3):
    """Eq9Coefficients.matrix is two_modes' Eq. (9) matrix (one home), at any V shape."""
    c = eq9.eq9_coefficients(model3, V=0.1, T_e=0.02)
    assert c.gamma > 0
    V = np.array([[0.0, 0.4], [-0.3, 1.2]])
    np.testing.assert_array_equal(c.matrix(V), two_modes.dynamical_matrix(V, **c.params))
    np.testing.assert_array_equal(c.matrix(), two_modes.dynamical_matrix(0.1, **c.params))
    # as printed: the off-diagonal is V (a + i b Omega) -/+ ... + i c Omega
    m = c.matrix(1.0)
    assert m[0, 1] - m[1, 0] == pytest.approx(2 * (c.a + 1j * c.b * c.Omega), rel=1e-14)
    assert m[0, 1] + m[1, 0] == pytest.approx(2j * c.c * c.Omega, rel=1e-14)


@pytest.mark.parametrize("frequency", ["adiabatic", "mode"])
def test_vectorized_core_matches_the_scalar_functions(model3, frequency):
    V = np.array([-0.3, 0.0, 0.25, 0.6])
    d9, w, _ = eq9.model_matrices(model3, V, T_e=0.02, frequency=frequency)
    arrays = eq9.coefficient_arrays(model3, V, T_e=0.02, frequency=frequency)
    for i, v in enumerate(V):
        one, w_one = eq9.effective_dynamical_matrix(model3, V=v, T_e=0.02, frequency=frequency)
        np.testing.assert_allclose(d9[i], one, rtol=1e-13)
        assert w[i] == pytest.approx(w_one, rel=1e-13)
        c = eq9.eq9_coefficients(model3, V=v, T_e=0.02, frequency=frequency)
        for name in ("Omega", "delta", "gamma", "a", "b", "c", "kappa"):
            assert arrays[name][i] == pytest.approx(getattr(c, name), rel=1e-12, abs=1e-15), name


def test_linear_response_at_V0_inside_an_array(model3):
    """V = 0 inside a grid takes the Richardson slope: it equals a small-V quotient."""
    arrays = eq9.coefficient_arrays(model3, np.array([0.0, 1e-4]), T_e=0.02)
    assert arrays["a"][0] == pytest.approx(arrays["a"][1], rel=1e-6)


def test_quadrature_module_is_the_route(model3):
    kw = dict(mu_L=0.3, mu_R=-0.1, T_e=0.03)
    w = np.array([0.0, 0.4])
    quad = quadrature_self_energy(model3, w, **kw)
    np.testing.assert_array_equal(eq9._self_energy(model3, w, route="quadrature", **kw), quad)
    closed = symehp.ehp_self_energy(model3, "total", w, **kw)
    np.testing.assert_allclose(quad, closed, rtol=0, atol=1e-9 * np.abs(closed).max())
    with pytest.raises(symehp.ParameterError, match="tol"):
        quadrature_self_energy(model3, 0.1, tol=0.1, **kw)
    with pytest.raises(symehp.ModelError, match="K = 3|exactly"):
        eq9.model_matrices(symehp.Junction(np.diag([0.1, -0.1]), np.diag([0.2, 0.0]),
                                           np.diag([0.0, 0.2]), [np.eye(2)] * 3, [1, 1, 1],
                                           [0, 0, 0]), 0.1, T_e=0.01)


def test_flat_dos_bound_is_saturated_by_the_curl_model():
    """|a| = 2 sqrt(gamma_e1 gamma_e2) for two_level_two_modes with a flat DOS (docs)."""
    model = two_level_two_modes(eps1=0.0, eps2=0.0, gamma1=40.0, gamma2=40.0, m=4.0,
                                omega=(2.1, 1.9), gamma_ph=(0.0, 0.0))
    c = eq9.eq9_coefficients(model, V=0.01, T_e=0.01)
    # gamma_k carries corrections of order (Omega / width)^2 = 2.5e-3
    assert abs(c.a) == pytest.approx(2 * np.sqrt(np.prod(c.gamma_modes)), rel=4e-3)
    assert abs(c.a) == pytest.approx(abs(eq9.flat_dos_a(model)), rel=1e-5)
