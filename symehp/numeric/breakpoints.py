"""Breakpoints of the frequency integral of Eq. (8): where its integrand has structure.

One home for the panel edges that every engine integrates over: the mode
frequencies and widths, ``|eV|`` (the Fermi edges), the level-spacing
resonances that carry trace weight (at most linear in N, clusters merged),
and a cutoff beyond which every Bose or Fermi tail is below exp(-50).  The
double-precision engines refine them (:func:`refined_edges`: graded meshes
and thermal layers); the mpmath engine takes :func:`frequency_edges` with its
own cutoff.
"""

from __future__ import annotations

import numpy as np

from .poles import pole_expansion
from .quadrature import graded_points

__all__ = ["frequency_edges", "refined_edges", "resonance_points", "CUTOFF_TAILS"]

#: cutoff: Bose/Fermi tails beyond this many temperatures are below exp(-50) ~ 2e-22
CUTOFF_TAILS = 50.0
_CUTOFF_TAILS = CUTOFF_TAILS


def frequency_edges(numeric, expansion, mu_LR, T_L, T_R, T_ph):
    """Breakpoints of the frequency integral of one parameter point: [0, ..., w_c].

    Structure sits at the mode frequencies (width gamma_ph), at ``|eV|`` (Fermi
    edges of width T), and at the level spacings; the cutoff w_c puts every
    Bose or Fermi tail below exp(-50).
    """
    width = _CUTOFF_TAILS * max(T_L + T_R, 2 * T_L, 2 * T_R)
    cutoff = max(abs(mu_LR) + width, _CUTOFF_TAILS * T_ph)
    if cutoff <= 0:
        return np.zeros(0)
    pts = list(numeric.omega)
    for w0, g in zip(numeric.omega, numeric.gamma_ph):
        pts += [w0 - 5 * g, w0 - g, w0 + g, w0 + 5 * g]
    pts += [abs(mu_LR)]
    pts += list(resonance_points(expansion))
    inner = sorted({float(x) for x in pts if 0 < x < cutoff})
    return np.array([0.0] + inner + [cutoff])


#: pair resonances whose peak (weight / width) is below this fraction of the tallest
#: get no breakpoint of their own (the adaptive rule still resolves them)
_RESONANCE_FLOOR = 1e-12


def resonance_points(expansion):
    """Breakpoints at the level-spacing resonances ``w = |Re(p - q)|`` that carry weight.

    Resonances that overlap (centres closer than the smaller of their widths)
    form one cluster, which gets a breakpoint at its first and its last centre:
    a dense spectrum (many levels of a long chain) gives a few clusters, not
    one breakpoint per pole pair, while an isolated narrow resonance keeps
    its own.  Same-family pairs and pairs without trace weight give none.
    """
    cached = _RESONANCES.get(id(expansion))
    if cached is not None and cached[0] is expansion:
        return cached[1]
    points = _resonance_points(expansion)
    if len(_RESONANCES) > 64:
        _RESONANCES.clear()
    _RESONANCES[id(expansion)] = (expansion, points)
    return points


_RESONANCES = {}


def _resonance_points(expansion):
    centres, widths, weights = expansion.pair_resonances
    if centres.size == 0:
        return np.zeros(0)
    with np.errstate(divide="ignore"):
        peak = np.where(widths > 0, weights / np.where(widths > 0, widths, 1.0), np.inf)
    tall = peak >= _RESONANCE_FLOOR * np.max(peak)
    centres, widths = centres[tall], widths[tall]
    gap = np.diff(centres)
    split = gap > np.minimum(widths[:-1], widths[1:])
    first = np.r_[True, split]
    last = np.r_[split, True]
    return np.unique(np.concatenate([centres[first], centres[last]]))


def refined_edges(numeric, edges, mu_LR, T_L, T_R, T_ph, expansion=None):
    """Extra breakpoints for the adaptive quadrature (not for the mpmath path).

    Each panel should see its nearest complex singularity at a few panel
    widths, and no feature may be narrower than the node spacing (the rule
    would not see it at all):

    * around a mode, whose Lorentzian has poles at ``Omega - i gamma/2``, the
      panels grow geometrically: ``Omega +- gamma, 3 gamma, 9 gamma``;
    * beyond ``|eV|`` the emission tail decays like ``exp(-(w - |eV|)/T)``
      with Bose poles ``2 pi T`` from the axis: ``|eV| + 6, 15, 35 T``;
    * thermal features narrower than a quarter of the panel they sit at the
      end of (``x n_B(x)`` at ``w = |eV|`` with ``T_e``, and at ``w = 0`` with
      ``T_ph`` and, for intra-electrode channels, ``T_e``) get
      ``2, 6, 15, 35 T`` on their open side.
    """
    if edges.size < 2:
        return edges
    if expansion is None:
        expansion = pole_expansion(numeric)
    cutoff = float(edges[-1])
    inner = sorted(float(x) for x in edges)
    pts = list(inner)
    for w0, g in zip(numeric.omega, numeric.gamma_ph):
        pts += [w0 - 9 * g, w0 - 3 * g, w0 + 3 * g, w0 + 9 * g]
    t = max(T_L, T_R)
    if t > 0:
        pts += [abs(mu_LR) + c * t for c in (6.0, 15.0, 35.0)]

    def thermal(x0, temp, side):
        """``x0 + side * (2, 6, 15, 35) temp`` if the feature is narrow for its panel."""
        beyond = [x for x in inner if (x - x0) * side > 0]
        gap = min(abs(x - x0) for x in beyond) if beyond else 0.0
        if temp > 0 and 2 * np.pi * temp < 0.25 * gap:
            pts.extend(x0 + side * c * temp for c in (2.0, 6.0, 15.0, 35.0) if c * temp < gap)

    for temp in {T_L, T_R}:
        thermal(abs(mu_LR), temp, -1.0)
        thermal(0.0, temp, 1.0)
    thermal(0.0, T_ph, 1.0)
    base = np.array(sorted({x for x in pts if 0 < x < cutoff} | {0.0, cutoff}))
    return _graded(numeric, expansion, base, mu_LR, T_L, T_R, T_ph)


#: growth factor of the graded meshes around the features of the frequency integrand
_GRADING = 4.0


def _graded(numeric, expansion, base, mu_LR, T_L, T_R, T_ph):
    """``base`` plus graded meshes (:func:`.graded_points`) where its panels are too wide.

    Features sit at ``w = 0`` (thermal layers, width ``T``), at the modes
    (width ``gamma_ph``), at ``|eV|`` (Fermi edge, width ``T_e``) and at the
    edge of the electronic band ``B`` (the largest level spacing, where the
    spectra turn into power-law tails of width ``max |Im z|``).  A panel much
    wider than its distance to such a feature would put all its nodes far
    from it (at a bias of 1e5 the panel from the mode to ``|eV|`` had no node
    below ``w = 600`` and missed 2e-3 of J): graded points from each feature
    keep every panel within ``_GRADING`` times its distance to the nearest
    one.  A graded point close to an existing breakpoint (within a third of
    its distance to its feature) is dropped.
    """
    cutoff = float(base[-1])
    fixed, w_min = _model_meshes(numeric, expansion, cutoff)
    t_e = max(T_L, T_R)
    positive = [x for x in (T_ph, T_L, T_R, w_min, *numeric.gamma_ph) if x > 0]
    cand, owner = [], []
    for c, sc in ((0.0, min(positive) if positive else 0.0),
                  (abs(mu_LR), t_e if t_e > 0 else w_min)):
        pts = graded_points([c], [sc], 0.0, cutoff, ratio=_GRADING)
        cand.append(pts)
        owner.append(np.full(pts.size, c))
    for pts, c in fixed:
        pts = pts[(pts > 0.0) & (pts < cutoff)]
        cand.append(pts)
        owner.append(np.full(pts.size, c))
    cand, centre = np.concatenate(cand), np.concatenate(owner)
    # distance of each candidate to the nearest existing breakpoint
    idx = np.clip(np.searchsorted(base, cand), 1, base.size - 1)
    near = np.minimum(np.abs(cand - base[idx - 1]), np.abs(base[idx] - cand))
    keep = near > np.abs(cand - centre) / 3.0
    points = _distinct(np.unique(np.concatenate([base, cand[keep]])))
    mode_points = np.concatenate(
        [np.concatenate([w0 + g * _MODE_STEPS for w0, g in zip(numeric.omega, numeric.gamma_ph)])
         if numeric.K else np.zeros(0)] + [pts for pts, _ in fixed[:numeric.K]])
    return _thin_modes(points, mode_points, numeric, [0.0, abs(mu_LR), cutoff])


#: the offsets (in units of the mode's gamma_ph) of the breakpoints placed at each mode
_MODE_STEPS = np.array([0.0, -9.0, -5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 9.0])


def _thin_modes(points, mode_points, numeric, hard):
    """Drop the breakpoints placed for the modes where they are denser than the modes need.

    Many modes within a few ``gamma_ph`` of each other (50 modes in 0.35 with
    ``gamma_ph = 0.01``) each bring their own mesh; together they put panels far
    narrower than the distance ``s(x)`` from the real axis to the nearest
    mode pole ``Omega_k - i gamma_k/2``, where every panel costs a rule's
    nodes.  A mode's breakpoint closer than ``s(x)/3`` to the breakpoint kept
    before it is dropped (the rule of the graded meshes): every panel then
    still sees its nearest mode pole at least half a panel width beyond its
    ends.  An isolated mode keeps its whole mesh (each of its points is at
    least ``s/3`` from the one before); breakpoints of other features, and
    ``0``, ``|eV|`` and the cutoff, are never dropped.
    """
    if numeric.K < 2 or points.size < 3:
        return points
    removable = np.isin(points, mode_points) & ~np.isin(points, hard)
    if not removable.any():
        return points
    dist = np.sqrt(np.min((points[:, None] - numeric.omega[None, :]) ** 2
                          + (0.5 * numeric.gamma_ph[None, :]) ** 2, axis=1))
    keep = np.ones(points.size, dtype=bool)
    last = points[0]
    for i in range(1, points.size):
        x = points[i]
        if removable[i] and x - last < dist[i] / 3.0:
            keep[i] = False
        else:
            last = x
    return points[keep]


#: breakpoints closer than this (relative) are one: a panel of a few ulps has no
#: interior nodes to speak of and only costs a rule's evaluations
_SAME_POINT = 1e-13


def _distinct(points):
    """Sorted ``points`` without those within ``_SAME_POINT`` (relative) of the one
    before; the first (0) and the last (the cutoff) are always kept."""
    if points.size < 3:
        return points
    tol = _SAME_POINT * np.maximum(np.abs(points), 1e-300)
    keep = np.r_[True, np.diff(points) > tol[1:]]
    keep[-1] = True
    # the cutoff stays: an inner point just below it goes instead
    near_end = (points[-1] - points[:-1] <= tol[-1]) & (np.arange(points.size - 1) > 0)
    keep[:-1] &= ~near_end
    return points[keep]


#: per model (its key): the graded meshes of the features that do not move with the
#: bias (the modes and the band edge), made for a span of at least the cutoff asked
_MESHES = {}


def _model_meshes(numeric, expansion, cutoff):
    """``([(points, centre)], w_min)``: graded meshes (:func:`.graded_points`, on
    ``(0, span)`` with ``span >= cutoff``) around the modes and the band edge, and
    the smallest level width.  Cut to ``(0, cutoff)`` they are exactly the meshes
    made for ``cutoff`` (a larger span only adds points beyond it); cached per model
    so that a sweep over bias makes them once."""
    key = numeric.key
    entry = _MESHES.get(key)
    if entry is not None and entry[0] >= cutoff:
        return entry[1], entry[2]
    span = max(cutoff, 4.0 * entry[0]) if entry is not None else cutoff
    widths = -expansion.poles.imag
    widths = widths[widths > 0]
    w_min = float(widths.min()) if widths.size else 0.0
    w_max = float(widths.max()) if widths.size else 0.0
    centres, scales = list(numeric.omega), list(numeric.gamma_ph)
    if expansion.poles.size:
        re = expansion.poles.real
        centres.append(float(re.max() - re.min()))
        scales.append(w_max)
    meshes = [(graded_points([c], [sc], 0.0, span, ratio=_GRADING), float(c))
              for c, sc in zip(centres, scales)]
    if len(_MESHES) > 64:
        _MESHES.clear()
    _MESHES[key] = (span, meshes, w_min)
    return meshes, w_min
