"""A Junction from sisl: a device ``sisl.Hamiltonian`` and sisl electrode self-energies.

sisl (https://zerothi.github.io/sisl) describes a tight-binding or SIESTA device by
a ``sisl.Hamiltonian`` and each semi-infinite electrode by a self-energy object
(``sisl.RecursiveSI``, the Lopez-Sancho decimation of a bulk electrode
Hamiltonian; ``sisl.WideBandSE``; ``sisl.RealSpaceSE`` / ``sisl.RealSpaceSI``).
:func:`junction` turns them into a :class:`~symehp.Junction`; :func:`electrode`
turns one electrode into a lead of :mod:`symehp.leads`.  The extra ``sisl``
(``pip install "symehp[sisl]"``) installs sisl; it is imported only when one of
these functions is called.

Embedding
---------
A sisl self-energy ``Sigma_e(E)`` is an ``r x r`` matrix on the orbitals of the
electrode's principal cell, the cell of the semi-infinite crystal next to the
rest of it.  Those orbitals are given as device orbitals ``orbitals`` (in the
order of the electrode's orbitals): the device region contains that cell (as in
TranSIESTA / TBtrans), or equivalently the device orbital ``orbitals[i]`` couples
to the rest of the electrode as the electrode's orbital ``i`` does.  The lead is

    ``Sigma(E) = P Sigma_e(E) P^T``,   ``P = I[:, orbitals]`` (N x r),

and ``Gamma = i (Sigma - Sigma^dagger) = P Gamma_e P^T``.  sisl's broadening
(``SelfEnergy.se2broadening``, ``broadening_matrix``) is the same
``i (Sigma - Sigma^dagger)``: no factor or sign is changed on the way.
For a chain electrode (one orbital per cell, onsite ``e0``, hopping ``t``) attached
to device orbital ``j`` this is exactly ``leads.chain(t, e0, coupling=v)`` with
``v = t e_j`` (``Sigma_jj = t^2 g_s``).  Energies are those of the sisl objects
(eV for SIESTA); the Junction is unit-free (``symehp.units`` converts).

The retarded branch
-------------------
symehp's ``Sigma^r(E)`` is the limit ``eta -> 0+`` of ``Sigma(E + i eta)`` on the
real axis.  sisl's ``self_energy(E)`` adds the object's own ``eta`` (default
``1e-4``) to a real ``E``, which broadens every level by about ``eta`` and gives
``Gamma ~ eta`` outside the electrode's bands.  Taking ``eta`` tiny instead does
not work: at ``eta = 0`` the Lopez-Sancho decimation of :class:`sisl.RecursiveSI`
never converges inside a band (it loops), and at small ``eta`` it loses accuracy
near the levels of the principal cell (``E - H0`` nearly singular): for a chain
with ``eta = 1e-12`` it returns ``Sigma(0) = -6e-15 i`` instead of ``-i t``, and
errors of ``1e-4`` within ``1e-6`` of the onsite energy even at ``eta = 1e-6``
(measured with sisl 0.20).  So:

* ``sisl.RecursiveSI`` (any ``sisl.SemiInfinite``): sisl's value at
  ``E + i eta0`` (``eta0 = ETA0 max(1, bandwidth)``, where the decimation is
  accurate) starts Newton's method on the equation sisl's recursion solves,
  ``Sigma = V [z - H0 - Sigma]^-1 V^dagger`` (``H0 = se.spgeom0.Pk(k)``, ``V =
  se.spgeom1.Pk(k)``, the coupling to the next cell towards the semi-infinite
  side), followed by continuation ``z = E + i eta`` with ``eta`` falling by 10^3
  per step to ``eta = 0`` exactly (default) or to a given ``eta``: the root
  followed is the retarded one, found to rounding (each Newton step solves the
  linearized equation ``dS - X dS Y = -F`` by complex Schur forms).  A step that
  does not converge (at a band edge exactly, where two roots meet) or whose
  ``Gamma`` is not positive semi-definite is not taken: the previous ``eta``'s
  value is kept (``sqrt(eta)`` off at the edge).  The bulk bands ``E_n(k)`` along
  the semi-infinite direction (at the transverse ``k``) are computed once
  (:func:`bulk_bands`); outside every band ``Sigma`` is Hermitian (evanescent
  modes only) and its Hermitian part is taken there, so ``Gamma = 0`` exactly, as
  for :func:`symehp.leads.chain` (a bound state stays a bound state, with no
  spectral weight).  The band extrema are the lead's ``band_edges``
  (breakpoints of the quadratures), their hull its support.  The values are
  tabulated once, piecewise Chebyshev between consecutive extrema in variables
  that make the square-root edges analytic (:class:`_Piece`, tail below
  ``TABLE_RTOL``), out to ``TABLE_REACH`` bandwidths beyond the bands (farther
  energies one by one): a quadrature node costs microseconds, not a decimation.
  Against :func:`symehp.leads.chain` the result agrees to ``1e-13`` (``1e-11``
  within ``1e-10`` of a band edge, ``sqrt(eps)`` at the edge itself, where two
  roots meet and the edge is known to an ulp).
* ``sisl.WideBandSE``: ``Sigma = -i pi eta S`` (sisl's definition; ``S`` the
  overlap, the identity for an orthogonal basis) is constant: the lead is
  :func:`symehp.leads.wide_band` with ``Gamma = 2 pi eta S`` embedded (the exact
  wide-band closed forms).
* any other ``sisl.SelfEnergy`` (``RealSpaceSE``, ``RealSpaceSI``, or a subclass
  of the user's): evaluated at ``E + i eta`` with the object's own ``eta`` by
  default (a real-space self-energy is a k-sum that needs a finite ``eta``); no
  band edges unless given, no projection.

Spin
----
symehp's ``spin_degeneracy=2`` means two spin states that see the same ``H``,
``Sigma`` and ``M``.  By the kind of the sisl Hamiltonian (``H.spin``):

* unpolarized: one matrix for both spins; ``spin_degeneracy=2`` by default
  (every rate and current counts both spins; ``spin_degeneracy=1`` gives the
  paper's spinless model of the same matrices);
* polarized (collinear): two different matrices, two independent Junctions;
  ``spin=0`` (up) or ``1`` (down) selects one, with ``spin_degeneracy=1``; the
  totals are the sums over the two spins;
* non-collinear or spin-orbit: one spinor Hamiltonian of ``2 no`` rows (sisl's
  order: orbital ``i`` up, ``i`` down, i.e. rows ``2i, 2i + 1``);
  ``spin_degeneracy=1``.  ``orbitals`` are still orbital indices (each becomes its
  two spinor rows); ``M`` may be given per orbital (``no x no``, spin-independent,
  taken as ``M (x) 1_2``) or per spinor row (``2no x 2no``).

The electrode must be of the device's spin kind (checked where sisl says).
Non-orthogonal bases (SIESTA's, with an overlap ``S``) are refused: symehp's
Green's functions are ``[E - H - Sigma]^-1``.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import numpy as np

from ..errors import ModelError, ParameterError
from .. import leads as _leads

__all__ = ["SislElectrode", "BulkBands", "bulk_bands", "device_hamiltonian", "electrode", "junction"]

#: ``eta`` (relative to ``max(1, bandwidth)``) at which sisl's decimation starts the
#: continuation to the real axis of a ``sisl.SemiInfinite`` electrode
ETA0 = 1e-2

#: factor by which ``eta`` falls per continuation step
ETA_STEP = 1e-3

#: Newton iterations allowed per continuation step
NEWTON_ITERATIONS = 40

#: k points per band-structure scan of :func:`bulk_bands` (before the extrema are polished)
BAND_SAMPLES = 97

#: Chebyshev nodes per panel of an electrode's tables
TABLE_NODES = 24

#: the tables' tolerance: the Chebyshev tail relative to the panel's largest value
#: (a few times the rounding of the values from Newton's method)
TABLE_RTOL = 1e-13

#: how far beyond the outermost band extrema the tables reach, relative to
#: ``max(1, bandwidth)`` (farther energies are evaluated one by one)
TABLE_REACH = 8.0

#: memory allowed to each electrode's cache of evaluated self-energies (bytes)
CACHE_BYTES = 32 * 2**20

_EXTRA = ('symehp.interop.sisl needs sisl (the optional extra "sisl": '
          'pip install "symehp[sisl]")')


def _sisl():
    """The sisl module, or an ImportError naming the extra."""
    try:
        import sisl
    except ImportError as exc:
        raise ImportError(f"{_EXTRA}: {exc}") from exc
    return sisl


# ---------------------------------------------------------------- spin and the device

class _Spin:
    """How a sisl spin configuration maps onto symehp (see the module notes)."""

    def __init__(self, spin, kind_name, selected, spinor):
        self.sisl_spin = spin
        self.kind = kind_name          # "unpolarized", "polarized", "non-collinear", ...
        self.selected = selected       # the spin component of a polarized H, else None
        self.spinor = spinor           # rows per orbital: 1, or 2 (non-collinear, spin-orbit)

    @property
    def kwargs(self):
        """The keyword sisl's ``Pk``/``Hk``/``self_energy`` take for this spin."""
        return {} if self.selected is None else {"spin": self.selected}

    def expand(self, orbitals):
        """Orbital indices -> the rows of the matrices (spinor rows ``2i, 2i + 1``)."""
        orbitals = np.asarray(orbitals, dtype=np.intp)
        if self.spinor == 1:
            return orbitals
        return (self.spinor * orbitals[:, None] + np.arange(self.spinor)).ravel()


def _spin_of(H, spin, name="H"):
    """The :class:`_Spin` of the sisl object ``H`` with the user's ``spin`` choice."""
    s = H.spin
    if getattr(s, "is_nambu", False):
        raise ModelError(f"{name}: a Nambu (superconducting) sisl Hamiltonian is not supported")
    if s.is_unpolarized:
        if spin is not None:
            raise ParameterError(f"spin={spin!r}: {name} is unpolarized (one matrix for both "
                                 "spins); leave spin=None")
        return _Spin(s, "unpolarized", None, 1)
    if s.is_polarized:
        choice = {"up": 0, "down": 1}.get(spin, spin)
        if isinstance(choice, (bool, np.bool_)) or choice not in (0, 1):
            raise ParameterError(
                f"spin={spin!r}: {name} is spin polarized (collinear: a matrix per spin); "
                "choose spin=0 (up) or spin=1 (down): each spin is its own Junction, and the "
                "totals are the sums over both")
        return _Spin(s, "polarized", int(choice), 1)
    if spin is not None:
        raise ParameterError(f"spin={spin!r}: {name} is {_kind_name(s)} (spinor matrices hold "
                             "both spins); leave spin=None")
    return _Spin(s, _kind_name(s), None, 2)


def _kind_name(s):
    return "spin-orbit" if s.is_spinorbit else "non-collinear"


def _kpoint(k):
    try:
        arr = np.array(k, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"k must be 3 real numbers (reduced coordinates), got {k!r}") \
            from exc
    if arr.shape != (3,) or not np.all(np.isfinite(arr)):
        raise ParameterError(f"k must be 3 finite real numbers (reduced coordinates), got {k!r}")
    return arr


def _check_hamiltonian(H, name="H"):
    sisl = _sisl()
    if not isinstance(H, sisl.Hamiltonian):
        raise ModelError(f"{name} must be a sisl.Hamiltonian (of the device), got "
                         f"{type(H).__module__}.{type(H).__name__}")
    if not H.orthogonal:
        raise ModelError(f"{name} has a non-orthogonal basis (an overlap matrix S): symehp's "
                         "Green's functions are [E - H - Sigma]^-1 in an orthogonal basis; "
                         "orthogonalize first (e.g. Loewdin, S^-1/2 H S^-1/2)")


def device_hamiltonian(H, *, k=(0.0, 0.0, 0.0), spin=None):
    """The device's Hamiltonian matrix ``H(k)`` (N x N, complex) for symehp.

    Parameters
    ----------
    H : sisl.Hamiltonian
        The device (orthogonal basis).  Periodic images (``nsc > 1``) are folded in
        with the Bloch phase of ``k``: give ``nsc = 1`` along the transport direction.
    k : 3 floats
        Transverse k point, reduced coordinates (default Gamma).
    spin : {None, 0, 1, "up", "down"}
        For a polarized Hamiltonian the spin component (required); otherwise None.

    Returns
    -------
    ndarray
        Shape ``(N, N)``, complex; ``N`` is the number of orbitals, twice that for non-collinear and
        spin-orbit Hamiltonians (spinor rows ``2i, 2i + 1``).  Energy units of ``H``.
    """
    _check_hamiltonian(H)
    spin_info = _spin_of(H, spin)
    return _hk(H, _kpoint(k), spin_info)


def _hk(H, k, spin_info):
    mat = np.asarray(H.Hk(k=k, dtype=np.complex128, format="array", **spin_info.kwargs))
    if not np.all(np.isfinite(mat)):
        raise ModelError("H: the sisl Hamiltonian has entries that are not finite")
    return mat


# ---------------------------------------------------------------- the bulk bands

class BulkBands(NamedTuple):
    """Bands of an electrode (:func:`bulk_bands`)."""

    #: ``(n_bands, 2)``: lowest and highest energy of each band
    ranges: np.ndarray
    #: every local band extremum (sorted): the band edges and van Hove points
    extrema: np.ndarray


def bulk_bands(se, *, k=(0.0, 0.0, 0.0), spin=None, samples=None):
    """Band ranges of a ``sisl.SemiInfinite`` electrode along its semi-infinite direction.

    The bulk Hamiltonian of the electrode at ``k`` with the semi-infinite component
    ``theta`` (reduced) is ``H0 + H1(theta) + H1(theta)^dagger``, ``H0`` the
    principal cell (``se.spgeom0``) and ``H1`` its coupling to the next cell
    (``se.spgeom1``).  Its eigenvalues are scanned over ``theta`` on ``samples``
    points of one period and each band's lowest and highest values are polished
    (bounded scalar minimization, ``theta`` to ``1e-12``, so the energies are
    accurate to rounding at a smooth extremum).

    Parameters
    ----------
    se : sisl.RecursiveSI (or another sisl.SemiInfinite)
    k : 3 floats
        The transverse k point (reduced; its semi-infinite component is ignored).
    spin : {None, 0, 1}
        The spin component of a polarized electrode.
    samples : int, optional
        Points of the scan (default :data:`BAND_SAMPLES`).

    Returns
    -------
    BulkBands
        ``ranges``: ``(n_bands, 2)``, the ``[lowest, highest]`` energy of each band
        (sorted eigenvalue index), ``Gamma(E) = 0`` outside their union;
        ``extrema``: every local extremum of every band (sorted; van Hove points,
        where ``Sigma`` has square-root branch points), including the ranges' ends.
        Energy units of the electrode.
    """
    from scipy.optimize import minimize_scalar

    sisl = _sisl()
    if not isinstance(se, sisl.physics.SemiInfinite):
        raise ModelError(f"bulk_bands: se must be a sisl.SemiInfinite self-energy (e.g. "
                         f"sisl.RecursiveSI), got {type(se).__name__}")
    k = _kpoint(k)
    kw = {} if spin is None else {"spin": spin}
    sp0, sp1, axis = se.spgeom0, se.spgeom1, se.semi_inf

    def hk(theta):
        kk = k.copy()
        kk[axis] = theta
        h0 = np.asarray(sp0.Pk(kk, dtype=np.complex128, format="array", **kw))
        h1 = np.asarray(sp1.Pk(kk, dtype=np.complex128, format="array", **kw))
        return h0 + h1 + np.conj(h1.T)

    n = int(samples or BAND_SAMPLES)
    thetas = np.linspace(-0.5, 0.5, n, endpoint=False)                   # one period
    values = np.array([np.linalg.eigvalsh(hk(t)) for t in thetas])      # (n, bands)
    step = thetas[1] - thetas[0]
    ranges = np.empty((values.shape[1], 2))
    extrema = []
    for band in range(values.shape[1]):
        lo, hi = values[:, band].min(), values[:, band].max()
        for sign in (1.0, -1.0):
            curve = sign * values[:, band]
            before, after = np.roll(curve, 1), np.roll(curve, -1)
            for i in np.flatnonzero((curve <= before) & (curve < after)):
                res = minimize_scalar(lambda t: sign * np.linalg.eigvalsh(hk(t))[band],
                                      bounds=(thetas[i] - step, thetas[i] + step),
                                      method="bounded", options={"xatol": 1e-12})
                best = sign * (min(curve[i], float(res.fun)) if np.isfinite(res.fun)
                               else curve[i])
                extrema.append(best)
                lo, hi = min(lo, best), max(hi, best)
        ranges[band] = lo, hi
    return BulkBands(ranges, np.unique(np.array(extrema + list(ranges.ravel()))))


def _stein(X, Y, C):
    """Solve ``D - X D Y = C`` (r x r, complex) by the complex Schur forms of X and Y.

    With ``X = U Tx U^+``, ``Y = V Ty V^+`` (upper triangular ``Tx``, ``Ty``) the
    columns of ``D' = U^+ D V`` follow one by one from
    ``(1 - Ty_jj Tx) D'_j = C'_j + Tx sum_{k<j} D'_k Ty_kj`` (triangular solves).
    Returns None where ``1 - x_i y_j`` vanishes (a double root: a band edge)."""
    from scipy.linalg import schur, solve_triangular

    if X.shape == (1, 1):
        den = 1.0 - X[0, 0] * Y[0, 0]
        return None if abs(den) <= 1e-14 else C / den
    tx, u = schur(X, output="complex")
    ty, v = schur(Y, output="complex")
    c = np.conj(u.T) @ C @ v
    r = c.shape[0]
    d = np.zeros_like(c)
    eye = np.eye(r)
    for j in range(r):
        rhs = c[:, j] + tx @ (d[:, :j] @ ty[:j, j])
        mat = eye - ty[j, j] * tx
        if np.min(np.abs(np.diag(mat))) <= 1e-14:
            return None
        d[:, j] = solve_triangular(mat, rhs)
    return u @ d @ np.conj(v.T)


def _newton(sigma, z, h0, v):
    """The root of ``F(S) = S - V [z - H0 - S]^-1 V^+`` nearest ``sigma``, by Newton's method.

    ``dF[dS] = dS - X dS Y`` with ``X = V G``, ``Y = G V^+``, ``G = [z - H0 - S]^-1``.
    Returns None if it does not converge in :data:`NEWTON_ITERATIONS` steps to a
    residual of 64 ulps of the scale, or if the root is not the retarded one:
    ``Gamma`` not positive semi-definite (within ``1e-12`` of the scale), or a
    Bloch factor of the modes it selects (the eigenvalues of ``G V^+``) outside
    the unit circle (by more than ``1e-6``: a growing wave)."""
    r = h0.shape[0]
    vd = np.conj(v.T)
    scale = max(1.0, float(np.max(np.abs(v))) ** 2, float(np.max(np.abs(sigma))))
    tol = 64 * np.finfo(float).eps * scale
    eye = np.eye(r)
    s = np.array(sigma, dtype=complex)
    converged = False
    for _ in range(NEWTON_ITERATIONS):
        try:
            g = np.linalg.inv(z * eye - h0 - s)
        except np.linalg.LinAlgError:
            return None
        f = s - v @ g @ vd
        if not np.all(np.isfinite(f)):
            return None
        if np.max(np.abs(f)) <= tol:
            if converged:                   # one more step taken after tol: polished
                break
            converged = True
        step = _stein(v @ g, g @ vd, -f)
        if step is None or not np.all(np.isfinite(step)):
            return None
        s = s + step
    if not converged:
        return None
    gamma = 1j * (s - np.conj(s.T))
    if np.linalg.eigvalsh(0.5 * (gamma + np.conj(gamma.T)))[0] < -1e-12 * scale:
        return None
    if np.max(np.abs(np.linalg.eigvals(g @ vd))) > 1.0 + 1e-6:
        return None
    return s


def _merge(ranges):
    """Union of intervals, as a sorted list of disjoint (lo, hi)."""
    merged = []
    for lo, hi in sorted((float(a), float(b)) for a, b in ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(a, b) for a, b in merged]


# ---------------------------------------------------------------- the lead

def _orbital_indices(orbitals, n_orbitals, name):
    """Checked device orbital indices (1-d, integers, unique, in range)."""
    if isinstance(orbitals, (str, bytes)) or orbitals is None:
        raise ModelError(f"{name}: orbitals must be a sequence of device orbital indices, got "
                         f"{orbitals!r}")
    arr = np.asarray(orbitals)
    if arr.dtype == bool or (arr.size and arr.dtype.kind not in "iu"):
        raise ModelError(f"{name}: orbitals must be integer device orbital indices, got "
                         f"{orbitals!r}")
    if arr.ndim != 1 or arr.size == 0:
        raise ModelError(f"{name}: orbitals must be a non-empty 1-d sequence of device "
                         f"orbital indices, got shape {arr.shape}")
    bad = arr[(arr < 0) | (arr >= n_orbitals)]
    if bad.size:
        raise ModelError(f"{name}: orbital index {int(bad[0])} is out of range: the device "
                         f"has {n_orbitals} orbitals (0 to {n_orbitals - 1})")
    if np.unique(arr).size != arr.size:
        vals, counts = np.unique(arr, return_counts=True)
        raise ModelError(f"{name}: orbital {int(vals[counts > 1][0])} is given twice")
    return arr.astype(np.intp)


class _Piece:
    """A piecewise-Chebyshev table of ``f(E)`` (r x r) on one interval between band extrema.

    ``kind="band"``: ``[lo, hi]`` with ``E = c + h sin(pi u / 2)``, ``u in [-1, 1]``
    (``c``, ``h`` the centre and half width), so that ``sqrt(E - lo)`` and
    ``sqrt(hi - E)`` (the square-root branch points of ``Sigma`` at band extrema)
    are analytic in ``u``; ``kind="above"``/``"below"``: ``[e, e + D]`` /
    ``[e - D, e]`` with ``E = e +- D ((1 + u)/2)^2``.  Panels in ``u`` of
    :data:`TABLE_NODES` Chebyshev points (first kind, no endpoint) are bisected
    until the last three Chebyshev coefficients are below :data:`TABLE_RTOL` of
    the largest ``|f|`` of the panel; values between nodes are barycentric
    interpolation."""

    def __init__(self, f, lo, hi, kind):
        self.f, self.lo, self.hi, self.kind = f, float(lo), float(hi), kind
        n = TABLE_NODES
        j = np.arange(n)
        self._x = np.cos((2 * j + 1) * np.pi / (2 * n))[::-1]           # ascending in [-1, 1]
        self._w = (np.sin((2 * j + 1) * np.pi / (2 * n)) * (-1.0) ** j)[::-1]
        self._cos = np.cos(np.outer(np.arange(n), (2 * j + 1) * np.pi / (2 * n)))
        self._starts, self._panels = self._build()

    def energy(self, u):
        if self.kind == "band":
            c, h = 0.5 * (self.lo + self.hi), 0.5 * (self.hi - self.lo)
            return c + h * np.sin(0.5 * np.pi * u)
        if self.kind == "above":
            return self.lo + (self.hi - self.lo) * (0.5 * (1.0 + u)) ** 2
        return self.hi - (self.hi - self.lo) * (0.5 * (1.0 + u)) ** 2

    def variable(self, E):
        if self.kind == "band":
            c, h = 0.5 * (self.lo + self.hi), 0.5 * (self.hi - self.lo)
            return (2.0 / np.pi) * np.arcsin(np.clip((E - c) / h, -1.0, 1.0))
        d = (E - self.lo) if self.kind == "above" else (self.hi - E)
        return 2.0 * np.sqrt(np.clip(d / (self.hi - self.lo), 0.0, 1.0)) - 1.0

    def _build(self):
        done = []
        todo = [(-1.0, 1.0)]
        while todo:
            a, b = todo.pop()
            u = 0.5 * (a + b) + 0.5 * (b - a) * self._x
            vals = np.array([self.f(float(e)) for e in self.energy(u)])    # (n, r, r)
            # Chebyshev coefficients (the nodes are in ascending order: reverse back)
            coef = np.tensordot(self._cos, vals[::-1], axes=(1, 0)) * (2.0 / len(u))
            tail = np.max(np.abs(coef[-3:]))
            size = np.max(np.abs(vals))
            if tail <= TABLE_RTOL * max(size, 1e-300) or (b - a) < 1e-7:
                done.append((a, b, vals))
            else:
                mid = 0.5 * (a + b)
                todo += [(a, mid), (mid, b)]
        done.sort(key=lambda p: p[0])
        return np.array([p[0] for p in done]), done

    def __call__(self, E):
        u = self.variable(np.asarray(E, float))
        which = np.clip(np.searchsorted(self._starts, u, side="right") - 1, 0,
                        len(self._panels) - 1)
        out = np.empty(u.shape + self._panels[0][2].shape[1:], dtype=complex)
        for p in np.unique(which):
            a, b, vals = self._panels[p]
            sel = which == p
            x = (2.0 * u[sel] - (a + b)) / (b - a)
            diff = x[:, None] - self._x[None, :]
            hit = diff == 0.0
            diff[hit] = 1.0
            q = self._w[None, :] / diff
            rows = np.flatnonzero(hit.any(axis=1))
            q[rows] = hit[rows].astype(float)
            num = np.tensordot(q, vals, axes=(1, 0))
            out[sel] = num / q.sum(axis=1)[:, None, None]
        return out


class SislElectrode(_leads.SelfEnergy):
    """A sisl electrode self-energy embedded into device orbitals (made by :func:`electrode`).

    A :class:`symehp.leads.SelfEnergy` whose ``fn(E)`` (a 1-d array of real energies
    -> ``(len(E), N, N)``) evaluates the sisl object at every energy and embeds it,
    ``Sigma = P Sigma_e P^T``; the energy-dependent routes work with the ``r``
    attached orbitals only (:attr:`basis` = the columns ``P``, ``reduced_gamma`` =
    ``Gamma_e``).  Values are cached per energy (up to :data:`CACHE_BYTES`).

    Attributes
    ----------
    se : sisl.SelfEnergy
        The sisl object.
    orbitals : ndarray of int
        The device rows it is attached to (spinor rows for spinor Hamiltonians).
    eta : float
        The imaginary part of the energies ``E + i eta`` at which ``Sigma`` is
        returned (energy units; 0: the real axis, the retarded limit).
    eta_start : float
        Where sisl's own value is taken (``E + i eta_start``) when the continuation
        to ``eta`` follows (a ``sisl.SemiInfinite``), else equal to ``eta``.
    bands : tuple of (float, float) or None
        The disjoint energy ranges of the electrode's bulk bands (``Gamma = 0``
        outside them), or None where unknown.
    """

    def __init__(self, se, rows, n, *, k, spin_info, eta, eta_start, band_edges, bands, kind,
                 surface=None, table_edges=None, reach=None):
        super().__init__(self._embedded, band_edges, False, None)
        self.se = se
        self.orbitals = rows
        self.orbitals.flags.writeable = False
        self.k = k
        self.eta = float(eta)
        self.eta_start = float(eta_start)
        self._surface = surface            # (H0, V) of a sisl.SemiInfinite, else None
        self._table_edges = None if table_edges is None else np.asarray(table_edges, float)
        self._reach = reach
        self._pieces = {}
        self.bands = None if bands is None else tuple(bands)
        self._kind = kind
        self._spin = spin_info
        self._n = int(n)
        self._r = int(rows.size)
        self._cache = {}
        self._cache_limit = max(1024, CACHE_BYTES // (16 * self._r * self._r))
        if self.bands is not None:
            lo = np.array([b[0] for b in self.bands])
            hi = np.array([b[1] for b in self.bands])
            self._band_lo, self._band_hi = lo, hi

    # -- the electrode's own self-energy, r x r
    def electrode_sigma(self, E):
        """The sisl self-energy ``Sigma_e(E)`` on the electrode's own orbitals:
        ``E.shape + (r, r)``, complex (before embedding; energy units).

        For a ``sisl.SemiInfinite`` electrode from tables between the band extrema
        (:class:`_Piece`, built on first use, to ``TABLE_RTOL``), elsewhere one
        energy at a time (cached)."""
        E = _leads._energies(E)
        flat = E.ravel()
        out = np.empty((flat.size, self._r, self._r), dtype=complex)
        direct = np.ones(flat.size, dtype=bool)
        if self._table_edges is not None and flat.size:
            edges = self._table_edges
            idx = np.searchsorted(edges, flat, side="right")
            inside = ((flat >= edges[0] - self._reach) & (flat <= edges[-1] + self._reach))
            for piece in np.unique(idx[inside]):
                sel = inside & (idx == piece)
                out[sel] = self._piece(int(piece))(flat[sel])
            direct = ~inside
        for i in np.flatnonzero(direct):
            out[i] = self._value(float(flat[i]))
        return out.reshape(E.shape + (self._r, self._r))

    def _piece(self, index):
        table = self._pieces.get(index)
        if table is None:
            edges, m = self._table_edges, len(self._table_edges)
            if index == 0:
                table = _Piece(self._value, edges[0] - self._reach, edges[0], "below")
            elif index == m:
                table = _Piece(self._value, edges[-1], edges[-1] + self._reach, "above")
            else:
                table = _Piece(self._value, edges[index - 1], edges[index], "band")
            self._pieces[index] = table
        return table

    def _value(self, e):
        value = self._cache.get(e)
        if value is None:
            value = self._evaluate(e)
            if len(self._cache) >= self._cache_limit:
                self._cache.clear()
            self._cache[e] = value
        return value

    def _evaluate(self, e):
        value = self._sisl_value(e, self.eta_start)
        if self._surface is not None:
            value = self._continue(e, value)
        if self.bands is not None and not np.any((self._band_lo <= e) & (e <= self._band_hi)):
            # outside every bulk band: Sigma^r is Hermitian (evanescent), Gamma = 0 exactly
            value = 0.5 * (value + np.conj(value.T))
        return value

    def _sisl_value(self, e, eta):
        try:
            value = self.se.self_energy(complex(e, eta), k=self.k, **self._spin.kwargs)
        except Exception as exc:  # noqa: BLE001 - sisl's own error, said whose it is
            raise ModelError(f"{self._name}: sisl's {type(self.se).__name__}.self_energy "
                             f"failed at E = {e:.6g}: {type(exc).__name__}: {exc}") from exc
        value = np.asarray(value, dtype=complex)
        if value.shape != (self._r, self._r):
            raise ModelError(f"{self._name}: sisl's {type(self.se).__name__} returned a "
                             f"self-energy of shape {value.shape}, but {self._r} device rows "
                             "are attached to it")
        if not np.all(np.isfinite(value)):
            raise ModelError(f"{self._name}: sisl's self-energy is not finite at E = {e:.6g}")
        return value

    def _continue(self, e, start):
        """sisl's ``Sigma(E + i eta_start)`` continued to ``E + i eta`` (module notes)."""
        h0, v = self._surface
        direct = _newton(start, complex(e, self.eta), h0, v)
        if direct is not None:
            return direct
        value = start
        eta = self.eta_start
        path = []
        while eta * ETA_STEP > self.eta:
            eta *= ETA_STEP
            path.append(eta)
        path.append(self.eta)
        for eta in path:
            refined = _newton(value, complex(e, eta), h0, v)
            if refined is None:
                break
            value = refined
        else:
            return value
        # not converged at eta (a band edge, where two roots meet): go on towards the
        # real axis as far as Newton's method converges, and keep the last value
        floor = max(self.eta, 1e-30 * self.eta_start)
        while eta > floor:
            eta *= ETA_STEP
            refined = _newton(value, complex(e, max(eta, self.eta)), h0, v)
            if refined is None:
                break
            value = refined
        return value

    def surface_residual(self, E):
        """``max |Sigma - V [E - H0 - Sigma]^-1 V^dagger|`` of the returned ``Sigma_e(E)``
        (real ``E``; a ``sisl.SemiInfinite`` only): how well the real-axis equation holds."""
        if self._surface is None:
            raise ModelError("surface_residual: only for sisl.SemiInfinite electrodes")
        h0, v = self._surface
        out = []
        for e, sig in zip(np.atleast_1d(E), self.electrode_sigma(np.atleast_1d(E))):
            g = np.linalg.inv(complex(e, self.eta) * np.eye(len(h0)) - h0 - sig)
            out.append(np.max(np.abs(sig - v @ g @ np.conj(v.T))))
        return np.array(out)

    def _embedded(self, E):
        s = self.electrode_sigma(np.asarray(E, float))
        out = np.zeros(s.shape[:-2] + (self._n, self._n), dtype=complex)
        idx = self.orbitals
        out[..., idx[:, None], idx[None, :]] = s
        return out

    # -- the Lead interface
    def _sigma0(self, x):
        return self._embedded(np.asarray(x, float))

    def _gamma0(self, x):
        s = self._sigma0(x)
        return 1j * (s - np.conj(np.swapaxes(s, -1, -2)))

    def _reduced_gamma0(self, x):
        s = self.electrode_sigma(np.asarray(x, float))
        return 1j * (s - np.conj(np.swapaxes(s, -1, -2)))

    @property
    def _basis(self):
        p = np.zeros((self._n, self._r), dtype=complex)
        p[self.orbitals, np.arange(self._r)] = 1.0
        p.flags.writeable = False
        return p

    def _support0(self):
        if self.bands is None:
            return (-np.inf, np.inf)
        return (self.bands[0][0], self.bands[-1][1])

    def _bound(self, name, n, energies):
        if n != self._n:
            raise ModelError(f"{name}: the electrode is embedded into {self._n} device rows, "
                             f"but H is {n} x {n}")
        bound = copy.copy(self)
        bound._name = name
        check = energies if energies is not None else np.zeros(0)
        check = np.unique(np.concatenate([np.asarray(check, float), self._edges_arr]))
        if check.size:
            _leads._check_psd_batch(bound._reduced_gamma0(check), name, check)
        return bound

    def __repr__(self):
        rows = np.array2string(self.orbitals, separator=", ", threshold=12)
        bands = "" if self.bands is None else \
            ", bands " + ", ".join(f"[{a:.6g}, {b:.6g}]" for a, b in self.bands)
        return (f"sisl_electrode({self._kind}, N={self._n}, rows={rows}, eta={self.eta:.3g}"
                f"{bands})")


def electrode(se, H, orbitals, *, k=(0.0, 0.0, 0.0), spin=None, eta=None, band_edges=None):
    """A sisl electrode self-energy as a lead of :mod:`symehp.leads`, attached to ``orbitals``.

    Parameters
    ----------
    se : sisl.SelfEnergy
        ``sisl.RecursiveSI`` (or another ``sisl.SemiInfinite``), ``sisl.WideBandSE``,
        ``sisl.RealSpaceSE``, ``sisl.RealSpaceSI`` or a subclass of
        ``sisl.physics.SelfEnergy`` with ``self_energy(E, k=..., **kwargs)``.
    H : sisl.Hamiltonian
        The device (it sets ``N``, the spin kind and the spinor layout).
    orbitals : sequence of int
        Device orbital indices (0-based, orbitals not spinor rows), one per orbital
        of the electrode's self-energy, in the electrode's order (``len(se)``
        of them).  For atoms: ``H.geometry.a2o(atoms, all=True)``.
    k : 3 floats
        Transverse k point (reduced) of the device and the electrode; default Gamma.
    spin : {None, 0, 1, "up", "down"}
        The spin component of a polarized Hamiltonian (required there).
    eta : float, optional
        ``Sigma`` is that of ``E + i eta`` (energy units, ``>= 0``).  Default: for a
        ``sisl.SemiInfinite`` 0, the real axis (sisl's value at ``E + i eta0``
        continued by Newton's method, module notes; the object's own ``eta`` is
        not used); for other self-energies the object's ``eta`` (``> 0``).  Not
        used by ``sisl.WideBandSE``.
    band_edges : sequence of float, optional
        Where ``Sigma`` is not analytic.  Default: for a ``sisl.SemiInfinite`` the
        extrema of its bulk bands (:func:`bulk_bands`), else none.

    Returns
    -------
    SislElectrode or symehp.leads.WideBand
        A lead for ``Junction(lead_L=..., lead_R=...)`` (a ``WideBand`` for
        ``sisl.WideBandSE``: ``Sigma = -i pi eta S`` is constant).

    Raises
    ------
    ModelError
        ``se`` is not a sisl self-energy, ``H`` not a sisl Hamiltonian (or
        non-orthogonal), ``orbitals`` not integers, out of range, repeated or not
        one per electrode orbital, the electrode of another spin kind.
    ParameterError
        ``k``, ``spin`` or ``eta`` invalid.
    """
    sisl = _sisl()
    _check_hamiltonian(H)
    if not isinstance(se, sisl.physics.SelfEnergy):
        raise ModelError(f"se must be a sisl self-energy (sisl.RecursiveSI, sisl.WideBandSE, "
                         f"sisl.RealSpaceSE, ... : a sisl.physics.SelfEnergy), got "
                         f"{type(se).__module__}.{type(se).__name__}")
    k = _kpoint(k)
    spin_info = _spin_of(H, spin)
    rows_per_orbital = spin_info.spinor
    orbs = _orbital_indices(orbitals, H.no, "electrode")
    rows = spin_info.expand(orbs)
    try:
        size = len(se)          # orbitals, or spinor rows for a spinor Hamiltonian
    except Exception:  # noqa: BLE001 - sisl objects that cannot tell their size
        size = None
    if size is not None and size not in (orbs.size, rows.size):
        per = size // rows_per_orbital if size % rows_per_orbital == 0 else size
        raise ModelError(f"electrode: the sisl self-energy has {per} orbitals but "
                         f"{orbs.size} device orbitals are given (one per electrode orbital)")
    n = H.no * rows_per_orbital

    if isinstance(se, sisl.physics.WideBandSE):
        sigma = np.asarray(se.self_energy(k=k), dtype=complex)
        if sigma.shape != (rows.size, rows.size):
            raise ModelError(f"electrode: sisl's WideBandSE gives a {sigma.shape} self-energy "
                             f"but {rows.size} device rows are attached to it")
        gamma = np.zeros((n, n), dtype=complex)
        gamma[rows[:, None], rows[None, :]] = 1j * (sigma - np.conj(sigma.T))
        return _leads.wide_band(gamma)

    semi = isinstance(se, sisl.physics.SemiInfinite)
    surface = None
    kind = type(se).__name__
    if semi:
        sp = se.spgeom0
        if not sp.orthogonal:
            raise ModelError("electrode: the sisl electrode has a non-orthogonal basis (an "
                             "overlap matrix); symehp needs orthogonal orbitals")
        if sp.spin.kind != H.spin.kind:
            raise ModelError(f"electrode: the electrode's Hamiltonian is {sp.spin!s} but the "
                             f"device's is {H.spin!s}: they must be of the same spin kind")
        found = bulk_bands(se, k=k, spin=spin_info.selected)
        bands = _merge(found.ranges)
        width = max(b for _, b in bands) - min(a for a, _ in bands)
        edges = found.extrema if band_edges is None else band_edges
        kw = spin_info.kwargs
        h0 = np.asarray(se.spgeom0.Pk(k, dtype=np.complex128, format="array", **kw))
        v = np.asarray(se.spgeom1.Pk(k, dtype=np.complex128, format="array", **kw))
        surface = (h0, v)
        table_edges = found.extrema
        reach = TABLE_REACH * max(1.0, width)
        eta = _eta(0.0 if eta is None else eta)
        eta_start = max(ETA0 * max(1.0, width), eta)
    else:
        bands = None
        table_edges = reach = None
        edges = () if band_edges is None else band_edges
        if eta is None:
            eta = getattr(se, "eta", None)
            if eta is None:
                raise ParameterError(f"electrode: {kind} has no eta; give eta= (> 0, energy "
                                     "units)")
        eta = _eta(eta)
        if eta == 0:
            raise ParameterError(f"electrode: {kind} needs eta > 0 (only a sisl.SemiInfinite "
                                 "electrode is continued to the real axis)")
        eta_start = eta
    return SislElectrode(se, rows, n, k=k, spin_info=spin_info, eta=eta, eta_start=eta_start,
                         band_edges=edges, bands=bands, kind=kind, surface=surface,
                         table_edges=table_edges, reach=reach)


def _eta(eta):
    if isinstance(eta, (bool, np.bool_)) or not isinstance(eta, (int, float, np.integer,
                                                                np.floating)):
        raise ParameterError(f"eta must be a non-negative real number, got {eta!r}")
    if not (np.isfinite(eta) and eta >= 0):
        raise ParameterError(f"eta must be a non-negative, finite energy (Sigma at E + i eta; "
                             f"0 is the real axis), got {eta!r}")
    return float(eta)


def _coupling_matrices(M, n, spinor):
    """``M`` as a (K, n, n) complex array; per-orbital matrices expanded to spinor rows."""
    try:
        arr = np.array(M, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"M must be (N, N) matrices of numbers: {exc}") from exc
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise ModelError(f"M must be an (N, N) matrix, a list of K of them or a (K, N, N) "
                         f"array, got shape {np.shape(M)}")
    if arr.shape[1] == n:
        return arr
    if spinor > 1 and arr.shape[1] * spinor == n:
        return np.array([np.kron(m, np.eye(spinor)) for m in arr])
    per_orbital = f" or {n // spinor} x {n // spinor} per orbital" if spinor > 1 else ""
    raise ModelError(f"M: the couplings are {arr.shape[1]} x {arr.shape[2]}, but the device "
                     f"has {n} rows (give {n} x {n} matrices{per_orbital})")


def junction(H, lead_L, lead_R, *, M, omega, gamma_ph, k=(0.0, 0.0, 0.0), spin=None,
             spin_degeneracy=None, eta=None):
    """A :class:`~symehp.Junction` from a sisl device Hamiltonian and two electrodes.

    Parameters
    ----------
    H : sisl.Hamiltonian
        The device, orthogonal basis (:func:`device_hamiltonian`).
    lead_L, lead_R : (sisl.SelfEnergy, orbitals) or a lead
        Each electrode as a pair (the sisl self-energy, the device orbitals it is
        attached to; see :func:`electrode`), or a lead already made
        (:func:`electrode`, or any lead of :mod:`symehp.leads`, e.g. a wide band).
    M : array_like
        An ``(N, N)`` matrix, a list of ``K`` of them or a ``(K, N, N)`` array:
        electron-mode couplings ``M^k`` (Hermitian), energy per unit of the
        mass-weighted mode coordinate (docs/conventions.md); per orbital or per
        spinor row for a spinor Hamiltonian.
    omega, gamma_ph : number or sequence
        One per mode: mode energies ``hbar Omega_k > 0`` and ohmic bath dampings ``gamma_ph,k``.
    k : 3 floats
        Transverse k point (reduced), for the device and both electrodes.
    spin : {None, 0, 1, "up", "down"}
        Spin component of a polarized Hamiltonian (required there).
    spin_degeneracy : {None, 1, 2}
        Default (None): 2 for an unpolarized Hamiltonian (both spins alike), 1
        otherwise.  1 with an unpolarized one is the spinless model; 2 with a
        polarized or spinor one is a ModelError (its spins are not alike).
    eta : float, optional
        Passed to :func:`electrode` for the electrodes given as pairs.

    Returns
    -------
    Junction
        Energies in the units of the sisl objects (eV for SIESTA).

    Raises
    ------
    ModelError, ParameterError
        As :func:`electrode` and :class:`~symehp.Junction`, and for a
        ``spin_degeneracy`` that does not fit the spin kind.
    """
    from ..model import Junction

    _check_hamiltonian(H)
    k = _kpoint(k)
    spin_info = _spin_of(H, spin)
    mat = _hk(H, k, spin_info)
    if spin_degeneracy is None:
        spin_degeneracy = 2 if spin_info.kind == "unpolarized" else 1
    elif spin_degeneracy == 2 and spin_info.kind != "unpolarized" and \
            not isinstance(spin_degeneracy, (bool, np.bool_)):
        raise ModelError(f"spin_degeneracy=2: the Hamiltonian is {spin_info.kind}, its two "
                         "spins do not see the same matrices (a polarized H is one Junction "
                         "per spin; a spinor H holds both spins already): use 1")
    built = {}
    for side, given in (("L", lead_L), ("R", lead_R)):
        if isinstance(given, _leads.Lead):
            built[side] = given
            continue
        if not (isinstance(given, (tuple, list)) and len(given) == 2):
            raise ModelError(f"lead_{side} must be a pair (sisl self-energy, device orbitals) "
                             f"or a lead of symehp.leads, got {type(given).__name__}")
        se, orbs = given
        try:
            built[side] = electrode(se, H, orbs, k=k, spin=spin, eta=eta)
        except (ModelError, ParameterError) as exc:
            raise type(exc)(f"lead_{side}: {exc}") from exc
    couplings = _coupling_matrices(M, mat.shape[0], spin_info.spinor)
    return Junction(mat, M=list(couplings), omega=omega, gamma_ph=gamma_ph,
                    lead_L=built["L"], lead_R=built["R"], spin_degeneracy=spin_degeneracy)

