"""Model files with energy-dependent leads (``lead_L`` / ``lead_R`` tables, symehp.modelfile).

* a chain-lead file (TOML and JSON) builds the same Junction as symehp.leads.chain in
  Python (the leads' parameters, transmission and currents), and a ``wide_band`` table
  is exactly ``gamma_``;
* dump_model / model_to_dict round-trip (TOML and JSON, complex couplings, follow_bias);
* bad tables (unknown type, a function lead, missing or unknown keys, wrong length,
  both gamma_ and lead_ for one side, a lead that cannot be written) are ModelErrors
  naming the file and the key;
* ``symehp current`` runs on such a file, also with ``--units eV``.
"""

import json

import numpy as np
import pytest

import symehp
from symehp import leads
from symehp.cli import main
from symehp.errors import ModelError
from symehp.modelfile import dump_model, model_to_dict, parse_model, read_model_file
from symehp.units import Units

H2 = [[0.5, 0.1], [0.1, -0.5]]
M2 = [[0.0, 0.1], [0.1, 0.0]]
CHAIN_TOML = """\
H = [[0.5, 0.1], [0.1, -0.5]]
M = [[[0.0, 0.1], [0.1, 0.0]]]
omega = [1.0]
gamma_ph = [0.05]
spin_degeneracy = 2

[lead_L]
type = "chain"
t = 1.0
coupling = [0.6, 0.0]

[lead_R]
type = "chain"
t = 1.2
onsite = 0.2
coupling = [0.0, "0.3+0.4j"]
follow_bias = true

[conditions]
V = 0.8
T_e = 0.05
T_ph = 0.05
"""
LEAD_L = dict(type="chain", t=1.0, coupling=[0.6, 0.0])
BASE = dict(H=H2, M=[M2], omega=[1.0], gamma_ph=[0.05])


def _python_model():
    return symehp.Junction(H2, lead_L=leads.chain(1.0, coupling=[0.6, 0.0]),
                           lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.3 + 0.4j],
                                              follow_bias=True),
                           M=M2, omega=1.0, gamma_ph=0.05, spin_degeneracy=2)


@pytest.fixture
def chain_file(tmp_path):
    path = tmp_path / "chain.toml"
    path.write_text(CHAIN_TOML)
    return path


# the currents of this model reach ~1e-8 rather than 1e-9 at some biases (an
# IntegrationWarning of the lead route); here both sides run the same computation
_SAME_COMPUTATION = pytest.mark.filterwarnings(
    "ignore::symehp.numeric.quadrature.IntegrationWarning")


@_SAME_COMPUTATION
def test_chain_file_is_the_python_model(chain_file):
    loaded = read_model_file(chain_file)
    model, ref = loaded.model, _python_model()
    assert loaded.conditions == {"V": 0.8, "T_e": 0.05, "T_ph": 0.05}
    for side in "LR":
        a, b = getattr(model.numeric(), f"lead_{side}"), getattr(ref.numeric(), f"lead_{side}")
        assert (a.t, a.onsite, a.follow_bias) == (b.t, b.onsite, b.follow_bias)
        assert np.array_equal(a.coupling, b.coupling)
    assert model.numeric().spin_degeneracy == 2
    E = np.linspace(-2.5, 2.5, 11)
    kw = dict(mu_L=0.4, mu_R=-0.4)
    assert np.array_equal(symehp.transmission(model, E, **kw), symehp.transmission(ref, E, **kw))
    assert symehp.transmission(model, 0.0, **kw) > 1e-3                  # not a test of zeros
    got = symehp.transport(model, T_e=0.05, T_ph=0.05, **kw)
    want = symehp.transport(ref, T_e=0.05, T_ph=0.05, **kw)
    assert got.J == want.J and got.I == want.I


def test_wide_band_table_is_gamma():
    gamma_r = [[0.0, 0.0], [0.0, 0.2]]
    with_table = parse_model({**BASE, "gamma_L": [[0.2, 0], [0, 0]],
                              "lead_R": {"type": "wide_band", "gamma": gamma_r}}).model
    plain = parse_model({**BASE, "gamma_L": [[0.2, 0], [0, 0]], "gamma_R": gamma_r}).model
    assert model_to_dict(with_table) == model_to_dict(plain)
    assert not with_table.energy_dependent


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_round_trip(chain_file, tmp_path, suffix):
    original = read_model_file(chain_file)
    path = dump_model(original.model, tmp_path / f"again{suffix}", original.conditions,
                      "chain leads")
    again = read_model_file(path)
    assert model_to_dict(again.model) == model_to_dict(original.model)
    assert again.conditions == original.conditions
    data = model_to_dict(original.model)
    assert data["lead_R"] == {"type": "chain", "t": 1.2, "onsite": 0.2,
                              "coupling": [0.0, "0.3+0.4j"], "follow_bias": True}
    assert "gamma_L" not in data and "gamma_R" not in data
    if suffix == ".json":
        assert json.loads(path.read_text())["lead_L"]["follow_bias"] is False


@pytest.mark.parametrize("change, message", [
    ({"lead_L": {"type": "self_energy"}}, "cannot be written in a model file"),
    ({"lead_L": {"type": "chian", "t": 1.0}}, "lead_L: type: 'chian' is not a lead type"),
    ({"lead_L": {"t": 1.0, "coupling": [1, 0]}}, "lead_L: missing key type"),
    ({"lead_L": {"type": "chain", "t": 1.0}},
     r"lead_L \(type 'chain'\): missing key\(s\) coupling"),
    ({"lead_L": {"type": "wide_band"}}, r"missing key\(s\) gamma"),
    ({"lead_L": {**LEAD_L, "hop": 1}}, "lead_L.hop: unknown key"),
    ({"lead_L": {**LEAD_L, "coupling": [0.6, 0.0, 0.1]}}, "lead_L.coupling: has 3 entries"),
    ({"lead_L": {**LEAD_L, "coupling": 0.6}}, "lead_L.coupling: expected a list"),
    ({"lead_L": {**LEAD_L, "coupling": [0.6, "x"]}}, r"lead_L.coupling\[1\]: cannot read"),
    ({"lead_L": {**LEAD_L, "t": "1j"}}, "lead_L.t: must be real"),
    ({"lead_L": {**LEAD_L, "t": 0.0}}, "lead_L: chain: the hopping t must be nonzero"),
    ({"lead_L": {**LEAD_L, "follow_bias": 1}}, "lead_L.follow_bias: must be true or false"),
    ({"lead_L": {"type": "wide_band", "gamma": [[1.0]]}}, r"lead_L.gamma: is 1 x 1"),
    ({"lead_L": "chain"}, "lead_L: expected a table"),
    ({"lead_L": LEAD_L, "gamma_L": [[0.2, 0], [0, 0]]}, "either gamma_L .* not both"),
    ({}, "missing electrode L: give gamma_L"),
])
def test_bad_lead_tables(change, message):
    data = {**BASE, "gamma_R": [[0, 0], [0, 0.2]], **change}
    with pytest.raises(ModelError, match=f"^model.toml: .*{message}"):
        parse_model(data, source="model.toml")


def test_a_function_lead_cannot_be_written(tmp_path):
    user = leads.self_energy(lambda E: np.broadcast_to(-0.1j * np.eye(2), (len(E), 2, 2)))
    model = symehp.Junction(H2, lead_L=user, gamma_R=[[0, 0], [0, 0.2]], M=M2, omega=1.0,
                            gamma_ph=0.05)
    with pytest.raises(ModelError, match="lead_L .* cannot be written to a model file"):
        dump_model(model, tmp_path / "user.toml")


@_SAME_COMPUTATION
def test_cli_current_with_chain_leads(chain_file, capsys):
    code = main(["current", "--model", str(chain_file), "--units", "eV", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    point = json.loads(out)["points"][0]
    ref = symehp.transport(_python_model(), mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05)
    assert point["J"] == pytest.approx(ref.J, rel=1e-12)
    si = Units("eV")
    assert point["si"]["J_W"] == pytest.approx(si.watts(ref.J), rel=1e-12)
    assert point["si"]["I_electric_A"] == pytest.approx(si.electric(ref.I), rel=1e-12)
    assert point["si"]["I_electric_A"] < 0 < ref.I          # electrons L -> R: -e I
    occ = symehp.mode_occupation(_python_model(), 0, mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.05)
    assert point["si"]["T_eff_K"]["0"] == pytest.approx(si.kelvin(occ.T_eff), rel=1e-12)
    assert occ.T_eff > 0.05                                  # heated above the baths
    assert main(["current", "--model", str(chain_file), "--units", "eV"]) == 0
    text = capsys.readouterr().out
    assert "T_eff [K]" in text and "-e I [A]" in text
