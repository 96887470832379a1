"""The one independent mpmath reference of the test suite (issue 12).

Written from ``docs/conventions.md`` alone; nothing is shared with symehp's numeric
layer but the model's numbers:

* ``G^r(e) = [e - H + i (Gamma_L + Gamma_R)/2]^-1`` by mpmath linear solves at every
  energy, ``A_a(e) = G^r Gamma_a G^a = sum_r (G^r b_r)(G^r b_r)^+`` for ``Gamma_a =
  sum_r b_r b_r^+`` (``b_r`` from an mpmath eigendecomposition of ``Gamma_a``); no pole
  expansion, no digamma.  (Diagonal ``H_eff`` and ``Gamma_a``: the solve is a division.)
  Spin-degenerate models: every trace times ``spin_degeneracy``.
* Fermi and Bose functions in mpmath with exact tails (:func:`fermi_mp`, :func:`bose_mp`).
* The energy integrals of Eq. (7) and of ``Pi^<`` (:func:`spectra_mp`) by a vector
  tanh-sinh rule, all channels and mode entries in one pass, split at the levels (the
  real parts of the eigenvalues of ``H_eff``, and those plus ``omega``) and at the Fermi
  edges ``mu_a``, ``mu_b + omega``, on the window outside which the Fermi weights are
  below ``10^-(dps + 3)``; each piece is refined until two step sizes agree to
  ``10^-(dps/2 - 2)`` of its largest entry or ``10^-(dps - 4)`` of the largest result
  (tanh-sinh converges quadratically: the result is then good to about ``dps - 4``
  digits of the largest entry).
* The currents of Eq. (8) (:func:`energy_current_mp`, :func:`particle_current_mp`) by a
  nested mpmath Gauss-Legendre quadrature: energy inside, frequency outside, at
  ``dps + 3`` digits.

Numbers: from a :class:`symehp.Junction` its SymPy entries at the working precision
(exact rationals stay exact to ``dps`` digits; entries given as floats are their exact
double values; the modes may stay symbolic for the spectra), from a
:class:`symehp.NumericJunction` the exact double values.  Every function takes ``dps``
(working decimal digits) and returns mpmath numbers (object arrays of ``mpc`` for
matrices).  Arguments (energies, chemical potentials, temperatures) may be floats,
ints, mpmath or SymPy numbers.

API
---
* ``fermi_mp(x, T)``, ``bose_mp(x, T)``
* ``spectral_functions_mp(model, e, *, dps)``: ``{"L": A_L(e), "R": A_R(e)}`` (N x N)
* ``kernel_mp(model, channel, e, omega, *, dps)``: ``tr[M^m A_a(e) M^n A_b(e - w)]/2pi``
  (K x K)
* ``spectra_mp(model, omega, *, mu_L, mu_R, T_e | T_L, T_R, channels, modes, dps)``:
  ``{channel: (Lambda, Pi^<)}`` (K x K each)
* ``ehp_dos_mp(model, channel, omega, ...)``, ``emission_mp(...)``: one of them (K x K)
* ``fermi_integral_mp(model, channel, omega, *, mu, T, entry, dps)``:
  ``int de/2pi tr[...] f(e - mu, T)``
* ``energy_current_mp(model, *, mu_L, mu_R, T_ph, T_e | T_L, T_R, channel, dps)``:
  ``J_ab`` of one channel or ``J`` (``channel="total"``); ``particle_current_mp(...)``:
  ``I_ab`` or ``I``
* ``mp_matrix``, ``mp_factor``, ``mp_solve``: the linear algebra on nested lists.
"""

import mpmath as mp
import numpy as np
import sympy as sp

CHANNELS = ("LL", "RR", "RL", "LR")
#: the electrodes (a, b) of each channel: electron in a, hole in b
ELECTRODES = {"LL": ("L", "L"), "RR": ("R", "R"), "RL": ("R", "L"), "LR": ("L", "R")}
#: electrons moved L -> R per emission (conventions, "The four EHP channels")
TRANSFER = {"LL": 0, "RR": 0, "RL": -1, "LR": 1}


# ============================================================ distributions

def fermi_mp(x, T):
    """Fermi function in mpmath, exact tails; the step (1/2 at 0) at T = 0."""
    if T == 0:
        return mp.mpf(1) if x < 0 else (mp.mpf(0) if x > 0 else mp.mpf(1) / 2)
    y = x / T
    if y > 0:
        e = mp.exp(-y)
        return e / (1 + e)
    return 1 / (1 + mp.exp(y))


def _fermi_pair(x, T):
    """``(f(x), 1 - f(x))`` from one exponential, both with exact tails."""
    if T == 0:
        f = fermi_mp(x, T)
        return f, 1 - f
    y = x / T
    if y > 0:
        e = mp.exp(-y)
        return e / (1 + e), 1 / (1 + e)
    e = mp.exp(y)
    return 1 / (1 + e), e / (1 + e)


def bose_mp(x, T):
    """Bose function ``1/(exp(x/T) - 1)`` in mpmath; at T = 0: 0 for x > 0, -1 for x < 0."""
    if T == 0:
        if x == 0:
            raise ZeroDivisionError("n_B(0, 0) is undefined")
        return mp.mpf(0) if x > 0 else mp.mpf(-1)
    return 1 / mp.expm1(x / T)


# ============================================================ linear algebra on nested lists
# (much faster than mp.matrix for 2-3 levels)

def mp_matrix(a):
    """Nested lists of mpc (exact conversion of the double-precision entries)."""
    return [[mp.mpc(complex(x).real, complex(x).imag) for x in row] for row in np.asarray(a)]


def mp_factor(gamma):
    """Columns b_r with Gamma = sum_r b_r b_r^+ (mpmath Hermitian eigendecomposition).

    ``gamma``: an array (exact double values) or nested lists of mpmath numbers.
    Eigenvalues below 1e-16 of the largest are dropped (a rank-deficient Gamma).
    """
    rows = gamma if isinstance(gamma, list) else mp_matrix(gamma)
    ev, vec = mp.eighe(mp.matrix(rows))
    n = len(rows)
    top = max([abs(x) for x in ev] + [mp.mpf(0)])
    cols = []
    for r in range(n):
        if ev[r] > mp.mpf("1e-16") * top:
            root = mp.sqrt(ev[r])
            cols.append([vec[i, r] * root for i in range(n)])
    return cols


def mp_solve(a, rhs):
    """Solutions x_c of a x_c = rhs_c (Gaussian elimination with partial pivoting)."""
    n = len(a)
    m = [list(row) + [c[i] for c in rhs] for i, row in enumerate(a)]
    for k in range(n):
        piv = max(range(k, n), key=lambda i: abs(m[i][k]))
        m[k], m[piv] = m[piv], m[k]
        for i in range(k + 1, n):
            fac = m[i][k] / m[k][k]
            for j in range(k, len(m[i])):
                m[i][j] -= fac * m[k][j]
    out = []
    for c in range(len(rhs)):
        x = [None] * n
        for i in reversed(range(n)):
            s = m[i][n + c] - mp.fsum(m[i][j] * x[j] for j in range(i + 1, n))
            x[i] = s / m[i][i]
        out.append(x)
    return out


def _to_mp(x):
    """A real argument (float, int, mpmath or SymPy number) as an mpf at the working precision."""
    if isinstance(x, sp.Basic):
        return mp.mpmathify(sp.Rational(x) if x.is_Rational else x.evalf(mp.mp.dps + 5))
    if isinstance(x, np.generic):
        x = x.item()
    return mp.mpmathify(x)


def _entry(x):
    """A matrix entry (SymPy, possibly complex) as an mpc at the working precision."""
    re, im = sp.sympify(x).as_real_imag()
    return mp.mpc(_to_mp(re), _to_mp(im))


def _rows(mat):
    if isinstance(mat, np.ndarray):
        return mp_matrix(mat)
    return [[_entry(mat[i, j]) for j in range(mat.cols)] for i in range(mat.rows)]


def _temperatures(T_e, T_L, T_R):
    if T_e is not None:
        if T_L is not None or T_R is not None:
            raise ValueError("give T_e or (T_L, T_R), not both")
        return T_e, T_e
    if T_L is None or T_R is None:
        raise ValueError("give T_e or both T_L and T_R")
    return T_L, T_R


# ============================================================ the model in mpmath

class _Model:
    """The electrons (and modes) of a numeric model at the working precision."""

    def __init__(self, model, modes=None):
        if hasattr(model, "numeric"):                 # a Junction: its (exact) SymPy entries
            h, g_l, g_r = (_rows(x) for x in (model.H, model.gamma_L, model.gamma_R))
            self.M = [_rows(mk) for mk in model.M]
            # the modes are needed by the currents only (the spectra leave them symbolic)
            bath = sp.Matrix([*model.omega, *model.gamma_ph])
            numbers = [_to_mp(x) for x in bath] if not bath.free_symbols else None
            self.omega = numbers and numbers[:model.K]
            self.gamma_ph = numbers and numbers[model.K:]
        else:                                         # a NumericJunction: exact doubles
            h, g_l, g_r = (mp_matrix(x) for x in (model.H, model.gamma_L, model.gamma_R))
            self.M = [mp_matrix(mk) for mk in model.M]
            self.omega = [mp.mpf(float(x)) for x in model.omega]
            self.gamma_ph = [mp.mpf(float(x)) for x in model.gamma_ph]
        if modes is not None:                         # a subset of the modes
            self.M = [self.M[k] for k in modes]
        n = self.N = len(h)
        self.K = len(self.M)
        self.scale = int(model.spin_degeneracy) / (2 * mp.pi)       # g_s / 2 pi
        # e - H_eff with H_eff = H - i (Gamma_L + Gamma_R)/2 is the inverse of G^r(e)
        self.h_eff = [[h[i][j] - mp.mpc(0, 0.5) * (g_l[i][j] + g_r[i][j]) for j in range(n)]
                      for i in range(n)]
        self.gamma = {"L": g_l, "R": g_r}
        self.b = {"L": mp_factor(g_l), "R": mp_factor(g_r)}
        off = [(i, j) for i in range(n) for j in range(n) if i != j]
        # diagonal H_eff and Gamma_a: G^r = diag(1/(e - z_i)), A_a = diag(Gamma_a,ii |G^r_ii|^2),
        # tr[M^m A_a M^n A_b] = sum_ij M^m_ij M^n_ji A_a,jj A_b,ii (real arithmetic, no solve)
        self.diagonal = all(m[i][j] == 0 for m in (self.h_eff, g_l, g_r) for i, j in off)
        if self.diagonal:
            self.z = [(mp.re(self.h_eff[i][i]), mp.im(self.h_eff[i][i]) ** 2) for i in range(n)]
            self.g_diag = {a: [mp.re(self.gamma[a][i][i]) for i in range(n)] for a in "LR"}
            self.pairs = [[[(i, j, self.M[m][i][j] * self.M[k][j][i])
                            for i in range(n) for j in range(n)
                            if self.M[m][i][j] != 0 and self.M[k][j][i] != 0]
                           for k in range(self.K)] for m in range(self.K)]
        # breakpoints only: the real parts of the poles (double precision is plenty)
        poles = np.linalg.eigvals(np.array([[complex(x) for x in row] for row in self.h_eff]))
        self.levels = sorted({float(z.real) for z in poles})

    def columns(self, e):
        """``{a: [G^r(e) b_r]}``, so that ``A_a(e) = sum_r c_r c_r^+``."""
        n, b = self.N, self.b
        if self.diagonal:
            d = [1 / (e - self.h_eff[i][i]) for i in range(n)]
            return {a: [[d[i] * col[i] for i in range(n)] for col in b[a]] for a in "LR"}
        lhs = [[(e if i == j else 0) - self.h_eff[i][j] for j in range(n)] for i in range(n)]
        sol = mp_solve(lhs, b["L"] + b["R"]) if b["L"] or b["R"] else []
        return {"L": sol[:len(b["L"])], "R": sol[len(b["L"]):]}

    def factors(self, e, left=(), right=()):
        """What :meth:`traces` needs of ``A_a(e)``: ``({a: left factor}, {b: right factor})``
        for the electrodes ``left`` (the A_a of a trace) and ``right`` (its A_b).

        General: ``M^m c_r`` (left) and ``d_s^+`` (right) for the columns ``c = G^r(e) b``;
        diagonal models: the diagonal of ``A_a(e)`` on both sides.
        """
        if self.diagonal:
            diag = {a: [g / ((e - x) ** 2 + y) if g else mp.mpf(0)
                        for g, (x, y) in zip(self.g_diag[a], self.z)]
                    for a in set(left) | set(right)}
            return {a: diag[a] for a in left}, {b: diag[b] for b in right}
        cols = self.columns(e)
        lhs = {a: [[[mp.fdot(row, col) for row in mk] for col in cols[a]] for mk in self.M]
               for a in left}
        rhs = {b: [[mp.conj(v) for v in col] for col in cols[b]] for b in right}
        return lhs, rhs

    def traces(self, lhs, rhs):
        """K x K nested list ``g_s tr[M^m A_a(e) M^n A_b(e')] / 2 pi`` from ``lhs`` (of A_a
        at e) and ``rhs`` (of A_b at e') of :meth:`factors`.

        ``tr[M^m A_a M^n A_b] = sum_rs (d_s^+ M^m c_r)(c_r^+ M^n d_s) = sum_rs U^m_sr
        conj(U^n_sr)`` with ``U^m_sr = d_s^+ M^m c_r`` (M^n Hermitian).
        """
        K = self.K
        if self.diagonal:
            return [[mp.fsum(p * lhs[j] * rhs[i] for i, j, p in self.pairs[m][k]) * self.scale
                     for k in range(K)] for m in range(K)]
        u = [[mp.fdot(d, x) for d in rhs for x in mck] for mck in lhs]
        return [[mp.fsum(x * mp.conj(y) for x, y in zip(u[m], u[k])) * self.scale
                 for k in range(K)] for m in range(K)]

    def kernel(self, a, b, e, e2):
        """``g_s tr[M^m A_a(e) M^n A_b(e2)] / 2 pi`` (K x K nested list)."""
        return self.traces(self.factors(e, left=a)[0][a], self.factors(e2, right=b)[1][b])


def spectral_functions_mp(model, e, *, dps=30):
    """``{"L": A_L(e), "R": A_R(e)}``, N x N object arrays of mpc, ``A_a = G^r Gamma_a G^a``."""
    with mp.workdps(dps):
        mod = _Model(model)
        cols = mod.columns(_to_mp(e))
        n = mod.N
        return {a: np.array([[mp.fsum(c[i] * mp.conj(c[j]) for c in cols[a]) + mp.mpc(0)
                              for j in range(n)] for i in range(n)], dtype=object)
                for a in "LR"}


def kernel_mp(model, channel, e, omega, *, dps=30):
    """``g_s tr[M^m A_a(e) M^n A_b(e - omega)] / (2 pi)``, a K x K object array of mpc."""
    a, b = ELECTRODES[channel]
    with mp.workdps(dps):
        mod = _Model(model)
        e, w = _to_mp(e), _to_mp(omega)
        return np.array(mod.kernel(a, b, e, e - w), dtype=object)


# ============================================================ vector tanh-sinh

_NODES = {}


def _ts_nodes(level, dps):
    """New tanh-sinh nodes at step 2**-level on [-1, 1]: (k, 1 - |x_k|, w_k)."""
    key = (level, dps)
    if key not in _NODES:
        with mp.workdps(dps):
            # truncation |t| <= t_max: the weights ~ 4 exp(-2 s), s = pi/2 sinh t, below 10^-(dps+3)
            t_max = float(mp.asinh(((dps + 3) * mp.log(10) / 2 + 1) * 2 / mp.pi))
            h = mp.mpf(2) ** -level
            kmax = int(t_max * 2 ** level)
            ks = range(0, kmax + 1) if level == 1 else range(1, kmax + 1, 2)
            nodes = []
            for k in ks:
                t = k * h
                s = mp.pi / 2 * mp.sinh(t)
                weight = h * mp.pi / 2 * mp.cosh(t) / mp.cosh(s) ** 2
                nodes.append((k, 2 / (mp.exp(2 * s) + 1), weight))
        _NODES[key] = nodes
    return _NODES[key]


def _tanh_sinh(f, a, b, dps, atol, max_level=12, converge=True):
    """Vector tanh-sinh rule on [a, b] (f returns a list of mpc).

    Stops when two successive step sizes agree to ``max(10^-(dps/2 - 2) |I|, atol)``
    (``|I|``: the largest entry); the error of the finer one is then about the square
    of that (double-exponential convergence).  ``converge=False``: a coarse pass.
    """
    rtol = mp.mpf(10) ** -(dps // 2 - 2)
    c, d = (a + b) / 2, (b - a) / 2
    total = prev = cur = None
    for level in range(1, max_level + 1):
        acc = None
        for k, comp, w in _ts_nodes(level, dps):
            for e in ((c,) if k == 0 else (b - d * comp, a + d * comp)):
                vals = f(e)
                if acc is None:
                    acc = [w * v for v in vals]
                else:
                    for i, v in enumerate(vals):
                        acc[i] += w * v
        total = acc if total is None else [t / 2 + x for t, x in zip(total, acc)]
        cur = [d * t for t in total]
        if prev is not None:
            norm = max(abs(x) for x in cur)
            diff = max(abs(x - y) for x, y in zip(cur, prev))
            if diff <= max(rtol * norm, atol):
                return cur
        prev = cur
    if not converge:
        return cur
    raise RuntimeError(f"reference quadrature did not converge on [{a}, {b}]")


# ============================================================ the spectra (Eq. 7, Pi^<)

def spectra_mp(model, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None, channels=CHANNELS,
               modes=None, dps=30):
    """``{channel: (Lambda, Pi^<)}`` at ``omega``, each a K x K object array of mpc.

    ``Lambda^{ab}_mn = int de/2pi tr[M^m A_a(e) M^n A_b(e - w)] (f_b - f_a)`` and
    ``Pi^<_{ab,mn}`` the same with ``f_a (1 - f_b)``, ``f_a = f(e - mu_a, T_a)``,
    ``f_b = f(e - w - mu_b, T_b)`` (conventions, "Spectra").  ``modes``: only these
    modes (the matrices are then over them, in that order).
    """
    T_L, T_R = _temperatures(T_e, T_L, T_R)
    channels = tuple(channels)
    with mp.workdps(dps):
        mod = _Model(model, modes)
        K = mod.K
        w = _to_mp(omega)
        mus = {"L": _to_mp(mu_L), "R": _to_mp(mu_R)}
        temps = {"L": _to_mp(T_L), "R": _to_mp(T_R)}
        memo = {}
        used_a = tuple({ELECTRODES[ch][0]: 0 for ch in channels})
        used_b = tuple({ELECTRODES[ch][1]: 0 for ch in channels})

        def integrand(e):
            if e not in memo:
                left = mod.factors(e, left=used_a)[0]
                right = mod.factors(e - w, right=used_b)[1]
                f1 = {x: fermi_mp(e - mus[x], temps[x]) for x in used_a}
                f2, h2 = {}, {}                     # f_b and 1 - f_b (exact tails)
                for x in used_b:
                    f2[x], h2[x] = _fermi_pair(e - w - mus[x], temps[x])
                out = []
                for ch in channels:
                    a, b = ELECTRODES[ch]
                    tr = mod.traces(left[a], right[b])
                    dos_weight, emission_weight = f2[b] - f1[a], f1[a] * h2[b]
                    for m in range(K):
                        for n in range(K):
                            out.append(tr[m][n] * dos_weight)
                            out.append(tr[m][n] * emission_weight)
                memo[e] = out
            return memo[e]

        used = {x for ch in channels for x in ELECTRODES[ch]}
        edges = [mus[ELECTRODES[ch][0]] for ch in channels] + \
                [mus[ELECTRODES[ch][1]] + w for ch in channels]
        # beyond (dps + 3) ln 10 temperatures from every edge the weights are below 10^-(dps+3)
        tail = (dps + 3) * mp.log(10) * max(temps[x] for x in used)
        lo, hi = min(edges) - tail, max(edges) + tail
        values = [mp.mpc(0)] * (2 * K * K * len(channels))
        if hi > lo:
            points = set(edges)
            for level in mod.levels:
                points |= {mp.mpf(level), mp.mpf(level) + w}
            cuts = [lo] + sorted(x for x in points if lo < x < hi) + [hi]
            pieces = list(zip(cuts[:-1], cuts[1:]))
            # the global scale from a coarse pass (its nodes are reused by the fine pass)
            coarse = [_tanh_sinh(integrand, a, b, dps, 0, max_level=3, converge=False)
                      for a, b in pieces]
            scale = max(abs(sum(col)) for col in zip(*coarse))
            atol = mp.mpf(10) ** -(dps - 4) * scale
            for a, b in pieces:
                part = _tanh_sinh(integrand, a, b, dps, atol)
                values = [x + y for x, y in zip(values, part)]
    out, i = {}, 0
    for ch in channels:
        dos = np.empty((K, K), dtype=object)
        less = np.empty((K, K), dtype=object)
        for m in range(K):
            for n in range(K):
                dos[m, n], less[m, n] = values[i], values[i + 1]
                i += 2
        out[ch] = (dos, less)
    return out


def ehp_dos_mp(model, channel, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None, dps=30):
    """``Lambda^{ab}(omega)`` of Eq. (7), K x K object array of mpc."""
    return spectra_mp(model, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L, T_R=T_R,
                      channels=(channel,), dps=dps)[channel][0]


def emission_mp(model, channel, omega, *, mu_L, mu_R, T_e=None, T_L=None, T_R=None, dps=30):
    """``Pi^<_ab(omega)``, K x K object array of mpc."""
    return spectra_mp(model, omega, mu_L=mu_L, mu_R=mu_R, T_e=T_e, T_L=T_L, T_R=T_R,
                      channels=(channel,), dps=dps)[channel][1]


def fermi_integral_mp(model, channel, omega, *, mu, T, entry=(0, 0), dps=30):
    """``int de/(2 pi) g_s tr[M^m A_a(e) M^n A_b(e - w)] f(e - mu, T)`` over the real
    line (one Fermi integral of a spectrum), ``(m, n) = entry``, by mpmath.quad."""
    a, b = ELECTRODES[channel]
    m, n = entry
    with mp.workdps(dps):
        mod = _Model(model)
        w, mu, T = _to_mp(omega), _to_mp(mu), _to_mp(T)

        def f(e):
            return mod.kernel(a, b, e, e - w)[m][n] * fermi_mp(e - mu, T)
        pts = sorted({mu, *(mp.mpf(x) for x in mod.levels), *(mp.mpf(x) + w for x in mod.levels)})
        return mp.quad(f, [-mp.inf] + pts + [mp.inf])


# ============================================================ the currents (Eq. 8)

def _current_mp(model, quantity, channel, mu_L, mu_R, T_ph, T_e, T_L, T_R, dps):
    """``int_0^inf dw/2pi x(w) sum_k A_ph,kk(w) [Pi^<_kk - Lambda_kk n_B(w, T_ph)]`` summed
    over the channel(s), ``x = w`` (J) or the electrons moved L -> R (I), with the inner
    energy integral of each spectrum written out (nested Gauss-Legendre)."""
    T_L, T_R = _temperatures(T_e, T_L, T_R)
    chans = CHANNELS if channel == "total" else (channel,)
    with mp.workdps(dps + 3):
        mod = _Model(model)
        if mod.omega is None:
            raise ValueError("the currents need numeric mode frequencies and dampings")
        mus = {"L": _to_mp(mu_L), "R": _to_mp(mu_R)}
        temps = {"L": _to_mp(T_L), "R": _to_mp(T_R)}
        t_ph = _to_mp(T_ph)
        sign = {ch: (1 if quantity == "J" else TRANSFER[ch]) for ch in chans}
        chans = tuple(ch for ch in chans if sign[ch] != 0)
        if not chans:
            return mp.mpf(0)
        used_a = tuple({ELECTRODES[ch][0]: 0 for ch in chans})
        used_b = tuple({ELECTRODES[ch][1]: 0 for ch in chans})

        def a_ph(w):
            """Diagonal of A_ph = D^r Gamma_ph D^a (ohmic)."""
            return [2 * w * g / ((w**2 - om**2) ** 2 + (w * g) ** 2)
                    for om, g in zip(mod.omega, mod.gamma_ph)]

        def inner(w):
            n_ph = bose_mp(w, t_ph)
            weights = a_ph(w)

            def kern(e):
                left = mod.factors(e, left=used_a)[0]
                right = mod.factors(e - w, right=used_b)[1]
                total = mp.mpf(0)
                for ch in chans:
                    a, b = ELECTRODES[ch]
                    tr = mod.traces(left[a], right[b])
                    f_a = fermi_mp(e - mus[a], temps[a])
                    f_b, h_b = _fermi_pair(e - w - mus[b], temps[b])
                    flow = mp.fsum(weights[k] * mp.re(tr[k][k]) for k in range(mod.K))
                    total += sign[ch] * flow * (f_a * h_b - (f_b - f_a) * n_ph)
                return total                          # the traces carry the 1/(2 pi) of de
            pts = {x for ch in chans for x in (mus[ELECTRODES[ch][0]], mus[ELECTRODES[ch][1]] + w)}
            pts |= {mp.mpf(x) for x in mod.levels} | {mp.mpf(x) + w for x in mod.levels}
            return mp.quad(kern, [-mp.inf] + sorted(pts) + [mp.inf], method="gauss-legendre")

        bias = abs(mus["L"] - mus["R"])
        cut = bias + (dps + 20) * mp.log(10) * 2 * max(temps["L"], temps["R"], t_ph)
        pts = {mp.mpf(0), bias, cut}
        for om, g in zip(mod.omega, mod.gamma_ph):
            pts |= {om - 5 * g, om - g, om, om + g, om + 5 * g}
        pts |= {abs(mp.mpf(x) - mp.mpf(y)) for x in mod.levels for y in mod.levels}
        factor = (lambda w: w) if quantity == "J" else (lambda w: 1)
        return mp.quad(lambda w: factor(w) * inner(w) / (2 * mp.pi),
                       sorted(p for p in pts if 0 <= p <= cut), method="gauss-legendre")


def energy_current_mp(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None, channel="total",
                      dps=30):
    """``J_ab`` (``channel``) or ``J`` (``"total"``) of Eq. (8) by nested quadrature."""
    return _current_mp(model, "J", channel, mu_L, mu_R, T_ph, T_e, T_L, T_R, dps)


def particle_current_mp(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None,
                        channel="total", dps=30):
    """``I_ab`` (signed: +LR, -RL, 0 for LL, RR) or ``I`` (``"total"``) by nested quadrature."""
    return _current_mp(model, "I", channel, mu_L, mu_R, T_ph, T_e, T_L, T_R, dps)
