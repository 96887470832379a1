"""Pole-residue form of the wide-band spectral functions, compiled per model.

With wide-band leads ``G^r(e) = [e - H_eff]^-1``, ``H_eff = H - i (Gamma_L + Gamma_R)/2``.
Diagonalizing ``H_eff = R diag(z) L`` (``L = R^-1``, all ``Im z_j < 0``) gives
``G^r = sum_j r_j l_j / (e - z_j)`` (columns ``r_j`` of R, rows ``l_j`` of L), and
then exactly

    A_a(e) = G^r Gamma_a G^a = sum_p W^a_p / (e - p),   W^a_p = u^a_p v^a_p  (rank one)

over the 2N poles ``p in {z_j, conj(z_j)}``: with ``D^a = (L Gamma_a L^+) / (z_j -
conj z_k)`` and ``S^a = D^a R^+`` (rows ``s^a_j``), ``W^a_{z_j} = r_j s^a_j`` and
``W^a_{conj z_j} = (W^a_{z_j})^+``.  The EHP kernel of Eq. (7) is then

    tr[M^m A_a(e) M^n A_b(e - w)] = sum_{p,q} T^{ab}_{mn,pq} / ((e - p)(e - w - q)),
    T^{ab}_{mn,pq} = tr[M^m W^a_p M^n W^b_q] = C^{ba}_{m,qp} C^{ab}_{n,pq},

with the mode couplings in the pole basis ``C^{ab}_m = V^a M^m U^b`` (P x P for
each mode).  Building them is O(K N^3) and they hold O(K N^2) numbers: no
N x N x N x N array is formed, and the K x K x P x P traces are made only when
asked for (:attr:`PoleExpansion.traces`, for small models and the symbolic
checks); the currents use the mode-diagonal :meth:`PoleExpansion.pair_weights`
and the spectra :meth:`PoleExpansion.contract`.  Every energy integral is a sum
of the closed forms of :mod:`symehp.numeric.fermi_integrals`.  Levels that
decouple from both leads (real eigenvalues of ``H_eff``) carry no spectral
weight and are dropped.

Backends
--------
The construction above is written once (:func:`from_eigensystem`) for any
entry type: ``backend="numpy"`` (complex arrays, the double-precision paths),
``backend="mpmath"`` (object arrays of ``mpmath.mpc`` at ``dps`` digits,
``mpmath.eig`` and ``mpmath.inverse``; the ``dps=`` paths) and SymPy entries
(:func:`symehp.closed_forms.pole_expansion` diagonalizes symbolically and feeds
its eigen-decomposition here, with its own simplification of each entry).
:func:`pole_expansion` picks the backend; every backend returns a
:class:`PoleExpansion`.
"""

from __future__ import annotations

import warnings
from functools import cached_property, lru_cache

import numpy as np

from ..errors import ModelError, ParameterError, ValidityWarning

__all__ = ["PoleExpansion", "pole_expansion", "expand", "from_eigensystem", "BACKENDS",
           "check_level_widths"]

#: the entry types a :class:`PoleExpansion` can be built with (see :func:`pole_expansion`)
BACKENDS = ("numpy", "mpmath")

#: condition number of the eigenvector matrix beyond which H_eff counts as defective:
#: near an exceptional point the pole expansion loses ~cond^2 * 1e-16 (relative),
#: so 1e4 still leaves the 1e-8 accuracy that the currents promise
MAX_CONDITION = 1e4

#: complex numbers per temporary block of :meth:`PoleExpansion.contract` (64 MiB)
_CONTRACT_BLOCK = 4 * 1024 * 1024

class PoleExpansion:
    """Poles, families and rank-one residues of one numeric model.

    Attributes
    ----------
    poles : (P,) complex
        The poles ``z_j`` (lower half-plane) followed by their conjugates.
    family : (P,) float
        ``+1`` for poles in the upper half-plane, ``-1`` for the lower one.
    u, v : dict electrode -> (N, P) and (P, N) complex
        ``U^a`` (columns ``u^a_p``) and ``V^a`` (rows ``v^a_p``):
        ``W^a_p = u^a_p v^a_p``, ``A_a(e) = sum_p W^a_p / (e - p)``.
    couplings : dict (alpha, beta) -> (K, P, P) complex
        ``C^{ab}_m = V^a M^m U^b``, so ``T^{ab}_{mn,pq} = C^{ba}_{m,qp} C^{ab}_{n,pq}``.
    model : NumericJunction
        The model it came from.
    basis : (N, n) complex or None
        Orthonormal basis of the broadened levels' eigenvectors when some
        levels decouple (None: all N are broadened).  NumPy backend only
        (None for the others), and so is :meth:`direct_kernel`.
    backend : str
        ``"numpy"`` (complex arrays), ``"mpmath"`` or ``"sympy"`` (object arrays
        of ``mpmath.mpc`` or SymPy expressions; the methods work on them with
        NumPy's object arithmetic, at the precision in force when called).

    Notes
    -----
    ``residues`` (P, N, N per electrode) and ``traces`` (K, K, P, P per channel)
    are built from these on first access (O(N^3) and O(K^2 N^2) numbers: for
    small models and checks, not for the inner loops).
    """

    def __init__(self, poles, family, u, v, couplings, model=None, basis=None, backend="numpy"):
        self.backend = backend
        self.poles = poles
        self.basis = basis
        self.family = family
        self.u = u
        self.v = v
        self.couplings = couplings
        self.model = model

    @property
    def K(self):
        """Number of modes."""
        return next(iter(self.couplings.values())).shape[0]

    def pair_weights(self, alpha, beta):
        """Mode-diagonal traces ``T^{ab}_{kk,pq}``, shape (K, P, P): what Eq. (8) needs."""
        return np.swapaxes(self.couplings[(beta, alpha)], 1, 2) * self.couplings[(alpha, beta)]

    def coupled(self, alpha, beta):
        """Whether the channel (alpha, beta) has any weight (its kernel is not zero)."""
        return bool(np.any(self.pair_weights(alpha, beta)))

    def contract(self, alpha, beta, pair_values, *, absolute=False):
        """``sum_pq T^{ab}_{mn,pq} X_pq`` for ``X`` of shape (..., P, P) -> (..., K, K).

        ``absolute=True``: ``sum_pq |T_{mn,pq}| |X_pq|``, the size of the terms (a
        bound of the sum, for the cancellation check).  Computed from the
        couplings in blocks of points, never forming the K x K x P x P traces.
        """
        first = np.swapaxes(self.couplings[(beta, alpha)], 1, 2)      # C^{ba}_{m,qp} at [m, p, q]
        second = self.couplings[(alpha, beta)]
        if absolute:
            first, second, pair_values = np.abs(first), np.abs(second), np.abs(pair_values)
        lead = pair_values.shape[:-2]
        p = self.poles.size
        k = second.shape[0]
        flat = pair_values.reshape((-1, p * p))
        out = np.empty((flat.shape[0], k, k), dtype=np.result_type(first, pair_values))
        a = first.reshape(k, p * p)
        b = second.reshape(k, p * p)
        block = max(1, _CONTRACT_BLOCK // max(1, k * p * p))
        for start in range(0, flat.shape[0], block):
            x = flat[start:start + block]
            # (points, m, pq) . (n, pq)^T: one matrix product per block of points
            out[start:start + block] = np.matmul(a[None] * x[:, None, :], b.T)
        return out.reshape(lead + (k, k))

    @cached_property
    def pair_resonances(self):
        """Where the frequency integrand of Eq. (8) has structure from pole pairs.

        A pair of poles of opposite families (``p`` lower, ``q`` upper) makes a
        Lorentzian-like resonance of the spectra at ``w = |Re(p - q)|`` of width
        ``|Im p| + |Im q|``, with the mode-diagonal trace weight ``max_kab
        |T^{ab}_{kk,pq}|`` (same-family pairs are removable, not resonant).
        Returns ``(centres, widths, weights)`` of the pairs with non-zero
        weight, 1-d, sorted by centre (O(N^2) numbers; made once per model).
        """
        n = self.poles.size // 2
        lower, upper = slice(0, n), slice(n, 2 * n)
        weight = np.zeros((n, n))
        for a in "LR":
            for b in "LR":
                c_ba, c_ab = self.couplings[(b, a)], self.couplings[(a, b)]
                for k in range(c_ab.shape[0]):
                    # T_kk,pq = C^ba_{k,qp} C^ab_{k,pq} for p lower, q upper (and the mirror)
                    t = np.abs(c_ba[k][upper, lower].T * c_ab[k][lower, upper])
                    np.maximum(weight, t, out=weight)
        z = self.poles[lower]
        centres = np.abs(z.real[:, None] - z.real[None, :])
        widths = np.abs(z.imag[:, None]) + np.abs(z.imag[None, :])
        keep = weight > 0
        order = np.argsort(centres[keep], kind="stable")
        return centres[keep][order], widths[keep][order], weight[keep][order]

    @cached_property
    def nonzero_traces(self):
        """Per channel, the pole pairs with a non-zero trace: ``[(p, q, T_{..,pq})]``.

        ``T_{..,pq}`` is the K x K matrix ``T^{ab}_{mn,pq}`` (from :attr:`traces`);
        pairs whose K x K traces are all exactly zero are left out (e.g. the LL
        channel of the paper's two-level model).  For the pair-by-pair loops of
        the mpmath spectra; made once per expansion.
        """
        out = {}
        for key, traces in self.traces.items():
            out[key] = [(p, q, traces[:, :, p, q])
                        for p in range(self.poles.size) for q in range(self.poles.size)
                        if any(x != 0 for x in traces[:, :, p, q].flat)]
        return out

    @cached_property
    def residues(self):
        """``W^a_p`` (P, N, N) per electrode (made on first access)."""
        return {name: np.einsum("ip,pj->pij", self.u[name], self.v[name]) for name in self.u}

    @cached_property
    def traces(self):
        """``T^{ab}_{mn,pq}`` (K, K, P, P) per channel (made on first access)."""
        return {(a, b): np.einsum("mqp,npq->mnpq", self.couplings[(b, a)],
                                  self.couplings[(a, b)])
                for a in "LR" for b in "LR"}

    def direct_kernel(self, alpha, beta, energy, omega):
        """``g_s tr[M^m A_a(e) M^n A_b(e - w)]`` from batched matrix inverses (``g_s`` the
        model's spin degeneracy).

        Free of the cancellation that a sum over poles suffers when all poles
        lie far from ``energy`` (narrow, off-resonant levels): the route of the
        quadrature fallback.  Shape ``broadcast(e, w).shape + (K, K)``.

        Levels that no electrode broadens (dropped from the poles) are left out
        here too: ``A_a`` lives on the span of the other eigenvectors of
        ``H_eff``, which is invariant under ``H_eff`` and ``H_eff^+`` and
        orthogonal to theirs, so ``G^r`` is inverted on that subspace only, and
        an energy on such a level's real pole (where ``e - H_eff`` is singular)
        is harmless.
        """
        h_eff, gammas, couplings = self._reduced
        e, w = np.broadcast_arrays(np.asarray(energy, float), np.asarray(omega, float))
        eye = np.eye(h_eff.shape[0])

        def coupled(name, x):
            """``M^m A_a(x)`` for every mode: shape x.shape + (K, n, n)."""
            g = np.linalg.inv(x[..., None, None] * eye - h_eff)
            spec = g @ gammas[name] @ np.conj(np.swapaxes(g, -1, -2))
            return np.matmul(couplings, spec[..., None, :, :])

        left, right = coupled(alpha, e), coupled(beta, e - w)
        return self.model.spin_degeneracy * np.einsum("...mij,...nji->...mn", left, right)

    @cached_property
    def _reduced(self):
        """``H_eff``, ``Gamma_a`` and ``M^k`` on the subspace of the broadened levels."""
        m = self.model
        h_eff = m.H - 0.5j * (m.gamma_L + m.gamma_R)
        gammas = {"L": m.gamma_L, "R": m.gamma_R}
        couplings = m.M
        if self.basis is not None:
            q = self.basis
            qh = q.conj().T
            h_eff = qh @ h_eff @ q
            gammas = {name: qh @ g @ q for name, g in gammas.items()}
            couplings = qh[None] @ couplings @ q[None]
        return h_eff, gammas, couplings

    def spectral(self, electrode, energy):
        """``A_a(energy)`` evaluated from the poles, shape ``energy.shape + (N, N)``."""
        e = np.asarray(energy, dtype=float)[..., None]
        weights = 1.0 / (e - self.poles)
        return np.einsum("...p,ip,pj->...ij", weights, self.u[electrode], self.v[electrode])

    def kernel(self, alpha, beta, energy, omega):
        """``tr[M^m A_a(e) M^n A_b(e - w)]``, shape ``broadcast(e, w).shape + (K, K)``."""
        e, w = np.broadcast_arrays(np.asarray(energy, float), np.asarray(omega, float))
        left = 1.0 / (e[..., None] - self.poles)
        right = 1.0 / ((e - w)[..., None] - self.poles)
        return self.contract(alpha, beta, left[..., :, None] * right[..., None, :])


def pole_expansion(numeric_model, *, backend="numpy", dps=None) -> PoleExpansion:
    """The :class:`PoleExpansion` of a :class:`~symehp.model.NumericJunction` (cached).

    ``backend="numpy"``: double precision (``dps`` must be None).  ``backend="mpmath"``:
    object arrays of ``mpmath.mpc`` computed at ``dps`` decimal digits (default:
    the current ``mpmath.mp.dps``), the model's doubles read exactly; use the
    expansion at that precision (``mpmath.workdps(dps)``).  Cached per model and
    precision.
    """
    if backend == "numpy":
        if dps is not None:
            raise ParameterError(f"dps applies to the mpmath backend only, got dps={dps!r}")
        return _cached(numeric_model.key, numeric_model)
    if backend == "mpmath":
        import mpmath as mp
        dps = mp.mp.dps if dps is None else dps
        if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 1:
            raise ParameterError(f"dps must be a positive integer, got {dps!r}")
        return _cached_mp(numeric_model.key, int(dps), numeric_model)
    raise ParameterError(f"backend must be one of {BACKENDS}, got {backend!r}")


@lru_cache(maxsize=64)
def _cached(key, model):
    del key  # the cache key: a hash of every number in the model
    return expand(model.H, model.gamma_L, model.gamma_R, model.M, backend="numpy", model=model)


@lru_cache(maxsize=16)
def _cached_mp(key, dps, model):
    del key  # the cache key: a hash of every number in the model (and the precision)
    import mpmath as mp

    def entries(a):
        return np.vectorize(mp.mpmathify, otypes=[object])(a)

    with mp.workdps(dps):
        return expand(entries(model.H), entries(model.gamma_L), entries(model.gamma_R),
                      entries(model.M), backend="mpmath", model=model)


def expand(H, gamma_L, gamma_R, M, *, backend, model=None) -> PoleExpansion:
    """Diagonalize ``H_eff = H - i (Gamma_L + Gamma_R)/2`` and build the expansion.

    ``H``, ``gamma_L``, ``gamma_R`` (N, N) and ``M`` (K, N, N) are complex arrays
    (``backend="numpy"``) or object arrays of mpmath numbers (``"mpmath"``, at the
    current ``mpmath.mp.dps``).  Levels decoupled from both leads (``Im z_j``
    above ``-1e-13`` resp. ``-10^(5 - dps)`` times ``max(1, max|H_eff|)``) are
    dropped.  Raises :class:`~symehp.errors.ModelError` at (NumPy: near) an
    exceptional point.
    """
    if backend == "numpy":
        h_eff = H - 0.5j * (gamma_L + gamma_R)
        z, right, left, basis = _numpy_eigensystem(h_eff, gamma_L + gamma_R, M)
    elif backend == "mpmath":
        import mpmath as mp
        h_eff = H - (gamma_L + gamma_R) * mp.mpc(0, 0.5)
        z, right, left = _mpmath_eigensystem(h_eff)
        basis = None
    else:
        raise ParameterError(f"backend must be one of {BACKENDS}, got {backend!r}")
    return from_eigensystem(z, right, left, gamma_L, gamma_R, M, backend=backend, model=model,
                            basis=basis)


#: a level whose broadening is below this fraction of its e-ph coupling is outside the
#: lowest-order theory (Eq. 8 is second order in M, valid for ``|M| << level width``)
WIDTH_RATIO = 1e-2
#: levels with ``Im z`` above ``-DECOUPLED * max(1, max|H_eff|)`` are dropped as decoupled
DECOUPLED = 1e-13
#: ... and of those, a broadening above this (times the same scale) is genuine, not the
#: round-off of the eigenvectors: such a level's weight is lost, which is reported
RESOLVED_WIDTH = 1e-15


def check_level_widths(H, gamma, M):
    """:class:`~symehp.errors.ValidityWarning` for levels outside the lowest-order regime.

    For each eigenstate ``r_j`` of ``H_eff = H - i gamma/2`` (``gamma = Gamma_L +
    Gamma_R``), its broadening ``w_j = r_j^+ gamma r_j / r_j^+ r_j`` (a sum of
    non-negative terms: accurate even at 1e-30, where ``Im z_j`` has an absolute
    error of ~1e-16 ||H_eff||) and its e-ph coupling ``g_j = max_k |(R^-1 M^k R)_jj|``
    (the level's shift per unit displacement of mode k).  Warns

    * where ``0 < w_j < WIDTH_RATIO * g_j``: Eq. (8) is lowest order in M and
      needs ``|M| << w``; such a level's contribution is computed exactly as the
      formula says (not dropped), but the physics wants the electrons' e-ph
      self-energy (band-edge states of a long chain, Lifshitz tails);
    * where a level with ``g_j > 0`` is narrower than the pole expansion
      resolves (``Im z_j > -DECOUPLED * scale``, so it is treated as decoupled
      and its spectral weight is dropped) but its broadening is genuine
      (``w_j > RESOLVED_WIDTH * scale``, above the round-off of the
      eigenvectors): then the weight lost is real.

    Levels that no electrode broadens (``w_j`` at round-off) carry no spectral
    weight and are never reported; a genuine broadening below ``RESOLVED_WIDTH``
    cannot be told from round-off in double precision (the ``dps=`` path
    resolves it).  ``scale = max(1, max|H_eff|)``.  Returns the indices of the
    levels warned about.
    """
    h_eff = H - 0.5j * gamma
    z, right = np.linalg.eig(h_eff)
    try:
        left = np.linalg.inv(right)
    except np.linalg.LinAlgError:
        return np.zeros(0, int)              # defective: the expansion itself raises
    return _check_eigenstates(z, right, left, gamma, M, max(1.0, float(np.abs(h_eff).max())))


def _check_eigenstates(z, right, left, gamma, M, scale):
    """:func:`check_level_widths` on a given eigensystem of ``H_eff`` (all N levels)."""
    norms = np.einsum("ij,ij->j", right.conj(), right).real
    width = np.einsum("ij,ik,kj->j", right.conj(), gamma, right).real / norms
    coupling = np.zeros(z.size)
    for mat in M:
        nz = np.asarray(mat != 0)
        rows = np.flatnonzero(nz.any(axis=1))
        cols = np.flatnonzero(nz.any(axis=0))
        if rows.size and cols.size:
            diag = np.einsum("ja,ab,bj->j", left[:, rows], mat[np.ix_(rows, cols)],
                             right[cols, :])
            np.maximum(coupling, np.abs(diag), out=coupling)
    kept = z.imag < -DECOUPLED * scale
    narrow = kept & (width < WIDTH_RATIO * coupling)
    # a dropped level is reported only if its broadening is clearly above the round-off
    # of the eigenvectors (levels that no electrode broadens come out at up to ~3e-16)
    dropped = ~kept & (width > RESOLVED_WIDTH * scale) & (coupling > 0)
    bad = np.flatnonzero(narrow | dropped)
    if bad.size:
        worst = bad[np.argmin(width[bad] / np.maximum(coupling[bad], 1e-300))]
        what = [f"{bad.size} level(s) have a broadening far below their e-ph coupling "
                f"(the narrowest: E = {z[worst].real:.6g}, width {width[worst]:.2g}, "
                f"coupling {coupling[worst]:.2g}; ratio < {WIDTH_RATIO:g})"]
        if dropped.any():
            what.append(f"{np.count_nonzero(dropped)} of them narrower than the pole "
                        f"expansion resolves (|Im z| < {DECOUPLED:g} of the scale): treated "
                        "as decoupled, their spectral weight is dropped")
        else:
            what.append("they are kept, exactly as Eq. (8) has them")
        warnings.warn("; ".join(what) + ". Eq. (8) is lowest order in the e-ph coupling and "
                      "needs it small against the level widths: there it does not hold "
                      "(the electrons' e-ph self-energy would be needed)",
                      ValidityWarning, stacklevel=4)
    return bad


def _numpy_eigensystem(h_eff, gamma=None, M=None):
    """``(z, R, L, basis)`` of the broadened levels, double precision, with the
    exceptional-point check of :data:`MAX_CONDITION` and, given ``gamma`` and
    ``M``, the validity check of the level widths (:func:`check_level_widths`)
    on the same eigensystem."""
    z, right = np.linalg.eig(h_eff)
    scale = max(1.0, float(np.abs(h_eff).max()))
    cond = np.linalg.cond(right)
    if not cond <= MAX_CONDITION:
        raise ModelError(
            "H - i(gamma_L + gamma_R)/2 is at or near an exceptional point (eigenvector "
            f"condition number {cond:.2g} > {MAX_CONDITION:g}): its pole expansion would lose "
            f"~{min(cond, 1e16) ** 2 * 1e-16:.0e} relative accuracy; move H or the broadenings "
            "away from the exceptional point")
    keep = z.imag < -DECOUPLED * scale      # decoupled levels: zero spectral weight
    left = np.linalg.inv(right)
    if gamma is not None:
        _check_eigenstates(z, right, left, gamma, M, scale)
    z, right, left = z[keep], right[:, keep], left[keep, :]
    basis = None if keep.all() else np.linalg.qr(right)[0]
    return z, right, left, basis


def _mpmath_eigensystem(h_eff):
    """``(z, R, L)`` of the broadened levels as object arrays, at the current precision."""
    import mpmath as mp
    z, right = mp.eig(mp.matrix(h_eff.tolist()))
    try:
        left = mp.inverse(right)
    except ZeroDivisionError as exc:
        raise ModelError("H - i(gamma_L + gamma_R)/2 is defective (exceptional point): "
                         "no pole expansion") from exc
    scale = max(mp.mpf(1), max(abs(x) for x in h_eff.flat))
    tol = mp.mpf(10) ** (5 - mp.mp.dps) * scale
    keep = [j for j in range(len(z)) if mp.im(z[j]) < -tol]
    z = np.array([mp.mpc(z[j]) for j in keep], dtype=object)
    right = np.array(right.tolist(), dtype=object)[:, keep]
    left = np.array(left.tolist(), dtype=object)[keep, :]
    return z, right, left


def from_eigensystem(z, right, left, gamma_L, gamma_R, M, *, backend="numpy", model=None,
                     basis=None, simplify=None) -> PoleExpansion:
    """The rank-one residues and pole-basis couplings from ``H_eff = R diag(z) L``.

    The one construction of the expansion (module docstring), for complex arrays
    or object arrays of mpmath or SymPy numbers: ``z`` (n,) are the eigenvalues
    of the broadened levels (``Im z < 0``), ``right`` (N, n) and ``left`` (n, N)
    their right and left eigenvectors with ``left @ right = 1``; ``gamma_L``,
    ``gamma_R`` (N, N) and ``M`` (K, N, N) the model's matrices.  ``simplify``
    (object entries) is applied to every entry of the residue rows ``s^a_j``
    and of the couplings.
    """
    def tidy(a):
        return a if simplify is None else np.vectorize(simplify, otypes=[object])(a)

    gap = z[:, None] - np.conj(z)[None, :]                  # z_j - conj(z_k), Im < 0
    r_dag = np.conj(right).T
    u_side, v_side = {}, {}
    for name, gamma in (("L", gamma_L), ("R", gamma_R)):
        d = (left @ gamma @ np.conj(left).T) / gap          # (l_j Gamma l_k^+) / (z_j - conj z_k)
        s_rows = tidy(d @ r_dag)                            # W_{z_j} = r_j s_j
        u_side[name] = np.concatenate([right, np.conj(s_rows).T], axis=1)      # (N, P)
        v_side[name] = np.concatenate([s_rows, r_dag], axis=0)                 # (P, N)
    poles = np.concatenate([z, np.conj(z)])
    family = np.concatenate([-np.ones(z.size), np.ones(z.size)])
    root = _spin_root(model, backend)
    couplings = {}
    for a in "LR":
        for b in "LR":
            c = _pole_basis_couplings(v_side[a], M, u_side[b])
            couplings[(a, b)] = tidy(c if root == 1 else c * root)
    return PoleExpansion(poles, family, u_side, v_side, couplings, model, basis, backend)


def _spin_root(model, backend):
    """``sqrt(g_s)`` in the backend's numbers (1 when spinless): every spectrum is a
    product of two couplings, so couplings times ``sqrt(g_s)`` give ``g_s`` times the
    spinless spectra (``model.spin_degeneracy``; :class:`~symehp.model.Junction`)."""
    spin = getattr(model, "spin_degeneracy", 1)
    if spin == 1:
        return 1
    if backend == "mpmath":
        import mpmath as mp
        return mp.sqrt(spin)
    if backend == "sympy":
        import sympy as sp
        return sp.sqrt(spin)
    if backend == "arb":
        import flint
        return flint.arb(spin).sqrt()
    return np.sqrt(float(spin))


def _pole_basis_couplings(v, M, u):
    """``C_m = V M^m U`` for every mode, (K, P, P), using each ``M^m``'s support.

    A mode moves a few atoms, so ``M^m`` is non-zero on a few rows and columns
    only: ``V[:, rows] M^m[rows, cols] U[cols, :]`` costs O(P^2 s) instead of
    O(P N^2 + P^2 N) per mode (s the size of the support), e.g. 5e5 instead of
    5e7 operations for a 3-site mode at N = 200.
    """
    out = np.zeros((len(M), v.shape[0], u.shape[1]), dtype=np.result_type(v, M, u))
    for m, mat in enumerate(M):
        nonzero = np.asarray(mat != 0)
        rows = np.flatnonzero(nonzero.any(axis=1))
        cols = np.flatnonzero(nonzero.any(axis=0))
        if rows.size and cols.size:
            out[m] = (v[:, rows] @ mat[np.ix_(rows, cols)]) @ u[cols, :]
    return out
