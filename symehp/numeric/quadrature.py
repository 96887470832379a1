"""Batched adaptive quadrature: many integrals over panels, vectorized.

``scipy.integrate.quad_vec`` integrates a vector-valued function but calls it
once per node.  Eq. (8) is needed at hundreds of bias points, each with its
own breakpoints, so here every panel of every integral is evaluated in one
vectorized call.  Rule: ``n``-point Gauss-Legendre (nodes from NumPy) on a
panel and on its two halves; the difference estimates the error of the
coarse value, and the (much better) value of the halves is kept.  A panel is
accepted when its error estimate is below its share (by length) of
``rtol * scale`` of its integral, where ``scale`` is the max-norm of that
integral's components, or below the round-off floor (a few hundred ulps of
the integral of ``|f|`` on the panel); otherwise its halves become panels.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["integrate_panels", "IntegrationWarning"]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(12)


class IntegrationWarning(UserWarning):
    """The adaptive quadrature stopped before reaching its tolerance."""


#: round-off floor of an error estimate, relative to the integral of |f| on the panel
_ROUNDOFF = 200 * np.finfo(float).eps


def _gauss(f, a, b, owner):
    """Gauss-Legendre on panels [a, b] (arrays (P,)) -> integrals of f and of |f|, (P, C)."""
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    nodes = mid[:, None] + half[:, None] * _NODES[None, :]
    values = f(nodes, owner)                              # (P, n, C)
    return (half[:, None] * np.einsum("pnc,n->pc", values, _WEIGHTS),
            np.abs(half)[:, None] * np.einsum("pnc,n->pc", np.abs(values), _WEIGHTS))


#: refinement stops (with a warning) beyond this many open panels
MAX_PANELS = 200_000


def integrate_panels(f, edges, *, rtol, max_rounds=40):
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
    length = np.zeros(n_int)
    np.add.at(length, owner, b - a)

    coarse, _ = _gauss(f, a, b, owner)
    n_comp = coarse.shape[1]
    total = np.zeros((n_int, n_comp))
    error = np.zeros(n_int)
    for _ in range(max_rounds):
        mid = 0.5 * (a + b)
        both, both_abs = _gauss(f, np.concatenate([a, mid]), np.concatenate([mid, b]),
                                np.concatenate([owner, owner]))
        left, right = both[: a.size], both[a.size:]
        fine = left + right
        err = np.max(np.abs(fine - coarse), axis=1)
        # scale of each integral: what is accepted so far plus the open panels
        estimate = total.copy()
        np.add.at(estimate, owner, fine)
        scale = np.max(np.abs(estimate), axis=1)
        tol = rtol * scale[owner] * (b - a) / length[owner]
        floor = _ROUNDOFF * np.max(both_abs[: a.size] + both_abs[a.size:], axis=1)
        done = err <= np.maximum(tol, floor)
        np.add.at(total, owner[done], fine[done])
        np.add.at(error, owner[done], err[done])
        if done.all():
            return total, error
        if 2 * np.count_nonzero(~done) > MAX_PANELS:
            coarse, owner, open_err = fine[~done], owner[~done], err[~done]
            break
        keep = ~done
        a, mid_k, b, owner = a[keep], mid[keep], b[keep], owner[keep]
        coarse = np.concatenate([left[keep], right[keep]])
        open_err = np.concatenate([err[keep], err[keep]]) / 2
        a, b = np.concatenate([a, mid_k]), np.concatenate([mid_k, b])
        owner = np.concatenate([owner, owner])
    # out of rounds: keep the best values, report their (too large) error estimates
    np.add.at(total, owner, coarse)
    np.add.at(error, owner, open_err)
    warnings.warn(f"adaptive quadrature did not reach rtol={rtol:g} (stopped after "
                  f"{max_rounds} rounds or {MAX_PANELS} panels); error estimates are returned",
                  IntegrationWarning, stacklevel=2)
    return total, error
