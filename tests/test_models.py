"""symehp.models: the one home of the ready-made models.

The factories build what their docstrings say (checked on the arrays), the old import
paths give the same objects, and the two-mode models have the limits they are built for:
``ep_junction(scale)`` keeps the flat-DOS Eq. (9) coefficients fixed while the levels
widen, and ``two_level_two_modes`` saturates the flat-DOS bound on ``a``.
"""

import numpy as np
import pytest
import sympy as sp

import symehp
from symehp import models
from symehp.applications import eq9


def test_old_import_paths_are_the_same_objects():
    import symehp.applications.heating as heating
    import symehp.applications.mode_coupling as mode_coupling
    import symehp.model as model
    assert symehp.two_level is models.two_level is model.two_level
    assert heating.fig2_model is models.fig2_model and heating.FIG2 is models.FIG2
    assert symehp.applications.fig2_model is models.fig2_model
    assert mode_coupling.two_level_two_modes is models.two_level_two_modes
    with pytest.raises(AttributeError, match="no attribute 'three_level'"):
        model.three_level      # noqa: B018


def test_two_level_symbolic_and_numeric():
    sym = models.two_level()
    assert {s.name for s in sym.H.free_symbols} == {"epsilon_1", "epsilon_2"}
    n = models.two_level(0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05).numeric()
    np.testing.assert_array_equal(n.gamma_L, [[0.2, 0], [0, 0]])
    np.testing.assert_array_equal(n.M[0], [[0, 0.1], [0.1, 0]])
    assert sp.simplify(sym.M[0][0, 1] - sp.Symbol("m", real=True)) == 0


def test_fig2_model_geometries():
    heat, cool = models.fig2_model("heating").numeric(), models.fig2_model("cooling").numeric()
    assert heat.H[0, 0] - heat.H[1, 1] == pytest.approx(models.FIG2["omega"])
    assert cool.H[0, 0] - cool.H[1, 1] == pytest.approx(-models.FIG2["omega"])
    with pytest.raises(symehp.ParameterError, match="geometry"):
        models.fig2_model("sideways")


def test_two_level_two_modes_couplings():
    n = models.two_level_two_modes(m=0.05).numeric()
    np.testing.assert_array_equal(n.M[0], 0.05 * np.array([[0, 1], [1, 0]]))
    np.testing.assert_array_equal(n.M[1], 0.05 * np.array([[0, -1j], [1j, 0]]))


def test_ep_junction_keeps_the_flat_dos_coefficients_as_it_widens():
    """a = -Im tr[M1 A_L M2 A_R]/(2 pi) and tr[M^k A M^k A] scale as m^2 / width^2:
    exactly invariant under scale for levels at the Fermi energy."""
    a = [eq9.flat_dos_a(models.ep_junction(s)) for s in (0.5, 1.0, 4.0)]
    np.testing.assert_allclose(a, a[0], rtol=1e-13)
    # flat DOS at eps = 0: A_11 = A_22 = 4 / width, a = -(m^2 / 2 pi) (4 / width)^2 * (-1)
    p = models.EP_JUNCTION
    assert a[0] == pytest.approx(p["m"] ** 2 * (4 / p["width"]) ** 2 / (2 * np.pi), rel=1e-13)
    n = models.ep_junction(2.0).numeric()
    np.testing.assert_allclose(n.omega, [p["Omega"] + p["delta"] / 2, p["Omega"] - p["delta"] / 2])
    assert n.gamma_L[0, 0] == 2 * p["width"] and n.gamma_ph[1] == p["gamma_ph"]
    with pytest.raises(symehp.ParameterError, match="scale"):
        models.ep_junction(0.0)


def test_gated_two_modes_shifts_both_levels():
    base, gated = models.gated_two_modes().numeric(), models.gated_two_modes(0.3).numeric()
    np.testing.assert_allclose(np.diag(gated.H) - np.diag(base.H), [0.3, 0.3], rtol=1e-14)
    np.testing.assert_array_equal(gated.M, base.M)
    with pytest.raises(symehp.ParameterError, match="unknown parameter"):
        models.gated_two_modes(gaet=0.1)
