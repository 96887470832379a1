"""The numeric route of Junction (issue 13, "numeric models stay numeric").

A Junction whose arguments are plain numbers (NumPy arrays, nested lists, Python
or NumPy scalars) is checked in NumPy and makes its SymPy matrices only when
asked.  Tested here against the SymPy route, which the same numbers take when
they are given as SymPy matrices:

* numeric() holds the same bits on both routes (random complex models, K > 1,
  every input form), and the lazily made SymPy attributes are what the SymPy
  route stores;
* no SymPy object is made while a numeric model is built and evaluated;
* every error of the numeric route is a ModelError naming the argument, worded
  as the SymPy route words it;
* the round-off allowed in the Hermiticity and positivity checks;
* pickling, copies, the immutability guard, subs, printing;
* a model of N = 200 levels and K = 50 modes is built and evaluated.

Every test here takes a fraction of a second.
"""

import copy
import pickle

import numpy as np
import pytest
import sympy as sp

import symehp
from symehp import ModelError
from symehp import model as model_module

FIELDS = ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph")
ARRAYS = ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph")


# ------------------------------------------------------------------ helpers

def random_hermitian(rng, n, scale=1.0):
    a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    return scale * (a + a.conj().T) / 2


def random_broadening(rng, n, rank):
    """A complex positive semi-definite matrix of the given rank (rank 0: zero)."""
    v = rng.normal(size=(n, rank)) + 1j * rng.normal(size=(n, rank))
    return 0.3 * v @ v.conj().T


def random_model(seed, n, k):
    """Arguments of a random model: complex Hermitian H and M, rank-deficient gammas."""
    rng = np.random.default_rng(seed)
    return dict(H=random_hermitian(rng, n),
                gamma_L=random_broadening(rng, n, max(1, n // 2)),
                gamma_R=random_broadening(rng, n, 1),
                M=np.array([random_hermitian(rng, n, 0.1) for _ in range(k)]),
                omega=rng.uniform(0.2, 2.0, k),
                gamma_ph=np.append(rng.uniform(0.0, 0.1, k - 1), 0.0))


def as_sympy(args):
    """The same numbers as SymPy input: what the SymPy route made of them before issue 13."""
    def mat(x):
        return sp.ImmutableMatrix(np.asarray(x).tolist() if isinstance(x, np.ndarray) else x)
    out = dict(args)
    for name in ("H", "gamma_L", "gamma_R"):
        out[name] = mat(args[name])
    m = args["M"]
    several = np.ndim(m) == 3 if isinstance(m, np.ndarray) else (len(m) == 0 or np.ndim(m[0]) == 2)
    out["M"] = [mat(x) for x in m] if several else mat(m)
    for name in ("omega", "gamma_ph"):
        out[name] = [sp.sympify(v) for v in np.atleast_1d(args[name]).tolist()]
    return out


def assert_same_numbers(a, b):
    """numeric() of two models holds the same bits (dtype, shape and every byte)."""
    na, nb = a.numeric(), b.numeric()
    for name in ARRAYS:
        x, y = getattr(na, name), getattr(nb, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), name
    assert na.key == nb.key


def lazy_fields_built(model):
    return [name for name in FIELDS if name in model.__dict__]


# ------------------------------------------------------------------ 1. the SymPy route's numbers

@pytest.mark.parametrize("seed, n, k", [(0, 1, 1), (1, 2, 1), (2, 3, 2), (3, 4, 3), (4, 5, 2),
                                        (5, 6, 4)])
@pytest.mark.parametrize("form", ["arrays", "lists", "list-of-arrays"])
def test_numeric_route_equals_sympy_route(seed, n, k, form):
    args = random_model(seed, n, k)
    if form == "lists":
        args = {name: np.asarray(v).tolist() for name, v in args.items()}
    elif form == "list-of-arrays":
        args = dict(args, M=list(args["M"]), omega=tuple(args["omega"]))
    numeric = symehp.Junction(**args)
    symbolic = symehp.Junction(**as_sympy(args))
    assert numeric._from_numbers and not symbolic._from_numbers
    assert_same_numbers(numeric, symbolic)
    assert numeric.N == symbolic.N == n and numeric.K == symbolic.K == k
    # the SymPy attributes, made on demand, are those the SymPy route stores
    for name in FIELDS:
        assert sp.srepr(getattr(numeric, name)) == sp.srepr(getattr(symbolic, name)), name
    assert numeric._repr_latex_() == symbolic._repr_latex_()
    assert repr(numeric) == repr(symbolic)


@pytest.mark.parametrize("H, what", [
    ([[1, 0], [0, -1]], "python ints"),
    ([[0.5, 0], [0, -0.5]], "ints and floats in one list"),
    ([[0.5, 0.1 - 0.2j], [0.1 + 0.2j, 0]], "floats, complex and an int"),
    (np.array([[0.1, 0.2], [0.2, 0.3]], dtype=np.float32), "float32 array"),
    ([[np.float32(0.1), 0], [0, np.float64(0.3)]], "numpy scalars in a list"),
    (np.array([[2**60 + 1, 3], [3, -(2**55) - 1]]), "int64 beyond 2**53"),
    ([[-0.0, complex(0.1, -0.0)], [complex(0.1, 0.0), complex(-0.0, -0.0)]], "signed zeros"),
    (np.array([[1, 0.5], [0.5, 2]], dtype=object), "object array of numbers"),
])
def test_entry_types_keep_their_sympy_form(H, what):
    args = dict(H=H, gamma_L=[[0.2, 0], [0, 0]], gamma_R=[[0, 0], [0, 0.1]],
                M=[[0, 0.1], [0.1, 0]], omega=[np.float64(1.0)], gamma_ph=0)
    numeric = symehp.Junction(**args)
    symbolic = symehp.Junction(**as_sympy(args))
    assert numeric._from_numbers, what
    assert_same_numbers(numeric, symbolic)
    for name in FIELDS:
        assert sp.srepr(getattr(numeric, name)) == sp.srepr(getattr(symbolic, name)), (what, name)


def test_mixed_input_takes_the_sympy_route():
    args = random_model(7, 3, 2)
    h = args["H"].astype(object)
    h[0, 0] = sp.Float(h[0, 0].real)          # one SymPy entry in one argument
    mixed = symehp.Junction(**dict(args, H=h))
    assert not mixed._from_numbers
    assert set(lazy_fields_built(mixed)) == set(FIELDS)     # stored at once, as before
    assert_same_numbers(mixed, symehp.Junction(**as_sympy(args)))
    sym_omega = symehp.Junction(**dict(args, omega=[sp.Float(w) for w in args["omega"]]))
    assert not sym_omega._from_numbers and sym_omega.is_numeric


def test_two_level_with_numbers_is_numeric():
    values = (0.5, -0.5, 0.2, 0.3, 0.1, 1.0, 0.05)
    plain = symehp.two_level(*values, hopping=0.1 + 0.05j)
    assert plain._from_numbers
    sympy_numbers = symehp.two_level(*map(sp.Float, values), hopping=sp.sympify(0.1 + 0.05j))
    assert not sympy_numbers._from_numbers
    assert_same_numbers(plain, sympy_numbers)
    assert plain.H[1, 0] == sympy_numbers.H[1, 0]
    assert not symehp.two_level()._from_numbers


# ------------------------------------------------------------------ 2. lazy SymPy attributes

def test_no_sympy_matrix_is_built_until_asked(monkeypatch):
    args = random_model(11, 4, 3)

    def forbidden(*a, **k):
        raise AssertionError("a SymPy object was built for a numeric model")

    with monkeypatch.context() as patch:
        for name in ("ImmutableMatrix", "Matrix", "sympify", "Float", "Integer"):
            patch.setattr(sp, name, forbidden)
        model = symehp.Junction(**args)
        numeric = model.numeric()
        assert model.N == 4 and model.K == 3 and model.is_numeric
        assert model.free_symbols == frozenset()
        assert "numeric" in repr(model)
        assert model.subs({sp.Symbol("x"): 1}) is model
        assert numeric.key
    assert lazy_fields_built(model) == []
    H = model.H
    assert lazy_fields_built(model) == ["H"]
    assert isinstance(H, sp.ImmutableMatrix) and model.H is H        # cached
    np.testing.assert_array_equal(np.array(H, dtype=complex), args["H"])
    M = model.M
    assert isinstance(M, tuple) and len(M) == 3
    for m, arr in zip(M, args["M"]):
        np.testing.assert_array_equal(np.array(m, dtype=complex), arr)
    assert all(isinstance(w, sp.Float) for w in model.omega)
    assert [float(w) for w in model.omega] == list(args["omega"])
    assert model.gamma == {"L": model.gamma_L, "R": model.gamma_R}
    assert isinstance(model.gamma_ph, tuple) and float(model.gamma_ph[-1]) == 0.0
    assert set(lazy_fields_built(model)) == set(FIELDS)
    assert model.numeric() is numeric                                # still the same arrays


def test_numeric_arrays_are_copies_of_the_input():
    args = random_model(12, 3, 2)
    model = symehp.Junction(**args)
    key = model.numeric().key
    args["H"][0, 0] = 99.0                     # the caller's arrays stay the caller's
    args["M"][1, 0, 0] = 99.0
    args["omega"][0] = 99.0
    assert model.numeric().key == key
    assert model.H[0, 0] != 99.0 and model.M[1][0, 0] != 99.0 and model.omega[0] != 99.0
    for name in ARRAYS:
        assert not getattr(model.numeric(), name).flags.writeable


def test_fields_cannot_be_reassigned_before_or_after_first_access():
    model = symehp.Junction(**random_model(13, 2, 1))
    with pytest.raises(AttributeError, match="cannot be reassigned"):
        model.H = sp.eye(2)
    model.gamma_L                              # made and cached
    for name in FIELDS:
        with pytest.raises(AttributeError, match=f"Junction.{name} cannot be reassigned"):
            setattr(model, name, None)


@pytest.mark.parametrize("touch", [False, True], ids=["lazy", "built"])
def test_pickles_and_copies_of_a_numeric_model(touch):
    model = symehp.Junction(**random_model(14, 3, 2))
    if touch:
        model.H
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model), copy.copy(model)):
        assert other._from_numbers and other.is_numeric
        assert other.N == 3 and other.K == 2
        assert_same_numbers(other, model)
        assert other.H == model.H and other.M == model.M and other.omega == model.omega
        with pytest.raises(AttributeError, match="cannot be reassigned"):
            other.M = ()


# ------------------------------------------------------------------ 3. errors of the numeric route

H2 = np.array([[0.5, 0.1], [0.1, -0.5]])
GL2 = np.array([[0.2, 0.0], [0.0, 0.0]])
GR2 = np.array([[0.0, 0.0], [0.0, 0.2]])
M2 = np.array([[0.0, 0.1], [0.1, 0.0]])
NAN, INF = float("nan"), float("inf")


def _kwargs(**change):
    base = dict(H=H2, gamma_L=GL2, gamma_R=GR2, M=M2, omega=1.0, gamma_ph=0.05)
    base.update(change)
    return base


def _two_modes(**change):
    return _kwargs(**dict(dict(M=np.array([M2, np.diag([0.05, -0.05])]), omega=[1.0, 1.5],
                               gamma_ph=[0.05, 0.02]), **change))


NUMERIC_ERRORS = [
    # Hermiticity and positivity
    pytest.param(_kwargs(H=np.array([[0, 1], [2, 0.0]])),
                 r"H must be Hermitian \(H != H\^dagger\): entry \(0, 1\) = 1\+0j is not the "
                 r"conjugate of entry \(1, 0\) = 2\+0j", id="H-real"),
    pytest.param(_kwargs(H=[[0, 1j], [1j, 0]]), r"H must be Hermitian", id="H-complex-list"),
    pytest.param(_kwargs(gamma_L=np.array([[0, 1], [0, 0.0]])), r"gamma_L must be Hermitian",
                 id="gamma_L-non-hermitian"),
    pytest.param(_two_modes(M=np.array([M2, [[0, 0.1j], [0.1j, 0]]])), r"M\[1\] must be Hermitian",
                 id="M1-non-hermitian"),
    pytest.param(_kwargs(gamma_L=np.diag([1.0, -1.0])), r"gamma_L must be positive semi-definite "
                 r"\(a broadening\), but has eigenvalue -1", id="gamma_L-not-psd"),
    pytest.param(_kwargs(gamma_R=[[1, 2], [2, 1]]), r"gamma_R must be positive semi-definite.*-1",
                 id="gamma_R-not-psd"),
    # shapes
    pytest.param(_kwargs(H=np.ones((2, 3))), r"H must be square, got shape \(2, 3\)",
                 id="H-not-square"),
    pytest.param(_kwargs(H=[[1, 2, 3], [4, 5, 6]]), r"H must be square, got shape \(2, 3\)",
                 id="H-not-square-list"),
    pytest.param(_kwargs(H=np.zeros((2, 2, 2))), r"H must be a 2-d matrix, got an array of shape "
                 r"\(2, 2, 2\)", id="H-3d"),
    pytest.param(_kwargs(gamma_R=np.eye(3)), r"gamma_R has shape \(3, 3\), but H is 2 x 2",
                 id="gamma_R-shape"),
    pytest.param(_two_modes(M=[M2, np.eye(3)]), r"M\[1\] has shape \(3, 3\), but H is 2 x 2",
                 id="M1-shape"),
    pytest.param(_kwargs(M=np.zeros((1, 1, 2, 2))), r"M must be a matrix or a list of K matrices, "
                 r"got shape \(1, 1, 2, 2\)", id="M-4d"),
    pytest.param(_kwargs(omega=np.ones((1, 1))),
                 r"omega must be a scalar or 1-d, got shape \(1, 1\)", id="omega-2d"),
    # non-finite entries
    pytest.param(_kwargs(H=np.array([[0.5, NAN], [NAN, -0.5]])),
                 r"H\[0, 1\] is not finite \(nan\); every entry of H must be a finite number",
                 id="H-nan"),
    pytest.param(_kwargs(gamma_L=[[0.2, 0], [0, INF]]), r"gamma_L\[1, 1\] is not finite \(inf\)",
                 id="gamma_L-inf"),
    pytest.param(_two_modes(M=np.array([M2, [[0, 0], [0, -INF]]])),
                 r"M\[1\]\[1, 1\] is not finite \(-inf\)", id="M1-minus-inf"),
    pytest.param(_kwargs(H=np.array([[0.5, complex(0.1, NAN)], [0.1, -0.5]])),
                 r"H\[0, 1\] is not finite \(nan\)", id="H-complex-nan"),
    pytest.param(_two_modes(omega=np.array([1.0, INF])), r"omega\[1\] is not finite \(inf\); "
                 "omega must be finite", id="omega-inf"),
    pytest.param(_kwargs(gamma_ph=NAN), r"gamma_ph\[0\] is not finite \(nan\)", id="gamma_ph-nan"),
    # signs of the mode parameters
    pytest.param(_two_modes(omega=[1.0, 0.0]), r"omega\[1\] must be positive, got 0",
                 id="omega-zero"),
    pytest.param(_kwargs(omega=-1.0), r"omega\[0\] must be positive, got -1", id="omega-negative"),
    pytest.param(_kwargs(omega=1j), r"omega\[0\] must be real, got 1\.0\*I", id="omega-complex"),
    pytest.param(_two_modes(gamma_ph=np.array([0.05, -0.01])),
                 r"gamma_ph\[1\] must be non-negative, got -0\.01", id="gamma_ph-negative"),
    # empty and mismatched counts
    pytest.param(_kwargs(H=np.zeros((0, 0)), gamma_L=np.zeros((0, 0)), gamma_R=np.zeros((0, 0)),
                         M=np.zeros((0, 0))),
                 r"H must have at least one level \(an N x N matrix with N >= 1\), got shape "
                 r"\(0, 0\)",
                 id="H-empty"),
    pytest.param(_kwargs(M=np.zeros((0, 2, 2))), r"M must hold at least one coupling matrix, got "
                 r"shape \(0, 2, 2\)", id="M-empty-3d"),
    pytest.param(_kwargs(M=[]), r"M must hold at least one coupling matrix", id="M-empty-list"),
    pytest.param(_kwargs(omega=[1.0, 2.0]), r"omega has 2 entries but M has 1 coupling matrices",
                 id="omega-count"),
    pytest.param(_two_modes(gamma_ph=np.array([0.1])),
                 r"gamma_ph has 1 entries but M has 2 coupling matrices", id="gamma_ph-count"),
    pytest.param(_two_modes(omega=[]), r"omega has 0 entries but M has 2", id="omega-none"),
]


@pytest.mark.parametrize("kwargs, message", NUMERIC_ERRORS)
def test_numeric_route_errors_name_the_argument(kwargs, message):
    with pytest.raises(ModelError, match=message) as info:
        symehp.Junction(**kwargs)
    assert type(info.value) is ModelError


def _convertible(kwargs):
    """Errors whose input SymPy can hold too (2-d matrices, 1-d mode lists)."""
    def ok(x):
        return not isinstance(x, np.ndarray) or x.ndim == 2
    m = kwargs["M"]
    return (all(ok(kwargs[n]) for n in ("H", "gamma_L", "gamma_R"))
            and (isinstance(m, list) or (np.ndim(m) in (2, 3) and np.size(m) > 0))
            and all(np.ndim(kwargs[n]) <= 1 for n in ("omega", "gamma_ph")))


@pytest.mark.parametrize("kwargs, message",
                         [p for p in NUMERIC_ERRORS if _convertible(p.values[0])])
def test_numeric_and_sympy_routes_word_errors_alike(kwargs, message):
    with pytest.raises(ModelError) as numeric:
        symehp.Junction(**kwargs)
    with pytest.raises(ModelError) as symbolic:
        symehp.Junction(**as_sympy(kwargs))
    assert str(numeric.value) == str(symbolic.value)


def test_first_fault_is_reported_in_the_sympy_route_order():
    # non-finite before shape, shape before Hermiticity, matrices before the modes
    bad = dict(H=np.array([[0, 1], [2, 0.0]]), gamma_L=np.eye(3), omega=-1.0)
    with pytest.raises(ModelError, match="gamma_L has shape"):
        symehp.Junction(**_kwargs(**bad))
    with pytest.raises(ModelError, match=r"gamma_L\[0, 0\] is not finite"):
        symehp.Junction(**_kwargs(**dict(bad, gamma_L=np.full((3, 3), NAN))))
    with pytest.raises(ModelError, match="H must be Hermitian"):
        symehp.Junction(**_kwargs(H=bad["H"], omega="1.0"))


# ------------------------------------------------------------------ 4. round-off allowance

@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e4])
def test_round_off_asymmetry_is_accepted_real_asymmetry_is_not(scale):
    s = max(1.0, scale)                        # the allowance is 1e-12 max(1, max |A_ij|)
    H = scale * np.array([[1.0, 0.3 - 0.2j], [0.3 + 0.2j, -0.7]])
    tiny, large = H.copy(), H.copy()
    tiny[0, 1] += 0.5e-12 * s
    large[0, 1] += 5e-12 * s
    assert symehp.Junction(**_kwargs(H=tiny))._from_numbers
    with pytest.raises(ModelError, match="H must be Hermitian"):
        symehp.Junction(**_kwargs(H=large))
    # the SymPy route (no symbols left) applies the same allowance
    symehp.Junction(**as_sympy(_kwargs(H=tiny)))
    with pytest.raises(ModelError, match="H must be Hermitian"):
        symehp.Junction(**as_sympy(_kwargs(H=large)))


def test_positivity_allows_round_off_below_zero():
    rng = np.random.default_rng(3)
    u, _ = np.linalg.qr(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)))
    for lowest, ok in ((-0.5e-12 * 2.0, True), (-5e-12 * 2.0, False)):
        gamma = u @ np.diag([2.0, 1.0, 0.0, lowest]) @ u.conj().T
        gamma = (gamma + gamma.conj().T) / 2
        kwargs = dict(H=np.diag([0.5, 0.1, -0.1, -0.5]), gamma_L=gamma, gamma_R=np.zeros((4, 4)),
                      M=0.1 * np.eye(4), omega=1.0, gamma_ph=0.05)
        if ok:
            symehp.Junction(**kwargs)
        else:
            with pytest.raises(ModelError, match="gamma_L must be positive semi-definite"):
                symehp.Junction(**kwargs)


# ------------------------------------------------------------------ 5. scale

def test_large_model_builds_and_evaluates():
    n, k = 200, 50
    rng = np.random.default_rng(20)
    H = random_hermitian(rng, n)
    couplings = rng.normal(size=(k, n, n)) * 0.01
    couplings = couplings + couplings.transpose(0, 2, 1)
    model = symehp.Junction(H, random_broadening(rng, n, 4), random_broadening(rng, n, 4),
                            couplings, rng.uniform(0.5, 2.0, k), rng.uniform(0.0, 0.1, k))
    num = model.numeric()
    assert (model.N, model.K) == (n, k) and model.is_numeric
    assert num.H.shape == (n, n) and num.M.shape == (k, n, n) and num.omega.shape == (k,)
    assert num.M.dtype == complex and num.omega.dtype == float
    np.testing.assert_array_equal(num.M.real, couplings)
    assert lazy_fields_built(model) == []
    assert len(num.key) == 64
    assert model_module.ROUND_OFF == 1e-12
