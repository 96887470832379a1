"""The symehp command end to end: figures, derive, verify (``current`` has its own file)."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from symehp import derivations, figures
from symehp.cli import main
from symehp.figures._output import read_csv

HAVE_MPL = importlib.util.find_spec("matplotlib") is not None

#: columns every figure's CSV must carry (a subset: the ones the figure draws)
COLUMNS = {
    "rectification": ["dT", "flat_J_forward", "flat_J_backward", "flat_asymmetry",
                      "structured_J_forward", "structured_J_backward", "structured_asymmetry"],
    "fig3_cold_spot": ["T_ph", "I_gamma0.2", "J_gamma0.2", "J_over_I_gamma0.2",
                       "J_over_I_gamma0.05"],
    "fig2_heating_cooling": ["V", "heating_T0.05_J", "heating_T0.05_J_LR", "heating_T0.05_T_eff",
                             "cooling_T0.2_J", "cooling_T0.2_J_RL", "cooling_T0.2_T_eff",
                             "heating_T0.05_gamma_ph0.01_stable"],
    "fig4_exceptional_point": ["V", "omega1_re", "omega1_im", "omega2_re", "omega2_im", "overlap"],
}


@pytest.fixture(scope="module")
def figure_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    assert main(["figures", "--out", str(out), "--quiet"]) == 0
    return out


def test_figures_writes_every_csv_and_png(figure_dir):
    for name in figures.MODULES:
        assert (figure_dir / f"{name}.csv").stat().st_size > 0
        assert (figure_dir / f"{name}.png").exists() == HAVE_MPL


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_figure_csv_columns_and_physics(figure_dir, name):
    cols = read_csv(figure_dir / f"{name}.csv")
    for column in COLUMNS[name]:
        assert column in cols, f"{name}.csv lacks {column}"
    if name == "rectification":
        assert np.all(np.abs(cols["flat_asymmetry"]) < 2e-4)
        assert cols["structured_asymmetry"][-1] < -0.1
    if name == "fig3_cold_spot":
        cold = cols["T_ph"] < 0.1
        assert np.all(cols["I_gamma0.2"][cold] > 0) and np.all(cols["I_gamma0.2"][cols["T_ph"] > 0.1] < 0)
    if name == "fig2_heating_cooling":
        late = cols["V"] > 0.2
        assert np.all(cols["cooling_T0.2_J"][late] < 0)
        assert np.all(cols["cooling_T0.2_T_eff"][late] < 0.2)
        unstable = cols["heating_T0.05_gamma_ph0.01_stable"] == 0
        assert unstable.any() and np.all(np.isnan(cols["heating_T0.05_gamma_ph0.01_T_eff"][unstable]))
    if name == "fig4_exceptional_point":
        assert 0.998 < cols["overlap"].max() < 1.0


def test_figures_list_and_bad_name(capsys):
    assert main(["figures", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in figures.MODULES)
    assert main(["figures", "no_such_figure", "--quiet"]) == 2
    assert "unknown figure" in capsys.readouterr().err


def test_derive_list_every_name_and_bad_name(capsys):
    assert main(["derive", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in derivations.MODULES)
    assert main(["derive", "reciprocity", "--pretty"]) == 0
    text = capsys.readouterr().out
    assert "j(T0 + dT, T0) + j(T0, T0 + dT):\n0" in text
    assert main(["derive", "exceptional_point"]) == 0
    assert "V_EP:" in capsys.readouterr().out
    assert main(["derive", "nope"]) == 2
    assert "unknown derivation" in capsys.readouterr().err


@pytest.mark.parametrize("name", derivations.MODULES)
def test_every_derivation_renders_as_latex(name):
    text = derivations.render(name)
    assert text.startswith(f"% {name}:") and len(text.splitlines()) > 3


def test_console_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "symehp.cli", "derive", "--list"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "reciprocity" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "symehp.cli", "figures", "--bogus"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
