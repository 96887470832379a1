"""Bad input gets symehp's own, named errors; caches cannot go stale (issue 8).

* non-finite model entries -> ModelError "... is not finite ...", naming the entry;
* an empty H -> ModelError naming H;
* the arrays of a NumericJunction are read-only copies (the compiled-kernel cache
  is keyed by a hash of them);
* numeric arguments: strings, booleans, ragged lists, magnitudes beyond
  MAX_MAGNITUDE -> ParameterError naming the argument;
* incompatible shapes -> ParameterError naming the arguments as the user gave them
  (both through every public function, with and without dps: ``tests/test_contract.py``);
* no broadening at all -> exact zeros (spectra, currents), the phonon-bath
  occupation, or a ModelError when nothing damps the mode;
* ValidityWarning when a mode's electronic damping is not small against its frequency.

Every test here is a fraction of a second.
"""

import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symehp
from symehp import ModelError, NumericJunction, ParameterError, ValidityWarning
from symehp.numeric import _args
from symehp.numeric._args import (MAX_MAGNITUDE, broadcast_parameters, electrode_temperatures,
                                  real_array)
from symehp.numeric.stats import bose

H2 = [[0.5, 0.1], [0.1, -0.5]]
GL2 = [[0.2, 0.0], [0.0, 0.0]]
GR2 = [[0.0, 0.0], [0.0, 0.2]]
M2 = [[0.0, 0.1], [0.1, 0.0]]
ZERO2 = [[0.0, 0.0], [0.0, 0.0]]
NAN, INF = float("nan"), float("inf")


def _kwargs(**change):
    base = dict(H=H2, gamma_L=GL2, gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    base.update(change)
    return base


def paper_model(m=0.1):
    return symehp.two_level(0.5, -0.5, 0.2, 0.2, m, 1.0, 0.05)


# ------------------------------------------------------------------ 1. non-finite model entries

def _with(matrix, i, j, value, hermitian=True):
    out = np.array(matrix, dtype=object)
    out[i, j] = value
    if hermitian and i != j:
        out[j, i] = value
    return out.tolist()


NON_FINITE = [
    pytest.param(dict(H=np.array(_with(H2, 0, 1, NAN), dtype=float)), r"H[0, 1] is not finite (nan)",
                 id="H-numpy-nan"),
    pytest.param(dict(H=_with(H2, 1, 1, INF)), r"H[1, 1] is not finite (inf)", id="H-list-inf"),
    pytest.param(dict(H=_with(H2, 0, 0, -INF)), r"H[0, 0] is not finite (-inf)", id="H-minus-inf"),
    pytest.param(dict(H=_with(H2, 0, 0, sp.zoo)), r"H[0, 0] is not finite (complex infinity)",
                 id="H-sympy-zoo"),
    pytest.param(dict(H=sp.Matrix(_with(H2, 0, 1, sp.nan))), r"H[0, 1] is not finite (nan)",
                 id="H-sympy-nan"),
    pytest.param(dict(H=np.array(_with(H2, 0, 1, complex(0.1, NAN)), dtype=complex)),
                 r"H[0, 1] is not finite (nan)", id="H-complex-nan"),
    pytest.param(dict(H=_with(H2, 0, 0, sp.exp(sp.Integer(10**6)))),
                 r"H[0, 0] is not finite (exp(1000000), which overflows double precision)",
                 id="H-overflow"),
    pytest.param(dict(gamma_L=np.array(_with(GL2, 0, 0, INF), dtype=float)),
                 r"gamma_L[0, 0] is not finite (inf)", id="gamma_L-inf"),
    pytest.param(dict(gamma_R=_with(GR2, 1, 1, sp.oo)), r"gamma_R[1, 1] is not finite (inf)",
                 id="gamma_R-sympy-oo"),
    pytest.param(dict(M=_with(M2, 0, 1, NAN)), r"M[0][0, 1] is not finite (nan)", id="M-nan"),
    pytest.param(dict(M=np.array([M2, _with(M2, 1, 1, INF)], dtype=float), omega=[1.0, 2.0],
                      gamma_ph=[0.1, 0.1]), r"M[1][1, 1] is not finite (inf)", id="M-3d-inf"),
    pytest.param(dict(omega=NAN), r"omega[0] is not finite (nan)", id="omega-nan"),
    pytest.param(dict(omega=np.array([INF])), r"omega[0] is not finite (inf)", id="omega-numpy-inf"),
    pytest.param(dict(omega=sp.oo), r"omega[0] is not finite (inf)", id="omega-sympy-oo"),
    pytest.param(dict(gamma_ph=sp.nan), r"gamma_ph[0] is not finite (nan)", id="gamma_ph-sympy-nan"),
    pytest.param(dict(gamma_ph=[np.float64(INF)]), r"gamma_ph[0] is not finite (inf)",
                 id="gamma_ph-np-inf"),
]


@pytest.mark.parametrize("change, message", NON_FINITE)
def test_non_finite_model_entries_are_named(change, message):
    with pytest.raises(ModelError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")) as info:
        symehp.Junction(**_kwargs(**change))
    assert type(info.value) is ModelError


def test_non_finite_after_subs():
    eps1 = sp.Symbol("epsilon_1", real=True)
    model = symehp.two_level(eps1, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    with pytest.raises(ModelError, match=r"H\[0, 0\] is not finite \(nan\)"):
        model.subs({eps1: sp.nan})
    # a symbolic entry is not judged until it has a value
    assert eps1 in model.free_symbols


# ------------------------------------------------------------------ 2. empty and mismatched shapes

@pytest.mark.parametrize("empty", [np.zeros((0, 0)), [], sp.Matrix([])], ids=["numpy", "list", "sympy"])
def test_empty_H_is_named_as_H(empty):
    with pytest.raises(ModelError, match=r"H must have at least one level.*shape \(0, 0\)"):
        symehp.Junction(H=empty, gamma_L=empty, gamma_R=empty, M=empty, omega=1.0, gamma_ph=0.1)


@pytest.mark.parametrize("empty_m", [[], np.zeros((0, 2, 2))], ids=["list", "numpy-3d"])
def test_empty_M_is_named(empty_m):
    with pytest.raises(ModelError, match="M must hold at least one coupling matrix"):
        symehp.Junction(**_kwargs(M=empty_m))


@pytest.mark.parametrize("change, message", [
    (dict(gamma_L=np.eye(3)), r"gamma_L has shape \(3, 3\), but H is 2 x 2"),
    (dict(M=[M2, np.eye(3)], omega=[1, 2], gamma_ph=[0.1, 0.1]), r"M\[1\] has shape \(3, 3\)"),
    (dict(omega=[1.0, 2.0]), "omega has 2 entries but M has 1"),
])
def test_mismatched_shapes_keep_their_messages(change, message):
    with pytest.raises(ModelError, match=message):
        symehp.Junction(**_kwargs(**change))


# ------------------------------------------------------------------ 3. caches cannot go stale

@pytest.mark.parametrize("attr, index", [("H", (0, 0)), ("gamma_L", (0, 0)), ("gamma_R", (1, 1)),
                                         ("M", (0, 0, 1)), ("omega", (0,)), ("gamma_ph", (0,))])
def test_numeric_arrays_are_read_only(attr, index):
    numeric = paper_model().numeric()
    arr = getattr(numeric, attr)
    before = arr.copy()
    with pytest.raises(ValueError, match="read-only"):
        arr[index] = 0.9
    np.testing.assert_array_equal(getattr(numeric, attr), before)


def test_current_cannot_come_from_a_stale_cache():
    model = paper_model()
    kw = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)
    J = symehp.energy_current(model, **kw)
    key = model.numeric().key
    with pytest.raises(ValueError):
        model.numeric().H[0, 0] = 0.9
    with pytest.raises(AttributeError, match="cannot be reassigned"):
        model.H = sp.ImmutableMatrix([[0.9, 0], [0, -0.5]])
    assert model.numeric().key == key
    assert symehp.energy_current(model, **kw) == J
    # a different model gives a different number (the cache is keyed by the numbers)
    other = symehp.two_level(0.9, -0.5, 0.2, 0.2, 0.1, 1.0, 0.05)
    assert symehp.energy_current(other, **kw) != J


def test_directly_built_numeric_junction_copies_and_freezes():
    H = np.array(H2, dtype=complex)
    M = np.array([M2], dtype=complex)
    omega = np.array([1.0])
    nj = NumericJunction(H=H, gamma_L=np.array(GL2), gamma_R=np.array(GR2), M=M, omega=omega,
                         gamma_ph=[0.05])
    key = nj.key
    H[0, 0] = 0.9                       # the caller's arrays stay the caller's
    omega[0] = 2.0
    assert nj.H[0, 0] == 0.5 and nj.omega[0] == 1.0
    assert nj.key == key
    for attr in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"):
        arr = getattr(nj, attr)
        assert not arr.flags.writeable
        assert arr.dtype == (float if attr in ("omega", "gamma_ph") else complex)
    # the same numbers as the Junction's, hence the same cache key
    assert nj.key == symehp.Junction(H2, GL2, GR2, M2, 1.0, 0.05).numeric().key
    with pytest.raises(ModelError, match="NumericJunction.M must be 3-d"):
        NumericJunction(H=H, gamma_L=GL2, gamma_R=GR2, M=M2, omega=[1.0], gamma_ph=[0.05])


def test_copies_and_pickles_stay_read_only():
    import copy
    import pickle
    model = paper_model()
    numeric = model.numeric()
    key = numeric.key
    for other in (copy.copy(numeric), copy.deepcopy(numeric), pickle.loads(pickle.dumps(numeric)),
                  copy.deepcopy(model).numeric(), pickle.loads(pickle.dumps(model)).numeric()):
        assert other.key == key
        for attr in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"):
            assert not getattr(other, attr).flags.writeable


# ------------------------------------------------------------------ 4. real_array

@pytest.mark.parametrize("value, what", [
    ("0.1", "a string"), (b"0.1", "a string"), (np.str_("0.1"), "a string"),
    (["0.1", "0.2"], "a string"), (np.array([0.1, "0.2"], dtype=object), "a string"),
    (True, "a boolean"), (np.bool_(False), "a boolean"), ([True, False], "a boolean"),
    (np.array([0.1, True], dtype=object), "a boolean"),
])
def test_real_array_rejects_strings_and_booleans(value, what):
    with pytest.raises(ParameterError, match=f"T_e must be a real number or array, got {what}"):
        real_array(value, "T_e", nonnegative=True)


@pytest.mark.parametrize("value", [1e300, -1e31, [0.0, 2e30], np.float64(1e308)])
def test_real_array_rejects_magnitudes_beyond_the_bound(value):
    with pytest.raises(ParameterError, match=r"mu_L = .* is beyond the supported range "
                                             r"\|mu_L\| <= 1e\+30"):
        real_array(value, "mu_L")


def test_real_array_accepts_numbers():
    assert MAX_MAGNITUDE == 1e30 and _args.MAX_MAGNITUDE == 1e30
    for value in (1, np.int64(2), 0.5, np.float32(0.25), sp.Rational(1, 4), mp.mpf("0.125"),
                  [1, 2.5], np.arange(3), 1e30, -1e30):
        out = real_array(value, "mu_L")
        assert out.dtype == float
        np.testing.assert_array_equal(out, np.asarray(value, dtype=float))
    with pytest.raises(ParameterError, match="mu_L must be real, got a complex value"):
        real_array([0.1, 1j], "mu_L")
    with pytest.raises(ParameterError, match="T_ph must be >= 0"):
        real_array(-0.1, "T_ph", nonnegative=True)


# (strings, booleans, huge values and ragged lists through the public functions:
# tests/test_contract.py)


# ------------------------------------------------------------------ 5. broadcasting

def test_broadcast_parameters_order_and_shapes():
    a, b, c = broadcast_parameters(x=np.zeros(3), y=1.0, z=np.ones((2, 1)))
    assert a.shape == b.shape == c.shape == (2, 3)
    assert a.dtype == b.dtype == c.dtype == float
    assert np.all(b == 1.0) and np.all(c == 1.0)


def test_broadcast_parameters_names_T_e_as_the_user_gave_it():
    T_L, T_R = electrode_temperatures([0.1, 0.2], None, None)
    with pytest.raises(ParameterError) as info:
        broadcast_parameters(mu_L=real_array([0, 1, 2], "mu_L"), mu_R=real_array(0, "mu_R"),
                             T_L=T_L, T_R=T_R, T_ph=real_array(0.1, "T_ph"))
    msg = str(info.value)
    assert type(info.value) is ParameterError
    assert msg.startswith("mu_L (shape (3,)), T_e (shape (2,)) cannot be broadcast together")
    assert "T_L" not in msg and "T_R" not in msg
    # given separately, the electrode temperatures keep their own names
    T_L, T_R = electrode_temperatures(None, 0.1, [0.1, 0.2])
    with pytest.raises(ParameterError, match=r"mu_L \(shape \(3,\)\), T_R \(shape \(2,\)\) "
                                             "cannot be broadcast together"):
        broadcast_parameters(mu_L=np.zeros(3), mu_R=0.0, T_L=T_L, T_R=T_R)


# (mismatched shapes in the public functions, with and without dps: tests/test_contract.py)


# ------------------------------------------------------------------ 6. no broadening at all

def unbroadened(K=1, gamma_ph=0.05):
    M = [M2, [[0.05, 0.0], [0.0, -0.05]]][:K]
    return symehp.Junction(H2, ZERO2, ZERO2, M if K > 1 else M2, [1.0, 0.7][:K],
                           [gamma_ph, 0.02][:K])


@pytest.mark.parametrize("func", [symehp.ehp_dos, symehp.emission_spectrum])
@pytest.mark.parametrize("temps", [dict(T_e=0.1), dict(T_L=0.1, T_R=0.2), dict(T_e=0.0)])
def test_unbroadened_spectra_are_exact_zeros(func, temps):
    model = unbroadened(K=2)
    omega = np.linspace(-1.0, 2.0, 3)[:, None]
    for ch in ("LL", "RR", "RL", "LR"):
        out = func(model, ch, omega, mu_L=[0.5, -0.2], mu_R=-0.5, **temps)
        assert out.shape == (3, 2, 2, 2)
        assert np.all(out == 0)


def test_unbroadened_spectra_dps():
    out = symehp.emission_spectrum(unbroadened(), "LR", 1.0, mu_L=0.5, mu_R=-0.5, T_e=0.1, dps=20)
    assert out.shape == (1, 1) and out[0, 0] == 0


@pytest.mark.parametrize("temps", [dict(T_e=0.1), dict(T_L=0.1, T_R=0.2)])
def test_unbroadened_currents_are_exact_zeros(temps):
    model = unbroadened(K=2)
    res = symehp.transport(model, mu_L=np.array([[0.5], [1.0], [0.0]]), mu_R=-0.5, T_ph=[0.05, 0.2],
                           **temps)
    for arr in (res.J, res.I, res.error_J, res.error_I, *res.J_by_channel.values(),
                *res.I_by_channel.values()):
        assert np.shape(arr) == (3, 2)
        assert np.all(np.asarray(arr) == 0)
    assert symehp.energy_current(model, mu_L=0.5, mu_R=-0.5, T_ph=0.05, **temps) == 0.0
    assert symehp.particle_current(model, mu_L=0.5, mu_R=-0.5, T_ph=0.05, **temps) == 0.0


def test_uncoupled_modes_give_exact_zero_currents():
    model = symehp.Junction(H2, GL2, GR2, ZERO2, 1.0, 0.05)       # M = 0
    res = symehp.transport(model, mu_L=[0.5, 1.0], mu_R=-0.5, T_e=0.1, T_ph=0.05)
    assert np.all(res.J == 0) and np.all(res.I == 0) and np.all(res.error_J == 0)


def test_unbroadened_currents_dps():
    model = unbroadened()
    assert symehp.energy_current(model, mu_L=0.5, mu_R=-0.5, T_e=0.1, T_ph=0.05, dps=20) == 0


@pytest.mark.parametrize("dps", [None, 20])
def test_unbroadened_occupation_is_the_phonon_bath(dps):
    model = unbroadened(gamma_ph=0.05)
    occ = symehp.mode_occupation(model, mu_L=[0.5, 1.5], mu_R=-0.5, T_e=0.3, T_ph=0.1, dps=dps)
    for name in ("LL", "RR", "RL", "LR"):
        assert np.all(occ.damping_by_channel[name] == 0)
        assert np.all(occ.emission_by_channel[name] == 0)
    np.testing.assert_allclose(np.asarray(occ.damping, float), 2 * 1.0 * 0.05, rtol=1e-14)
    np.testing.assert_allclose(np.asarray(occ.n, float), bose(1.0, 0.1), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(occ.T_eff, float), 0.1, rtol=1e-12)


@pytest.mark.parametrize("dps", [None, 20])
@pytest.mark.parametrize("unstable", ["raise", "flag"])
def test_mode_coupled_to_no_bath_is_a_model_error(dps, unstable):
    with pytest.raises(ModelError, match="mode 0 is coupled to no bath: gamma_ph\\[0\\] = 0"):
        symehp.mode_occupation(unbroadened(gamma_ph=0.0), mu_L=0.5, mu_R=-0.5, T_e=0.1,
                               T_ph=0.1, dps=dps, unstable=unstable)


# ------------------------------------------------------------------ 7. ValidityWarning

def test_validity_warning_is_exported():
    assert issubclass(ValidityWarning, UserWarning)
    assert "ValidityWarning" in symehp.__all__ and symehp.ValidityWarning is ValidityWarning
    assert "small compared to its frequency" in ValidityWarning.__doc__


@pytest.mark.parametrize("dps", [None, 20])
def test_validity_warning_fires_for_strong_coupling(dps):
    model = paper_model(m=1e3)
    with pytest.warns(ValidityWarning, match=r"mode 0 \(Omega_k = 1\): electronic damping "
                                             r"sum_ab Lambda_kk\(Omega_k\) = 9\.9\d*e\+06") as rec:
        occ = symehp.mode_occupation(model, mu_L=0.1, mu_R=-0.1, T_e=0.05, T_ph=0.05, dps=dps)
    assert len(rec) == 1
    msg = str(rec[0].message)
    assert "= 4.9" in msg and "e+06 x Omega_k" in msg and "small compared to its frequency" in msg
    assert rec[0].filename == __file__          # points at the caller
    assert float(occ.damping) > 0


def test_validity_warning_names_the_worst_point():
    model = paper_model(m=5.0)      # |Lambda| / (2 Omega^2) ~ 0.05 * 50^2 ~ 120 near resonance
    with pytest.warns(ValidityWarning, match=r"largest at broadcast index \(\d,\)"):
        symehp.mode_occupation(model, mu_L=[0.0, 0.2, 0.4], mu_R=0.0, T_e=0.05, T_ph=0.05,
                               unstable="flag")


@pytest.mark.parametrize("dps", [None, 20])
def test_no_validity_warning_for_the_paper_model(dps):
    V = np.array([0.0, 1.2]) if dps else np.linspace(0.0, 1.8, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        symehp.mode_occupation(paper_model(m=0.1), mu_L=V / 2, mu_R=-V / 2, T_e=0.05, T_ph=0.05,
                               dps=dps)
