"""symehp.instability_map: the growth rate of the least stable mode on a (V, parameter) grid.

Independent checks: the bare ohmic mode (m = 0) decays at exactly gamma_ph / 2; for one
mode the map turns unstable where the total damping of ``mode_occupation`` (through
``instability_bias``) changes sign; every cell is ``mode_eigenfrequencies`` at that point.
"""

import numpy as np
import pytest

import symehp
from symehp.applications.heating import instability_bias
from symehp.models import fig2_model, gated_two_modes
from symehp.numeric.mode_dynamics import mode_eigenfrequencies

xr = pytest.importorskip("xarray")


def test_map_is_the_eigenfrequencies_on_the_grid():
    V = np.array([0.0, 1.5, 2.5])
    gate = np.array([-0.4, 0.0, 0.3])
    growth = symehp.instability_map(gated_two_modes, V=V, gate=gate, T_e=0.05)
    assert isinstance(growth, xr.DataArray) and growth.dims == ("V", "gate")
    np.testing.assert_array_equal(growth["V"], V)
    np.testing.assert_array_equal(growth["gate"], gate)
    assert growth.attrs["T_e"] == 0.05 and "energy" in growth.attrs["units"]
    assert "> 0" in growth.attrs["convention"] and growth.attrs["bias"] == "mu_L = V/2 = -mu_R"
    for i, v in enumerate(V):
        for j, g in enumerate(gate):
            z = mode_eigenfrequencies(gated_two_modes(g), mu_L=v / 2, mu_R=-v / 2, T_e=0.05)
            assert growth.values[i, j] == z.growth_rate == np.max(z.frequencies.imag)
    # the heating geometry runs away at large bias, not at zero bias
    assert np.all(growth.sel(V=0.0) < 0) and growth.sel(V=2.5, gate=0.0) > 0


def test_bare_mode_decays_at_half_gamma_ph():
    """m = 0: z^2 = Omega^2 - i Re(z) gamma_ph gives Im z = -gamma_ph / 2 exactly."""
    growth = symehp.instability_map(lambda gamma_ph: fig2_model("heating", m=0.0,
                                                                gamma_ph=gamma_ph),
                                    V=[0.0, 1.5], gamma_ph=[0.01, 0.05], T_e=0.05)
    np.testing.assert_allclose(growth.values, -np.array([[0.005, 0.025]] * 2), rtol=1e-12)


@pytest.mark.parametrize("gamma_ph", [0.01, 0.02])
def test_onset_is_where_the_single_mode_damping_changes_sign(gamma_ph):
    """Stability flips where mode_occupation's total damping does (instability_bias), to
    the shift of the evaluation frequency (Omega vs Re z): within 3 %."""
    def factory(gamma_ph):
        return fig2_model("heating", gamma_ph=gamma_ph)

    onset = instability_bias(factory(gamma_ph), T_e=0.05, T_ph=0.05)
    growth = symehp.instability_map(factory, V=onset * np.array([0.97, 1.03]),
                                    gamma_ph=[gamma_ph], T_e=0.05)
    assert growth.values[0, 0] < 0 < growth.values[1, 0]


def _raises(factory):
    raise RuntimeError("no such device")


@pytest.mark.parametrize("kwargs, match", [
    (dict(gate=[0.1]), "model_factory\\(gate=0.1\\) raised RuntimeError: no such device"),
])
def test_factory_that_raises(kwargs, match):
    with pytest.raises(symehp.ParameterError, match=match):
        symehp.instability_map(lambda gate: _raises(gate), V=[0.5], T_e=0.05, **kwargs)


def test_bad_input():
    kw = dict(V=[0.5, 1.0], T_e=0.05)
    with pytest.raises(symehp.ParameterError, match="returned dict, not a symehp.Junction"):
        symehp.instability_map(lambda gate: {}, gate=[0.1], **kw)
    with pytest.raises(symehp.ParameterError, match="gate must be a non-empty 1-D"):
        symehp.instability_map(gated_two_modes, gate=[[0.1, 0.2]], **kw)
    with pytest.raises(symehp.ParameterError, match="gate must be a non-empty 1-D"):
        symehp.instability_map(gated_two_modes, gate=0.1, **kw)
    with pytest.raises(symehp.ParameterError, match="exactly one extra keyword axis.*got none"):
        symehp.instability_map(gated_two_modes, **kw)
    with pytest.raises(symehp.ParameterError, match="got gate, m"):
        symehp.instability_map(gated_two_modes, gate=[0.1], m=[0.1], **kw)
    with pytest.raises(symehp.ParameterError, match="V must be a non-empty 1-D"):
        symehp.instability_map(gated_two_modes, V=[[0.5]], gate=[0.1], T_e=0.05)
    with pytest.raises(symehp.ParameterError, match="V must be finite"):
        symehp.instability_map(gated_two_modes, V=[np.nan], gate=[0.1], T_e=0.05)
    with pytest.raises(symehp.ParameterError, match="callable"):
        symehp.instability_map(gated_two_modes(0.0), gate=[0.1], **kw)
    with pytest.raises(symehp.ParameterError, match="unknown parameter"):
        symehp.instability_map(gated_two_modes, gaet=[0.1], **kw)
    with pytest.raises(symehp.ParameterError, match="temperature missing"):
        symehp.instability_map(gated_two_modes, V=[0.5], gate=[0.1])


def test_progress_bar_counts_every_grid_point(capsys):
    factory = symehp.models.gated_two_modes
    grid = symehp.instability_map(factory, V=[0.0, 0.5], gate=[0.0, 0.4], T_e=0.05,
                                  progress=True)
    assert grid.shape == (2, 2)
    assert "4/4" in capsys.readouterr().err
    with pytest.raises(symehp.ParameterError, match="progress must be True, False or None"):
        symehp.instability_map(factory, V=[0.0], gate=[0.0], T_e=0.05, progress="yes")
