"""Benchmark: Eq. (8) for the two-level model, symehp vs a naive nested quadrature.

Model (issues 3, 13): eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 = 0.2, m = 0.1,
Omega = 1, gamma_ph = 0.05, T_e = T_ph = 0.05, mu_L = V/2 = -mu_R.  (It sits
on the paper's resonance: gamma1 = gamma2 and eps1 - eps2 = Omega, so the
coincident-pole limits of the closed forms are exercised where A_ph peaks.)

* naive baseline (issue 13), written the way a physicist would: Lorentzians and
  Fermi functions written out, for the two inter-electrode channels (LL and RR
  vanish for this coupling) an inner ``scipy.integrate.quad`` over eps for
  Lambda and another for Pi^< (window between the Fermi edges +- 40 T,
  breakpoints at the Lorentzian centres and Fermi edges), an outer quad over
  omega with breakpoints at Omega, mu_ab and eps_a - eps_b, epsrel 1e-8.  The
  same work, the same way, as the project's reference baseline
  (``../shared/bench/naive_baseline.py``, timed beside it when present: the two
  must agree in J and in time per point);
* symehp (``symehp.transport``) for a J(V) sweep of 1000 bias points in
  [0, 2], with each double-precision engine (``backend="numpy"`` and
  ``"numba"``);
* references: the mpmath path (``symehp.transport(..., dps=30)``) at a few bias
  points, and a tight symehp run (rtol = 1e-13) over the whole sweep.

Timings are wall-clock minima over repeated runs (the machine is shared), in
this one process: the sweep ``--repeat`` times, each naive point
``--naive-repeat`` times (min per point, then the mean over the points).  The
first call (cold caches: pole expansion of the model) is timed separately.

Run: python benchmarks/bench_eq8.py [--naive-points N] [--mp-points N] [--write]
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import importlib.util
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.integrate import IntegrationWarning, quad

import symehp
from _common import machine, machine_line, min_time, write_section

PARAMS = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
T = 0.05
SWEEP = np.linspace(0.0, 2.0, 1000)
CHECK = (0.6, 1.0, 1.6)          # bias points of the naive baseline and the mpmath references
SECTION = "Eq. (8): two-level 1000-point sweep vs the naive nested quad (issues 3, 13)"
#: the project's reference baseline, if this checkout sits beside it
SHARED_BASELINE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "naive_baseline.py"
#: Fermi tails kept in the naive inner window
TAILS = 40.0


def naive_energy_current(V, epsrel=1e-8, epsabs_inner=1e-14, epsabs_outer=1e-13):
    """Eq. (8) by nested scipy quad for the two-level model, the way one would first write it."""
    e1, e2, g1, g2 = PARAMS["eps1"], PARAMS["eps2"], PARAMS["gamma1"], PARAMS["gamma2"]
    m, om, gph = PARAMS["m"], PARAMS["omega"], PARAMS["gamma_ph"]
    mu_l, mu_r = V / 2, -V / 2

    def fermi(x):
        return 1.0 / (np.exp(x / T) + 1.0)

    def lorentzian(e, c, g):
        return g / ((e - c) ** 2 + g * g / 4)

    def a_ph(w):
        return 2 * gph * w / ((w * w - om * om) ** 2 + gph * gph * w * w)

    total = 0.0
    for ea, ga, mua, eb, gb, mub in ((e1, g1, mu_l, e2, g2, mu_r), (e2, g2, mu_r, e1, g1, mu_l)):
        mu_ab = mua - mub

        def window(w):
            lo, hi = min(mua, w + mub) - TAILS * T, max(mua, w + mub) + TAILS * T
            return lo, hi, [x for x in (ea, eb + w, mua, w + mub) if lo < x < hi]

        def dos(w):
            lo, hi, pts = window(w)
            val = quad(lambda e: lorentzian(e, ea, ga) * lorentzian(e - w, eb, gb)
                       * (fermi(e - mua) - fermi(e - w - mub)), lo, hi, points=pts,
                       epsrel=epsrel, epsabs=epsabs_inner, limit=200)[0]
            return -m * m * val / (2 * math.pi)

        def emission(w):
            lo, hi, pts = window(w)
            val = quad(lambda e: lorentzian(e, ea, ga) * lorentzian(e - w, eb, gb)
                       * fermi(e - mua) * (1 - fermi(e - w - mub)), lo, hi, points=pts,
                       epsrel=epsrel, epsabs=epsabs_inner, limit=200)[0]
            return m * m * val / (2 * math.pi)

        def outer(w):
            n_ph = 1.0 / (np.exp(w / T) - 1.0)
            return w * a_ph(w) * (emission(w) - dos(w) * n_ph) / (2 * math.pi)

        top = max(mu_ab, 0.0) + TAILS * T
        pts = [x for x in (om, mu_ab, ea - eb) if 0 < x < top]
        total += quad(outer, 0.0, top, points=pts, epsrel=epsrel, epsabs=epsabs_outer,
                      limit=200)[0]
    return total


def naive_sweep(Vs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return np.array([naive_energy_current(v) for v in Vs])


def shared_baseline():
    """``J_sweep_naive`` of the reference baseline, or None if it is not beside this checkout."""
    if not SHARED_BASELINE.exists():
        return None
    spec = importlib.util.spec_from_file_location("naive_baseline", SHARED_BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.J_sweep_naive


def _per_point(sweep, points, repeat):
    """Mean over ``points`` of the best-of-``repeat`` time of one point, and the J values."""
    times, values = [], []
    for v in points:
        t, out = min_time(lambda v=v: sweep(np.array([v])), repeat)
        times.append(t)
        values.append(float(out[0]))
    return float(np.mean(times)), values


def _transport(model, V, **kw):
    return symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=T, T_ph=T, **kw)


def run(naive_points, naive_repeat, repeat, mp_points):
    model = symehp.two_level(**PARAMS)
    info = machine()

    t0 = time.perf_counter()                   # cold: pole expansion, caches
    _transport(model, np.array([1.0]), backend="numpy")
    first_call = time.perf_counter() - t0
    t0 = time.perf_counter()                   # cold numba: load (or compile) the kernels
    _transport(model, np.array([1.0]), backend="numba")
    first_numba = time.perf_counter() - t0

    t_numba, fast = min_time(lambda: _transport(model, SWEEP, backend="numba"), repeat)
    t_sweep, default = min_time(lambda: _transport(model, SWEEP, backend="numpy"), repeat)
    engines_dev = float(np.max(np.abs(fast.J - default.J)[SWEEP >= 0.1]
                               / np.abs(default.J[SWEEP >= 0.1])))
    tight = _transport(model, SWEEP, rtol=1e-13)
    on = SWEEP >= 0.1                          # at V -> 0 the currents vanish (equilibrium)
    sweep_err_J = np.max(np.abs(default.J - tight.J)[on] / np.abs(tight.J[on]))
    sweep_err_I = np.max(np.abs(default.I - tight.I)[on] / np.abs(tight.I[on]))
    est_J = np.max(default.error_J[on] / np.abs(default.J[on]))

    check = np.array(CHECK[:max(naive_points, mp_points)])
    t_naive, naive_J = _per_point(naive_sweep, check[:naive_points], naive_repeat)
    reference = shared_baseline()
    t_shared, shared_J = (_per_point(reference, check[:naive_points], naive_repeat)
                          if reference is not None else (float("nan"), []))

    rows = []
    for i, v in enumerate(check):
        res = _transport(model, np.array([v]))
        mp_res = _transport(model, v, dps=30) if i < mp_points else None
        ref_J = float(mp_res.J) if mp_res is not None else None
        ref_I = float(mp_res.I) if mp_res is not None else None
        rows.append(dict(V=v, J=float(res.J[0]), I=float(res.I[0]), ref_J=ref_J, ref_I=ref_I,
                         naive=naive_J[i] if i < len(naive_J) else None,
                         shared=shared_J[i] if i < len(shared_J) else None))
    return dict(machine=info, first_call=first_call, t_sweep=t_sweep, t_naive=t_naive,
                t_numba=t_numba, first_numba=first_numba, engines_dev=engines_dev,
                t_shared=t_shared, n_naive=len(naive_J), repeat=repeat,
                naive_repeat=naive_repeat,
                sweep_err_J=sweep_err_J, sweep_err_I=sweep_err_I, est_J=est_J, rows=rows)


def _rel(x, ref):
    return "-" if x is None or ref is None else f"{abs(x - ref) / abs(ref):.1e}"


def report(r):
    per_point = r["t_sweep"] / SWEEP.size
    numba_point = r["t_numba"] / SWEEP.size
    lines = [
        machine_line(r["machine"]),
        "",
        "| quantity | value |",
        "| --- | --- |",
        f"| naive nested quad (epsrel 1e-8), per bias point | {r['t_naive']:.3f} s "
        f"(min of {r['naive_repeat']} runs, mean over {r['n_naive']} points) |",
        f"| the reference baseline (../shared/bench), same points | "
        + (f"{r['t_shared']:.3f} s |" if np.isfinite(r["t_shared"]) else "not present |"),
        f"| symehp, backend=\"numpy\", 1000-point sweep | {r['t_sweep']:.3f} s "
        f"(min of {r['repeat']} runs) |",
        f"| symehp, backend=\"numpy\", per bias point | {per_point * 1e3:.3f} ms |",
        f"| speed-up per bias point, numpy backend | {r['t_naive'] / per_point:.0f}x |",
        f"| symehp, backend=\"numba\", 1000-point sweep | {r['t_numba']:.3f} s |",
        f"| symehp, backend=\"numba\", per bias point | {numba_point * 1e3:.3f} ms |",
        f"| speed-up per bias point, numba backend | {r['t_naive'] / numba_point:.0f}x |",
        f"| numba vs numpy, max rel. difference of J (V >= 0.1) | {r['engines_dev']:.1e} |",
        f"| symehp first call (cold caches), numpy | {r['first_call'] * 1e3:.0f} ms |",
        f"| first numba call in a new process (kernels from the disk cache) | "
        f"{r['first_numba'] * 1e3:.0f} ms |",
        f"| sweep vs rtol=1e-13, max rel. error (V >= 0.1) | J {r['sweep_err_J']:.1e}, "
        f"I {r['sweep_err_I']:.1e} (estimate <= {r['est_J']:.1e}) |",
        "",
        "| V | J (symehp) | rel. err J: symehp | naive | reference baseline | rel. err I: symehp |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in r["rows"]:
        lines.append(f"| {row['V']:.2f} | {row['J']:.12e} | {_rel(row['J'], row['ref_J'])} | "
                     f"{_rel(row['naive'], row['ref_J'])} | {_rel(row['shared'], row['ref_J'])} "
                     f"| {_rel(row['I'], row['ref_I'])} |")
    lines.append("")
    lines.append("Errors are relative to the mpmath path (symehp.transport(..., dps=30)).")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-points", type=int, default=3)
    parser.add_argument("--naive-repeat", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mp-points", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write benchmarks/results.md")
    args = parser.parse_args(argv)
    result = run(args.naive_points, args.naive_repeat, args.repeat, args.mp_points)
    text = report(result)
    print(text)
    if args.write:
        out = write_section(SECTION, "bench_eq8.py", text)
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
