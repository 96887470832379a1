"""Steady state of K coupled modes driven by the EHP baths and the phonon bath.

Dressed (``dressed=True``, default): the Keldysh relation of the dressed modes,
``D^< = D^r Pi^<_t D^a`` with ``Pi^<_t = n_ph Gamma_ph + sum_ab Pi^<_ab`` and ``D^r = [w^2 -
Dyn(w)]^-1`` (:mod:`symehp.numeric.mode_dynamics`), gives the equal-time, symmetrized
covariances of the mass-weighted coordinates ``u_k`` and momenta ``p_k = du_k/dt``
(``[u_k, p_l] = i delta_kl``, hbar = 1).  With ``S(w) = D^r (2 Pi^<_t + Lambda_t) D^a =
i(D^< + D^>)`` (Hermitian) and the symmetry ``D^<(-w) = D^>(w)^T`` folding
``int_-inf^inf`` onto ``w > 0``::

    <{u_m, u_n}>/2 = int_0^inf dw/2pi Re S_mn(w)
    <{p_m, p_n}>/2 = int_0^inf dw/2pi w^2 Re S_mn(w)
    <{u_m, p_n}>/2 = -int_0^inf dw/2pi w Im S_mn(w)

* The ohmic bath's zero-point part (``S ~ 2 w gamma_ph / w^4``) makes the momentum
  integral diverge logarithmically (a known property of an ohmic bath without cutoff):
  the momentum covariances are integrated up to ``cutoff`` (default ``20 max Re z_k``, or
  the currents' cutoff if larger) and depend on it as ``(gamma_k / pi) log(cutoff)``;
  the position integrals get their ``gamma_k / (2 pi cutoff^2)`` tail added.
* Occupation of mode k: ``n_k = int_0^inf dw/pi w Re N_kk(w)`` with ``N = i D^< = D^r
  Pi^<_t D^a``, normalized by the sum rule ``int_0^inf dw/pi w Re A_kk = 1`` of the
  spectral function ``A = D^r Lambda_t D^a`` (checked: ``.sum_rule``).  It counts the
  quanta in mode k's spectral weight: ``n_k = int dw/pi w n_B(w) A_kk`` in equilibrium
  (the Bose function at ``Re z_k`` for a narrow line), and for a narrow line out of
  equilibrium it is ``n_k`` of the rate equation; no zero-point part, no cutoff.  (The
  alternative ``Re(z_k) <u_k u_k> - 1/2`` carries zero-point corrections of order
  ``|Im z_k| / Re z_k`` times a logarithm.)
* Energy of mode k above its ground state: ``E_k = int_0^inf dw/pi w^2 Re N_kk(w)``
  (``Omega_k n_k`` for a narrow line; cutoff-free).
* Heating of mode k by channel ab: ``int_0^inf dw/2pi w Re[Pi^<_ab A - Lambda^{ab} N]_kk``
  (``A = D^r Lambda_t D^a``, ``N = i D^<``), whose sum over k is ``J_ab`` of
  ``transport(..., dressed=True)``.

Undressed (``dressed=False``): the paper's lowest order, each mode narrow and alone,
its baths sampled at ``Omega_k``: ``n_k`` is :func:`symehp.mode_occupation` exactly,
``<u_k u_k> = (n_k + 1/2)/Omega_k``, ``<p_k p_k> = Omega_k (n_k + 1/2)``, no cross terms,
``E_k = Omega_k n_k``, heating ``(Pi^<_ab,kk - n_k Lambda^{ab}_kk)/2`` at ``Omega_k``
(the rate equation ``dn_k/dt = sum_b (Pi^<_b - n_k Lambda_b)_kk / (2 Omega_k)``), and
``z_k = Omega_k - i D_k / (4 Omega_k)`` with ``D_k`` the total damping of
:func:`symehp.mode_occupation`.

Stability: a root with ``Im z_k >= 0`` (``D^r ~ exp(-i z t)`` grows) means no steady
state: ``.stable = False``, ``.growing_mode`` its eigenvector, and ``.occupation``,
``.covariance``, ``.energy``, ``.heating_by_channel`` are None (never a number).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ehp import CHANNELS
from ..errors import ParameterError
from ..model import Junction, NumericJunction
from .dressed import _matmul_h, blocked, dressed_edges, dressed_numeric, node_matrices
from .mode_dynamics import mode_eigenfrequencies, scalar_point
from .quadrature import graded_points, integrate_panels
from .results import ChannelMapping, tolerances
from .self_energy import _expansion
from ._args import numeric_model, real_array, real_scalar

__all__ = ["mode_steady_state", "ModeSteadyState", "CUTOFF_MULTIPLE"]

_TWO_PI = 2 * np.pi
#: default cutoff of the momentum integrals: this multiple of the largest dressed frequency
CUTOFF_MULTIPLE = 20.0


@dataclass(frozen=True, eq=False)
class ModeSteadyState:
    """The steady state of the K modes at one bias point (module docstring).

    Attributes
    ----------
    occupation : ndarray (K,) or None
        ``n_k`` (dimensionless); None when unstable.
    covariance : ndarray (2K, 2K) or None
        Symmetrized covariances of ``(u_1..u_K, p_1..p_K)``: blocks ``<{u,u}>/2``
        (1/energy), ``<{u,p}>/2`` (dimensionless), ``<{p,p}>/2`` (energy); None when
        unstable.
    energy : ndarray (K,) or None
        Energy above the ground state, ``int_0^inf dw/pi w^2 Re N_kk`` (energy units;
        ``Omega_k n_k`` undressed); None when unstable.
    sum_rule : ndarray (K,) or None
        ``int_0^inf dw/pi w Re A_kk(w)`` (1 exactly; the quadrature's value, a check).
    eigenfrequencies : ndarray (K,) complex
        The dressed roots (:func:`symehp.mode_eigenfrequencies`), or the lowest-order
        ``Omega_k - i D_k / (4 Omega_k)`` when ``dressed=False``.
    stable : bool
        Every ``Im z_k < 0``.
    growing_mode : ndarray (K,) complex or None
        Eigenvector (unit norm) of the fastest-growing root when unstable.
    heating_by_channel : ChannelMapping or None
        Channel name -> (K,) energy per unit time that channel puts into each mode
        (``> 0`` heats), and ``"total"``; None when unstable.
    error_covariance, error_heating : float
        Absolute error estimates (max over entries) of the frequency quadrature
        (0 for ``dressed=False``: closed forms).
    cutoff : float or None
        Upper limit of the momentum integrals (energy units; None when undressed).
    dressed : bool
    """

    occupation: np.ndarray | None
    covariance: np.ndarray | None
    energy: np.ndarray | None
    eigenfrequencies: np.ndarray
    stable: bool
    growing_mode: np.ndarray | None
    heating_by_channel: ChannelMapping | None
    error_covariance: float
    error_heating: float
    cutoff: float | None
    dressed: bool
    sum_rule: np.ndarray | None = None


def _unstable(freqs, vector, dressed, cutoff=None):
    return ModeSteadyState(occupation=None, covariance=None, energy=None,
                           eigenfrequencies=freqs, stable=False, growing_mode=vector,
                           heating_by_channel=None, error_covariance=0.0, error_heating=0.0,
                           cutoff=cutoff, dressed=dressed)


def _undressed(model, mu_L, mu_R, T_L, T_R, T_ph):
    from .occupation import mode_occupation
    numeric = numeric_model(model)
    k_modes = numeric.K
    occ = [mode_occupation(model, k, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R, T_ph=T_ph,
                           unstable="flag") for k in range(k_modes)]
    omega = np.asarray(numeric.omega, float)
    damping = np.array([float(o.damping) for o in occ])
    freqs = omega - 1j * damping / (4 * omega)
    if not all(bool(o.stable) for o in occ):
        worst = int(np.argmin(damping))
        vec = np.zeros(k_modes, dtype=complex)
        vec[worst] = 1.0
        return _unstable(freqs, vec, False)
    n = np.array([float(o.n) for o in occ])
    cov = np.zeros((2 * k_modes, 2 * k_modes))
    idx = np.arange(k_modes)
    cov[idx, idx] = (n + 0.5) / omega
    cov[k_modes + idx, k_modes + idx] = omega * (n + 0.5)
    heating = ChannelMapping()
    for ch in CHANNELS:
        heating[ch.name] = np.array([
            (float(o.emission_by_channel[ch.name]) - n[k] * float(o.damping_by_channel[ch.name]))
            / 2 for k, o in enumerate(occ)])
    heating["total"] = sum(heating[ch.name] for ch in CHANNELS)
    return ModeSteadyState(occupation=n, covariance=cov, energy=omega * n,
                           eigenfrequencies=freqs, stable=True, growing_mode=None,
                           heating_by_channel=heating, error_covariance=0.0,
                           error_heating=0.0, cutoff=None, dressed=False)


def _integrand(numeric, expansion, point):
    """Components per node: [Re S (K^2), w^2 Re S (K^2), -w Im S (K^2), heating (4K),
    2 w Re N_kk (K), 2 w^2 Re N_kk (K), 2 w Re A_kk (K)] / 2pi."""
    mu_L, mu_R, T_L, T_R, T_ph = point
    k = numeric.K
    idx = np.arange(k)

    def f(w, owner):
        w = np.asarray(w, float)
        flat = w.ravel()
        m = flat.size
        par = [np.full(m, x) for x in (mu_L, mu_R, T_L, T_R, T_ph)]
        d_r, spectra, lam_t, less_t = node_matrices(numeric, expansion, flat, *par)
        s = _matmul_h(d_r, 2 * less_t + lam_t, d_r)
        a = _matmul_h(d_r, lam_t, d_r)
        n = _matmul_h(d_r, less_t, d_r)
        s_abs = _matmul_h(np.abs(d_r), np.abs(2 * less_t + lam_t), np.abs(d_r)).real
        w2 = flat[:, None, None] ** 2
        vals = [s.real.reshape(m, -1), (w2 * s.real).reshape(m, -1),
                (-flat[:, None, None] * s.imag).reshape(m, -1)]
        size = [s_abs.reshape(m, -1), (w2 * s_abs).reshape(m, -1),
                (np.abs(flat)[:, None, None] * s_abs).reshape(m, -1)]
        for ch in CHANNELS:
            dos, less = spectra[ch.name]
            emit = np.einsum("mij,mji->mi", less, a).real
            absorb = np.einsum("mij,mji->mi", dos, n).real
            vals.append(flat[:, None] * (emit - absorb))
            size.append(np.abs(flat)[:, None] * (np.abs(emit) + np.abs(absorb)))
        n_kk = np.real(n[:, idx, idx])
        a_kk = np.real(a[:, idx, idx])
        for x in (2 * flat[:, None] * n_kk, 2 * flat[:, None] ** 2 * n_kk,
                  2 * flat[:, None] * a_kk):
            vals.append(x)
            size.append(np.abs(x))
        out = np.concatenate(vals, axis=1) / _TWO_PI
        mag = np.concatenate(size, axis=1) / _TWO_PI
        return out.reshape(w.shape + (-1,)), mag.reshape(w.shape + (-1,))
    return blocked(f, k)


def mode_steady_state(model: Junction | NumericJunction, *, mu_L: float, mu_R: float,
                      T_ph: float, T_e: float | None = None, T_L: float | None = None,
                      T_R: float | None = None, dressed: bool = True,
                      cutoff: float | None = None, rtol: float | None = None) -> ModeSteadyState:
    """Steady state of the K coupled modes: occupations, covariances, energies, heating.

    Parameters
    ----------
    model : Junction
        A numeric model (wide-band leads for ``dressed=True``).
    mu_L, mu_R : float
        Chemical potentials of one bias point (``eV = mu_L - mu_R``; scalars only).
    T_ph : float
        Phonon-bath temperature (``>= 0``).
    T_e, T_L, T_R : float
        Electron temperature(s): ``T_e`` for both electrodes, or ``T_L`` and ``T_R``.
    dressed : bool
        True (default): the dressed K x K propagator with mode-mode coupling (module
        docstring); False: the paper's lowest order, each mode alone
        (:func:`symehp.mode_occupation`).
    cutoff : float, optional
        Upper frequency of the momentum integrals (dressed only; default ``20 max Re
        z_k`` or the currents' cutoff if larger): the ohmic bath's zero-point momentum
        fluctuations diverge logarithmically without one.
    rtol : float, optional
        Relative tolerance of the frequency quadrature (default 1e-10, warning beyond
        1e-8).

    Returns
    -------
    ModeSteadyState
        With ``stable=False`` (a growing root, ``Im z >= 0``): ``.growing_mode`` is set
        and ``.occupation``, ``.covariance``, ``.energy``, ``.heating_by_channel`` are
        None, never numbers.

    Raises
    ------
    ParameterError
        Array-valued bias or temperatures, ``dressed`` not a bool, ``dressed=True``
        with a symbolic model or energy-dependent leads, a bad ``cutoff``.
    """
    if not isinstance(dressed, (bool, np.bool_)):
        raise ParameterError(f"dressed must be True or False, got {dressed!r}")
    mu_L, mu_R, T_L, T_R = scalar_point(mu_L, mu_R, T_e, T_L, T_R)
    t_ph = real_array(T_ph, "T_ph", nonnegative=True)
    if t_ph.ndim:
        raise ParameterError(f"T_ph must be a single number here (one bias point), got an "
                             f"array of shape {t_ph.shape}")
    T_ph = float(t_ph)
    rtol, warn_rtol = tolerances(rtol)          # checked on both routes
    if not dressed:
        if cutoff is not None:
            raise ParameterError("cutoff applies to dressed=True only")
        return _undressed(model, mu_L, mu_R, T_L, T_R, T_ph)
    numeric = dressed_numeric(model, "mode_steady_state(dressed=True)")
    expansion = _expansion(numeric)
    eig = mode_eigenfrequencies(numeric, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R)
    if not eig.stable:
        return _unstable(eig.frequencies, eig.vectors[:, eig.unstable_mode], True)
    mu_lr = mu_L - mu_R
    base = dressed_edges(numeric, expansion, mu_lr, T_L, T_R, T_ph, eig.frequencies)
    top = float(np.max(eig.frequencies.real))
    w_c = max(CUTOFF_MULTIPLE * top, float(base[-1]) if base.size else 0.0)
    if cutoff is not None:
        w_c = real_scalar(cutoff, "cutoff")
        if not w_c > 2 * top:
            raise ParameterError(f"cutoff must exceed twice the largest dressed frequency "
                                 f"({2 * top:.6g}), got {w_c!r}")
    grade = graded_points([z.real for z in eig.frequencies],
                          [max(abs(z.imag), 1e-6 * top) for z in eig.frequencies],
                          0.0, w_c, ratio=4.0)
    edges = np.unique(np.concatenate([[0.0, w_c], base[base < w_c], grade,
                                      np.geomspace(2 * top, w_c, 6)]))
    edges = edges[(edges >= 0) & (edges <= w_c)]
    k = numeric.K
    kk = k * k
    f = _integrand(numeric, expansion, (mu_L, mu_R, T_L, T_R, T_ph))
    groups = [np.arange(0, kk), np.arange(kk, 2 * kk), np.arange(2 * kk, 3 * kk),
              np.arange(3 * kk, 3 * kk + 4 * k), np.arange(3 * kk + 4 * k, 3 * kk + 5 * k),
              np.arange(3 * kk + 5 * k, 3 * kk + 6 * k), np.arange(3 * kk + 6 * k, 3 * kk + 7 * k)]
    res = integrate_panels(f, [edges], rtol=rtol, groups=groups,
                           group_floor=[1e-3, 1e-3, 1e-3, 0.0, 0.0, 0.0, 1e-3],
                           warn_rtol=warn_rtol,
                           label="mode_steady_state")
    values = res.values[0]
    uu = values[:kk].reshape(k, k)
    pp = values[kk:2 * kk].reshape(k, k)
    up = values[2 * kk:3 * kk].reshape(k, k)
    # the position tail beyond w_c: the phonon bath's zero-point part 2 w gamma / w^4
    gamma = np.asarray(numeric.gamma_ph, float)
    uu = uu + np.diag(gamma / (_TWO_PI * w_c ** 2))
    uu = 0.5 * (uu + uu.T)
    pp = 0.5 * (pp + pp.T)
    cov = np.block([[uu, up], [up.T, pp]])
    heat = values[3 * kk:3 * kk + 4 * k].reshape(4, k)
    occupation, energy, sum_rule = (values[3 * kk + (4 + i) * k:3 * kk + (5 + i) * k]
                                    for i in range(3))
    heating = ChannelMapping((ch.name, heat[i].copy()) for i, ch in enumerate(CHANNELS))
    heating["total"] = heat.sum(axis=0)
    # the sum rule's tail beyond w_c: 2 w A ~ 2 w (2 w gamma) / w^4
    sum_rule = sum_rule + 2 * gamma / (np.pi * w_c)
    # error estimate: the quadrature's own (max over components, absolute)
    err = float(res.errors[0])
    return ModeSteadyState(occupation=occupation.copy(), covariance=cov,
                           energy=energy.copy(), sum_rule=sum_rule.copy(),
                           eigenfrequencies=eig.frequencies, stable=True, growing_mode=None,
                           heating_by_channel=heating, error_covariance=err,
                           error_heating=err, cutoff=w_c, dressed=True)
