"""Mode-diagonal EHP spectra on many frequency nodes: the inner loop of Eq. (8).

Eq. (8) needs, at each node ``w`` of its frequency integral, only the
mode-diagonal ``Lambda^{ab}_kk(w)`` and ``Pi^<_{ab,kk}(w)`` of each channel.
At equal electrode temperatures ``T > 0``, with ``d = w - mu_ab``
(:mod:`symehp.numeric.spectra`), ``Lambda = -(d/2pi) S`` and ``Pi^< = -(d n_B(d)/2pi) S``,

    S_k  = sum_pq T^{ab}_{kk,pq} X_pq,
    X_pq = [Phi_a(p) - Phi_b(p - w) - Phi_a(q + w) + Phi_b(q)] / (d (p - q - w)),

with ``Phi_c = Phi(.; mu_c, T)`` (:mod:`.fermi_integrals`; note
``Phi_a(z - d) = Phi_b(z - w)`` exactly).  This module evaluates exactly that,
organized so that every digamma is computed once:

* ``Phi(p; mu_c)`` does not depend on ``w``: once per parameter point;
* ``Phi(z +- w; mu_c)`` only for the N lower-half-plane poles ``z``: the upper
  poles are their conjugates and ``Phi(conj z; mu, +) = conj Phi(z; mu, -)``
  for real shifts, so ``4 N`` digammas per node serve all four channels;
* ``X_{conj p, conj q} = conj X_pq`` (real ``w``, ``mu``, ``d``), so only the
  pairs with ``p`` in the lower half-plane are formed, and the residue traces
  of the conjugate pairs are folded into two real coefficient arrays;
* channels whose residue traces vanish (LL and RR of the two-level model)
  are skipped, and only the diagonal ``kk`` traces are contracted;
* the pairs of one family (``p`` and ``q`` both lower) have no pole in ``w``
  (their ``p - q - w = 0`` is removable) and their digammas none within
  ``pi T`` of the real axis, so their half of ``S`` is smooth where the other
  half (``q`` upper: the resonances ``w = Re(p - q)``) and the modes'
  Lorentzians are sharp: where a parameter point has many nodes within ``pi T``
  it is interpolated from 24-point Chebyshev panels (a tail check falls back to
  the direct sums), and only the resonant half is summed at every node
  (:func:`_pair_sums`).

Removable singularities are taken by Taylor series at the centre of the
nearby points (:func:`.fermi_integrals.segment_mean` and
:func:`.fermi_integrals.parallelogram_mean`), with the closeness rule of the
contour integrals of :func:`.fermi_integrals.mixed_difference` (separation
``<= CLOSE`` times the distance to the nearest digamma pole) for ``d -> 0``
(the Bose pole at ``w = mu_ab``), and ``<= PAIR_CLOSE = CLOSE/4`` for
``p -> q + w`` with poles of one family (``w -> 0`` with ``p = q``, and
resonances ``w = eps_i - eps_j`` with equal widths), and both.  Outside those
regions the direct formula loses at most ``log10(1/PAIR_CLOSE)`` ~ 2.4 digits.  Nodes where the pole-pair sum cancels by more
than :data:`symehp.numeric.spectra.MAX_CANCELLATION` are flagged for the general route.
"""

from __future__ import annotations

import copy

import numpy as np

from ..ehp import CHANNELS
from .results import CHANNEL_FLOOR
from .fermi_integrals import (CLOSE, parallelogram_mean, phi_lower, phi_lower_parts,
                              segment_mean, singularity_distance)

_phi_lower = phi_lower           # its former name here

__all__ = ["DiagonalModel", "diagonal_model", "point_data", "diagonal_spectra"]

_TWO_PI = 2 * np.pi


class DiagonalModel:
    """What :func:`diagonal_spectra` needs of a :class:`~.poles.PoleExpansion`.

    Attributes
    ----------
    lower : (N,) complex
        The poles in the lower half-plane (family -1); the other N are their conjugates.
    poles : (P,) complex
        All poles, lower first (``P = 2N``).
    channels : list of (Channel, coef, gross, gross_scale)
        The channels with a non-zero trace; ``coef`` and ``gross`` are pairs
        ``(same, opposite)``: the columns of the pairs with ``q`` lower (same
        family as ``p``), then with ``q`` upper, each over ``N * N`` pairs.  With ``A = T_kk,pq`` and
        ``B = T_kk,conj(p)conj(q)`` for ``p`` lower and any ``q`` (flattened
        to ``N * P``), ``Re S_k = sum Re(X) alpha + Im(X) beta`` with
        ``alpha = Re A + Re B``, ``beta = Im B - Im A``; ``gross = |A| + |B|``
        bounds the sum term by term (for the cancellation check).  Both are
        stored interleaved as the real view of the complex ``X`` (``coef``,
        (K, 2 N N) per family: ``alpha, beta`` alternating, so ``Re S = X.view(float) @
        coef.T`` needs no copy of ``Re X`` and ``Im X``) and ``gross`` the
        same way, divided by ``gross_scale``.  For large models (``K N P >=
        _BLAS_SIZE``, K > 1) ``gross`` is the one row ``max_k gross_k``: then
        ``sum_pq |X| max_k gross_k`` bounds the largest gross sum over the modes
        from above (a matrix-vector product instead of a second K-column matrix
        product; on the chain models of ``benchmarks/bench_scale.py`` it is within
        1.4-2.7 times the exact largest), so the cancellation test can only flag
        more nodes, never fewer.  A one-row ``gross`` (also K = 1) is summed by the
        compiled engine inside its pair loop (``_numba_kernels.pair_matrix``).
    """

    def __init__(self, expansion):
        poles, family = expansion.poles, expansion.family
        n = poles.size // 2
        if not (np.all(family[:n] == -1) and np.all(family[n:] == 1)
                and np.array_equal(poles[n:], np.conj(poles[:n]))):
            raise ValueError("pole expansion is not ordered as [lower poles, their conjugates]")
        self.N = n
        self.lower = poles[:n]
        self.poles = poles
        self.K = expansion.K
        conj = np.r_[np.arange(n, 2 * n), np.arange(n)]            # index of conj(pole)
        self.channels = []
        for ch in CHANNELS:
            diag = expansion.pair_weights(ch.alpha, ch.beta)          # (K, P, P)
            if not np.any(diag):
                continue
            first = diag[:, :n, :]                                     # p lower, q any
            mirror = diag[:, conj[:n]][:, :, conj]
            one_row = 2 * first[0].size * self.K >= _BLAS_SIZE and self.K > 1
            coefs, grosses = [], []
            for family in (slice(0, n), slice(n, 2 * n)):           # q lower, q upper
                f = first[:, :, family].reshape(self.K, -1)
                r = mirror[:, :, family].reshape(self.K, -1)
                coef = np.empty((self.K, 2 * f.shape[1]))
                coef[:, 0::2] = f.real + r.real
                coef[:, 1::2] = r.imag - f.imag
                gross = np.repeat(np.abs(f) + np.abs(r), 2, axis=1)
                if one_row:
                    gross = np.max(gross, axis=0, keepdims=True)
                coefs.append(coef)
                grosses.append(gross)
            scale = np.asarray(max(np.max(g) for g in grosses))
            self.channels.append((ch, tuple(coefs), tuple(g / scale for g in grosses), scale))
        # pairs (p lower, q any) minus w: p - q; the same-family ones are q lower
        self.pair_diff = self.lower[:, None] - poles[None, :]        # (N, P)
        self.max_abs_pole = float(np.max(np.abs(poles)))
        # real parts of p - q (p, q lower): where a same-family pair can coincide, w = Re(p - q)
        self.resonances = np.unique(np.real(self.lower[:, None] - self.lower[None, :]))


_MODELS = {}


def diagonal_model(expansion, skip=()):
    """The (cached) :class:`DiagonalModel` of a pole expansion.

    ``skip``: names of channels to leave out (their spectra are then not computed;
    e.g. an intra-electrode channel in detailed balance with the phonons).
    """
    key = id(expansion)
    cached = _MODELS.get(key)
    if cached is None or cached[0] is not expansion:
        if len(_MODELS) > 64:
            _MODELS.clear()
        cached = _MODELS[key] = (expansion, DiagonalModel(expansion))
    full = cached[1]
    if not skip:
        return full
    part = copy.copy(full)
    part.channels = [entry for entry in full.channels if entry[0].name not in skip]
    return part


def point_data(model, mu_L, mu_R, T, backend="numpy"):
    """Per-parameter-point inputs: ``mu`` (2, B), ``T`` (B,), ``Phi(z_j; mu_c)`` (2, B, N).

    ``backend``: ``"numpy"`` or ``"numba"`` (an engine name of :func:`.backends.resolve`);
    it is kept in the returned data and used by :func:`diagonal_spectra`.
    """
    mu = np.stack([np.asarray(mu_L, float), np.asarray(mu_R, float)])
    T = np.asarray(T, float)
    kernels = _kernels(backend)
    if kernels is not None:
        phi0 = kernels.phi_table(model.lower, np.ascontiguousarray(mu), np.ascontiguousarray(T))
    else:
        phi0 = _phi_lower(model.lower[None, None, :] - mu[:, :, None],
                          2 * np.pi * T[None, :, None])
    return _PointData(mu, T, phi0, kernels)


class _PointData(tuple):
    """``(mu, T, phi0)`` of :func:`point_data`, plus the compiled kernels (or None)."""

    def __new__(cls, mu, T, phi0, kernels):
        self = super().__new__(cls, (mu, T, phi0))
        self.kernels = kernels
        return self


def _kernels(backend):
    """The compiled kernels for engine ``backend``, None for NumPy."""
    if backend == "numpy":
        return None
    if backend == "numba":
        from .backends import kernels
        return kernels()
    raise ValueError(f"diagonal spectra: engine must be 'numpy' or 'numba', got {backend!r}")


#: nodes per vectorized block at most: small models keep their temporaries in the CPU cache
_BLOCK = 2048
#: ... except the smallest models (N < 4), whose blocks may hold up to this many pole pairs
#: (nodes x N x N) when that is more: each block costs ~0.5 ms of fixed NumPy work (its
#: ~100 array operations, the Taylor batches), which 2048 nodes of the two-level model
#: (N = 2) do not amortize (its 1000-point sweep of benchmarks/bench_eq8.py: 161 ms in
#: blocks of 2048 nodes, 146 ms of 6144, 144 ms of 8192, 159 ms of 16384)
_BLOCK_PAIRS = 32768
#: ... and the memory budget of one block's temporaries: a block holds about this many
#: (N x P pair-value) arrays of complex numbers per node (pair values, their differences,
#: Taylor corrections, absolute values), so large models take fewer nodes per block
_BLOCK_BYTES = 64 * 2**20
_TEMPORARIES_PER_NODE = 8
#: the compiled loops write the pair values of each channel into buffers made once per
#: call (4 channels, plus the magnitudes where a gross sum has K rows): no temporaries,
#: and no page faults of fresh large allocations per block.  Their budget is larger, for
#: the BLAS pair sums: each block reads the K x 2 N P coefficients once, so more nodes
#: per block means fewer passes over them (N = 200, K = 50, benchmarks/bench_scale.py:
#: 5.2 s per bias point with 192 MiB, 4.3 s with 768 MiB, 4.7 s with 1.5 GiB; peak RSS
#: 1.3, 1.4 and 1.8 GiB)
_COMPILED_TEMPORARIES = 5
_COMPILED_BLOCK_BYTES = 768 * 2**20


def block_size(model, engine="numpy"):
    """Nodes per block of :func:`diagonal_spectra` for ``model`` (a memory budget).

    The compiled loops (``engine="numba"``) hold fewer temporaries per node (the
    pair values and their single-precision magnitudes), so their blocks are larger
    within the same budget, which the BLAS pair sums need at large N (each block
    reads the K x 2 N P coefficients once).
    """
    if engine == "numpy":
        temporaries, budget = _TEMPORARIES_PER_NODE, _BLOCK_BYTES
    else:
        temporaries, budget = _COMPILED_TEMPORARIES, _COMPILED_BLOCK_BYTES
    per_node = temporaries * 16 * max(1, model.N * model.poles.size)
    return int(np.clip(budget // per_node, 1, max(_BLOCK, _BLOCK_PAIRS // max(1, model.N**2))))


def diagonal_spectra(model, data, w, owner, point_scale=None, node_weight=None, ignore=None):
    """Mode-diagonal ``(Lambda_kk, Pi^<_kk)`` of every channel with non-zero traces.

    Parameters
    ----------
    model : DiagonalModel
    data : tuple from :func:`point_data` (all points at equal electrode temperature T > 0)
    w : (M,) float
        Frequency nodes.
    owner : (M,) int
        The parameter point of each node.
    point_scale : (B, 4) float, optional
        The size of ``Lambda`` of each channel (``CHANNELS`` order) at each
        parameter point: its largest value at the nodes so far, updated in
        place.  A node whose pole-pair sum cancels is then flagged only if
        its round-off (``~1e-16`` of the gross sum) is significant against
        that scale, not against its own value: far beyond the band the
        spectra are 1e-12 of their peak, and their last digits do not matter
        for any integral over frequency.
    node_weight : (M,) or (M, 4) float, optional
        How much each node's ``Lambda`` counts in that integral (e.g.
        ``(w + w n_ph) max_k A_ph,kk``, > 0): ``point_scale`` then holds the
        largest weighted ``|Lambda| * node_weight``, and a node's round-off is
        judged against ``point_scale / node_weight``.  Without it a tiny
        ``Lambda`` under a sharp mode (weight 1e4) would be judged against a
        peak of ``Lambda`` far from every mode (weight 1e-6).  (M, 4): one
        weight per channel (``CHANNELS`` order), e.g. with the channel's own
        emission factor.

    ignore : dict channel name -> (M,) bool, optional
        Nodes whose values of that channel the caller does not need (it sets
        them itself): their cancellation does not flag the node.

    Returns
    -------
    spectra : dict channel name -> (dos, emission), each (M, K) float
    bad : (M,) bool
        Nodes whose pole-pair sum cancels by more than ``MAX_CANCELLATION`` in
        some channel; their values must be recomputed by the general route.
    """
    w = np.asarray(w, float)
    owner = np.asarray(owner)
    from .spectra import MAX_CANCELLATION
    sums = _pair_sums(model, data, w, owner)
    spectra, top, big = _finish(model, data, w, owner, sums)
    if point_scale is not None:
        weight = np.ones(w.size) if node_weight is None else np.asarray(node_weight, float)
        if weight.ndim == 1:
            weight = np.broadcast_to(weight[:, None], (w.size, len(CHANNELS)))
        columns = [_CHANNEL_INDEX[ch.name] for ch, *_ in model.channels]
        for j, c in enumerate(columns):
            np.maximum.at(point_scale[:, c], owner, top[:, j] * weight[:, c])
        scales = channel_scales(point_scale)[owner]
        for j, c in enumerate(columns):
            top[:, j] = np.maximum(top[:, j], SCALE_SHARE * scales[:, c] / weight[:, c])
    cancels = (big > MAX_CANCELLATION * top) & (big > 0)
    if ignore:
        for j, (ch, *_) in enumerate(model.channels):
            if ch.name in ignore:
                cancels[:, j] &= ~np.asarray(ignore[ch.name], bool)
    bad = np.any(cancels, axis=-1)
    return spectra, bad


def channel_scales(point_scale):
    """The size that each channel's ``Lambda`` is judged against, (B, 4) from ``point_scale``
    (B, 4): its own largest weighted value, but at least ``CHANNEL_FLOOR`` of the
    largest channel's at the same point, the share below which the currents do not
    control a channel (:data:`.results.CHANNEL_FLOOR`)."""
    point_scale = np.asarray(point_scale, float)
    largest = np.max(point_scale, axis=-1, keepdims=True, initial=0.0)
    return np.maximum(point_scale, CHANNEL_FLOOR * largest)


#: a node's round-off is judged against this share of the largest weighted Lambda: the
#: noise of the nodes away from the peak adds up over a frequency range that may be
#: 1e3 times the peak's width (a sharp mode), so each must stay 1e-3 below the peak
SCALE_SHARE = 1e-3

#: pair sums with at least this many modes x pole pairs go through BLAS (matmul)
_BLAS_SIZE = 4096


def _pair_sum(values, coefficients):
    """``values (M, pairs) . coefficients (K, pairs)^T`` -> (M, K)."""
    if coefficients.size >= _BLAS_SIZE:
        return values @ coefficients.T
    return np.einsum("mp,kp->mk", values, coefficients)


class _TaylorBatch:
    """Segment means (:func:`.segment_mean`, lower family) collected and evaluated in one call.

    Each request writes its values into ``target[index]``; batching keeps the
    few Taylor evaluations of a block from costing one NumPy round-trip each.
    """

    def __init__(self):
        self.requests = []

    def add(self, target, index, centre, h, mu, T):
        self.requests.append((target, index, centre, h, mu, T))

    def run(self):
        if not self.requests:
            return
        args = [np.concatenate([r[k] for r in self.requests]) for k in (2, 3, 4, 5)]
        values = segment_mean(*args, -1.0)
        start = 0
        for target, index, centre, *_ in self.requests:
            target[index] = values[start:start + centre.size]
            start += centre.size
        self.requests = []


_CHANNEL_INDEX = {ch.name: i for i, ch in enumerate(CHANNELS)}

_BOSE = []


def _bose_weight():
    """``d n_B(d, T)`` for ``T > 0``: the kernel generated from the symbolic layer
    (:func:`.codegen.generate_bose_kernel`, the expm1 form of
    :mod:`symehp.derivations.pole_pair`), NumPy flavour for both engines: it agrees
    with :func:`.stats.x_bose` to 4e-16 and is 2.4x faster; its numba flavour is
    slower on these arrays (``benchmarks/bench_kernels.py``)."""
    if not _BOSE:
        from .codegen import generate_bose_kernel
        _BOSE.append(generate_bose_kernel("numpy"))
    return _BOSE[0]


#: which pole pairs a block sums: both families of ``q``, only ``q`` of ``p``'s family
#: (lower), only the opposite one (upper) -- the ``part`` codes of ``pair_matrix``
ALL, SAME, OPPOSITE = 0, 1, 2


class _Workspace:
    """Buffers of the compiled engine, made once per block loop: the pair values of
    each channel, ``q`` lower and ``q`` upper (each ``size`` x N x N complex), only
    those of the families summed (``part``)."""

    def __init__(self, model, size, part=ALL):
        shape = (size, model.N, model.N)
        self.pairs = [tuple(np.empty(shape, complex) if want else _NO_PAIRS
                            for want in (part != OPPOSITE, part != SAME))
                      for _ in model.channels]

    def buffers(self, c, m):
        """The two buffers of channel ``c`` for a block of ``m`` nodes."""
        return tuple(x[:m] if x.size else x for x in self.pairs[c])


_NO_PAIRS = np.empty((0, 0, 0), complex)


def _pair_sums(model, data, w, owner):
    """``Re S_k`` and the gross sums of every channel at the nodes ``w``: a list (channels
    in ``model.channels`` order) of ``(total (M, K), gross (M, 1 or K))``, in the units of
    ``S``.  Where a parameter point has many nodes within a few ``pi T`` (the modes'
    Lorentzians), the same-family part of the sums, analytic in the strip ``|Im w| <
    pi T``, is interpolated from Chebyshev panels (:func:`_smooth_panels`) and only the
    opposite-family part is summed at each node."""
    plan = _smooth_panels(model, data, w, owner)
    if plan is None:
        return _sums_in_blocks(model, data, w, owner, ALL)
    fine, panel_of, coarse_w, coarse_owner, starts, widths = plan
    out = [(np.empty((w.size, total_k)), np.empty((w.size, gross_k)))
           for total_k, gross_k in _sum_shapes(model)]
    direct = ~fine
    if direct.any():
        for (tot, gro), (t, g) in zip(out, _sums_in_blocks(model, data, w[direct],
                                                          owner[direct], ALL)):
            tot[direct], gro[direct] = t, g
    coarse = _sums_in_blocks(model, data, coarse_w, coarse_owner, SAME)
    idx = np.nonzero(fine)[0]
    opposite = _sums_in_blocks(model, data, w[idx], owner[idx], OPPOSITE)
    x = 2.0 * (w[idx] - starts[panel_of]) / widths[panel_of] - 1.0
    basis = np.polynomial.chebyshev.chebvander(np.clip(x, -1.0, 1.0), _CHEB_NODES - 1)
    order = np.argsort(panel_of, kind="stable")
    rows_of = np.split(order, np.searchsorted(panel_of[order], np.arange(1, starts.size)))
    redo = np.zeros(idx.size, bool)
    interpolated = []
    for (t_same, g_same), (t_opp, g_opp) in zip(coarse, opposite):
        values = t_same.reshape(-1, _CHEB_NODES, t_same.shape[-1])          # (panels, n, K)
        coefs = np.einsum("jn,pnk->pjk", _CHEB_TO_COEF, values)
        tail = np.max(np.abs(coefs[:, -2:, :]), axis=(1, 2))                # (panels,)
        size = np.max(np.abs(values), axis=(1, 2))
        ok = tail <= _CHEB_TAIL * size
        redo |= ~ok[panel_of]
        same = np.empty_like(t_opp)
        for p, rows in enumerate(rows_of):      # per panel: no (nodes, n, K) gather
            same[rows] = basis[rows] @ coefs[p]
        # the interpolation error, as a term of the gross sum (its round-off is eps of it)
        error = _CHEB_SAFETY * tail / np.finfo(float).eps
        gross_same = np.max(g_same.reshape(-1, _CHEB_NODES, g_same.shape[-1]), axis=1)
        interpolated.append((t_opp + same, g_opp + gross_same[panel_of]
                             + error[panel_of][:, None]))
    if redo.any():
        # panels whose interpolant has not converged: the same family summed at the nodes
        again = _sums_in_blocks(model, data, w[idx[redo]], owner[idx[redo]], SAME)
    for c, ((tot, gro), (t, g)) in enumerate(zip(out, interpolated)):
        if redo.any():
            t_opp, g_opp = opposite[c]
            t[redo] = t_opp[redo] + again[c][0]
            g[redo] = g_opp[redo] + again[c][1]
        tot[idx], gro[idx] = t, g
    return out


def _sum_shapes(model):
    """``(K, rows of the gross sum)`` per channel."""
    return [(coef[0].shape[0], gross[0].shape[0]) for _, coef, gross, _ in model.channels]


#: Chebyshev points (first kind) per smooth panel, and the panel width in units of pi T:
#: the same-family sums are analytic within pi T of the real axis (the digamma poles of
#: Phi(p - w) and Phi(q + w) lie at |Im w| >= pi T + |Im p|), so a panel of width pi T
#: sees them at Bernstein parameter 2 + sqrt(5) = 4.24, and 24 points reach 4.24^-24 =
#: 1e-15; measured on the N = 64 and 200 chains of benchmarks/bench_scale.py: within
#: 1e-14 - 2e-13 of the panel's largest value against the sums at the nodes (round-off)
_CHEB_NODES = 24
_CHEB_WIDTH = 1.0
#: a panel is interpolated only if it holds at least this many times its own nodes
_CHEB_MIN_SHARE = 2
#: ... and only if the last two Chebyshev coefficients are below this share of its values
_CHEB_TAIL = 1e-13
#: the error of an accepted interpolant is taken as this many times that tail (the
#: measured error was at most 20 times the tail, where both are at round-off)
_CHEB_SAFETY = 30.0
#: models with fewer pole pairs (N * P) than this sum every node directly
SMOOTH_MIN_PAIRS = 2048


def _cheb_matrix(n):
    """``(values -> coefficients, points)`` of the degree ``n - 1`` Chebyshev interpolant
    at the ``n`` first-kind points (NumPy's ``chebpts1``, ``chebvander``)."""
    points = np.polynomial.chebyshev.chebpts1(n)
    return np.linalg.inv(np.polynomial.chebyshev.chebvander(points, n - 1)), points


_CHEB_TO_COEF, _CHEB_X = _cheb_matrix(_CHEB_NODES)


def _smooth_panels(model, data, w, owner):
    """Where to interpolate the same-family sums: None, or ``(fine, panel_of, coarse_w,
    coarse_owner, starts, widths)`` -- the nodes interpolated (M,) bool, the panel of
    each of them, the Chebyshev points of all panels (panels x ``_CHEB_NODES``, panel
    by panel) with their parameter points, and each panel's start and width.  Panels
    tile ``[0, inf)`` per parameter point with width ``pi T``; one is used if it holds
    at least ``_CHEB_MIN_SHARE * _CHEB_NODES`` nodes (it then saves more pair sums than
    its own points cost)."""
    if model.N * model.poles.size < SMOOTH_MIN_PAIRS or w.size < _CHEB_MIN_SHARE * _CHEB_NODES:
        return None
    T = data[1][owner]
    width = _CHEB_WIDTH * np.pi * T
    slot = np.floor(w / width).astype(np.int64)
    keys = np.stack([owner, slot], axis=1)
    uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    used = counts >= _CHEB_MIN_SHARE * _CHEB_NODES
    if not used.any():
        return None
    fine = used[inverse]
    number = np.cumsum(used) - 1                      # panel number of each used key
    panel_of = number[inverse[fine]]
    pts_owner = uniq[used, 0]
    widths = _CHEB_WIDTH * np.pi * data[1][pts_owner]
    starts = uniq[used, 1] * widths
    coarse_w = (starts[:, None] + 0.5 * widths[:, None] * (_CHEB_X[None, :] + 1.0)).ravel()
    coarse_owner = np.repeat(pts_owner, _CHEB_NODES)
    return fine, panel_of, coarse_w, coarse_owner, starts, widths


def _sums_in_blocks(model, data, w, owner, part):
    """:func:`_block_sums` over blocks of nodes within the memory budget."""
    kernels = getattr(data, "kernels", None)
    size = block_size(model, "numpy" if kernels is None else "numba")
    # blocks of equal size (no short last block to pay the fixed cost for few nodes)
    blocks = max(1, -(-w.size // size))
    size = max(1, -(-w.size // blocks))
    work = _Workspace(model, min(size, max(w.size, 1)), part) if kernels is not None else None
    parts = [_block_sums(model, data, w[i:i + size], owner[i:i + size], work, part)
             for i in range(0, max(w.size, 1), size)]
    return [tuple(np.concatenate([blk[c][i] for blk in parts]) for i in (0, 1))
            for c in range(len(model.channels))]


def _finish(model, data, w, owner, sums):
    """Spectra, ``max_k |Lambda_kk|`` and the gross sums in the units of ``Lambda``,
    per node and channel (``model.channels`` order), from the pair sums."""
    mu = data[0][:, owner]
    T = data[1][owner]
    spectra = {}
    tops, bigs = [], []
    for (ch, *_), (total, gross) in zip(model.channels, sums):
        a, b = "LR".index(ch.alpha), "LR".index(ch.beta)
        d = w - (mu[a] - mu[b])
        # in units of Lambda = -(d / 2 pi) S; at d = 0 (Lambda = 0 there) the units of S
        unit = np.where(d != 0, np.abs(d) / _TWO_PI, 1.0)
        tops.append(unit * np.max(np.abs(total), axis=-1))
        bigs.append(unit * np.max(gross, axis=-1))
        spectra[ch.name] = (-(d[:, None] * total) / _TWO_PI,
                            -(_bose_weight()(d, T)[:, None] * total) / _TWO_PI)
    n_ch = len(tops)
    shape = (w.size, n_ch)
    top = np.stack(tops, axis=-1) if n_ch else np.zeros(shape)
    big = np.stack(bigs, axis=-1) if n_ch else np.zeros(shape)
    return spectra, top, big


def _block(model, data, w, owner, work=None):
    """:func:`diagonal_spectra` on one block of nodes, every pair summed at every node:
    the spectra, and per node and channel (in ``model.channels`` order) ``max_k
    |Lambda_kk|`` and the gross pole-pair sum in the same units."""
    return _finish(model, data, w, owner, _block_sums(model, data, w, owner, work, ALL))


def _block_sums(model, data, w, owner, work=None, part=ALL):
    """The pair sums (:func:`_pair_sums`) of the pairs ``part`` on one block of nodes."""
    mu_pts, T_pts, phi0_pts = data
    kernels = getattr(data, "kernels", None)
    mu = mu_pts[:, owner]                                    # (2, M)
    T = T_pts[owner]
    # Phi(z_j + sigma w; mu_c) at the lower poles, sigma = -1, +1: (2 sigma, 2 c, M, N)
    if kernels is not None:
        shifted = kernels.shifted_phis(model.lower, w, mu, T)
        inv_h = None                                         # fused into pair_matrix
    else:
        # (z_j + sigma w) - mu_c by its real part only: the imaginary part is Im z_j's
        sigma = np.array([-1.0, 1.0])[:, None, None, None]
        shifted = phi_lower_parts((model.lower.real + sigma * w[:, None]) - mu[None, :, :, None],
                                  model.lower.imag, 2 * np.pi * T[:, None])
        n = model.N
        with np.errstate(divide="ignore", invalid="ignore"):  # 1/(p - q - w), every channel
            inv_h = tuple(1.0 / (model.pair_diff[:, fam] - w[:, None, None]) if want else None
                          for fam, want in ((slice(0, n), part != OPPOSITE),
                                            (slice(n, 2 * n), part != SAME)))
    phi0 = phi0_pts[:, owner]                                # (2 c, M, N)
    # per channel: d, Phi_a(p), Phi_b(p - w), Phi_a(q + w), Phi_b(q) at the lower poles
    setups = []
    for ch, *coefs in model.channels:
        a, b = "LR".index(ch.alpha), "LR".index(ch.beta)
        setups.append((ch, coefs, w - (mu[a] - mu[b]), mu[a], mu[b],
                       (phi0[a], shifted[0, b], shifted[1, a], phi0[b])))
    batch = _TaylorBatch()
    firsts = [_first_differences(model, d, w, mu_a, T, phis, batch)
              for _, _, d, mu_a, _, phis in setups]
    batch.run()
    # the compiled loop sums a one-row gross in passing (fused[c]: its two (N, N) weights)
    fused = [_fused_gross(model, coefs[1]) if work is not None else None
             for _, coefs, *_ in setups]
    gross_sums = [np.zeros(w.size) if f is not None else None for f in fused]
    finish = [_pair_values(model, inv_h, d, w, mu_a, mu_b, T, phis, first, batch, kernels,
                           None if work is None else work.buffers(c, w.size),
                           fused[c], gross_sums[c], part)
              for c, ((_, _, d, mu_a, mu_b, phis), first) in enumerate(zip(setups, firsts))]
    batch.run()
    sums = []
    families = [f for f, want in ((0, part != OPPOSITE), (1, part != SAME)) if want]
    for c, ((ch, (coef, gross_coef, gross_scale), *_), (done, flagged)) in \
            enumerate(zip(setups, finish)):
        # Re S_k = sum over pole pairs, a matrix product per block of nodes on the real
        # view [Re X, Im X, ...] of X; einsum for the thin products of small models (BLAS
        # threads cost more than they save there)
        halves = done()
        flats = {f: np.ascontiguousarray(halves[f]).reshape(w.size, -1).view(np.float64)
                 for f in families}
        total = sum(_pair_sum(flats[f], coef[f]) for f in families)
        if fused[c] is not None:
            gross_sum = gross_sums[c]
            if flagged is not None:           # the replaced pairs, skipped by the loop
                m, i, j = flagged
                x = halves[0][m, i, j]
                np.add.at(gross_sum, m, fused[c][0][i, j] * (np.abs(x.real) + np.abs(x.imag)))
            gross = gross_scale * gross_sum[:, None]
        else:
            gross = gross_scale * sum(_pair_sum(np.abs(flats[f]), gross_coef[f])
                                      for f in families)
        sums.append((total, gross))
    return sums


#: pole pairs of one family count as coincident (Taylor series) within this fraction of
#: the distance to the nearest digamma pole; outside it the direct quotient loses at most
#: log10(1/PAIR_CLOSE) ~ 2.4 digits (6e-14 relative), and a dense spectrum (a long
#: chain) has 4x fewer series to sum than with CLOSE
PAIR_CLOSE = CLOSE / 4


def _close(sep_re, sep_im, x_re, x_im, T, close=CLOSE):
    """``|sep| <= close * singularity_distance(x, T, -1)`` in real arithmetic (squares)."""
    y_im = x_im - np.pi * T
    return sep_re * sep_re + sep_im * sep_im <= close ** 2 * (x_re * x_re + y_im * y_im)


def _first_differences(model, d, w, mu_a, T, phis, batch):
    """Divided differences of ``Phi_a`` along ``d`` at the lower poles: (M, N) each.

    ``A_p = [Phi_a(p) - Phi_a(p - d)]/d`` and ``B_q = [Phi_a(q + w) - Phi_a(q + w - d)]/d``,
    with ``Phi_a(p - d) = Phi_b(p - w)``.  Where ``|d|`` is below ``CLOSE``
    times the distance of the segment's centre to the nearest digamma pole,
    the Taylor series (:func:`.segment_mean`) is queued in ``batch`` instead.
    (At the upper poles the differences are the complex conjugates.)
    """
    phi_a_p, phi_b_pw, phi_a_qw, phi_b_q = phis
    z = model.lower
    with np.errstate(divide="ignore", invalid="ignore"):   # d = 0: replaced by the series
        inv_d = 1.0 / d[:, None]
        first_a = (phi_a_p - phi_b_pw) * inv_d
        first_b = (phi_a_qw - phi_b_q) * inv_d
    # centres minus mu_a: z - d/2 and z + w - d/2; |centre - mu_a| <= max|z| + |w| + |d|/2
    bound = model.max_abs_pole + np.abs(w) + np.abs(mu_a) + np.pi * T
    cand = np.abs(d) <= CLOSE * bound / (1 - 0.5 * CLOSE)
    if cand.any():
        m = np.nonzero(cand)[0]
        dm, mum, Tm = d[m], mu_a[m], T[m]
        for first, shift in ((first_a, 0.0), (first_b, w[m])):
            centre = z + (shift - 0.5 * dm - mum)[:, None]          # minus mu_a: (m, N)
            near = _close(dm[:, None], 0.0, centre.real, centre.imag, Tm[:, None])
            if near.any():
                i, j = np.nonzero(near)
                batch.add(first, (m[i], j), centre[i, j] + mum[i], dm[i], mum[i], Tm[i])
    return first_a, first_b


def _fused_gross(model, gross_coef):
    """The (N, N) weights, ``q`` lower and ``q`` upper, of a one-row gross coefficient
    (its interleaved real view has equal weights on ``Re X`` and ``Im X``), for the
    compiled loop; None if it has K rows."""
    if gross_coef[0].shape[0] != 1:
        return None
    return tuple(np.ascontiguousarray(g[0, 0::2]).reshape(model.N, model.N) for g in gross_coef)


_NO_WEIGHT = np.empty((0, 0))
_NO_GROSS = np.empty(0)


def _pair_values(model, inv_h, d, w, mu_a, mu_b, T, phis, first, batch, kernels=None,
                 out=None, gross_weight=None, gross=None, part=ALL):
    """``X_pq`` of one channel for ``p`` lower and every ``q``, singularities resolved:
    two (M, N, N) halves, ``q`` lower (same family) and ``q`` upper.

    ``phis = (Phi_a(p), Phi_b(p - w), Phi_a(q + w), Phi_b(q))`` at the lower
    poles, ``first = (A_p, B_q)`` from :func:`_first_differences`.  Generic
    pairs: ``X_pq = (A_p - B_q) / (p - q - w)``.  Pairs of one family that
    (nearly) coincide, ``|p - q - w| <= PAIR_CLOSE * R``: ``X = (G1 - G2)/d`` with
    ``G1 = [Phi_a(p) - Phi_a(q + w)]/h`` and ``G2 = [Phi_b(p - w) - Phi_b(q)]/h``
    (Taylor series queued in ``batch`` where ``h`` is small on their own
    scale), or, when ``d`` is small as well, the mean of ``Phi_a''`` over the
    parallelogram ``p, p - d, q + w, q + w - d`` (:func:`.parallelogram_mean`).
    ``kernels``: the compiled loops (backend numba), or None for NumPy (``inv_h``:
    the two halves of ``1/(p - q - w)``, None where not needed); ``out``: the
    compiled loop's two buffers; ``gross_weight`` (two (N, N)) and ``gross`` (M,): it
    accumulates the gross sum of the pairs it does not flag into ``gross`` (see
    ``pair_matrix``).  ``part``: ``ALL``, ``SAME`` or ``OPPOSITE``, the halves
    formed (the other is left empty).  Returns a function that completes the halves
    once ``batch`` has run, and the flagged pairs ``(m, i, j)`` of the same-family
    half (None if there are none), whose values that function replaces.
    """
    n = model.N
    first_a, first_b = first
    if kernels is not None:
        if out is None:
            out = tuple(np.empty((w.size, n, n), complex) if want else _NO_PAIRS
                        for want in (part != OPPOSITE, part != SAME))
        if gross_weight is None:
            gross_weight, gross = (_NO_WEIGHT, _NO_WEIGHT), _NO_GROSS
        idx = kernels.pair_matrix(first_a, first_b, model.pair_diff, model.lower, w,
                                  mu_a, mu_b, T, out[0], out[1], gross_weight[0],
                                  gross_weight[1], gross, part)
        halves = out
        if not idx.shape[1]:
            return (lambda: halves), None
        m, i, j, flag = idx
        close1, close2 = (flag & 1) > 0, (flag & 2) > 0
    else:
        halves, found = _numpy_pair_matrix(model, inv_h, w, mu_a, mu_b, T, first_a, first_b)
        if found is None:
            return (lambda: halves), None
        m, i, j, close1, close2 = found
    done = _resolve_close(model, halves[0], m, i, j, close1, close2, d, w, mu_a, mu_b, T,
                          phis, batch)
    return (lambda: (done(), halves[1])), (m, i, j)


def _nearest_gap(w, points):
    """``min_r |w - r|`` over the sorted ``points`` (:attr:`DiagonalModel.resonances`):
    (M,), +inf if there are none.  Not an (M, R) array reduced along its short axis (15x
    slower for the two-level model): a loop over a few points, else the two neighbours
    of each ``w`` by a binary search (R = N^2 points for a chain)."""
    if points.size <= 8:
        gap = np.full(w.shape, np.inf)
        for r in points:
            np.minimum(gap, np.abs(w - r), out=gap)
        return gap
    right = np.searchsorted(points, w)
    left = np.abs(w - points[right - 1])                 # right >= 1 where it matters
    return np.minimum(np.where(right > 0, left, np.inf),
                      np.abs(w - points[np.minimum(right, points.size - 1)]))


def _numpy_pair_matrix(model, inv_h, w, mu_a, mu_b, T, first_a, first_b):
    """NumPy: the generic pair values, the halves of ``inv_h`` that are not None, and
    ``(m, i, j, close1, close2)`` of the same-family pairs close to coincidence (None
    if there are none)."""
    n = model.N
    inv_same, inv_opp = inv_h
    with np.errstate(invalid="ignore"):                   # inf * 0 at exact coincidences,
        x_same = (first_a[:, :, None] - first_b[:, None, :]) * inv_same \
            if inv_same is not None else _NO_PAIRS        # replaced below
        x_opp = (first_a[:, :, None] - np.conj(first_b)[:, None, :]) * inv_opp \
            if inv_opp is not None else _NO_PAIRS
    halves = (x_same, x_opp)
    if inv_same is None:
        return halves, None
    # same-family pairs (p, q lower) near w = Re(p - q): a cheap bound picks candidate nodes
    gap = _nearest_gap(w, model.resonances)
    bound = model.max_abs_pole + 0.5 * np.abs(w) + np.maximum(np.abs(mu_a), np.abs(mu_b)) \
        + np.pi * T
    cand = np.nonzero(gap <= PAIR_CLOSE * bound)[0]
    if not cand.size:
        return halves, None
    z = model.lower
    h = model.pair_diff[:, :n] - w[cand, None, None]                     # (m, N, N)
    half = 0.5 * (z[:, None] + z[None, :])                                # (p + q)/2
    c1 = half + (0.5 * w[cand] - mu_a[cand])[:, None, None]               # (p + q + w)/2 - mu_a
    c2 = half - (0.5 * w[cand] + mu_b[cand])[:, None, None]               # (p + q - w)/2 - mu_b
    T3 = T[cand, None, None]
    close1 = _close(h.real, h.imag, c1.real, c1.imag, T3, PAIR_CLOSE)
    close2 = _close(h.real, h.imag, c2.real, c2.imag, T3, PAIR_CLOSE)
    k, i, j = np.nonzero(close1 | close2)
    if not k.size:
        return halves, None
    return halves, (cand[k], i, j, close1[k, i, j], close2[k, i, j])


def _resolve_close(model, x_mat, m, i, j, close1, close2, d, w, mu_a, mu_b, T, phis, batch):
    """Replace the pair values of the close same-family pairs ``(m, i, j)`` (both
    backends): parallelogram means, or ``(G1 - G2)/d`` with Taylor series queued
    in ``batch``.  Returns the function that completes ``x_mat``."""
    phi_a_p, phi_b_pw, phi_a_qw, phi_b_q = phis
    z = model.lower
    hm = model.pair_diff[i, j] - w[m]                                     # p - q - w
    half = 0.5 * (z[i] + z[j])
    c1 = half + (0.5 * w[m] - mu_a[m])                                    # (p + q + w)/2 - mu_a
    c2 = half - (0.5 * w[m] + mu_b[m])                                    # (p + q - w)/2 - mu_b
    dm, mua, mub, Tm = d[m], mu_a[m], mu_b[m], T[m]
    centre1 = c1 + mua                                                    # (p + q + w)/2
    centre = centre1 - 0.5 * dm                                           # parallelogram
    radius = singularity_distance(centre - mua, Tm, -1.0)
    d_small = np.abs(dm) <= CLOSE * radius
    both = d_small & (np.abs(hm) <= PAIR_CLOSE * radius)
    if both.any():
        x_mat[m[both], i[both], j[both]] = parallelogram_mean(
            centre[both], hm[both], -dm[both], mua[both], Tm[both], -1.0)
    one = ~d_small
    if not one.any():
        # close, d small but h not small on the parallelogram's scale: generic value stands
        return lambda: x_mat
    mo, io, jo, ho = m[one], i[one], j[one], hm[one]
    with np.errstate(divide="ignore", invalid="ignore"):   # h = 0: replaced by the series
        g1 = (phi_a_p[mo, io] - phi_a_qw[mo, jo]) / ho
        g2 = (phi_b_pw[mo, io] - phi_b_q[mo, jo]) / ho
    near1, near2 = close1[one], close2[one]
    Tk = Tm[one]
    batch.add(g1, near1, centre1[one][near1], ho[near1], mua[one][near1], Tk[near1])
    batch.add(g2, near2, (c2 + mub)[one][near2], ho[near2], mub[one][near2], Tk[near2])

    def done():
        x_mat[mo, io, jo] = (g1 - g2) / dm[one]
        return x_mat
    return done
