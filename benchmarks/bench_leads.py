"""Benchmark: currents with energy-dependent (chain) leads, mapped panels against the former route (issue 10).

Two routes of ``symehp.numeric.lead_currents.lead_transport``, in this process, one
after the other, same arguments (``route=`` is a private switch kept for this):

* former ("adaptive"): graded meshes (ratio 4 from 1e-8 of the band width) at every
  band edge in energy and at every band/Fermi-edge crossing in frequency, breakpoints
  built per frequency in Python, barycentric interpolation of the Chebyshev tables in
  NumPy;
* mapped (the default): square-root maps on the panels that end at a band edge (and at
  a frequency where two band edges meet) instead of graded meshes, the breakpoints of
  all frequencies' energy integrals built in one vectorized pass
  (``symehp.numeric.lead_panels``), and, with numba installed, one compiled loop for
  both tables' interpolations (Clenshaw sums) and the kernel
  ``K = tr[M A_a(e) M A_b(e - w)]`` (``symehp.numeric.lead_kernels``).

Models (rtol 1e-8, one bias point each, tables warmed up once, numba compiled):

* two-site: ``tests/test_lead_currents._chain_model`` (H = [[0.5, 0.1], [0.1, -0.5]],
  chain leads t = 1 and t = 1.2 (onsite 0.2) on the two sites, one mode Omega = 1,
  gamma_ph = 0.05) at mu_L = -mu_R = 0.4, T_e = 0.05, T_ph = 0.08;
* N-site chain (N = 2, 10, 25, 50): random onsite energies in [-0.3, 0.3], hoppings
  -1 +- 0.1, chain leads t = 1.5 coupled by 0.8 to the end sites, K = 3 modes
  (Omega = 0.2, 0.35, 0.5, gamma_ph = 0.02, random symmetric couplings of rms 0.014),
  mu_L = -mu_R = 0.3, T_e = 0.05, T_ph = 0.08; the former route only at N <= 10.
  ``--max-n`` limits N (each point is one process-wide run; N = 50 takes long).

Both routes must agree to 1e-8 (J, I, every channel relative to the largest) where
both ran; the script fails otherwise.

Run: python benchmarks/bench_leads.py [--write] [--max-n 50]
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import sys
import time
import warnings

import numpy as np

import symehp
from symehp import leads
from symehp.numeric.lead_currents import lead_transport
from symehp.numeric.lead_kernels import COMPILED
from symehp.numeric.quadrature import IntegrationWarning
from _common import machine, machine_line, report

SECTION = "Energy-dependent leads: mapped panels vs graded meshes (bench_leads.py)"
CHANNELS = ("LL", "RR", "RL", "LR")


def two_site():
    return symehp.Junction(np.array([[0.5, 0.1], [0.1, -0.5]]),
                           lead_L=leads.chain(1.0, coupling=[0.6, 0.0]),
                           lead_R=leads.chain(1.2, onsite=0.2, coupling=[0.0, 0.5]),
                           M=[[0.0, 0.1], [0.1, 0.0]], omega=1.0, gamma_ph=0.05)


def tight_binding(n, k=3, seed=1):
    rng = np.random.default_rng(seed)
    h = np.diag(rng.uniform(-0.3, 0.3, n)) + np.diag(-(1.0 + 0.1 * rng.uniform(-1, 1, n - 1)), 1)
    h = h + np.triu(h, 1).T
    vl, vr = np.zeros(n), np.zeros(n)
    vl[0] = vr[-1] = 0.8
    m = []
    for _ in range(k):
        a = rng.normal(size=(n, n)) * 0.02
        m.append((a + a.T) / 2)
    return symehp.Junction(h, lead_L=leads.chain(1.5, coupling=vl),
                           lead_R=leads.chain(1.5, coupling=vr), M=np.array(m),
                           omega=np.array([0.2, 0.35, 0.5])[:k], gamma_ph=np.full(k, 0.02))


def timed(model, route, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        t0 = time.perf_counter()
        out = lead_transport(model, rtol=1e-8, route=route, **kw)
        return time.perf_counter() - t0, out


def difference(a, b):
    big = max(abs(b.J_by_channel[c]) for c in CHANNELS)
    return max([abs(a.J - b.J) / abs(b.J), abs(a.I - b.I) / abs(b.I)]
               + [abs(a.J_by_channel[c] - b.J_by_channel[c]) / big for c in CHANNELS])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/results.md")
    parser.add_argument("--max-n", type=int, default=50)
    args = parser.parse_args()
    info = machine(numba=COMPILED)
    kw2 = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    model = two_site()
    timed(model, "mapped", mu_L=0.05, mu_R=-0.05, T_e=0.05, T_ph=0.08)      # compile, warm up
    t_new = min(timed(model, "mapped", **kw2)[0] for _ in range(3))
    _, new = timed(model, "mapped", **kw2)
    t_old, old = timed(model, "adaptive", **kw2)
    diffs = [difference(new, old)]
    rows = [f"| two-site chain model | {t_old:.2f} | {t_new:.3f} | {t_old / t_new:.0f}x |"
            f" {diffs[0]:.1e} | {new.error_J / abs(new.J):.1e} |"]
    kwn = dict(mu_L=0.3, mu_R=-0.3, T_e=0.05, T_ph=0.08)
    scale = []
    for n in (2, 10, 25, 50):
        if n > args.max_n:
            break
        m = tight_binding(n)
        t_n, out_n = timed(m, "mapped", **kwn)
        if n <= 10:
            t_o, out_o = timed(m, "adaptive", **kwn)
            d = difference(out_n, out_o)
            diffs.append(d)
            rows.append(f"| N = {n} tight-binding chain, 3 modes | {t_o:.2f} | {t_n:.2f} |"
                        f" {t_o / t_n:.0f}x | {d:.1e} | {out_n.error_J / abs(out_n.J):.1e} |")
        else:
            rows.append(f"| N = {n} tight-binding chain, 3 modes | not run | {t_n:.1f} | - | - |"
                        f" {out_n.error_J / abs(out_n.J):.1e} |")
        scale.append((n, t_n))
        print(rows[-1], flush=True)
    growth = ", ".join(f"N = {n}: {t:.2f} s" for n, t in scale)
    lines = [
        machine_line(info),
        "",
        "rtol = 1e-8, one bias point, wall seconds per point, same process (tables built"
        " inside the timed call; numba compiled before)",
        "",
        "| model | former route (s/point) | mapped route (s/point) | speed-up |"
        " largest difference (J, I, J_ab) | error_J / J (mapped) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Cost of the mapped route vs N (tight-binding chain): {growth}.",
        "Targets of issue 10: two-site <= 0.1 s per point and N = 50 <= 5 s per point; compare"
        " the rows above (not met by this route: see the report of issue 10).",
    ]
    text = "\n".join(lines)
    return report(text, max(diffs), 1e-8, SECTION, "bench_leads.py", args.write)


if __name__ == "__main__":
    sys.exit(main())
