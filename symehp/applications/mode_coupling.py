"""Bias-induced coupling between two bosonic modes, from the electronic self-energy.

Beyond the paper: its Eq. (9) couples two modes through the biased electrons,
``V (a + i b Omega)`` antisymmetrically plus ``i c Omega`` symmetrically, and
states ``a = Im tr[M^1 A_L M^2 A_R] / pi`` for a flat electronic DOS.  Here the
coupling is computed from the lowest-order (electron-hole bubble) retarded
self-energy of the modes, with the normalization of Eq. (7), and the Eq. (9)
coefficients that a junction model implies are read off from it.

Units and conventions (``shared/spec/conventions.md``): hbar = e = k_B = 1, so
energies, frequencies, temperatures, chemical potentials and the bias share
one unit; ``eV = mu_L - mu_R``.  The self-energy has the units of a squared
frequency (coupling^2 / energy; ``u_k`` are mass-weighted coordinates), like
``Pi^r_ph = -i omega diag(gamma_ph)`` and like ``Lambda`` of Eq. (7).

Self-energy
-----------
``H_es = sum_k u_k X_k`` with ``X_k = sum_ij M^k_ij c_i^+ c_j`` gives (Kubo,
lowest order) ``Pi^r_mn(t) = -i theta(t) <[X_m(t), X_n(0)]>`` and
``D^r = [omega^2 - diag(Omega_k^2) - Pi^r_ph - Pi^r]^-1``.  Wick's theorem
(Langreth rules for the bubble) gives, per EHP channel ``(a, b)`` (electron in
``a`` at ``e``, hole in ``b`` at ``e - omega``)::

    Pi^r_ab,mn(w) = int de/2pi { f_b(e - w) tr[M^m g^r_a(e) M^n A_b(e - w)]
                                + f_a(e)     tr[M^m A_a(e) M^n g^a_b(e - w)] },

where ``g^r_a(e) = int de'/2pi A_a(e') / (e - e' + i0)`` is the part of ``G^r``
fed by electrode ``a`` (``g^r_L + g^r_R = G^r``, ``A_a = i (g^r_a - g^a_a)``).
Summed over channels it is ``-i int de/2pi tr[M^m G^r M^n G^< + M^m G^< M^n G^a]``.
Its anti-Hermitian part is the EHP DOS of Eq. (7), channel by channel:

    i (Pi^r_ab - Pi^r_ab^dagger) = Lambda^{ab}    (i.e. -2 x anti-Hermitian "Im" part),

the same relation as ``Gamma_ph = i (Pi^r_ph - Pi^a_ph) = 2 omega gamma_ph``:
``Lambda`` is the electronic damping.  Closed form: with ``A_a = sum_p W^a_p/(e - p)``
(:mod:`symehp.numeric.poles`) ``g^r_a = -i sum_{Im p < 0} W^a_p / (e - p)``, and
every term is a Fermi integral of two simple poles, a digamma divided
difference (:mod:`symehp.numeric.fermi_integrals`).  The second route
(``route="quadrature"``) integrates the same bubble over the electron energy
with ``G^r`` from matrix inverses (scipy ``quad_vec``).

Bias-induced (curl) coupling
----------------------------
With ``mu_L = V/2 = -mu_R`` the part of ``Pi^r_12`` odd in ``V`` and antisymmetric
in the mode indices is ``P(V, w) = [anti(V) - anti(-V)] / 2``,
``anti = (Pi^r_12 - Pi^r_21) / 2`` (so the matrix is ``[[0, P], [-P, 0]]``).
At ``w -> 0`` it is real and exactly (any DOS, see
:mod:`symehp.derivations.mode_coupling`)::

    P(V, 0) = -(1/2pi) int de Im tr[M^1 A_L(e) M^2 A_R(e)] (f_L(e) - f_R(e)),

the curl of the current-induced force ``F_m = -<X_m>``:
``P = (d<X_1>/du_2 - d<X_2>/du_1)/2``.  For a flat DOS, ``P = -V Im tr[M^1 A_L M^2 A_R]/(2 pi)``
for every ``w``: ``a = -Im tr[M^1 A_L M^2 A_R]/(2 pi)``, i.e. **-1/2 times the paper's a**.

Which prefactor is right
------------------------
The one above.  The normalization is not free: the same ``Pi^r`` whose
anti-Hermitian part is Eq. (7)'s ``Lambda`` (the damping that enters Eq. (8) and
the mode occupation) has the antisymmetric part ``-V Im tr[...]/(2 pi)``, and
its static value is the measurable curl ``d<X_1>/du_2 - d<X_2>/du_1`` (checked
against finite differences of the density matrix, no Green's-function algebra).
The paper's ``Im tr[...]/pi`` is twice as large (a spin factor 2 would give
that, but Eq. (7) has none, and the paper's own flat-DOS ``Lambda = omega tr[MAMA]``
drops the ``1/(2 pi)``, so no one normalization makes both of its formulas
consistent) and of the opposite sign for ``eV = mu_L - mu_R`` and the mode order
of Eq. (9).  With ``b = 0`` the eigenvalues of Eq. (9) depend on ``a^2`` only, so
the sign is invisible in Fig. 4; the factor 2 doubles the bias of the
exceptional point.

Bound (flat DOS): Cauchy-Schwarz on ``tr[M^1 A_L M^2 A_R]`` gives
``|a| <= 2 sqrt(gamma_e1 gamma_e2)``, ``gamma_ek = tr[M^k A M^k A]/(8 pi)`` the
electronic amplitude damping of mode k (Eq. 9's gamma units); the model
:func:`two_level_two_modes` saturates it.  Fig. 4's ``a = 0.05`` with
``gamma = 0.001`` is therefore out of reach of a flat-DOS junction at this
order; an energy-dependent DOS (bias-driven negative damping) is needed.

Eq. (9) mapping (:func:`eq9_coefficients`): ``D9 = conj(diag(Omega_k^2) + Pi^r_ph + Pi^r)``
(the conjugate turns the ``D^r`` damping ``-i omega gamma`` into Eq. (9)'s ``+i gamma``),
diagonal -> ``Omega``, ``delta``, ``gamma``; antisymmetric odd-in-V -> ``V (a + i b Omega)``;
symmetric off-diagonal -> ``i c Omega`` (plus a static ``kappa`` that Eq. (9) lacks).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import quad_vec

from ..errors import ModelError, ParameterError
from ..numeric._args import electrode_temperatures, numeric_model, real_array
from ..numeric.self_energy import _expansion as _checked_expansion, ehp_self_energy
from ..numeric.stats import fermi

__all__ = ["electronic_self_energy", "bias_induced_coupling", "eq9_coefficients",
           "Eq9Coefficients", "paper_a", "flat_dos_a", "effective_dynamical_matrix",
           "two_level_two_modes"]

_TWO_PI = 2 * np.pi
_ROUTES = ("poles", "quadrature")
_FREQUENCIES = ("adiabatic", "mode")
#: Fermi tails beyond this many temperatures are below exp(-40)
_TAIL = 40.0


# ----------------------------------------------------------------- checks

def _route(route):
    if route not in _ROUTES:
        raise ParameterError(f"route must be one of {_ROUTES}, got {route!r}")
    return route


def _expansion(numeric):
    """The pole expansion; every level must be broadened (no bound states)."""
    return _checked_expansion(numeric)

def _two_mode(model):
    numeric = numeric_model(model)
    if numeric.K != 2:
        raise ModelError(
            f"model has K = {numeric.K} mode(s); the inter-mode coupling and Eq. (9) need exactly "
            "two modes (M must hold two coupling matrices)")
    return numeric


# ----------------------------------------------------------------- self-energy, quadrature

def _quadrature_point(numeric, w, mus, temps, tol):
    """Total ``Pi^r(w)`` at one point by energy quadrature (matrix inverses, no poles)."""
    h_eff = numeric.H - 0.5j * (numeric.gamma_L + numeric.gamma_R)
    eye = np.eye(numeric.N)
    gammas = {"L": numeric.gamma_L, "R": numeric.gamma_R}
    m = numeric.M
    k = numeric.K
    levels = np.linalg.eigvals(h_eff)
    widths = np.abs(levels.imag)
    total = np.zeros((k, k), dtype=complex)
    for c in "LR":
        mu, temp = mus[c], temps[c]

        def integrand(x, c=c, mu=mu, temp=temp):
            g_x = np.linalg.inv(x * eye - h_eff)
            a_c = g_x @ gammas[c] @ g_x.conj().T
            g_plus = np.linalg.inv((x + w) * eye - h_eff)                # G^r(x + w)
            g_minus = np.linalg.inv((x - w) * eye - h_eff).conj().T      # G^a(x - w)
            val = (np.einsum("mij,jk,nkl,li->mn", m, g_plus, m, a_c)
                   + np.einsum("mij,jk,nkl,li->mn", m, a_c, m, g_minus))
            val = val * (numeric.spin_degeneracy * fermi(x - mu, temp) / _TWO_PI)
            return np.concatenate([val.real.ravel(), val.imag.ravel()])

        hi = mu + _TAIL * temp
        pts = sorted({float(p) for p in np.concatenate([levels.real, levels.real - w,
                                                        levels.real + w, [mu]])})
        lo = min(pts + [hi]) - 20 * max(1.0, float(widths.max()), abs(w))
        inner = [p for p in pts if lo < p < hi]
        scale = float(np.abs(m).max()) ** 2 * numeric.N / max(float(widths.min()), 1e-300)
        res = np.zeros(2 * k * k)
        for a, b in zip([lo] + inner, inner + [hi]):
            if b > a:
                res += quad_vec(integrand, a, b, epsabs=tol * scale, epsrel=tol, limit=2000)[0]
        res += quad_vec(integrand, -np.inf, lo, epsabs=tol * scale, epsrel=tol, limit=2000)[0]
        total += (res[:k * k] + 1j * res[k * k:]).reshape(k, k)
    return total


# ----------------------------------------------------------------- public: self-energy

def electronic_self_energy(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                           channel=None, route="poles", tol=1e-11):
    """Deprecated alias of :func:`symehp.ehp_self_energy` (the sum over the channels for
    ``channel=None``); it will be removed in the next release.

    The name read like the electrons' own lead self-energy ``Sigma``: it is the modes'
    self-energy from the electrons.  ``route="quadrature"`` (an energy quadrature with
    matrix inverses, a cross-check) stays available here until then.
    """
    warnings.warn("symehp.applications.mode_coupling.electronic_self_energy is deprecated: "
                  "use symehp.ehp_self_energy(model, channel, omega, ...) (channel='total' "
                  "for the sum over the channels)", DeprecationWarning, stacklevel=2)
    return _self_energy(model, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L, T_R=T_R,
                        channel=channel, route=route, tol=tol)


def _self_energy(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                 channel=None, route="poles", tol=1e-11):
    """Retarded boson self-energy from the electrons, ``Pi^r_mn(omega)`` (lowest order).

    The electron-hole bubble of ``H_es = sum_k u_k c^+ M^k c`` (Eq. 1), with the
    sign and normalization of ``D^r = [omega^2 - diag(Omega^2) - Pi^r_ph - Pi^r]^-1``
    (conventions): ``Pi^r_mn(t) = -i theta(t) <[X_m(t), X_n]>``.  Per channel
    ``(a, b)`` (electron in ``a``, hole in ``b``)::

        Pi^r_ab,mn(w) = int de/2pi { f_b(e-w) tr[M^m g^r_a(e) M^n A_b(e-w)]
                                    + f_a(e) tr[M^m A_a(e) M^n g^a_b(e-w)] },

    ``g^r_a = int de'/2pi A_a(e')/(e - e' + i0)``, ``g^r_L + g^r_R = G^r``.

    Normalization check (exact, tested against :func:`symehp.ehp_dos`):
    ``i (Pi^r_ab - Pi^r_ab^dagger) = Lambda^{ab}`` of Eq. (7) for each channel;
    the anti-Hermitian part is ``-i Lambda / 2`` (damping, like
    ``Pi^r_ph = -i omega gamma_ph``).  ``Pi^r(-w) = conj(Pi^r(w))`` (real response in time).
    At ``w = 0`` the total is the static response ``d<X_m>/du_n`` (real).

    Parameters
    ----------
    model : Junction
        Numeric model; every level must be broadened by a lead.
    omega : array_like
        Boson frequency (energy units; any real value).
    mu_L, mu_R : array_like
        Chemical potentials of the electrodes (``eV = mu_L - mu_R``).
    T_e, T_L, T_R : array_like
        Electron temperature(s), ``>= 0``: ``T_e`` for both electrodes, or
        ``T_L`` and ``T_R``.
    channel : None or channel spec
        ``None``: the sum over the four channels; ``"LL"``, ``"RR"``, ``"RL"``,
        ``"LR"`` (or 1-4): that channel's part (``route="poles"`` only).
    route : ``"poles"`` (closed form, default) or ``"quadrature"``
        ``"quadrature"`` integrates ``-i int de/2pi tr[M G^r M G^< + M G^< M G^a]``
        numerically with ``G^r`` from matrix inverses (slow; a cross-check).
    tol : float
        Tolerance of the quadrature route.

    Returns
    -------
    ndarray, complex, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``
        Units of ``Lambda`` (squared frequency for mass-weighted modes).
    """
    numeric = numeric_model(model)
    _route(route)
    omega = real_array(omega, "omega")
    mu_L = real_array(mu_L, "mu_L")
    mu_R = real_array(mu_R, "mu_R")
    T_L, T_R = electrode_temperatures(T_e, T_L, T_R)
    shape = np.broadcast_shapes(*(np.shape(x) for x in (omega, mu_L, mu_R, T_L, T_R)))
    omega, mu_L, mu_R, T_L, T_R = (np.broadcast_to(np.asarray(x, float), shape)
                                   for x in (omega, mu_L, mu_R, T_L, T_R))
    mus, temps = {"L": mu_L, "R": mu_R}, {"L": T_L, "R": T_R}
    if route == "quadrature":
        if channel is not None:
            raise ParameterError("channel: the quadrature route gives only the total self-energy "
                                 "(use route='poles' for a single channel)")
        if not (isinstance(tol, float) and 0 < tol < 1e-3):
            raise ParameterError(f"tol must be a float in (0, 1e-3), got {tol!r}")
        _expansion(numeric)          # same model checks as the closed form
        out = np.empty(shape + (numeric.K, numeric.K), dtype=complex)
        for idx in np.ndindex(shape):
            out[idx] = _quadrature_point(
                numeric, float(omega[idx]), {c: float(mus[c][idx]) for c in "LR"},
                {c: float(temps[c][idx]) for c in "LR"}, tol)
        return out
    return ehp_self_energy(model, "total" if channel is None else channel, omega,
                           mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)


# ----------------------------------------------------------------- the curl coupling

def _bias(V):
    return real_array(V, "V")


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
    route : ``"poles"`` or ``"quadrature"``, see :func:`_self_energy`.

    Returns
    -------
    complex ndarray of shape ``broadcast(V, T_e, omega).shape`` (units of Pi).
    """
    _two_mode(model)
    V = _bias(V)
    omega = np.zeros(()) if omega is None else real_array(omega, "omega")
    plus = _self_energy(model, omega, mu_L=V / 2, mu_R=-V / 2, T_e=T_e, route=route)
    minus = _self_energy(model, omega, mu_L=-V / 2, mu_R=V / 2, T_e=T_e, route=route)
    return 0.5 * (_antisymmetric(plus) - _antisymmetric(minus))


# ----------------------------------------------------------------- flat DOS

def _trace_LR(model, energy):
    numeric = _two_mode(model)
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
    Units of Pi per unit bias.  See :func:`flat_dos_a` for the value the
    conventions' normalization gives (``-paper_a / 2``).
    """
    return float(np.imag(_trace_LR(model, energy)) / np.pi)


def flat_dos_a(model, *, energy=0.0):
    """Flat-DOS ``a`` with the normalization of Eq. (7): ``-Im tr[M^1 A_L M^2 A_R] / (2 pi)``.

    The exact limit of ``bias_induced_coupling(...) / V`` when ``A_L``, ``A_R``
    do not vary over the bias and thermal window; ``= -paper_a(model) / 2``
    (:mod:`symehp.derivations.mode_coupling`).
    """
    return float(-np.imag(_trace_LR(model, energy)) / _TWO_PI)


# ----------------------------------------------------------------- Eq. (9)

def _min_width(model):
    expansion = _expansion(model.numeric())
    return float(np.min(np.abs(expansion.poles.imag)))


def _electronic_pi(model, V, T_e, frequency, route):
    """``w -> Pi^r`` used in the dynamical matrix at bias V: the full ``Pi^r(w)``
    (``"mode"``) or its first-order Taylor form ``Pi^r(0) + w dPi^r/dw(0)`` (``"adiabatic"``)."""
    kw = dict(mu_L=V / 2, mu_R=-V / 2, T_e=T_e, route=route)
    if frequency == "mode":
        return lambda w: _self_energy(model, w, **kw)
    # Pi(-w) = conj Pi(w): Re Pi even, Im Pi odd in w, so Pi'(0) = i d(Im Pi)/dw at 0.
    # Richardson on D(h) = Im Pi(h)/h = beta + O(h^2): error O((h/rho)^4), rho = min |Im z|.
    h = 4e-3 * _min_width(model)
    pi0, pi_h, pi_2h = _self_energy(model, np.array([0.0, h, 2 * h]), **kw)
    slope = (4 * pi_h.imag / h - pi_2h.imag / (2 * h)) / 3
    return lambda w: pi0.real + 1j * w * slope


def _d9(numeric, pi_of, w):
    """``conj(diag(Omega_k^2) - i w diag(gamma_ph) + Pi^r(w))``: Eq. (9)'s sign convention."""
    bare = np.diag(numeric.omega ** 2).astype(complex) - 1j * w * np.diag(numeric.gamma_ph)
    return np.conj(bare + pi_of(w))


def _mean_frequency(d9):
    return float(np.mean(np.sqrt(np.diag(d9)).real))


#: self-consistency of the evaluation frequency w* = Omega
_MAX_ITER = 200
_ITER_TOL = 1e-14


def _matrix_and_frequency(model, numeric, V, T_e, frequency, omega_eval, route):
    """(D9, w*, pi_of) at bias V; w* = omega_eval, or the self-consistent Omega."""
    pi_of = _electronic_pi(model, V, T_e, frequency, route)
    if omega_eval is not None:
        return _d9(numeric, pi_of, omega_eval), omega_eval, pi_of
    w = float(np.mean(numeric.omega))
    for _ in range(_MAX_ITER):
        d9 = _d9(numeric, pi_of, w)
        new = _mean_frequency(d9)
        if not new > 0:
            raise ModelError(
                "the renormalized mean mode frequency is not positive (the electronic "
                "self-energy softens the modes through zero); pass omega_eval explicitly")
        if abs(new - w) <= _ITER_TOL * new:
            return _d9(numeric, pi_of, new), new, pi_of
        w = new
    raise ModelError("the self-consistent evaluation frequency Omega did not converge; "
                     "pass omega_eval explicitly")


def _scalar_args(numeric, V, T_e, frequency, omega_eval, route):
    if frequency not in _FREQUENCIES:
        raise ParameterError(f"frequency must be one of {_FREQUENCIES}, got {frequency!r}")
    _route(route)
    V = _bias(V)
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

    Returns ``(D9, w*)``: a (2, 2) complex array (squared frequencies) and the
    evaluation frequency.
    """
    numeric = _two_mode(model)
    V, t, omega_eval = _scalar_args(numeric, V, T_e, frequency, omega_eval, route)
    d9, w, _ = _matrix_and_frequency(model, numeric, V, t, frequency, omega_eval, route)
    return d9, w


@dataclass(frozen=True)
class Eq9Coefficients:
    """The Eq. (9) parameters a junction model implies, and what Eq. (9) leaves out.

    Eq. (9) as printed::

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

    def matrix(self, V=None):
        """Eq. (9) as printed with these coefficients, at bias ``V`` (default ``self.V``)."""
        V = self.V if V is None else V
        om, d, g = self.Omega, self.delta, self.gamma
        off = V * (self.a + 1j * self.b * om)
        return np.array([[(om + d / 2 + 1j * g) ** 2, off + 1j * self.c * om],
                         [-off + 1j * self.c * om, (om - d / 2 + 1j * g) ** 2]])

    def residual(self):
        """``model_matrix - matrix()``: what Eq. (9)'s form leaves out at ``self.V``.

        Equals ``[[(w_1 + i g_1)^2 - (Omega + delta/2 + i gamma)^2, kappa + anti_even],
        [kappa - anti_even, (w_2 + i g_2)^2 - (Omega - delta/2 + i gamma)^2]]``.
        """
        return self.model_matrix - self.matrix()


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
    """
    numeric = _two_mode(model)
    V, t, omega_eval = _scalar_args(numeric, V, T_e, frequency, omega_eval, route)
    d9, w_eval, _ = _matrix_and_frequency(model, numeric, V, t, frequency, omega_eval, route)
    roots = np.sqrt(np.diag(d9))
    w, g = roots.real, roots.imag
    Omega = float(0.5 * (w[0] + w[1]))
    sym = 0.5 * (d9[0, 1] + d9[1, 0])

    def anti(v):
        """Antisymmetric part at bias v and the same evaluation frequency."""
        m = _d9(numeric, _electronic_pi(model, v, t, frequency, route), w_eval)
        return 0.5 * (m[0, 1] - m[1, 0])

    a_here = 0.5 * (d9[0, 1] - d9[1, 0])
    a_there = anti(-V)
    anti_even = 0.5 * (a_here + a_there)
    if V != 0:
        slope = 0.5 * (a_here - a_there) / V
    else:
        # linear response: anti_odd(h)/h = slope + O(h^2), Richardson-extrapolated
        h = 1e-3 * _min_width(model)
        s1 = 0.5 * (anti(h) - anti(-h)) / h
        s2 = 0.5 * (anti(2 * h) - anti(-2 * h)) / (2 * h)
        slope = (4 * s1 - s2) / 3
    return Eq9Coefficients(
        Omega=Omega, delta=float(w[0] - w[1]), gamma=float(0.5 * (g[0] + g[1])),
        a=float(slope.real), b=float(slope.imag / Omega), c=float(sym.imag / Omega),
        V=V, T_e=t, frequency=frequency, omega_eval=float(w_eval),
        gamma_modes=(float(g[0]), float(g[1])), frequencies=(float(w[0]), float(w[1])),
        kappa=float(sym.real), anti_even=complex(anti_even), model_matrix=d9)


# ----------------------------------------------------------------- a model with a curl

def two_level_two_modes(eps1=0.15, eps2=-0.1, gamma1=0.4, gamma2=0.4, m=0.05,
                        omega=(0.105, 0.095), gamma_ph=(0.001, 0.001), *, hopping=0.0):
    """The paper's two-level model (its Fig. 2) with two modes instead of one.

    Level 1 (``eps1``) couples to L only (width ``gamma1``), level 2 (``eps2``) to R
    only (``gamma2``), optional direct ``hopping``.  Mode 1 modulates the
    inter-level transition with a real amplitude, mode 2 with an imaginary one::

        M^1 = m sigma_x = m (|1><2| + |2><1|),   M^2 = m sigma_y = m (-i|1><2| + i|2><1|),

    so ``tr[M^1 A_L M^2 A_R] = -i m^2 (A_L)_11 (A_R)_22`` (no hopping) has a
    non-zero imaginary part and the bias couples the modes non-conservatively.
    With two real couplings (e.g. ``sigma_x`` and ``sigma_z``) and no hopping the
    curl vanishes identically.  Numbers, in energy units (hbar = e = k_B = 1).
    """
    from ..model import Junction
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sy = np.array([[0, -1j], [1j, 0]])
    return Junction(H=[[eps1, hopping], [np.conj(hopping), eps2]],
                    gamma_L=[[gamma1, 0], [0, 0]], gamma_R=[[0, 0], [0, gamma2]],
                    M=[m * sx, m * sy], omega=list(omega), gamma_ph=list(gamma_ph))
