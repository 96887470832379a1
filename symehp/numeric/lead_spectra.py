"""EHP spectra of Eq. (7) with energy-dependent leads, by energy quadrature.

With leads whose self-energy depends on the energy (:mod:`symehp.leads`) the
wide-band closed forms (digammas of the poles of ``H_eff``) do not apply.  Here

    ``Lambda^{ab}_mn(w) = int de/2pi K_mn(e, w) [f_b(e - w) - f_a(e)]``,
    ``Pi^<_{ab,mn}(w)  = int de/2pi K_mn(e, w) f_a(e) [1 - f_b(e - w)]``,
    ``K_mn(e, w) = g_s tr[M^m A_a(e) M^n A_b(e - w)]``, ``A_a = G^r Gamma_a G^a``,

(``f_a(e) = f(e - mu_a, T_a)``, ``f_b(e - w) = f(e - w - mu_b, T_b)``,
docs/conventions.md) are integrated over ``e`` for all frequencies at once.

The cache
---------
``K`` is a correlation of a function of ``e`` (``A_a``) and one of ``e - w``
(``A_b``).  Write ``Gamma_a(E) = P_a gamma_a(E) P_a^dagger`` with the fixed
orthonormal basis ``P_a`` (N x r_a) of the orbitals lead a broadens (r = 1 for a
chain), so ``A_a = W_a gamma_a W_a^dagger`` with ``W_a = G^r P_a``.  ``W_a`` is
computed once per call (per pair of chemical potentials when a lead follows the
bias) by N x r_a matrix solves on the nodes of an adaptive piecewise-Chebyshev
table over the energies the integrals need (:class:`ChebyshevTable`: 16 nodes
per panel, panels graded towards the band edges and the levels and bisected
until the Chebyshev tail is below ``TABLE_RTOL`` of the panel's values).  Every
quadrature node of every frequency then takes ``W_a(e)`` and ``W_b(e - w)`` from
the tables (cost O(16 N r) instead of an O(N^3) solve: Clenshaw's recurrence
on the panels' Chebyshev coefficients in the compiled kernel
:func:`.lead_kernels.pair_kernel`, which also assembles ``K``, when numba is
installed; barycentric interpolation in NumPy otherwise) and ``gamma_a``,
``gamma_b`` exactly from the leads, and
``K_mn = g_s tr[X^m gamma_a X^n^dagger gamma_b]``, ``X^m = W_b^dagger M^m W_a``.
``W_a`` is analytic inside each lead's support except at the band edges (where
``Sigma`` has square-root branch points; ``G^r`` has no real pole where lead a
broadens, see :class:`ChebyshevTable`), so the tables converge geometrically.

The energy integrals
--------------------
:func:`~.quadrature.integrate_panels` (nested Fejer rules of 13 and 27 interior
points, then bisection, refined until each integral reaches ``rtol``) over the
window of the Fermi factors widened by 40 temperatures (``e^-40`` beyond), cut
to where ``Gamma_a(e)`` and ``Gamma_b(e - w)`` are not zero.  Two routes
(``route=`` of :meth:`LeadSpectra.compute`; the module switch ``ROUTE``):

* ``"mapped"`` (the default): the panels of all frequencies are built at once
  (:class:`~.lead_panels.MappedPanels`, :meth:`LeadSpectra._mapped_edges`) from
  breakpoints only: the window's ends, the Fermi edges ``mu_a`` and ``mu_b + w``
  and 2 and 6 temperatures either side, the levels ``Re z_j`` and ``Re z_j + w``
  and one width ``|Im z_j|`` either side, and the band edges and the band edges
  shifted by ``w``.  The band edges (and a window end where a band cuts it) are
  square-root branch points of the integrand: the panels that end there are
  integrated in the variable of a square-root map (``x - p ~ u^2``), in which
  the integrand is analytic, so the rules converge geometrically without graded
  meshes.  The kernel is the fused compiled one when numba is installed.
* ``"adaptive"`` (the former route): breakpoints per frequency
  (:meth:`LeadSpectra._edges`), graded meshes (ratio 4) towards the band edges
  from ``1e-8`` of the half band width, towards the levels by their widths and
  towards the Fermi edges by the temperatures (and 2, 6, 15 temperatures either
  side).  :mod:`.lead_currents` and :mod:`.lead_self_energy` use it for leads
  without a band (wide band through :func:`symehp.leads.self_energy`), whose
  integrands reach over long windows with power-law tails that breakpoint-only
  panels would undersample.

The tables' own error (their Chebyshev tails) enters every node's value as an
error bound, so the error estimates include it.  At equal temperatures one
integral ``G = int K (f_b - f_a)/d`` (``d = w - mu_ab``, the quotient without
cancellation) gives ``Lambda = d G / 2pi`` and ``Pi^< = d n_B(d) G / 2pi``:
detailed balance holds to rounding, as in the wide-band closed forms.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from ._args import numeric_model, spectrum_arguments
from .backends import check_dps, resolve
from . import lead_kernels as _kernels
from .lead_panels import MappedPanels
from .quadrature import IntegrationWarning, graded_points, integrate_panels
from .stats import fermi, x_bose
from .transmission import Electrodes
from ..ehp import channel as _channel
from ..errors import ParameterError
from ..model import Junction, NumericJunction

__all__ = ["lead_spectra", "ChebyshevTable", "LeadSpectra"]

_TWO_PI = 2 * np.pi
#: Fermi tails beyond this many temperatures are below exp(-40) ~ 4e-18
_TAIL = 40.0
#: relative accuracy asked of the energy integrals (per point, against each result's size)
RTOL = 1e-11
#: a warning when an integral reaches less than this
_WARN_RTOL = 1e-8
#: the tables' target: Chebyshev tail below this fraction of the panel's largest value
TABLE_RTOL = 1e-13
#: ... or of this fraction of the table's largest value (where W is tiny)
_TABLE_FLOOR = 1e-9
#: graded meshes at band edges: the first breakpoint this fraction of the half band
#: width away (tables; integrals), then growing by a factor 4
_EDGE_START_TABLE = 1e-10
_EDGE_START = 1e-8
#: Chebyshev nodes per table panel
#: (16 rather than 32: the Clenshaw sums of every quadrature node cost half as much, and
#: the tables, bisected to the same tolerance, need fewer solves; measured on the benchmark's
#: two-site model: 0.25 s instead of 0.31 s per bias point, the same J to 1e-15)
_NODES = 16
#: table panels are not bisected below this width (relative to max(1, |E|))
_MIN_WIDTH = 1e-11
#: the tables' round-off floor, in units of eps |E - H - Sigma| |W|^2 (ChebyshevTable._noise)
_NOISE_ULPS = 64
#: Lambda is wanted to rtol of itself or of this fraction of Pi^< (unequal temperatures)
_DOS_FLOOR = 1e-3
#: the energy integrals' panels: "mapped" (breakpoints only, square-root maps at the band
#: edges, :mod:`.lead_panels`, one vectorized construction for all frequencies) or
#: "adaptive" (the former route: graded meshes at the band edges, built per frequency);
#: a private switch for the benchmark (benchmarks/bench_leads.py)
ROUTE = "mapped"
#: level breakpoints of the mapped route: Re z_j + c |Im z_j| for these c
_LEVEL_STEPS = (0.0, -1.0, 1.0)
#: Fermi breakpoints: mu + c T for these c (and mu itself)
_THERMAL_STEPS = (-6.0, -2.0, 2.0, 6.0)


# ---------------------------------------------------------------- Chebyshev tables

def _chebyshev_rule(n):
    theta = (2 * np.arange(n) + 1) * np.pi / (2 * n)
    nodes = np.cos(theta)                         # first kind: interior, never a breakpoint
    weights = (-1.0) ** np.arange(n) * np.sin(theta)          # barycentric weights
    # c_k = (2/n) sum_j f_j cos(k theta_j) for the last two k: the tail
    tail = (2.0 / n) * np.cos(np.outer([n - 2, n - 1], theta))
    return nodes, weights, tail


_CHEB_X, _CHEB_W, _CHEB_TAIL = _chebyshev_rule(_NODES)


class ChebyshevTable:
    """``W(E) = G^r(E) P_a`` of one electrode on panels, as Chebyshev interpolants.

    Built on the union of the intervals ``spans`` (each inside the support of
    ``Gamma_a``, where ``G^r P_a`` has no real pole: a real pole needs a state
    ``psi`` with ``Gamma_a psi = 0``, and then ``psi^dagger P_a = 0``).  Each
    panel holds ``W`` at the ``_NODES`` (16) Chebyshev points of the first kind (interior
    points: nothing is evaluated at a band edge); its error bound is twice the
    last two Chebyshev coefficients (max over the entries).  A panel is
    bisected until that bound is below ``TABLE_RTOL`` of its largest value (or
    ``_TABLE_FLOOR`` of the table's), or below the round-off of the solves
    themselves (:meth:`_noise`), or down to ``_MIN_WIDTH`` (1e-11 of
    ``max(1, |E|)``), or, where refinement stops helping (a
    square-root branch point at the panel's end: the bound falls only like the
    square root of the width; or round-off), after three bisections that did
    not halve it; the bound of an accepted panel goes with every value
    interpolated from it.

    Attributes
    ----------
    left, right : (P,) arrays
        The panels, sorted, disjoint (gaps between spans allowed).
    values : (P, _NODES, N, r) complex
        ``W`` at the nodes.
    error : (P,) float
        Absolute error bound of the interpolant on each panel (max over entries).
    solves : int
        How many energies ``G^r`` was solved at.
    """

    def __init__(self, electrodes, side, spans, breakpoints, *, rtol=TABLE_RTOL,
                 max_rounds=60):
        self.side = side
        self.spans = [tuple(x) for x in spans]
        self._electrodes = electrodes
        self._rhs = electrodes.basis[side]
        self._h_norm = float(np.linalg.norm(electrodes.H, 2))
        panels = []
        for lo, hi in spans:
            inner = breakpoints[(breakpoints > lo) & (breakpoints < hi)]
            pts = np.unique(np.concatenate([[lo, hi], inner]))
            panels.append(np.stack([pts[:-1], pts[1:]], axis=-1))
        todo = np.concatenate(panels) if panels else np.zeros((0, 2))
        stall = np.zeros(len(todo), dtype=int)
        parent = np.full(len(todo), np.inf)
        done = []                   # (left, right, values, error)
        self.solves = 0
        top = 0.0
        for _ in range(max_rounds):
            if not len(todo):
                break
            values = self._evaluate(todo)
            size = np.max(np.abs(values), axis=(1, 2, 3)) if values.size else np.zeros(len(todo))
            top = max(top, float(size.max(initial=0.0)))
            tail = np.abs(np.einsum("kn,pnij->pkij", _CHEB_TAIL, values)).sum(axis=1)
            err = 2.0 * np.max(tail, axis=(1, 2), initial=0.0)
            stall = np.where(err <= 0.5 * parent, 0, stall + 1)
            ok = (err <= np.maximum(rtol * np.maximum(size, _TABLE_FLOOR * top),
                                    self._noise(todo, size))) | (stall >= 3)
            # below _MIN_WIDTH of the energy the nodes' round-off is the data (the stall
            # test cannot tell: noise may halve by chance); such a panel's bound stands
            ok |= (todo[:, 1] - todo[:, 0]) <= _MIN_WIDTH * np.maximum(1.0, np.abs(todo).max(1))
            done.append((todo[ok, 0], todo[ok, 1], values[ok], err[ok]))
            bad = ~ok
            mid = 0.5 * (todo[bad, 0] + todo[bad, 1])
            todo = np.concatenate([np.stack([todo[bad, 0], mid], -1),
                                   np.stack([mid, todo[bad, 1]], -1)])
            stall = np.concatenate([stall[bad], stall[bad]])
            parent = np.concatenate([err[bad], err[bad]])
        else:
            if len(todo):                   # out of rounds: keep them with their bounds
                values = self._evaluate(todo)
                tail = np.abs(np.einsum("kn,pnij->pkij", _CHEB_TAIL, values)).sum(axis=1)
                done.append((todo[:, 0], todo[:, 1], values,
                             2.0 * np.max(tail, axis=(1, 2), initial=0.0)))
        left = np.concatenate([d[0] for d in done]) if done else np.zeros(0)
        order = np.argsort(left, kind="stable")
        self.left = left[order]
        self.right = np.concatenate([d[1] for d in done])[order] if done else np.zeros(0)
        n, r = self._shape = self._rhs.shape
        values = (np.concatenate([d[2] for d in done])[order] if done
                  else np.zeros((0, _NODES, n, r), complex))
        # stored as floats (P, [2 N r] x _NODES): one contiguous row per panel, gathered by
        # np.take (much faster than fancy indexing of the complex 4-d array)
        flat = values.reshape(-1, _NODES, n * r).view(float)           # (P, _NODES, 2 N r)
        self._flat = np.ascontiguousarray(flat.swapaxes(1, 2)).reshape(len(values), -1)
        self.error = np.concatenate([d[3] for d in done])[order] if done else np.zeros(0)
        self._coef = None

    def _noise(self, panels, size):
        """Round-off of ``W = (E - H - Sigma)^-1 P`` on each panel: a backward-stable solve
        is exact for a matrix perturbed by ``eps |E - H - Sigma|``, which changes ``W`` by
        ``eps |E - H - Sigma| |W|^2`` (``|G| >= |W|``, P orthonormal); ``_NOISE_ULPS``
        times that is no truncation error to refine (it reaches 1e-13 of ``W`` near a
        level of width 1e-3)."""
        mid = 0.5 * (panels[:, 0] + panels[:, 1])
        sigma = self._electrodes.sigma(mid)
        scale = (np.abs(mid) + self._h_norm
                 + np.sqrt(np.sum(np.abs(sigma) ** 2, axis=(-2, -1))))
        return _NOISE_ULPS * np.finfo(float).eps * scale * size ** 2

    def _evaluate(self, panels):
        half = 0.5 * (panels[:, 1] - panels[:, 0])
        mid = 0.5 * (panels[:, 1] + panels[:, 0])
        nodes = mid[:, None] + half[:, None] * _CHEB_X[None, :]
        self.solves += nodes.size
        w = self._electrodes.solve(nodes.ravel(), self._rhs)
        return w.reshape(panels.shape[:1] + (_NODES,) + self._rhs.shape)

    @property
    def rank(self):
        """``r``: the columns of ``W`` (the rank of the electrode's broadening)."""
        return self._shape[1]

    @property
    def coefficients(self):
        """Chebyshev coefficients of the interpolants, (P, _NODES, 2 N r) floats (real and
        imaginary parts of ``W`` interleaved, as the nodes' values are stored); computed
        once, for the compiled kernel (:func:`.lead_kernels.pair_kernel`)."""
        if self._coef is None:
            self._coef = _kernels.chebyshev_coefficients(self._flat, _NODES)
        return self._coef

    @property
    def values(self):
        """``W`` at the nodes of every panel: (P, _NODES, N, r) complex."""
        n, r = self._shape
        flat = self._flat.reshape(-1, n * r * 2, _NODES).swapaxes(1, 2)
        return np.ascontiguousarray(flat).view(complex).reshape(-1, _NODES, n, r)

    def __call__(self, x, compiled=False):
        """``(W(x), error)`` at the energies ``x`` (1-d): shapes (M, N, r) and (M,).

        Barycentric interpolation in the panel that holds ``x`` (a point just outside
        every panel, by rounding, takes the nearest one).  ``compiled``: the numba loop
        of :mod:`.lead_kernels` when numba is installed (the same arithmetic; the
        mapped route), else NumPy."""
        x = np.asarray(x, float).ravel()
        n, r = self._shape
        if compiled:
            out, idx = _kernels.interpolate(self._flat, self.left, self.right, _CHEB_X,
                                            _CHEB_W, x)
        else:
            out, idx = _kernels.interpolate_numpy(self._flat, self.left, self.right, _CHEB_X,
                                                  _CHEB_W, x, block=_INTERP_BLOCK)
        return out.view(complex).reshape(x.size, n, r), self.error[idx]


#: floats gathered per block of interpolated points (bounds the temporaries to ~32 MiB)
_INTERP_BLOCK = 4 * 2**20


# ---------------------------------------------------------------- one pair of chemical potentials

def _levels(electrodes):
    """Approximate resonances ``z_j`` of ``G^r``: ``eig(H + Sigma(Re z_j))`` near each level,
    iterated three times from the eigenvalues of ``H`` (only breakpoints depend on them)."""
    h = electrodes.H
    z = np.linalg.eigvalsh(h).astype(complex)
    for _ in range(3):
        s = electrodes.sigma(z.real)                                 # (N, N, N)
        ev = np.linalg.eigvals(h[None] + s)                          # (N, N)
        pick = np.argmin(np.abs(ev - z[:, None]), axis=1)
        z = ev[np.arange(z.size), pick]
    scale = max(1.0, float(np.abs(h).max(initial=0.0)))
    return z.real, np.maximum(np.abs(z.imag), 1e-9 * scale)


class LeadSpectra:
    """The EHP spectra of one model at one pair of chemical potentials.

    Holds the :class:`Electrodes` and the resonances; :meth:`compute` integrates
    one channel at many frequencies (and temperatures), building the Chebyshev
    tables of the electrodes it needs over the energies those integrals need.
    """

    def __init__(self, numeric, mu_L, mu_R):
        self.numeric = numeric
        self.electrodes = Electrodes(numeric, mu_L, mu_R)
        self.levels, self.widths = _levels(self.electrodes)
        edges = self.electrodes.band_edges
        half = [lead.half_width for lead in self.electrodes.leads.values()
                if hasattr(lead, "half_width")]
        self._edge_scale = min(half) if half else max(1.0, float(np.ptp(self.levels)))
        self.band_edges = edges
        self.tables = {}            # side -> [ChebyshevTable]

    def _table_breakpoints(self, lo, hi):
        pts = [graded_points(self.levels, self.widths, lo, hi, ratio=4.0)]
        if self.band_edges.size:
            pts.append(self.band_edges[(self.band_edges > lo) & (self.band_edges < hi)])
            pts.append(graded_points(self.band_edges,
                                     np.full(self.band_edges.size,
                                             _EDGE_START_TABLE * self._edge_scale),
                                     lo, hi, ratio=4.0))
        return np.unique(np.concatenate(pts))

    def table(self, side, spans):
        """The Chebyshev table of electrode ``side`` covering the intervals ``spans``
        (one already built that covers them, or a new one)."""
        spans = _merge(spans)
        for table in self.tables.get(side, ()):
            if all(any(lo >= a and hi <= b for a, b in table.spans) for lo, hi in spans):
                return table
        lo = min(s[0] for s in spans) if spans else 0.0
        hi = max(s[1] for s in spans) if spans else 0.0
        table = ChebyshevTable(self.electrodes, side, spans, self._table_breakpoints(lo, hi))
        self.tables.setdefault(side, []).append(table)
        return table

    def compute(self, ch, omega, mu_a, mu_b, T_a, T_b, *, rtol=RTOL, route=None,
                split=False):
        """``(Lambda, Pi^<, error)`` of channel ``ch`` at the 1-d arrays ``omega`` and the
        electrodes' occupations (``mu_a``, ``mu_b``, ``T_a``, ``T_b``): shapes (M, K, K),
        (M, K, K), (M,).  The Green's functions are those of this object's chemical
        potentials (which matter only for leads that follow the bias).  ``rtol``: asked
        of each energy integral; ``route``: ``"mapped"`` or ``"adaptive"`` (module
        docstring; default ``ROUTE``, i.e. ``"mapped"``).  ``split``: return
        ``(Lambda, Pi^<, error of Lambda, error of Pi^<)`` instead (each bounds the entries
        of its own matrix; at equal temperatures both come from one integral ``G``, and
        ``Pi^< = n_B(d) Lambda`` is much smaller than ``Lambda`` where ``d >> T``, so is
        its error)."""
        a, b = ch.alpha, ch.beta
        k = self.numeric.K
        m = omega.size
        dos = np.zeros((m, k, k), complex)
        pi_less = np.zeros_like(dos)
        errors = np.zeros(m)
        err_less = np.zeros(m)

        def done():
            if split:
                return dos, pi_less, errors, err_less
            return dos, pi_less, np.maximum(errors, err_less)

        if m == 0:
            return done()
        sup_a, sup_b = self.electrodes.support(a), self.electrodes.support(b)
        basis_a, basis_b = self.electrodes.basis[a], self.electrodes.basis[b]
        if basis_a.shape[1] == 0 or basis_b.shape[1] == 0:
            return done()                                   # a lead that couples to nothing
        hot = np.maximum(T_a, T_b)
        lo = np.minimum(mu_a, mu_b + omega) - _TAIL * hot
        hi = np.maximum(mu_a, mu_b + omega) + _TAIL * hot
        lo = np.maximum(lo, np.maximum(sup_a[0], sup_b[0] + omega))
        hi = np.minimum(hi, np.minimum(sup_a[1], sup_b[1] + omega))
        live = hi > lo
        if not live.any():
            return done()
        sel = np.flatnonzero(live)
        w, ta, tb, lo, hi = omega[sel], T_a[sel], T_b[sel], lo[sel], hi[sel]
        mu_a, mu_b = mu_a[sel], mu_b[sel]
        spans_a, spans_b = np.stack([lo, hi], -1), np.stack([lo - w, hi - w], -1)
        if a == b:
            table_a = table_b = self.table(a, np.concatenate([spans_a, spans_b]))
        else:
            table_a, table_b = self.table(a, spans_a), self.table(b, spans_b)
        route = ROUTE if route is None else route
        if route == "adaptive":
            edges = [self._edges(*p) for p in zip(w, ta, tb, lo, hi, mu_a, mu_b)]
        elif route == "mapped":
            cut_lo = lo <= np.maximum(sup_a[0], sup_b[0] + w)
            cut_hi = hi >= np.minimum(sup_a[1], sup_b[1] + w)
            panels = self._mapped_edges(w, ta, tb, lo, hi, mu_a, mu_b, cut_lo, cut_hi)
        else:
            raise ValueError(f"route must be 'mapped' or 'adaptive', got {route!r}")
        couplings = self.numeric.M
        spin = self.numeric.spin_degeneracy
        m_norm = float(np.max(np.linalg.norm(couplings, ord=2, axis=(1, 2)), initial=0.0))
        equal = ta == tb
        d = w - (mu_a - mu_b)
        n = k * k

        fused = (route == "mapped" and _kernels.COMPILED and table_a.left.size > 0
                 and table_b.left.size > 0)

        def kernel(e, shift):
            """``K`` (M, K, K) at energies e and e - shift, and an error bound (M,)."""
            if fused:
                return _kernels.pair_kernel(table_a, table_b, e, e - shift,
                                            self.electrodes.gamma(a, e),
                                            self.electrodes.gamma(b, e - shift),
                                            couplings, spin, m_norm)
            wa, err_a = table_a(e, compiled=route == "mapped")
            wb, err_b = table_b(e - shift, compiled=route == "mapped")
            g_a = self.electrodes.gamma(a, e)
            g_b = self.electrodes.gamma(b, e - shift)
            x = np.einsum("Mib,kij,Mja->Mkba", np.conj(wb), couplings, wa)
            y = np.einsum("Mkba,Mac->Mkbc", x, g_a)
            kern = spin * np.einsum("Mmba,Mnca,Mcb->Mmn", y, np.conj(x), g_b)
            # |delta K| <= g_s |M|^2 |g_a| |g_b| 2 |W_a| |W_b| (|W_b| dW_a + |W_a| dW_b)
            na = np.sqrt(np.sum(np.abs(wa) ** 2, axis=(1, 2)))
            nb = np.sqrt(np.sum(np.abs(wb) ** 2, axis=(1, 2)))
            ga = np.sqrt(np.sum(np.abs(g_a) ** 2, axis=(1, 2)))
            gb = np.sqrt(np.sum(np.abs(g_b) ** 2, axis=(1, 2)))
            bound = spin * m_norm ** 2 * ga * gb * 2 * na * nb * (nb * err_a + na * err_b)
            return kern, bound

        poor = []
        for same_t in (True, False):
            pick = np.flatnonzero(equal == same_t)
            if not pick.size:
                continue
            pw, pta, ptb, pd = w[pick], ta[pick], tb[pick], d[pick]
            pma, pmb = mu_a[pick], mu_b[pick]
            if route == "adaptive":
                p_edges = [edges[i] for i in pick]
            else:
                sub = panels.subset(pick)
                p_edges = sub.edges()

            def integrand(e, owner, pw=pw, pta=pta, ptb=ptb, pd=pd, pma=pma, pmb=pmb,
                          same_t=same_t):
                shape = e.shape
                e = e.ravel()
                own = np.asarray(owner).ravel()        # e is (M, 1): one node per row
                ww, t1, t2, dd = pw[own], pta[own], ptb[own], pd[own]
                kern, bound = kernel(e, ww)
                kern = kern.reshape(-1, n)
                k_abs = np.abs(kern)
                x_a, x_b = e - pma[own], e - ww - pmb[own]
                if same_t:
                    q = _difference_quotient(x_a, x_b, dd, t1)
                    vals = kern * q[:, None]
                    size = k_abs * q[:, None]
                    errs = np.broadcast_to((bound * q)[:, None], vals.shape)
                    out = (np.concatenate([vals.real, vals.imag], -1),
                           np.concatenate([size, size], -1),
                           np.concatenate([errs, errs], -1))
                else:
                    f_a, f_b = fermi(x_a, t1), fermi(x_b, t2)
                    g_a, g_b = fermi(-x_a, t1), fermi(-x_b, t2)
                    low = x_a + x_b < 0
                    diff = np.where(low, g_a - g_b, f_b - f_a)
                    emi = f_a * g_b
                    lam, em = kern * diff[:, None], kern * emi[:, None]
                    terms = np.where(low, g_a + g_b, f_a + f_b)
                    e_l = np.broadcast_to((bound * terms)[:, None], lam.shape)
                    e_e = np.broadcast_to((bound * emi)[:, None], lam.shape)
                    out = (np.concatenate([lam.real, lam.imag, em.real, em.imag], -1),
                           np.concatenate([k_abs * terms[:, None]] * 2
                                          + [k_abs * emi[:, None]] * 2, -1),
                           np.concatenate([e_l, e_l, e_e, e_e], -1))
                return tuple(x.reshape(shape + (x.shape[-1],)) for x in out)

            if route == "mapped":
                integrand = _mapped_integrand(integrand, sub)

            if same_t:
                groups, floors = [np.arange(2 * n)], [0.0]
            else:
                groups, floors = [np.arange(2 * n), np.arange(2 * n, 4 * n)], [_DOS_FLOOR, 0.0]
            res = integrate_panels(integrand, p_edges, rtol=rtol, warn=False,
                                   groups=groups, group_floor=floors)
            bad = ~res.converged & (res.accuracy > _WARN_RTOL)
            if bad.any():
                poor.append(res.accuracy[bad])
            if res.values is None:
                continue
            total = res.values / _TWO_PI
            where = sel[pick]
            if same_t:
                g = (total[:, :n] + 1j * total[:, n:]).reshape(-1, k, k)
                factor = x_bose(pd, pta)
                dos[where] = pd[:, None, None] * g
                pi_less[where] = factor[:, None, None] * g
                errors[where] = res.errors * np.abs(pd) / _TWO_PI
                err_less[where] = res.errors * np.abs(factor) / _TWO_PI
            else:
                dos[where] = (total[:, :n] + 1j * total[:, n:2 * n]).reshape(-1, k, k)
                pi_less[where] = (total[:, 2 * n:3 * n] + 1j * total[:, 3 * n:]).reshape(-1, k, k)
                errors[where] = err_less[where] = res.errors / _TWO_PI
        if poor:
            worst = np.concatenate(poor)
            warnings.warn(f"EHP spectra with energy-dependent leads: reached only "
                          f"{np.max(worst):.2g} relative accuracy at {worst.size} of {m} "
                          "frequencies", IntegrationWarning, stacklevel=3)
        return done()

    def _mapped_edges(self, w, ta, tb, lo, hi, mu_a, mu_b, cut_lo, cut_hi):
        """The panels of the energy integrals at all frequencies ``w`` at once
        (:class:`~.lead_panels.MappedPanels`): the window ``[lo, hi]`` (its ends singular
        where a band cuts it), the Fermi edges ``mu_a`` and ``mu_b + w`` with
        ``_THERMAL_STEPS`` temperatures around them, the levels ``Re z_j`` and
        ``Re z_j + w`` with ``_LEVEL_STEPS`` widths around them, and the band edges and
        the band edges shifted by ``w`` (singular: square-root maps, no graded meshes)."""
        col = [lo, hi, mu_a, mu_b + w]
        flag = [cut_lo, cut_hi, np.zeros(w.size, bool), np.zeros(w.size, bool)]
        steps = np.asarray(_THERMAL_STEPS)
        with np.errstate(invalid="ignore"):
            therm_a = np.where(ta[:, None] > 0, mu_a[:, None] + steps * ta[:, None], np.nan)
            therm_b = np.where(tb[:, None] > 0, (mu_b + w)[:, None] + steps * tb[:, None],
                               np.nan)
        fixed = (self.levels[:, None] + np.asarray(_LEVEL_STEPS) * self.widths[:, None]).ravel()
        cols = [np.stack(col, -1), therm_a, therm_b, np.broadcast_to(fixed, (w.size, fixed.size)),
                fixed[None, :] + w[:, None]]
        flags = [np.stack(flag, -1), np.zeros(therm_a.shape, bool), np.zeros(therm_b.shape, bool),
                 np.zeros((w.size, 2 * fixed.size), bool)]
        if self.band_edges.size:
            cols += [np.broadcast_to(self.band_edges, (w.size, self.band_edges.size)),
                     self.band_edges[None, :] + w[:, None]]
            flags.append(np.ones((w.size, 2 * self.band_edges.size), bool))
        return MappedPanels(np.concatenate(cols, axis=1), np.concatenate(flags, axis=1))

    def _edges(self, w, ta, tb, lo, hi, mu_a, mu_b):
        """The breakpoints of the energy integral at frequency ``w`` (the adaptive route:
        graded meshes towards the band edges, levels and Fermi edges)."""
        thermal = [x0 + c * t for x0, t in ((mu_a, ta), (mu_b + w, tb)) if t > 0
                   for c in (-15.0, -6.0, -2.0, 2.0, 6.0, 15.0)]
        levels = np.concatenate([self.levels, self.levels + w])
        widths = np.concatenate([self.widths, self.widths])
        narrow = float(np.min(self.widths))
        pts = [[lo, hi, mu_a, mu_b + w], thermal,
               graded_points(levels, widths, lo, hi, ratio=4.0),
               graded_points([mu_a, mu_b + w], [ta if ta > 0 else narrow,
                                                tb if tb > 0 else narrow], lo, hi, ratio=4.0)]
        if self.band_edges.size:
            band = np.concatenate([self.band_edges, self.band_edges + w])
            pts.append(band)
            pts.append(graded_points(band, np.full(band.size, _EDGE_START * self._edge_scale),
                                     lo, hi, ratio=4.0))
        pts = np.unique(np.concatenate([np.asarray(p, float) for p in pts]))
        return pts[(pts >= lo) & (pts <= hi)]


def _mapped_integrand(integrand, panels):
    """The integrand of :meth:`LeadSpectra.compute` in the panels' variable ``t``:
    ``f(x(t)) dx/dt`` (values, magnitudes and error bounds alike)."""

    def mapped(t, owner):
        shape = t.shape
        own = np.broadcast_to(np.asarray(owner).reshape(-1, *([1] * (t.ndim - 1))), shape)
        x, jac = panels.map(t.ravel(), own.ravel())
        out = integrand(x.reshape(shape), owner)
        jac = np.abs(jac).reshape(shape + (1,))
        return tuple(part * jac for part in out)

    return mapped


def _merge(spans):
    """Sorted, merged intervals of the (lo, hi) rows of ``spans`` (empty ones dropped)."""
    spans = np.asarray(spans, float).reshape(-1, 2)
    spans = spans[spans[:, 1] > spans[:, 0]]
    if not spans.size:
        return []
    spans = spans[np.argsort(spans[:, 0])]
    out = [list(spans[0])]
    for lo, hi in spans[1:]:
        if lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [tuple(s) for s in out]


def _difference_quotient(x_a, x_b, d, T):
    """``(f(x_b) - f(x_a)) / d`` at one temperature, ``d = x_a - x_b``, without cancellation.

    ``f(u) - f(v) = sinh((v - u)/2T) / (2 cosh(u/2T) cosh(v/2T))``; with ``y = |d|/2T``,
    ``a, b = |x_a|/2T, |x_b|/2T`` this is ``e^(y-a-b) h(y) / (T (1 + e^-2a)(1 + e^-2b))``,
    ``h(y) = -expm1(-2y)/(2y) -> 1`` at ``d = 0`` (where the quotient is ``-f'``), and
    ``y - a - b <= 0``.  At ``T = 0``: the step functions' difference over ``d``
    (0 at ``d = 0``, where the window is empty).
    """
    positive = T > 0
    t = np.where(positive, T, 1.0)
    y = np.abs(d) / (2 * t)
    a, b = np.abs(x_a) / (2 * t), np.abs(x_b) / (2 * t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        h = np.where(y > 0, -np.expm1(-2 * y) / np.where(y > 0, 2 * y, 1.0), 1.0)
        warm = np.exp(y - a - b) * h / (t * (1 + np.exp(-2 * a)) * (1 + np.exp(-2 * b)))
        if np.all(positive):
            return warm
        cold = np.where(d != 0, (fermi(x_b, 0.0) - fermi(x_a, 0.0)) / np.where(d != 0, d, 1.0),
                        0.0)
    return np.where(positive, warm, cold)


# ---------------------------------------------------------------- the public function

_broadcast = spectrum_arguments


def spectra_groups(numeric, mu_L, mu_R):
    """``[(LeadSpectra, indices), ...]`` for the flat points with chemical potentials
    ``mu_L``, ``mu_R`` (1-D): one set of tables for all points, unless a lead follows the
    bias (its band moves with its chemical potential); then one per ``(mu_L, mu_R)``."""
    if any(getattr(numeric, f"lead_{s}").follow_bias for s in "LR"):
        pairs, which = np.unique(np.stack([mu_L, mu_R], -1), axis=0, return_inverse=True)
        which = np.ravel(which)
        return [(LeadSpectra(numeric, ml, mr), np.flatnonzero(which == g))
                for g, (ml, mr) in enumerate(pairs)]
    return [(LeadSpectra(numeric, 0.0, 0.0), np.arange(np.size(mu_L)))]


def channel_spectra(numeric, ch, omega, mu_L, mu_R, T_L, T_R, *, rtol=RTOL):
    """``(Lambda, Pi^<, error)`` of channel ``ch`` for broadcast arrays (no checks):
    shapes ``omega.shape + (K, K)`` twice and ``omega.shape``.

    Without a lead that follows the bias the Green's functions do not depend on the
    chemical potentials: one set of tables serves every point.  Otherwise the points
    are grouped by their ``(mu_L, mu_R)``, each group with its own tables."""
    ch = _channel(ch)
    shape = omega.shape
    flat = [np.ravel(x) for x in (omega, mu_L, mu_R, T_L, T_R)]
    mus, temps = {"L": flat[1], "R": flat[2]}, {"L": flat[3], "R": flat[4]}
    k = numeric.K
    dos = np.zeros((flat[0].size, k, k), complex)
    pi_less = np.zeros_like(dos)
    errors = np.zeros(flat[0].size)
    groups = spectra_groups(numeric, flat[1], flat[2])
    a, b = ch.alpha, ch.beta
    for spectra, sel in groups:
        out = spectra.compute(ch, flat[0][sel], mus[a][sel], mus[b][sel], temps[a][sel],
                              temps[b][sel], rtol=rtol)
        dos[sel], pi_less[sel], errors[sel] = out
    return (dos.reshape(shape + (k, k)), pi_less.reshape(shape + (k, k)),
            errors.reshape(shape))


def lead_spectra(model: Junction | NumericJunction, channel: str | int, omega: ArrayLike, *,
                 mu_L: ArrayLike, mu_R: ArrayLike, T_e: ArrayLike | None = None,
                 T_L: ArrayLike | None = None, T_R: ArrayLike | None = None,
                 rtol: float = RTOL):
    """``(Lambda, Pi^<, error)`` of an EHP channel by energy quadrature, for any leads.

    ``Lambda^{ab}_mn(w)`` (:func:`symehp.ehp_dos`) and ``Pi^<_{ab,mn}(w)``
    (:func:`symehp.emission_spectrum`) of Eq. (7) with the model's leads, wide band
    or energy dependent (:mod:`symehp.leads`); what those two functions return for
    a model with an energy-dependent lead.  Arguments as theirs; ``rtol``: the
    relative accuracy asked of each energy integral (the panels of the
    ``"mapped"`` route of the module docstring).

    Returns
    -------
    Lambda, Pi_less : ndarray, shape ``broadcast.shape + (K, K)``, complex
    error : ndarray, shape ``broadcast.shape``
        Absolute error estimates (every entry of both matrices; they include the
        Chebyshev tables' error bounds).
    """
    numeric = numeric_model(model, energy_dependent_leads=True)
    arrays = _broadcast(omega, mu_L, mu_R, T_e, T_L, T_R)
    if not (0 < rtol < 1):
        raise ParameterError(f"rtol must be in (0, 1), got {rtol!r}")
    return channel_spectra(numeric, channel, *arrays, rtol=rtol)


def has_energy_dependent_leads(model):
    """Whether ``model`` (a Junction or NumericJunction) has an energy-dependent lead."""
    return isinstance(model, (Junction, NumericJunction)) and model.energy_dependent


def public_spectra(model, ch, omega, mu_L, mu_R, T_e, T_L, T_R, which, dps=None,
                   backend="auto"):
    """:func:`symehp.ehp_dos` (``which="dos"``) and :func:`symehp.emission_spectrum`
    (``"emission"``) for a model with an energy-dependent lead."""
    numeric = numeric_model(model, energy_dependent_leads=True)
    ch = _channel(ch)
    dps = check_dps(dps)
    if dps is not None:
        raise ParameterError("dps= (mpmath) is not available for models with energy-dependent "
                             "leads; their spectra are energy quadratures in double precision")
    resolve(backend, dps)
    arrays = _broadcast(omega, mu_L, mu_R, T_e, T_L, T_R)
    dos, pi_less, _ = channel_spectra(numeric, ch, *arrays)
    return dos if which == "dos" else pi_less
