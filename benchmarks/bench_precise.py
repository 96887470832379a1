"""Benchmark: the ``dps=`` path with Arb's polygamma (python-flint) against mpmath's (issue 9).

Model: the paper's two-level model (eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 =
0.2, m = 0.1, Omega = 1, gamma_ph = 0.05) at eV = 1.2 (mu_L = 0.6 = -mu_R),
T_e = T_ph = 0.05: one ``symehp.transport(..., dps=30)`` call.

* baseline: the same call with the digamma and polygamma of mpmath and the pair
  sums in mpmath (main before python-flint: ``symehp.numeric.mp.spectra._flint = None``),
  the same J;
* Arb polygamma: python-flint's ``acb.digamma`` / ``acb.polygamma`` for those, the
  pair sums still in mpmath (``precise.ARB_PAIR_SUMS = False``);
* Arb pair sums: the equal-temperature pole-pair sums in Arb too (the default);
* both start cold (the memo of Phi values and the cached mpmath expansions
  cleared), in this process, one after the other; they must agree to 1e-28 of J.

Run: python benchmarks/bench_precise.py [--dps 30] [--write]
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import sys
import time

import mpmath as mp

import symehp
from symehp.numeric import poles
from symehp.numeric.mp import spectra as precise
from _common import machine, machine_line, write_section

SECTION = "High precision: dps= with Arb's polygamma (bench_precise.py)"
MODEL = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
POINT = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)


def cold_call(model, dps, flint, pair_sums=True):
    """Seconds and result of one transport(dps=) call from a cold cache."""
    saved, saved_pairs = precise._flint, precise.ARB_PAIR_SUMS
    if not flint:
        precise._flint = None
    precise.ARB_PAIR_SUMS = pair_sums
    precise._PHI_MEMO.clear()
    precise._ARB_CACHE.clear()
    poles._cached_mp.cache_clear()
    try:
        start = time.perf_counter()
        res = symehp.transport(model, **POINT, dps=dps)
        return time.perf_counter() - start, res
    finally:
        precise._flint, precise.ARB_PAIR_SUMS = saved, saved_pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dps", type=int, default=30)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    if precise._flint is None:
        sys.exit("python-flint is not installed: pip install python-flint")
    model = symehp.two_level(**MODEL)
    t_base, base = cold_call(model, args.dps, flint=False)
    t_poly, poly = cold_call(model, args.dps, flint=True, pair_sums=False)
    t_arb, arb = cold_call(model, args.dps, flint=True)
    with mp.workdps(args.dps + 10):
        rel = max(abs(x.J - base.J) / abs(base.J) for x in (poly, arb))
    lines = [machine_line(machine(dps=args.dps)), "",
             "| route | s per bias point | speed-up | J |", "|---|---|---|---|",
             f"| mpmath (baseline) | {t_base:.2f} | 1 | {mp.nstr(base.J, 20)} |",
             f"| Arb polygamma, mpmath pair sums | {t_poly:.2f} | {t_base / t_poly:.1f}x |"
             f" {mp.nstr(poly.J, 20)} |",
             f"| Arb polygamma and pair sums (default) | {t_arb:.2f} | {t_base / t_arb:.1f}x |"
             f" {mp.nstr(arb.J, 20)} |", "",
             f"largest |J - J_mpmath| / |J| = {mp.nstr(rel, 3)}"]
    text = "\n".join(lines)
    print(text)
    if rel > 1e-28:
        sys.exit(f"the two routes disagree: {mp.nstr(rel, 3)}")
    if args.write:
        write_section(SECTION, "bench_precise.py", text)


if __name__ == "__main__":
    main()
