"""The junction model: an N-level electronic region between two wide-band
electrodes, coupled linearly to K bosonic modes that are damped by an ohmic
phonon bath.

A :class:`Junction` serves symbolic derivations (entries may be SymPy
expressions) and numerics (all entries numbers) alike.  The numeric layer asks
for :meth:`Junction.numeric`, the model as NumPy arrays.  Two routes build it:

* SymPy route: any SymPy object in any argument.  Every entry becomes SymPy
  and is checked symbolically (numbers in NumPy where no symbol is left);
  ``numeric()`` converts the matrices once.
* numeric route: every argument plain numbers (NumPy arrays, nested lists or
  Python / NumPy scalars, no SymPy objects).  The checks run in NumPy, the
  arrays of ``numeric()`` are made at once, and the SymPy matrices
  (``model.H`` etc.) only when something asks for them, then cached.  They are
  what the SymPy route makes of the same input, and ``numeric()`` holds the
  same numbers bit for bit.

Conventions (``docs/conventions.md``):

* ``H`` (N x N, Hermitian) is the central-region Hamiltonian;
* ``gamma_L``, ``gamma_R`` (N x N, Hermitian, positive semi-definite) are the
  wide-band broadenings, ``Sigma^r = -i (Gamma_L + Gamma_R) / 2``; or
  ``lead_L``, ``lead_R`` are leads of :mod:`symehp.leads` (energy-dependent
  self-energies ``Sigma_a(E)``, numeric models only);
* ``M[k]`` (N x N, Hermitian) couples mode k: ``H_es = sum M^k_ij c_i^+ c_j u_k``;
* ``omega[k] > 0`` are the mode frequencies, ``gamma_ph[k] >= 0`` the ohmic
  dampings, ``Gamma_ph(w) = 2 w diag(gamma_ph)``.
"""

from __future__ import annotations

import hashlib
from functools import cached_property

import numpy as np
import sympy as sp

from . import leads as _leads
from .errors import ModelError

__all__ = ["Junction", "NumericJunction", "two_level"]

#: Round-off allowed in the numeric Hermiticity and positivity checks, relative
#: to ``max(1, max_ij |A_ij|)`` (the largest entry, floored at one energy unit).
ROUND_OFF = 1e-12


# ---------------------------------------------------------------- input checks (both routes)

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
    that may well be finite (``x + 1``) are not judged.  The numeric route
    describes the entry it found non-finite with this too, so that both routes
    word the error alike.
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


def _entry_not_finite(name, i, j, what):
    return ModelError(f"{name}[{i}, {j}] is not finite ({what}); every entry of {name} must be a "
                      "finite number or a SymPy expression")


def _value_not_finite(name, k, what):
    return ModelError(f"{name}[{k}] is not finite ({what}); {name} must be finite")


def _check_finite_matrix(mat, name):
    """ModelError naming the first entry (row by row) of ``mat`` that is inf or NaN."""
    if isinstance(mat, _Numbers):
        bad = np.argwhere(~np.isfinite(mat.values))
        if bad.size:
            i, j = (int(x) for x in bad[0])
            raise _entry_not_finite(name, i, j, _non_finite(mat.entry((i, j))) or "nan")
        return mat
    for i in range(mat.rows):
        for j in range(mat.cols):
            what = _non_finite(mat[i, j])
            if what is not None:
                raise _entry_not_finite(name, i, j, what)
    return mat


def _check_finite_list(values, name):
    """ModelError naming the first of ``values`` (omega or gamma_ph) that is inf or NaN."""
    if isinstance(values, _Numbers):
        bad = np.flatnonzero(~np.isfinite(values.values))
        if bad.size:
            k = int(bad[0])
            raise _value_not_finite(name, k, _non_finite(values.entry(k)) or "nan")
        return values
    for k, value in enumerate(values):
        what = _non_finite(value)
        if what is not None:
            raise _value_not_finite(name, k, what)
    return values


def _is_zero(expr):
    """Decide ``expr == 0``: True, False, or None when SymPy cannot tell."""
    expr = sp.sympify(expr)
    if expr.is_zero is not None:
        return expr.is_zero
    simplified = sp.simplify(expr)
    return simplified.is_zero


def _numbers_of(mat):
    """The complex array of a numeric matrix (:class:`_Numbers`, or SymPy without symbols),
    else None."""
    if isinstance(mat, _Numbers):
        return mat.values
    if not mat.free_symbols:
        return np.array(mat.evalf(), dtype=complex)
    return None


def _scale(arr):
    """``max(1, max |A_ij|)``: what the round-off allowance ROUND_OFF is relative to."""
    return max(1.0, float(np.abs(arr).max(initial=0.0)))


def _check_hermitian_array(arr, name):
    """Every entry of the array ``arr``: ``|A_ij - conj(A_ji)| <= ROUND_OFF * max(1, max |A|)``."""
    asymmetry = np.abs(arr - arr.conj().T)
    if asymmetry.max(initial=0.0) > ROUND_OFF * _scale(arr):
        i, j = np.unravel_index(np.argmax(asymmetry), arr.shape)
        raise ModelError(
            f"{name} must be Hermitian ({name} != {name}^dagger): entry ({i}, {j}) = "
            f"{arr[i, j]:.6g} is not the conjugate of entry ({j}, {i}) = {arr[j, i]:.6g}")


def _check_psd_array(arr, name):
    """Lowest eigenvalue (``eigvalsh``) of the Hermitian array ``arr``
    ``>= -ROUND_OFF * max(1, max |A|)``."""
    lowest = float(np.linalg.eigvalsh(arr).min())
    if lowest < -ROUND_OFF * _scale(arr):
        raise ModelError(
            f"{name} must be positive semi-definite (a broadening), but has eigenvalue {lowest:.3g}")


def _check_hermitian(mat, name):
    arr = _numbers_of(mat)
    if arr is not None:
        _check_hermitian_array(arr, name)
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
    arr = _numbers_of(mat)
    if arr is not None:
        _check_hermitian_array(arr, name)
        _check_psd_array(arr, name)
        return
    _check_hermitian(mat, name)
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


def _check_signs(values, name, *, strict):
    """Every frequency (``strict``: > 0) or damping (>= 0) of ``values``.

    Numbers (:class:`_Numbers`) are checked in NumPy and kept; the error, if
    any, shows the value as the SymPy route does.  SymPy values are checked one
    by one with :func:`_check_sign` and returned as a tuple.
    """
    if not isinstance(values, _Numbers):
        return tuple(_check_sign(v, f"{name}[{k}]", strict=strict) for k, v in enumerate(values))
    z = values.values
    ok = (z.imag == 0) & ((z.real > 0) if strict else (z.real >= 0))
    if not ok.all():
        k = int(np.argmin(ok))
        shown = sp.sympify(values.entry(k))
        if z[k].imag != 0:
            raise ModelError(f"{name}[{k}] must be real, got {shown}")
        raise ModelError(f"{name}[{k}] must be {'positive' if strict else 'non-negative'}, "
                         f"got {shown}")
    return values


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


def _coupling_items(value, name):
    """The K coupling matrices of ``M`` (one matrix, a list of them, or a 3-d array), unread."""
    if isinstance(value, np.ndarray):
        if value.ndim == 2:
            return [value]
        if value.ndim == 3:
            if value.shape[0] == 0:
                raise ModelError(f"{name} must hold at least one coupling matrix, got shape "
                                 f"{value.shape}")
            return list(value)
        raise ModelError(f"{name} must be a matrix or a list of K matrices, got shape {value.shape}")
    if isinstance(value, sp.MatrixBase):
        return [value]
    if isinstance(value, (list, tuple)):
        if len(value) == 0:
            raise ModelError(f"{name} must hold at least one coupling matrix")
        first = value[0]
        if isinstance(first, (sp.MatrixBase, np.ndarray)) or (
                isinstance(first, (list, tuple)) and first and isinstance(first[0], (list, tuple))):
            return list(value)
        return [value]
    raise ModelError(f"{name} must be a matrix or a list of K matrices, got {type(value).__name__}")


# ---------------------------------------------------------------- plain numbers (numeric route)

def _plain_dtype(dtype):
    """Integers, and floats / complex numbers of at most double precision."""
    return dtype.kind in "iu" or (dtype.kind == "f" and dtype.itemsize <= 8) or (
        dtype.kind == "c" and dtype.itemsize <= 16)


def _plain_type(cls):
    """Python and NumPy numbers other than booleans (and NumPy's extended precision).

    Anything else (SymPy and mpmath numbers, fractions, strings, booleans) is
    left to the SymPy route, which keeps its exact value or reports it.
    """
    if issubclass(cls, np.generic):
        return _plain_dtype(np.dtype(cls))
    return issubclass(cls, (int, float, complex)) and not issubclass(cls, bool)


class _Numbers:
    """A model argument given as plain numbers, read by the numeric route.

    ``entries``: the numbers as the caller gave them (a read-only array of their
    own dtype, or an object array when a list mixes Python types; a tuple for
    omega and gamma_ph), from which the SymPy form is made on demand exactly as
    the SymPy route makes it from the input.  ``values``: the same numbers as a
    complex array, what :class:`NumericJunction` holds (signed zeros made +0.0,
    as SymPy makes them, so that both routes give the same bits).
    """

    __slots__ = ("entries", "values")

    def __init__(self, entries, values):
        self.entries = entries
        self.values = values

    @property
    def shape(self):
        return self.values.shape

    def __len__(self):
        return len(self.values)

    def entry(self, index):
        """The entry at ``index`` as the SymPy route reads it (``tolist()`` of a typed array,
        the caller's own object otherwise)."""
        x = self.entries[index]
        if isinstance(self.entries, np.ndarray) and self.entries.dtype != object:
            return x.item()
        return x


def _plain_matrix(value):
    """``value`` as :class:`_Numbers` when it is a non-empty 2-d array of plain numbers
    (NumPy array, nested lists or tuples), else None (the SymPy route reads it)."""
    if isinstance(value, np.ndarray):
        if value.ndim != 2 or value.size == 0:
            return None
        if not _plain_dtype(value.dtype):
            if value.dtype != object or not all(map(_plain_type, set(map(type, value.flat)))):
                return None
        entries = np.array(value)                   # the Junction's own copy
    elif isinstance(value, (list, tuple)):
        try:
            entries = np.array(value, dtype=object)
        except Exception:  # noqa: BLE001 - odd input of any kind: the SymPy route reports it
            return None
        if entries.ndim != 2 or entries.size == 0:
            return None
        kinds = set(map(type, entries.flat))
        if not all(map(_plain_type, kinds)):
            return None
        if kinds in ({float}, {complex}):           # compact; tolist() gives back the same numbers
            entries = entries.astype(kinds.pop())
    else:
        return None
    try:
        values = entries.astype(complex) + 0.0     # + 0.0: -0.0 becomes 0.0, as in SymPy
    except (OverflowError, TypeError, ValueError):  # e.g. an integer beyond double range
        return None
    entries.flags.writeable = False
    return _Numbers(entries, values)


def _plain_list(value):
    """omega or gamma_ph as :class:`_Numbers` when it is plain numbers (a scalar, a
    sequence, or a 0-d / 1-d array), else None (the SymPy route reads it)."""
    if isinstance(value, np.ndarray):
        if value.ndim > 1 or not (_plain_dtype(value.dtype) or value.dtype == object):
            return None
        entries = tuple(np.atleast_1d(value).tolist())
    elif isinstance(value, (list, tuple)):
        entries = tuple(value)
    else:
        entries = (value,)
    if not all(_plain_type(type(v)) for v in entries):
        return None
    try:
        values = np.array(entries, dtype=complex) + 0.0
    except (OverflowError, TypeError, ValueError):
        return None
    return _Numbers(entries, values)


def _read_matrix(value, name):
    """A square matrix argument: :class:`_Numbers` for plain numbers, else an ImmutableMatrix."""
    numbers = _plain_matrix(value)
    if numbers is None:
        return _as_matrix(value, name)
    if numbers.shape[0] != numbers.shape[1]:
        raise ModelError(f"{name} must be square, got shape {numbers.shape}")
    return numbers


def _read_list(value, name):
    """omega or gamma_ph: :class:`_Numbers` for plain numbers, else a list of SymPy values."""
    numbers = _plain_list(value)
    return _as_list(value, name) if numbers is None else numbers


def _sympy_matrix(mat):
    """The ImmutableMatrix of a matrix argument (made from the entries for :class:`_Numbers`)."""
    return sp.ImmutableMatrix(mat.entries.tolist()) if isinstance(mat, _Numbers) else mat


def _sympy_values(values):
    """omega or gamma_ph as a tuple of SymPy numbers or expressions."""
    entries = values.entries if isinstance(values, _Numbers) else values
    return tuple(sp.sympify(v) for v in entries)


# ---------------------------------------------------------------- the model

class Junction:
    """A biased junction: N electronic levels, two leads, K modes.

    Parameters
    ----------
    H : (N, N) matrix
        Central-region Hamiltonian (Hermitian), energy units.
    gamma_L, gamma_R : (N, N) matrix
        Wide-band broadenings of the left and right electrodes (Hermitian,
        positive semi-definite), energy units.  ``Sigma^r = -i (Gamma_L + Gamma_R)/2``.
        For each electrode give either ``gamma_`` or ``lead_``.
    M : (N, N) matrix, list of K of them, or (K, N, N) array
        Electron-boson couplings ``M^k`` (Hermitian), energy per unit of the
        mode coordinate ``u_k``.
    omega : number or sequence of K
        Mode frequencies ``Omega_k > 0``, energy units.
    gamma_ph : number or sequence of K
        Ohmic damping of each mode by the phonon bath, ``gamma_ph,k >= 0``
        (energy units); ``Gamma_ph(w) = 2 w diag(gamma_ph)``.
    lead_L, lead_R : lead of :mod:`symehp.leads`, keyword-only
        The electrode as a self-energy ``Sigma_a(E)`` (:func:`symehp.leads.chain`,
        :func:`symehp.leads.self_energy`, or :func:`symehp.leads.wide_band`, which is
        exactly ``gamma_``), instead of ``gamma_L`` / ``gamma_R``.
        ``G^r(E) = [E - H - Sigma_L(E) - Sigma_R(E)]^-1``, ``Gamma_a = i(Sigma_a -
        Sigma_a^dagger)``.  An energy-dependent lead needs a numeric model (no symbols);
        its model has no constant ``gamma_L`` (asking for it is a ModelError), and
        the numeric functions that support such leads (:func:`symehp.ehp_dos`,
        :func:`symehp.emission_spectrum`, :func:`symehp.transmission`) integrate
        over energy instead of using the wide-band closed forms.
    spin_degeneracy : {1, 2}, keyword-only
        Electron spin states per orbital that ``H``, ``Gamma`` and ``M`` act on
        alike: 1 (default) is the paper's spinless convention; 2 doubles every
        EHP spectrum, and with them every rate and current (each spin is an
        independent copy of the electrons, docs/conventions.md).

    Notes
    -----
    Entries may be numbers (Python, NumPy) or SymPy expressions.  Symbols must
    carry assumptions that let SymPy check the model (``real=True`` for
    energies and couplings, ``positive=True`` for widths and frequencies).

    Numbers and checks
    ------------------
    When no argument holds a SymPy object (NumPy arrays, nested lists, Python
    or NumPy scalars; booleans and extended precision excepted) the model is
    *numeric*: it is checked in NumPy and built in milliseconds even at N in
    the hundreds, :meth:`numeric` returns arrays made straight from the input,
    and the SymPy attributes (:attr:`H`, :attr:`gamma_L`, :attr:`gamma_R`,
    :attr:`M`, :attr:`omega`, :attr:`gamma_ph`) are made on first access and
    cached.  Any SymPy entry anywhere sends the whole model down the SymPy
    route (entries SymPy, symbolic checks where symbols remain).  Both routes
    raise the same :class:`~symehp.errors.ModelError` for the same fault.

    Numeric matrices (also those of a SymPy model without symbols) pass as
    Hermitian when ``|A_ij - conj(A_ji)| <= 1e-12 s`` for every entry and as
    positive semi-definite when their lowest eigenvalue (``numpy.linalg.eigvalsh``)
    is ``>= -1e-12 s``, with ``s = max(1, max_ij |A_ij|)`` in energy units:
    relative to the largest entry, floored at one energy unit (``ROUND_OFF``).
    Entries are never symmetrized: the numbers are used as given.

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
    _FIELDS = frozenset({"H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph",
                         "spin_degeneracy", "lead_L", "lead_R"})

    def __init__(self, H, gamma_L=None, gamma_R=None, M=None, omega=None, gamma_ph=None, *,
                 lead_L=None, lead_R=None, spin_degeneracy=1):
        # Each argument is read as plain numbers (_Numbers) or as SymPy, and checked in
        # the order below on either route; every entry is checked to be finite as soon
        # as it is read, before any other check could trip over an inf or NaN.
        for name, value in (("M", M), ("omega", omega), ("gamma_ph", gamma_ph)):
            if value is None:
                raise ModelError(f"{name} is required")
        # each electrode: a wide-band gamma_ (also from a wide_band lead, read exactly as
        # if given as gamma_), or an energy-dependent lead (None in place of its gamma)
        gamma_L, lead_L = _electrode(gamma_L, lead_L, "L")
        gamma_R, lead_R = _electrode(gamma_R, lead_R, "R")
        h = _check_finite_matrix(_read_matrix(H, "H"), "H")
        n = h.shape[0]
        if n == 0:
            raise ModelError(
                f"H must have at least one level (an N x N matrix with N >= 1), got shape "
                f"{h.shape}")
        g_l, g_r = (None if g is None else _check_finite_matrix(_read_matrix(g, name), name)
                    for g, name in ((gamma_L, "gamma_L"), (gamma_R, "gamma_R")))
        couplings = [_read_matrix(m, f"M[{k}]") for k, m in enumerate(_coupling_items(M, "M"))]
        couplings = [_check_finite_matrix(m, f"M[{k}]") for k, m in enumerate(couplings)]
        for name, mat in [("gamma_L", g_l), ("gamma_R", g_r)] + [
                (f"M[{k}]", m) for k, m in enumerate(couplings)]:
            if mat is not None and tuple(mat.shape) != (n, n):
                raise ModelError(f"{name} has shape {tuple(mat.shape)}, but H is {n} x {n}")
        _check_hermitian(h, "H")
        if g_l is not None:
            _check_psd(g_l, "gamma_L")
        if g_r is not None:
            _check_psd(g_r, "gamma_R")
        for k, m in enumerate(couplings):
            _check_hermitian(m, f"M[{k}]")
        k_modes = len(couplings)
        omegas = _check_finite_list(_read_list(omega, "omega"), "omega")
        dampings = _check_finite_list(_read_list(gamma_ph, "gamma_ph"), "gamma_ph")
        if len(omegas) != k_modes:
            raise ModelError(f"omega has {len(omegas)} entries but M has {k_modes} coupling matrices")
        if len(dampings) != k_modes:
            raise ModelError(f"gamma_ph has {len(dampings)} entries but M has {k_modes} coupling matrices")
        omegas = _check_signs(omegas, "omega", strict=True)
        dampings = _check_signs(dampings, "gamma_ph", strict=False)
        self.spin_degeneracy = check_spin_degeneracy(spin_degeneracy)
        leads = {"L": lead_L, "R": lead_R}
        self.__dict__["_leads"] = leads

        numbers = [x for x in (h, g_l, g_r, *couplings, omegas, dampings) if x is not None]
        if all(isinstance(x, _Numbers) for x in numbers):
            # numeric route: the arrays now, the SymPy matrices on demand (see the properties)
            h_values = h.values
        else:
            # SymPy route; an energy-dependent lead needs numbers for everything else
            h_values = None
            if any(lead is not None for lead in leads.values()):
                self.H = _sympy_matrix(h)
                for side, g in (("L", g_l), ("R", g_r)):
                    if g is not None:
                        setattr(self, f"gamma_{side}", _sympy_matrix(g))
                self.M = tuple(_sympy_matrix(m) for m in couplings)
                self.omega = _sympy_values(omegas)
                self.gamma_ph = _sympy_values(dampings)
                if self.free_symbols:
                    names = ", ".join(sorted(str(x) for x in self.free_symbols))
                    side = "L" if lead_L is not None else "R"
                    raise ModelError(
                        f"lead_{side} is energy dependent ({leads[side]!r}), which needs a "
                        f"numeric model, but the model has symbols ({names}); symbolic models "
                        "take wide-band electrodes (gamma_L, gamma_R)")
                h_values = np.array(self.H.evalf(), dtype=complex)
        # the energy-dependent leads, checked against this H (size; a user Sigma: Gamma >= 0)
        for side, lead in leads.items():
            if lead is not None:
                check = (_leads.default_check_energies(h_values)
                         if isinstance(lead, _leads.SelfEnergy) else None)
                leads[side] = lead._bound(f"lead_{side}", n, check)

        if all(isinstance(x, _Numbers) for x in numbers):
            self.__dict__["_entries"] = {
                "H": h.entries, "gamma_L": None if g_l is None else g_l.entries,
                "gamma_R": None if g_r is None else g_r.entries,
                "M": tuple(m.entries for m in couplings), "omega": omegas.entries,
                "gamma_ph": dampings.entries}
            self.__dict__["_numeric"] = NumericJunction(
                H=h.values, gamma_L=None if g_l is None else g_l.values,
                gamma_R=None if g_r is None else g_r.values,
                M=np.array([m.values for m in couplings]),
                omega=omegas.values.real, gamma_ph=dampings.values.real,
                spin_degeneracy=self.spin_degeneracy, lead_L=leads["L"], lead_R=leads["R"])
        elif "H" not in self.__dict__:
            self.H = _sympy_matrix(h)
            self.gamma_L = _sympy_matrix(g_l)
            self.gamma_R = _sympy_matrix(g_r)
            self.M = tuple(_sympy_matrix(m) for m in couplings)
            self.omega = _sympy_values(omegas)
            self.gamma_ph = _sympy_values(dampings)
        self.__dict__["_built"] = True

    def __setattr__(self, name, value):
        # numeric() and free_symbols are cached: a field changed in place would make them stale
        if name in self._FIELDS and self.__dict__.get("_built"):
            raise AttributeError(
                f"Junction.{name} cannot be reassigned (the model's numbers are cached); build a "
                "new Junction, or use model.subs({...}) for symbolic entries")
        super().__setattr__(name, value)

    @property
    def _from_numbers(self):
        """True when the model was built by the numeric route (plain numbers only)."""
        return "_entries" in self.__dict__

    # -- the fields as SymPy objects.  A model from SymPy input stores them in its
    # instance dict (which takes precedence over these); a numeric model makes
    # each one from its entries on first access, and caches it there.
    @cached_property
    def H(self):
        """Central-region Hamiltonian, an N x N SymPy ImmutableMatrix (energy units)."""
        return sp.ImmutableMatrix(self._entries["H"].tolist())

    @cached_property
    def gamma_L(self):
        """Broadening of electrode L, an N x N SymPy ImmutableMatrix (energy units).

        A :class:`~symehp.errors.ModelError` when lead L is energy dependent (its
        broadening is ``lead_L.gamma(E)``)."""
        return self._wide_band_gamma("L")

    @cached_property
    def gamma_R(self):
        """Broadening of electrode R, an N x N SymPy ImmutableMatrix (energy units).

        A :class:`~symehp.errors.ModelError` when lead R is energy dependent."""
        return self._wide_band_gamma("R")

    def _wide_band_gamma(self, side):
        lead = self.__dict__["_leads"][side]
        if lead is not None:
            raise _no_wide_band(side, lead, "Junction")
        return sp.ImmutableMatrix(self._entries[f"gamma_{side}"].tolist())

    @property
    def lead_L(self):
        """Electrode L as a lead of :mod:`symehp.leads` (a :func:`~symehp.leads.wide_band`
        lead for a ``gamma_L`` given as numbers)."""
        return self._lead("L")

    @property
    def lead_R(self):
        """Electrode R as a lead of :mod:`symehp.leads`."""
        return self._lead("R")

    def _lead(self, side):
        lead = self.__dict__["_leads"][side]
        if lead is not None:
            return lead
        if self.is_numeric:
            return self.numeric()._lead(side)
        return _leads.wide_band(getattr(self, f"gamma_{side}"))

    @property
    def energy_dependent(self):
        """True when a lead's self-energy depends on the energy (not wide band)."""
        return any(lead is not None for lead in self.__dict__["_leads"].values())

    @cached_property
    def M(self):
        """Couplings ``M^k``: a tuple of K N x N SymPy ImmutableMatrix."""
        return tuple(sp.ImmutableMatrix(m.tolist()) for m in self._entries["M"])

    @cached_property
    def omega(self):
        """Mode frequencies ``Omega_k``: a tuple of K SymPy numbers (energy units)."""
        return tuple(sp.sympify(w) for w in self._entries["omega"])

    @cached_property
    def gamma_ph(self):
        """Ohmic dampings ``gamma_ph,k``: a tuple of K SymPy numbers (energy units)."""
        return tuple(sp.sympify(g) for g in self._entries["gamma_ph"])

    # -- shape and content
    @property
    def N(self):
        """Number of electronic levels in the central region."""
        return self.__dict__["_numeric"].N if self._from_numbers else self.H.rows

    @property
    def K(self):
        """Number of bosonic modes."""
        return len(self._entries["M"]) if self._from_numbers else len(self.M)

    @property
    def gamma(self):
        """Broadenings by electrode name: ``{"L": gamma_L, "R": gamma_R}`` (SymPy)."""
        return {"L": self.gamma_L, "R": self.gamma_R}

    @cached_property
    def free_symbols(self):
        """Symbols the model still depends on (empty for a numeric model)."""
        if self._from_numbers:
            return frozenset()
        out = set()
        gammas = tuple(getattr(self, f"gamma_{side}") for side in "LR"
                       if self.__dict__["_leads"].get(side) is None)
        for mat in (self.H,) + gammas + self.M:
            out |= mat.free_symbols
        for x in self.omega + self.gamma_ph:
            out |= x.free_symbols
        return frozenset(out)

    @property
    def is_numeric(self):
        """True when every entry is a number, so the numeric layer can use it."""
        return not self.free_symbols

    def subs(self, *args, **kwargs):
        """A Junction with symbols replaced (same arguments as ``sympy.subs``).

        A model built from plain numbers has no symbols to replace: it is
        returned itself (a Junction cannot be changed, so it serves as the copy).
        """
        if self._from_numbers or self.energy_dependent:
            return self
        return Junction(
            self.H.subs(*args, **kwargs), self.gamma_L.subs(*args, **kwargs),
            self.gamma_R.subs(*args, **kwargs), [m.subs(*args, **kwargs) for m in self.M],
            [w.subs(*args, **kwargs) for w in self.omega],
            [g.subs(*args, **kwargs) for g in self.gamma_ph], spin_degeneracy=self.spin_degeneracy)

    def numeric(self):
        """The model as NumPy arrays (:class:`NumericJunction`); cached.

        For a model built from plain numbers these were made from the input
        arrays when the model was built, without SymPy.  The arrays are
        read-only (the numeric layer caches its work under a hash of them); to
        change a number, build a new :class:`Junction`.  Raises
        :class:`~symehp.errors.ModelError` if symbols remain.
        """
        if self._from_numbers:
            return self.__dict__["_numeric"]
        if self.free_symbols:
            names = ", ".join(sorted(str(s) for s in self.free_symbols))
            raise ModelError(
                f"the model still depends on symbols ({names}); give them numbers with "
                "model.subs({symbol: value, ...}) before evaluating numerically")
        if "_numeric" not in self.__dict__:
            def arr(mat):
                return np.array(mat.evalf(), dtype=complex)
            leads = self.__dict__["_leads"]
            self.__dict__["_numeric"] = NumericJunction(
                H=arr(self.H),
                gamma_L=None if leads["L"] is not None else arr(self.gamma_L),
                gamma_R=None if leads["R"] is not None else arr(self.gamma_R),
                M=np.array([arr(m) for m in self.M]),
                omega=np.array([float(w) for w in self.omega]),
                gamma_ph=np.array([float(g) for g in self.gamma_ph]),
                spin_degeneracy=self.spin_degeneracy, lead_L=leads["L"], lead_R=leads["R"])
        return self.__dict__["_numeric"]

    def __repr__(self):
        kind = "numeric" if self.is_numeric else "symbolic"
        spin = ", spin-degenerate" if self.spin_degeneracy == 2 else ""
        leads = self.__dict__["_leads"]
        lead = "".join(f", lead_{side} = {lead!r}" for side, lead in leads.items()
                       if lead is not None)
        return f"<Junction: {self.N} levels, {self.K} mode(s), {kind}{spin}{lead}>"

    def _repr_latex_(self):
        def electrode(side):
            lead = self.__dict__["_leads"][side]
            if lead is None:
                return rf"\Gamma_{side} = " + sp.latex(getattr(self, f"gamma_{side}"))
            text = repr(lead).replace("_", r"\_")
            return rf"\Sigma_{side}(E):\ \text{{{text}}}"
        parts = [r"H = " + sp.latex(self.H), electrode("L"), electrode("R")]
        parts += [rf"M^{{{k}}} = " + sp.latex(m) for k, m in enumerate(self.M)]
        parts += [r"\Omega = " + sp.latex(sp.Matrix([self.omega])),
                  r"\gamma_{ph} = " + sp.latex(sp.Matrix([self.gamma_ph]))]
        return "$" + r",\quad ".join(parts) + "$"


class NumericJunction:
    """The arrays of a numeric :class:`Junction` (complex matrices, real modes), and its leads.

    The arrays are the NumericJunction's own read-only copies (made when it is
    built, also when one is built directly), so that :attr:`key`, the hash
    under which compiled pole expansions are cached, always matches the
    numbers: ``numeric.H[0, 0] = 0.9`` raises ``ValueError`` (read-only)
    instead of silently leaving a stale cache behind.  Its attributes cannot be
    reassigned.

    Each electrode is a wide-band ``gamma_L`` / ``gamma_R`` array, or an
    energy-dependent lead ``lead_L`` / ``lead_R`` (:mod:`symehp.leads`); a
    :func:`~symehp.leads.wide_band` lead is stored as its ``gamma``, so the
    model is the same as with ``gamma_`` given (same arrays, same :attr:`key`).
    With an energy-dependent lead, ``gamma_L`` (or ``gamma_R``) raises
    :class:`~symehp.errors.ModelError`: the wide-band routes (the pole
    expansion) cannot serve the model, the energy integrals of
    :mod:`symehp.numeric.lead_spectra` can.
    """

    __slots__ = ("H", "_gamma", "M", "omega", "gamma_ph", "spin_degeneracy", "_leads",
                 "__dict__")

    def __init__(self, H, gamma_L=None, gamma_R=None, M=None, omega=None, gamma_ph=None,
                 spin_degeneracy=1, *, lead_L=None, lead_R=None):
        put = object.__setattr__
        put(self, "spin_degeneracy", check_spin_degeneracy(spin_degeneracy))
        gammas, leads = {}, {}
        for side, gamma, lead in (("L", gamma_L, lead_L), ("R", gamma_R, lead_R)):
            gamma, lead = _electrode(gamma, lead, side, owner="NumericJunction.")
            if isinstance(gamma, _leads.WideBand):
                gamma = gamma.matrix
            gammas[side], leads[side] = gamma, lead
        arrays = {"H": H, "gamma_L": gammas["L"], "gamma_R": gammas["R"], "M": M,
                  "omega": omega, "gamma_ph": gamma_ph}
        for name, dtype, ndim in (("H", complex, 2), ("gamma_L", complex, 2),
                                  ("gamma_R", complex, 2), ("M", complex, 3),
                                  ("omega", float, 1), ("gamma_ph", float, 1)):
            value = arrays[name]
            if value is None:
                if name.startswith("gamma_"):
                    continue                                   # an energy-dependent lead
                raise ModelError(f"NumericJunction.{name} is required")
            try:
                arr = np.array(value, dtype=dtype, copy=True)
            except (TypeError, ValueError) as exc:
                raise ModelError(f"NumericJunction.{name} could not be read as a "
                                 f"{np.dtype(dtype).name} array: {exc}") from exc
            if arr.ndim != ndim:
                raise ModelError(f"NumericJunction.{name} must be {ndim}-d, got shape {arr.shape}")
            arr.flags.writeable = False
            arrays[name] = arr
        n = arrays["H"].shape[0]
        for side, lead in leads.items():
            if lead is not None and lead.N is not None and lead.N != n:
                raise ModelError(f"NumericJunction.lead_{side} couples {lead.N} orbitals, but H "
                                 f"is {n} x {n}")
        for name in ("H", "M", "omega", "gamma_ph"):
            put(self, name, arrays[name])
        put(self, "_gamma", {"L": arrays["gamma_L"], "R": arrays["gamma_R"]})
        put(self, "_leads", leads)

    def __setattr__(self, name, value):
        raise AttributeError(f"NumericJunction.{name} cannot be assigned (the model's numbers "
                             "are cached under its key); build a new one")

    def __delattr__(self, name):
        raise AttributeError(f"NumericJunction.{name} cannot be deleted")

    @property
    def gamma_L(self):
        """Wide-band broadening of electrode L, (N, N) complex (read-only); a ModelError
        when lead L is energy dependent."""
        return self._wide_band_gamma("L")

    @property
    def gamma_R(self):
        """Wide-band broadening of electrode R, (N, N) complex (read-only); a ModelError
        when lead R is energy dependent."""
        return self._wide_band_gamma("R")

    def _wide_band_gamma(self, side):
        gamma = self._gamma[side]
        if gamma is None:
            raise _no_wide_band(side, self._leads[side], "NumericJunction")
        return gamma

    @property
    def lead_L(self):
        """Electrode L as a lead (:mod:`symehp.leads`); a wide-band lead for a ``gamma_L``."""
        return self._lead("L")

    @property
    def lead_R(self):
        """Electrode R as a lead (:mod:`symehp.leads`); a wide-band lead for a ``gamma_R``."""
        return self._lead("R")

    def _lead(self, side):
        lead = self._leads[side]
        if lead is not None:
            return lead
        cache = self.__dict__.setdefault("_wide_leads", {})
        if side not in cache:
            cache[side] = _leads.wide_band(self._gamma[side])
        return cache[side]

    @property
    def energy_dependent(self):
        """True when a lead's self-energy depends on the energy (not wide band)."""
        return any(lead is not None for lead in self._leads.values())

    def __reduce__(self):
        # copies and pickles are rebuilt through __init__ (read-only arrays, fresh key)
        return (_rebuild_numeric, (self.H, self._gamma["L"], self._gamma["R"], self.M,
                                   self.omega, self.gamma_ph, self.spin_degeneracy,
                                   self._leads["L"], self._leads["R"]))

    def __repr__(self):
        def electrode(side):
            lead = self._leads[side]
            if lead is None:
                return f"gamma_{side}={self._gamma[side]!r}"
            return f"lead_{side}={lead!r}"
        return (f"NumericJunction(H={self.H!r}, {electrode('L')}, {electrode('R')}, M={self.M!r}, "
                f"omega={self.omega!r}, gamma_ph={self.gamma_ph!r}, "
                f"spin_degeneracy={self.spin_degeneracy})")

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
        parts = (self.H, self._gamma["L"], self._gamma["R"], self.M, self.omega, self.gamma_ph)
        for side, a in zip((None, "L", "R", None, None, None), parts):
            if a is None:                       # an energy-dependent lead: its own hash
                digest.update(f"lead {side} {self._leads[side].key}".encode())
                continue
            digest.update(np.ascontiguousarray(a).tobytes())
            digest.update(str(a.shape).encode())
        digest.update(f"spin {self.spin_degeneracy}".encode())
        return digest.hexdigest()


def _rebuild_numeric(H, gamma_L, gamma_R, M, omega, gamma_ph, spin, lead_L, lead_R):
    return NumericJunction(H, gamma_L, gamma_R, M, omega, gamma_ph, spin,
                           lead_L=lead_L, lead_R=lead_R)


def _electrode(gamma, lead, side, owner=""):
    """``(gamma, lead)`` of one electrode: exactly one of ``gamma_`` and ``lead_`` given;
    a wide-band lead becomes its ``gamma`` (as its caller gave it), an energy-dependent
    one stays a lead (with ``gamma = None``)."""
    if gamma is not None and lead is not None:
        raise ModelError(f"{owner}gamma_{side} and {owner}lead_{side} are both given: give "
                         f"either the wide-band broadening gamma_{side} or the lead lead_{side}")
    if lead is None:
        if gamma is None:
            raise ModelError(f"{owner}gamma_{side} (a wide-band broadening) or {owner}lead_{side} "
                             f"(a lead of symehp.leads) is required")
        return gamma, None
    if not isinstance(lead, _leads.Lead):
        raise ModelError(f"{owner}lead_{side} must be a lead of symehp.leads (wide_band, chain, "
                         f"self_energy), got {type(lead).__name__}; a constant broadening "
                         f"matrix goes in gamma_{side}")
    if not lead.energy_dependent:
        return (lead if owner else lead.given), None
    return None, lead


def _no_wide_band(side, lead, owner):
    return ModelError(
        f"{owner}.gamma_{side}: lead {side} is energy dependent ({lead!r}) and has no constant "
        f"broadening (its Gamma(E) is lead_{side}.gamma(E)); the wide-band routes cannot use "
        "this model: symehp.ehp_dos, symehp.emission_spectrum and symehp.transmission support "
        "energy-dependent leads")


def check_spin_degeneracy(value):
    """``value`` as the int 1 or 2, or a :class:`~symehp.errors.ModelError`."""
    if isinstance(value, (bool, np.bool_)) or value not in (1, 2) or \
            not isinstance(value, (int, np.integer, float, np.floating)):
        raise ModelError(f"spin_degeneracy must be 1 (spinless, the paper's convention) or 2 "
                         f"(spin-degenerate), got {value!r}")
    return int(value)


# ---------------------------------------------------------------- the paper's model

def __getattr__(name):
    # the ready-made models live in symehp.models (which imports this module):
    # ``symehp.model.two_level`` is that function, loaded on first use
    if name == "two_level":
        from .models import two_level
        return two_level
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
