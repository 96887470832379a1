"""Benchmark: currents with energy-dependent (chain) leads by route (issue 10).

Three routes of ``symehp.numeric.lead_currents.lead_transport``, in this process, one
after the other, same arguments (``route=`` is a private switch kept for this):

* lattice ("grid", the default where it serves): the trapezoidal rule in energy and
  frequency on one uniform lattice, the energy integrals at all frequency nodes as the
  diagonal sums of one dense product per channel and mode (``symehp.numeric.lead_grid``);
* mapped (the default before, and the fallback): square-root maps on the panels that end
  at a band edge, the breakpoints of all frequencies' energy integrals built in one
  vectorized pass, Chebyshev tables of ``G^r P`` and, with numba, one compiled kernel
  (``symehp.numeric.lead_panels``, ``lead_kernels``);
* former ("adaptive"): graded meshes at every band edge, per-frequency breakpoints in
  Python (two-site model only: 143 s at N = 10).

Models (rtol 1e-8, one bias point each, numba compiled before):

* two-site: ``tests/test_lead_currents._chain_model`` (H = [[0.5, 0.1], [0.1, -0.5]],
  chain leads t = 1 and t = 1.2 (onsite 0.2) on the two sites, one mode Omega = 1,
  gamma_ph = 0.05) at mu_L = -mu_R = 0.4, T_e = 0.05, T_ph = 0.08;
* N-site chain (N = 2, 10, 25, 50, 100): random onsite energies in [-0.3, 0.3], hoppings
  -1 +- 0.1, chain leads t = 1.5 coupled by 0.8 to the end sites, K = 3 modes
  (Omega = 0.2, 0.35, 0.5, gamma_ph = 0.02, random symmetric couplings of rms 0.014),
  mu_L = -mu_R = 0.3, T_e = 0.05, T_ph = 0.08; the mapped route up to ``--max-mapped``
  (default 25; 154 s per point at N = 25), beyond it the lattice against the same rule at
  half its spacing (at rtol 1e-10 the narrowest band-edge state, width 5e-8, would have
  to be resolved: the point would go to the quadratures); at N = 100 the lattice at
  h/2 exceeds its size limit (no check).  ``--max-n`` limits N.

The lattice must agree with the mapped route (or with the lattice at h/2) to 1e-8 (J,
I, every channel relative to the largest) where both ran; the script fails otherwise.

Run: python benchmarks/bench_leads.py [--write] [--max-n 100] [--max-mapped 25]
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
from symehp.numeric import lead_grid
from symehp.numeric.lead_kernels import COMPILED
from symehp.numeric.lead_spectra import LeadSpectra
from symehp.numeric.results import TransportResult
from symehp.numeric.quadrature import IntegrationWarning
from _common import machine, machine_line, report

SECTION = "Energy-dependent leads: one energy lattice vs energy quadratures (bench_leads.py)"
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


def difference_to_halved(model, out, mu_L, mu_R, T_e, T_ph):
    """``difference`` of ``out`` (the lattice at rtol 1e-8) to the same lattice rule at
    half the spacing (a convergence check where the quadratures take too long)."""
    num = model.numeric()
    spectra = LeadSpectra(num, mu_L, mu_R)
    plan = lead_grid.grid_plan(spectra, num, mu_L, mu_R, T_e, T_e, T_ph, 1e-8)
    fine = lead_grid._halved(plan, spectra)
    if fine is None:                                  # beyond the lattice's size limit
        return None
    values, error, _ = lead_grid._grid_round(spectra, num, fine, mu_L, mu_R, T_e, T_e, T_ph,
                                             1e-8, float(np.max(num.omega)), set(CHANNELS))
    energy_ref = float(np.max(num.omega))
    values[4:6] /= energy_ref
    ref = TransportResult.from_flows(values[None], np.array([error]), (), energy_ref, 1e-8)
    return difference(out, ref)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/results.md")
    parser.add_argument("--max-n", type=int, default=100)
    parser.add_argument("--max-mapped", type=int, default=25)
    args = parser.parse_args()
    info = machine(numba=COMPILED)
    kw2 = dict(mu_L=0.4, mu_R=-0.4, T_e=0.05, T_ph=0.08)
    model = two_site()
    for route in ("grid", "mapped"):                                         # warm up
        timed(model, route, mu_L=0.05, mu_R=-0.05, T_e=0.05, T_ph=0.08)
    t_grid = min(timed(model, "grid", **kw2)[0] for _ in range(5))
    _, grid = timed(model, "grid", **kw2)
    t_new = min(timed(model, "mapped", **kw2)[0] for _ in range(3))
    _, new = timed(model, "mapped", **kw2)
    t_old, old = timed(model, "adaptive", **kw2)
    diffs = [difference(grid, new), difference(new, old)]
    rows = [f"| two-site chain model | {t_old:.2f} | {t_new:.3f} | {t_grid:.3f} |"
            f" {t_new / t_grid:.1f}x | {diffs[0]:.1e} (mapped), {diffs[1]:.1e} (mapped vs former)"
            f" | {grid.error_J / abs(grid.J):.1e} |"]
    print(rows[-1], flush=True)
    kwn = dict(mu_L=0.3, mu_R=-0.3, T_e=0.05, T_ph=0.08)
    scale = []
    for n in (2, 10, 25, 50, 100):
        if n > args.max_n:
            break
        m = tight_binding(n)
        t_g, out_g = timed(m, "grid", **kwn)
        if n <= args.max_mapped:
            t_m, out_m = timed(m, "mapped", **kwn)
            d = difference(out_g, out_m)
            mapped, ratio, versus = f"{t_m:.2f}", f"{t_m / t_g:.1f}x", f"{d:.1e} (mapped)"
        else:
            d = difference_to_halved(m, out_g, **kwn)
            mapped, ratio = "not run", "-"
            versus = "- (h/2 beyond the size limit)" if d is None else f"{d:.1e} (lattice at h/2)"
            d = 0.0 if d is None else d
        diffs.append(d)
        rows.append(f"| N = {n} tight-binding chain, 3 modes | - | {mapped} | {t_g:.2f} |"
                    f" {ratio} | {versus} | {out_g.error_J / abs(out_g.J):.1e} |")
        scale.append((n, t_g))
        print(rows[-1], flush=True)
    growth = ", ".join(f"N = {n}: {t:.2f} s" for n, t in scale)
    lines = [
        machine_line(info),
        "",
        "rtol = 1e-8, one bias point, wall seconds per point, same process (Green's functions"
        " and tables computed inside the timed call; numba compiled before)",
        "",
        "| model | former route (s/point) | mapped route (s/point) | lattice (s/point) |"
        " lattice vs mapped | largest difference (J, I, J_ab) | error_J / J (lattice) |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Cost of the lattice vs N (tight-binding chain): {growth}.",
        f"Targets of issue 10: two-site <= 0.1 s per point (lattice: {t_grid:.3f} s) and"
        f" N = 50 <= 5 s per point (row above).",
    ]
    text = "\n".join(lines)
    return report(text, max(diffs), 1e-8, SECTION, "bench_leads.py", args.write)


if __name__ == "__main__":
    sys.exit(main())
