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
estimates add up to at most half the remaining budget.  An estimate below the
round-off floor (a few hundred ulps of the integral of ``|f|`` on the panel)
never forces a refinement.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["integrate_panels", "IntegrationWarning"]

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


def _estimate(values, half, level):
    """Value, error estimate and round-off floor of the rule ``level`` on panels.

    ``values`` (P, n-1, C) at the nodes of that rule, ``half`` (P,) the half-lengths;
    all three results per panel and component, (P, C).
    """
    _, weights, tail_rows = _RULES[level]
    integral = half[:, None] * np.einsum("pnc,n->pc", values, weights)
    tail = np.abs(np.einsum("pnc,tn->ptc", values, tail_rows)).sum(axis=1)   # (P, C)
    error = np.abs(half)[:, None] * tail
    floor = _ROUNDOFF * np.abs(half)[:, None] * np.einsum("pnc,n->pc", np.abs(values), weights)
    return integral, error, floor


def _evaluate(f, a, b, owner, level, coarse):
    """One integrand call for all open panels: new ones (level 0) get the 13 coarse
    nodes, refined ones (level 1) the 14 other fine nodes, merged with their stored
    coarse values.  Returns value, error, floor (per panel and component) and the
    coarse values."""
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    new, up = level == 0, level == 1
    nodes = [mid[new, None] + half[new, None] * _NODES[None, _COARSE],
             mid[up, None] + half[up, None] * _NODES[None, _EXTRA]]
    sizes = [nodes[0].size, nodes[1].size]
    flat = np.concatenate([x.ravel() for x in nodes])
    flat_owner = np.concatenate([np.repeat(owner[new], _COARSE.size),
                                 np.repeat(owner[up], _EXTRA.size)])
    values = f(flat[:, None], flat_owner)[:, 0]                       # (nodes, C)
    n_comp = values.shape[-1]
    v_new = values[:sizes[0]].reshape(-1, _COARSE.size, n_comp)
    v_up = values[sizes[0]:].reshape(-1, _EXTRA.size, n_comp)
    val = np.empty((a.size, n_comp))
    err = np.empty((a.size, n_comp))
    floor = np.empty((a.size, n_comp))
    stored = np.empty((a.size, _COARSE.size, n_comp))
    if new.any():
        val[new], err[new], floor[new] = _estimate(v_new, half[new], 0)
        stored[new] = v_new
    if up.any():
        fine = np.empty((v_up.shape[0], _N_FINE, n_comp))
        fine[:, _COARSE] = coarse[up]
        fine[:, _EXTRA] = v_up
        val[up], err[up], floor[up] = _estimate(fine, half[up], 1)
    return val, err, floor, stored


#: refinement stops (with a warning) beyond this many open panels
MAX_PANELS = 200_000


def _group_cumsum(values, groups, n_groups):
    """Cumulative sum of ``values`` within each group, in the order given."""
    total = np.cumsum(values)
    group_total = np.zeros(n_groups)
    np.add.at(group_total, groups, values)
    # subtract what the groups before this one contributed (groups must be sorted)
    offsets = np.concatenate([[0.0], np.cumsum(group_total)[:-1]])
    return total - offsets[groups]


def integrate_panels(f, edges, *, rtol, groups=None, group_floor=0.0, max_rounds=40):
    """Integrate ``f`` over the panels of several integrals at once.

    Parameters
    ----------
    f : callable ``f(w, owner) -> (P, n, C)``
        ``w`` has shape (P, n): quadrature nodes of P panels; ``owner`` (P,)
        says which integral each panel belongs to.  C components.
    edges : list of 1-d arrays
        For each integral, its increasing breakpoints (first = lower limit,
        last = upper limit).  An integral with fewer than 2 edges is zero.
    rtol : float
        Relative tolerance against the max-norm of each integral's components.
    groups : list of index arrays, optional
        Component groups that each get ``rtol`` against their own max-norm
        (e.g. a small emission spectrum next to a large DOS); default: one group.
    group_floor : float
        A group's scale is at least this fraction of the max-norm of all
        components (0: none), so that a group that is tiny or zero does not
        demand accuracy beyond what matters.

    Returns
    -------
    values : (B, C) array
    errors : (B,) array of absolute error estimates (max over components)
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
        return None, np.zeros(n_int)
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)
    owner = np.concatenate(owners)

    level = np.zeros(a.size, dtype=int)
    coarse = np.zeros((a.size, _COARSE.size, 0))
    total = None
    error = np.zeros(n_int)           # accepted error estimates (absolute, max over components)
    excess = np.zeros(n_int)          # ... above the round-off floor, in units of the tolerance
    for _ in range(max_rounds):
        val, err, floor, stored = _evaluate(f, a, b, owner, level, coarse)
        if total is None:
            total = np.zeros((n_int, val.shape[1]))
            floors = np.zeros((n_int, val.shape[1]))
            groups = [np.arange(val.shape[1])] if groups is None else groups
        # the scale of each integral and group: what is accepted so far plus the open
        # panels; no tighter than the round-off of the integral of |f| (an integral that
        # cancels to ~0 cannot be had to rtol relative to itself)
        estimate = total.copy()
        np.add.at(estimate, owner, val)
        noise = floors.copy()
        np.add.at(noise, owner, floor)
        over_c = np.maximum(err - floor, 0.0)
        over = np.zeros(a.size)
        overall = group_floor * np.max(np.abs(estimate), axis=1)
        for g in groups:
            scale = np.maximum(np.max(np.abs(estimate[:, g]), axis=1), overall)
            tol = np.maximum(rtol * scale, np.max(noise[:, g], axis=1))[owner]
            part = np.max(over_c[:, g], axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                over = np.maximum(over, np.where(part > 0, part / tol, 0.0))
        over = np.minimum(over, 1e3)     # anything above 1 is refined; keeps the sums exact
        err = np.max(err, axis=1)
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
        np.add.at(error, owner[keep], err[keep])
        np.add.at(excess, owner[keep], over[keep])
        if keep.all():
            return total, error
        refine = ~keep
        pending = (owner[refine], val[refine], err[refine])
        # level 0 -> level 1 (more points, same panel); level 1 -> two level-0 halves
        up = refine & (level == 0)
        split = refine & (level == 1)
        if 2 * np.count_nonzero(split) + np.count_nonzero(up) > MAX_PANELS:
            break
        mid = 0.5 * (a[split] + b[split])
        a = np.concatenate([a[up], a[split], mid])
        b = np.concatenate([b[up], mid, b[split]])
        owner = np.concatenate([owner[up], owner[split], owner[split]])
        n_split = np.count_nonzero(split)
        level = np.concatenate([np.ones(np.count_nonzero(up), dtype=int),
                                np.zeros(2 * n_split, dtype=int)])
        coarse = np.concatenate([stored[up], np.zeros((2 * n_split,) + stored.shape[1:])])
    # out of rounds or panels: keep the best values, report their (too large) error estimates
    np.add.at(total, pending[0], pending[1])
    np.add.at(error, pending[0], pending[2])
    warnings.warn(f"adaptive quadrature did not reach rtol={rtol:g} (stopped after "
                  f"{max_rounds} rounds or {MAX_PANELS} panels); error estimates are returned",
                  IntegrationWarning, stacklevel=2)
    return total, error
