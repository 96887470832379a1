"""The modes' effective dynamical matrix with the electrons' self-energy, and its eigenmodes.

``D^r(w) = [w^2 - Dyn(w)]^-1`` with the K x K dynamical matrix (docs/conventions.md,
"Dressed modes")::

    Dyn(w) = diag(Omega_k^2) + Pi^r_ph(w) + sum_ab Pi^r_ab(w),   Pi^r_ph = -i w diag(gamma_ph),

``Pi^r_ab`` the retarded electron-hole bubble of channel ab (:func:`symehp.ehp_self_energy`,
lowest order in ``M``, wide-band leads).  Units: energy^2 (squared frequencies of
mass-weighted modes).  ``i (Dyn - Dyn^+) = Gamma_ph + sum_ab Lambda^{ab}``: the total
damping.

The eigenfrequencies are the roots ``z`` (``Re z > 0``) of ``det[z^2 - Dyn(z)] = 0``.
``Dyn`` is known on the real axis only (its continuation to complex ``z`` would need
the bubble off the axis), so each root is found self-consistently with the
self-energy taken at the real part: ``z = sqrt(lambda_j(Dyn(Re z)))`` (principal root),
iterated from the bare ``Omega_k`` and following, at every step, the eigenvalue whose
root is closest to the current ``z``.  The error of that approximation is
``Im z * dDyn/dw / (2 z)``, second order in the self-energy (``Im z`` is itself
first order): the roots are exact to first order in ``Pi``, which is the order of
``Pi`` itself.  Convention ``D^r ~ exp(-i z t)``: ``Im z < 0`` decays, ``Im z > 0``
grows (a current-driven runaway).  A root that converges onto the imaginary axis (the
static part of ``Pi^r`` makes an eigenvalue of ``Dyn(0)`` negative: a static, soft-mode
instability) is one of the pair ``+-i|z|`` and is reported as the growing one.  The
method assumes underdamped roots (``|Im z| < Re z``); an overdamped root is outside it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

from ..errors import ParameterError
from ..model import Junction, NumericJunction
from ._args import electrode_temperatures, numeric_model, real_array
from .self_energy import ehp_self_energy

__all__ = ["dynamical_matrix", "mode_eigenfrequencies", "ModeEigenmodes"]

#: the self-consistent iteration of a root stops when it moves by less than this
#: (relative to the largest bare frequency) ...
ROOT_TOL = 1e-13
#: ... or after this many steps (a warning says it did not settle)
MAX_ITER = 200
#: a root with Re z below this (relative to the largest bare frequency) is on the
#: imaginary axis: a static instability, reported as the growing member of +-i|z|
STATIC_TOL = 1e-10


def dynamical_matrix(model: Junction | NumericJunction, omega: ArrayLike, *, mu_L: ArrayLike,
                     mu_R: ArrayLike, T_e: ArrayLike | None = None,
                     T_L: ArrayLike | None = None, T_R: ArrayLike | None = None) -> np.ndarray:
    """The modes' effective dynamical matrix ``Dyn(omega)``, so that ``D^r = [omega^2 - Dyn]^-1``.

    ``Dyn(w) = diag(Omega_k^2) - i w diag(gamma_ph) + sum_ab Pi^r_ab(w)`` with the
    electrons' retarded self-energy of the four EHP channels
    (:func:`symehp.ehp_self_energy`, lowest order: the electron-hole bubble).  Its
    anti-Hermitian part is minus half the total damping: ``i (Dyn - Dyn^+) =
    Gamma_ph(w) + sum_ab Lambda^{ab}(w)``; its Hermitian part shifts and couples the
    modes (the static part of ``Pi^r`` included).

    Parameters
    ----------
    model : Junction
        A numeric model with wide-band leads; every level broadened.
    omega : array_like
        Real frequency (energy units).
    mu_L, mu_R : array_like
        Chemical potentials (``eV = mu_L - mu_R``).
    T_e, T_L, T_R : array_like
        Electron temperature(s): ``T_e`` for both electrodes, or ``T_L`` and ``T_R``.

    Returns
    -------
    ndarray, complex, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``
        Energy^2 (hbar = 1).  At ``omega -> -omega`` it goes to its complex conjugate.
    """
    numeric = numeric_model(model)
    out = ehp_self_energy(numeric, "total", omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L,
                          T_R=T_R, backend="numpy")
    return add_bare(numeric, omega, out)


def add_bare(numeric, omega, pi):
    """``Dyn = diag(Omega^2) - i omega diag(gamma_ph) + pi`` in place: the modes' bare
    dynamical matrix added to the electrons' self-energy ``pi`` (..., K, K) at ``omega``
    (broadcast to ``pi.shape[:-2]``); returns ``pi``."""
    w = np.broadcast_to(np.asarray(omega, float), pi.shape[:-2])[..., None]
    k = np.arange(numeric.K)
    pi[..., k, k] += np.asarray(numeric.omega, float) ** 2 - 1j * w * np.asarray(
        numeric.gamma_ph, float)
    return pi


@dataclass(frozen=True, eq=False)
class ModeEigenmodes:
    """The eigenmodes of ``det[z^2 - Dyn(z)] = 0`` at one bias point.

    Attributes
    ----------
    frequencies : ndarray, complex, (K,)
        The K roots with ``Re z > 0``, in the order of the bare modes they continue
        (root ``k`` starts from ``Omega_k``).  ``D^r ~ exp(-i z t)``: ``-Im z`` is
        half the energy decay rate of the mode (``gamma_ph / 2`` for the bare bath).
    vectors : ndarray, complex, (K, K)
        Right eigenvectors (columns, unit 2-norm) of ``Dyn(Re z_k)``: column ``k`` is
        the displacement pattern of root ``k``.
    growth_rate : float
        ``max_k Im z_k`` (energy units): ``> 0`` means a growing (runaway) mode.
    stable : bool
        ``growth_rate < 0``.
    unstable_mode : int or None
        The index of the fastest-growing root when unstable, else None.
    iterations : ndarray, int, (K,)
        Steps of the self-consistent iteration of each root.
    """

    frequencies: np.ndarray
    vectors: np.ndarray
    growth_rate: float
    stable: bool
    unstable_mode: int | None
    iterations: np.ndarray


def _scalar(value, name, nonnegative=False):
    arr = real_array(value, name, nonnegative=nonnegative)
    if arr.ndim != 0:
        raise ParameterError(
            f"{name} must be a single number here (mode_eigenfrequencies and "
            f"mode_steady_state take one bias point; loop over the points), got an array of "
            f"shape {arr.shape}")
    return float(arr)


def scalar_point(mu_L, mu_R, T_e, T_L, T_R):
    """``(mu_L, mu_R, T_L, T_R)`` as floats, checked, one bias point (ParameterError otherwise)."""
    t_l, t_r = electrode_temperatures(T_e, T_L, T_R)
    names = ("T_e", "T_e") if T_e is not None else ("T_L", "T_R")
    return (_scalar(mu_L, "mu_L"), _scalar(mu_R, "mu_R"), _scalar(t_l, names[0], True),
            _scalar(t_r, names[1], True))


def _roots(dyn):
    """Eigenvalues, eigenvectors and principal square roots of one K x K matrix."""
    lam, vec = np.linalg.eig(dyn)
    return lam, vec, np.sqrt(lam.astype(complex))


def mode_eigenfrequencies(model: Junction | NumericJunction, *, mu_L: float, mu_R: float,
                          T_e: float | None = None, T_L: float | None = None,
                          T_R: float | None = None) -> ModeEigenmodes:
    """Complex eigenfrequencies of the dressed modes: roots of ``det[z^2 - Dyn(z)] = 0``.

    Each of the K roots is found self-consistently from the bare ``Omega_k``:
    ``z <- sqrt(lambda_j(Dyn(Re z)))``, following the eigenvalue ``j`` whose principal
    root is closest to the current ``z``, until ``z`` moves by less than
    ``ROOT_TOL * max Omega`` (module docstring).  The self-energy is evaluated at the
    real part ``Re z`` (the only place it is known): exact to first order in the
    self-energy, the order at which it is computed.

    Parameters
    ----------
    model : Junction
        A numeric model with wide-band leads.
    mu_L, mu_R, T_e, T_L, T_R : float
        One bias point (scalars; arrays raise :class:`~symehp.errors.ParameterError`).

    Returns
    -------
    ModeEigenmodes
        ``.frequencies`` (K,) complex (energy units), ``.vectors``, ``.growth_rate``
        (``max Im z``; ``> 0``: a growing mode in the ``D^r ~ exp(-i z t)``
        convention), ``.stable``, ``.unstable_mode``.
    """
    numeric = numeric_model(model)
    mu_L, mu_R, T_L, T_R = scalar_point(mu_L, mu_R, T_e, T_L, T_R)
    bare = np.asarray(numeric.omega, float)
    scale = float(np.max(bare))
    k_modes = numeric.K
    freqs = np.empty(k_modes, dtype=complex)
    vectors = np.empty((k_modes, k_modes), dtype=complex)
    iterations = np.zeros(k_modes, dtype=int)

    def dyn(x):
        return dynamical_matrix(numeric, x, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)

    # all K roots at once: root k takes, among the K roots of Dyn(Re z_k), the one that an
    # optimal matching of those roots to the current K estimates gives it (so two roots
    # never collapse onto one eigenvalue)
    z = bare.astype(complex)
    done = np.zeros(k_modes, dtype=bool)
    for it in range(1, MAX_ITER + 1):
        z_new = z.copy()
        for k in np.nonzero(~done)[0]:
            _, vecs, roots = _roots(dyn(max(z[k].real, 0.0)))
            rows, cols = linear_sum_assignment(np.abs(roots[:, None] - z[None, :]))
            j = int(rows[np.nonzero(cols == k)[0][0]])
            z_new[k], vectors[:, k] = roots[j], vecs[:, j]
            iterations[k] = it
        moved = np.abs(z_new - z)
        z = z_new
        done |= moved <= ROOT_TOL * scale
        if done.all():
            break
    else:
        warnings.warn(f"mode_eigenfrequencies: roots {np.nonzero(~done)[0].tolist()} did not "
                      f"settle in {MAX_ITER} steps (last step {float(np.max(moved)):.3g}); "
                      "returning the last values", RuntimeWarning, stacklevel=2)
    # a root on the imaginary axis (the renormalized stiffness has a negative eigenvalue:
    # a static instability, Dyn(0) real) is one of the pair +-i|z|: the growing one counts
    static = z.real <= STATIC_TOL * scale
    z[static] = 1j * np.abs(z[static].imag)
    freqs[:] = z
    vectors /= np.linalg.norm(vectors, axis=0)[None, :]
    growth = float(np.max(freqs.imag))
    stable = growth < 0
    return ModeEigenmodes(frequencies=freqs, vectors=vectors, growth_rate=growth,
                          stable=bool(stable),
                          unstable_mode=None if stable else int(np.argmax(freqs.imag)),
                          iterations=iterations)
