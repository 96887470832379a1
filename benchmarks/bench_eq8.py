"""Benchmark: Eq. (8) for the two-level model, symehp vs a naive nested quadrature.

Model (issue 3): eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 = 0.2, m = 0.1,
Omega = 1, gamma_ph = 0.05, T_e = T_ph = 0.05, mu_L = V/2 = -mu_R.  (It sits
on the paper's resonance: gamma1 = gamma2 and eps1 - eps2 = Omega, so the
coincident-pole limits of the closed forms are exercised where A_ph peaks.)

* naive baseline, written the way a physicist would: scipy.integrate.quad over
  omega (breakpoints at Omega and eV) of an inner scipy quad over eps of
  tr[M A_a M A_b] [f_a (1 - f_b) - (f_b - f_a) n_B(omega, T_ph)], with A from
  np.linalg.inv, summed over the four channels, epsrel = 1e-8;
* symehp's default path (``symehp.transport``, rtol 1e-10) for a J(V) sweep of
  1000 bias points in [0, 2];
* references: the mpmath path (``symehp.transport(..., dps=30)``) at a few bias
  points, and a tight symehp run (rtol = 1e-13) over the whole sweep.

Timings are wall-clock minima over repeated runs (the machine is shared), in
this one process: the sweep ``--repeat`` times, each naive point
``--naive-repeat`` times (min per point, then the mean over the points).  The
first call (cold caches: pole expansion of the model) is timed separately;
the default path is pure NumPy/SciPy, with no compile step.

Run: python benchmarks/bench_eq8.py [--naive-points N] [--mp-points N] [--write]
``--write`` also writes benchmarks/results.md.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import quad

import symehp

PARAMS = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
T = 0.05
SWEEP = np.linspace(0.0, 2.0, 1000)
CHECK = (0.6, 1.0, 1.6)          # bias points of the naive baseline and the mpmath references


def naive_energy_current(model, mu_L, mu_R, T_e, T_ph, epsrel=1e-8):
    """Eq. (8) by nested scipy quad, the way one would first write it."""
    nm = model.numeric()
    sigma = -0.5j * (nm.gamma_L + nm.gamma_R)
    gam = {"L": nm.gamma_L, "R": nm.gamma_R}
    mus = {"L": mu_L, "R": mu_R}
    M = nm.M[0]
    w0, g = nm.omega[0], nm.gamma_ph[0]

    def spectral(a, e):
        G = np.linalg.inv(e * np.eye(nm.N) - nm.H - sigma)
        return G @ gam[a] @ G.conj().T

    def fermi(x, t):
        return 0.5 * (1 - np.tanh(x / (2 * t)))

    def a_ph(w):
        return 2 * w * g / ((w**2 - w0**2) ** 2 + (w * g) ** 2)

    total = 0.0
    for a in "LR":
        for b in "LR":
            mu_ab = mus[a] - mus[b]

            def inner(w):
                n_ph = 1.0 / np.expm1(w / T_ph)

                def integrand(e):
                    k = np.trace(M @ spectral(a, e) @ M @ spectral(b, e - w)).real / (2 * np.pi)
                    fa, fb = fermi(e - mus[a], T_e), fermi(e - w - mus[b], T_e)
                    return k * (fa * (1 - fb) - (fb - fa) * n_ph)

                pts = sorted({mus[a], mus[b] + w, 0.5, -0.5, 0.5 + w, -0.5 + w})
                val = quad(integrand, -20, 20, points=pts, epsrel=epsrel, limit=200)[0]
                return w * val * a_ph(w) / (2 * np.pi)

            pts = sorted(x for x in {w0, abs(mu_ab), w0 - 5 * g, w0 + 5 * g} if 0 < x < 4)
            total += quad(inner, 1e-9, 4.0, points=pts, epsrel=epsrel, limit=200)[0]
    return total


def _min_time(func, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "load": load}


def _transport(model, V, **kw):
    return symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, T_e=T, T_ph=T, **kw)


def run(naive_points, naive_repeat, repeat, mp_points):
    model = symehp.two_level(**PARAMS)
    machine = _machine()

    t0 = time.perf_counter()                   # cold: pole expansion, caches
    _transport(model, np.array([1.0]))
    first_call = time.perf_counter() - t0

    t_sweep = _min_time(lambda: _transport(model, SWEEP), repeat)
    default = _transport(model, SWEEP)
    tight = _transport(model, SWEEP, rtol=1e-13)
    on = SWEEP >= 0.1                          # at V -> 0 the currents vanish (equilibrium)
    sweep_err_J = np.max(np.abs(default.J - tight.J)[on] / np.abs(tight.J[on]))
    sweep_err_I = np.max(np.abs(default.I - tight.I)[on] / np.abs(tight.I[on]))
    est_J = np.max(default.error_J[on] / np.abs(default.J[on]))

    check = np.array(CHECK[:max(naive_points, mp_points)])
    naive_times, naive_J = [], []
    for v in check[:naive_points]:
        naive_times.append(_min_time(lambda v=v: naive_J.append(
            naive_energy_current(model, v / 2, -v / 2, T, T)), naive_repeat))
    naive_J = naive_J[::naive_repeat]
    t_naive = float(np.mean(naive_times)) if naive_times else float("nan")

    rows = []
    for i, v in enumerate(check):
        res = _transport(model, np.array([v]))
        mp_res = _transport(model, v, dps=30) if i < mp_points else None
        ref_J = float(mp_res.J) if mp_res is not None else None
        ref_I = float(mp_res.I) if mp_res is not None else None
        rows.append(dict(V=v, J=float(res.J[0]), I=float(res.I[0]), ref_J=ref_J, ref_I=ref_I,
                         naive=naive_J[i] if i < len(naive_J) else None))
    return dict(machine=machine, first_call=first_call, t_sweep=t_sweep, t_naive=t_naive,
                n_naive=len(naive_times), repeat=repeat, naive_repeat=naive_repeat,
                sweep_err_J=sweep_err_J, sweep_err_I=sweep_err_I, est_J=est_J, rows=rows)


def _rel(x, ref):
    return "-" if x is None or ref is None else f"{abs(x - ref) / abs(ref):.1e}"


def report(r):
    per_point = r["t_sweep"] / SWEEP.size
    m = r["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, NumPy {m['numpy']}, "
        f"SciPy {m['scipy']}; load average at start {m['load']:.2f}",
        "",
        "| quantity | value |",
        "| --- | --- |",
        f"| naive nested quad (epsrel 1e-8), per bias point | {r['t_naive']:.2f} s "
        f"(min of {r['naive_repeat']} runs, mean over {r['n_naive']} points) |",
        f"| symehp default, 1000-point sweep | {r['t_sweep']:.3f} s (min of {r['repeat']} runs) |",
        f"| symehp default, per bias point | {per_point * 1e3:.3f} ms |",
        f"| speed-up per bias point | {r['t_naive'] / per_point:.0f}x |",
        f"| symehp first call (cold caches; no compile step) | {r['first_call'] * 1e3:.0f} ms |",
        f"| sweep vs rtol=1e-13, max rel. error (V >= 0.1) | J {r['sweep_err_J']:.1e}, "
        f"I {r['sweep_err_I']:.1e} (estimate <= {r['est_J']:.1e}) |",
        "",
        "| V | J (symehp) | rel. err J: symehp | naive | rel. err I: symehp |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in r["rows"]:
        lines.append(f"| {row['V']:.2f} | {row['J']:.12e} | {_rel(row['J'], row['ref_J'])} | "
                     f"{_rel(row['naive'], row['ref_J'])} | {_rel(row['I'], row['ref_I'])} |")
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
        out = Path(__file__).with_name("results.md")
        out.write_text("# Eq. (8) benchmark (issue 3)\n\n"
                       "Produced by `python benchmarks/bench_eq8.py --write`; see the script's "
                       "docstring for the model and the method.\n\n" + text + "\n")
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
