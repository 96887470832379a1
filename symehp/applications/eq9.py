"""Eq. (9) from a junction model: the effective dynamical matrix and its coefficients.

The paper's Eq. (9) parameterizes the effective dynamical matrix of two modes coupled
through the biased electrons by ``Omega, delta, gamma, a, b, c``
(:mod:`symehp.applications.two_modes` holds that matrix and its exceptional point).
Here the matrix is computed for a two-mode junction from the lowest-order electronic
self-energy :func:`symehp.ehp_self_energy` plus the ohmic ph bath, and the Eq. (9)
coefficients it implies are read off:

* :func:`effective_dynamical_matrix` - ``D9 = conj(diag(Omega_k^2) + Pi^r_ph + Pi^r)``
  at ``mu_L = V/2 = -mu_R`` (the conjugate turns the ``D^r`` damping ``-i omega gamma``
  into Eq. (9)'s ``+i gamma``);
* :func:`eq9_coefficients` / :class:`Eq9Coefficients` - diagonal -> ``Omega``, ``delta``,
  ``gamma``; antisymmetric odd in ``V`` -> ``V (a + i b Omega)``; symmetric off-diagonal
  -> ``i c Omega`` (plus a static ``kappa`` that Eq. (9) lacks);
  :meth:`Eq9Coefficients.matrix` is :func:`~symehp.applications.two_modes.dynamical_matrix`;
* :func:`bias_induced_coupling` - the curl coupling ``P(V, omega)``;
* :func:`flat_dos_a` and :func:`paper_a` - the flat-DOS ``a`` with Eq. (7)'s
  normalization, and as printed below Eq. (9) (``-2`` times the former).

The derivation (Kubo bubble, the normalization, which prefactor is right, the flat-DOS
bound ``|a| <= 2 sqrt(gamma_e1 gamma_e2)``) is in ``docs/conventions.md``, section
"Mode coupling and Eq. (9)", and :mod:`symehp.derivations.mode_coupling`.

Units (hbar = e = k_B = 1): energies, frequencies, temperatures, chemical potentials and
the bias ``eV = mu_L - mu_R`` share one unit; self-energies and the entries of ``D9`` are
squared frequencies (``u_k`` mass-weighted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelError, ParameterError
from ..numeric._args import numeric_model, real_array
from ..numeric.self_energy import _expansion, ehp_self_energy
from ..numeric.self_energy_quadrature import quadrature_self_energy
from .two_modes import _matrix as _eq9_matrix

__all__ = ["bias_induced_coupling", "eq9_coefficients", "Eq9Coefficients", "paper_a",
           "flat_dos_a", "effective_dynamical_matrix"]

_TWO_PI = 2 * np.pi
_ROUTES = ("poles", "quadrature")
FREQUENCIES = ("adiabatic", "mode")
#: self-consistency of the evaluation frequency w* = Omega
_MAX_ITER = 200
_ITER_TOL = 1e-14


# ----------------------------------------------------------------- checks

def _route(route):
    if route not in _ROUTES:
        raise ParameterError(f"route must be one of {_ROUTES}, got {route!r}")
    return route


def _frequency(frequency):
    if frequency not in FREQUENCIES:
        raise ParameterError(f"frequency must be one of {FREQUENCIES}, got {frequency!r}")
    return frequency


def two_mode_model(model):
    """The numeric model, or a ModelError unless it has exactly two modes."""
    numeric = numeric_model(model)
    if numeric.K != 2:
        raise ModelError(
            f"model has K = {numeric.K} mode(s); the inter-mode coupling and Eq. (9) need exactly "
            "two modes (M must hold two coupling matrices)")
    return numeric


# ----------------------------------------------------------------- the self-energy, by route

def _self_energy(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                 channel=None, route="poles", tol=1e-11):
    """Total (``channel=None``) or one channel's ``Pi^r_mn(omega)``, by ``route``.

    ``"poles"``: the closed form :func:`symehp.ehp_self_energy`; ``"quadrature"``:
    :func:`symehp.numeric.self_energy_quadrature.quadrature_self_energy` (total only).
    Units of ``Lambda`` (squared frequency); shape ``broadcast(...) + (K, K)``.
    """
    numeric = numeric_model(model)
    _route(route)
    if route == "quadrature":
        if channel is not None:
            raise ParameterError("channel: the quadrature route gives only the total self-energy "
                                 "(use route='poles' for a single channel)")
        return quadrature_self_energy(numeric, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L,
                                      T_R=T_R, tol=tol)
    return ehp_self_energy(model, "total" if channel is None else channel, omega,
                           mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L, T_R=T_R)


# ----------------------------------------------------------------- the curl coupling

def _antisymmetric(pi):
    """``(Pi_12 - Pi_21) / 2`` of (..., 2, 2) arrays."""
    return 0.5 * (pi[..., 0, 1] - pi[..., 1, 0])


def bias_induced_coupling(model, *, V, T_e, omega=None, route="poles"):
    """The current-induced "curl" coupling of modes 1 and 2: ``P(V, omega)``.

    The part of the electronic ``Pi^r_12`` that is odd in the bias and
    antisymmetric in the mode indices, with ``mu_L = V/2 = -mu_R``::

        P = [anti(V) - anti(-V)] / 2,   anti = (Pi^r_12 - Pi^r_21) / 2,

    so that it enters the dynamical matrix as ``[[0, P], [-P, 0]]``.

    ``omega=None`` (default) is the quasi-static (adiabatic) limit ``omega -> 0``:
    there ``P`` is real and is exactly half the curl of the current-induced
    force, ``P = (d<X_1>/du_2 - d<X_2>/du_1)/2`` (work ``2 P x area`` per cycle
    around a loop in ``(u_1, u_2)``), equal to
    ``-(1/2pi) int de Im tr[M^1 A_L M^2 A_R] (f_L - f_R)``; this is Eq. (9)'s
    ``V a`` (its ``i V b Omega`` is the next, linear, order in ``omega``).  This
    limit is the default because Eq. (9)'s coefficients are those of the
    adiabatic expansion, and it is the one the paper's flat-DOS ``a`` refers
    to.  A finite ``omega`` (e.g. the mean mode frequency) gives the full
    dynamic coupling, complex: ``Re P`` non-conservative, ``Im P`` Lorentz-like.

    Parameters
    ----------
    model : Junction with K = 2 modes.
    V : array_like
        Bias ``eV = mu_L - mu_R`` (energy units), applied symmetrically.
    T_e : array_like
        Electron temperature (both electrodes), ``>= 0``.
    omega : None or array_like
        Boson frequency; ``None`` means 0.
    route : ``"poles"`` or ``"quadrature"``
        The closed form, or the energy quadrature (a cross-check).

    Returns
    -------
    complex ndarray of shape ``broadcast(V, T_e, omega).shape`` (units of Pi, energy^2).
    """
    two_mode_model(model)
    V = real_array(V, "V")
    omega = np.zeros(()) if omega is None else real_array(omega, "omega")
    plus = _self_energy(model, omega, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, route=route)
    minus = _self_energy(model, omega, mu_L=-V / 2, mu_R=V / 2, T_e=T_e, route=route)
    return 0.5 * (_antisymmetric(plus) - _antisymmetric(minus))


# ----------------------------------------------------------------- flat DOS

def _trace_LR(model, energy):
    numeric = two_mode_model(model)
    energy = real_array(energy, "energy")
    if energy.ndim:
        raise ParameterError("energy must be a single number (the Fermi energy)")
    h_eff = numeric.H - 0.5j * (numeric.gamma_L + numeric.gamma_R)
    g = np.linalg.inv(float(energy) * np.eye(numeric.N) - h_eff)
    a_l = g @ numeric.gamma_L @ g.conj().T
    a_r = g @ numeric.gamma_R @ g.conj().T
    return numeric.spin_degeneracy * np.trace(numeric.M[0] @ a_l @ numeric.M[1] @ a_r)


def paper_a(model, *, energy=0.0):
    """The paper's ``a = Im tr[M^1 A_L M^2 A_R] / pi``, spectral functions at ``energy``.

    Flat-DOS statement below Eq. (9) (``A_a`` taken at the Fermi energy
    ``energy``, default 0 = the midpoint of ``mu_L = V/2``, ``mu_R = -V/2``).
    Units of Pi per unit bias (energy).  See :func:`flat_dos_a` for the value the
    conventions' normalization gives (``-paper_a / 2``).
    """
    return float(np.imag(_trace_LR(model, energy)) / np.pi)


def flat_dos_a(model, *, energy=0.0):
    """Flat-DOS ``a`` with the normalization of Eq. (7): ``-Im tr[M^1 A_L M^2 A_R] / (2 pi)``.

    The exact limit of ``bias_induced_coupling(...) / V`` when ``A_L``, ``A_R``
    do not vary over the bias and thermal window; ``= -paper_a(model) / 2``
    (:mod:`symehp.derivations.mode_coupling`).  Units: energy (``V a`` is a squared
    frequency).
    """
    return float(-np.imag(_trace_LR(model, energy)) / _TWO_PI)


# ----------------------------------------------------------------- the dynamical matrix

def _min_width(numeric):
    return float(np.min(np.abs(_expansion(numeric).poles.imag)))


def _electronic_pi(model, numeric, V, T_e, frequency, route):
    """``w -> Pi^r`` at the biases ``V`` (any shape; ``w`` broadcasts against it): the full
    ``Pi^r(w)`` (``"mode"``) or its first-order Taylor form ``Pi^r(0) + w dPi^r/dw(0)``
    (``"adiabatic"``)."""
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=T_e, route=route)
    if frequency == "mode":
        return lambda w: _self_energy(model, w, **kw)
    # Pi(-w) = conj Pi(w): Re Pi even, Im Pi odd in w, so Pi'(0) = i d(Im Pi)/dw at 0.
    # Richardson on D(h) = Im Pi(h)/h = beta + O(h^2): error O((h/rho)^4), rho = min |Im z|.
    h = 4e-3 * _min_width(numeric)
    V = np.asarray(V)
    pis = _self_energy(model, np.array([0.0, h, 2 * h]).reshape((3,) + (1,) * V.ndim),
                       mu_L=V / 2, mu_R=-V / 2, T_e=T_e, route=route)
    pi0, pi_h, pi_2h = pis
    slope = (4 * pi_h.imag / h - pi_2h.imag / (2 * h)) / 3
    return lambda w: pi0.real + 1j * np.asarray(w)[..., None, None] * slope


def _d9(numeric, pi_of, w):
    """``conj(diag(Omega_k^2) - i w diag(gamma_ph) + Pi^r(w))``: Eq. (9)'s sign convention."""
    w = np.asarray(w, dtype=float)
    bare = (np.diag(numeric.omega ** 2).astype(complex)
            - 1j * w[..., None, None] * np.diag(numeric.gamma_ph))
    return np.conj(bare + pi_of(w))


def _mean_frequency(d9):
    return np.mean(np.sqrt(np.diagonal(d9, axis1=-2, axis2=-1)).real, axis=-1)


def model_matrices(model, V, *, T_e, frequency="adiabatic", omega_eval=None, route="poles"):
    """Eq. (9)-convention dynamical matrices ``D9`` of a two-mode model on an array of biases.

    The vectorized core of :func:`effective_dynamical_matrix` (see there), without its
    scalar checks: ``V`` (any shape, real, energy units), ``T_e`` a scalar.

    Returns
    -------
    (D9, w_eval, pi_of) : ndarray (V.shape + (2, 2)), ndarray (V.shape), callable
        The matrices (squared frequencies), the evaluation frequencies ``w*`` and the
        ``w -> Pi^r`` used.
    """
    numeric = two_mode_model(model)
    V = np.asarray(V, dtype=float)
    pi_of = _electronic_pi(model, numeric, V, T_e, frequency, route)
    if omega_eval is not None:
        w = np.full(V.shape, float(omega_eval))
        return _d9(numeric, pi_of, w), w, pi_of
    w = np.full(V.shape, float(np.mean(numeric.omega)))
    done = np.zeros(V.shape, dtype=bool)
    for _ in range(_MAX_ITER):
        new = _mean_frequency(_d9(numeric, pi_of, w))
        if not np.all(new > 0):
            raise ModelError(
                "the renormalized mean mode frequency is not positive (the electronic "
                "self-energy softens the modes through zero); pass omega_eval explicitly")
        converged = np.abs(new - w) <= _ITER_TOL * new
        w = np.where(done, w, new)
        done |= converged
        if np.all(done):
            return _d9(numeric, pi_of, w), w, pi_of
    raise ModelError("the self-consistent evaluation frequency Omega did not converge; "
                     "pass omega_eval explicitly")


def _scalar_args(V, T_e, frequency, omega_eval, route):
    _frequency(frequency)
    _route(route)
    V = real_array(V, "V")
    if V.ndim:
        raise ParameterError("V must be a single number here")
    t = real_array(T_e, "T_e", nonnegative=True)
    if t.ndim:
        raise ParameterError("T_e must be a single number here")
    if omega_eval is not None:
        omega_eval = real_array(omega_eval, "omega_eval")
        if omega_eval.ndim or not omega_eval > 0:
            raise ParameterError(f"omega_eval must be a single number > 0, got {omega_eval}")
        omega_eval = float(omega_eval)
    return float(V), float(t), omega_eval


def effective_dynamical_matrix(model, *, V, T_e, frequency="adiabatic", omega_eval=None,
                               route="poles"):
    """The 2 x 2 effective dynamical matrix of the model, in Eq. (9)'s sign convention.

    ``D9 = conj(diag(Omega_k^2) + Pi^r_ph(w*) + Pi^r(w*))`` with ``mu_L = V/2 = -mu_R``,
    ``Pi^r_ph(w) = -i w diag(gamma_ph)``.  The complex conjugate maps the ``D^r``
    convention (damping ``-i omega gamma``) onto Eq. (9) as printed (damping
    ``+i``, ``(Omega + i gamma)^2``); it leaves the real parts (frequencies, ``a``)
    unchanged.  ``frequency="adiabatic"`` (default) replaces ``Pi^r(w*)`` by its
    expansion ``Pi^r(0) + w* dPi^r/dw(0)`` (the form Eq. (9) parameterizes);
    ``"mode"`` uses the full ``Pi^r(w*)``.  ``omega_eval=None`` makes ``w*``
    self-consistent: ``w*`` equals the mean renormalized frequency
    ``Omega = mean Re sqrt(D9_kk)`` (fixed-point iteration from the bare mean).

    Parameters
    ----------
    model : Junction with K = 2 modes, every level broadened.
    V, T_e : float
        Bias ``eV`` and electron temperature (energy units).
    frequency : {"adiabatic", "mode"}
    omega_eval : float, optional
        The evaluation frequency ``w*`` (> 0); default self-consistent.
    route : {"poles", "quadrature"}

    Returns
    -------
    (D9, w*) : (2, 2) complex ndarray (squared frequencies), float (energy)
    """
    two_mode_model(model)
    V, t, omega_eval = _scalar_args(V, T_e, frequency, omega_eval, route)
    d9, w, _ = model_matrices(model, V, T_e=t, frequency=frequency, omega_eval=omega_eval,
                              route=route)
    return d9, float(w)


# ----------------------------------------------------------------- Eq. (9) coefficients

@dataclass(frozen=True)
class Eq9Coefficients:
    """The Eq. (9) parameters a junction model implies, and what Eq. (9) leaves out.

    Eq. (9) as printed (:func:`symehp.applications.two_modes.dynamical_matrix`)::

        [[(Omega + delta/2 + i gamma)^2,  V (a + i b Omega) + i c Omega],
         [-V (a + i b Omega) + i c Omega, (Omega - delta/2 + i gamma)^2]]

    Mapping from the model's matrix ``D9`` (:func:`effective_dynamical_matrix`):

    * ``w_k + i gamma_k = sqrt(D9_kk)`` (principal root; ``w_k`` the renormalized
      frequency, ``gamma_k`` the amplitude damping rate, ``gamma_ph/2`` plus the
      electronic ``Lambda_kk / (4 w)``); ``Omega = (w_1 + w_2)/2``,
      ``delta = w_1 - w_2``, ``gamma = (gamma_1 + gamma_2)/2`` (Eq. 9 has one
      gamma; both are kept in ``gamma_modes``);
    * ``anti = (D9_12 - D9_21)/2`` split into odd and even parts in ``V``:
      ``V (a + i b Omega) = anti_odd`` (``a``: non-conservative force, ``b``:
      Lorentz-like force); ``anti_even`` (zero at ``omega -> 0`` and for
      time-reversal-symmetric models) is not in Eq. (9);
    * ``sym = (D9_12 + D9_21)/2 = kappa + i c Omega``: ``c`` the off-diagonal
      damping (friction), ``kappa`` a static conservative coupling not in Eq. (9).

    At ``V = 0`` the ``a``, ``b`` are the linear-response slopes ``d anti_odd/dV``.
    ``omega_eval`` is the frequency ``w*`` at which the matrix was evaluated
    (by default self-consistently ``Omega``).  Units (hbar = e = k_B = 1):
    ``Omega``, ``delta``, ``gamma``, ``c`` in energy (frequency); ``a`` in energy
    (``V a`` is a squared frequency, like every entry); ``b`` dimensionless;
    ``kappa`` and ``anti_even`` in energy^2.
    """

    Omega: float
    delta: float
    gamma: float
    a: float
    b: float
    c: float
    V: float
    T_e: float
    frequency: str
    omega_eval: float
    gamma_modes: tuple = field(default=(0.0, 0.0))
    frequencies: tuple = field(default=(0.0, 0.0))
    kappa: float = 0.0
    anti_even: complex = 0.0
    model_matrix: np.ndarray = field(default=None, repr=False, compare=False)

    @property
    def params(self):
        """``dict(Omega, delta, gamma, a, b, c)``: the keywords of
        :func:`~symehp.applications.two_modes.two_mode_dynamics` and
        :func:`~symehp.applications.two_modes.exceptional_point`."""
        return dict(Omega=self.Omega, delta=self.delta, gamma=self.gamma, a=self.a,
                    b=self.b, c=self.c)

    def matrix(self, V=None):
        """Eq. (9) as printed with these coefficients, at bias ``V`` (default ``self.V``):
        shape ``V.shape + (2, 2)``, complex (squared frequencies)."""
        V = self.V if V is None else V
        return _eq9_matrix(np.asarray(V), **self.params)

    def residual(self):
        """``model_matrix - matrix()``: what Eq. (9)'s form leaves out at ``self.V``.

        Equals ``[[(w_1 + i g_1)^2 - (Omega + delta/2 + i gamma)^2, kappa + anti_even],
        [kappa - anti_even, (w_2 + i g_2)^2 - (Omega - delta/2 + i gamma)^2]]``.
        """
        return self.model_matrix - self.matrix()


def coefficient_arrays(model, V, *, T_e, frequency="adiabatic", omega_eval=None,
                       route="poles"):
    """The fields of :class:`Eq9Coefficients` as arrays over the biases ``V`` (any shape).

    The vectorized core of :func:`eq9_coefficients` (see there); ``T_e`` a scalar.
    Returns a dict of arrays of shape ``V.shape`` (``model_matrix``: ``+ (2, 2)``).
    """
    numeric = two_mode_model(model)
    V = np.asarray(V, dtype=float)
    d9, w_eval, _ = model_matrices(model, V, T_e=T_e, frequency=frequency,
                                   omega_eval=omega_eval, route=route)
    roots = np.sqrt(np.diagonal(d9, axis1=-2, axis2=-1))
    w, g = roots.real, roots.imag
    Omega = 0.5 * (w[..., 0] + w[..., 1])
    sym = 0.5 * (d9[..., 0, 1] + d9[..., 1, 0])

    def anti(v):
        """Antisymmetric part at biases v and the same evaluation frequencies."""
        pi_of = _electronic_pi(model, numeric, v, T_e, frequency, route)
        return _antisymmetric(_d9(numeric, pi_of, w_eval))

    a_here = _antisymmetric(d9)
    a_there = anti(-V)
    anti_even = 0.5 * (a_here + a_there)
    nonzero = V != 0
    slope = 0.5 * (a_here - a_there) / np.where(nonzero, V, 1.0)
    if not np.all(nonzero):
        # linear response: anti_odd(h)/h = slope + O(h^2), Richardson-extrapolated
        h = np.full(V.shape, 1e-3 * _min_width(numeric))
        s1 = 0.5 * (anti(h) - anti(-h)) / h
        s2 = 0.5 * (anti(2 * h) - anti(-2 * h)) / (2 * h)
        slope = np.where(nonzero, slope, (4 * s1 - s2) / 3)
    return dict(Omega=Omega, delta=w[..., 0] - w[..., 1], gamma=0.5 * (g[..., 0] + g[..., 1]),
                a=slope.real, b=slope.imag / Omega, c=sym.imag / Omega, omega_eval=w_eval,
                gamma_modes=g, frequencies=w, kappa=sym.real, anti_even=anti_even,
                model_matrix=d9)


def eq9_coefficients(model, *, V, T_e, frequency="adiabatic", omega_eval=None, route="poles"):
    """Eq. (9)'s ``Omega, delta, gamma, a, b, c`` for a two-mode junction model at bias ``V``.

    Built from the full lowest-order electronic self-energy plus the ohmic
    ph-bath (see :class:`Eq9Coefficients` for the mapping), with
    ``mu_L = V/2 = -mu_R`` and electron temperature ``T_e``.

    ``frequency="adiabatic"`` (default) uses ``Pi^r(0) + w dPi^r/dw(0)``, the
    expansion Eq. (9) parameterizes: ``a`` is the static (``omega -> 0``) curl per
    unit bias, ``b`` and ``c`` are the coefficients of the terms linear in the
    frequency (``i b Omega``: Lorentz-like; ``i c Omega``: friction).  ``"mode"``
    uses ``Pi^r(w*)`` in full.  The evaluation frequency ``w*`` is ``omega_eval``
    or, by default, self-consistently Eq. (9)'s ``Omega`` (so that with
    ``"adiabatic"`` ``b = -d Im P/dw (0) / V`` exactly).  For a flat DOS
    ``a = flat_dos_a(model) = -paper_a(model)/2`` and ``b = 0``; otherwise ``a``
    depends on ``V`` (it is ``anti_odd(V)/V``; at ``V = 0`` the slope).

    The adiabatic form needs ``Omega`` small against the electronic scales
    (level widths, distances of the levels from the bias window); when it is
    not, ``"adiabatic"`` and ``"mode"`` differ at order one (even in sign) and
    ``"mode"`` is the physical value at the mode frequency.

    Parameters
    ----------
    model : Junction with K = 2 modes.
    V, T_e : float
        Bias ``eV = mu_L - mu_R`` and electron temperature (energy units).
    frequency, omega_eval, route
        As for :func:`effective_dynamical_matrix`.

    Returns
    -------
    Eq9Coefficients
    """
    two_mode_model(model)
    V, t, omega_eval = _scalar_args(V, T_e, frequency, omega_eval, route)
    c = coefficient_arrays(model, V, T_e=t, frequency=frequency, omega_eval=omega_eval,
                           route=route)
    return Eq9Coefficients(
        Omega=float(c["Omega"]), delta=float(c["delta"]), gamma=float(c["gamma"]),
        a=float(c["a"]), b=float(c["b"]), c=float(c["c"]), V=V, T_e=t, frequency=frequency,
        omega_eval=float(c["omega_eval"]),
        gamma_modes=tuple(float(x) for x in c["gamma_modes"]),
        frequencies=tuple(float(x) for x in c["frequencies"]), kappa=float(c["kappa"]),
        anti_even=complex(c["anti_even"]), model_matrix=c["model_matrix"])
