"""Benchmark: building a Junction and its arrays, numeric route vs SymPy route (issue 13).

Model: random, N levels and K modes, every matrix complex: Hermitian H and M^k
(entries of order 1 and 0.1), rank-deficient positive semi-definite Gamma_L
(rank N/2) and Gamma_R (rank 1), Omega_k in [0.5, 2], gamma_ph,k in [0, 0.1].

* numeric route (plain numbers in, checked in NumPy, no SymPy object made):
  ``symehp.Junction(H, gamma_L, gamma_R, M, omega, gamma_ph).numeric()`` from
  NumPy arrays at N = 8, 32, 200 (K = 1) and N = 200, K = 50, and from nested
  lists at N = 200, K = 50;
* SymPy route, what every numeric model took before issue 13: the same call
  with ``sympy.Matrix(H.tolist())`` etc. (the conversion is timed with it, as it
  was then done inside Junction) at N = 8 and N = 32;
* the first access of ``model.H`` of a numeric model (the SymPy matrix is made
  then, once) at N = 32.

Both routes give the same bits in ``numeric()``; the script checks it at
N = 8 and 32.  Timings are wall-clock minima over ``--repeat`` runs (the
SymPy route at N = 32 once: it takes tens of seconds) in this one process.
On a loaded machine multi-threaded OpenBLAS can be far slower than one
thread for the 200 x 200 ``eigvalsh`` of the positivity checks; the machine
line records ``OPENBLAS_NUM_THREADS``.

Run: python benchmarks/bench_model_build.py [--repeat N] [--write]
``--write`` adds (or replaces) this benchmark's section in benchmarks/results.md,
one section per ``OPENBLAS_NUM_THREADS`` setting.
"""

import argparse
import sys
import time

import numpy as np
import sympy as sp

import symehp
from _common import machine, machine_line, min_time, write_section

SIZES = ((8, 1), (32, 1), (200, 1), (200, 50))   # (N, K) of the numeric route
SYMPY_SIZES = ((8, 1), (32, 1))                 # (N, K) of the SymPy route
SECTION = "Model build, numeric vs SymPy route (issue 13)"


def random_model(n, k, seed=0):
    """Arguments of a random complex model with N = n levels and K = k modes."""
    rng = np.random.default_rng(seed)

    def hermitian(scale):
        a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return scale * (a + a.conj().T) / 2

    def broadening(rank):
        v = rng.normal(size=(n, rank)) + 1j * rng.normal(size=(n, rank))
        return 0.3 * v @ v.conj().T

    return dict(H=hermitian(1.0), gamma_L=broadening(max(1, n // 2)), gamma_R=broadening(1),
                M=np.array([hermitian(0.1) for _ in range(k)]), omega=rng.uniform(0.5, 2.0, k),
                gamma_ph=rng.uniform(0.0, 0.1, k))


def build_numeric(args):
    return symehp.Junction(**args).numeric()


def build_sympy(args):
    """The SymPy route: the matrices given as SymPy, as every model was read before issue 13."""
    def mat(a):
        return sp.Matrix(a.tolist())
    return symehp.Junction(mat(args["H"]), mat(args["gamma_L"]), mat(args["gamma_R"]),
                           [mat(m) for m in args["M"]], args["omega"].tolist(),
                           args["gamma_ph"].tolist()).numeric()


def as_lists(args):
    return {name: np.asarray(value).tolist() for name, value in args.items()}


def _same_bits(a, b):
    return all(getattr(a, f).tobytes() == getattr(b, f).tobytes()
               for f in ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph"))


def run(repeat):
    info = machine(sympy=sp.__version__)
    numeric, sympy_route, same = {}, {}, {}
    for n, k in SIZES:
        args = random_model(n, k)
        numeric[(n, k)] = min_time(lambda: build_numeric(args), repeat)
    n, k = SIZES[-1]
    lists = as_lists(random_model(n, k))
    t_lists = min_time(lambda: build_numeric(lists), max(1, repeat // 2))[0]
    for n, k in SYMPY_SIZES:
        args = random_model(n, k)
        sympy_route[(n, k)] = min_time(lambda: build_sympy(args), repeat if n <= 8 else 1)
        same[(n, k)] = _same_bits(numeric[(n, k)][1], sympy_route[(n, k)][1])
    model = symehp.Junction(**random_model(32, 1))
    t0 = time.perf_counter()
    model.H
    t_lazy = time.perf_counter() - t0
    return dict(machine=info, repeat=repeat, numeric={key: t for key, (t, _) in numeric.items()},
                sympy={key: t for key, (t, _) in sympy_route.items()}, same=same,
                lists=t_lists, lazy=t_lazy)


def _ms(t):
    return f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


def report(r):
    m = r["machine"]
    lines = [
        machine_line(m),
        "",
        "| N | K | numeric route (arrays) | SymPy route | ratio | same bits |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for n, k in SIZES:
        t_num = r["numeric"][(n, k)]
        t_sym = r["sympy"].get((n, k))
        ratio = f"{t_sym / t_num:.0f}x" if t_sym is not None else "-"
        same = {True: "yes", False: "NO"}.get(r["same"].get((n, k)), "-")
        lines.append(f"| {n} | {k} | {_ms(t_num)} | {_ms(t_sym) if t_sym else '-'} | {ratio} "
                     f"| {same} |")
    lines += [
        "",
        f"Numeric route from nested lists, N = 200, K = 50: {_ms(r['lists'])}.  "
        f"First access of `model.H` of a numeric model (makes the SymPy matrix), N = 32: "
        f"{_ms(r['lazy'])}.  Times: `Junction(...)` plus `numeric()`, minimum of "
        f"{r['repeat']} runs (the SymPy route at N = 32: one run).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", action="store_true",
                        help="add this benchmark's section to benchmarks/results.md")
    args = parser.parse_args(argv)
    result = run(args.repeat)
    text = report(result)
    print(text)
    if args.write:
        out = write_section(f"{SECTION}, OPENBLAS_NUM_THREADS={result['machine']['blas_threads']}",
                            "bench_model_build.py", text)
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
