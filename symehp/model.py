"""The junction model: an N-level electronic region between two wide-band
electrodes, coupled linearly to K bosonic modes that are damped by an ohmic
phonon bath.

A :class:`Junction` holds SymPy matrices, so the same object serves symbolic
derivations (entries may be symbols) and numerics (all entries numbers).  The
numeric layer asks for :meth:`Junction.numeric`, which converts the matrices
once into NumPy arrays.

Conventions (``docs/conventions.md``):

* ``H`` (N x N, Hermitian) is the central-region Hamiltonian;
* ``gamma_L``, ``gamma_R`` (N x N, Hermitian, positive semi-definite) are the
  wide-band broadenings, ``Sigma^r = -i (Gamma_L + Gamma_R) / 2``;
* ``M[k]`` (N x N, Hermitian) couples mode k: ``H_es = sum M^k_ij c_i^+ c_j u_k``;
* ``omega[k] > 0`` are the mode frequencies, ``gamma_ph[k] >= 0`` the ohmic
  dampings, ``Gamma_ph(w) = 2 w diag(gamma_ph)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from .errors import ModelError

__all__ = ["Junction", "NumericJunction", "two_level"]


# ---------------------------------------------------------------- input checks

def _as_matrix(value, name):
    """Convert ``value`` (SymPy, NumPy or nested lists) to an ImmutableMatrix."""
    try:
        if isinstance(value, np.ndarray):
            if value.ndim != 2:
                raise ModelError(f"{name} must be a 2-d matrix, got an array of shape {value.shape}")
            mat = sp.ImmutableMatrix(value.tolist())
        else:
            mat = sp.ImmutableMatrix(value)
    except ModelError:
        raise
    except Exception as exc:  # sympy raises several types for ragged input
        raise ModelError(f"{name} could not be read as a matrix: {exc}") from exc
    if mat.rows != mat.cols:
        raise ModelError(f"{name} must be square, got shape {mat.shape}")
    return mat


def _non_finite(value):
    """A description of ``value`` if it is an inf or NaN number, else None.

    Catches SymPy's ``nan``, ``oo``, ``-oo`` and ``zoo`` (what NumPy's and
    Python's inf and NaN become), expressions containing them, and numbers
    that overflow double precision (e.g. ``exp(10**6)``).  Symbolic entries
    that may well be finite (``x + 1``) are not judged.
    """
    value = sp.sympify(value)
    for atom, text in ((sp.nan, "nan"), (sp.oo, "inf"), (-sp.oo, "-inf"),
                       (sp.zoo, "complex infinity")):
        if value is atom:
            return text
    if value.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
        inf = sp.Symbol("inf")
        return str(value.xreplace({sp.oo: inf, -sp.oo: -inf, sp.zoo: sp.Symbol("complex_infinity")}))
    if value.is_number:
        try:
            number = complex(value)
        except OverflowError:
            return f"{value}, which overflows double precision"
        except (TypeError, ValueError):
            return None
        if not (np.isfinite(number.real) and np.isfinite(number.imag)):
            return f"{value}, which overflows double precision"
    return None


def _check_finite_matrix(mat, name):
    """ModelError naming the first entry of ``mat`` that is inf or NaN."""
    for i in range(mat.rows):
        for j in range(mat.cols):
            what = _non_finite(mat[i, j])
            if what is not None:
                raise ModelError(f"{name}[{i}, {j}] is not finite ({what}); every entry of "
                                 f"{name} must be a finite number or a SymPy expression")
    return mat


def _check_finite_list(values, name):
    """ModelError naming the first of ``values`` (omega or gamma_ph) that is inf or NaN."""
    for k, value in enumerate(values):
        what = _non_finite(value)
        if what is not None:
            raise ModelError(f"{name}[{k}] is not finite ({what}); {name} must be finite")
    return values


def _is_zero(expr):
    """Decide ``expr == 0``: True, False, or None when SymPy cannot tell."""
    expr = sp.sympify(expr)
    if expr.is_zero is not None:
        return expr.is_zero
    simplified = sp.simplify(expr)
    return simplified.is_zero


def _check_hermitian(mat, name):
    if not mat.free_symbols:
        arr = np.array(mat.evalf(), dtype=complex)
        scale = max(1.0, float(np.abs(arr).max(initial=0.0)))
        if not np.allclose(arr, arr.conj().T, rtol=0, atol=1e-12 * scale):
            i, j = np.unravel_index(np.argmax(np.abs(arr - arr.conj().T)), arr.shape)
            raise ModelError(
                f"{name} must be Hermitian ({name} != {name}^dagger): entry ({i}, {j}) = "
                f"{arr[i, j]:.6g} is not the conjugate of entry ({j}, {i}) = {arr[j, i]:.6g}")
        return
    for i in range(mat.rows):
        for j in range(i, mat.cols):
            verdict = _is_zero(mat[i, j] - sp.conjugate(mat[j, i]))
            if verdict is False:
                raise ModelError(
                    f"{name} must be Hermitian: entry ({i}, {j}) = {mat[i, j]} is not the "
                    f"conjugate of entry ({j}, {i}) = {mat[j, i]}")
            if verdict is None:
                raise ModelError(
                    f"cannot decide whether {name} is Hermitian (entries ({i}, {j}) and ({j}, {i})); "
                    "declare its symbols real, e.g. sympy.symbols('eps1 eps2', real=True)")


def _check_psd(mat, name):
    _check_hermitian(mat, name)
    if not mat.free_symbols:
        arr = np.array(mat.evalf(), dtype=complex)
        lowest = float(np.linalg.eigvalsh(arr).min())
        scale = max(1.0, float(np.abs(arr).max(initial=0.0)))
        if lowest < -1e-12 * scale:
            raise ModelError(
                f"{name} must be positive semi-definite (a broadening), but has eigenvalue {lowest:.3g}")
        return
    verdict = mat.is_positive_semidefinite
    if verdict is False:
        raise ModelError(f"{name} must be positive semi-definite (a broadening)")
    if verdict is None:
        raise ModelError(
            f"cannot decide whether {name} is positive semi-definite; declare its symbols "
            "nonnegative, e.g. sympy.symbols('gamma1', positive=True)")


def _check_sign(value, name, *, strict):
    """Frequencies must be > 0, dampings >= 0 (decided symbolically when needed)."""
    value = sp.sympify(value)
    if not value.is_real and value.is_real is not None:
        raise ModelError(f"{name} must be real, got {value}")
    test = value.is_positive if strict else value.is_nonnegative
    what = "positive" if strict else "non-negative"
    if test is False:
        raise ModelError(f"{name} must be {what}, got {value}")
    if test is None:
        raise ModelError(
            f"cannot decide whether {name} = {value} is {what}; declare its symbols positive")
    return value


def _as_list(value, name):
    """Scalars become one-element lists; sequences and 1-d arrays are kept."""
    if isinstance(value, (str, bytes)):
        raise ModelError(f"{name} must be a number or a sequence of numbers, got a string")
    if isinstance(value, np.ndarray):
        if value.ndim > 1:
            raise ModelError(f"{name} must be a scalar or 1-d, got shape {value.shape}")
        return [sp.sympify(v) for v in np.atleast_1d(value).tolist()]
    if isinstance(value, (list, tuple)):
        return [sp.sympify(v) for v in value]
    return [sp.sympify(value)]


def _as_matrix_list(value, name):
    """One coupling matrix or a list of them."""
    if isinstance(value, np.ndarray):
        if value.ndim == 2:
            return [_as_matrix(value, f"{name}[0]")]
        if value.ndim == 3:
            if value.shape[0] == 0:
                raise ModelError(f"{name} must hold at least one coupling matrix, got shape "
                                 f"{value.shape}")
            return [_as_matrix(v, f"{name}[{k}]") for k, v in enumerate(value)]
        raise ModelError(f"{name} must be a matrix or a list of K matrices, got shape {value.shape}")
    if isinstance(value, sp.MatrixBase):
        return [_as_matrix(value, f"{name}[0]")]
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ModelError(f"{name} must hold at least one coupling matrix")
        first = value[0]
        if isinstance(first, (sp.MatrixBase, np.ndarray)) or (
                isinstance(first, (list, tuple)) and first and isinstance(first[0], (list, tuple))):
            return [_as_matrix(v, f"{name}[{k}]") for k, v in enumerate(value)]
        return [_as_matrix(value, f"{name}[0]")]
    raise ModelError(f"{name} must be a matrix or a list of K matrices, got {type(value).__name__}")


# ---------------------------------------------------------------- the model

class Junction:
    """A biased junction: N electronic levels, two wide-band leads, K modes.

    Parameters
    ----------
    H : (N, N) matrix
        Central-region Hamiltonian (Hermitian), energy units.
    gamma_L, gamma_R : (N, N) matrix
        Wide-band broadenings of the left and right electrodes (Hermitian,
        positive semi-definite), energy units.  ``Sigma^r = -i (Gamma_L + Gamma_R)/2``.
    M : (N, N) matrix or list of K of them
        Electron-boson couplings ``M^k`` (Hermitian), energy per unit of the
        mode coordinate ``u_k``.
    omega : number or sequence of K
        Mode frequencies ``Omega_k > 0``.
    gamma_ph : number or sequence of K
        Ohmic damping of each mode by the phonon bath, ``gamma_ph,k >= 0``;
        ``Gamma_ph(w) = 2 w diag(gamma_ph)``.

    Entries may be numbers (Python, NumPy) or SymPy expressions.  Symbols must
    carry assumptions that let SymPy check the model (``real=True`` for
    energies and couplings, ``positive=True`` for widths and frequencies).

    Examples
    --------
    >>> import symehp
    >>> jn = symehp.Junction(H=[[0.5, 0.1], [0.1, -0.5]], gamma_L=[[0.2, 0], [0, 0]],
    ...                      gamma_R=[[0, 0], [0, 0.2]], M=[[0, 0.1], [0.1, 0]],
    ...                      omega=1.0, gamma_ph=0.05)
    >>> jn.N, jn.K
    (2, 1)
    """

    #: the model's fields: fixed once the Junction is built (its numbers are cached)
    _FIELDS = frozenset({"H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"})

    def __init__(self, H, gamma_L, gamma_R, M, omega, gamma_ph):
        # every entry is checked to be finite as soon as it is read, before any
        # other check could trip over an inf or NaN
        self.H = _check_finite_matrix(_as_matrix(H, "H"), "H")
        n = self.H.rows
        if n == 0:
            raise ModelError(
                f"H must have at least one level (an N x N matrix with N >= 1), got shape "
                f"{self.H.shape}")
        self.gamma_L = _check_finite_matrix(_as_matrix(gamma_L, "gamma_L"), "gamma_L")
        self.gamma_R = _check_finite_matrix(_as_matrix(gamma_R, "gamma_R"), "gamma_R")
        self.M = tuple(_check_finite_matrix(m, f"M[{k}]")
                       for k, m in enumerate(_as_matrix_list(M, "M")))
        for name, mat in [("gamma_L", self.gamma_L), ("gamma_R", self.gamma_R)] + [
                (f"M[{k}]", m) for k, m in enumerate(self.M)]:
            if mat.shape != (n, n):
                raise ModelError(f"{name} has shape {mat.shape}, but H is {n} x {n}")
        _check_hermitian(self.H, "H")
        _check_psd(self.gamma_L, "gamma_L")
        _check_psd(self.gamma_R, "gamma_R")
        for k, m in enumerate(self.M):
            _check_hermitian(m, f"M[{k}]")
        k_modes = len(self.M)
        omegas = _check_finite_list(_as_list(omega, "omega"), "omega")
        dampings = _check_finite_list(_as_list(gamma_ph, "gamma_ph"), "gamma_ph")
        if len(omegas) != k_modes:
            raise ModelError(f"omega has {len(omegas)} entries but M has {k_modes} coupling matrices")
        if len(dampings) != k_modes:
            raise ModelError(f"gamma_ph has {len(dampings)} entries but M has {k_modes} coupling matrices")
        self.omega = tuple(_check_sign(w, f"omega[{k}]", strict=True) for k, w in enumerate(omegas))
        self.gamma_ph = tuple(_check_sign(g, f"gamma_ph[{k}]", strict=False)
                              for k, g in enumerate(dampings))
        self.__dict__["_built"] = True

    def __setattr__(self, name, value):
        # numeric() and free_symbols are cached: a field changed in place would make them stale
        if name in self._FIELDS and self.__dict__.get("_built"):
            raise AttributeError(
                f"Junction.{name} cannot be reassigned (the model's numbers are cached); build a "
                "new Junction, or use model.subs({...}) for symbolic entries")
        super().__setattr__(name, value)

    # -- shape and content
    @property
    def N(self):
        """Number of electronic levels in the central region."""
        return self.H.rows

    @property
    def K(self):
        """Number of bosonic modes."""
        return len(self.M)

    @property
    def gamma(self):
        """Broadenings by electrode name: ``{"L": gamma_L, "R": gamma_R}``."""
        return {"L": self.gamma_L, "R": self.gamma_R}

    @cached_property
    def free_symbols(self):
        """Symbols the model still depends on (empty for a numeric model)."""
        out = set()
        for mat in (self.H, self.gamma_L, self.gamma_R) + self.M:
            out |= mat.free_symbols
        for x in self.omega + self.gamma_ph:
            out |= x.free_symbols
        return frozenset(out)

    @property
    def is_numeric(self):
        """True when every entry is a number, so the numeric layer can use it."""
        return not self.free_symbols

    def subs(self, *args, **kwargs):
        """A new Junction with symbols replaced (same arguments as ``sympy.subs``)."""
        return Junction(
            self.H.subs(*args, **kwargs), self.gamma_L.subs(*args, **kwargs),
            self.gamma_R.subs(*args, **kwargs), [m.subs(*args, **kwargs) for m in self.M],
            [w.subs(*args, **kwargs) for w in self.omega],
            [g.subs(*args, **kwargs) for g in self.gamma_ph])

    def numeric(self):
        """The model as NumPy arrays (:class:`NumericJunction`); cached.

        The arrays are read-only (the numeric layer caches its work under a
        hash of them); to change a number, build a new :class:`Junction`.
        Raises :class:`~symehp.errors.ModelError` if symbols remain.
        """
        if self.free_symbols:
            names = ", ".join(sorted(str(s) for s in self.free_symbols))
            raise ModelError(
                f"the model still depends on symbols ({names}); give them numbers with "
                "model.subs({symbol: value, ...}) before evaluating numerically")
        if "_numeric" not in self.__dict__:
            def arr(mat):
                return np.array(mat.evalf(), dtype=complex)
            self.__dict__["_numeric"] = NumericJunction(
                H=arr(self.H), gamma_L=arr(self.gamma_L), gamma_R=arr(self.gamma_R),
                M=np.array([arr(m) for m in self.M]),
                omega=np.array([float(w) for w in self.omega]),
                gamma_ph=np.array([float(g) for g in self.gamma_ph]))
        return self.__dict__["_numeric"]

    def __repr__(self):
        kind = "numeric" if self.is_numeric else "symbolic"
        return f"<Junction: {self.N} levels, {self.K} mode(s), {kind}>"

    def _repr_latex_(self):
        parts = [r"H = " + sp.latex(self.H), r"\Gamma_L = " + sp.latex(self.gamma_L),
                 r"\Gamma_R = " + sp.latex(self.gamma_R)]
        parts += [rf"M^{{{k}}} = " + sp.latex(m) for k, m in enumerate(self.M)]
        parts += [r"\Omega = " + sp.latex(sp.Matrix([self.omega])),
                  r"\gamma_{ph} = " + sp.latex(sp.Matrix([self.gamma_ph]))]
        return "$" + r",\quad ".join(parts) + "$"


@dataclass(frozen=True, eq=False)
class NumericJunction:
    """The arrays of a numeric :class:`Junction` (complex matrices, real modes).

    The arrays are the NumericJunction's own read-only copies (made in
    ``__post_init__``, also when one is built directly), so that :attr:`key`,
    the hash under which compiled pole expansions are cached, always matches
    the numbers: ``numeric.H[0, 0] = 0.9`` raises ``ValueError`` (read-only)
    instead of silently leaving a stale cache behind.
    """

    H: np.ndarray          # shape (N, N), complex
    gamma_L: np.ndarray    # shape (N, N), complex
    gamma_R: np.ndarray    # shape (N, N), complex
    M: np.ndarray          # shape (K, N, N), complex
    omega: np.ndarray      # shape (K,), float
    gamma_ph: np.ndarray   # shape (K,), float

    def __post_init__(self):
        for name, dtype, ndim in (("H", complex, 2), ("gamma_L", complex, 2),
                                  ("gamma_R", complex, 2), ("M", complex, 3),
                                  ("omega", float, 1), ("gamma_ph", float, 1)):
            try:
                arr = np.array(getattr(self, name), dtype=dtype, copy=True)
            except (TypeError, ValueError) as exc:
                raise ModelError(f"NumericJunction.{name} could not be read as a "
                                 f"{np.dtype(dtype).name} array: {exc}") from exc
            if arr.ndim != ndim:
                raise ModelError(f"NumericJunction.{name} must be {ndim}-d, got shape {arr.shape}")
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    def __reduce__(self):
        # copies and pickles are rebuilt through __post_init__ (read-only arrays, fresh key)
        return (type(self), (self.H, self.gamma_L, self.gamma_R, self.M, self.omega,
                             self.gamma_ph))

    @property
    def N(self):
        return self.H.shape[0]

    @property
    def K(self):
        return self.M.shape[0]

    @cached_property
    def key(self):
        """A hash of every number in the model: the cache key of compiled kernels."""
        digest = hashlib.sha256()
        for a in (self.H, self.gamma_L, self.gamma_R, self.M, self.omega, self.gamma_ph):
            digest.update(np.ascontiguousarray(a).tobytes())
            digest.update(str(a.shape).encode())
        return digest.hexdigest()


# ---------------------------------------------------------------- the paper's model

def two_level(eps1=None, eps2=None, gamma1=None, gamma2=None, m=None, omega=None,
              gamma_ph=None, *, hopping=0):
    """The paper's minimal model (its Fig. 2): two levels, one mode.

    Level 1 (energy ``eps1``) couples only to electrode L with width
    ``gamma1``; level 2 (``eps2``) only to R with width ``gamma2``.  There is no
    direct hopping (unless ``hopping`` is given, an extension): electrons move
    between the levels only by emitting or absorbing a quantum of the mode,
    which couples off-diagonally, ``M = m (|1><2| + |2><1|)``.  The mode has
    frequency ``omega`` and ohmic damping ``gamma_ph``.

    Any argument left as ``None`` becomes a SymPy symbol with the right
    assumptions (``epsilon_1``, ``gamma_1``, ``m``, ``Omega``, ...), so
    ``two_level()`` is the fully symbolic model.
    """
    def sym(value, name, **assumptions):
        return sp.Symbol(name, **assumptions) if value is None else value

    eps1 = sym(eps1, "epsilon_1", real=True)
    eps2 = sym(eps2, "epsilon_2", real=True)
    gamma1 = sym(gamma1, "gamma_1", positive=True)
    gamma2 = sym(gamma2, "gamma_2", positive=True)
    m = sym(m, "m", real=True)
    omega = sym(omega, "Omega", positive=True)
    gamma_ph = sym(gamma_ph, "gamma_ph", positive=True)
    return Junction(
        H=[[eps1, hopping], [sp.conjugate(hopping), eps2]],
        gamma_L=[[gamma1, 0], [0, 0]],
        gamma_R=[[0, 0], [0, gamma2]],
        M=[[0, m], [m, 0]],
        omega=omega, gamma_ph=gamma_ph)
