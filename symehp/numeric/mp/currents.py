"""Arbitrary-precision currents and mode occupation (the ``dps=`` path).

The same physics as :mod:`symehp.numeric.currents` and :mod:`.occupation`, evaluated with
mpmath: the EHP spectra in closed form at ``dps`` plus guard digits
(:mod:`.precise`), and the one frequency integral of Eq. (8) by mpmath's
adaptive quadrature over the same physical breakpoints, with a cutoff that
puts every Bose or Fermi tail below ``10^-(dps + GUARD)``.  Each frequency
node evaluates all channels once; the six integrals (four ``J_ab``, two
particle flows) share the nodes through a memo.

Meant for single points and references: a bias point takes seconds (equal
electrode temperatures) to minutes (``T_L != T_R``, where ``Pi^<`` is itself
an energy quadrature).  Results are ``mpmath.mpf`` (object arrays when the
parameters are arrays).
"""

from __future__ import annotations

import sys

import mpmath as mp
import numpy as np

from ...ehp import CHANNELS
from .._args import numeric_model, operating_point
from ..backends import check_dps
from ..breakpoints import frequency_edges
from ..poles import pole_expansion
from ..results import ChannelMapping, TransportResult
from .spectra import GUARD, _pole_expansion, _spectra, _x_bose

__all__ = ["transport_mp", "occupation_parts_mp"]


def _point_arrays(model, mu_L, mu_R, T_ph, T_e, T_L, T_R):
    return numeric_model(model), operating_point(mu_L, mu_R, T_ph, T_e, T_L, T_R)


def _cutoff_edges(numeric, mu_LR, T_L, T_R, T_ph, dps):
    """Breakpoints of :func:`.breakpoints.frequency_edges` with a cutoff for ``dps`` digits."""
    tails = (dps + GUARD) * np.log(10.0)
    width = tails * max(T_L + T_R, 2 * T_L, 2 * T_R)
    cutoff = max(abs(mu_LR) + width, tails * T_ph)
    if cutoff <= 0:
        return []
    inner = frequency_edges(numeric, pole_expansion(numeric), mu_LR, T_L, T_R, T_ph)[1:-1]
    return [0.0] + sorted({float(x) for x in inner if 0 < x < cutoff}) + [cutoff]


def _point_integrand(numeric, exp, mu_l, mu_r, t_l, t_r, t_ph, dps):
    """``w -> [J_LL, J_RR, J_RL, J_LR, flow_RL, flow_LR]`` integrands, memoized."""
    gam = [mp.mpf(float(g)) for g in numeric.gamma_ph]
    freq = [mp.mpf(float(o)) for o in numeric.omega]
    memo = {}

    def values(w):
        if w in memo:
            return memo[w]
        # A_ph,kk(w) / w: the lowest-order mode propagators are diagonal
        a_over_w = [2 * g / ((w**2 - o**2) ** 2 + (w * g) ** 2) for g, o in zip(gam, freq)]
        w_nph = _x_bose(w, t_ph)                         # w n_B(w, T_ph), finite at 0
        energy, flow = [], {}
        for ch in CHANNELS:
            if not exp.nonzero_traces[(ch.alpha, ch.beta)]:
                energy.append(mp.mpf(0))
                flow[ch.name] = mp.mpf(0)
                continue
            dos, less = _spectra(exp, numeric, ch, w, mu_l, mu_r, t_l, t_r, dps, True)
            emit = mp.fsum(mp.re(less[k, k]) * a_over_w[k] for k in range(len(gam)))
            absorb = mp.fsum(mp.re(dos[k, k]) * a_over_w[k] for k in range(len(gam)))
            # Tr[(Pi^< - Lambda n_ph) A_ph] / 2pi, with Tr[X A_ph] = w Tr[X A_ph / w]
            flow[ch.name] = (w * emit - w_nph * absorb) / (2 * mp.pi)
            energy.append(w * flow[ch.name])
        memo[w] = energy + [flow["RL"], flow["LR"]]
        return memo[w]

    return values


def _one_point(numeric, mu_l, mu_r, t_l, t_r, t_ph, dps):
    """Six integrals and their error estimates at one parameter point."""
    edges = _cutoff_edges(numeric, mu_l - mu_r, t_l, t_r, t_ph, dps)
    with mp.workdps(dps + GUARD):
        if not edges:
            return [mp.mpf(0)] * 6, mp.mpf(0)
        exp = _pole_expansion(numeric)
        args = [mp.mpf(x) for x in (mu_l, mu_r, t_l, t_r, t_ph)]
        values = _point_integrand(numeric, exp, *args, dps)
        pts = [mp.mpf(x) for x in edges]
        totals, error = [], mp.mpf(0)
        for c in range(6):
            total, err = mp.quad(lambda w: values(w)[c], pts, error=True)
            totals.append(total)
            error = max(error, err)
        return totals, error


def transport_mp(model, *, mu_L, mu_R, T_ph, T_e=None, T_L=None, T_R=None, dps, progress=None):
    """:func:`symehp.transport` at ``dps`` decimal digits (mpmath).

    Returns a :class:`~symehp.numeric.currents.TransportResult` whose values
    are ``mpmath.mpf`` (object arrays for array parameters); ``error_J`` and
    ``error_I`` are mpmath's quadrature error estimates (largest over the six
    integrals), ``rtol`` is ``10**-dps``.
    """
    dps = check_dps(dps)
    numeric, arrays = _point_arrays(model, mu_L, mu_R, T_ph, T_e, T_L, T_R)
    shape = arrays[0].shape
    values = np.empty(shape + (6,), dtype=object)
    errors = np.empty(shape, dtype=object)
    points = list(np.ndindex(shape))
    if progress is None:
        progress = len(points) > 1 and sys.stderr.isatty()
    if progress:
        from tqdm import tqdm
        points = tqdm(points, desc=f"symehp: currents at {dps} digits", unit="point",
                      mininterval=0.1 if sys.stderr.isatty() else 60.0)
    for idx in points:
        totals, err = _one_point(numeric, *(float(a[idx]) for a in arrays), dps)
        for c, total in enumerate(totals):
            values[idx + (c,)] = total
        errors[idx] = err
    return _result(values, errors, shape, dps)


def _result(values, errors, shape, dps):
    """Assemble the TransportResult; sums at the working precision."""
    def out(x):
        x = np.asarray(x, dtype=object)
        return x.item() if x.ndim == 0 else x

    with mp.workdps(dps + GUARD):
        j = ChannelMapping((ch.name, out(values[..., i])) for i, ch in enumerate(CHANNELS))
        j["total"] = out(values[..., 0] + values[..., 1] + values[..., 2] + values[..., 3])
        zero = out(np.full(shape, mp.mpf(0), dtype=object))
        i_parts = ChannelMapping(LL=zero, RR=zero, RL=out(-values[..., 4]),
                                 LR=out(values[..., 5]), total=out(values[..., 5] - values[..., 4]))
    return TransportResult(J=j["total"], J_by_channel=j, I=i_parts["total"], I_by_channel=i_parts,
                           error_J=out(errors), error_I=out(errors), rtol=10.0 ** -dps)


def occupation_parts_mp(numeric, mode, arrays, dps):
    """Per-channel damping and emission of ``mode`` at ``dps`` digits.

    ``arrays`` are the broadcast ``(mu_L, mu_R, T_L, T_R, T_ph)``.  Returns
    two dicts of object arrays (``mpmath.mpf``), keyed by channel name and
    ``"ph"``, in the units of :func:`symehp.mode_occupation`, and their two
    totals (summed at the working precision).
    """
    shape = arrays[0].shape
    damping = {name: np.empty(shape, dtype=object) for name in ("LL", "RR", "RL", "LR", "ph")}
    emission = {name: np.empty(shape, dtype=object) for name in damping}
    with mp.workdps(dps + GUARD):
        exp = _pole_expansion(numeric)
        omega = mp.mpf(float(numeric.omega[mode]))
        gamma_ph = 2 * omega * mp.mpf(float(numeric.gamma_ph[mode]))
        for idx in np.ndindex(shape):
            mu_l, mu_r, t_l, t_r, t_ph = (mp.mpf(float(a[idx])) for a in arrays)
            for ch in CHANNELS:
                dos, less = _spectra(exp, numeric, ch, omega, mu_l, mu_r, t_l, t_r, dps, True)
                damping[ch.name][idx] = mp.re(dos[mode, mode])
                emission[ch.name][idx] = mp.re(less[mode, mode])
            damping["ph"][idx] = +gamma_ph
            # Gamma_ph n_B(Omega, T_ph) = Gamma_ph (Omega n_B) / Omega
            emission["ph"][idx] = gamma_ph * _x_bose(omega, t_ph) / omega
        total_damping = sum(damping.values())
        total_emission = sum(emission.values())
    return damping, emission, total_damping, total_emission
