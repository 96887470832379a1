"""Pole-residue form of the wide-band spectral functions, compiled per model.

With wide-band leads ``G^r(e) = [e - H_eff]^-1``, ``H_eff = H - i (Gamma_L + Gamma_R)/2``.
Diagonalizing ``H_eff = R diag(z) R^-1`` (all ``Im z_j < 0``) gives
``G^r = sum_j P_j / (e - z_j)`` with rank-one ``P_j``, and then exactly

    A_a(e) = G^r Gamma_a G^a = sum_p W^a_p / (e - p),

over the 2N poles ``p in {z_j, conj(z_j)}``, with ``W^a`` for ``conj(z_j)`` the
Hermitian conjugate of that for ``z_j``.  The EHP kernel of Eq. (7) is then

    tr[M^m A_a(e) M^n A_b(e - w)] = sum_{p,q} T^{ab}_{mn,pq} / ((e - p)(e - w - q)),
    T^{ab}_{mn,pq} = tr[M^m W^a_p M^n W^b_q],

so every energy integral is a sum of the closed forms of
:mod:`symehp.numeric.fermi_integrals`.  Levels that decouple from both leads
(real eigenvalues of ``H_eff``) carry no spectral weight and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ModelError

__all__ = ["PoleExpansion", "pole_expansion"]

#: condition number of the eigenvector matrix beyond which H_eff counts as defective:
#: near an exceptional point the pole expansion loses ~cond^2 * 1e-16 (relative),
#: so 1e4 still leaves the 1e-8 accuracy that the currents promise
MAX_CONDITION = 1e4


@dataclass(frozen=True, eq=False)
class PoleExpansion:
    """Poles, families and residue traces of one numeric model.

    Attributes
    ----------
    poles : (P,) complex
        The poles ``z_j`` (lower half-plane) followed by their conjugates.
    family : (P,) float
        ``+1`` for poles in the upper half-plane, ``-1`` for the lower one.
    residues : dict electrode -> (P, N, N) complex
        ``W^a_p`` with ``A_a(e) = sum_p W^a_p / (e - p)``.
    traces : dict (alpha, beta) -> (K, K, P, P) complex
        ``T^{ab}_{mn,pq} = tr[M^m W^a_p M^n W^b_q]``.
    """

    poles: np.ndarray
    family: np.ndarray
    residues: dict
    traces: dict
    model: object = None        # the NumericJunction it came from

    def direct_kernel(self, alpha, beta, energy, omega):
        """``tr[M^m A_a(e) M^n A_b(e - w)]`` from batched matrix inverses.

        Free of the cancellation that a sum over poles suffers when all poles
        lie far from ``energy`` (narrow, off-resonant levels): the route of the
        quadrature fallback.  Shape ``broadcast(e, w).shape + (K, K)``.
        """
        m = self.model
        e, w = np.broadcast_arrays(np.asarray(energy, float), np.asarray(omega, float))
        h_eff = m.H - 0.5j * (m.gamma_L + m.gamma_R)
        eye = np.eye(m.N)
        gammas = {"L": m.gamma_L, "R": m.gamma_R}

        def spectral(name, x):
            g = np.linalg.inv(x[..., None, None] * eye - h_eff)
            return g @ gammas[name] @ np.conj(np.swapaxes(g, -1, -2))

        return np.einsum("mij,...jk,nkl,...li->...mn", m.M, spectral(alpha, e), m.M,
                         spectral(beta, e - w))

    def spectral(self, electrode, energy):
        """``A_a(energy)`` evaluated from the poles, shape ``energy.shape + (N, N)``."""
        e = np.asarray(energy, dtype=float)[..., None]
        weights = 1.0 / (e - self.poles)
        return np.einsum("...p,pij->...ij", weights, self.residues[electrode])

    def kernel(self, alpha, beta, energy, omega):
        """``tr[M^m A_a(e) M^n A_b(e - w)]``, shape ``broadcast(e, w).shape + (K, K)``."""
        e, w = np.broadcast_arrays(np.asarray(energy, float), np.asarray(omega, float))
        left = 1.0 / (e[..., None] - self.poles)
        right = 1.0 / ((e - w)[..., None] - self.poles)
        return np.einsum("...p,...q,mnpq->...mn", left, right, self.traces[(alpha, beta)])


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
    proj = np.einsum("ij,jk->jik", right, left)            # P_j = R[:, j] L[j, :]
    gap = z[:, None] - z.conj()[None, :]                    # z_j - conj(z_k), Im < 0
    residues = {}
    for name, gamma in (("L", model.gamma_L), ("R", model.gamma_R)):
        c = np.einsum("jab,bc,kdc->jkad", proj, gamma, proj.conj())   # P_j Gamma P_k^+
        upper = np.einsum("jkad,jk->jad", c, 1.0 / gap)              # residue at z_j
        residues[name] = np.concatenate([upper, upper.conj().transpose(0, 2, 1)])
    poles = np.concatenate([z, z.conj()])
    family = np.concatenate([-np.ones(z.size), np.ones(z.size)])
    traces = {}
    for a in "LR":
        for b in "LR":
            traces[(a, b)] = np.einsum("mij,pjk,nkl,qli->mnpq", model.M, residues[a],
                                       model.M, residues[b])
    return PoleExpansion(poles, family, residues, traces, model)
