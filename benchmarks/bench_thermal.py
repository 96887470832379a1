"""Benchmark: thermally biased electrodes (T_L != T_R), Fermi pole sums against the nested quadrature (issue 9).

At unequal electrode temperatures ``Pi^<`` of the inter-electrode channels has no
digamma closed form.  Two routes of ``symehp.transport``, in this process, one after
the other, same arguments:

* baseline: today's nested energy quadrature of ``Pi^<`` at every frequency node
  (``symehp.numeric.spectra.TWO_TEMPERATURE_ROUTE = "quadrature"``, the route of main
  before the pole sums);
* closed form: ``f(., T_L) - f(., T_R)`` as Fermi pole sums (the default, "poles").

Models:

* two-level: the paper's model (eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 = 0.2,
  m = 0.1, Omega = 1, gamma_ph = 0.05), a 100-point bias sweep eV = 0 .. 1.5 at
  T_L = 0.05, T_R = 0.15, T_ph = 0.1 (one vectorized call).  The baseline runs
  every 10th point of the same sweep (10 points, one vectorized call): its time
  per point is the sample's;
* three-level two-mode: ``tests/_shared.three_level_model()`` (hopping,
  non-diagonal complex broadenings and couplings) at eV = 0.2, 0.5, 0.8.

Both routes must agree to 1e-10 (J, I and every channel's J_ab) on the points
both computed; the script fails otherwise.

Run: python benchmarks/bench_thermal.py [--write]
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import symehp
from symehp.numeric import spectra
from _common import machine, machine_line, report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import _shared  # noqa: E402

SECTION = "Thermal bias: T_L != T_R by Fermi pole sums (bench_thermal.py)"
TWO = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
TEMPS = dict(T_L=0.05, T_R=0.15, T_ph=0.1)
CHANNELS = ("LL", "RR", "RL", "LR")


def run(model, V, route):
    """Seconds and result of one vectorized transport call through ``route``."""
    saved = spectra.TWO_TEMPERATURE_ROUTE
    spectra.TWO_TEMPERATURE_ROUTE = route
    try:
        t0 = time.perf_counter()
        out = symehp.transport(model, mu_L=V / 2, mu_R=-V / 2, progress=False, **TEMPS)
        return time.perf_counter() - t0, out
    finally:
        spectra.TWO_TEMPERATURE_ROUTE = saved


def worst_difference(a, b, index=slice(None)):
    """Largest relative difference of J, I and the channels (relative to the largest channel)."""
    rel = [np.max(np.abs(a.J[index] - b.J) / np.abs(b.J)),
           np.max(np.abs(a.I[index] - b.I) / np.abs(b.I))]
    largest = np.max([np.abs(b.J_by_channel[c]) for c in CHANNELS], axis=0)
    rel += [np.max(np.abs(a.J_by_channel[c][index] - b.J_by_channel[c]) / largest)
            for c in CHANNELS]
    return max(rel)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/results.md")
    args = parser.parse_args()
    info = machine()
    two = symehp.two_level(**TWO)
    # warm up both routes (pole expansion, caches) on a point of neither sweep
    run(two, np.array([0.05]), "poles")
    run(two, np.array([0.05]), "quadrature")
    V = np.linspace(0.0, 1.5, 100)
    t_poles, poles_out = run(two, V, "poles")
    sample = slice(0, None, 10)
    t_quad, quad_out = run(two, V[sample], "quadrature")
    diff_two = worst_difference(poles_out, quad_out, sample)
    per_poles, per_quad = t_poles / V.size, t_quad / V[sample].size

    three = _shared.three_level_model()
    V3 = np.array([0.2, 0.5, 0.8])
    run(three, np.array([0.05]), "poles")
    t3_poles, out3_poles = run(three, V3, "poles")
    t3_quad, out3_quad = run(three, V3, "quadrature")
    diff_three = worst_difference(out3_poles, out3_quad)

    lines = [
        machine_line(info),
        "",
        f"T_L = {TEMPS['T_L']}, T_R = {TEMPS['T_R']}, T_ph = {TEMPS['T_ph']}; per bias point,"
        " same run, both routes warmed up",
        "",
        "| model | nested quadrature (s/point) | Fermi pole sums (s/point) | speed-up |"
        " largest difference (J, I, J_ab) |",
        "|---|---|---|---|---|",
        f"| two-level, 100-point sweep (baseline: its 10-point sample) | {per_quad:.3f} |"
        f" {per_poles * 1e3:.1f} ms | {per_quad / per_poles:.0f}x | {diff_two:.1e} |",
        f"| three-level two-mode, 3 points | {t3_quad / V3.size:.2f} |"
        f" {t3_poles / V3.size:.3f} | {t3_quad / t3_poles:.0f}x | {diff_three:.1e} |",
    ]
    text = "\n".join(lines)
    return report(text, max(diff_two, diff_three), 1e-10, SECTION, "bench_thermal.py", args.write)


if __name__ == "__main__":
    sys.exit(main())
