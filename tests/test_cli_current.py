"""End-to-end tests of ``symehp current`` and of the model files (symehp.modelfile).

Every number the command prints is compared with a direct call of
``symehp.transport`` / ``symehp.mode_occupation``; bad input must give exit
code 2 and a one-line ``symehp current: ...`` message, never a traceback.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symehp
from symehp.cli import main
from symehp.cli_current import parse_bias
from symehp.errors import ModeInstabilityError, ModelError, ParameterError
from symehp.modelfile import dump_model, load_model, model_to_dict, read_model_file

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "models"
PAPER = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
T0 = 0.05
CHANNELS = ("LL", "RR", "RL", "LR")

# a 3-level, 2-mode model with hopping and complex entries, as TOML and as JSON
GENERAL_TOML = """\
description = "test model"
H = [[0.4, 0.1, 0.0], [0.1, 0.0, "0.05-0.02j"], [0.0, "0.05 + 0.02j", -0.4]]
gamma_L = [[0.2, 0.0, 0.0], [0.0, 0.05, 0.0], [0.0, 0.0, 0.0]]
gamma_R = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.2]]
M = [[[0.0, 0.1, 0.0], [0.1, 0.0, 0.0], [0.0, 0.0, 0.0]],
     [[0.0, 0.0, "0.04j"], [0.0, 0.02, 0.0], ["-0.04j", 0.0, 0.0]]]
omega = [0.8, 1]
gamma_ph = [0.05, 0.03]

[conditions]
V = 1.0
T_e = 0.06
T_ph = 0.04
"""
GENERAL_DICT = {
    "description": "test model",
    "H": [[0.4, 0.1, 0.0], [0.1, 0.0, "0.05-0.02j"], [0.0, "0.05+0.02j", -0.4]],
    "gamma_L": [[0.2, 0, 0], [0, 0.05, 0], [0, 0, 0]],
    "gamma_R": [[0, 0, 0], [0, 0, 0], [0, 0, 0.2]],
    "M": [[[0, 0.1, 0], [0.1, 0, 0], [0, 0, 0]],
          [[0, 0, "0.04j"], [0, 0.02, 0], ["-0.04j", 0, 0]]],
    "omega": [0.8, 1.0], "gamma_ph": [0.05, 0.03],
    "conditions": {"V": 1.0, "T_e": 0.06, "T_ph": 0.04},
}


def run_cli(capsys, *argv):
    """``symehp current ARGV`` in process: (exit code, stdout, stderr)."""
    try:
        code = main(["current", *map(str, argv)])
    except SystemExit as exc:          # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run_cli(capsys, "--json", *argv)
    assert code == 0, err
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON output"))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text if isinstance(text, str) else json.dumps(text))
    return path


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300


def table(out, first):
    """Rows (lists of cells) of the text table whose header starts with ``first``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:2] == first)
    header = lines[start].split()
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(line.split(None, len(header) - 1))
    return header, rows


# ---------------------------------------------------------------- numbers

def test_table_agrees_with_api(capsys):
    code, out, err = run_cli(capsys, "--V", "0.6,1.2")
    assert code == 0 and err == ""
    model = symehp.two_level(**PAPER)
    V = np.array([0.6, 1.2])
    res = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=T0, T_ph=T0)
    occ = symehp.mode_occupation(model, mu_L=V / 2, mu_R=-V / 2, T_e=T0, T_ph=T0)
    header, rows = table(out, ["V", "mu_L"])
    assert header == ["V", "mu_L", "mu_R", "J", "J_LL", "J_RR", "J_RL", "J_LR",
                      "error_J", "I", "error_I"]
    assert len(rows) == 2
    for i, row in enumerate(rows):
        cells = dict(zip(header, map(float, row)))
        assert cells["V"] == V[i]
        assert close(cells["J"], res.J[i], 1e-6) and close(cells["I"], res.I[i], 1e-6)
        for ch in CHANNELS:
            assert close(cells[f"J_{ch}"], res.J_by_channel[ch][i], 1e-6)
        assert cells["error_J"] < 1e-10 * abs(res.J[i])
    header, rows = table(out, ["V", "mode"])
    assert header == ["V", "mode", "Omega", "n", "T_eff", "damping", "status"]
    for i, row in enumerate(rows):
        assert row[-1] == "stable"
        assert close(float(row[3]), occ.n[i], 1e-6) and close(float(row[4]), occ.T_eff[i], 1e-6)
        assert close(float(row[5]), occ.damping[i], 1e-6)


def test_json_agrees_with_api_three_level(capsys):
    path = EXAMPLES / "three_level.json"
    data = run_json(capsys, "--model", path, "--V", "0:1.2:3", "--T-e", "0.06", "--T-ph", "0.04")
    model = load_model(path)
    V = np.linspace(0, 1.2, 3)
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=0.06, T_ph=0.04)
    res = symehp.transport(model, **kw)
    assert data["model"]["N"] == 3 and data["model"]["K"] == 2 and data["modes"] == [0, 1]
    assert data["conditions"] == {"T_L": 0.06, "T_R": 0.06, "T_ph": 0.04}
    assert [p["V"] for p in data["points"]] == list(V)
    for i, p in enumerate(data["points"]):
        assert set(p) == {"V", "mu_L", "mu_R", "J", "J_by_channel", "error_J", "I",
                          "I_by_channel", "error_I", "modes"}
        assert p["mu_L"] == V[i] / 2 and p["mu_R"] == -V[i] / 2
        assert close(p["J"], res.J[i], 1e-12) and close(p["I"], res.I[i], 1e-12)
        assert p["J"] == pytest.approx(sum(p["J_by_channel"][c] for c in CHANNELS),
                                       rel=1e-12, abs=1e-25)
        assert p["I"] == pytest.approx(sum(p["I_by_channel"][c] for c in CHANNELS),
                                       rel=1e-12, abs=1e-25)
        for c in CHANNELS:
            assert close(p["J_by_channel"][c], res.J_by_channel[c][i], 1e-12)
        assert p["error_J"] == pytest.approx(res.error_J[i])
    for k in (0, 1):
        occ = symehp.mode_occupation(model, k, unstable="flag", **kw)
        for i, p in enumerate(data["points"]):
            m = p["modes"][k]
            assert m["mode"] == k and m["stable"] == bool(occ.stable[i])
            assert close(m["damping"], occ.damping[i], 1e-12)
            if m["stable"]:
                assert close(m["n"], occ.n[i], 1e-12) and close(m["T_eff"], occ.T_eff[i], 1e-12)
            else:
                assert "n" not in m and "T_eff" not in m


def test_mode_option_and_mu_options(capsys):
    data = run_json(capsys, "--model", EXAMPLES / "three_level.json", "--mode", "1",
                    "--mu-L", "0.3", "--mu-R", "-0.1", "--T-e", "0.07")
    assert data["modes"] == [1]
    (p,) = data["points"]
    assert (p["mu_L"], p["mu_R"]) == (0.3, -0.1) and p["V"] == pytest.approx(0.4)
    assert [m["mode"] for m in p["modes"]] == [1]
    model = load_model(EXAMPLES / "three_level.json")
    J = symehp.energy_current(model, mu_L=0.3, mu_R=-0.1, T_e=0.07, T_ph=0.05)
    assert close(p["J"], J, 1e-12)


def test_unstable_mode_is_reported(capsys):
    # eps1 - eps2 = Omega (heating geometry), large V, weak phonon damping
    args = ("--V", "1,2", "--gamma-ph", "0.005")
    model = symehp.two_level(**{**PAPER, "gamma_ph": 0.005})
    with pytest.raises(ModeInstabilityError):
        symehp.mode_occupation(model, mu_L=1.0, mu_R=-1.0, T_e=T0, T_ph=T0)
    occ = symehp.mode_occupation(model, mu_L=1.0, mu_R=-1.0, T_e=T0, T_ph=T0, unstable="flag")
    code, out, err = run_cli(capsys, *args)
    assert code == 0 and err == ""
    _, rows = table(out, ["V", "mode"])
    assert rows[0][-1] == "stable"
    assert rows[1][3] == "-" and rows[1][-1].startswith("UNSTABLE (damping = -")
    assert close(float(rows[1][5]), occ.damping, 1e-6)
    data = run_json(capsys, *args)
    stable, unstable = (p["modes"][0] for p in data["points"])
    assert stable["stable"] is True and stable["n"] > 0
    assert unstable["stable"] is False and set(unstable) == {"mode", "omega", "stable",
                                                             "damping", "emission"}
    assert close(unstable["damping"], occ.damping, 1e-12) and unstable["damping"] < 0
    assert data["points"][1]["J"] > 0                 # the currents are still reported


def test_two_level_file_equals_options(capsys):
    from_file = run_json(capsys, "--model", EXAMPLES / "two_level.toml", "--V", "0.5,1.5")
    from_options = run_json(capsys, "--V", "0.5,1.5")
    assert from_file["points"] == from_options["points"]


def test_file_conditions_and_overrides(capsys, tmp_path):
    path = write(tmp_path, "m.json", GENERAL_DICT)
    model = load_model(path)
    data = run_json(capsys, "--model", path)              # file: V = 1, T_e = 0.06, T_ph = 0.04
    assert data["conditions"] == {"T_L": 0.06, "T_R": 0.06, "T_ph": 0.04}
    assert (data["points"][0]["mu_L"], data["points"][0]["mu_R"]) == (0.5, -0.5)
    J = symehp.energy_current(model, mu_L=0.5, mu_R=-0.5, T_e=0.06, T_ph=0.04)
    assert close(data["points"][0]["J"], J, 1e-12)
    data = run_json(capsys, "--model", path, "--mu-L", "0.2", "--T-e", "0.03")
    assert (data["points"][0]["mu_L"], data["points"][0]["mu_R"]) == (0.2, -0.5)
    assert data["conditions"] == {"T_L": 0.03, "T_R": 0.03, "T_ph": 0.04}
    # one electrode's temperature (T_L != T_R is slow in the core: two-level model only)
    data = run_json(capsys, "--model", EXAMPLES / "two_level.toml", "--T-R", "0.1")
    assert data["conditions"] == {"T_L": 0.05, "T_R": 0.1, "T_ph": 0.05}
    J = symehp.energy_current(symehp.two_level(**PAPER), mu_L=0.6, mu_R=-0.6, T_L=0.05,
                              T_R=0.1, T_ph=0.05)
    assert close(data["points"][0]["J"], J, 1e-12)


def test_toml_and_json_give_identical_results(capsys, tmp_path):
    toml_path = write(tmp_path, "m.toml", GENERAL_TOML)
    json_path = write(tmp_path, "m.json", GENERAL_DICT)
    a, b = read_model_file(toml_path), read_model_file(json_path)
    assert a.conditions == b.conditions == {"V": 1.0, "T_e": 0.06, "T_ph": 0.04}
    assert a.description == b.description == "test model"
    assert model_to_dict(a.model) == model_to_dict(b.model)
    assert a.model.numeric().H[1, 2] == 0.05 - 0.02j
    out_toml = run_json(capsys, "--model", toml_path, "--V", "0.4,1.1")
    out_json = run_json(capsys, "--model", json_path, "--V", "0.4,1.1")
    assert out_toml["points"] == out_json["points"]


def test_complex_hopping_in_two_level_file(tmp_path):
    table = "\n".join(f"{k} = {v}" for k, v in PAPER.items())
    path = write(tmp_path, "hop.toml", f'[two_level]\n{table}\nhopping = "0.1 + 0.05j"\n')
    H = load_model(path).numeric().H
    assert H[0, 1] == 0.1 + 0.05j and H[1, 0] == 0.1 - 0.05j


def test_help(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    for option in ("--model", "--eps1", "--gamma-ph", "--V", "--mu-L", "--T-e", "--T-ph",
                   "--mode", "--json", "START:STOP:N"):
        assert option in out


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_dump_load_round_trip(tmp_path, suffix):
    for source in (EXAMPLES / "three_level.json", EXAMPLES / "two_level.toml"):
        original = read_model_file(source)
        path = dump_model(original.model, tmp_path / f"copy{suffix}",
                          conditions=original.conditions, description="copy: \"quoted\" é")
        again = read_model_file(path)
        a, b = original.model.numeric(), again.model.numeric()
        for name in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert again.conditions == original.conditions
        assert again.description == "copy: \"quoted\" é"
        assert model_to_dict(again.model) == model_to_dict(original.model)
    # awkward numbers survive exactly
    model = symehp.Junction([[1 / 3, 1e-17 - 0.1j], [1e-17 + 0.1j, -2.5e-8]],
                            [[0.2, 0], [0, 0]], [[0, 0], [0, 0.3]],
                            [[[0, 0.1], [0.1, 0]]], [2 ** 0.5], [0.0])
    back = load_model(dump_model(model, tmp_path / f"odd{suffix}"))
    assert np.array_equal(back.numeric().H, model.numeric().H)


# ---------------------------------------------------------------- bad input

def _expect_error(capsys, *argv, words=()):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2, (out, err)
    assert out == "" and "Traceback" not in err
    assert err.startswith("symehp current: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    return err


BAD_FILES = {
    "malformed.toml": ("[two_level]\neps1 = 0.5\neps2 = = -0.5\n", ["invalid TOML", "line 3"]),
    "malformed.json": ('{"H": [[1, 0], [0, 1]],\n "omega": [1.0,]\n}', ["invalid JSON", "line 2"]),
    "typo.toml": ("[two_level]\neps1 = 0.5\neps2 = -0.5\ngama1 = 0.2\ngamma2 = 0.2\nm = 0.1\n"
                  "omega = 1.0\ngamma_ph = 0.05\n",
                  ["two_level.gama1", "unknown key", "did you mean 'gamma1'", "eps1, eps2"]),
    "top_typo.json": ({**GENERAL_DICT, "gama_L": 1}, ["gama_L: unknown key", "gamma_L"]),
    "cond_typo.json": ({**GENERAL_DICT, "conditions": {"T_el": 0.1}}, ["conditions.T_el"]),
    "not_square.json": ({**GENERAL_DICT, "H": [[0.4, 0.1], [0.1, 0.0], [0.0, 0.0]]},
                        ["H: must be square", "row 0 has 2 entries"]),
    "not_hermitian.json": ({**GENERAL_DICT, "H": [[0.4, 0.1, 0], [0.2, 0, 0], [0, 0, 0]]},
                           ["H must be Hermitian"]),
    "complex_not_hermitian.toml": (GENERAL_TOML.replace('"0.05 + 0.02j"', '"0.05-0.02j"'),
                                   ["H must be Hermitian"]),
    "shape_M.json": ({**GENERAL_DICT, "M": [[[0, 1], [1, 0]]]}, ["M[0]: is 2 x 2, but H is 3 x 3"]),
    "len_omega.json": ({**GENERAL_DICT, "omega": [1.0]}, ["omega: has 1 entries"]),
    "not_number.json": ({**GENERAL_DICT, "gamma_L": [[0.2, 0, 0], [0, "abc", 0], [0, 0, 0]]},
                        ["gamma_L[1][1]", "'abc'"]),
    "eval.json": ({**GENERAL_DICT, "H": [["__import__('os')", 0, 0], [0, 0, 0], [0, 0, 0]]},
                  ["H[0][0]"]),
    "bool.json": ({**GENERAL_DICT, "omega": [True, 1.0]}, ["omega[0]", "boolean"]),
    "complex_omega.json": ({**GENERAL_DICT, "omega": ["1+1j", 1.0]}, ["omega[0]: must be real"]),
    "nan.json": (json.dumps({"two_level": {**PAPER, "eps1": float("nan")}}),
                 ["two_level.eps1", "finite"]),
    "missing.toml": ("[two_level]\neps1 = 0.5\n", ["missing key(s) eps2"]),
    "no_model.toml": ("[conditions]\nV = 1\n", ["no model"]),
    "both.json": ({**GENERAL_DICT, "two_level": PAPER}, ["either a two_level table"]),
    "neg_gamma.toml": ("[two_level]\neps1 = 0.5\neps2 = -0.5\ngamma1 = -0.2\ngamma2 = 0.2\n"
                       "m = 0.1\nomega = 1.0\ngamma_ph = 0.05\n",
                       ["two_level.gamma1: must be >= 0"]),
    "neg_T.json": ({**GENERAL_DICT, "conditions": {"T_ph": -0.1}},
                   ["conditions.T_ph: must be >= 0"]),
    "V_and_mu.json": ({**GENERAL_DICT, "conditions": {"V": 1, "mu_L": 0.5, "mu_R": 0}},
                      ["either V or mu_L and mu_R"]),
    "list.json": ([1, 2], ["must hold a table"]),
    "model.yaml": ("H: 1\n", ["unknown model file type '.yaml'"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_model_files(capsys, tmp_path, name):
    content, words = BAD_FILES[name]
    path = write(tmp_path, name, content)
    _expect_error(capsys, "--model", path, words=[str(path)] + words)
    with pytest.raises(ModelError):
        load_model(path)


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "nowhere.toml"
    _expect_error(capsys, "--model", path, words=[str(path), "no such file"])


def test_unreadable_model_paths(capsys, tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    _expect_error(capsys, "--model", folder, words=[str(folder), "cannot read the file"])
    blocker = tmp_path / "plain"
    blocker.write_text("")
    _expect_error(capsys, "--model", blocker / "m.toml", words=[str(blocker / "m.toml")])
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    _expect_error(capsys, "--model", binary, words=[str(binary), "not a UTF-8 text file"])


def test_symehp_debug_gives_the_traceback(capsys, tmp_path, monkeypatch):
    path = tmp_path / "nowhere.toml"
    monkeypatch.setenv("SYMEHP_DEBUG", "1")
    with pytest.raises(ModelError, match="no such file"):
        main(["current", "--model", str(path)])
    monkeypatch.setenv("SYMEHP_DEBUG", "0")
    _expect_error(capsys, "--model", path, words=["no such file"])


@pytest.mark.parametrize("argv, words", [
    (["--T-e", "-0.1"], ["--T-e", "must be >= 0"]),
    (["--T-ph", "-1"], ["--T-ph", "must be >= 0"]),
    (["--V", "0:2"], ["--V", "START:STOP:N"]),
    (["--V", "1,x"], ["--V", "'x'"]),
    (["--V", "0:2:0"], ["--V", "N must be an integer"]),
    (["--V", "nan"], ["--V", "finite"]),
    (["--eps1", "abc"], ["--eps1", "not a number"]),
    (["--V", "1", "--mu-L", "0.2"], ["either --V or --mu-L"]),
    (["--T-e", "0.1", "--T-L", "0.2"], ["either --T-e or --T-L"]),
    (["--mode", "1"], ["--mode 1 is out of range", "1 mode(s)"]),
    (["--model", str(EXAMPLES / "two_level.toml"), "--eps1", "0.3"], ["--eps1"]),
    (["--gamma1", "-0.2"], ["--gamma1 must be >= 0"]),
    (["--omega", "0"], ["--omega must be > 0"]),
])
def test_bad_options(capsys, argv, words):
    _expect_error(capsys, *argv, words=words)


def test_parse_bias():
    assert list(parse_bias("0:2:5")) == [0, 0.5, 1, 1.5, 2]
    assert list(parse_bias("0, 0.5 ,1")) == [0, 0.5, 1]
    assert list(parse_bias("-1")) == [-1]
    assert list(parse_bias("1:1:1")) == [1]
    for bad in ("", "1:2:3:4", "1:2:2.5", "1,,2", "a:1:3"):
        with pytest.raises(ParameterError):
            parse_bias(bad)


# ---------------------------------------------------------------- the real entry point

def test_entry_point_subprocess():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    cmd = [sys.executable, "-m", "symehp.cli", "current", "--json",
           "--model", str(EXAMPLES / "two_level.toml"), "--V", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    J = symehp.energy_current(symehp.two_level(**PAPER), mu_L=0.5, mu_R=-0.5, T_e=T0, T_ph=T0)
    assert close(data["points"][0]["J"], J, 1e-12)
    bad = subprocess.run(cmd[:-1] + ["0:1"], capture_output=True, text=True, cwd=REPO, env=env,
                         timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("symehp current: ") and bad.stderr.count("\n") == 1
