"""One pole expansion, three entry types (issue 13): the backends agree.

:func:`symehp.numeric.poles.from_eigensystem` builds the rank-one expansion
(residues ``W^a_p = u^a_p v^a_p``, couplings ``C^{ab}_m = V^a M^m U^b``, traces
``T_{mn,pq} = C^{ba}_{m,qp} C^{ab}_{n,pq}``) for NumPy, mpmath and SymPy entries.
On random models (hopping, complex Hermitian couplings, non-diagonal rank-deficient
broadenings, a decoupled level in a rotated basis) the poles (as sets), the
families, the spectral functions ``A_a(e)`` and the traces / pair weights agree:
NumPy vs mpmath at 30 digits to 1e-12, mpmath at 30 vs 50 digits to 1e-25,
mpmath against matrix inverses and against ``tr[M W M W]`` itself, and SymPy
(exact or symbolic eigenvectors) vs mpmath on the two-level model.  The
comparison is shown to catch a flipped family, a dropped conjugate and a
transposed coupling.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symehp
from symehp import closed_forms as cf
from symehp.errors import ParameterError
from symehp.model import NumericJunction
from symehp.numeric.poles import PoleExpansion, expand, pole_expansion

ENERGIES = (-1.7, -0.31, 0.0, 0.12, 0.55, 2.4)


def random_model(n, k, seed, *, decoupled=False):
    """N levels, K modes; nothing diagonal.  ``decoupled``: the state
    ``d = (1, -1, 0, ...)/sqrt 2`` is an eigenvector of H (energy ~0.37) that no
    electrode broadens, exactly in the model's doubles (rows 0 and 1 of the
    broadened levels' basis B are equal), so every backend sees a real pole."""
    rng = np.random.default_rng(seed)

    def hermitian(size, scale):
        a = rng.normal(size=(size, size)) + 1j * rng.normal(size=(size, size))
        return scale * (a + a.conj().T) / 2

    def herm(x):
        return (x + x.conj().T) / 2

    b = n - 1 if decoupled else n                     # the broadened levels
    basis = rng.normal(size=(n, b)) + 1j * rng.normal(size=(n, b))
    if decoupled:
        basis[1] = basis[0]                           # B^+ d = 0
    else:
        basis = np.linalg.qr(basis)[0]
    h = herm(basis @ hermitian(b, 0.5) @ basis.conj().T)
    if decoupled:
        h[:2, :2] += 0.185 * np.array([[1, -1], [-1, 1]])
    p_l = basis @ (rng.normal(size=(b, min(2, b))) + 1j * rng.normal(size=(b, min(2, b))))
    p_r = basis @ (rng.normal(size=(b, 1)) + 1j * rng.normal(size=(b, 1)))
    g_l = herm(0.2 * p_l @ p_l.conj().T)              # rank 2 (rank 1 for N = 1)
    g_r = herm(0.3 * p_r @ p_r.conj().T)              # rank 1
    m = np.array([hermitian(n, 0.1) for _ in range(k)])
    return NumericJunction(H=h, gamma_L=g_l, gamma_R=g_r, M=m,
                           omega=np.linspace(0.5, 1.5, k), gamma_ph=np.full(k, 0.05))


CASES = [(1, 1, 0, False), (2, 2, 1, False), (3, 3, 2, True), (4, 2, 3, False),
         (5, 3, 4, True), (6, 3, 5, True), (6, 1, 6, False)]


# ---------------------------------------------------------------- comparison helpers

def _complex(x):
    return np.vectorize(complex, otypes=[complex])(np.asarray(x, dtype=object))


def _max_abs(x):
    return max((abs(v) for v in np.asarray(x, dtype=object).flat), default=0)


def _match(ref_poles, poles, tol):
    """Permutation ``perm`` with ``poles[perm] ~ ref_poles`` (a bijection), or AssertionError."""
    scale = max(1, _max_abs(ref_poles))
    perm = []
    for p in ref_poles:
        dist = [abs(p - x) for x in poles]
        j = int(np.argmin(np.array([float(d) for d in dist])))
        assert dist[j] <= tol * scale, f"pole {p} unmatched ({float(dist[j]):.2e})"
        perm.append(j)
    assert sorted(perm) == list(range(len(poles))), "poles do not match one to one"
    return np.array(perm, dtype=int)


def _close(got, ref, tol, what):
    diff = _max_abs(np.asarray(got, dtype=object) - np.asarray(ref, dtype=object))
    scale = _max_abs(ref)
    assert diff <= tol * scale, f"{what}: {float(diff):.2e} > {tol:g} * {float(scale):.2e}"


def assert_expansions_agree(ref, got, tol, energies=ENERGIES):
    """Poles (as sets), families, A_a(e), residues, pair weights and traces of two
    expansions of one model agree to ``tol`` relative (in ``ref``'s pole order);
    evaluated at the current mpmath precision."""
    assert ref.poles.size == got.poles.size
    perm = _match(list(ref.poles), list(got.poles), tol)
    assert list(np.asarray(got.family)[perm]) == list(ref.family), "pole families differ"
    for p, s in zip(ref.poles, ref.family):
        assert (s > 0) == (mp.im(p) > 0)
    e = np.array(energies)
    for a in "LR":
        _close(got.spectral(a, e), ref.spectral(a, e), tol, f"A_{a}(e)")
        _close(got.residues[a][perm], ref.residues[a], tol, f"W^{a}_p")
        for b in "LR":
            _close(got.pair_weights(a, b)[:, perm][:, :, perm], ref.pair_weights(a, b), tol,
                   f"pair weights {a}{b}")
            _close(got.traces[(a, b)][:, :, perm][:, :, :, perm], ref.traces[(a, b)], tol,
                   f"traces {a}{b}")


def _mp_inverse_spectral(model, a, energy):
    """``G^r Gamma_a G^a`` at the current precision from ``mpmath.inverse``."""
    n = model.N
    gam = {"L": mp.matrix(model.gamma_L.tolist()), "R": mp.matrix(model.gamma_R.tolist())}
    g = mp.inverse(mp.mpf(energy) * mp.eye(n) - mp.matrix(model.H.tolist())
                   + (gam["L"] + gam["R"]) * mp.mpc(0, 0.5))
    spec = g * gam[a] * g.H
    return np.array(spec.tolist(), dtype=object)


# ---------------------------------------------------------------- backends agree

@pytest.mark.filterwarnings("ignore::symehp.errors.ValidityWarning")  # narrow levels on purpose
@pytest.mark.parametrize("n, k, seed, decoupled", CASES)
def test_numpy_and_mpmath_agree(n, k, seed, decoupled):
    model = random_model(n, k, seed, decoupled=decoupled)
    fast = pole_expansion(model)
    with mp.workdps(30):
        precise = pole_expansion(model, backend="mpmath", dps=30)
        assert precise.backend == "mpmath" and fast.backend == "numpy"
        assert precise.poles.size == fast.poles.size == 2 * (n - decoupled)
        assert_expansions_agree(fast, precise, 1e-12)
        for a in "LR":
            for b in "LR":
                assert precise.coupled(a, b) == fast.coupled(a, b)


@pytest.mark.parametrize("n, k, seed, decoupled", CASES)
def test_mpmath_30_and_50_digits_agree_and_match_matrix_inverses(n, k, seed, decoupled):
    model = random_model(n, k, seed, decoupled=decoupled)
    with mp.workdps(50):
        at_50 = pole_expansion(model, backend="mpmath", dps=50)
        at_30 = pole_expansion(model, backend="mpmath", dps=30)
        assert_expansions_agree(at_50, at_30, 1e-25)
        for a in "LR":
            for x in ENERGIES[:3]:
                _close(at_50.spectral(a, x), _mp_inverse_spectral(model, a, x), 1e-45,
                       f"A_{a}({x}) vs inverse")


@pytest.mark.parametrize("n, k, seed, decoupled", [(2, 2, 1, False), (3, 3, 2, True)])
def test_mpmath_traces_are_traces_of_the_residues(n, k, seed, decoupled):
    """``C^{ba}_{m,qp} C^{ab}_{n,pq}`` is ``tr[M^m W^a_p M^n W^b_q]``, the definition."""
    model = random_model(n, k, seed, decoupled=decoupled)
    with mp.workdps(40):
        exp = pole_expansion(model, backend="mpmath", dps=40)
        m = np.vectorize(mp.mpmathify, otypes=[object])(model.M)
        for a in "LR":
            for b in "LR":
                w_a, w_b = exp.residues[a], exp.residues[b]
                direct = np.einsum("mij,pjk,nkl,qli->mnpq", m, w_a, m, w_b)
                _close(exp.traces[(a, b)], direct, 1e-35, f"traces {a}{b}")


def _exact_two_level(hopping):
    return symehp.two_level(eps1=sp.Rational(1, 2), eps2=sp.Rational(-1, 2),
                            gamma1=sp.Rational(1, 5), gamma2=sp.Rational(3, 10),
                            m=sp.Rational(1, 10), omega=1, gamma_ph=sp.Rational(1, 20),
                            hopping=hopping)


def _mp_of_exact(junction):
    """The mpmath expansion of a Junction with exact entries, read at the current precision."""
    def entries(mat):
        return np.array([[cf._to_mp(x) for x in row] for row in sp.Matrix(mat).tolist()],
                        dtype=object)
    m = np.array([entries(mk) for mk in junction.M], dtype=object)
    return expand(entries(junction.H), entries(junction.gamma_L), entries(junction.gamma_R), m,
                  backend="mpmath")


def _sympy_as_mp(x, subs):
    """SymPy entries (object array) as mpmath numbers, after ``subs``, at the current precision."""
    return np.vectorize(lambda e: cf._to_mp(sp.sympify(e).subs(subs).evalf(mp.mp.dps + 10)),
                        otypes=[object])(x)


@pytest.mark.parametrize("symbolic_eigenvectors",
                         [False, pytest.param(True, marks=pytest.mark.slow)])  # True: ~15 s
def test_sympy_and_mpmath_agree_on_the_two_level_model(symbolic_eigenvectors):
    """Exact diagonal H_eff, and a symbolic hopping t (SymPy ``diagonalize``, radicals)
    evaluated at t = 1/7: the SymPy expansion equals the mpmath one at 40 digits."""
    t = sp.Symbol("t", real=True)
    hopping = t if symbolic_eigenvectors else 0
    value = {t: sp.Rational(1, 7)}
    poles = cf.pole_expansion(_exact_two_level(hopping))
    assert poles.expansion.backend == "sympy" and poles.dps is None
    with mp.workdps(40):
        ref = _mp_of_exact(_exact_two_level(value[t] if symbolic_eigenvectors else 0))
        exp = poles.expansion
        got = PoleExpansion(_sympy_as_mp(exp.poles, value), exp.family,
                            {a: _sympy_as_mp(x, value) for a, x in exp.u.items()},
                            {a: _sympy_as_mp(x, value) for a, x in exp.v.items()},
                            {key: _sympy_as_mp(x, value) for key, x in exp.couplings.items()},
                            backend="mpmath")
        assert_expansions_agree(ref, got, 1e-30)
        # the SymPy view: its traces and residues are those of the expansion
        perm = _match(list(ref.poles), list(got.poles), 1e-30)
        _close(_sympy_as_mp(np.array(poles.traces("RL"), dtype=object), value)
               [:, :, perm][:, :, :, perm], ref.traces[("R", "L")], 1e-30, "traces RL")
        w = np.array([[list(row) for row in w_p.tolist()] for w_p in poles.residues["L"]],
                     dtype=object)
        _close(_sympy_as_mp(w, value)[perm], ref.residues["L"], 1e-30, "W^L")
    assert poles.family == (-1, -1, 1, 1)


def test_closed_forms_numeric_route_is_the_mpmath_backend():
    """A numeric non-diagonal Junction goes through the mpmath backend at dps + 15 digits;
    its SymPy traces are the backend's to ``dps`` digits."""
    model = random_model(3, 2, 9, decoupled=True)
    junction = symehp.Junction(H=model.H, gamma_L=model.gamma_L, gamma_R=model.gamma_R,
                               M=list(model.M), omega=list(model.omega),
                               gamma_ph=list(model.gamma_ph))
    poles = cf.pole_expansion(junction, dps=30)
    assert poles.expansion.backend == "mpmath" and poles.dps == 30
    assert len(poles.poles) == 4 and poles.family == (-1, -1, 1, 1)
    with mp.workdps(45):
        ref = pole_expansion(model, backend="mpmath", dps=45)
        perm = _match(list(ref.poles), [mp.mpc(complex(p)) for p in poles.poles], 1e-15)
        traces = _sympy_as_mp(np.array(poles.traces("LR"), dtype=object), {})
        _close(traces[:, :, perm][:, :, :, perm], ref.traces[("L", "R")], 1e-28, "traces LR")


# ---------------------------------------------------------------- the checks can fail

def _corrupted(exp, how):
    """A copy of ``exp`` with one deliberate mistake, couplings rebuilt from u, v."""
    u = {a: x.copy() for a, x in exp.u.items()}
    v = {a: x.copy() for a, x in exp.v.items()}
    family = np.array(exp.family, dtype=float)
    n = exp.poles.size // 2
    if how == "family":
        family[0] = -family[0]
    elif how == "conjugate":             # W_{conj z} = (W_z)^T instead of (W_z)^+
        for a in u:
            u[a][:, n:] = v[a][:n].T
            v[a][n:] = u[a][:, :n].T
    m = np.vectorize(mp.mpmathify, otypes=[object])(exp.model.M)
    couplings = {(a, b): np.matmul(v[a][None] @ m, u[b][None]) for a in "LR" for b in "LR"}
    if how == "transposed":              # T = C^{ab}_{m,pq} C^{ab}_{n,pq}: wrong family of C
        couplings = {(a, b): couplings[(b, a)] for a, b in couplings}
    return PoleExpansion(exp.poles, family, u, v, couplings, exp.model, backend="mpmath")


@pytest.mark.parametrize("how", ["family", "conjugate", "transposed"])
def test_the_comparison_catches_mistakes(how):
    model = random_model(3, 2, 2)
    with mp.workdps(30):
        good = pole_expansion(model, backend="mpmath", dps=30)
        assert_expansions_agree(good, _corrupted(good, "none"), 1e-25)
        with pytest.raises(AssertionError):
            assert_expansions_agree(good, _corrupted(good, how), 1e-3)


def test_double_precision_does_not_pass_at_25_digits():
    """The 1e-25 comparison of two mpmath precisions is not vacuous."""
    model = random_model(4, 2, 3)
    with mp.workdps(30):
        precise = pole_expansion(model, backend="mpmath", dps=30)
        with pytest.raises(AssertionError):
            assert_expansions_agree(precise, pole_expansion(model), 1e-25)


def test_backend_arguments():
    model = random_model(2, 1, 0)
    assert pole_expansion(model) is pole_expansion(model, backend="numpy")
    assert pole_expansion(model, backend="mpmath", dps=25) is pole_expansion(
        model, backend="mpmath", dps=25)
    with mp.workdps(33):
        assert pole_expansion(model, backend="mpmath") is pole_expansion(model, backend="mpmath",
                                                                           dps=33)
    assert pole_expansion(model, backend="mpmath", dps=33) is not pole_expansion(
        model, backend="mpmath", dps=34)
    with pytest.raises(ParameterError, match="backend"):
        pole_expansion(model, backend="sympy")
    with pytest.raises(ParameterError, match="dps"):
        pole_expansion(model, dps=30)
    with pytest.raises(ParameterError, match="dps"):
        pole_expansion(model, backend="mpmath", dps=0)
