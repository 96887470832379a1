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
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np

from ..errors import ModelError

__all__ = ["PoleExpansion", "pole_expansion"]

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
        levels decouple (None: all N are broadened).

    ``residues`` (P, N, N per electrode) and ``traces`` (K, K, P, P per channel)
    are built from these on first access (O(N^3) and O(K^2 N^2) numbers: for
    small models and checks, not for the inner loops).
    """

    def __init__(self, poles, family, u, v, couplings, model=None, basis=None):
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
        """``tr[M^m A_a(e) M^n A_b(e - w)]`` from batched matrix inverses.

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
        return np.einsum("...mij,...nji->...mn", left, right)

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


def pole_expansion(numeric_model) -> PoleExpansion:
    """The :class:`PoleExpansion` of a :class:`~symehp.model.NumericJunction` (cached)."""
    return _cached(numeric_model.key, numeric_model)


@lru_cache(maxsize=64)
def _cached(key, model):
    del key  # the cache key: a hash of every number in the model
    h_eff = model.H - 0.5j * (model.gamma_L + model.gamma_R)
    z, right = np.linalg.eig(h_eff)
    scale = max(1.0, float(np.abs(h_eff).max()))
    cond = np.linalg.cond(right)
    if not cond <= MAX_CONDITION:
        raise ModelError(
            "H - i(gamma_L + gamma_R)/2 is at or near an exceptional point (eigenvector "
            f"condition number {cond:.2g} > {MAX_CONDITION:g}): its pole expansion would lose "
            f"~{min(cond, 1e16) ** 2 * 1e-16:.0e} relative accuracy; move H or the broadenings "
            "away from the exceptional point")
    keep = z.imag < -1e-13 * scale          # decoupled levels: zero spectral weight
    left = np.linalg.inv(right)
    z, right, left = z[keep], right[:, keep], left[keep, :]
    basis = None if keep.all() else np.linalg.qr(right)[0]
    gap = z[:, None] - z.conj()[None, :]                    # z_j - conj(z_k), Im < 0
    r_dag = right.conj().T
    u_side, v_side = {}, {}
    for name, gamma in (("L", model.gamma_L), ("R", model.gamma_R)):
        d = (left @ gamma @ left.conj().T) / gap            # (l_j Gamma l_k^+) / (z_j - conj z_k)
        s_rows = d @ r_dag                                  # W_{z_j} = r_j s_j
        u_side[name] = np.concatenate([right, s_rows.conj().T], axis=1)      # (N, P)
        v_side[name] = np.concatenate([s_rows, r_dag], axis=0)               # (P, N)
    poles = np.concatenate([z, z.conj()])
    family = np.concatenate([-np.ones(z.size), np.ones(z.size)])
    couplings = {}
    for a in "LR":
        for b in "LR":
            # C^{ab}_m = V^a M^m U^b, one (P, N) x (N, N) x (N, P) product per mode
            couplings[(a, b)] = np.matmul(v_side[a][None] @ model.M, u_side[b][None])
    return PoleExpansion(poles, family, u_side, v_side, couplings, model, basis)
