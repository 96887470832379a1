"""The elastic Landauer transmission, and the device Green's function with any leads.

``G^r(E) = [E - H - Sigma_L(E) - Sigma_R(E)]^-1`` with the self-energies of the
model's leads (:mod:`symehp.leads`: wide band, semi-infinite chains, user
functions), and ``T(E) = tr[Gamma_L G^r Gamma_R G^a]``.

:class:`Electrodes` holds the leads of a model at one pair of chemical potentials
(which matters only for leads that follow the bias) and solves
``(E - H - Sigma) W = P`` for the fixed bases ``P`` of the orbitals each lead
broadens (``Gamma_a(E) = P_a gamma_a(E) P_a^dagger``, ``A_a = W_a gamma_a W_a^dagger``
with ``W_a = G^r P_a``): N x r solves instead of N x N inverses.  It serves
:func:`transmission` and the EHP spectra of :mod:`.lead_spectra`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._args import broadcast_parameters, numeric_model, real_array
from ..model import Junction, NumericJunction

__all__ = ["transmission", "Electrodes"]

#: energies per batched solve (bounds the temporaries)
_CHUNK = 4096


class Electrodes:
    """The two leads of a numeric model at chemical potentials ``mu_L``, ``mu_R`` (floats).

    Parameters
    ----------
    numeric : NumericJunction
    mu_L, mu_R : float
        Only leads with ``follow_bias=True`` depend on them.
    """

    def __init__(self, numeric, mu_L=0.0, mu_R=0.0):
        self.numeric = numeric
        self.H = numeric.H
        self.leads = {"L": numeric.lead_L, "R": numeric.lead_R}
        self.mu = {"L": float(mu_L), "R": float(mu_R)}
        self.basis = {side: np.ascontiguousarray(lead.basis) for side, lead in self.leads.items()}
        self._eye = np.eye(numeric.N)

    def sigma(self, E):
        """``Sigma_L(E) + Sigma_R(E)``, shape ``E.shape + (N, N)``."""
        return sum(lead.sigma(E, self.mu[side]) for side, lead in self.leads.items())

    def gamma(self, side, E):
        """``gamma_a(E) = P_a^dagger Gamma_a(E) P_a``, shape ``E.shape + (r_a, r_a)``."""
        return self.leads[side].reduced_gamma(E, self.mu[side])

    def support(self, side):
        """The interval outside which ``Gamma_a(E) = 0``."""
        return self.leads[side].support_at(self.mu[side])

    @property
    def band_edges(self):
        """The energies where either self-energy is not analytic (sorted array)."""
        edges = [self.leads[s].band_edges_at(self.mu[s]) for s in "LR"]
        return np.unique(np.concatenate([np.asarray(e, float) for e in edges]))

    def solve(self, E, rhs):
        """``W = G^r(E) rhs`` for a 1-d array of energies ``E``: shape ``(E.size, N, r)``.

        ``rhs`` is (N, r).  An energy where ``E - H - Sigma`` is exactly singular (a
        real pole of ``G^r``: a bound state, which no lead broadens and which
        carries no spectral weight of a lead that could broaden it) is moved to the
        next double above it."""
        E = np.asarray(E, float).ravel()
        out = np.empty((E.size,) + rhs.shape, dtype=complex)
        for start in range(0, E.size, _CHUNK):
            part = E[start:start + _CHUNK]
            out[start:start + _CHUNK] = self._solve(part, rhs)
        return out

    def _solve(self, E, rhs):
        n = self.H.shape[0]
        mat = np.empty((E.size, n, n), dtype=complex)
        mat[...] = -self.H
        mat.reshape(E.size, n * n)[:, ::n + 1] += E[:, None]
        for side, lead in self.leads.items():
            lead.subtract_sigma(mat, E, self.mu[side])
        b = np.broadcast_to(rhs, (E.size,) + rhs.shape)
        try:
            return np.linalg.solve(mat, b)
        except np.linalg.LinAlgError:
            out = np.empty(b.shape, dtype=complex)
            for i, e in enumerate(E):
                for _ in range(8):
                    try:
                        out[i] = np.linalg.solve(
                            e * self._eye - self.H - self.sigma(np.array([e]))[0], rhs)
                        break
                    except np.linalg.LinAlgError:
                        e = np.nextafter(e, np.inf)
                else:                                               # pragma: no cover
                    out[i] = 0.0
            return out


def transmission(model: Junction | NumericJunction, E: ArrayLike, *, mu_L: ArrayLike = 0.0,
                 mu_R: ArrayLike = 0.0) -> np.ndarray | float:
    """Elastic Landauer transmission ``T(E) = tr[Gamma_L G^r Gamma_R G^a]``.

    ``G^r(E) = [E - H - Sigma_L(E) - Sigma_R(E)]^-1`` with the model's leads
    (wide-band: ``Sigma_a = -i Gamma_a / 2``, giving the Breit-Wigner form for one
    level; energy-dependent: :mod:`symehp.leads`), ``Gamma_a = i(Sigma_a - Sigma_a^dagger)``.
    Per spin: the conductance is ``g_s T(E_F)`` conductance quanta ``e^2/h``
    (``g_s`` = the model's ``spin_degeneracy``).

    Parameters
    ----------
    model : Junction or NumericJunction
        A numeric model.
    E : array_like
        Real electron energies (energy units).
    mu_L, mu_R : array_like
        Chemical potentials of the electrodes; they matter only for leads made with
        ``follow_bias=True`` (their bands move with them).  Broadcast with ``E``.

    Returns
    -------
    float or ndarray
        ``T >= 0`` (real), of the broadcast shape of ``E``, ``mu_L``, ``mu_R``; a
        float for scalar input.
    """
    numeric = numeric_model(model, energy_dependent_leads=True)
    E = real_array(E, "E")
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    E, mu_L, mu_R = broadcast_parameters(E=E, mu_L=mu_L, mu_R=mu_R)
    shape = E.shape
    out = np.empty(E.size)
    flat = [np.ravel(x) for x in (E, mu_L, mu_R)]
    follows = any(getattr(numeric, f"lead_{s}").follow_bias for s in "LR")
    groups = (np.unique(np.stack(flat[1:], axis=-1), axis=0, return_inverse=True)
              if follows else (np.zeros((1, 2)), np.zeros(E.size, dtype=int)))
    pairs, which = groups
    which = np.ravel(which)
    for g, (ml, mr) in enumerate(pairs):
        sel = np.flatnonzero(which == g)
        electrodes = Electrodes(numeric, ml, mr)
        e = flat[0][sel]
        w_r = electrodes.solve(e, electrodes.basis["R"])              # G P_R
        q = np.einsum("ia,nib->nab", np.conj(electrodes.basis["L"]), w_r)   # P_L^+ G P_R
        g_l, g_r = electrodes.gamma("L", e), electrodes.gamma("R", e)
        t = np.einsum("nab,nbc,ncd,nad->n", g_l, q, g_r, np.conj(q))   # tr[g_L Q g_R Q^+]
        out[sel] = t.real
    out = out.reshape(shape)
    return float(out) if out.ndim == 0 else out
