"""The operating conditions (symehp.conditions): one set of rules for every entry point."""

import json

import numpy as np
import pytest

import symehp
from symehp import cli, modelfile
from symehp.conditions import CONDITIONS, check_conditions, resolve_conditions
from symehp.errors import ModelError, ParameterError

# (conditions, the message every entry point gives)
CONFLICTS = [
    ({"V": 1.0, "mu_L": 0.5, "mu_R": -0.5, "T_e": 0.1, "T_ph": 0.1},
     "give either V or mu_L and mu_R, not both"),
    ({"mu_L": 0.5, "T_e": 0.1, "T_ph": 0.1}, "give mu_L and mu_R together (missing mu_R)"),
    ({"V": 1.0, "T_e": 0.1, "T_L": 0.1, "T_R": 0.1, "T_ph": 0.1},
     "give either T_e or T_L and T_R, not both"),
    ({"V": 1.0, "T_R": 0.1, "T_ph": 0.1}, "give T_L and T_R together (missing T_L)"),
]


@pytest.mark.parametrize("given, message", CONFLICTS)
def test_conflicts_are_named(given, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_conditions(given)


@pytest.mark.parametrize("missing, message", [
    ("bias", "bias missing"), ("electrons", "electron temperature missing"),
    ("T_ph", "T_ph .the phonon-bath temperature. is required")])
def test_missing_groups(missing, message):
    given = {"V": 1.0, "T_e": 0.1, "T_ph": 0.1}
    drop = {"bias": ("V",), "electrons": ("T_e",), "T_ph": ("T_ph",)}[missing]
    partial = {k: v for k, v in given.items() if k not in drop}
    with pytest.raises(ParameterError, match=message):
        check_conditions(partial)
    check_conditions(partial, complete=False)          # a partial set is fine when allowed


def test_error_class_prefix_and_spelling():
    with pytest.raises(ModelError, match=r"^m.toml: conditions: give either --T-e or --T-L"):
        check_conditions({"T_e": 1, "T_L": 1}, complete=False, error=ModelError, where="m.toml: conditions",
                         spell=lambda n: "--" + n.replace("_", "-"))


def test_resolve_expands_and_layers():
    out = resolve_conditions({"T_L": 0.2}, {"V": 1.0, "T_e": 0.1},
                             fallback={"V": 0.0, "T_e": 0.05, "T_ph": 0.05})
    assert out == {"mu_L": 0.5, "mu_R": -0.5, "T_L": 0.2, "T_R": 0.1, "T_ph": 0.05}
    zero = resolve_conditions({"V": 0.0, "T_e": 0.1, "T_ph": 0.1})
    assert np.copysign(1.0, zero["mu_R"]) == 1.0                  # +0.0, not -0.0
    over = resolve_conditions({"V": np.array([1.0, 2.0])}, {"mu_L": 3.0, "mu_R": 1.0},
                              fallback={"T_e": 0.05, "T_ph": 0.05})
    assert np.array_equal(over["mu_L"], [0.5, 1.0]) and np.array_equal(over["mu_R"], [-0.5, -1.0])
    with pytest.raises(ParameterError, match="bias missing"):
        resolve_conditions({"T_e": 0.1, "T_ph": 0.1})
    with pytest.raises(ParameterError, match="give either V or mu_L"):
        resolve_conditions({"V": 1.0, "mu_L": 0.2})               # one layer conflicting


# ------------------------------------------------------------------ every entry point


def _numeric(given):
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    kwargs = {k: v for k, v in given.items() if k != "V"}
    if "V" in given:
        kwargs.setdefault("mu_L", given["V"] / 2)
        if "mu_L" not in given:
            kwargs["mu_R"] = -given["V"] / 2
        else:
            return None       # the numeric functions take no V: nothing to compare
    if "mu_L" in kwargs and "mu_R" not in kwargs:
        return None           # a required keyword: Python's own TypeError
    symehp.transport(model, **kwargs)


def _sweep(given):
    model = symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    symehp.sweep(model, progress=False, **given)


def _model_file(given, tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"two_level": {"eps1": 0.5, "eps2": -0.5, "gamma1": 0.2,
                                              "gamma2": 0.2, "m": 0.1, "omega": 1.0,
                                              "gamma_ph": 0.05},
                                "conditions": given}))
    modelfile.read_model_file(path)


@pytest.mark.parametrize("given, message", CONFLICTS)
def test_every_entry_point_gives_the_same_message(given, message, tmp_path, capsys):
    electrons = {k: given[k] for k in ("T_e", "T_L", "T_R") if k in given}
    if set(electrons) in ({"T_e", "T_L", "T_R"}, {"T_R"}):
        with pytest.raises(ParameterError) as numeric:
            _numeric(given)
        assert message in str(numeric.value)
    with pytest.raises(ParameterError) as swept:
        _sweep(given)
    assert message in str(swept.value)
    with pytest.raises(ModelError) as from_file:
        _model_file(given, tmp_path)
    assert message in str(from_file.value)
    # the command line: the same rule over options (a single option of a pair may
    # override a file's value, so only the "not both" conflicts apply there)
    if "not both" in message:
        argv = ["current"]
        for key, value in given.items():
            argv += ["--" + key.replace("_", "-"), str(value)]
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert message.replace("V", "--V", 1).replace("T_e", "--T-e", 1).split(" or ")[0] in err


def test_every_condition_is_a_sweep_axis_and_a_model_file_key():
    import importlib
    sweep_module = importlib.import_module("symehp.sweep")
    assert tuple(modelfile.CONDITION_KEYS) == CONDITIONS
    assert set(sweep_module._CONDITIONS) == set(CONDITIONS)
