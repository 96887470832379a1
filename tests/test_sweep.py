"""symehp.sweep (labelled xarray sweeps, serial and on Dask) and ``symehp sweep``."""

import importlib
import sys

import numpy as np
import pytest
import xarray as xr

import symehp
from symehp.cli_current import TWO_LEVEL_DEFAULTS
from symehp.cli import main
from symehp.errors import ParameterError

sweep_module = importlib.import_module("symehp.sweep")   # (symehp.sweep is the function)

MODEL = symehp.two_level(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                         gamma_ph=0.05)
V = np.linspace(0.0, 2.0, 5)
T_E = np.array([0.05, 0.1])
#: the serial reference: 10 points in chunks of 4 (three chunks, the last one short)
KW = dict(V=V, T_e=T_E, T_ph=0.05, chunks=4, progress=False)


def gated(gate, m=0.1):
    """The two-level model with both levels shifted by a gate voltage."""
    return symehp.two_level(eps1=0.5 + gate, eps2=-0.5 + gate, gamma1=0.2, gamma2=0.2, m=m,
                            omega=1.0, gamma_ph=0.05)


@pytest.fixture(scope="module")
def serial():
    return symehp.sweep(MODEL, **KW)


# ---------------------------------------------------------------- labels

def test_dims_coords_and_attributes(serial):
    ds = serial
    assert ds.J.dims == ("V", "T_e") and ds.I.dims == ("V", "T_e")
    assert ds.error_J.dims == ds.error_I.dims == ("V", "T_e")
    assert ds.J_channel.dims == ("V", "T_e", "channel")
    assert ds.n.dims == ("V", "T_e", "mode")
    assert list(ds.channel.values) == ["LL", "RR", "RL", "LR"]
    assert list(ds.mode.values) == [0] and list(ds.mode_omega.values) == [1.0]
    np.testing.assert_array_equal(ds.V.values, V)
    np.testing.assert_array_equal(ds.T_e.values, T_E)
    # V means mu_L = V/2, mu_R = -V/2 (no -0.0)
    np.testing.assert_array_equal(ds.mu_L.values, V / 2)
    np.testing.assert_array_equal(ds.mu_R.values, -V / 2)
    assert ds.mu_L.dims == ("V",) and not np.signbit(ds.mu_R.values[0])
    for name in ("J", "error_J", "J_channel"):
        assert ds[name].attrs["units"] == "energy/time (model units, hbar = 1)"
    for name in ("I", "error_I"):
        assert ds[name].attrs["units"] == "electrons/time (model units, hbar = 1)"
    assert ds.n.attrs["units"] == "1"
    for name in list(ds.data_vars) + ["V", "T_e"]:
        assert ds[name].attrs["long_name"], name
    assert "L to R" in ds.I.attrs["long_name"] and "-e I" in ds.I.attrs["long_name"]
    assert ds.V.attrs["units"] == ds.T_e.attrs["units"] == "energy (model units)"
    a = ds.attrs
    assert "docs/conventions.md" in a["conventions"] and "J > 0" in a["conventions"]
    assert "-e I" in a["conventions"]
    assert a["symehp_version"] == symehp.__version__
    assert a["T_ph"] == 0.05 and "V" not in a and "T_e" not in a
    assert a["model_N"] == 2 and a["model_K"] == 1
    np.testing.assert_array_equal(a["model_omega"], [1.0])
    np.testing.assert_array_equal(a["model_gamma_ph"], [0.05])
    # the model itself, exactly, in the model-file form
    from symehp.modelfile import model_to_dict, parse_model
    import json
    back = parse_model(json.loads(a["model"])).model
    assert model_to_dict(back) == model_to_dict(MODEL)


def test_dims_follow_the_keyword_order():
    ds = symehp.sweep(MODEL, T_e=T_E, T_ph=[0.02, 0.05, 0.08], V=V[:2], progress=False,
                      quantities=("J", "n"))
    assert ds.J.dims == ("T_e", "T_ph", "V")
    assert ds.n.dims == ("T_e", "T_ph", "V", "mode")
    assert set(ds.data_vars) == {"J", "error_J", "n"}
    ref = symehp.transport(MODEL, mu_L=V[:2] / 2, mu_R=-V[:2] / 2, T_e=T_E[:, None, None],
                           T_ph=np.array([0.02, 0.05, 0.08])[:, None], progress=False)
    np.testing.assert_array_equal(ds.J.values, ref.J)


def test_scalar_bias_is_an_attribute():
    ds = symehp.sweep(MODEL, V=1.2, T_e=T_E, T_ph=0.05, progress=False, quantities="I")
    assert ds.I.dims == ("T_e",)
    assert ds.attrs["V"] == 1.2 and ds.attrs["mu_L"] == 0.6 and ds.attrs["mu_R"] == -0.6


# ---------------------------------------------------------------- values

def test_values_equal_the_numeric_functions(serial):
    """Exactly equal to one vectorized transport/mode_occupation call on the same grid
    (each chunk is such a call, and a point's value does not depend on the other
    points of its call), and to the per-point calls (1e-13 relative, a margin for
    SIMD paths that differ by vector position)."""
    mu_L, mu_R, t_e = V[:, None] / 2, 0.0 - V[:, None] / 2, T_E[None, :]
    ref = symehp.transport(MODEL, mu_L=mu_L, mu_R=mu_R, T_e=t_e, T_ph=0.05, progress=False)
    np.testing.assert_array_equal(serial.J.values, ref.J)
    np.testing.assert_array_equal(serial.I.values, ref.I)
    np.testing.assert_array_equal(serial.error_J.values, ref.error_J)
    np.testing.assert_array_equal(serial.error_I.values, ref.error_I)
    for c, name in enumerate(["LL", "RR", "RL", "LR"]):
        np.testing.assert_array_equal(serial.J_channel.values[..., c], ref.J_by_channel[name])
        np.testing.assert_array_equal(serial.J_channel.sel(channel=name).values,
                                      ref.J_by_channel[name])
    occ = symehp.mode_occupation(MODEL, 0, mu_L=mu_L, mu_R=mu_R, T_e=t_e, T_ph=0.05,
                                 unstable="flag")
    np.testing.assert_array_equal(serial.n.values[..., 0], occ.n)
    for i, j in [(0, 0), (3, 1), (4, 0)]:
        point = symehp.transport(MODEL, mu_L=V[i] / 2, mu_R=-V[i] / 2, T_e=T_E[j], T_ph=0.05)
        np.testing.assert_allclose(serial.J.values[i, j], point.J, rtol=1e-13, atol=0)
        np.testing.assert_allclose(serial.I.values[i, j], point.I, rtol=1e-13, atol=0)


def test_chemical_potentials_and_two_electrode_temperatures():
    mu_L, T_L = np.array([0.3, 0.7]), np.array([0.06, 0.1])   # T_L = T_R, and not
    ds = symehp.sweep(MODEL, T_L=T_L, mu_L=mu_L, mu_R=-0.2, T_R=0.06, T_ph=0.05,
                      progress=False, quantities=("J", "I"))
    assert ds.J.dims == ("T_L", "mu_L")
    assert ds.attrs["mu_R"] == -0.2 and ds.attrs["T_R"] == 0.06
    ref = symehp.transport(MODEL, mu_L=mu_L, mu_R=-0.2, T_L=T_L[:, None], T_R=0.06, T_ph=0.05)
    np.testing.assert_array_equal(ds.J.values, ref.J)
    np.testing.assert_array_equal(ds.I.values, ref.I)


def test_factory_sweeps_a_model_parameter():
    gates = np.array([-0.3, 0.0, 0.4])
    ds = symehp.sweep(gated, V=[0.6, 1.4], gate=gates, m=0.08, T_e=0.05, T_ph=0.05,
                      progress=False, chunks=1)
    assert ds.J.dims == ("V", "gate") and ds.n.dims == ("V", "gate", "mode")
    np.testing.assert_array_equal(ds.gate.values, gates)
    assert ds.attrs["m"] == 0.08 and ds.attrs["model_factory"] == "gated"
    for g, gate in enumerate(gates):
        model = gated(gate, m=0.08)
        ref = symehp.transport(model, mu_L=np.array([0.3, 0.7]), mu_R=np.array([-0.3, -0.7]),
                               T_e=0.05, T_ph=0.05)
        np.testing.assert_array_equal(ds.J.values[:, g], ref.J)
        np.testing.assert_array_equal(ds.I.values[:, g], ref.I)
        occ = symehp.mode_occupation(model, 0, mu_L=np.array([0.3, 0.7]),
                                     mu_R=np.array([-0.3, -0.7]), T_e=0.05, T_ph=0.05,
                                     unstable="flag")
        np.testing.assert_array_equal(ds.n.values[:, g, 0], occ.n)


def test_netcdf_round_trip_keeps_values_and_attributes(serial, tmp_path):
    path = tmp_path / "sweep.nc"
    serial.to_netcdf(path, engine="scipy")        # netCDF3: what is there without netCDF4
    with xr.open_dataset(path, engine="scipy") as back:
        back.load()
    assert back.equals(serial)       # (identical but for dtypes: netCDF3 stores int32, char)
    for name in serial.variables:
        np.testing.assert_array_equal(back[name].values, serial[name].values)
        assert back[name].attrs == serial[name].attrs, name
    assert set(back.attrs) == set(serial.attrs)
    for key, value in serial.attrs.items():
        np.testing.assert_array_equal(back.attrs[key], value, err_msg=key)


# ---------------------------------------------------------------- Dask

@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")   # any free port: never "already in use"
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_run_equals_the_serial_one_bit_for_bit(serial, dask_client):
    ds = symehp.sweep(MODEL, client=dask_client, **KW)
    assert ds.identical(serial)
    for name in serial.data_vars:
        assert serial[name].values.tobytes() == ds[name].values.tobytes(), name


def test_warnings_on_workers_reach_the_user(dask_client):
    """A warning a task raises on a worker (here: levels far narrower than their e-ph
    coupling, ValidityWarning) is raised on the client too, once, and the results
    equal the serial run's."""
    from symehp.errors import ValidityWarning

    narrow = symehp.Junction(np.diag([0.5, -0.5]), np.diag([1e-5, 0.0]), np.diag([0.0, 2e-5]),
                             [np.array([[0.1, 0.05], [0.05, -0.1]])], [1.0], [0.05])
    kw = dict(V=[0.2, 1.4], T_e=0.1, T_ph=0.1, quantities=("J",), chunks=1, progress=False)
    with pytest.warns(ValidityWarning, match="Dask worker") as caught:
        ds = symehp.sweep(narrow, client=dask_client, **kw)
    assert sum("Dask worker" in str(w.message) for w in caught) == 1
    with pytest.warns(ValidityWarning):
        serial = symehp.sweep(narrow, **kw)
    assert ds.identical(serial)


def test_client_without_dask_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)      # import distributed fails
    with pytest.raises(ParameterError, match=r"client.*pip install -e '\.\[dask\]'"):
        symehp.sweep(MODEL, client=object(), **KW)


# ---------------------------------------------------------------- bad input

def _calls():
    """The factory's calls (it must be asked once, with the first parameter set)."""
    seen = []

    def not_a_model(gate):
        seen.append(gate)
        return "not a model"
    return seen, not_a_model


BAD = [
    ("unknown keyword", dict(gate=[0.1, 0.2]), "gate"),
    ("2-d axis", dict(V=np.zeros((2, 2))), "V must be a number or a 1-d array"),
    ("empty axis", dict(V=[]), "V is an empty array"),
    ("V and mu_L", dict(mu_L=0.5, mu_R=-0.5), "either V or mu_L and mu_R, not both"),
    ("no bias", dict(V=None), "bias missing.*V.*mu_L"),
    ("only mu_L", dict(V=None, mu_L=0.3), "missing mu_R"),
    ("T_e and T_L", dict(T_L=0.05, T_R=0.05), "either T_e or T_L and T_R, not both"),
    ("no temperature", dict(T_e=None), "electron temperature missing.*T_e"),
    ("no T_ph", dict(T_ph=None), "T_ph"),
    ("negative T_e", dict(T_e=[0.05, -0.1]), "T_e must be >= 0"),
    ("unknown quantity", dict(quantities=("J", "heat")), "quantities.*'heat'"),
    ("bad chunks", dict(chunks=0), "chunks must be a positive integer"),
    ("dressed", dict(dressed="yes"), "dressed must be True or False"),
    ("not a client", dict(client="tcp://127.0.0.1:8786"), "client must be a dask.distributed.Client"),
]


@pytest.mark.parametrize("label, change, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_rejected_before_any_work(monkeypatch, label, change, message):
    def no_work(*args, **kwargs):
        raise AssertionError("computing started")
    monkeypatch.setattr(sweep_module, "_evaluate_chunk", no_work)
    kwargs = {**KW, **change}
    with pytest.raises(ParameterError, match=message):
        symehp.sweep(MODEL, **kwargs)


def test_factory_that_does_not_return_a_junction(monkeypatch):
    seen, factory = _calls()
    with pytest.raises(ParameterError, match="factory must return a symehp.Junction, got str"):
        symehp.sweep(factory, gate=[0.1, 0.2, 0.3], **KW)
    assert seen == [0.1]                     # asked once, with the first parameter set


def test_closed_client_is_not_usable(dask_client):
    distributed = pytest.importorskip("distributed")
    closed = distributed.Client(dask_client.scheduler.address)
    closed.close()
    with pytest.raises(ParameterError, match="client is not usable"):
        symehp.sweep(MODEL, client=closed, **KW)


def test_signature_is_the_documented_one():
    import inspect
    sig = inspect.signature(symehp.sweep)
    assert list(sig.parameters)[:8] == ["model_or_factory", "V", "mu_L", "mu_R", "T_e", "T_L",
                                        "T_R", "T_ph"]
    assert "sweep" in symehp.__all__
    with pytest.raises(TypeError):              # the sweep axes are keyword-only
        symehp.sweep(MODEL, V)


# ---------------------------------------------------------------- the command

def run_cli(capsys, *argv):
    """``symehp sweep ARGV`` in process: (exit code, stdout, stderr)."""
    try:
        code = main(["sweep", *map(str, argv)])
    except SystemExit as exc:          # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_a_netcdf_file(capsys, tmp_path):
    path = tmp_path / "out" / "sweep.nc"
    code, out, err = run_cli(capsys, "--V", "0:2:3", "--T-e", "0.05,0.1", "--T-ph", "0.05",
                             "--out", path)
    assert code == 0, err
    assert out.startswith(f"wrote {path}")
    with xr.open_dataset(path) as ds:
        ds.load()
    assert ds.J.dims == ("V", "T_e") and ds.J_channel.dims == ("V", "T_e", "channel")
    assert ds.sizes["V"] == 3 and ds.sizes["T_e"] == 2 and ds.attrs["T_ph"] == 0.05
    ref = symehp.transport(MODEL, mu_L=np.array([0.0, 0.5, 1.0])[:, None],
                           mu_R=-np.array([0.0, 0.5, 1.0])[:, None], T_e=T_E, T_ph=0.05)
    np.testing.assert_array_equal(ds.J.values, ref.J)


def test_cli_dimensions_follow_the_command_line(capsys, tmp_path):
    """One dimension per option given a list or range, in the order of the options
    (conditions and --param interleaved), as symehp.sweep orders its keywords."""
    path = tmp_path / "order.nc"
    code, _, err = run_cli(capsys, "--T-e", "0.05,0.1", "--param", "eps1=0.3,0.5", "--V",
                           "0:1:3", "--out", path, "--quantities", "J")
    assert code == 0, err
    with xr.open_dataset(path) as ds:
        ds.load()
    assert ds.J.dims == ("T_e", "eps1", "V")
    api = symehp.sweep(lambda eps1: symehp.two_level(**{**TWO_LEVEL_DEFAULTS, "eps1": eps1}),
                       T_e=[0.05, 0.1], eps1=[0.3, 0.5], V=np.linspace(0, 1, 3), T_ph=0.05,
                       quantities=("J",), progress=False)
    np.testing.assert_array_equal(ds.J.values, api.J.values)


def test_cli_param_of_a_two_level_model(capsys, tmp_path):
    path = tmp_path / "gate.nc"
    code, out, err = run_cli(capsys, "--V", "1", "--param", "eps1=0.3,0.5", "--out", path,
                             "--quantities", "J")
    assert code == 0, err
    with xr.open_dataset(path) as ds:
        ds.load()
    assert ds.J.dims == ("eps1",) and ds.attrs["V"] == 1.0
    np.testing.assert_array_equal(ds.eps1.values, [0.3, 0.5])
    ref = symehp.transport(MODEL, mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05)
    assert ds.J.values[1] == ref.J


@pytest.mark.parametrize("argv, message", [
    (["--param", "eps1=0,1", "--model", "examples/models/three_level.json"],
     "--param needs a two-level model"),
    (["--param", "width=0,1"], "not a two-level parameter"),
    (["--V", "1", "--mu-L", "0.5", "--mu-R", "-0.5"], "either V"),
])
def test_cli_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, message):
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    argv = [os.path.join(root, a) if a.startswith("examples/") else a for a in argv]
    code, out, err = run_cli(capsys, *argv, "--out", tmp_path / "x.nc")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("symehp sweep: error: "), err
    assert message in err
    assert not (tmp_path / "x.nc").exists()


def test_cli_zarr_without_zarr_and_unknown_suffix(capsys, tmp_path):
    code, out, err = run_cli(capsys, "--V", "1", "--out", tmp_path / "x.txt")
    assert code == 2 and "unknown file type '.txt'" in err
    if importlib.util.find_spec("zarr") is None:
        code, out, err = run_cli(capsys, "--V", "1", "--out", tmp_path / "x.zarr")
        assert code == 2 and "needs the zarr package" in err and err.count("\n") == 1


def test_cli_unreachable_scheduler(capsys, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import symehp.cli
    monkeypatch.setattr(symehp.cli, "SCHEDULER_TIMEOUT", 1)
    code, out, err = run_cli(capsys, "--V", "1", "--out", tmp_path / "x.nc",
                             "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("symehp sweep: error: cannot connect to the Dask scheduler at "
                          "tcp://127.0.0.1:9"), err
    assert not (tmp_path / "x.nc").exists()


def test_a_function_lead_sweeps_and_says_why_the_model_is_not_written():
    # leads.self_energy(fn) has no file form: the sweep still runs and its attrs say so
    import warnings
    from symehp import leads

    def sigma(E):
        return np.broadcast_to(np.array([[-0.1j, 0], [0, 0]]), np.shape(E) + (2, 2))

    model = symehp.Junction([[0.3, 0.1], [0.1, -0.3]], lead_L=leads.self_energy(sigma),
                            gamma_R=[[0, 0], [0, 0.2]], M=[[[0, 0.05], [0.05, 0]]],
                            omega=0.5, gamma_ph=0.02)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")       # the lead route's accuracy warnings
        ds = symehp.sweep(model, V=[0.4], T_e=0.05, T_ph=0.05, quantities=("J",),
                          progress=False)
        ref = symehp.energy_current(model, mu_L=0.2, mu_R=-0.2, T_e=0.05, T_ph=0.05)
    assert ds.attrs["model"].startswith("not written: lead_L")
    assert float(ds.J[0]) == pytest.approx(ref, rel=1e-9)
