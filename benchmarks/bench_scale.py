"""Benchmark (issue 13): how the pole expansion and a bias point scale with N and K.

Model (issue 13): a weakly disordered metallic chain of N sites (hopping 1,
onsite energies uniform in +-0.1), wide-band broadenings 0.2-0.8 on the four end
sites of each side, K modes each coupling a random 3-site block (couplings 0.05),
mode frequencies 0.05-0.4, gamma_ph = 0.01, T_e = T_ph = 0.025, bias 0.9.
The models are Junctions of NumPy arrays (no SymPy: ``bench_model_build.py``
measures that route).

Measured, in this one process:

* the pole expansion, today's rank-one construction (``symehp.numeric.poles``)
  against the construction of main before issue 13 (kept here verbatim as
  ``baseline_expansion``: projectors ``P_j``, an N^4 array ``P_j Gamma P_k^+``
  and the K x K x P x P traces by one unoptimized 4-operand einsum), at the N
  where the baseline fits in memory and time;
* the arrays each holds (bytes), up to N = 200, K = 50 for today's;
* the cost of one bias point (``symehp.transport``, rtol 1e-8, cold caches
  excluded) with each engine (``backend="numpy"`` and ``"numba"``) against N
  (K = 1, N = 8-200) and K (N = 64, K = 1-50), with fitted exponents, and the
  issue's N = 120, K = 20 and N = 200, K = 50 models, with the peak RSS.

Run: python benchmarks/bench_scale.py [--max-n N] [--max-k K] [--write]
(``--max-n 200 --max-k 50`` for the full table: about 10 minutes.)
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import resource
import sys

import numpy as np

import symehp
from _common import machine, machine_line, min_time, write_section
from symehp.numeric import poles as poles_module


def chain_model(n, k, seed=0):
    """The issue's disordered chain with local modes (a Junction of NumPy arrays)."""
    rng = np.random.default_rng(seed)
    h = np.diag(rng.uniform(-0.1, 0.1, n)).astype(complex)
    h += np.diag(np.ones(n - 1), 1) + np.diag(np.ones(n - 1), -1)
    g_l = np.zeros((n, n), complex)
    g_r = np.zeros((n, n), complex)
    ends = min(4, n)
    for j in range(ends):
        g_l[j, j] = rng.uniform(0.2, 0.8)
        g_r[n - 1 - j, n - 1 - j] = rng.uniform(0.2, 0.8)
    m = np.zeros((k, n, n), complex)
    width = min(3, n)
    for i in range(k):
        s = int(rng.integers(0, n - width + 1))
        a = rng.normal(size=(width, width))
        m[i, s:s + width, s:s + width] = 0.05 * (a + a.T) / 2
    return symehp.Junction(h, g_l, g_r, m, np.linspace(0.05, 0.4, k), np.full(k, 0.01))


def baseline_expansion(model):
    """Main before issue 13: O(N^4) memory for the residues, O(K^2 N^2) traces."""
    h_eff = model.H - 0.5j * (model.gamma_L + model.gamma_R)
    z, right = np.linalg.eig(h_eff)
    scale = max(1.0, float(np.abs(h_eff).max()))
    keep = z.imag < -1e-13 * scale
    left = np.linalg.inv(right)
    z, right, left = z[keep], right[:, keep], left[keep, :]
    proj = np.einsum("ij,jk->jik", right, left)
    gap = z[:, None] - z.conj()[None, :]
    residues = {}
    for name, gamma in (("L", model.gamma_L), ("R", model.gamma_R)):
        c = np.einsum("jab,bc,kdc->jkad", proj, gamma, proj.conj())
        upper = np.einsum("jkad,jk->jad", c, 1.0 / gap)
        residues[name] = np.concatenate([upper, upper.conj().transpose(0, 2, 1)])
    traces = {}
    for a in "LR":
        for b in "LR":
            traces[(a, b)] = np.einsum("mij,pjk,nkl,qli->mnpq", model.M, residues[a],
                                       model.M, residues[b])
    held = sum(x.nbytes for x in residues.values()) + sum(x.nbytes for x in traces.values())
    return traces, held + c.nbytes


def new_expansion(model):
    exp = poles_module._cached.__wrapped__(model.key, model)
    held = sum(x.nbytes for d in (exp.u, exp.v, exp.couplings) for x in d.values())
    return exp, held


def time_point(n, k, lines, engines=("numpy", "numba")):
    """Seconds for one bias point of the chain model per engine (after a first, cold
    call, which also compiles or loads the numba kernels), and the process's peak RSS."""
    model = chain_model(n, k)
    times = {}
    for engine in engines:
        symehp.transport(model, mu_L=0.45, mu_R=-0.45, T_e=0.025, T_ph=0.025, rtol=1e-8,
                         backend=engine)
        times[engine], _ = min_time(lambda: symehp.transport(
            model, mu_L=0.44, mu_R=-0.46, T_e=0.025, T_ph=0.025, rtol=1e-8, backend=engine), 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20     # KiB -> GiB
    cells = " | ".join(f"{times[e]:.3g}" for e in engines)
    ratio = times["numpy"] / times["numba"] if len(engines) == 2 else float("nan")
    row = f"| {n} | {k} | {cells} | {ratio:.2f}x | {peak:.2f} |"
    print(row, flush=True)
    lines.append(row)
    return times


def fit_exponent(xs, ts):
    xs, ts = np.log(np.asarray(xs, float)), np.log(np.asarray(ts, float))
    return float(np.polyfit(xs, ts, 1)[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-n", type=int, default=64, help="largest N of the bias-point timing")
    ap.add_argument("--max-k", type=int, default=10, help="largest K of the bias-point timing")
    ap.add_argument("--write", action="store_true", help="append the tables to results.md")
    args = ap.parse_args(argv)
    lines = [machine_line(machine()), "",
             "Pole expansion: build time and memory held", "",
              "| N | K | rank-one build | held | baseline (main before) build | baseline held |"
              " ratio |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for n, k in ((8, 1), (16, 1), (24, 2), (32, 1), (64, 10), (120, 20), (200, 50)):
        model = chain_model(n, k).numeric()
        t_new, (exp, held_new) = min_time(lambda: new_expansion(model), 3 if n < 100 else 1)
        if n <= 24:
            t_old, (traces, held_old) = min_time(lambda: baseline_expansion(model), 1)
            # the two agree (the traces are the same numbers)
            for key, full in traces.items():
                dev = np.abs(exp.traces[key] - full).max() / max(np.abs(full).max(), 1e-300)
                assert dev < 1e-10, (n, key, dev)
            old = (f"{t_old * 1e3:.1f} ms", f"{held_old / 2**20:.1f} MiB",
                   f"{t_old / t_new:.0f}x")
        else:
            # the N^4 array P_j Gamma P_k^+, the (P, N, N) residues, the K^2 P^2 traces
            est = (n ** 4 + 2 * 2 * n * n * n + 4 * k * k * (2 * n) ** 2) * 16
            old = ("not run", f"~{est / 2**30:.1f} GiB (estimate)", "-")
        row = (f"| {n} | {k} | {t_new * 1e3:.1f} ms | {held_new / 2**20:.1f} MiB | {old[0]} | "
               f"{old[1]} | {old[2]} |")
        print(row, flush=True)
        lines.append(row)

    lines += ["", "One bias point (transport, rtol 1e-8, V = 0.9, T = 0.025), seconds per "
              "point by engine; peak RSS of the process so far", "",
              "| N | K | numpy | numba | numpy / numba | peak RSS (GiB) |",
              "| --- | --- | --- | --- | --- | --- |"]
    ns = [n for n in (8, 16, 32, 64, 120, 200) if n <= args.max_n]
    tn = [time_point(n, 1, lines) for n in ns]
    ks = [k for k in (1, 5, 10, 20, 50) if k <= args.max_k]
    tk = [time_point(64, k, lines) for k in ks]
    big = [(n, k) for n, k in ((120, 20), (200, 50)) if n <= args.max_n and k <= args.max_k]
    for n, k in big:
        time_point(n, k, lines)
    lines.append("")
    for engine in ("numpy", "numba"):
        lines.append(
            f"fitted exponents ({engine}): cost ~ N^{fit_exponent(ns, [t[engine] for t in tn]):.2f}"
            f" (K = 1, N = {ns[0]}-{ns[-1]}), ~ K^{fit_exponent(ks, [t[engine] for t in tk]):.2f}"
            f" (N = 64, K = {ks[0]}-{ks[-1]})")
    lines.append("")
    print("\n".join(lines[-3:]))
    if args.write:
        out = write_section("Scale: pole expansion and bias points vs N and K (issue 13)",
                            "bench_scale.py", "\n".join(lines))
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
