"""Certified enclosures of the currents of Eq. (8): ``certify=True`` (with ``dps=``).

Every number below is an Arb ball (python-flint) and every step is rigorous, so the
:class:`~.interval.Interval` returned provably contains the exact value of Eq. (8) for
the model as given (its double-precision numbers read exactly), at equal electrode
temperatures ``T_L = T_R = T_e > 0`` and wide-band leads.  What each step proves and
which assumption it uses is listed in docs/conventions.md ("Certified enclosures").

1. **Poles.**  ``H_eff = H - i (Gamma_L + Gamma_R)/2`` is diagonalized by Arb's
   certified eigensolver (``acb_mat.eig``): enclosures of every eigenvalue ``z_j`` and
   of matching left and right eigenvectors (``L R = 1``).  It fails -- and so does
   ``certify=True``, with a ParameterError -- unless the eigenvalues are isolated
   (simple) and every ``z_j`` lies provably in the lower half-plane (each level is
   broadened).  The rank-one residues and the pole-basis couplings are then the one
   construction of :func:`symehp.numeric.poles.from_eigensystem`, in ball arithmetic.
2. **Spectra.**  At equal temperatures each channel's spectra are pair sums of

       ``X_pq(w) = A_pq(w) / ((w - mu) (c - w))``,   ``c = p - q``,  ``mu = mu_a - mu_b``,
       ``A_pq(w) = Phi_p(p) - Phi_p(p + mu - w) + Phi_q(q + mu) - Phi_q(q + w)``,

   ``Phi_s(z) = psi(1/2 + s (z - mu_a) / (2 pi i T))`` (the closed form of
   :mod:`symehp.numeric.spectra`): ``Lambda_kk = -(w - mu) S_k / 2pi`` and
   ``Pi^<_kk = -x n_B(x) S_k / 2pi`` (``x = w - mu``) with ``S_k = sum_pq T_kk,pq
   X_pq``.  ``X_pq`` is holomorphic in ``w`` near the real axis: ``A(mu) = 0``, and
   ``A(c) = 0`` when ``p`` and ``q`` are in the same half-plane, so the divisions are
   removable singularities.  Where a ball of ``w`` touches one, ``X`` is enclosed by
   the Hermite-Genocchi formula (``f[x0, x1] in f'(hull)``, ``f[x0, x1, x2] in
   f''(hull)/2``), elsewhere by the quotient at a precision raised by twice the bits
   of ``1 / distance`` (the cancellation of the quotient).
3. **Integrals.**  ``J_ab = int_0^wc dw w F_ab(w)``, ``flow_ab = int_0^wc dw F_ab(w)``,

       ``F_ab(w) = -(1 / 4 pi^2) sum_k a_k(w) S_k(w) [w x_B(w - mu, T_e) - (w - mu) x_B(w, T_ph)]``,

   ``a_k = A_ph,kk / w = 2 gamma_k / ((w^2 - Omega_k^2)^2 + (w gamma_k)^2)``,
   ``x_B(x, T) = x n_B(x, T) = T e^{-u/2} / sinc(i u / 2)`` (``u = x/T``, holomorphic
   at 0), each by Arb's rigorous adaptive Gauss-Legendre integration
   (``acb.integral``: error bounds from the integrand's enclosures on ellipses in the
   complex plane; the integrand is meromorphic, so a pole in a ball gives a
   non-finite enclosure and the interval is bisected) between the breakpoints of
   the ``dps=`` path.
4. **Tail.**  Beyond the cutoff ``wc`` the integral is bounded analytically:
   ``|Lambda_kk(w)| <= B_k = g_s ||M^k||_F^2 2 G_max N`` for all real ``w``
   (``|f_b - f_a| <= 1``, ``tr[M A_a M A_b] <= ||M||^2 ||A_a|| tr A_b``, ``||A_a|| <=
   2 ||G^r||``, ``||G^r(e)|| <= G_max = sum_j |r_j| |l_j| / |Im z_j|``, and the sum rule
   ``int tr A de / 2pi = N``), ``Pi^< = n_B(w - mu) Lambda``, ``a_k <= 2 gamma_k / ((1 -
   Omega_k^2/wc^2)^2 w^4)`` and ``n_B(x) <= e^{-x/T} / (1 - e^{-x_c/T})``: the
   resulting bound on ``int_wc^inf`` is added to the radius.

The result's radius holds the Gauss-Legendre error bounds, the tail bound and every
rounding.  Its width is set by the working precision (``dps`` plus
:data:`~.spectra.GUARD` digits) and the integrator's goal (:data:`GOAL_DIGITS`
beyond ``dps``).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from ...ehp import CHANNELS
from ...errors import ParameterError
from .._args import numeric_model, operating_point
from ..backends import check_dps
from ..poles import from_eigensystem
from ..results import ChannelMapping, TransportResult
from .interval import Interval
from .spectra import GUARD

__all__ = ["certified_transport", "check_certifiable", "GOAL_DIGITS"]

#: the integrator's goal: this many decimal digits beyond the requested dps (relative to
#: the largest channel's gross flow)
GOAL_DIGITS = 5


def _flint():
    try:
        import flint
    except ImportError as exc:                 # pragma: no cover - python-flint is a dependency
        raise ParameterError("certify=True needs python-flint (Arb): pip install "
                             "python-flint") from exc
    return flint


@contextlib.contextmanager
def _precision(bits):
    """Arb's working precision at ``bits`` (restored after)."""
    ctx = _flint().ctx
    saved = ctx.prec
    ctx.prec = bits
    try:
        yield
    finally:
        ctx.prec = saved


def check_certifiable(model, *, dps, T_L, T_R):
    """The ParameterError of a ``certify=True`` call that cannot be certified, else None.

    ``model`` a :class:`~symehp.model.Junction` or NumericJunction, ``T_L``, ``T_R``
    the broadcast electrode temperatures.
    """
    if dps is None:
        raise ParameterError("certify=True needs dps= (the enclosure is computed in Arb "
                             "ball arithmetic at dps digits, e.g. dps=30)")
    if getattr(model, "energy_dependent", False):
        raise ParameterError("certify=True: the model has energy-dependent leads, whose "
                             "spectra are energy quadratures in double precision; only "
                             "wide-band leads (closed-form spectra) can be certified")
    if np.any(T_L != T_R):
        raise ParameterError("certify=True needs equal electrode temperatures (T_e, or T_L "
                             "= T_R): at T_L != T_R the emission uses a Fermi pole "
                             "expansion whose error bound is verified numerically, not "
                             "proven, so it is not certified")
    if np.any(T_L <= 0):
        raise ParameterError("certify=True needs an electron temperature T_e > 0 (at T = 0 "
                             "the closed form has logarithms with branch cuts)")


def _arb(x):
    """A double as the exact ``flint.arb``."""
    return _flint().arb(float(x))


def _acb(x):
    """A double (real or complex) as the exact ``flint.acb``."""
    x = complex(x)
    return _flint().acb(_arb(x.real), _arb(x.imag))


def _objects(array):
    return np.vectorize(_acb, otypes=[object])(np.asarray(array))


class _Expansion:
    """The certified pole expansion of one model (step 1) and its tail constants."""

    def __init__(self, numeric):
        flint = _flint()
        n = numeric.N
        H, gL, gR = _objects(numeric.H), _objects(numeric.gamma_L), _objects(numeric.gamma_R)
        M = _objects(numeric.M)
        half_i = flint.acb(0, flint.arb(0.5))
        h_eff = flint.acb_mat([[H[i, j] - half_i * (gL[i, j] + gR[i, j]) for j in range(n)]
                               for i in range(n)])
        try:
            z, left, right = h_eff.eig(left=True, right=True)
        except ValueError as exc:
            raise ParameterError(
                "certify=True: the eigenvalues of H - i(gamma_L + gamma_R)/2 could not be "
                "isolated at this precision (a repeated eigenvalue or an exceptional "
                "point); the enclosure needs simple poles") from exc
        for zj in z:
            if not zj.imag.upper() < 0:
                raise ParameterError(
                    f"certify=True: the level at E = {float(zj.real.mid()):.6g} is not "
                    "provably broadened (Im z_j = 0 within its enclosure): a level that "
                    "neither lead broadens cannot be certified")
        z = np.array(list(z), dtype=object)
        right = np.array([[right[i, j] for j in range(n)] for i in range(n)], dtype=object)
        left = np.array([[left[i, j] for j in range(n)] for i in range(n)], dtype=object)
        self.exp = from_eigensystem(z, right, left, gL, gR, M, backend="arb", model=numeric)
        # G_max = sum_j |r_j| |l_j| / |Im z_j| >= sup_e ||G^r(e)||
        g_max = flint.arb(0)
        for j in range(n):
            r_norm = sum((abs(right[i, j]) ** 2 for i in range(n)), flint.arb(0)).sqrt()
            l_norm = sum((abs(left[j, i]) ** 2 for i in range(n)), flint.arb(0)).sqrt()
            g_max += r_norm * l_norm / abs(z[j].imag)
        spin = numeric.spin_degeneracy
        self.lambda_bounds = [spin * sum((abs(x) ** 2 for x in mk.flat), flint.arb(0))
                              * 2 * g_max * n for mk in M]


class _ChannelIntegrand:
    """``F_ab(w)`` of one channel on complex balls ``w`` (step 2 and 3 of the module)."""

    def __init__(self, expansion, ch, numeric, mu_l, mu_r, T, T_ph):
        flint = _flint()
        exp = expansion.exp
        self.flint = flint
        mus = {"L": _arb(mu_l), "R": _arb(mu_r)}
        self.mu_a = flint.acb(mus[ch.alpha])
        self.mu = flint.acb(mus[ch.alpha] - mus[ch.beta])
        self.T = flint.acb(_arb(T))
        self.T_ph = None if T_ph == 0 else flint.acb(_arb(T_ph))
        self.scale = {s: flint.acb(s) / (2 * flint.acb(0, 1) * flint.acb.pi() * self.T)
                      for s in (-1, 1)}
        self.poles = list(exp.poles)
        self.family = [int(s) for s in exp.family]
        weights = exp.pair_weights(ch.alpha, ch.beta)            # (K, P, P)
        self.K = weights.shape[0]
        self.pairs = []
        for ip in range(len(self.poles)):
            for iq in range(len(self.poles)):
                w = [weights[k, ip, iq] for k in range(self.K)]
                if any(not x.is_zero() for x in w):
                    same = self.family[ip] == self.family[iq]
                    self.pairs.append((ip, iq, w, same, self.poles[ip] - self.poles[iq]))
        self.gam = [_arb(g) for g in numeric.gamma_ph]
        self.omg = [_arb(o) for o in numeric.omega]
        # the scale on which Phi varies: its poles are >= pi T off the real axis
        self.s0 = float(math.pi * T)
        self.base = flint.ctx.prec
        self._const = {}
        self.memo = {}

    @property
    def empty(self):
        return not self.pairs

    def _phi(self, z, s, order=0):
        arg = 0.5 + self.scale[s] * (z - self.mu_a)
        if order == 0:
            return arg.digamma()
        return arg.polygamma(self.flint.acb(order)) * self.scale[s] ** order

    def _constants(self):
        """``Phi_p(p)`` and ``Phi_q(q + mu)`` at the working precision (cached)."""
        prec = self.flint.ctx.prec
        if prec not in self._const:
            self._const[prec] = ([self._phi(p, s) for p, s in zip(self.poles, self.family)],
                                 [self._phi(q + self.mu, s) for q, s in zip(self.poles, self.family)])
        return self._const[prec]

    def _extra_bits(self, w):
        """Bits of cancellation in the quotients at ``w`` (twice log2 of s0 / distance), and
        which removable points ``w`` touches (``"mu"`` and pair indices)."""
        touching = set()
        nearest = math.inf
        t = float((w - self.mu).abs_lower())
        if t == 0:
            touching.add("mu")
        else:
            nearest = t
        for i, (_, _, _, same, c) in enumerate(self.pairs):
            if same:
                t = float((w - c).abs_lower())
                if t == 0:
                    touching.add(i)
                else:
                    nearest = min(nearest, t)
        extra = 0
        if nearest < self.s0:
            extra = int(math.ceil(2 * math.log2(self.s0 / max(nearest, 1e-300)))) + 10
        return extra, touching

    def spectra(self, w):
        """``S_k(w)`` (K acb) of the module docstring, enclosed."""
        key = (w.real.mid().man_exp(), w.imag.mid().man_exp(), w.rad().man_exp())
        found = self.memo.get(key)
        if found is not None:
            return found
        extra, touching = self._extra_bits(w)
        flint = self.flint
        with _precision(self.base + min(extra, 8 * self.base)):
            at_p, at_qmu = self._constants()
            mu = self.mu
            shifted_p, shifted_q = {}, {}
            out = [flint.acb(0)] * self.K
            for i, (ip, iq, weights, same, c) in enumerate(self.pairs):
                p, q = self.poles[ip], self.poles[iq]
                sp_, sq = self.family[ip], self.family[iq]
                at_mu = "mu" in touching
                at_c = i in touching
                if at_mu and at_c:
                    hull = w.union(mu).union(c)
                    x = (self._phi(p + mu - hull, sp_, 2) + self._phi(q + hull, sq, 2)) / 2
                elif at_mu or at_c:
                    hull = w.union(mu if at_mu else c)
                    a1 = self._phi(p + mu - hull, sp_, 1) - self._phi(q + hull, sq, 1)
                    x = a1 / (c - w) if at_mu else -a1 / (w - mu)
                else:
                    if ip not in shifted_p:
                        shifted_p[ip] = self._phi(p + mu - w, sp_)
                    if iq not in shifted_q:
                        shifted_q[iq] = self._phi(q + w, sq)
                    a = at_p[ip] - shifted_p[ip] + at_qmu[iq] - shifted_q[iq]
                    x = a / ((w - mu) * (c - w))
                out = [o + wk * x for o, wk in zip(out, weights)]
        self.memo[key] = out
        if len(self.memo) > 200000:
            self.memo.clear()
        return out

    def _x_bose(self, x, T):
        u = x / T
        half = u / 2
        return T * (-half).exp() / (half * self.flint.acb(0, 1)).sinc()

    def flow(self, w):
        """``F_ab(w)`` (acb)."""
        flint = self.flint
        s = self.spectra(w)
        mu = self.mu
        bracket = w * self._x_bose(w - mu, self.T)
        if self.T_ph is not None:
            bracket -= (w - mu) * self._x_bose(w, self.T_ph)
        total = flint.acb(0)
        w2 = w * w
        for k in range(self.K):
            g, o = self.gam[k], self.omg[k]
            a_k = 2 * g / ((w2 - o * o) ** 2 + w2 * g * g)
            total += a_k * s[k]
        return -total * bracket / (4 * flint.acb.pi() ** 2)

    def tail(self, expansion, wc, power):
        """Upper bound (arb) on ``int_wc^inf w^power |F_ab(w)| dw`` (power 0 or 1)."""
        flint = self.flint
        wc = _arb(wc)
        mu = self.mu.real
        xc = wc - mu
        T = self.T.real
        out = flint.arb(0)
        for k in range(self.K):
            rho2 = (self.omg[k] / wc) ** 2
            out += self.gam[k] * expansion.lambda_bounds[k] / (flint.arb.pi() * (1 - rho2) ** 2)
        e_part = T * (-xc / T).exp() / (1 - (-xc / T).exp())
        if self.T_ph is not None:
            Tp = self.T_ph.real
            e_part += Tp * (-wc / Tp).exp() / (1 - (-wc / Tp).exp())
        return out * e_part / wc ** (3 - power)


def _segments(numeric, mu_lr, T, T_ph, dps, omega_max, mus):
    """Breakpoints ``[0, ..., wc]``: those of the ``dps=`` path, the cutoff at least twice
    the highest mode and beyond every ``|mu_ab|``."""
    from .currents import _cutoff_edges
    edges = _cutoff_edges(numeric, mu_lr, T, T, T_ph, dps)
    wc = max(edges[-1], 2.0 * omega_max, max(abs(m) for m in mus) + 1.0)
    return [x for x in edges[:-1] if x < wc] + [wc]


def _one_point(numeric, expansion, mu_l, mu_r, T, T_ph, dps):
    """Six Intervals: ``J_LL, J_RR, J_RL, J_LR, flow_RL, flow_LR``."""
    flint = _flint()
    edges = _segments(numeric, mu_l - mu_r, T, T_ph, dps, float(np.max(numeric.omega)),
                      (mu_l - mu_r, mu_r - mu_l))
    # the goal: GOAL_DIGITS beyond dps, relative to the largest channel's gross flow (from
    # the double path: a scale only, it enters no bound)
    from ..currents import transport as _double
    res = _double(numeric, mu_L=mu_l, mu_R=mu_r, T_e=T, T_ph=T_ph)
    scale_j = max([abs(res.J_by_channel[c.name]) for c in CHANNELS] + [1e-300])
    scale_i = max(abs(res.I_by_channel["RL"]), abs(res.I_by_channel["LR"]), 1e-300)
    goal = flint.arb(10.0) ** (-(dps + GOAL_DIGITS))
    out = []
    flows = {}
    for ch in CHANNELS:
        f = _ChannelIntegrand(expansion, ch, numeric, mu_l, mu_r, T, T_ph)
        if f.empty:
            out.append(Interval(flint.arb(0)))
            flows[ch.name] = Interval(flint.arb(0))
            continue
        for power in (1, 0):
            if power == 0 and ch.name not in ("RL", "LR"):
                continue
            if power == 1:
                def integrand(w, analytic, f=f):
                    return w * f.flow(w)
            else:
                def integrand(w, analytic, f=f):
                    return f.flow(w)
            total = flint.acb(0)
            abs_tol = goal * _arb(scale_j if power == 1 else scale_i)
            for a, b in zip(edges[:-1], edges[1:]):
                total += flint.acb.integral(integrand, _arb(a), _arb(b), abs_tol=abs_tol,
                                            rel_tol=goal)
            if not total.imag.contains(0):
                raise RuntimeError("certified integral: the imaginary part excludes 0")
            tail = f.tail(expansion, edges[-1], power)
            ball = total.real + flint.arb(0, tail)
            if power == 1:
                out.append(Interval(ball))
            else:
                flows[ch.name] = Interval(ball)
    return out + [flows["RL"], flows["LR"]]


def certified_transport(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None, dps,
                        progress=None) -> TransportResult:
    """:func:`symehp.transport` with ``certify=True``: every current an :class:`Interval`.

    ``J``, ``J_by_channel``, ``I``, ``I_by_channel`` hold :class:`Interval` objects
    (object arrays for array parameters) that provably contain the exact values of
    Eq. (8) for the model as given; ``error_J``, ``error_I`` are their radii
    (``mpmath.mpf``), ``rtol`` is ``10**-dps``.  Conditions: ``dps`` given, wide-band
    leads, equal electrode temperatures ``T_e > 0``, every level broadened and the
    poles simple (a :class:`~symehp.errors.ParameterError` otherwise, saying which).
    """
    import sys
    mu_L, mu_R, T_L, T_R, T_ph = operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)
    check_certifiable(model, dps=dps, T_L=T_L, T_R=T_R)
    dps = check_dps(dps)
    numeric = numeric_model(model)
    shape = mu_L.shape
    bits = int(math.ceil((dps + GUARD) * math.log2(10)))
    values = np.empty(shape + (6,), dtype=object)
    points = list(np.ndindex(shape))
    if progress is None:
        progress = len(points) > 1 and sys.stderr.isatty()
    if progress:
        from tqdm import tqdm
        points = tqdm(points, desc=f"symehp: certified currents at {dps} digits", unit="point")
    with _precision(bits):
        expansion = _Expansion(numeric)
        for idx in points:
            parts = _one_point(numeric, expansion, float(mu_L[idx]), float(mu_R[idx]),
                               float(T_L[idx]), float(T_ph[idx]), dps)
            for c, part in enumerate(parts):
                values[idx + (c,)] = part
        return _result(values, shape, dps)


def _result(values, shape, dps):
    def out(x):
        x = np.asarray(x, dtype=object)
        return x.item() if x.ndim == 0 else x

    def each(fn, *arrays):
        return np.vectorize(fn, otypes=[object])(*arrays)

    j = ChannelMapping((ch.name, out(values[..., i])) for i, ch in enumerate(CHANNELS))
    j["total"] = out(each(lambda a, b, c, d: a + b + c + d, *(values[..., i] for i in range(4))))
    zero = out(each(lambda _: Interval(_flint().arb(0)), values[..., 0]))
    i_parts = ChannelMapping(LL=zero, RR=zero, RL=out(each(lambda a: -a, values[..., 4])),
                             LR=out(values[..., 5]),
                             total=out(each(lambda a, b: b - a, values[..., 4], values[..., 5])))
    return TransportResult(J=j["total"], J_by_channel=j, I=i_parts["total"],
                           I_by_channel=i_parts,
                           error_J=out(each(lambda x: x.rad, np.asarray(j["total"], dtype=object))),
                           error_I=out(each(lambda x: x.rad,
                                            np.asarray(i_parts["total"], dtype=object))),
                           rtol=10.0 ** -dps)
