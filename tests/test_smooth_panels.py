"""Same-family pair sums interpolated on Chebyshev panels (issue 13).

At ``T > 0`` the same-family half of the pole-pair sums of the mode-diagonal spectra
is analytic within ``pi T`` of the real frequency axis; where a parameter point has
many nodes within one panel of width ``pi T`` (the modes' Lorentzians), it is
interpolated from 24 Chebyshev points and only the opposite-family (resonant) half is
summed at each node.  These tests hold the interpolated route to the direct one.
"""

import importlib.util

import numpy as np
import pytest

from symehp.numeric import diagonal_spectra as ds
from symehp.numeric.poles import pole_expansion

from _shared import random_junction

ENGINES = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") else [])


def _spectra(model, w, owner, mu_l, mu_r, T, engine):
    dmodel = ds.diagonal_model(pole_expansion(model.numeric()))
    data = ds.point_data(dmodel, np.asarray(mu_l, float), np.asarray(mu_r, float),
                         np.asarray(T, float), engine)
    return ds.diagonal_spectra(dmodel, data, w, owner)


def _dense_nodes():
    """Two parameter points; the first has 400 nodes in [0, 0.6] (dense: several panels
    of width pi T = 0.079 are interpolated), the second 30 (all direct)."""
    w = np.r_[np.sort(np.random.default_rng(1).uniform(0.0, 0.6, 400)), np.linspace(0.01, 2, 30)]
    owner = np.r_[np.zeros(400, int), np.ones(30, int)]
    return w, owner


@pytest.mark.parametrize("engine", ENGINES)
def test_interpolated_sums_equal_the_direct_ones(engine, monkeypatch):
    """A random model (hopping, non-diagonal broadenings, complex couplings): the spectra
    of every channel agree with every pair summed at every node to 1e-12 of each
    spectrum's peak, and the same nodes are flagged for the general route."""
    model = random_junction(10, 3, 21)
    w, owner = _dense_nodes()
    args = (w, owner, [0.4, 0.1], [-0.35, -0.1], [0.025, 0.05], engine)
    monkeypatch.setattr(ds, "SMOOTH_MIN_PAIRS", 10**12)
    ref, bad_ref = _spectra(model, *args)
    monkeypatch.setattr(ds, "SMOOTH_MIN_PAIRS", 0)
    dmodel = ds.diagonal_model(pole_expansion(model.numeric()))
    data = ds.point_data(dmodel, np.array([0.4, 0.1]), np.array([-0.35, -0.1]),
                         np.array([0.025, 0.05]), engine)
    plan = ds._smooth_panels(dmodel, data, w, owner)
    assert plan is not None and plan[0][:400].sum() >= 200 and not plan[0][400:].any()
    got, bad = _spectra(model, *args)
    assert np.array_equal(bad, bad_ref)
    for name in ref:
        for a, b in zip(got[name], ref[name]):
            assert np.max(np.abs(a - b)) <= 1e-12 * np.max(np.abs(b)), name


def test_unconverged_panels_are_summed_directly(monkeypatch):
    """A panel whose Chebyshev tail is above the tolerance is not interpolated: with a
    tolerance of 0 every panel fails and the result is the direct one to round-off,
    while a wrong interpolant (the coefficients' last rows doubled) would be caught:
    accepted, it moves the spectra by far more than that."""
    model = random_junction(10, 3, 22)
    w, owner = _dense_nodes()
    args = (w, owner, [0.4, 0.1], [-0.35, -0.1], [0.025, 0.05], "numpy")
    monkeypatch.setattr(ds, "SMOOTH_MIN_PAIRS", 10**12)
    ref, _ = _spectra(model, *args)
    monkeypatch.setattr(ds, "SMOOTH_MIN_PAIRS", 0)
    monkeypatch.setattr(ds, "_CHEB_TAIL", 0.0)
    got, _ = _spectra(model, *args)
    for name in ref:
        for a, b in zip(got[name], ref[name]):
            assert np.max(np.abs(a - b)) <= 1e-13 * np.max(np.abs(b)), name
    # a too-coarse panel (8 points over a width of 4 pi T) misses the same-family sums by
    # far more than the tolerance: its tail says so, and the panels are summed directly
    monkeypatch.setattr(ds, "_CHEB_TAIL", 1e-13)
    monkeypatch.setattr(ds, "_CHEB_NODES", 8)
    monkeypatch.setattr(ds, "_CHEB_WIDTH", 4.0)
    monkeypatch.setattr(ds, "_CHEB_MIN_SHARE", 1)
    mat, x = ds._cheb_matrix(8)
    monkeypatch.setattr(ds, "_CHEB_TO_COEF", mat)
    monkeypatch.setattr(ds, "_CHEB_X", x)
    coarse, _ = _spectra(model, *args)
    for name in ref:
        for a, b in zip(coarse[name], ref[name]):
            assert np.max(np.abs(a - b)) <= 1e-13 * np.max(np.abs(b)), name
    monkeypatch.setattr(ds, "_CHEB_TAIL", np.inf)              # accept whatever comes
    wrong, _ = _spectra(model, *args)
    worst = max(np.max(np.abs(a - b)) / np.max(np.abs(b))
                for name in ref for a, b in zip(wrong[name], ref[name]))
    assert worst > 1e-9


def test_small_models_and_sparse_nodes_are_summed_directly():
    """Below ``SMOOTH_MIN_PAIRS`` pole pairs, or with fewer nodes than two panels' worth,
    no panel is made (the interpolation would cost more than it saves)."""
    model = random_junction(4, 1, 3)
    dmodel = ds.diagonal_model(pole_expansion(model.numeric()))
    data = ds.point_data(dmodel, np.array([0.3]), np.array([-0.3]), np.array([0.025]))
    w = np.linspace(0.0, 0.1, 400)
    assert dmodel.N * dmodel.poles.size < ds.SMOOTH_MIN_PAIRS
    assert ds._smooth_panels(dmodel, data, w, np.zeros(400, int)) is None
    big = ds.diagonal_model(pole_expansion(random_junction(40, 1, 4).numeric()))
    data = ds.point_data(big, np.array([0.3]), np.array([-0.3]), np.array([0.025]))
    assert big.N * big.poles.size >= ds.SMOOTH_MIN_PAIRS
    assert ds._smooth_panels(big, data, w[:40], np.zeros(40, int)) is None
    assert ds._smooth_panels(big, data, w, np.zeros(400, int)) is not None
