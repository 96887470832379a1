"""Spin degeneracy (issue 10): ``spin_degeneracy=2`` doubles every EHP spectrum.

Two independent checks: the spectra and currents are exactly twice the spinless
ones, and every lowest-order quantity (also the nonlinear ones: the occupation,
the stability) equals that of the spinless model with couplings ``sqrt(2) M``,
which is what the doubling means physically (the electronic quantities are
quadratic in M at this order).
"""

import json

import numpy as np
import pytest
import sympy as sp

import symehp
from symehp import modelfile
from symehp.errors import ModelError

from _shared import GL3, GPH3, GR3, H3, M3, OM3

def _numba_available():
    from symehp.numeric.backends import numba_available
    return numba_available()


ENGINES = ["numpy"] + (["numba"] if _numba_available() else [])


def three(spin=1, scale=1.0):
    return symehp.Junction(H3, GL3, GR3, list(scale * M3), list(OM3), list(GPH3),
                           spin_degeneracy=spin)


def two(spin=1, scale=1.0):
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1 * scale, 1.0, 0.05, hopping=0.05,
                            spin_degeneracy=spin)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("temps", [dict(T_e=0.05), dict(T_L=0.05, T_R=0.1)])
def test_spectra_are_doubled_exactly(engine, temps):
    w = np.array([-0.4, 0.3, 0.9, 1.2])
    for model in (two, three):
        for ch in ("LL", "RR", "RL", "LR"):
            for func in (symehp.ehp_dos, symehp.emission_spectrum):
                args = dict(mu_L=0.4, mu_R=-0.3, backend=engine, **temps)
                one = func(model(1), ch, w, **args)
                both = func(model(2), ch, w, **args)
                assert np.abs(both - 2 * one).max() <= 1e-14 * np.abs(one).max() + 1e-300


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("temps", [dict(T_e=0.05), dict(T_L=0.05, T_R=0.08)])
def test_currents_are_doubled(engine, temps):
    args = dict(mu_L=0.4, mu_R=-0.3, T_ph=0.07, backend=engine, **temps)
    model = three if "T_e" in temps else two        # (T_L != T_R: a nested quadrature)
    one = symehp.transport(model(1), **args)
    both = symehp.transport(model(2), **args)
    tol = 10 * (both.error_J + 2 * one.error_J)
    assert abs(both.J - 2 * one.J) <= tol
    assert abs(both.I - 2 * one.I) <= 10 * (both.error_I + 2 * one.error_I)
    for ch in ("LL", "RR", "RL", "LR"):
        assert abs(both.J_by_channel[ch] - 2 * one.J_by_channel[ch]) <= tol


def test_spin_two_is_the_spinless_model_with_sqrt2_couplings():
    """Occupation, damping, instability and the Eq. (9) coefficients: spin 2 equals the
    spinless model with M scaled by sqrt(2) (a nonlinear check of the doubling)."""
    root = np.sqrt(2.0)
    args = dict(mu_L=0.3, mu_R=-0.3, T_e=0.05, T_ph=0.05)
    for k in range(2):
        a = symehp.mode_occupation(three(2), k, **args)
        b = symehp.mode_occupation(three(1, root), k, **args)
        assert a.n == pytest.approx(b.n, rel=1e-12)
        assert a.damping == pytest.approx(b.damping, rel=1e-12)
    # the two-level model at a bias where the doubled gain makes the mode unstable
    unstable = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05, unstable="flag")
    a = symehp.mode_occupation(two(2), 0, **unstable)
    b = symehp.mode_occupation(two(1, root), 0, **unstable)
    assert not a.stable and not b.stable and a.damping == pytest.approx(b.damping, rel=1e-12)
    assert symehp.mode_occupation(two(1), 0, **unstable).stable
    # high precision route
    one = symehp.ehp_dos(two(2), "RL", 0.8, mu_L=0.4, mu_R=-0.3, T_e=0.05, dps=20)
    ref = symehp.ehp_dos(two(1, root), "RL", 0.8, mu_L=0.4, mu_R=-0.3, T_e=0.05, dps=20)
    assert np.abs(np.array(one, complex) - np.array(ref, complex)).max() <= 1e-14


def test_mode_coupling_coefficients_double():
    """The electronic boson self-energy (poles and quadrature routes) and Eq. (9)'s flat-DOS
    coefficient double; at spin 2 that coefficient has the paper's magnitude Im tr / pi."""
    from symehp.applications import mode_coupling
    model1, model2 = three(1), three(2)
    args = dict(mu_L=0.3, mu_R=-0.3, T_e=0.05)
    for route in ("poles", "quadrature"):
        one = mode_coupling._self_energy(model1, 0.8, route=route, **args)
        both = mode_coupling._self_energy(model2, 0.8, route=route, **args)
        assert np.abs(both - 2 * one).max() <= 1e-9 * np.abs(one).max()
    assert mode_coupling.flat_dos_a(model2) == pytest.approx(2 * mode_coupling.flat_dos_a(model1),
                                                              rel=1e-12)
    assert abs(mode_coupling.flat_dos_a(model2)) == pytest.approx(
        abs(mode_coupling.paper_a(model1)), rel=1e-12)


def test_symbolic_kernel_carries_the_factor():
    sym2 = symehp.two_level(spin_degeneracy=2)
    sym1 = symehp.two_level()
    k2 = symehp.ehp.kernel(sym2, "LR")
    k1 = symehp.ehp.kernel(sym1, "LR")
    assert sp.simplify(k2[0, 0] - 2 * k1[0, 0]) == 0
    assert sym2.subs({}).spin_degeneracy == 2
    assert symehp.two_level(0.5, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05,
                            spin_degeneracy=2).numeric().spin_degeneracy == 2


@pytest.mark.parametrize("bad", [0, 3, 1.5, True, "2", None])
def test_bad_spin_degeneracy_is_a_model_error(bad):
    with pytest.raises(ModelError, match="spin_degeneracy must be 1 .* or 2"):
        three(bad)


def test_model_files_and_cache_keys(tmp_path):
    model = three(2)
    assert model.numeric().key != three(1).numeric().key
    for suffix in (".json", ".toml"):
        path = modelfile.dump_model(model, tmp_path / f"m{suffix}")
        back = modelfile.load_model(path)
        assert back.spin_degeneracy == 2
        assert back.numeric().key == model.numeric().key
    assert "spin_degeneracy" not in modelfile.model_to_dict(three(1))
    path = tmp_path / "bad.json"
    data = modelfile.model_to_dict(three(1))
    data["spin_degeneracy"] = 4
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="bad.json: spin_degeneracy: must be 1"):
        modelfile.load_model(path)
    two_level_file = tmp_path / "two.toml"
    two_level_file.write_text("spin_degeneracy = 2\n[two_level]\neps1 = 0.5\neps2 = -0.5\n"
                              "gamma1 = 0.2\ngamma2 = 0.2\nm = 0.1\nomega = 1.0\n"
                              "gamma_ph = 0.05\n")
    assert modelfile.load_model(two_level_file).spin_degeneracy == 2


def test_pickled_numeric_model_keeps_its_spin():
    import pickle
    num = three(2).numeric()
    assert pickle.loads(pickle.dumps(num)).spin_degeneracy == 2


def test_sweep_records_the_spin_and_doubles():
    kw = dict(V=[0.2, 1.0], T_e=0.05, T_ph=0.05, quantities=("J", "I"), progress=False)
    one, both = symehp.sweep(two(1), **kw), symehp.sweep(two(2), **kw)
    assert both.attrs["model_spin_degeneracy"] == 2 and one.attrs["model_spin_degeneracy"] == 1
    np.testing.assert_allclose(both.J.values, 2 * one.J.values, rtol=1e-12)
    np.testing.assert_allclose(both.I.values, 2 * one.I.values, rtol=1e-12)
