"""Energy and particle currents between the EHP baths and the modes, Eq. (8).

Per channel ab (conventions page, with ``n_ph = n_B(w, T_ph)``):

    J_ab = int_0^inf dw/(2pi) w Tr[(Pi^<_ab(w) - Lambda^ab(w) n_ph) A_ph(w)]
    I    = int_0^inf dw/(2pi)   Tr[(Pi^<_LR - Lambda^LR n_ph) A_ph] - (same for RL)

``J > 0``: the electrons heat the modes.  ``I > 0``: electrons flow from L to R
(electric current ``-e I``).  With ``T_L = T_R = T_e``, ``J = sum_ab J_ab`` is
exactly Eq. (8), because then ``Pi^< = n_B(w - mu_ab, T_e) Lambda``.

Numerics: the energy integrals are closed forms (:mod:`symehp.numeric.spectra`; at equal
electrode temperatures the mode-diagonal fast route of
:mod:`.diagonal_spectra`, each digamma computed once).  The one frequency
integral is, where the levels are broadened (at ``T_L = T_R > 0``, ``T_ph > 0``),
the pole-corrected trapezoidal rule on the whole axis (:mod:`.lattice`); elsewhere
adaptive (nested Fejer rules, global error control), vectorized
over nodes and parameter points (:mod:`.quadrature`), on ``[0, w_c]``, with
breakpoints where the physics puts structure (mode frequencies and widths,
``|eV|``, level spacings, thermal boundary layers) and a cutoff ``w_c`` beyond
which every term carries a Bose or Fermi factor below ``exp(-50)``.  The
singular-looking ``n_ph`` at ``w = 0`` is used only as ``w n_ph`` (finite).
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.typing import ArrayLike

from ..ehp import CHANNELS
from .backends import precise_engine, resolve
from .breakpoints import (CUTOFF_TAILS as _CUTOFF_TAILS, frequency_edges as _edges,
                          refined_edges as _refined_edges, resonance_points as _resonance_points)
from .poles import pole_expansion
from .lattice import lattice_currents, lattice_eligible
from .quadrature import integrate_panels
from .results import CHANNEL_FLOOR, ChannelMapping, TransportResult, tolerances
from .diagonal_spectra import (SCALE_SHARE, channel_scales, diagonal_model,
                               diagonal_spectra, point_data)
from .spectra import channel_spectra
from .stats import bose, x_bose
from ._args import check_rtol, numeric_model, operating_point
from ..errors import ParameterError
from ..model import Junction, NumericJunction

__all__ = ["transport", "energy_current", "particle_current", "TransportResult",
           "ChannelMapping", "mode_spectral_diagonal"]

_TWO_PI = 2 * np.pi


def mode_spectral_diagonal(numeric, omega):
    """Diagonal of ``A_ph(w) = D^r Gamma_ph D^a`` divided by ``w``: shape (..., K).

    ``A_ph,kk(w) = 2 w gamma_k / ((w^2 - Omega_k^2)^2 + w^2 gamma_k^2)``; the
    modes are independent at lowest order, so ``A_ph`` is diagonal.
    """
    w = np.asarray(omega, float)[..., None]
    return 2 * numeric.gamma_ph / ((w**2 - numeric.omega**2) ** 2 + (w * numeric.gamma_ph) ** 2)


#: frequency nodes per call of the general route (bounds the memory of its energy quadratures)
_SLOW_BATCH = 512


def _balanced_channels(T_L, T_R, T_ph):
    """The intra-electrode channels in detailed balance with the phonons at every point.

    At ``T_a = T_ph``, ``Pi^<_aa = n_B(w, T_a) Lambda^aa = n_ph Lambda^aa`` (the
    channel's chemical potential is 0), so the integrand of ``J_aa`` vanishes
    identically: ``J_aa = 0`` exactly, and its spectra (half the work of a bias
    point) need not be computed.
    """
    return tuple(name for name, T_a in (("LL", T_L), ("RR", T_R)) if np.all(T_a == T_ph))


def _integrand_factory(numeric, expansion, mu_L, mu_R, T_L, T_R, T_ph, energy_ref,
                       engine="numpy"):
    """Vector integrand over w for a batch of parameter points.

    Returns ``f(w, owner) -> (P, n, 8)`` with components
    ``[J_LL, J_RR, J_RL, J_LR, I_RL, I_LR, gross emission, gross absorption]``
    (particle flows times ``energy_ref`` so that one max-norm controls all).
    Points at equal electrode temperatures ``T > 0`` take the fast route of
    :mod:`.diagonal_spectra` (mode-diagonal spectra, each digamma once); the
    others, and nodes where its pole-pair sum cancels, :func:`.channel_spectra`.
    ``engine``: ``"numpy"`` or ``"numba"`` (:func:`.backends.resolve`), for the fast route.
    """
    fast_point = (T_L == T_R) & (T_L > 0)
    zero = _balanced_channels(T_L, T_R, T_ph)
    if fast_point.any():
        dmodel = diagonal_model(expansion, skip=zero)
        data = point_data(dmodel, mu_L, mu_R, np.where(fast_point, T_L, 1.0), engine)
    k = numeric.K
    # the largest |Lambda| (w + w n_ph) max_k A_ph,kk seen so far at each point, i.e. the
    # size of Lambda's contribution to the currents: the scale against which the
    # round-off of a cancelling pole-pair sum at a node is judged, weighted by that
    # node's own factor (the first round's nodes span the whole frequency range)
    dos_scale = np.zeros((np.size(mu_L), len(CHANNELS)))

    def spectra(w, owner, weight):
        """Per channel ``(Lambda_kk, Pi^<_kk, error)`` at the flat nodes ``w``: (M, K),
        (M, K) and (M,) (an absolute error estimate of both, where they come from an
        energy quadrature)."""
        out = {ch.name: (np.zeros((w.size, k)), np.zeros((w.size, k)), np.zeros(w.size))
               for ch in CHANNELS}
        slow = ~fast_point[owner]
        # per node: intra-electrode channels in balance with the phonons at its point (set
        # to 0 below, whether computed or not: a point's result does not depend on the
        # other points of its chunk)
        balanced = {name: (T_a == T_ph)[owner] for name, T_a in (("LL", T_L), ("RR", T_R))}
        if not slow.all():
            fast = np.nonzero(~slow)[0]
            values, bad = diagonal_spectra(dmodel, data, w[fast], owner[fast], dos_scale,
                                           weight[fast],
                                           ignore={n: b[fast] for n, b in balanced.items()})
            for name, (dos, emit) in values.items():
                out[name][0][fast] = dos
                out[name][1][fast] = emit
            slow[fast[bad]] = True
        slow_nodes = np.nonzero(slow)[0]
        # in batches: at unequal temperatures each node is an energy quadrature
        for start in range(0, slow_nodes.size, _SLOW_BATCH):
            idx = slow_nodes[start:start + _SLOW_BATCH]
            # the inter-electrode channels first: under bias they carry the flow, and a
            # channel far below the largest one is judged against that (channel_scales)
            for c in _SLOW_ORDER:
                ch = CHANNELS[c]
                sub = idx
                if ch.name in balanced:
                    sub = idx[~balanced[ch.name][idx]]
                if not sub.size:
                    continue
                o = owner[sub]

                def rescale(dos, sub=sub, o=o, c=c):
                    # this batch's own closed-form Lambda joins the scale (as on the
                    # fast route), so that the first nodes are not judged against 0
                    np.maximum.at(dos_scale[:, c], o,
                                  np.max(np.abs(dos), axis=(-2, -1)) * weight[sub, c])
                    return SCALE_SHARE * channel_scales(dos_scale[o])[:, c] / weight[sub, c]

                dos, pi_less, err = channel_spectra(
                    expansion, ch, w[sub], mu_L[o], mu_R[o], T_L[o], T_R[o],
                    scale=SCALE_SHARE * channel_scales(dos_scale[o])[:, c] / weight[sub, c],
                    errors=True, rescale=rescale, engine=engine)
                np.maximum.at(dos_scale[:, c], o,
                              np.max(np.abs(dos), axis=(-2, -1)) * weight[sub, c])
                out[ch.name][0][sub] = np.real(np.diagonal(dos, axis1=-2, axis2=-1))
                out[ch.name][1][sub] = np.real(np.diagonal(pi_less, axis1=-2, axis2=-1))
                out[ch.name][2][sub] = err
        for name, nodes in balanced.items():
            if name in zero:          # balanced at every point: never computed, still 0
                continue
            for part in out[name]:
                part[nodes] = 0.0
        return out

    def integrand(w, owner):
        w = np.asarray(w, float)
        node_owner = np.broadcast_to(owner[:, None], w.shape).ravel()
        flat_w = w.ravel()
        a_over_w = mode_spectral_diagonal(numeric, flat_w)  # A_ph,kk / w: (M, K)
        a_ph = flat_w[:, None] * a_over_w
        w_nph = x_bose(flat_w, T_ph[node_owner])            # w n_B(w, T_ph), finite at 0
        out, size = [], []
        gross_e = np.zeros(flat_w.shape)
        gross_a = np.zeros(flat_w.shape)
        flows, flow_size = {}, {}
        weight = _lambda_weights(flat_w, w_nph, a_ph, node_owner, mu_L, mu_R, T_L,
                                 fast_point)
        values = spectra(flat_w, node_owner, weight)
        for ch in CHANNELS:
            if ch.name in zero:
                # in balance at every point: its spectra were set to 0 (spectra), so are
                # its terms (the same bits as computing them)
                out.append(np.zeros(flat_w.shape))
                size.append(np.zeros(flat_w.shape))
                continue
            dos_k, em_k, _ = values[ch.name]
            emit = np.sum(em_k * a_ph, axis=-1)            # Tr[Pi^< A_ph]
            absorb_w = np.sum(dos_k * a_ph, axis=-1)       # Tr[Lambda A_ph]
            absorb_n = np.sum(dos_k * a_over_w, axis=-1)   # Tr[Lambda A_ph] / w
            out.append((flat_w * emit - w_nph * absorb_w) / _TWO_PI)
            flows[ch.name] = (emit - w_nph * absorb_n) / _TWO_PI
            # the terms that cancel in each value: its round-off scale
            e_abs = np.sum(np.abs(em_k) * a_ph, axis=-1)
            a_abs = np.sum(np.abs(dos_k) * a_over_w, axis=-1)
            size.append((flat_w * e_abs + flat_w * w_nph * a_abs) / _TWO_PI)
            flow_size[ch.name] = (e_abs + w_nph * a_abs) / _TWO_PI
            gross_e += np.abs(flat_w * emit) / _TWO_PI
            gross_a += np.abs(w_nph * absorb_w) / _TWO_PI
        out += [flows["RL"] * energy_ref, flows["LR"] * energy_ref, gross_e, gross_a]
        size += [flow_size["RL"] * energy_ref, flow_size["LR"] * energy_ref, gross_e, gross_a]
        shape = w.shape + (8,)
        # (the spectra's own quadrature errors, where an energy quadrature made them,
        # are not passed on: their estimates are ~1e-12 of Lambda's scale and so
        # pessimistic that error_J would exceed the true error by 1e7 near equilibrium)
        return tuple(np.stack(x, axis=-1).reshape(shape) for x in (out, size))
    return integrand


def _lambda_weights(w, w_nph, a_ph, owner, mu_L, mu_R, T_e, equal_t):
    """How much each channel's ``Lambda`` counts in the currents at each node: (M, 4), > 0.

    ``Lambda`` enters Eq. (8) through absorption, ``w n_ph Lambda A_ph``, and, at equal
    electrode temperatures, through emission, ``w Pi^< A_ph`` with ``Pi^< = n_B(w -
    mu_ab, T) Lambda``: its weight is ``w (min(1, |n_B(w - mu_ab, T)|) + n_ph) max_k
    A_ph,kk`` (``|n_B| >= 1`` below ``mu_ab``, where the emission is of the size of
    Lambda, and Boltzmann-small above it, where a weight of 1 would let the round-off
    of the nodes far above mu_ab be judged against a peak of Lambda that no current
    sees).  At unequal temperatures (``Pi^<`` computed apart) the emission factor is 1.
    Floored at 1e-30 of the largest weight of the batch (tiny where nothing counts).
    """
    a_max = np.max(a_ph, axis=-1, initial=0.0)
    out = np.empty((w.size, len(CHANNELS)))
    mus = {"L": mu_L[owner], "R": mu_R[owner]}
    equal, t_e = equal_t[owner], T_e[owner]
    intra = None                  # LL and RR: mu_ab = 0 exactly, the same column
    for c, ch in enumerate(CHANNELS):
        if ch.alpha == ch.beta and intra is not None:
            out[:, c] = out[:, intra]
            continue
        d = w - (mus[ch.alpha] - mus[ch.beta])
        emit = np.ones(w.size)
        fast = equal & (d > 0)
        if fast.any():
            emit[fast] = np.minimum(1.0, bose(d[fast], t_e[fast]))
        out[:, c] = (w * emit + w_nph) * a_max
        if ch.alpha == ch.beta:
            intra = c
    return np.maximum(out, 1e-30 * np.max(out, initial=0.0) + 1e-300)


#: the order in which the slow route computes the channels (indices into CHANNELS)
_SLOW_ORDER = [[ch.name for ch in CHANNELS].index(name) for name in ("RL", "LR", "LL", "RR")]

#: error control per channel (J_LL; J_RR; J_RL, I_RL; J_LR, I_LR; the gross flows), each
#: relative to its own size but never to less than 1e-3 of the largest component
_GROUPS = [[0], [1], [2, 4], [3, 5], [6, 7]]
_GROUP_FLOOR = CHANNEL_FLOOR

#: parameter points integrated together at most (bounds the memory of one vectorized call)
_CHUNK = 256
#: ... and the memory budget of one chunk's first quadrature round: its per-node arrays
#: (spectra and pair sums of each channel, weights) hold about ``_NODE_BYTES`` per node and
#: mode.  A 100-point sweep of the N = 200, K = 50 chain of benchmarks/bench_scale.py in
#: one chunk peaked at 4.9 GiB; in chunks of this budget it stays near one point's 2 GiB
_CHUNK_BYTES = 2**30
_NODE_BYTES = 256


#: whether transport may use the pole-corrected trapezoidal rule (:mod:`.lattice`); the
#: tests switch it off to compare with the adaptive rule
_LATTICE = True


def _pinch_poles(numeric, expansion, flat, rtol, n_panels):
    """The pinch poles (:class:`.lattice.PinchPoles`) that the lattice corrects at these
    points: those nearer the axis than the largest strip of the points; None where no
    point could take the lattice even with them all corrected (then they are not made),
    or where there are too many (``lattice._MAX_PINCH``)."""
    from .lattice import PinchPoles, strip_halfwidth
    T_e, T_ph = flat[2], flat[4]
    ok = (T_e > 0) & (T_ph > 0)
    if not ok.any():
        return None
    # the most the pinch poles can give: the strip without them
    hopeful, _, _ = lattice_eligible(numeric, expansion, *flat, rtol, n_panels,
                                     pinch=_NO_PINCH)
    if not hopeful.any():
        return None
    return PinchPoles.near_axis(numeric, expansion, float(np.max(
        strip_halfwidth(expansion, T_e[ok], T_ph[ok], pairs=False))))


class _NoPinch:
    """Stands for a model whose pair pinches are all corrected (none limits the strip):
    the optimistic eligibility of :func:`_pinch_poles`."""
    locations = np.zeros(0, complex)


_NO_PINCH = _NoPinch()


def _least_panels(numeric, expansion):
    """A lower bound of the adaptive rule's panels at a point: the breakpoints every point
    has (five per mode, |eV|, the pair resonances), before thermal refinement."""
    return 5 * numeric.K + 2 + len(_resonance_points(expansion))


def _chunk_size(numeric, expansion, flat):
    """Parameter points per chunk: ``_CHUNK``, or fewer where one point's first round
    (its panels times the 13 nodes of the first rule, times K) would make a chunk's
    arrays exceed ``_CHUNK_BYTES`` (estimated from the first point's panels)."""
    first = [x[0] for x in flat]
    mu_lr = first[0] - first[1]
    edges = _refined_edges(numeric, _edges(numeric, expansion, mu_lr, *first[2:]), mu_lr,
                           *first[2:], expansion)
    per_point = max(edges.size - 1, 1) * 14 * max(numeric.K, 1) * _NODE_BYTES
    return int(np.clip(_CHUNK_BYTES // per_point, 1, _CHUNK))


def transport(model: Junction | NumericJunction, *, mu_L: ArrayLike, mu_R: ArrayLike,
              T_ph: ArrayLike, T_e: ArrayLike | None = None, T_L: ArrayLike | None = None,
              T_R: ArrayLike | None = None, rtol: float | None = None,
              progress: bool | None = None, dps: int | None = None,
              backend: str = "auto", certify: bool = False,
              dressed: bool = False) -> TransportResult:
    """Energy and particle currents of Eq. (8) with per-channel parts and error estimates.

    Parameters
    ----------
    model : Junction
        A numeric model.
    mu_L, mu_R : array_like
        Chemical potentials (energy units; bias ``eV = mu_L - mu_R``).
    T_ph : array_like
        Phonon-bath temperature (``>= 0``).
    T_e, T_L, T_R : array_like
        Electron temperature: ``T_e`` of both electrodes, or ``T_L`` and ``T_R``
        of each (``>= 0``; see :mod:`symehp.conditions`).
    rtol : float, optional
        Relative tolerance of the frequency integral: for each channel's
        ``J_ab`` and ``I_ab`` relative to their own size, or to 1e-3 of the
        gross (unsigned) emission and absorption flows if that is larger.
        Default (None) 1e-10, aiming at the promised 1e-8: an
        :class:`~symehp.numeric.quadrature.IntegrationWarning` then only when
        round-off keeps a point from 1e-8; an ``rtol`` given explicitly warns
        whenever it is missed.  ``error_J``/``error_I`` always say what was
        reached.
    progress : bool or None
        Show a progress bar over the broadcast points (None: when there are
        more than 50 points and stderr is a terminal).
    dps : int or None
        Decimal digits: evaluate with mpmath at this precision instead
        (:mod:`.precise_currents`); the result is accurate to about
        ``dps - 5`` digits and its arrays hold ``mpmath.mpf`` objects.
    backend : {"auto", "numpy", "numba"}
        The double-precision engine (:mod:`.backends`): ``"numba"`` compiles
        the inner loops of the mode-diagonal spectra (the optional extra
        ``fast``), ``"numpy"`` does not, ``"auto"`` (default) takes numba when
        it is installed.  The two agree to round-off.  With ``dps`` only
        ``"auto"`` is accepted.
    certify : bool
        With ``dps``: every current is an :class:`~symehp.numeric.mp.interval.Interval`
        (``.lower``, ``.upper``, ``.mid``, ``.rad``, exact ``mpmath.mpf``) that provably
        contains the exact value of Eq. (8) for the model as given, computed in Arb
        ball arithmetic with rigorous integration and tail bounds
        (:mod:`symehp.numeric.mp.certify`; what is proven and under which
        assumptions: docs/conventions.md, "Certified enclosures").  Needs wide-band
        leads, ``T_L = T_R > 0``, broadened levels and simple poles; otherwise a
        :class:`~symehp.errors.ParameterError` says which.  ``error_J``/``error_I``
        are then the radii.
    dressed : bool
        Use the electron-dressed mode propagator ``D^r = [w^2 - Dyn(w)]^-1`` (K x K,
        :mod:`symehp.numeric.dressed`; docs/conventions.md, "Dressed modes") instead of the paper's
        lowest order; reduces to Eq. (8) as the couplings go to 0.  Double precision,
        wide-band leads, numeric models only (``dps``/``certify`` raise
        :class:`~symehp.errors.ParameterError`); points with a growing dressed mode are NaN.

    Returns
    -------
    TransportResult
        Arrays of the broadcast shape of the parameters.
    """
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise ParameterError(f"progress must be True, False or None (automatic), got "
                             f"{progress!r}")
    if not isinstance(certify, (bool, np.bool_)):
        raise ParameterError(f"certify must be True or False, got {certify!r}")
    if not isinstance(dressed, (bool, np.bool_)):
        raise ParameterError(f"dressed must be True or False, got {dressed!r}")
    if dressed:
        if dps is not None or certify:
            raise ParameterError("dressed=True is double precision only: dps= and certify= "
                                 "are not available with it")
        resolve(backend, None)
        from .dressed import dressed_transport
        return dressed_transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L,
                                 T_R=T_R, rtol=rtol)
    if certify:
        if dps is None:
            raise ParameterError("certify=True needs dps= (the enclosure is computed in Arb "
                                 "ball arithmetic at dps digits, e.g. dps=30)")
        if rtol is not None:
            raise ParameterError("certify=True: rtol does not apply (the enclosure's width "
                                 "is set by dps)")
        resolve(backend, dps)
        return precise_engine().certified_transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph,
                                                    T_e=T_e, T_L=T_L, T_R=T_R, dps=dps,
                                                    progress=progress)
    engine = resolve(backend, dps)
    if rtol is not None:
        check_rtol(rtol, 1e-14)
    if getattr(model, "energy_dependent", False):
        # energy-dependent leads (symehp.leads): the general route, energy quadratures of
        # the spectra at every frequency node (no closed form, no dps= yet)
        if dps is not None:
            raise ParameterError("dps: not available for energy-dependent leads (the general "
                                 "route is double precision); use wide-band leads for dps=")
        from .lead_currents import lead_transport
        return lead_transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L,
                              T_R=T_R, rtol=rtol)
    if engine == "mpmath":
        return precise_engine().transport_mp(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e,
                                             T_L=T_L, T_R=T_R, dps=dps, progress=progress)
    numeric = numeric_model(model)
    expansion = pole_expansion(numeric)
    rtol, warn_rtol = tolerances(rtol)
    mu_L, mu_R, T_L, T_R, T_ph = operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)
    shape = mu_L.shape
    flat = [np.ascontiguousarray(x).ravel() for x in (mu_L, mu_R, T_L, T_R, T_ph)]
    size = flat[0].size
    energy_ref = float(np.max(numeric.omega))
    values = np.zeros((size, 6))
    errors = np.zeros(size)
    # no broadened level couples to a mode (gamma_L = gamma_R = 0, or M = 0 on them): every
    # EHP spectrum vanishes identically, so J = I = 0 exactly, with error 0
    coupled = any(expansion.coupled(a, b) for a in "LR" for b in "LR")
    chunk = _chunk_size(numeric, expansion, flat) if coupled and size else _CHUNK
    chunks = range(0, size if coupled else 0, chunk)
    if progress is None:
        progress = size > 4 * chunk and sys.stderr.isatty()
    if progress:
        from tqdm import tqdm
        chunks = tqdm(chunks, desc="symehp: currents", unit="chunk",
                      mininterval=0.1 if sys.stderr.isatty() else 60.0)
    # the pole-corrected trapezoidal rule serves the points where it needs fewer nodes
    # than the adaptive rule (:mod:`.lattice`); the adaptive rule the others
    n_panels = _least_panels(numeric, expansion) if coupled else 0
    pinch = _pinch_poles(numeric, expansion, flat, rtol, n_panels) if coupled and _LATTICE \
        else None
    for start in chunks:
        part = [x[start:start + chunk] for x in flat]
        f = _integrand_factory(numeric, expansion, *part, energy_ref, engine)
        rest = np.arange(part[0].size)
        if _LATTICE:
            use, h, n = lattice_eligible(numeric, expansion, *part, rtol, n_panels, pinch)
            points = np.nonzero(use)[0]
            if points.size:
                val, err, done = lattice_currents(
                    f, numeric, expansion, points, part[0], part[1], part[2], part[4],
                    h[points], n[points], rtol, energy_ref, skip=_balanced_channels(*part[2:]),
                    pinch=pinch)
                values[start + points[done]] = val[done]
                errors[start + points[done]] = err[done]
                rest = np.setdiff1d(rest, points[done])
        if not rest.size:
            continue
        edges = [_refined_edges(numeric, _edges(numeric, expansion, part[0][i] - part[1][i],
                                                part[2][i], part[3][i], part[4][i]),
                                part[0][i] - part[1][i], part[2][i], part[3][i], part[4][i],
                                expansion)
                 for i in rest]
        total, err = integrate_panels(lambda w, owner: f(w, rest[owner]), edges, rtol=rtol,
                                      groups=_GROUPS, group_floor=_GROUP_FLOOR,
                                      warn_rtol=warn_rtol)
        if total is not None:
            values[start + rest] = total[:, :6]
            errors[start + rest] = err
    values[:, 4:6] /= energy_ref
    return TransportResult.from_flows(values, errors, shape, energy_ref, rtol)


def energy_current(model: Junction | NumericJunction, *, mu_L: ArrayLike, mu_R: ArrayLike,
                   T_ph: ArrayLike, T_e: ArrayLike | None = None, T_L: ArrayLike | None = None,
                   T_R: ArrayLike | None = None, by_channel: bool = False,
                   rtol: float | None = None, progress: bool | None = None,
                   dps: int | None = None, backend: str = "auto", certify: bool = False,
                   dressed: bool = False):
    """Energy current J from the electrons into the modes, Eq. (8).

    ``J = sum_ab int_0^inf dw/(2pi) w Tr[(Pi^<_ab - Lambda^ab n_B(w, T_ph)) A_ph]``
    (energy per unit time, hbar = 1).  ``J > 0`` heats the modes.  With
    ``T_L = T_R = T_e`` this is Eq. (8) of the paper.

    Arguments as :func:`transport`.  Returns J (float or array of the
    broadcast shape); with ``by_channel=True`` a :class:`ChannelMapping` with
    the four channels and ``"total"``.  For the quadrature error estimate use
    :func:`transport` (``.error_J``).  ``dps``: evaluate with mpmath at that
    many decimal digits; ``backend``: the double-precision engine (see :func:`transport`);
    ``certify=True`` (with ``dps``): a certified :class:`~symehp.numeric.mp.interval.Interval`
    (see :func:`transport`); ``dressed=True``: the electron-dressed mode propagator
    (see :func:`transport`).  :func:`transport` is the primary entry; this shortcut and
    :func:`particle_current` called with the same model and arguments share one
    computation (the last few results are kept, keyed on every number).
    """
    _check_by_channel(by_channel)
    res = _shared_transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L,
                            T_R=T_R, rtol=rtol, progress=progress, dps=dps, backend=backend,
                            certify=certify, dressed=dressed)
    return _copy(res.J_by_channel) if by_channel else _copy(res.J)


def particle_current(model: Junction | NumericJunction, *, mu_L: ArrayLike, mu_R: ArrayLike,
                     T_ph: ArrayLike, T_e: ArrayLike | None = None,
                     T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                     by_channel: bool = False, rtol: float | None = None,
                     progress: bool | None = None, dps: int | None = None,
                     backend: str = "auto", certify: bool = False,
                     dressed: bool = False):
    """Electron particle current from L to R (electrons per unit time).

    An emission in channel ab moves one electron from a to b, so
    ``I = int_0^inf dw/(2pi) Tr[(Pi^<_LR - Lambda^LR n_ph) A_ph] - (same for RL)``.
    The electric current is ``-e I``.  Arguments as :func:`energy_current`;
    ``by_channel=True`` returns the signed channel contributions (LL and RR
    are zero) and ``"total"``.  Error estimate: :func:`transport` (``.error_I``).
    ``dps``: evaluate with mpmath at that many decimal digits; ``backend``: the
    double-precision engine (see :func:`transport`); ``certify=True`` (with ``dps``): a
    certified :class:`~symehp.numeric.mp.interval.Interval` (see :func:`transport`);
    ``dressed=True``: the electron-dressed mode propagator (see :func:`transport`).
    """
    _check_by_channel(by_channel)
    res = _shared_transport(model, mu_L=mu_L, mu_R=mu_R, T_ph=T_ph, T_e=T_e, T_L=T_L,
                            T_R=T_R, rtol=rtol, progress=progress, dps=dps, backend=backend,
                            certify=certify, dressed=dressed)
    return _copy(res.I_by_channel) if by_channel else _copy(res.I)


def _check_by_channel(by_channel):
    if not isinstance(by_channel, (bool, np.bool_)):
        raise ParameterError(f"by_channel must be True or False, got {by_channel!r}")


#: the last few results of the shortcuts: energy_current and particle_current with the
#: same arguments share one transport computation (each would otherwise run all of it)
_RECENT = {}
_RECENT_SIZE = 4


def _digest(value):
    """Bytes that identify an argument's value exactly (None for the unhashable)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr((type(value).__name__, value)).encode()
    try:
        arr = np.asarray(value)
    except Exception:                     # noqa: BLE001 - odd inputs: no caching, no harm
        return None
    if arr.dtype == object:
        return None
    return repr((arr.dtype.str, arr.shape)).encode() + arr.tobytes()


def _shared_transport(model, *, progress, **kwargs):
    """:func:`transport`, reused when the same model and arguments were just computed.

    The key is the hash of every number of the model (``NumericJunction.key``),
    the exact bytes of every argument (``progress`` aside) and the engine that runs
    (``backend="auto"`` is numba or NumPy); results are kept for the
    last ``_RECENT_SIZE`` calls, and the shortcuts hand out copies of them.
    """
    import hashlib
    try:
        numeric = numeric_model(model)
    except Exception:                     # noqa: BLE001 - transport raises the clear error
        numeric = None
    try:
        # the engine that will run, not the name asked for ("auto" changes with numba)
        engine = resolve(kwargs.get("backend", "auto"), kwargs.get("dps"))
    except Exception:                     # noqa: BLE001 - transport raises the clear error
        return transport(model, progress=progress, **kwargs)
    parts = [_digest(kwargs[name]) for name in sorted(kwargs) if name != "backend"]
    parts.append(engine.encode())
    if numeric is None or any(p is None for p in parts):
        return transport(model, progress=progress, **kwargs)
    key = (numeric.key, hashlib.sha256(b"|".join(parts)).hexdigest())
    hit = _RECENT.get(key)
    if hit is not None:
        return hit
    res = transport(model, progress=progress, **kwargs)
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    _RECENT[key] = res
    return res


def _copy(value):
    """A copy of a result's array (or mapping of arrays) for the caller to keep."""
    if isinstance(value, dict):
        return type(value)((k, _copy(v)) for k, v in value.items())
    return value.copy() if isinstance(value, np.ndarray) else value
