"""Two bosonic modes coupled through a biased junction: Eq. (9) and Fig. 4.

Two nearly degenerate modes, omega_+/- = Omega +/- delta/2, are coupled by the
non-equilibrium electron bath.  The paper's effective dynamical matrix, Eq. (9),
kept exactly as printed::

    K(V) = [[(Omega + delta/2 + i gamma)^2,  V (a + i b Omega) + i c Omega],
            [-V (a + i b Omega) + i c Omega, (Omega - delta/2 + i gamma)^2]]

* ``a`` - non-conservative (current-induced) coupling per unit bias,
* ``b`` - effective Lorentz force per unit bias (``b = 0`` for a flat electron DOS),
* ``c`` - dissipative coupling through the baths (symmetric, ``i c Omega``),
* ``gamma`` - damping of each mode (same on both).

Units: hbar = e = k_B = 1.  The bias ``V`` (that is eV = mu_L - mu_R) is an
energy, and ``Omega``, ``delta``, ``gamma``, ``c`` and the eigen-frequencies
share that energy unit; ``a`` and ``b`` are couplings per unit bias, so
``V a`` is a squared frequency (energy^2) like the entries of ``K``.

Sign convention: Eq. (9) writes ``(Omega + i gamma)^2``, whose imaginary part
has the *opposite* sign to symehp's retarded ``D^r`` (poles at
``Omega - i gamma/2``).  We keep Eq. (9) as printed, so here a damped mode has
``Im omega > 0`` and ``Im omega < 0`` signals a mode that the current drives
to grow.

Eigen-frequencies are the principal square roots of the eigenvalues of ``K``.
An exceptional point (EP) is a zero of the discriminant ``D = (tr K)^2 - 4 det K``;
the closed form ``V_EP`` comes from :mod:`symehp.derivations.exceptional_point`.

From a junction: :func:`two_mode_dynamics` and :func:`exceptional_point` also take
``model=`` (a two-mode :class:`~symehp.Junction`) and ``T_e=`` instead of Eq. (9)'s
parameters.  Then the matrix at each bias is the model's effective dynamical matrix
(:func:`symehp.applications.eq9.effective_dynamical_matrix`, same sign convention), or
with ``reduction="eq9"`` Eq. (9) with the coefficients the model implies at that bias
(:func:`symehp.applications.eq9.eq9_coefficients`); the exceptional point is then found
numerically and compared with the closed form of the Eq. (9) reduction.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ParameterError

__all__ = ["FIG4", "TwoModeDynamics", "ExceptionalPoint", "two_mode_dynamics",
           "exceptional_point", "dynamical_matrix"]

#: Parameters of the paper's Fig. 4 (energy units; a, b per unit bias).
FIG4 = dict(Omega=1.0, delta=0.04, gamma=0.001, a=0.05, b=0.0, c=0.02)

_SIGN_NOTE = ("Eq. (9) writes (Omega + i gamma)^2: its imaginary part has the opposite "
              "sign to symehp's D^r convention; kept as printed (damped: Im omega > 0).")


# --------------------------------------------------------------------------- input
def _real_param(name, value, *, positive=False, nonnegative=False):
    """A finite real scalar, or ParameterError naming the argument."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(x):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    if positive and x <= 0:
        raise ParameterError(f"{name} must be > 0 (a mode frequency), got {x!r}")
    if nonnegative and x < 0:
        raise ParameterError(f"{name} must be >= 0 (a damping), got {x!r}")
    return x


def _params(Omega, delta, gamma, a, b, c):
    return dict(Omega=_real_param("Omega", Omega, positive=True),
                delta=_real_param("delta", delta),
                gamma=_real_param("gamma", gamma, nonnegative=True),
                a=_real_param("a", a), b=_real_param("b", b), c=_real_param("c", c))


def _bias(V):
    """V as an array (float, or complex to probe the complex EP), all finite."""
    if isinstance(V, (bool, np.bool_)):
        raise ParameterError(f"V must be a number or an array of numbers, got {V!r}")
    try:
        arr = np.asarray(V)
    except ValueError as exc:                 # ragged nested sequences
        raise ParameterError(f"V must be a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind not in "iufc":
        raise ParameterError(f"V must be numeric, got dtype {arr.dtype}")
    arr = arr if arr.dtype.kind == "c" else arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError("V must be finite (no nan/inf bias values)")
    return arr


# --------------------------------------------------------------------------- physics
def dynamical_matrix(V, *, Omega, delta, gamma, a, b, c):
    """Eq. (9) as printed, shape ``V.shape + (2, 2)``, complex."""
    p = _params(Omega, delta, gamma, a, b, c)
    return _matrix(_bias(V), **p)


def _matrix(V, Omega, delta, gamma, a, b, c):
    coupling = V * (a + 1j * b * Omega)     # bias-driven: antisymmetric part
    damping = 1j * c * Omega                # bath-mediated: symmetric part
    K = np.empty(np.shape(V) + (2, 2), dtype=complex)
    K[..., 0, 0] = (Omega + delta / 2 + 1j * gamma) ** 2
    K[..., 0, 1] = coupling + damping
    K[..., 1, 0] = -coupling + damping
    K[..., 1, 1] = (Omega - delta / 2 + 1j * gamma) ** 2
    return K


def _discriminant(V, Omega, delta, gamma, a, b, c):
    """(tr K)^2 - 4 det K = (K11 - K22)^2 + 4 K12 K21 in its closed form

    D = 4 [delta^2 (Omega + i gamma)^2 - (c Omega)^2 - V^2 (a + i b Omega)^2]

    (checked against tr^2 - 4 det in :mod:`symehp.derivations.exceptional_point`).
    Written this way there is no cancellation, and for gamma = b = 0 at real V
    Im D is exactly 0 rather than rounding noise of either sign - the sign of
    Im D picks the branch of sqrt(D), i.e. which eigenvalue is called 1 or 2.
    """
    w = a + 1j * b * Omega
    return 4 * (delta ** 2 * (Omega + 1j * gamma) ** 2 - (c * Omega) ** 2 - (V * w) ** 2)


def _eigenvector(K, lam):
    """Normalized right eigenvector of the 2 x 2 ``K`` for eigenvalue ``lam``.

    Both rows of (K - lam) v = 0 give a candidate, (K12, lam - K11) and
    (lam - K22, K21); the longer one is used.  Returns it unnormalized with its
    norm.  Only for K proportional to the identity do both vanish (norm 0):
    then every vector is an eigenvector and the caller picks a basis vector.
    """
    v_row1 = np.stack([K[..., 0, 1], lam - K[..., 0, 0]], axis=-1)
    v_row2 = np.stack([lam - K[..., 1, 1], K[..., 1, 0]], axis=-1)
    n1 = np.linalg.norm(v_row1, axis=-1)
    n2 = np.linalg.norm(v_row2, axis=-1)
    use1 = (n1 >= n2)[..., None]
    v = np.where(use1, v_row1, v_row2)
    norm = np.maximum(n1, n2)[..., None]
    return v, norm


def _eigensystem(K, D):
    """Closed-form eigenvalues (sorted) and normalized right eigenvectors of K.

    ``D`` is the discriminant of ``K``.
    """
    s = np.sqrt(D + 0j)            # principal root, Re s >= 0 (+0j turns -0.0 into +0.0)
    half_tr = (K[..., 0, 0] + K[..., 1, 1]) / 2
    # Branch 1 takes -sqrt(D), branch 2 +sqrt(D).  As Re sqrt(D) >= 0 this orders
    # the eigenvalues by real part (ties, Re sqrt(D) = 0, by imaginary part), and
    # the labels stay continuous along any real-V path on which D does not cross
    # the negative real axis - for b = 0, Im D = 8 delta^2 Omega gamma >= 0 for
    # all real V, so Fig. 4's curves never jump.  Where D does cross the negative
    # real axis (possible for a b > 0) the two Re parts touch and the labels swap:
    # that is inherent to ordering by real part.
    lam = np.stack([half_tr - s / 2, half_tr + s / 2], axis=-1)
    cols = []
    for j in range(2):
        v, norm = _eigenvector(K, lam[..., j])
        # K = const * 1 (delta = 0 and no coupling): not an EP, a plain degeneracy;
        # the basis vector e_j keeps the two columns orthogonal there.
        basis = np.zeros(v.shape, dtype=complex)
        basis[..., j] = 1.0
        cols.append(np.where(norm > 0, v / np.where(norm > 0, norm, 1.0), basis))
    vectors = np.stack(cols, axis=-1)          # columns are eigenvectors
    return lam, vectors


def _overlap(vectors):
    """|<v1|v2>| / (|v1| |v2|) of the (already normalized) columns, clipped to [0, 1].

    Where the two columns are the same vector (D = 0 exactly: one eigenvalue,
    one eigenvector) the overlap is exactly 1, free of normalization rounding.
    """
    v1, v2 = vectors[..., :, 0], vectors[..., :, 1]
    inner = np.clip(np.abs(np.sum(v1.conj() * v2, axis=-1)), 0.0, 1.0)
    return np.where(np.all(v1 == v2, axis=-1), 1.0, inner)


@dataclass(frozen=True)
class TwoModeDynamics:
    """Eq. (9) on a grid of biases.  Shapes: ``V.shape`` plus trailing axes.

    ``matrix`` (..., 2, 2): Eq. (9) as printed.  ``eigenvalues`` (..., 2):
    squared eigen-frequencies, ``(tr -/+ sqrt(D))/2`` (principal sqrt), i.e.
    sorted by real part, ties by imaginary part.  ``frequencies`` (..., 2):
    their principal square roots, same order (for Fig. 4's parameters this is
    also the order of ``Re omega``).  ``vectors`` (..., 2, 2): normalized right
    eigenvectors as columns.  ``overlap`` (...): ``|<v1|v2>|/(|v1||v2|)``, 1 at
    an exceptional point.  ``discriminant`` (...): ``(tr K)^2 - 4 det K``.
    """

    V: np.ndarray
    matrix: np.ndarray
    eigenvalues: np.ndarray
    frequencies: np.ndarray
    vectors: np.ndarray
    overlap: np.ndarray
    discriminant: np.ndarray
    params: dict = field(default_factory=dict)


_EQ9_NAMES = ("Omega", "delta", "gamma", "a", "b", "c")
_REDUCTIONS = (None, "eq9")


def _source(given, model, T_e):
    """Check that either Eq. (9)'s six parameters or a model (with T_e) were given."""
    named = {k: v for k, v in given.items() if v is not None}
    if model is not None:
        if named:
            raise ParameterError(
                "give either model= (a junction) or Eq. (9)'s parameters, not both "
                f"(got model and {', '.join(named)})")
        if T_e is None:
            raise ParameterError("model= needs the electron temperature T_e (energy units)")
        return None
    missing = [k for k in _EQ9_NAMES if k not in named]
    if missing:
        raise ParameterError(f"missing Eq. (9) parameter(s) {', '.join(missing)} "
                             "(or pass model= and T_e= for a junction)")
    if T_e is not None:
        raise ParameterError("T_e is a parameter of model=, not of Eq. (9)'s form")
    return _params(**named)


def _closed_form_dynamics(V, p):
    """Eq. (9) with the (checked or model-derived) parameters ``p`` at the biases ``V``."""
    return _eigen_result(V, _matrix(V, **p), _discriminant(V, **p), p)


def _eigen_result(V, K, D, params):
    lam, vectors = _eigensystem(K, D)
    return TwoModeDynamics(V=V, matrix=K, eigenvalues=lam, frequencies=np.sqrt(lam),
                           vectors=vectors, overlap=_overlap(vectors), discriminant=D,
                           params=params)


def two_mode_dynamics(V, *, Omega=None, delta=None, gamma=None, a=None, b=None, c=None,
                      model=None, T_e=None, frequency="adiabatic", omega_eval=None,
                      reduction=None, route="poles"):
    """Eigen-frequencies, eigenvectors and their overlap of Eq. (9) at bias ``V``.

    ``V``: bias eV = mu_L - mu_R (energy units, hbar = e = k_B = 1), any array
    shape, real - or complex, to evaluate the matrix at a complex EP bias.
    ``Omega`` (> 0) mean mode frequency, ``delta`` detuning, ``gamma`` (>= 0)
    damping, ``c`` dissipative coupling - all in the same energy unit;
    ``a``, ``b`` couplings per unit bias.  Eq. (9) writes (Omega + i gamma)^2,
    with the opposite sign of Im to symehp's D^r convention; it is kept as
    printed, so damped modes have Im omega > 0.

    Everything is closed form (trace and discriminant of the 2 x 2), so the
    coalescence at an exceptional point is smooth: where the discriminant is
    exactly 0 both eigenvectors are the same and the overlap is exactly 1.

    From a junction: ``model=`` (two modes) and ``T_e=`` (electron temperature)
    instead of the six parameters; ``V`` must then be real.  The matrix at each bias
    (``mu_L = V/2 = -mu_R``) is the model's effective dynamical matrix in Eq. (9)'s sign
    convention (:func:`symehp.applications.eq9.model_matrices`; ``frequency``
    ``"adiabatic"`` or ``"mode"``, ``omega_eval`` and ``route`` as for
    :func:`~symehp.applications.eq9.effective_dynamical_matrix`), or, with
    ``reduction="eq9"``, Eq. (9) with the coefficients of
    :func:`~symehp.applications.eq9.eq9_coefficients` at that bias.  ``params`` then
    holds ``T_e``, ``frequency``, ``reduction`` and the evaluation frequencies
    ``omega_eval`` (``V.shape``).

    Raises :class:`~symehp.errors.ParameterError` for non-finite input,
    ``Omega <= 0`` or ``gamma < 0``, both a model and Eq. (9)'s parameters, or
    neither.
    """
    p = _source(dict(Omega=Omega, delta=delta, gamma=gamma, a=a, b=b, c=c), model, T_e)
    V = _bias(V)
    if p is not None:
        return _closed_form_dynamics(V, p)
    if V.dtype.kind == "c":
        raise ParameterError("V must be real with model= (the self-energy is evaluated at "
                             "real chemical potentials mu_L = V/2 = -mu_R)")
    if reduction not in _REDUCTIONS:
        raise ParameterError(f"reduction must be None (the model's matrix) or 'eq9', got "
                             f"{reduction!r}")
    from . import eq9

    eq9._frequency(frequency)
    t = _real_param("T_e", T_e, nonnegative=True)
    if omega_eval is not None:
        omega_eval = _real_param("omega_eval", omega_eval, positive=True)
    kw = dict(T_e=t, frequency=frequency, omega_eval=omega_eval, route=route)
    if reduction is None:
        K, w_eval, _ = eq9.model_matrices(model, V, **kw)
        D = (K[..., 0, 0] - K[..., 1, 1]) ** 2 + 4 * K[..., 0, 1] * K[..., 1, 0]
    else:
        coeff = eq9.coefficient_arrays(model, V, **kw)
        q = {k: coeff[k] for k in _EQ9_NAMES}
        K, D, w_eval = _matrix(V, **q), _discriminant(V, **q), coeff["omega_eval"]
    return _eigen_result(V, K, D, dict(T_e=t, frequency=frequency, reduction=reduction,
                                       omega_eval=w_eval))


# --------------------------------------------------------------------------- EP
@functools.lru_cache(maxsize=1)
def _ep_closed_form():
    """The SymPy roots V_EP of the discriminant, lambdified once."""
    import sympy as sp

    from ..derivations import exceptional_point as ep

    args = (ep.Omega, ep.delta, ep.gamma, ep.a, ep.b, ep.c)
    # complex sqrt throughout: the radicand is negative real when c > delta, gamma = 0
    return sp.lambdify(args, list(ep.ep_bias()),
                       modules=[{"sqrt": lambda z: np.sqrt(np.asarray(z, dtype=complex))}, "numpy"])


@dataclass(frozen=True)
class ExceptionalPoint:
    """Where Eq. (9)'s discriminant vanishes, and the closest approach at real bias.

    ``V``: all complex roots V_EP (closed form, SymPy), sorted by real part.
    ``on_real_axis``: whether any root is real to rounding.  ``frequency``: the
    coalesced eigen-frequency sqrt((Omega + i gamma)^2 + delta^2/4), the same at
    every root.  ``closest``: real V in ``v_range`` maximizing the eigenvector
    overlap (scipy.optimize); ``overlap_at_closest``, ``frequencies_at_closest``,
    ``discriminant_at_closest`` there.  ``note``: what the numbers mean.

    From a junction (``exceptional_point(model=...)``): ``closest`` and the fields
    ``..._at_closest`` are the model's (its effective dynamical matrix);
    ``on_real_axis`` says whether the model's overlap reaches 1 there (to
    ``1e-9``: a coalescence at real bias), ``frequency`` is the mean of the two
    eigen-frequencies at ``closest`` (the coalesced one where they meet);
    ``reduction`` is the :class:`ExceptionalPoint` of the Eq. (9) reduction, Eq. (9)
    with the ``coefficients`` (:class:`~symehp.applications.eq9.Eq9Coefficients`)
    that the model implies at ``closest``, and ``V`` its closed-form roots.  For
    Eq. (9)'s parameters both are ``None``.
    """

    V: np.ndarray
    on_real_axis: bool
    frequency: complex
    closest: float
    overlap_at_closest: float
    frequencies_at_closest: np.ndarray
    discriminant_at_closest: complex
    v_range: tuple
    note: str
    reduction: "ExceptionalPoint | None" = None
    coefficients: object = None


#: scan points of the EP finder: Eq. (9)'s closed form, a junction (each point costs
#: self-energies)
_N_SCAN = 801
_N_SCAN_MODEL = 161
#: a junction's eigenvectors coalesce at real bias if the overlap reaches 1 to this
_COALESCED = 1e-9


def exceptional_point(*, Omega=None, delta=None, gamma=None, a=None, b=None, c=None,
                      model=None, T_e=None, frequency="adiabatic", omega_eval=None,
                      route="poles", v_range=None, n_scan=None):
    """Exceptional point(s) of Eq. (9) and the closest approach on the real bias axis.

    The exact EP biases are the roots ``+/-V_EP`` of the discriminant,
    ``V_EP = sqrt(delta^2 (Omega + i gamma)^2 - c^2 Omega^2) / (a + i b Omega)``
    (derived in :mod:`symehp.derivations.exceptional_point`), in energy units
    (hbar = e = k_B = 1).  With ``gamma != 0`` the radicand is complex, so the
    EP leaves the real axis: at physical (real) bias the eigenvectors only come
    close to coalescing, and ``closest`` is the real V of maximal overlap.
    Both are reported; neither is rounded into the other.

    The finder scans ``n_scan`` points of ``v_range`` (default: positive bias,
    ``(0, 2 max|V_EP|)``, following the paper's eV > 0) and refines the best
    one with :func:`scipy.optimize.minimize_scalar` (bounded to its neighbours).
    Eq. (9)'s ``(Omega + i gamma)^2`` is kept as printed (opposite sign of Im
    to symehp's D^r convention).

    From a junction: ``model=`` (two modes) and ``T_e=`` instead of the six
    parameters (both is a ParameterError).  The same scan and refinement run on the
    overlap of the eigenvectors of the model's effective dynamical matrix
    (``frequency``, ``omega_eval``, ``route`` as for :func:`two_mode_dynamics`), by
    default over ``(0, 2 max|V_EP|)`` of the Eq. (9) reduction at ``V = 0`` (linear
    response), ``n_scan = 161``.  The result also carries the reduction at the
    model's closest approach and its closed-form EP (``reduction``,
    ``coefficients``, ``V``; see :class:`ExceptionalPoint`).
    """
    if n_scan is None:
        n_scan = _N_SCAN if model is None else _N_SCAN_MODEL
    if isinstance(n_scan, bool) or not isinstance(n_scan, (int, np.integer)) or n_scan < 3:
        raise ParameterError(f"n_scan must be an integer >= 3, got {n_scan!r}")
    p = _source(dict(Omega=Omega, delta=delta, gamma=gamma, a=a, b=b, c=c), model, T_e)
    if p is None:
        return _model_exceptional_point(model, T_e, dict(frequency=frequency,
                                                         omega_eval=omega_eval, route=route),
                                        v_range, int(n_scan))
    return _closed_form_ep(p, v_range, n_scan)


def _closed_form_ep(p, v_range, n_scan):
    """:func:`exceptional_point` of Eq. (9) with the parameters ``p`` (a dict of floats;
    a negative ``gamma``, a driven reduction of a junction, is allowed here)."""
    roots = _ep_roots(p)
    scale = float(np.max(np.abs(roots))) if roots.size else 1.0
    v_range = _search_range(v_range, scale)
    V_best = _closest_approach(lambda v: _closed_form_dynamics(_bias(v), p).overlap, v_range,
                               n_scan)
    at = _closed_form_dynamics(_bias(V_best), p)
    on_axis = bool(np.any(np.abs(roots.imag) <= 1e-10 * max(1.0, scale)))
    return ExceptionalPoint(
        V=roots, on_real_axis=on_axis,
        frequency=complex(np.sqrt((p["Omega"] + 1j * p["gamma"]) ** 2 + p["delta"] ** 2 / 4)),
        closest=float(V_best), overlap_at_closest=float(at.overlap),
        frequencies_at_closest=at.frequencies, discriminant_at_closest=complex(at.discriminant),
        v_range=v_range, note=_note(p, roots, on_axis, float(V_best), float(at.overlap)))


def _model_exceptional_point(model, T_e, kw, v_range, n_scan):
    """:func:`exceptional_point` of a junction: scan and refine the model's overlap."""
    from .eq9 import eq9_coefficients

    t = _real_param("T_e", T_e, nonnegative=True)
    if v_range is None:
        linear = _ep_roots(eq9_coefficients(model, V=0.0, T_e=t, **kw).params)
        if not linear.size:
            raise ParameterError("the Eq. (9) reduction of this model has a = b = 0 (the bias "
                                 "does not couple the modes): pass v_range to search anyway")
        v_range = (0.0, 2.0 * float(np.max(np.abs(linear))))
    v_range = _search_range(v_range, 1.0)

    def dynamics(v):
        return two_mode_dynamics(v, model=model, T_e=t, **kw)

    V_best = float(_closest_approach(lambda v: dynamics(v).overlap, v_range, n_scan))
    at = dynamics(V_best)
    coefficients = eq9_coefficients(model, V=V_best, T_e=t, **kw)
    reduction = _closed_form_ep(coefficients.params, v_range, _N_SCAN)
    ov = float(at.overlap)
    coalesced = bool(1.0 - ov <= _COALESCED)
    roots = ", ".join(f"{v.real:.6g}{v.imag:+.3g}i" for v in reduction.V)
    note = (f"junction: closest approach at real V = {V_best:.6g}, eigenvector overlap "
            f"{ov:.8f}" + (" (coalesced)" if coalesced else "") + "; its Eq. (9) reduction "
            f"at that bias has V_EP = {roots or 'none'} and closest approach "
            f"V = {reduction.closest:.6g} (overlap {reduction.overlap_at_closest:.8f}). "
            + _SIGN_NOTE)
    return ExceptionalPoint(
        V=reduction.V, on_real_axis=coalesced, frequency=complex(np.mean(at.frequencies)),
        closest=V_best, overlap_at_closest=ov, frequencies_at_closest=at.frequencies,
        discriminant_at_closest=complex(at.discriminant), v_range=v_range, note=note,
        reduction=reduction, coefficients=coefficients)


def _ep_roots(p):
    """Closed-form roots, or an empty array if the coupling a + i b Omega vanishes."""
    if p["a"] == 0 and p["b"] == 0:
        return np.empty(0, dtype=complex)     # no bias dependence: no EP in V
    roots = np.array(_ep_closed_form()(p["Omega"], p["delta"], p["gamma"],
                                       p["a"], p["b"], p["c"]), dtype=complex)
    return np.sort_complex(roots)


def _search_range(v_range, scale):
    if v_range is None:
        return (0.0, 2.0 * scale)
    lo, hi = (_real_param("v_range", x) for x in v_range)
    if not lo < hi:
        raise ParameterError(f"v_range must be (low, high) with low < high, got {v_range!r}")
    return (lo, hi)


def _closest_approach(overlap_of, v_range, n_scan):
    """Real V of maximal eigenvector overlap ``overlap_of(V)``: coarse scan, then bounded
    Brent."""
    from scipy.optimize import minimize_scalar

    grid = np.linspace(*v_range, int(n_scan))
    i = int(np.argmax(overlap_of(grid)))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    res = minimize_scalar(lambda v: -float(overlap_of(v)),
                          bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-12 * max(1.0, abs(grid[i]))})
    # keep the scan point if the refinement did not improve on it (flat overlap)
    return res.x if -res.fun >= overlap_of(grid[i]) else grid[i]


def _note(p, roots, on_axis, V_best, ov):
    if roots.size == 0:
        return "a = b = 0: the bias does not couple the modes, there is no EP in V. " + _SIGN_NOTE
    eps = ", ".join(f"{v.real:.6g}{v.imag:+.3g}i" for v in roots)
    where = ("on the real bias axis" if on_axis else
             "off the real bias axis (gamma != 0, b != 0 or |c| > |delta| make V_EP complex); "
             "at real bias the eigenvectors only approach coalescence")
    return (f"exact EP at V = {eps}, {where}. Closest approach at real V = {V_best:.6g} "
            f"with overlap {ov:.8f}. " + _SIGN_NOTE)
