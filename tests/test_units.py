"""SI units (symehp.units) against published constants, and ``symehp current --units``."""

import json
import math

import numpy as np
import pytest

import symehp
from symehp.cli import main
from symehp.errors import ParameterError
from symehp.units import ENERGY_UNITS, Units

# published values (CODATA 2018), typed in: independent of scipy.constants
K_PER_EV = 11604.51812                 # 1 eV / k_B
HBAR_EV_S = 6.582119569e-16            # hbar in eV s
G0 = 7.748091729e-5                    # conductance quantum 2 e^2 / h, in S
RY_EV = 13.605693122994
HA_EV = 27.211386245988
CM1_EV = 1.239841984e-4                # h c x 1 cm^-1 in eV


def test_published_constants():
    ev = Units("eV")
    assert ev.kelvin(1.0) == pytest.approx(K_PER_EV, rel=1e-9)
    assert ev.time == pytest.approx(HBAR_EV_S, rel=1e-9)
    assert ev.per_second(1.0) == pytest.approx(1 / HBAR_EV_S, rel=1e-9)
    # e E0 / hbar at E0 = 1 eV is e^2/hbar x 1 V = pi G0 x 1 V
    assert ev.electric_current == pytest.approx(math.pi * G0, rel=1e-9)
    # E0^2 / hbar = (1 eV)^2 / hbar: the same number, in W
    assert ev.energy_current == pytest.approx(math.pi * G0, rel=1e-9)
    for name, in_ev in (("meV", 1e-3), ("Ry", RY_EV), ("Ha", HA_EV), ("cm-1", CM1_EV)):
        assert Units(name).energy == pytest.approx(in_ev * ev.energy, rel=1e-9), name
    assert Units("K").kelvin(1.0) == pytest.approx(1.0, rel=1e-12)
    assert Units("J").energy == 1.0


def test_conversions_broadcast_and_invert():
    si = Units("meV")
    T = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert si.kelvin(T).shape == (2, 2)
    np.testing.assert_allclose(si.from_kelvin(si.kelvin(T)), T, rtol=1e-15)
    assert isinstance(si.watts(2.0), float)
    assert si.watts(2.0) == 2 * si.energy_current


def test_electric_current_is_minus_e_I():
    """I > 0 is electrons L -> R: the electric current L -> R is negative."""
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    res = symehp.transport(model, mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05)
    assert res.I > 0
    si = Units("eV").transport(res)
    assert si["I_electric"] == pytest.approx(-res.I * math.pi * G0, rel=1e-9)
    assert si["J"] == pytest.approx(res.J * math.pi * G0, rel=1e-9)
    assert si["error_I_electric"] > 0
    assert sum(v for k, v in si["J_by_channel"].items() if k != "total") == pytest.approx(si["J"])


def test_unknown_unit_is_named():
    with pytest.raises(ParameterError, match="energy_unit must be one of .*eV.*got 'ev'"):
        Units("ev")
    assert set(ENERGY_UNITS) >= {"eV", "meV", "Ry", "Ha", "J", "K", "cm-1"}


def test_current_command_reports_si(capsys):
    assert main(["current", "--V", "1.0", "--units", "eV", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    point = data["points"][0]
    assert point["si"]["J_W"] == pytest.approx(point["J"] * math.pi * G0, rel=1e-9)
    assert point["si"]["I_electric_A"] == pytest.approx(-point["I"] * math.pi * G0, rel=1e-9)
    assert data["conditions"]["T_ph_kelvin"] == pytest.approx(0.05 * K_PER_EV, rel=1e-9)
    assert main(["current", "--V", "1.0", "--units", "eV"]) == 0
    text = capsys.readouterr().out
    assert "J [W]" in text and "-e I [A]" in text and "580.226 K" in text
    assert main(["current", "--V", "1.0"]) == 0
    assert "[W]" not in capsys.readouterr().out
