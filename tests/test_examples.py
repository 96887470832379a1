"""The example scripts under examples/ still run against the current API (slow)."""

import importlib.util
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(name):
    path = os.path.join(ROOT, "examples", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_molecule_between_chain_leads_quick_run(tmp_path, capsys):
    example = _load("molecule_chain_leads")
    assert example.main(["--quick", "--out", str(tmp_path)]) == 0
    csv = tmp_path / "molecule_chain_leads.csv"
    rows = [line for line in csv.read_text().splitlines() if not line.startswith("#")]
    data = np.genfromtxt(rows, delimiter=",", names=True)
    assert data.size == 4 and data["V"][0] == 0.0
    channels = [n for n in data.dtype.names if n.startswith("J_") and n.endswith("_W")
                and n != "J_total_W"]
    assert channels
    # the total is the sum of the channels, and no current flows at zero bias
    np.testing.assert_allclose(sum(data[n] for n in channels), data["J_total_W"],
                               rtol=1e-10, atol=1e-30)   # (the CSV holds 12 digits)
    assert abs(data["I_electric_A"][0]) < 1e-20
    # in equilibrium every mode is at the 300 K of the electrons and the bath; the bias
    # heats them all (the C=C stretch most)
    t_eff = [n for n in data.dtype.names if n.startswith("T_eff")]
    assert t_eff and all(data[n][0] == pytest.approx(300.0, rel=1e-9) for n in t_eff)
    assert all(data[n][-1] > 300.0 for n in t_eff)
    assert data["T_eff_CC_K"][-1] == max(data[n][-1] for n in t_eff) > 400.0
    assert (tmp_path / "molecule_chain_leads.toml").exists()
    assert "wrote" in capsys.readouterr().out
