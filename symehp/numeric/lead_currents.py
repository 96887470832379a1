"""The currents of Eq. (8) with energy-dependent leads.

Where it serves (chain and wide-band leads, ``T_L, T_R, T_ph > 0``, damped modes, the
band edges outside the thermal windows), one uniform energy lattice for every frequency
(:mod:`.lead_grid`); otherwise, and whenever the lattice's estimate misses ``rtol``, the
frequency integral over the spectra of :mod:`.lead_spectra` described here.

    ``J_ab = int_0^inf dw/2pi w Tr[(Pi^<_ab(w) - Lambda^ab(w) n_B(w, T_ph)) A_ph(w)]``,
    ``I    = int_0^inf dw/2pi   Tr[(Pi^<_LR - Lambda^LR n_ph) A_ph] - (same for RL)``

(docs/conventions.md, "Currents"), with ``A_ph`` diagonal (the modes are
independent at lowest order), so only the mode-diagonal spectra enter.

For each bias point one :class:`~.lead_spectra.LeadSpectra` (its Chebyshev tables
of ``G^r P_a`` built once, over every energy the frequency integral will ask for)
serves every frequency node of every channel.  The frequency integral is
:func:`~.quadrature.integrate_panels` on ``[0, w_max]``: ``w_max`` is where the
bands stop overlapping (``max supp_a - min supp_b`` over the channels), or, for
leads without a band (wide band, user functions), ``1e3`` times the model's
energy scale beyond the modes, the bias and the levels (there the integrand falls
like ``w^-4``).  Breakpoints: the modes (graded by their dampings), ``w = 0``
(graded by ``T_ph``), ``w = mu_ab`` (the Fermi window), and every ``w`` where two
non-analytic points of the energy integrand meet (band edges and Fermi edges of
``e`` and of ``e - w``).  The error of the spectra (their estimates) enters every
node as an error bound.  An intra-electrode channel at the phonons' temperature
(``T_a = T_ph``) is in detailed balance with them: ``J_aa = 0`` exactly, not
computed (as in :func:`symehp.transport`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._args import check_rtol, numeric_model, operating_point
from .currents import mode_spectral_diagonal
from .lead_grid import grid_currents, grid_plan
from .lead_panels import MappedPanels
from .lead_spectra import LeadSpectra, _TAIL
from .quadrature import graded_points, integrate_panels
from .results import CHANNEL_FLOOR, PROMISED_RTOL, TransportResult
from .stats import x_bose
from ..ehp import CHANNELS
from ..errors import ParameterError
from ..model import Junction, NumericJunction

__all__ = ["lead_transport"]

_TWO_PI = 2 * np.pi
#: default relative tolerance of the frequency integral (per channel, as in transport)
RTOL = 1e-9
#: frequency cut-off beyond the model's scale, for leads without a band (integrand ~ w^-4)
_FAR = 1e3
#: the panels of the frequency integral and of the energy integrals: "mapped" (square-root
#: maps at the singular points, :mod:`.lead_panels`) or "adaptive" (the former route with
#: graded meshes); a private switch for the benchmark (``route=`` of lead_transport)
ROUTE = "mapped"
#: the energy integrals of the mapped route are asked _INNER_FACTOR of the frequency
#: integral's rtol, within these bounds.  Their error bounds enter the frequency
#: integrand (per spectrum: Lambda's and Pi^<'s own, see LeadSpectra.compute(split=True)),
#: so the estimate of J stays a bound whatever this is; a looser inner tolerance only
#: makes it larger (measured, two-site model at rtol 1e-8: error_J 7.3e-13 with inner
#: 1e-11, 7.8e-13 with 1e-9, true error ~2e-15); 0.1 left the estimate of a small J
#: (mu_L = -mu_R = 0.1, T_e = 0.05) at 2.3e-8 of it, 0.03 within 1e-8 at every point tried
_INNER_FACTOR = 0.03
_INNER_MIN, _INNER_MAX = 1e-11, 1e-8
#: where a band or Fermi edge meets a Fermi edge (T > 0): breakpoints at these multiples of T
_FERMI_STEPS = (0.0,)
#: frequency nodes per energy-quadrature call of the mapped route, divided by K^2 and by
#: the energy integrals' breakpoints over 32 (~6 per level: more levels, more energies
#: per node); bounds the temporaries to ~512 nodes x ~400 energies x 2 x 3 floats, ~10 MB,
#: times a few copies.  Fewer, larger calls: fewer rounds of Python (~0.4 ms each);
#: 64 before (two-site model: 0.27 s -> 0.23 s per point, N = 10: 7.9 s -> 6.7 s)
_BLOCK = 512
#: level differences +- the sum of the widths while there are at most this many (else
#: the differences alone; the adaptive refinement resolves the rest)
_LEVEL_PAIRS = 64


def _frequency_edges(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph, channels):
    """Breakpoints of the frequency integral of one bias point (0 first, w_max last)."""
    mus = {"L": mu_L, "R": mu_R}
    hot = max(T_L, T_R)
    sups = {s: spectra.electrodes.support(s) for s in "LR"}
    reach = []
    for ch in channels:
        hi = sups[ch.alpha][1] - sups[ch.beta][0]
        reach.append(hi)
    w_max = max(reach)
    if not np.isfinite(w_max):
        scale = (float(np.ptp(spectra.levels)) + float(np.max(spectra.widths))
                 + abs(mu_L - mu_R) + _TAIL * hot + float(np.max(numeric.omega)) + 1.0)
        w_max = _FAR * scale
    if w_max <= 0:
        return np.zeros(0), 0.0
    # non-analytic points of the energy integrand: band edges and Fermi edges, of e (a)
    # and of e - w (b); where one of each meets, Lambda(w) has a kink
    singular = []
    for ch in channels:
        a, b = ch.alpha, ch.beta
        edges_a = list(spectra.electrodes.leads[a].band_edges_at(mus[a])) + \
            list(spectra.band_edges)
        edges_b = list(spectra.electrodes.leads[b].band_edges_at(mus[b])) + \
            list(spectra.band_edges)
        fermi_a, fermi_b = mus[a], mus[b]
        singular += [ea - eb for ea in edges_a + [fermi_a] for eb in edges_b + [fermi_b]]
    singular = np.array([x for x in singular if 0 < x < w_max])
    omega, gamma = np.asarray(numeric.omega, float), np.asarray(numeric.gamma_ph, float)
    width = np.maximum(gamma / 2, 1e-9 * omega)
    tiny = 1e-8 * max(1.0, float(np.min(spectra.widths)))
    fermi_scale = max(hot, tiny)
    pts = [[0.0, w_max], omega, singular,
           graded_points(omega, width, 0.0, w_max, ratio=4.0),
           graded_points([0.0], [T_ph if T_ph > 0 else float(np.min(width))], 0.0, w_max,
                         ratio=4.0),
           graded_points(singular, np.full(singular.size, fermi_scale), 0.0, w_max, ratio=4.0),
           # Lambda(w) peaks where e sits on level i and e - w on level j
           graded_points((spectra.levels[:, None] - spectra.levels[None, :]).ravel(),
                         (spectra.widths[:, None] + spectra.widths[None, :]).ravel(),
                         0.0, w_max, ratio=4.0)]
    pts = np.unique(np.concatenate([np.asarray(p, float) for p in pts]))
    return pts[(pts >= 0) & (pts <= w_max)], w_max


def _mapped_frequency_panels(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph, channels):
    """The frequency panels of one bias point for the mapped route (one integral,
    :class:`~.lead_panels.MappedPanels`), or None when there is nothing to integrate.

    Breakpoints: ``0`` and ``w_max`` (as :func:`_frequency_edges`), the modes with
    graded meshes by their dampings, ``w = 0`` graded by ``T_ph``, the level
    differences (and +- the sum of the widths while there are at most ``_LEVEL_PAIRS``
    of them).  Where two band edges meet
    (``w = e_a - e_b``), ``Lambda(w)`` has a square-root type branch point: a singular
    breakpoint (square-root map, no graded mesh).  Where a band edge meets a Fermi
    edge, or the two Fermi edges meet (``w = mu_ab``), the spectra are analytic at
    ``T > 0`` on the scale of ``T`` (a plain breakpoint there), singular at
    ``T = 0``.  Everything else is left to the adaptive refinement."""
    mus = {"L": mu_L, "R": mu_R}
    hot = max(T_L, T_R)
    sups = {s: spectra.electrodes.support(s) for s in "LR"}
    w_max = max(sups[ch.alpha][1] - sups[ch.beta][0] for ch in channels)
    if w_max <= 0:
        return None, 0.0
    edge_pairs, fermi_pairs = [], []
    for ch in channels:
        a, b = ch.alpha, ch.beta
        edges_a = np.concatenate([np.asarray(spectra.electrodes.leads[a].band_edges_at(mus[a]),
                                             float), spectra.band_edges])
        edges_b = np.concatenate([np.asarray(spectra.electrodes.leads[b].band_edges_at(mus[b]),
                                             float), spectra.band_edges])
        edge_pairs.append((edges_a[:, None] - edges_b[None, :]).ravel())
        fermi_pairs.append(np.concatenate([edges_a - mus[b], mus[a] - edges_b,
                                           [mus[a] - mus[b]]]))
    edge_pairs, fermi_pairs = np.concatenate(edge_pairs), np.concatenate(fermi_pairs)
    omega, gamma = np.asarray(numeric.omega, float), np.asarray(numeric.gamma_ph, float)
    width = np.maximum(gamma / 2, 1e-9 * omega)
    diffs = (spectra.levels[:, None] - spectra.levels[None, :]).ravel()
    sums = (spectra.widths[:, None] + spectra.widths[None, :]).ravel()
    level_pts = ((diffs[:, None] + sums[:, None] * np.array([0.0, -1.0, 1.0])).ravel()
                 if diffs.size <= _LEVEL_PAIRS else diffs)
    plain = [omega, graded_points(omega, width, 0.0, w_max, ratio=4.0),
             graded_points([0.0], [T_ph if T_ph > 0 else float(np.min(width))], 0.0, w_max,
                           ratio=4.0), level_pts]
    singular = [edge_pairs]
    if hot > 0:
        plain.append((fermi_pairs[:, None] + hot * np.asarray(_FERMI_STEPS)).ravel())
    else:
        singular.append(fermi_pairs)
    plain = np.concatenate([np.asarray(p, float) for p in plain])
    singular = np.concatenate(singular)
    points = np.concatenate([[0.0, w_max], plain, singular])
    flags = np.concatenate([[False, False], np.zeros(plain.size, bool), np.ones(singular.size, bool)])
    # w = 0 and w_max: singular when a band edge pair sits there (flags merge)
    return MappedPanels(points[None, :], flags[None, :]), w_max


def _bias_point(numeric, mu_L, mu_R, T_L, T_R, T_ph, rtol, spectra=None, route=None):
    """``(values (6,), error)`` of one bias point: J per channel (LL, RR, RL, LR), then
    I_RL and I_LR (the flows, I = I_LR - I_RL) times ``energy_ref = max Omega`` (so that
    the error, a max over the components, is one in energy-current units)."""
    energy_ref = float(np.max(numeric.omega))
    spectra = spectra or LeadSpectra(numeric, mu_L, mu_R)
    temps, mus = {"L": T_L, "R": T_R}, {"L": mu_L, "R": mu_R}
    # intra-electrode channels at the phonons' temperature: J_aa = 0 exactly
    live = [ch for ch in CHANNELS if not (ch.alpha == ch.beta and temps[ch.alpha] == T_ph)]
    if not live:
        return np.zeros(6), 0.0
    if route in (None, "grid"):
        # one uniform energy lattice for every frequency (.lead_grid), where it serves
        plan = grid_plan(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph, rtol)
        if plan is not None:
            values, error, ok = grid_currents(spectra, numeric, plan, mu_L, mu_R, T_L, T_R,
                                              T_ph, rtol, energy_ref,
                                              {ch.name for ch in live})
            if ok:
                return values, error
        route = None
    route = ROUTE if route is None else route
    sups = [spectra.electrodes.support(s) for s in "LR"]
    if not all(np.isfinite(x) for sup in sups for x in sup):
        # a lead without a band (a user self-energy without band edges): the power-law
        # tail of the frequency integral to _FAR times the model's scale is the former
        # route's case (graded meshes everywhere); the mapped panels bring nothing there
        route = "adaptive"
    if route == "adaptive":
        edges, w_max = _frequency_edges(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph, live)
        if edges.size < 2:
            return np.zeros(6), 0.0
        inner = 1e-11
    else:
        panels, w_max = _mapped_frequency_panels(spectra, numeric, mu_L, mu_R, T_L, T_R, T_ph,
                                                 live)
        if panels is None or panels.count[0] < 2:
            return np.zeros(6), 0.0
        edges = panels.edges()[0]
        inner = min(max(_INNER_FACTOR * rtol, _INNER_MIN), _INNER_MAX)
    # the tables once, over every energy the frequency nodes will need
    hot = max(T_L, T_R)
    for ch in live:
        a, b = ch.alpha, ch.beta
        lo = min(mus[a], mus[b]) - _TAIL * hot
        hi = max(mus[a], mus[b] + w_max) + _TAIL * hot
        sup_a, sup_b = spectra.electrodes.support(a), spectra.electrodes.support(b)
        spectra.table(a, [(max(lo, sup_a[0]), min(hi, sup_a[1]))])
        lo_b = min(mus[a] - w_max, mus[b]) - _TAIL * hot
        hi_b = max(mus[a], mus[b]) + _TAIL * hot
        spectra.table(b, [(max(lo_b, sup_b[0]), min(hi_b, sup_b[1]))])
    index = {ch.name: i for i, ch in enumerate(CHANNELS)}

    def integrand(w, owner):
        w = np.asarray(w, float).ravel()
        if route != "adaptive":
            w, jac = panels.map(w, np.zeros(w.size, int))
            jac = np.abs(jac)
        else:
            jac = np.ones(w.size)
        a_over_w = mode_spectral_diagonal(numeric, w)                 # A_ph,kk / w: (M, K)
        w_nph = x_bose(w, T_ph)
        values = np.zeros((w.size, 6))
        sizes = np.zeros((w.size, 6))
        errs = np.zeros((w.size, 6))
        for ch in live:
            a, b = ch.alpha, ch.beta
            # blocks of frequency nodes: every block's energy quadrature holds
            # (nodes x energies x 2 K^2 x 3) floats at once (see _BLOCK)
            step = w.size if route == "adaptive" else max(1, (32 * _BLOCK) // (
                max(1, numeric.K ** 2) * (20 + 6 * spectra.levels.size)))
            parts = [spectra.compute(ch, w[s:s + step], np.full(w[s:s + step].size, mus[a]),
                                     np.full(w[s:s + step].size, mus[b]),
                                     np.full(w[s:s + step].size, temps[a]),
                                     np.full(w[s:s + step].size, temps[b]), rtol=inner,
                                     route=route, split=True)
                     for s in range(0, w.size, step)]
            dos, less, err_dos, err_less = (np.concatenate([p[i] for p in parts])
                                            for i in range(4))
            dos_k = np.real(np.diagonal(dos, axis1=-2, axis2=-1))
            em_k = np.real(np.diagonal(less, axis1=-2, axis2=-1))
            emit = np.sum(em_k * a_over_w, axis=-1)                   # Tr[Pi^< A_ph] / w
            absorb = np.sum(dos_k * a_over_w, axis=-1)                # Tr[Lambda A_ph] / w
            flow = w * emit - w_nph * absorb                          # Tr[(Pi^< - L n) A] / w
            gross = w * np.abs(emit) + np.abs(w_nph * absorb)
            # each spectrum with its own error (Pi^< = n_B Lambda at equal temperatures:
            # its error is as much smaller)
            bound = np.sum(a_over_w, axis=-1) * (w * err_less + np.abs(w_nph) * err_dos)
            i = index[ch.name]
            values[:, i], sizes[:, i], errs[:, i] = w * flow, w * gross, w * bound
            if a != b:
                j = 4 if ch.name == "RL" else 5
                values[:, j], sizes[:, j], errs[:, j] = (energy_ref * flow, energy_ref * gross,
                                                         energy_ref * bound)
        scale = (jac / _TWO_PI)[:, None, None]
        return (values[:, None] * scale, sizes[:, None] * scale, errs[:, None] * scale)

    groups = [np.array([i]) for i in range(6)]
    res = integrate_panels(integrand, [edges], rtol=rtol, groups=groups,
                           group_floor=CHANNEL_FLOOR, warn_rtol=max(rtol, PROMISED_RTOL),
                           label="currents with energy-dependent leads")
    if res.values is None:
        return np.zeros(6), 0.0
    return res.values[0], float(res.errors[0])


def lead_transport(model: Junction | NumericJunction, *, mu_L: ArrayLike, mu_R: ArrayLike,
                   T_ph: ArrayLike, T_e: ArrayLike | None = None, T_L: ArrayLike | None = None,
                   T_R: ArrayLike | None = None, rtol: float | None = None,
                   route: str | None = None) -> TransportResult:
    """Energy and particle currents of Eq. (8) for any leads (:mod:`symehp.leads`).

    What :func:`symehp.transport` computes, by the frequency integral over the
    spectra of :mod:`.lead_spectra` (energy quadratures): for models with
    energy-dependent leads (for wide-band leads it agrees with the closed-form
    route, slowly).  Same arguments and result (:class:`~.results.TransportResult`,
    ``J``, ``I``, per channel, error estimates); ``rtol`` (default 1e-9) per
    channel, relative to its own current or 1e-3 of the largest.  ``route`` (for
    benchmarks and tests): None (the default: the energy lattice of
    :mod:`.lead_grid` where it serves, else ``"mapped"``), ``"grid"`` (the same),
    ``"mapped"`` or ``"adaptive"`` (the energy quadratures of :mod:`.lead_spectra`
    with square-root-mapped panels, or graded meshes).
    """
    numeric = numeric_model(model, energy_dependent_leads=True)
    if route not in (None, "grid", "mapped", "adaptive"):
        raise ParameterError(f"route must be 'grid', 'mapped' or 'adaptive', got {route!r}")
    if rtol is None:
        rtol = RTOL
    check_rtol(rtol, 1e-12)
    mu_L, mu_R, T_L, T_R, T_ph = operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)
    shape = mu_L.shape
    flat = [np.ravel(x) for x in (mu_L, mu_R, T_L, T_R, T_ph)]
    values = np.zeros((flat[0].size, 6))
    errors = np.zeros(flat[0].size)
    follows = any(getattr(numeric, f"lead_{s}").follow_bias for s in "LR")
    shared = None if follows else LeadSpectra(numeric, 0.0, 0.0)
    for i in range(flat[0].size):
        point = [float(x[i]) for x in flat]
        values[i], errors[i] = _bias_point(numeric, *point, rtol, spectra=shared, route=route)
    energy_ref = float(np.max(numeric.omega))
    values[:, 4:6] /= energy_ref
    return TransportResult.from_flows(values, errors, shape, energy_ref, rtol)
