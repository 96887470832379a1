"""Batched adaptive quadrature: many integrals over panels, vectorized.

``scipy.integrate.quad_vec`` integrates a vector-valued function but calls it
once per node.  Eq. (8) is needed at hundreds of bias points, each with its
own breakpoints, so here every panel of every integral is evaluated in one
vectorized call per round.

Rule: Fejer's second rule (Clenshaw-Curtis without the endpoints) on the
``n - 1`` interior Chebyshev extrema, first ``n = 14``, then, if that is not
enough, ``n = 28`` (nested: the 13 points are reused), then bisection.  No
node sits on a breakpoint, where the integrand may jump (Fermi steps at
T = 0).  The values give the coefficients ``b_k`` of the degree ``n - 2``
interpolant of ``f`` in Chebyshev polynomials of the second kind; for a
function analytic in the Bernstein ellipse ``E_rho`` around the panel they
fall like ``rho^-k``, and the tail ``|b_{n-3}| + |b_{n-2}|`` (times the
half-length) is the error estimate of the rule.  The error itself is at most
``~2 |b_{n-2}| / (rho^2 - 1)``, below the estimate whenever the estimate is
small enough to be accepted (a tail of 1e-10 needs ``rho > 2``), and typically
smaller by ``~n^2``.  So each value comes with an estimate of its own error,
not of a coarser rule's.

Refinement is global per integral: it is done when the sum of its panels'
error estimates is below ``rtol * scale`` (``scale``: the max-norm of the
integral's components, per group of components if asked, but never below
the round-off of the integral of ``|f|``); otherwise its panels with the
largest estimates are refined (more points, or halved), keeping those whose
estimates add up to at most half the remaining budget.

Round-off: an estimate below the floor of a few hundred ulps of the integral
of the integrand's magnitude on the panel (``|f|``, or the size of the terms
that cancel in ``f`` if the integrand says so) never forces a refinement.
Noise above that floor (the last bits of ``exp`` and ``log`` differ between
CPUs and SIMD paths; closed forms lose digits where terms cancel) shows as an
estimate that refinement does not reduce: when it fails to halve in
``_STALL_LIMIT`` refinements in a row, the panel is accepted with its
estimate (QUADPACK's round-off detection, per panel).  The returned errors
always include what was accepted, so they say what was reached; a warning
says when that misses ``rtol``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["integrate_panels", "PanelIntegrals", "IntegrationWarning", "graded_points"]

#: degrees of the nested Fejer rules (n - 1 interior points per panel)
_DEGREES = (14, 28)


def _fejer(n):
    """Fejer's second rule on [-1, 1]: nodes, weights, and the last two U-coefficient rows.

    Nodes ``x_k = -cos(k pi / n)``, ``k = 1 .. n-1``: the Chebyshev extrema
    without the endpoints (a breakpoint may sit on a jump of ``f``, e.g. a
    Fermi step at T = 0, where no endpoint value would be right).  The
    interpolant of degree ``n - 2`` is ``sum_j b_j U_j(x)``; with
    ``x = cos(theta)``, ``f sin(theta) = sum_j b_j sin((j+1) theta)``, so
    ``b_j = (2/n) sum_k f_k sin(theta_k) sin((j+1) theta_k)`` (a sine transform).
    ``|int U_j| <= 2`` and the ``b_j`` fall like Chebyshev coefficients.
    """
    k = np.arange(1, n)
    theta = np.pi * (n - k) / n                     # x_k = -cos(k pi/n) = cos(theta_k)
    nodes = np.cos(theta)
    j = np.arange(1, n // 2 + 1)
    weights = (4.0 / n) * np.sin(theta) * (np.sin(np.outer(theta, 2 * j - 1)) / (2 * j - 1)).sum(1)
    rows = np.arange(n - 3, n - 1)                  # b_{n-3}, b_{n-2}
    tail = (2.0 / n) * np.sin(theta)[None, :] * np.sin(np.outer(rows + 1, theta))
    return nodes, weights, tail


_RULES = [_fejer(n) for n in _DEGREES]
#: the coarse nodes are the odd-numbered fine ones (k = 2, 4, ... of 28 is k = 1, 2, ... of 14)
_NODES = _RULES[1][0]
_COARSE = np.arange(1, _DEGREES[1] - 1, 2)           # indices into the fine nodes
_EXTRA = np.arange(0, _DEGREES[1] - 1, 2)
_N_COARSE, _N_FINE = _DEGREES[0] - 1, _DEGREES[1] - 1


class IntegrationWarning(UserWarning):
    """The adaptive quadrature stopped before reaching its tolerance."""


#: round-off floor of an error estimate, relative to the integral of |f| on the panel
_ROUNDOFF = 200 * np.finfo(float).eps
#: ... and in absolute terms per unit length: below tiny/eps values are subnormal or
#: close to it and have lost relative precision (an exponentially small emission tail)
_SUBNORMAL = 200 * np.finfo(float).tiny / np.finfo(float).eps


def _estimate(data, half, level):
    """Value, error estimate, round-off floor and size of the rule ``level`` on panels.

    ``data`` (P, n-1, C, 3) holds the values, magnitudes and errors of the integrand at
    the nodes of that rule, ``half`` (P,) the half-lengths; the results per panel and
    component, (P, C): the rule's value, its error estimate (the rule's own plus the
    integral of the nodes' errors), the round-off floor (``_ROUNDOFF`` times the
    integral of the magnitudes) and that integral itself.
    """
    _, weights, tail_rows = _RULES[level]
    values = data[..., 0]
    integral = half[:, None] * np.einsum("pnc,n->pc", values, weights)
    tail = np.abs(np.einsum("pnc,tn->ptc", values, tail_rows)).sum(axis=1)   # (P, C)
    error = np.abs(half)[:, None] * tail
    inherited = np.abs(half)[:, None] * np.einsum("pnc,n->pc", data[..., 2], weights)
    size = np.abs(half)[:, None] * np.einsum("pnc,n->pc", data[..., 1], weights)
    floor = _ROUNDOFF * size + 2 * _SUBNORMAL * np.abs(half)[:, None]
    return integral, error, floor, size, inherited


def _call(f, nodes, owner):
    """``f`` at the nodes as one array (M, C, 3): values, magnitudes, errors."""
    out = f(nodes[:, None], owner)
    if not isinstance(out, tuple):
        out = (out,)
    values = out[0][:, 0]
    magnitudes = np.abs(out[1][:, 0]) if len(out) > 1 else np.abs(values)
    errors = np.abs(out[2][:, 0]) if len(out) > 2 else np.zeros_like(values)
    return np.stack([values, magnitudes, errors], axis=-1)


def _evaluate(f, a, b, owner, level, coarse):
    """One integrand call for all open panels: new ones (level 0) get the 13 coarse
    nodes, refined ones (level 1) the 14 other fine nodes, merged with their stored
    coarse data.  Returns value, error, round-off floor and noise cap (per panel and
    component), the integral of the nodes' own errors, and the coarse data (values,
    magnitudes, errors) of every panel."""
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    new, up = level == 0, level == 1
    nodes = [mid[new, None] + half[new, None] * _NODES[None, _COARSE],
             mid[up, None] + half[up, None] * _NODES[None, _EXTRA]]
    n_new = nodes[0].size
    flat = np.concatenate([x.ravel() for x in nodes])
    flat_owner = np.concatenate([np.repeat(owner[new], _COARSE.size),
                                 np.repeat(owner[up], _EXTRA.size)])
    data = _call(f, flat, flat_owner)                                  # (nodes, C, 3)
    n_comp = data.shape[1]
    d_new = data[:n_new].reshape(-1, _COARSE.size, n_comp, 3)
    d_up = data[n_new:].reshape(-1, _EXTRA.size, n_comp, 3)
    val, err, floor, size, inherited = (np.empty((a.size, n_comp)) for _ in range(5))
    stored = np.empty((a.size, _COARSE.size, n_comp, 3))
    if new.any():
        val[new], err[new], floor[new], size[new], inherited[new] = _estimate(
            d_new, half[new], 0)
        stored[new] = d_new
    if up.any():
        fine = np.empty((d_up.shape[0], _N_FINE, n_comp, 3))
        fine[:, _COARSE] = coarse[up]
        fine[:, _EXTRA] = d_up
        val[up], err[up], floor[up], size[up], inherited[up] = _estimate(fine, half[up], 1)
    return val, err, floor, stored, _NOISE_CAP * size, inherited


#: refinement stops (with a warning) beyond this many open panels
MAX_PANELS = 200_000

#: a refinement that does not reduce a panel's error estimate (per unit length) by at
#: least this factor has *stalled*; this many stalls in a row mean the estimate is the
#: integrand's round-off noise, not truncation error (QUADPACK's round-off test, per panel)
_STALL_FACTOR = 0.5
_STALL_LIMIT = 3
#: ... but only an estimate below this fraction of the integral of the integrand's
#: magnitude on the panel counts as noise (round-off of the closed forms is ~1e-11 at
#: worst); a larger stalled estimate is an unresolved feature and is refined further
_NOISE_CAP = 1e-8
#: a noise-limited panel's error estimate is its rule's estimate (above the round-off
#: floor) times this: the tail coefficients of noise of rms delta are ~delta sqrt(2/n)
#: while the error it causes on the panel is ~2 half delta / sqrt(n)
_NOISE_INFLATE = 3.0


@dataclass
class PanelIntegrals:
    """What :func:`integrate_panels` returns (it unpacks as ``values, errors``).

    Attributes
    ----------
    values : (B, C) array or None
        The integrals (None when no integral has a panel).
    errors : (B,) array
        Absolute error estimates, max over components.
    accuracy : (B,) array
        The achieved error relative to each integral's tolerance scale, i.e.
        the ``rtol`` that was actually reached (max over component groups).
    roundoff : (B,) bool
        Whether refinement of the integral stopped at the integrand's round-off
        noise somewhere.
    converged : (B,) bool
        ``accuracy <= rtol``.
    """

    values: object
    errors: np.ndarray
    accuracy: np.ndarray
    roundoff: np.ndarray
    converged: np.ndarray

    def __iter__(self):
        return iter((self.values, self.errors))


def _group_cumsum(values, groups, n_groups):
    """Cumulative sum of ``values`` within each group, in the order given."""
    total = np.cumsum(values)
    group_total = np.zeros(n_groups)
    np.add.at(group_total, groups, values)
    # subtract what the groups before this one contributed (groups must be sorted)
    offsets = np.concatenate([[0.0], np.cumsum(group_total)[:-1]])
    return total - offsets[groups]


def integrate_panels(f, edges, *, rtol, groups=None, group_floor=0.0, atol=0.0, max_rounds=40,
                     max_panels=MAX_PANELS, warn=True, warn_rtol=None,
                     label="adaptive quadrature"):
    """Integrate ``f`` over the panels of several integrals at once.

    Parameters
    ----------
    f : callable ``f(w, owner) -> values``, ``(values, magnitudes)`` or ``(values, magnitudes, errors)``
        ``w`` has shape (P, n): quadrature nodes of P panels; ``owner`` (P,)
        says which integral each panel belongs to; each array (P, n, C), C
        components.  ``magnitudes`` (>= 0): the size of the terms that were
        added to make each value, e.g. ``|a| + |b|`` for ``a - b``; the
        round-off floor of an error estimate is taken relative to them, so
        that an integrand that cancels is not refined below its own noise.
        ``errors`` (>= 0): absolute error bounds of the values themselves (an
        integrand that is itself computed approximately); their integral is
        added to every error estimate.
    edges : list of 1-d arrays
        For each integral, its increasing breakpoints (first = lower limit,
        last = upper limit).  An integral with fewer than 2 edges is zero.
    rtol : float
        Relative tolerance against the max-norm of each integral's components.
    groups : list of index arrays, optional
        Component groups that each get ``rtol`` against their own max-norm
        (e.g. a small emission spectrum next to a large DOS); default: one group.
    group_floor : float or sequence of floats (one per group)
        A group's scale is at least this fraction of the max-norm of all
        components (0: none), so that a group that is tiny or zero does not
        demand accuracy beyond what matters.
    atol : float or (B,) array
        Absolute tolerance of each integral (its components' max-norm): an
        integral that is negligible on the caller's scale is not refined below
        it.  Default 0.
    max_rounds, max_panels : int
        Refinement stops after this many rounds, or before more open panels.
    warn : bool
        Warn (:class:`IntegrationWarning`) when an integral misses ``rtol``;
        the message says what was reached and why.
    warn_rtol : float, optional
        Warn only when the accuracy reached is worse than this (default:
        ``rtol``), e.g. the accuracy a caller promises when ``rtol`` is its
        own, tighter, working target.
    label : str
        Who integrates, for the warning.

    Returns
    -------
    PanelIntegrals
        Unpacks as ``values, errors``; also ``.accuracy``, ``.roundoff``, ``.converged``.

    Notes
    -----
    Round-off: a panel's estimate never forces refinement below the floor
    ``200 eps`` times the integral of the magnitudes over the panel.  Beyond
    that, when ``_STALL_LIMIT`` refinements of a panel in a row fail to halve
    its estimate (per unit length) while it is below ``1e-8`` of that
    integral, the estimate is the noise of the integrand's values (e.g. the
    CPU-dependent last bits of ``exp`` and ``log``, or cancellation in a
    closed form), which no refinement removes: the panel is accepted with its
    estimate (times ``_NOISE_INFLATE``), which is counted in the returned error.
    Estimates of noise are statistical (two coefficients of a rule): they hold
    to within a few times the error that the noise causes.
    """
    n_int = len(edges)
    a_list, b_list, owners = [], [], []
    for i, e in enumerate(edges):
        e = np.asarray(e, float)
        if e.size >= 2:
            a_list.append(e[:-1])
            b_list.append(e[1:])
            owners.append(np.full(e.size - 1, i))
    if not a_list:
        zeros = np.zeros(n_int)
        return PanelIntegrals(None, zeros, zeros.copy(), np.zeros(n_int, bool),
                              np.ones(n_int, bool))
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)
    owner = np.concatenate(owners)
    atol = np.broadcast_to(np.asarray(atol, float), (n_int,))

    level = np.zeros(a.size, dtype=int)
    coarse = np.zeros((a.size, _COARSE.size, 0, 3))
    prev = np.full(a.size, np.inf)    # the estimate of each panel's region before refinement
    stall = np.zeros(a.size, dtype=int)
    total = None
    error = np.zeros(n_int)           # accepted error estimates (absolute, max over components)
    excess = np.zeros(n_int)          # ... above the round-off floor, in units of the tolerance
    roundoff = np.zeros(n_int, dtype=bool)
    stopped = None
    for _ in range(max_rounds):
        val, err_c, floor, stored, noise_cap, inherited = _evaluate(
            f, a, b, owner, level, coarse)
        if total is None:
            n_comp = val.shape[1]
            total = np.zeros((n_int, n_comp))
            floors = np.zeros((n_int, n_comp))
            base_floors = np.zeros((n_int, n_comp))      # the 200-ulp floors alone
            group_err = np.zeros((n_int, n_comp))
            groups = [np.arange(n_comp)] if groups is None else [np.asarray(g) for g in groups]
            floors_of_groups = (np.broadcast_to(np.asarray(group_floor, float), (len(groups),))
                                if np.ndim(group_floor) == 0 else np.asarray(group_floor, float))
            if floors_of_groups.shape != (len(groups),):
                raise ValueError(f"group_floor: one value or one per group ({len(groups)}), "
                                 f"got {group_floor!r}")
        err = np.max(err_c, axis=1)
        floor0 = floor
        # round-off: an estimate that refinement no longer reduces is noise
        stall = np.where(err <= _STALL_FACTOR * prev, 0, stall + 1)
        # (only estimates above the round-off floor: below it a panel is accepted anyway)
        noisy = (stall >= _STALL_LIMIT)[:, None] & (err_c <= noise_cap) & (err_c > floor)
        if noisy.any():
            # the tail coefficients of noise of rms size delta are ~delta sqrt(2/n),
            # while its error on the panel may reach ~2 half delta: inflate the estimate
            # (the part above the floor: noise near the floor is no cause for alarm)
            err_c = np.where(noisy, floor + _NOISE_INFLATE * (err_c - floor), err_c)
            err = np.max(err_c, axis=1)
            floor = np.where(noisy, np.maximum(floor, err_c), floor)
            np.logical_or.at(roundoff, owner[noisy.any(axis=1)], True)
        # the integrand's own errors count in every estimate, but refinement cannot
        # reduce them: they raise the floor as much
        err_rule = err
        err_c = err_c + inherited
        err = np.max(err_c, axis=1)
        floor = floor + inherited
        floor0 = floor0 + inherited
        # the scale of each integral and group: what is accepted so far plus the open
        # panels; no tighter than the round-off floor (an integral that cancels to ~0
        # cannot be had to rtol relative to itself)
        estimate = total.copy()
        np.add.at(estimate, owner, val)
        noise = floors.copy()
        np.add.at(noise, owner, floor)
        over_c = np.maximum(err_c - floor, 0.0)
        over = np.zeros(a.size)
        largest = np.max(np.abs(estimate), axis=1)
        for g, g_floor in zip(groups, floors_of_groups):
            scale = np.maximum(np.max(np.abs(estimate[:, g]), axis=1), g_floor * largest)
            tol = np.maximum(np.maximum(rtol * scale, atol),
                             np.max(noise[:, g], axis=1))[owner]
            part = np.max(over_c[:, g], axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                over = np.maximum(over, np.where(part > 0, part / tol, 0.0))
        over = np.minimum(over, 1e3)     # anything above 1 is refined; keeps the sums exact
        open_over = np.zeros(n_int)
        np.add.at(open_over, owner, over)
        budget = 1.0 - excess                            # what the open panels may still use
        finished = (open_over <= budget)[owner]
        # unfinished integrals: keep the panels with the smallest estimates while they
        # add up to at most half the remaining budget, refine the others
        order = np.lexsort((over, owner))
        cum = np.empty_like(over)
        cum[order] = _group_cumsum(over[order], owner[order], n_int)
        keep = finished | (cum <= 0.5 * np.maximum(budget, 0.0)[owner])
        np.add.at(total, owner[keep], val[keep])
        np.add.at(floors, owner[keep], floor[keep])
        np.add.at(base_floors, owner[keep], floor0[keep])
        np.add.at(error, owner[keep], err[keep])
        np.add.at(group_err, owner[keep], err_c[keep])
        np.add.at(excess, owner[keep], over[keep])
        if keep.all():
            break
        refine = ~keep
        pending = (owner[refine], val[refine], err[refine], err_c[refine])
        # level 0 -> level 1 (more points, same panel); level 1 -> two level-0 halves
        up = refine & (level == 0)
        split = refine & (level == 1)
        if 2 * np.count_nonzero(split) + np.count_nonzero(up) > max_panels:
            stopped = "panels"
            break
        mid = 0.5 * (a[split] + b[split])
        a = np.concatenate([a[up], a[split], mid])
        b = np.concatenate([b[up], mid, b[split]])
        owner = np.concatenate([owner[up], owner[split], owner[split]])
        n_split = np.count_nonzero(split)
        level = np.concatenate([np.ones(np.count_nonzero(up), dtype=int),
                                np.zeros(2 * n_split, dtype=int)])
        prev = np.concatenate([err_rule[up], 0.5 * err_rule[split], 0.5 * err_rule[split]])
        stall = np.concatenate([stall[up], stall[split], stall[split]])
        coarse = np.concatenate([stored[up], np.zeros((2 * n_split,) + stored.shape[1:])])
    else:
        stopped = "rounds"
    if stopped is not None:
        # out of rounds or panels: keep the best values, report their (too large) estimates
        np.add.at(total, pending[0], pending[1])
        np.add.at(error, pending[0], pending[2])
        np.add.at(group_err, pending[0], pending[3])
    # what was reached: the error of each group relative to its scale; converged if
    # within rtol, or within the 200-ulp floor of the integrand's terms (the best that
    # double precision can give an integrand that cancels)
    largest = np.max(np.abs(total), axis=1)
    accuracy = np.zeros(n_int)
    converged = np.ones(n_int, dtype=bool)
    for g, g_floor in zip(groups, floors_of_groups):
        scale = np.maximum(np.maximum(np.max(np.abs(total[:, g]), axis=1), g_floor * largest),
                           atol / rtol)
        g_err = np.max(group_err[:, g], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            acc = np.where(g_err > 0, g_err / scale, 0.0)
        accuracy = np.maximum(accuracy, np.where(np.isnan(acc), np.inf, acc))
        limit = np.maximum(rtol * scale, np.max(base_floors[:, g], axis=1))
        converged &= g_err <= limit * (1 + 1e-9)
    if stopped is None:
        # refinement ended without reaching rtol: the round-off floors accepted it
        roundoff |= ~converged
    bad = ~converged
    if warn_rtol is not None:
        bad &= accuracy > warn_rtol
    if warn and bad.any():
        why = []
        if stopped is not None:
            why.append(f"stopped after {max_rounds} rounds" if stopped == "rounds"
                       else f"stopped at {max_panels} panels")
        if roundoff[bad].any():
            why.append("the round-off noise of the integrand limits the accuracy")
        warnings.warn(
            f"{label}: rtol={rtol:g} not reached in {np.count_nonzero(bad)} of {n_int} "
            f"integral(s) ({'; '.join(why) or 'error budget exceeded'}); reached "
            f"{np.max(accuracy[bad]):.2g} relative at worst; the returned error estimates "
            "say how large the error may be", IntegrationWarning, stacklevel=2)
    return PanelIntegrals(total, error, accuracy, roundoff, converged)


def graded_points(centres, scales, lo, hi, *, ratio=3.0):
    """Breakpoints ``c +- s ratio^k`` (k = 0, 1, ...) inside ``(lo, hi)``, sorted.

    A graded mesh around each centre ``c`` of a feature of width ``s``: every
    panel then lies at least about half its own width away from the centre,
    so a complex singularity near ``c`` (a pole at ``c +- i s``, a thermal
    layer) stays a few panel widths away and the rules converge fast, and no
    panel is so wide that all its nodes miss a power-law tail near ``c`` (an
    integrand decaying like ``w^-4`` beyond ``c``, with the nodes of a panel
    ``[c, 1e5]`` all at ``w > 600``, is otherwise accepted as zero).
    ``O(log((hi - lo)/s))`` points per centre.
    """
    out = []
    span = hi - lo
    for c, s in zip(np.atleast_1d(centres), np.atleast_1d(scales)):
        if not (s > 0 and np.isfinite(s)) or not np.isfinite(c):
            continue
        n = int(np.ceil(np.log(max(span, s) / s) / np.log(ratio))) + 1
        steps = s * ratio ** np.arange(n)
        out.append(c - steps)
        out.append(c + steps)
    if not out:
        return np.zeros(0)
    pts = np.concatenate(out)
    return np.unique(pts[(pts > lo) & (pts < hi)])
