"""Benchmark: the ``dps=`` path with Arb's polygamma (python-flint) against mpmath's (issue 9).

Model: the paper's two-level model (eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 =
0.2, m = 0.1, Omega = 1, gamma_ph = 0.05) at eV = 1.2 (mu_L = 0.6 = -mu_R),
T_e = T_ph = 0.05: one ``symehp.transport(..., dps=30)`` call.

* baseline: the same call with the digamma and polygamma of mpmath (today's main
  before this change: ``symehp.numeric.precise._flint = None``), the same J;
* Arb: python-flint's ``acb.digamma`` / ``acb.polygamma`` for those, everything
  else unchanged;
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
from symehp.numeric import poles, precise
from _common import machine, machine_line, write_section

SECTION = "High precision: dps= with Arb's polygamma (bench_precise.py)"
MODEL = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
POINT = dict(mu_L=0.6, mu_R=-0.6, T_e=0.05, T_ph=0.05)


def cold_call(model, dps, flint):
    """Seconds and result of one transport(dps=) call from a cold cache."""
    saved = precise._flint
    if not flint:
        precise._flint = None
    precise._PHI_MEMO.clear()
    poles._cached_mp.cache_clear()
    try:
        start = time.perf_counter()
        res = symehp.transport(model, **POINT, dps=dps)
        return time.perf_counter() - start, res
    finally:
        precise._flint = saved


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dps", type=int, default=30)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    if precise._flint is None:
        sys.exit("python-flint is not installed: pip install python-flint")
    model = symehp.two_level(**MODEL)
    t_base, base = cold_call(model, args.dps, flint=False)
    t_arb, arb = cold_call(model, args.dps, flint=True)
    with mp.workdps(args.dps + 10):
        rel = abs(arb.J - base.J) / abs(base.J)
    lines = [machine_line(machine(dps=args.dps)), "",
             "| route | s per bias point | J |", "|---|---|---|",
             f"| mpmath polygamma (baseline) | {t_base:.2f} | {mp.nstr(base.J, 20)} |",
             f"| Arb polygamma (python-flint) | {t_arb:.2f} | {mp.nstr(arb.J, 20)} |", "",
             f"speed-up {t_base / t_arb:.1f}x; |J_Arb - J_mpmath| / |J| = {mp.nstr(rel, 3)}"]
    text = "\n".join(lines)
    print(text)
    if rel > 1e-28:
        sys.exit(f"the two routes disagree: {mp.nstr(rel, 3)}")
    if args.write:
        write_section(SECTION, "bench_precise.py", text)


if __name__ == "__main__":
    main()
