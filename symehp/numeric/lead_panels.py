"""Panels with square-root end points, for many integrals at once (energy and frequency).

The integrands of the lead route are analytic between breakpoints, but at some
breakpoints (band edges, and the frequencies where two band edges meet) they have
square-root branch points: ``g(x) + sqrt(|x - p|) h(x)`` with ``g``, ``h``
analytic.  A polynomial rule converges only algebraically on a panel that ends at
such a point, which is why graded meshes (ratio 4 down to ``1e-8`` of the band
width, a dozen panels per edge) were needed.  Here a panel ``[p, q]`` whose end
``p`` (or ``q``, or both) is *singular* is integrated in the variable ``u in [0, 1]``
of the map

* both ends: ``x = p + L (1 - cos(pi u)) / 2``,
* left end:  ``x = p + L (1 - cos(pi u / 2))``,
* right end: ``x = p + L sin(pi u / 2)``,
* neither:   ``x = p + L u``          (``L = q - p``),

with ``x - p ~ u^2`` at a singular end, so ``sqrt(x - p) ~ u`` is analytic and the
mapped integrand ``f(x(u)) dx/du`` converges geometrically under the nested Fejer
rules of :func:`~.quadrature.integrate_panels` (which never evaluates at a panel's
ends).

:class:`MappedPanels` keeps the panels of B integrals in one flat layout: integral
``i`` has breakpoints ``x_0 < ... < x_P`` (energy or frequency units) and is
integrated over ``t in [0, P]`` with panel ``j`` at ``t in [j, j + 1]``
(``u = t - j``); :meth:`MappedPanels.edges` gives those ``t`` breakpoints and
:meth:`MappedPanels.map` takes the quadrature's ``(t, owner)`` to ``(x, dx/dt)``.
Everything is vectorized over the integrals: no Python loop per integral except
the list of edge arrays that :func:`~.quadrature.integrate_panels` takes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MappedPanels"]

_HALF_PI = 0.5 * np.pi


class MappedPanels:
    """Breakpoints of B integrals (rows of candidates) and which of them are singular.

    Parameters
    ----------
    points : (B, C) float array
        Candidate breakpoints of each integral, any order; NaN entries are absent.
        The first two columns are taken as the integral's limits ``lo``, ``hi``; the
        other candidates outside ``(lo, hi)`` are dropped.
    singular : (B, C) bool array
        Whether each candidate is a square-root branch point of the integrand.  A
        breakpoint given twice (or points closer than ``1e-14`` of the span) counts
        once, singular if any copy is.

    Attributes
    ----------
    x : (total,) float
        Every integral's sorted breakpoints, one after the other.
    flags : (total,) bool
        Their singular flags.
    start, count : (B,) int
        Where integral ``i``'s breakpoints start in ``x`` and how many (0 or >= 2).
    """

    def __init__(self, points, singular):
        points = np.array(points, float, ndmin=2)
        singular = np.broadcast_to(np.asarray(singular, bool), points.shape)
        lo, hi = points[:, :1], points[:, 1:2]
        keep = np.isfinite(points) & (points >= lo) & (points <= hi)
        keep[:, :2] &= (hi > lo)                        # an empty integral keeps nothing
        keep &= (hi > lo)
        pts = np.where(keep, points, np.inf)
        order = np.argsort(pts, axis=1, kind="stable")
        pts = np.take_along_axis(pts, order, axis=1)
        sing = np.take_along_axis(np.where(keep, singular, False), order, axis=1)
        span = np.where(hi > lo, hi - lo, 1.0)
        # duplicates (and points closer than 1e-14 of the span) merge, singular if any is
        close = np.zeros_like(keep)
        with np.errstate(invalid="ignore"):                 # inf - inf past the last point
            close[:, 1:] = (pts[:, 1:] - pts[:, :-1]) <= 1e-14 * span
        close &= np.isfinite(pts)
        # a merged point's flag: or over its run (runs are short; two passes suffice for
        # triples, loop until stable)
        while True:
            carry = np.zeros_like(sing)
            carry[:, :-1] = close[:, 1:] & sing[:, 1:] & ~sing[:, :-1]
            if not carry.any():
                break
            sing = sing | carry
        valid = np.isfinite(pts) & ~close
        self.count = np.count_nonzero(valid, axis=1)
        self.count = np.where(self.count >= 2, self.count, 0)
        valid &= (self.count >= 2)[:, None]
        self.x = pts[valid]
        self.flags = sing[valid]
        self.start = np.concatenate([[0], np.cumsum(self.count)[:-1]]).astype(int)

    def subset(self, rows):
        """The integrals ``rows`` (an index array) as their own :class:`MappedPanels`."""
        out = MappedPanels.__new__(MappedPanels)
        rows = np.asarray(rows, int)
        out.count = self.count[rows]
        idx = (self.start[rows, None] + np.arange(int(out.count.max(initial=0)))[None, :])
        take = np.arange(idx.shape[1])[None, :] < out.count[:, None]
        out.x = self.x[idx[take]]
        out.flags = self.flags[idx[take]]
        out.start = np.concatenate([[0], np.cumsum(out.count)[:-1]]).astype(int)
        return out

    @property
    def size(self):
        """How many integrals."""
        return self.count.size

    def edges(self):
        """The ``t`` breakpoints ``0, 1, ..., P_i`` of every integral (a list of arrays)."""
        ramp = np.arange(max(int(self.count.max(initial=0)), 1), dtype=float)
        return [ramp[:c] for c in self.count]

    def limits(self):
        """``(lo, hi)`` of every integral (NaN where it is empty)."""
        lo = np.full(self.size, np.nan)
        hi = np.full(self.size, np.nan)
        live = self.count > 0
        lo[live] = self.x[self.start[live]]
        hi[live] = self.x[self.start[live] + self.count[live] - 1]
        return lo, hi

    def map(self, t, owner):
        """``(x, dx/dt)`` at the quadrature nodes ``t`` (any shape) of the integrals ``owner``
        (same shape): the panel is ``floor(t)``; the map of the module docstring."""
        t = np.asarray(t, float)
        owner = np.asarray(owner)
        j = np.clip(np.floor(t).astype(int), 0, self.count[owner] - 2)
        g = self.start[owner] + j
        p, q = self.x[g], self.x[g + 1]
        left, right = self.flags[g], self.flags[g + 1]
        u = t - j
        length = q - p
        both = left & right
        only_l = left & ~right
        only_r = right & ~left
        x = p + length * u
        jac = np.broadcast_to(length, x.shape).copy()
        if both.any():
            c = np.cos(np.pi * u[both])
            x[both] = p[both] + length[both] * 0.5 * (1.0 - c)
            jac[both] = length[both] * _HALF_PI * np.sin(np.pi * u[both])
        if only_l.any():
            v = _HALF_PI * u[only_l]
            # 1 - cos(v) = 2 sin^2(v/2): no cancellation near the singular end
            x[only_l] = p[only_l] + length[only_l] * 2.0 * np.sin(0.5 * v) ** 2
            jac[only_l] = length[only_l] * _HALF_PI * np.sin(v)
        if only_r.any():
            v = _HALF_PI * u[only_r]
            # measured from the singular end q: q - x = L (1 - sin v) = 2 L sin^2(pi/4 - v/2)
            x[only_r] = q[only_r] - length[only_r] * 2.0 * np.sin(0.25 * np.pi - 0.5 * v) ** 2
            jac[only_r] = length[only_r] * _HALF_PI * np.cos(v)
        if both.any():
            # near either end measure from that end: x - p = L sin^2(pi u / 2)
            ub = u[both]
            s_lo = np.sin(_HALF_PI * ub) ** 2
            s_hi = np.cos(_HALF_PI * ub) ** 2
            x[both] = np.where(ub <= 0.5, p[both] + length[both] * s_lo,
                               q[both] - length[both] * s_hi)
        return x, jac
