"""Engines (issue 13): ``backend="numpy" | "numba" | "auto"`` and ``dps=`` agree, and say no
clearly.

The numba engine compiles the inner loops of the mode-diagonal spectra
(:mod:`symehp.numeric._numba_kernels`); it must give the NumPy engine's numbers to
round-off on random models with hopping, non-diagonal broadenings and complex
couplings, at nodes on and near the removable singularities (coincident poles of one
family, ``w = mu_ab``), and in the currents of every channel.
"""

import os

import numpy as np
import pytest
from scipy.special import digamma

import symehp
from symehp.errors import ParameterError
from symehp.numeric import backends
from symehp.numeric.diagonal_spectra import diagonal_model, diagonal_spectra, point_data
from symehp.numeric.poles import pole_expansion

from _shared import random_junction as random_model  # noqa: E402

numba = pytest.importorskip("numba")
#: the two-level model of the sweep benchmark: on the paper's resonance (eps1 - eps2 = Omega)
PAPER = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
kernels = backends.kernels()


# ----------------------------------------------------------------------------- dispatch
def test_resolve_names_the_engine():
    assert backends.resolve("numpy") == "numpy"
    assert backends.resolve("numba") == "numba"
    assert backends.resolve("auto") == "numba"          # numba is installed here
    assert backends.resolve("auto", dps=30) == "mpmath"


@pytest.mark.parametrize("kwargs, match", [
    (dict(backend="cuda"), "backend must be one of"),
    (dict(backend=None), "backend must be one of"),
    (dict(backend="numpy", dps=30), "give one or the other"),
    (dict(backend="auto", dps=5), r"dps must be an integer .* \[15, 1000\]"),
    (dict(backend="auto", dps=30.0), "dps must be an integer"),
])
def test_bad_engine_arguments_are_parameter_errors(kwargs, match):
    """(The same through every public function: tests/test_contract.py.)"""
    with pytest.raises(ParameterError, match=match):
        backends.resolve(**kwargs)


def test_without_numba_auto_is_numpy_and_numba_says_how_to_install(monkeypatch):
    monkeypatch.setattr(backends, "_NUMBA", False)
    assert backends.resolve("auto") == "numpy"
    with pytest.raises(ParameterError, match=r"pip install -e '\.\[fast\]'"):
        backends.resolve("numba")
    model = symehp.two_level(**PAPER)
    args = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
    assert symehp.energy_current(model, **args) == symehp.energy_current(model, backend="numpy",
                                                                         **args)


# (numpy == numba for the spectra and the occupation, and unknown engines rejected by every
# public function: tests/test_contract.py)


# ----------------------------------------------------------------------------- kernels
def test_compiled_digamma_matches_scipy():
    rng = np.random.default_rng(3)
    v = np.concatenate([rng.uniform(0, 30, 200) + 1j * rng.uniform(-40, 40, 200),
                        [0j, 1e-9 + 0j, 9.99 + 0j, 10.0 + 0j, 1e6j, 1e14 + 3e13j]])
    got = np.array([kernels.psi_half(x) for x in v])
    ref = digamma(0.5 + v)
    assert np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))) < 4e-15
    # a wrong branch of the recurrence (one term short) would be off by 1/(u + 9)
    assert np.max(np.abs(got - ref)) < 1e-3 * np.min(np.abs(1 / (0.5 + v[:5] + 9)))


def test_compiled_kernels_are_cached_on_disk():
    kernels.warm_up()
    for func in (kernels.pair_matrix, kernels.shifted_phis, kernels.phi_table):
        assert func._cache is not None and os.path.isdir(func._cache.cache_path)
        assert func.signatures                      # compiled (or loaded) for use


def _spectra(model, w, mu_l, mu_r, T, engine):
    dmodel = diagonal_model(pole_expansion(model.numeric()))
    n = w.size
    data = point_data(dmodel, np.full(1, mu_l), np.full(1, mu_r), np.full(1, T), engine)
    values, bad = diagonal_spectra(dmodel, data, w, np.zeros(n, int))
    return values, bad


def test_engines_agree_on_and_near_the_removable_points():
    """The paper's resonance (eps1 - eps2 = Omega, equal widths: same-family poles
    coincide at w = 1), w = mu_ab and w -> 0, and nodes 1e-12 .. 1e-3 from each: the
    close pairs go through the shared Taylor code, the rest through the compiled loop."""
    model = symehp.two_level(**PAPER)
    mu_l, mu_r, T = 0.35, -0.35, 0.05
    centres = np.array([1.0, mu_l - mu_r, 0.0])
    offsets = np.concatenate([[0.0], np.geomspace(1e-12, 1e-3, 10), -np.geomspace(1e-12, 1e-3, 10)])
    w = np.sort(np.abs((centres[:, None] + offsets[None, :]).ravel()))
    w = np.concatenate([w, np.linspace(0.01, 4.0, 37)])
    ref, bad_ref = _spectra(model, w, mu_l, mu_r, T, "numpy")
    got, bad = _spectra(model, w, mu_l, mu_r, T, "numba")
    assert np.array_equal(bad, bad_ref)
    assert set(got) == set(ref)
    for name in ref:
        for a, b in zip(got[name], ref[name]):
            scale = np.max(np.abs(b))
            assert scale > 0
            assert np.max(np.abs(a - b)) <= 1e-13 * scale, name


@pytest.mark.parametrize("case", ["two-level", "random N = 20, K = 3"])
def test_compiled_gross_sums_equal_the_numpy_ones(case):
    """The compiled loop sums the one-row gross pole-pair sum in passing (skipping the
    flagged close pairs, added once replaced); the NumPy engine takes ``|X| @ gross``.
    The two agree to 1e-13 at every node, with close pairs among the nodes (the paper's
    resonance and w = mu_ab), and a one-row gross is what both models have (K = 1, and
    a large one)."""
    from symehp.numeric import diagonal_spectra as ds
    if case == "two-level":
        model = symehp.two_level(**PAPER)
        centres = np.array([1.0, 0.7])
        offsets = np.concatenate([[0.0], np.geomspace(1e-12, 1e-3, 6)])
        w = np.sort(np.r_[(centres[:, None] + offsets).ravel(), np.linspace(0.01, 3.0, 40)])
    else:
        model = random_model(20, 3, 11)
        w = np.linspace(0.01, 3.0, 60)
    dmodel = diagonal_model(pole_expansion(model.numeric()))
    assert all(gross[0].shape[0] == 1 for _, _, gross, _ in dmodel.channels)
    owner = np.zeros(w.size, int)
    out = {}
    for engine in ("numpy", "numba"):
        data = ds.point_data(dmodel, np.full(1, 0.35), np.full(1, -0.35), np.full(1, 0.05),
                             engine)
        work = ds._Workspace(dmodel, w.size) if engine == "numba" else None
        assert work is None or len(work.pairs[0]) == 2          # the two halves of X
        out[engine] = ds._block(dmodel, data, w, owner, work)
    (_, top_ref, big_ref), (_, top, big) = out["numpy"], out["numba"]
    assert np.all(big_ref > 0)
    assert np.max(np.abs(big - big_ref) / big_ref) <= 1e-13
    assert np.max(np.abs(top - top_ref) / np.maximum(top_ref, 1e-300)) <= 1e-10


@pytest.mark.parametrize("n, k, seed", [(3, 1, 0), (6, 2, 1), (12, 4, 2)])
def test_engines_agree_on_random_models(n, k, seed):
    """Node by node, to 1e-13 of each spectrum's peak, times the conditioning of the
    pair sums at small w: there the intra-electrode sums are second differences of
    digammas over steps ~ w, the digammas varying on the scale s = 2 pi T + max|Im z|,
    so each engine carries its own round-off of ~1e-16 (s / w)^2 relative (up to
    3e-12 at w = 0.01-0.03; measured both ways), which no ordering of the same
    operations removes.  The currents, where those
    nodes count with a weight ~ w, agree to 1e-13 (next test)."""
    model = random_model(n, k, seed)
    w = np.linspace(0.01, 3.0, 300)
    for mu_l, mu_r, T in ((0.4, -0.3, 0.05), (0.0, 0.0, 0.2), (1.1, -0.2, 0.01)):
        ref, bad_ref = _spectra(model, w, mu_l, mu_r, T, "numpy")
        got, bad = _spectra(model, w, mu_l, mu_r, T, "numba")
        assert np.array_equal(bad, bad_ref)
        scale = 2 * np.pi * T + np.max(-pole_expansion(model.numeric()).poles.imag)
        conditioning = np.maximum(1.0, (scale / w) ** 2)[:, None]
        for name in ref:
            for a, b in zip(got[name], ref[name]):
                err = np.abs(a - b) / conditioning
                assert np.max(err) <= 1e-13 * np.max(np.abs(b)), name


@pytest.mark.parametrize("n, k, seed", [(2, 1, 5), (5, 2, 6), (12, 4, 7)])
def test_engines_agree_in_the_currents_of_every_channel(n, k, seed):
    model = random_model(n, k, seed)
    args = dict(mu_L=np.array([0.0, 0.3, 0.9]), mu_R=np.array([0.0, -0.3, -0.5]),
                T_e=0.05, T_ph=0.08)
    ref = symehp.transport(model, backend="numpy", **args)
    got = symehp.transport(model, backend="numba", **args)
    gross = np.max(np.abs([ref.J_by_channel[c] for c in ("LL", "RR", "RL", "LR")]), axis=0)
    for c in ("LL", "RR", "RL", "LR", "total"):
        assert np.all(np.abs(got.J_by_channel[c] - ref.J_by_channel[c]) <= 1e-13 * gross), c
    flow = np.max(np.abs([ref.I_by_channel[c] for c in ("RL", "LR")]), axis=0)
    for c in ("RL", "LR", "total"):
        assert np.all(np.abs(got.I_by_channel[c] - ref.I_by_channel[c]) <= 1e-13 * flow), c
    # and "auto" is the numba engine here
    auto = symehp.transport(model, **args)
    assert np.array_equal(auto.J, got.J)


def test_numba_engine_against_the_mpmath_engine():
    """The compiled double-precision engine against 30 digits (the promised 1e-8, with
    the error estimate honest)."""
    model = symehp.two_level(**PAPER)
    args = dict(mu_L=0.5, mu_R=-0.5, T_e=0.05, T_ph=0.05)
    got = symehp.transport(model, backend="numba", **args)
    ref = symehp.transport(model, dps=30, **args)
    assert abs(got.J - float(ref.J)) <= max(1e-8 * abs(float(ref.J)), got.error_J)
    assert abs(got.I - float(ref.I)) <= max(1e-8 * abs(float(ref.I)), got.error_I)


def test_shared_results_are_keyed_on_the_engine_that_runs(monkeypatch):
    """energy_current's shared transport result under backend="auto" is not reused once
    "auto" means another engine (found by CI: a numba result handed out as NumPy's)."""
    from symehp.numeric import currents
    model = symehp.two_level(**PAPER)
    args = dict(mu_L=0.61, mu_R=-0.59, T_e=0.05, T_ph=0.05)
    first = symehp.energy_current(model, **args)
    calls = []
    original = currents.transport
    monkeypatch.setattr(currents, "transport",
                        lambda *a, **k: calls.append(k.get("backend")) or original(*a, **k))
    assert symehp.energy_current(model, **args) == first and calls == []     # reused
    monkeypatch.setattr(backends, "_NUMBA", not backends.numba_available())
    symehp.energy_current(model, **args)
    assert calls == ["auto"]                                                  # recomputed


def test_the_dps_path_is_one_package_with_its_former_names():
    """``dps=`` goes through ``backends.precise_engine()`` (the package ``numeric.mp``); the
    former module names are the same module objects, so patching either patches both."""
    import importlib
    from symehp.numeric import backends
    from symehp.numeric.mp import currents, spectra
    engine = backends.precise_engine()
    assert engine.spectra_mp is spectra.spectra_mp and engine.transport_mp is currents.transport_mp
    assert importlib.import_module("symehp.numeric.precise") is spectra
    assert importlib.import_module("symehp.numeric.precise_currents") is currents
