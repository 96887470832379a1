"""Eq. (8) with the electron-dressed mode propagator (``dressed=True``).

``D^r(w) = [w^2 - Dyn(w)]^-1`` with :func:`symehp.numeric.mode_dynamics.dynamical_matrix`
(the electron-hole bubble of the four channels added to the phonon bath: frequency shifts,
extra damping and mode-mode coupling, all K x K).  With the Keldysh relations of the
dressed modes (``Pi^<_t = n_ph Gamma_ph + sum_ab Pi^<_ab``, ``Lambda_t = Gamma_ph + sum_ab
Lambda^{ab}``, ``Gamma_ph = 2 w diag(gamma_ph)``)::

    A(w) = i (D^r - D^a) = D^r Lambda_t D^a      (the modes' spectral function)
    N(w) = i D^<         = D^r Pi^<_t D^a        (its occupied part)

the energy that channel ab puts into the modes per unit time (emission minus
absorption, Meir-Wingreen form, hbar = 1) and the electrons it moves from L to R are::

    J_ab = int_0^inf dw/2pi w Re Tr[Pi^<_ab(w) A(w) - Lambda^{ab}(w) N(w)]
    I    = int_0^inf dw/2pi   Re Tr[Pi^<_LR A - Lambda^LR N] - (same for RL)

* Undressed (``Dyn = diag(Omega^2) - i w diag(gamma_ph)``): ``N = n_ph A`` and ``A = D^r
  Gamma_ph D^a = A_ph``, so this is exactly Eq. (8) of :mod:`symehp.numeric.currents`,
  channel by channel.
* Energy balance: summed over the channels, ``J = int_0^inf dw/2pi w Tr[(Pi^<_e - n_ph
  Lambda_e) D^a Gamma_ph D^r]`` (``Pi^<_e``, ``Lambda_e`` the electronic sums), which is the
  heat the modes pass on to the phonon bath: Eq. (8) with the dressed ``D^r``
  (docs/conventions.md, "Dressed modes"; checked in tests/test_dressed.py).
* At a bias point where a dressed mode grows (:func:`symehp.mode_eigenfrequencies`,
  ``growth_rate >= 0``) there is no steady state: the currents are NaN there, with a
  ``RuntimeWarning``.

Numerics: the frequency integral is :func:`symehp.numeric.quadrature.integrate_panels`
over the breakpoints of :mod:`symehp.numeric.breakpoints` plus the dressed modes'
``Re z_k`` and ``Re z_k +- (1, 3, 9) |Im z_k|``; the spectra are the closed forms of
:mod:`symehp.numeric.spectra` and :mod:`symehp.numeric.self_energy` (wide-band leads only).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..ehp import CHANNELS, channel as _channel
from ..errors import ParameterError
from .breakpoints import frequency_edges, refined_edges
from .mode_dynamics import add_bare, mode_eigenfrequencies
from .quadrature import integrate_panels
from .results import CHANNEL_FLOOR, TransportResult, tolerances
from .self_energy import _expansion, channel_self_energy
from .spectra import channel_spectra
from .stats import x_bose
from ._args import numeric_model, operating_point, spectrum_arguments

__all__ = ["dressed_transport", "mode_spectral_function", "dressed_numeric", "node_matrices",
           "dressed_edges", "blocked", "node_block", "NODE_BUDGET"]

_TWO_PI = 2 * np.pi
_GROUPS = [[0], [1], [2, 4], [3, 5], [6, 7]]


def dressed_numeric(model, what="dressed=True"):
    """The NumericJunction of ``model`` for the dressed route, with ParameterErrors for
    what it does not take (a symbolic model, energy-dependent leads)."""
    from ..model import Junction, NumericJunction
    if isinstance(model, Junction) and not model.is_numeric:
        raise ParameterError(f"{what} needs a numeric model (the dressed propagator is a "
                             "matrix inverse at every frequency); substitute numbers for the "
                             "symbols first (model.subs({...}))")
    if getattr(model, "energy_dependent", False) or (
            isinstance(model, NumericJunction) and model.energy_dependent):
        raise ParameterError(f"{what} needs wide-band leads for now: the dressed propagator "
                             "needs the electrons' boson self-energy at every frequency node, "
                             "and with energy-dependent leads symehp.ehp_self_energy is a "
                             "Kramers-Kronig quadrature per frequency (about 1 s each), too "
                             "slow inside the frequency integral; use wide-band leads, or "
                             "dressed=False (the lead route)")
    return numeric_model(model)


def _matmul_h(a, b, c):
    """``a @ b @ c^+`` over the leading axes."""
    return a @ b @ np.conj(np.swapaxes(c, -1, -2))


def node_matrices(numeric, expansion, w, mu_L, mu_R, T_L, T_R, T_ph):
    """Everything the dressed integrands need at flat nodes ``w`` (M,), per-node parameters.

    Returns ``(D^r, spectra, Lambda_t, Pi^<_t)``: ``D^r`` (M, K, K); ``spectra`` channel
    name -> ``(Lambda^{ab}, Pi^<_ab)``, each (M, K, K); the totals with the phonon bath
    (``Gamma_ph = 2 w gamma_ph``, ``Pi^<_ph = n_ph Gamma_ph`` written with ``w n_ph``).
    """
    k = numeric.K
    idx = np.arange(k)
    gamma = np.asarray(numeric.gamma_ph, float)
    mus, temps = {"L": mu_L, "R": mu_R}, {"L": T_L, "R": T_R}
    pi_r = np.zeros((w.size, k, k), dtype=complex)
    spectra = {}
    lam_t = np.zeros((w.size, k, k), dtype=complex)
    less_t = np.zeros((w.size, k, k), dtype=complex)
    for ch in CHANNELS:
        key = (ch.alpha, ch.beta)
        if not expansion.coupled(*key):
            zero = np.zeros((w.size, k, k), dtype=complex)
            spectra[ch.name] = (zero, zero)
            continue
        pi_r += channel_self_energy(expansion, key, w, mus[ch.alpha], mus[ch.beta],
                                    temps[ch.alpha], temps[ch.beta])
        dos, less = channel_spectra(expansion, ch, w, mu_L, mu_R, T_L, T_R)
        spectra[ch.name] = (dos, less)
        lam_t += dos
        less_t += less
    lam_t[:, idx, idx] += 2 * w[:, None] * gamma
    less_t[:, idx, idx] += 2 * x_bose(w, T_ph)[:, None] * gamma
    inv = -add_bare(numeric, w, pi_r)                       # w^2 - Dyn(w)
    inv[:, idx, idx] += (w ** 2)[:, None]
    d_r = np.linalg.inv(inv)
    return d_r, spectra, lam_t, less_t


def dressed_edges(numeric, expansion, mu_LR, T_L, T_R, T_ph, modes):
    """Breakpoints of one point: those of Eq. (8) plus the dressed modes ``z`` (complex)."""
    base = refined_edges(numeric, frequency_edges(numeric, expansion, mu_LR, T_L, T_R, T_ph),
                         mu_LR, T_L, T_R, T_ph, expansion)
    if base.size < 2:
        return base
    cutoff = float(base[-1])
    extra = []
    for z in modes:
        width = max(abs(z.imag), 1e-300)
        extra += [z.real + c * width for c in (-9, -3, -1, 0, 1, 3, 9)]
    pts = np.unique(np.concatenate([base, [x for x in extra if 0 < x < cutoff]]))
    return pts


#: memory the K x K matrices of one block of frequency nodes may hold (bytes)
NODE_BUDGET = 64 * 2 ** 20
#: complex K x K arrays per node held at once by node_matrices and the integrands (the
#: propagator, the totals, two spectra per channel, A, N and the self-energy's temporaries)
_NODE_ARRAYS = 24


def node_block(k, per_row=1):
    """Rows of frequency nodes (each of ``per_row`` nodes) one integrand call may hold:
    ``NODE_BUDGET`` over the ``_NODE_ARRAYS`` complex K x K matrices per node."""
    return max(1, NODE_BUDGET // (max(1, per_row) * k * k * 16 * _NODE_ARRAYS))


def blocked(f, k):
    """``f(w, owner)`` evaluated on blocks of the rows of ``w`` (:func:`node_block`), so that
    the (nodes, K, K) temporaries stay within ``NODE_BUDGET`` however many nodes a round
    of the quadrature asks for; the parts are joined along the first axis."""
    def g(w, owner):
        w = np.asarray(w, float)
        owner = np.asarray(owner)
        rows = node_block(k, w[0].size if w.ndim > 1 and w.shape[0] else 1)
        if w.shape[0] <= rows:
            return f(w, owner)
        parts = [f(w[i:i + rows], owner[i:i + rows]) for i in range(0, w.shape[0], rows)]
        return tuple(np.concatenate([p[j] for p in parts]) for j in range(len(parts[0])))
    return g


def _integrand(numeric, expansion, mu_L, mu_R, T_L, T_R, T_ph, energy_ref):
    """``f(w, owner) -> (values, sizes)`` (P, n, 8): J per channel, flows, gross e/a."""
    def f(w, owner):
        w = np.asarray(w, float)
        flat = w.ravel()
        o = np.broadcast_to(owner[:, None], w.shape).ravel()
        d_r, spectra, lam_t, less_t = node_matrices(numeric, expansion, flat, mu_L[o], mu_R[o],
                                                    T_L[o], T_R[o], T_ph[o])
        a = _matmul_h(d_r, lam_t, d_r)
        n = _matmul_h(d_r, less_t, d_r)
        out, size, flows, flow_size = [], [], {}, {}
        gross_e = np.zeros(flat.size)
        gross_a = np.zeros(flat.size)
        for ch in CHANNELS:
            dos, less = spectra[ch.name]
            emit = np.real(np.einsum("mij,mji->m", less, a))
            absorb = np.real(np.einsum("mij,mji->m", dos, n))
            flows[ch.name] = (emit - absorb) / _TWO_PI
            flow_size[ch.name] = (np.abs(emit) + np.abs(absorb)) / _TWO_PI
            out.append(flat * flows[ch.name])
            size.append(flat * flow_size[ch.name])
            gross_e += np.abs(flat * emit) / _TWO_PI
            gross_a += np.abs(flat * absorb) / _TWO_PI
        out += [flows["RL"] * energy_ref, flows["LR"] * energy_ref, gross_e, gross_a]
        size += [flow_size["RL"] * energy_ref, flow_size["LR"] * energy_ref, gross_e, gross_a]
        shape = w.shape + (8,)
        return tuple(np.stack(x, axis=-1).reshape(shape) for x in (out, size))
    return blocked(f, numeric.K)


def dressed_transport(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None, rtol=None):
    """:func:`symehp.transport` with ``dressed=True`` (module docstring): a TransportResult.

    Arguments as :func:`symehp.transport` (double precision, wide-band leads).  Points
    where a dressed mode grows get NaN (with a RuntimeWarning): no steady state.
    """
    numeric = dressed_numeric(model)
    expansion = _expansion(numeric)
    rtol, warn_rtol = tolerances(rtol)
    mu_L, mu_R, T_L, T_R, T_ph = operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)
    shape = mu_L.shape
    flat = [np.ascontiguousarray(x).ravel().copy() for x in (mu_L, mu_R, T_L, T_R, T_ph)]
    size = flat[0].size
    energy_ref = float(np.max(numeric.omega))
    edges, unstable = [], []
    for i in range(size):
        eig = mode_eigenfrequencies(numeric, mu_L=flat[0][i], mu_R=flat[1][i], T_L=flat[2][i],
                                    T_R=flat[3][i])
        if not eig.stable:
            unstable.append(i)
            edges.append(np.zeros(0))
            continue
        edges.append(dressed_edges(numeric, expansion, flat[0][i] - flat[1][i], flat[2][i],
                                   flat[3][i], flat[4][i], eig.frequencies))
    values = np.zeros((size, 6))
    errors = np.zeros(size)
    coupled = any(expansion.coupled(a, b) for a in "LR" for b in "LR")
    if coupled and any(e.size >= 2 for e in edges):
        f = _integrand(numeric, expansion, *flat, energy_ref)
        total, err = integrate_panels(f, edges, rtol=rtol, groups=_GROUPS,
                                      group_floor=CHANNEL_FLOOR, warn_rtol=warn_rtol,
                                      label="dressed transport")
        if total is not None:
            values[:] = total[:, :6]
            errors[:] = err
    if unstable:
        values[unstable] = np.nan
        errors[unstable] = np.nan
        warnings.warn(f"dressed transport: {len(unstable)} of {size} point(s) have a growing "
                      f"dressed mode (first at flat index {unstable[0]}): no steady state, the "
                      "currents are NaN there", RuntimeWarning, stacklevel=3)
    values[:, 4:6] /= energy_ref
    return TransportResult.from_flows(values, errors, shape, energy_ref, rtol)


_PARTS = ("total", "ph")


def mode_spectral_function(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None,
                           dressed=False, part="total"):
    """The modes' spectral function ``A(omega) = i (D^r - D^a)`` (K x K), or a bath's share.

    ``A = D^r Lambda_t D^a`` with the total damping ``Lambda_t = Gamma_ph + sum_ab
    Lambda^{ab}`` (``Gamma_ph = 2 w diag(gamma_ph)``).  Undressed (the paper's lowest
    order, ``D^r = [w^2 - diag(Omega^2) + i w diag(gamma_ph)]^-1``) it is diagonal,
    ``A_kk = 2 w gamma_k / ((w^2 - Omega_k^2)^2 + w^2 gamma_k^2)``: the ``A_ph`` of
    Eq. (8).  Dressed, ``D^r = [w^2 - Dyn(w)]^-1``
    (:func:`symehp.numeric.mode_dynamics.dynamical_matrix`).
    Sum rule (mass-weighted modes, ``[u_k, p_l] = i delta_kl``):
    ``int_-inf^inf dw/2pi w A_kk(w) = 2 int_0^inf dw/2pi w Re A_kk(w) = 1``.

    Parameters
    ----------
    model : Junction
        A numeric model (wide-band leads for ``dressed=True``).
    omega : array_like
        Frequency (energy units, any real value).
    mu_L, mu_R, T_e, T_L, T_R : array_like
        The electrons' bias point (broadcast with ``omega``; unused when undressed
        except for the shape).
    dressed : bool
        Include the electrons' self-energy in ``D^r``.
    part : str or int
        ``"total"`` (default): ``A``; ``"ph"``: the phonon bath's share ``D^r Gamma_ph D^a``
        (Hermitian, positive semi-definite for ``w > 0``); a channel name or label
        (``"LL"`` ... ``"LR"``, 1-4): its share ``D^r Lambda^{ab} D^a``.  The shares add
        up to ``A``.  Undressed, ``"ph"`` is ``A`` and every channel's share is 0.

    Returns
    -------
    ndarray, complex, shape ``broadcast(omega, mu_L, mu_R, T).shape + (K, K)``
        1/energy^2 (hbar = 1: ``D^r`` of a unit-mass coordinate is 1/energy^2, the
        damping ``Lambda`` energy^2).  Hermitian; ``A(-w) = -A(w)^T``.
    """
    if not isinstance(dressed, (bool, np.bool_)):
        raise ParameterError(f"dressed must be True or False, got {dressed!r}")
    if isinstance(part, str) and part in _PARTS:
        ch = None
    else:
        try:
            ch = _channel(part)
        except (ParameterError, TypeError, ValueError) as exc:
            raise ParameterError(f"part must be 'total', 'ph' or a channel name/label "
                                 f"('LL', 'RR', 'RL', 'LR', 1-4), got {part!r}") from exc
    numeric = dressed_numeric(model, "mode_spectral_function(dressed=True)") if dressed \
        else numeric_model(model, energy_dependent_leads=True)
    omega, mu_L, mu_R, T_L, T_R = spectrum_arguments(omega, mu_L, mu_R, T_e, T_L, T_R)
    shape = omega.shape
    k = numeric.K
    idx = np.arange(k)
    w = omega.ravel()
    gamma = np.asarray(numeric.gamma_ph, float)
    if not dressed:
        out = np.zeros((w.size, k, k), dtype=complex)
        if ch is None:
            out[:, idx, idx] = 2 * w[:, None] * gamma / (
                (w[:, None] ** 2 - np.asarray(numeric.omega, float) ** 2) ** 2
                + (w[:, None] * gamma) ** 2)
        return out.reshape(shape + (k, k))
    expansion = _expansion(numeric)
    d_r, spectra, lam_t, _ = node_matrices(numeric, expansion, w, mu_L.ravel(), mu_R.ravel(),
                                           T_L.ravel(), T_R.ravel(), np.zeros(w.size))
    if ch is not None:
        middle = spectra[ch.name][0]
    elif part == "ph":
        middle = np.zeros((w.size, k, k), dtype=complex)
        middle[:, idx, idx] = 2 * w[:, None] * gamma
    else:
        middle = lam_t
    return _matmul_h(d_r, middle, d_r).reshape(shape + (k, k))
