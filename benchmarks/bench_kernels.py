"""Benchmark (issue 13): kernels generated from the symbolic layer vs the hand-written ones.

The per-pole-pair closed form ``X_pq`` and the Bose weight ``d n_B(d)`` are
derived in SymPy (:mod:`symehp.derivations.pole_pair`) and compiled by
:func:`symehp.numeric.codegen.generate_pair_kernel` /
:func:`~symehp.numeric.codegen.generate_bose_kernel` (lambdify for NumPy; the
same source compiled by numba).  The inner loop of Eq. (8)
(:mod:`symehp.numeric.diagonal_spectra`) uses a generated kernel where it is at
least as fast and as accurate, and keeps hand-written code where this
benchmark shows the generated one slower or less accurate:

* Bose weight on 1e5 values (T = 0.05, d in +-40 T): hand-written
  :func:`symehp.numeric.stats.x_bose` against the generated kernels;
* pair values of one channel on a block of nodes of the N = 64 chain model:
  the hand-written route (first divided differences per pole, Taylor-corrected
  at small ``d``, then ``(A_p - B_q)/(p - q - w)`` per pair; NumPy and the
  compiled loop of :mod:`symehp.numeric._numba_kernels`) against the generated
  generic formula evaluated per pair from the same digammas;
* accuracy of the generic formula as ``d = w - mu_ab -> 0`` against mpmath at
  40 digits, where the hand-written route takes the Taylor series.

Run: python benchmarks/bench_kernels.py [--write]
"""

import argparse
import sys

import mpmath as mp
import numpy as np

from _common import machine, machine_line, min_time, write_section
from bench_scale import chain_model
from symehp.numeric import diagonal_spectra as ds
from symehp.numeric.backends import kernels
from symehp.numeric.codegen import generate_bose_kernel, generate_pair_kernel
from symehp.numeric.poles import pole_expansion
from symehp.numeric.stats import x_bose

SECTION = "Generated vs hand-written kernels (issue 13)"


def bose_rows():
    rng = np.random.default_rng(0)
    T = np.full(100_000, 0.05)
    d = rng.uniform(-2.0, 2.0, T.size)
    ref = x_bose(d, T)
    rows = []
    for label, func in (("hand-written stats.x_bose", x_bose),
                        ("generated, NumPy", generate_bose_kernel("numpy")),
                        ("generated, numba", generate_bose_kernel("numba"))):
        func(d, T)
        t, v = min_time(lambda f=func: f(d, T), 20)
        dev = float(np.max(np.abs(v - ref) / np.abs(ref)))
        rows.append(f"| Bose weight, 1e5 values | {label} | {t * 1e3:.3f} ms | {dev:.1e} |")
    return rows


def pair_rows():
    model = ds.diagonal_model(pole_expansion(chain_model(64, 1).numeric()))
    w = np.linspace(0.11, 1.3, ds.block_size(model))
    mu_l, mu_r, T = 0.45, -0.45, 0.025
    data = ds.point_data(model, np.array([mu_l]), np.array([mu_r]), np.array([T]))
    owner = np.zeros(w.size, int)
    mu = data[0][:, owner]
    Tn = data[1][owner]
    shifted = ds._phi_lower(model.lower + np.array([-1.0, 1.0])[:, None, None, None]
                            * w[:, None] - mu[None, :, :, None], 2 * np.pi * Tn[:, None])
    phi0 = data[2][:, owner]
    a, b = 1, 0                                     # the RL channel: mu_a = mu_R, mu_b = mu_L
    d = w - (mu[a] - mu[b])
    phis = (phi0[a], shifted[0, b], shifted[1, a], phi0[b])
    n = model.N

    def hand(engine):
        batch = ds._TaylorBatch()
        first = ds._first_differences(model, d, w, mu[a], Tn, phis, batch)
        batch.run()
        with np.errstate(divide="ignore", invalid="ignore"):
            inv_h = 1.0 / (model.pair_diff - w[:, None, None])
        done = ds._pair_values(model, inv_h, d, w, mu[a], mu[b], Tn, phis, first, batch,
                               kernels() if engine == "numba" else None)
        batch.run()
        return done()

    # the generated generic formula per pair, from the same digammas: q lower uses the
    # lower-family values, q upper their conjugates (Phi(conj z; +) = conj Phi(z; -))
    pa, pbw, paw, pb = phis
    paw_q = np.concatenate([paw, np.conj(paw)], axis=1)[:, None, :]
    pb_q = np.concatenate([pb, np.conj(pb)], axis=1)[:, None, :]
    h = model.pair_diff[None] - w[:, None, None]

    def generated(kernel):
        return kernel(pa[:, :, None], pbw[:, :, None], paw_q, pb_q, d[:, None, None], h)

    ref = hand("numpy")
    rows = []
    for label, func in (("hand-written, NumPy", lambda: hand("numpy")),
                        ("hand-written, numba loop", lambda: hand("numba")),
                        ("generated generic, NumPy", lambda: generated(generate_pair_kernel("numpy"))),
                        ("generated generic, numba", lambda: generated(generate_pair_kernel("numba")))):
        func()
        t, v = min_time(func, 5)
        dev = float(np.max(np.abs(v - ref)) / np.max(np.abs(ref)))
        rows.append(f"| pair values, N = {n}, {w.size} nodes x {n * 2 * n} pairs | {label} | "
                    f"{t * 1e3:.2f} ms | {dev:.1e} |")
    return rows


def small_d_rows():
    """Generic formula vs mpmath as d -> 0 for one pole pair (two-level-like poles)."""
    p, q, mu_a, mu_b, T = 0.5 - 0.1j, -0.5 - 0.1j, 0.3, -0.2, 0.05
    mp.mp.dps = 40

    def phi_lower(z, mu):       # the lower family: psi(1/2 + i (z - mu)/(2 pi T))
        return mp.digamma(mp.mpf(1) / 2 + 1j * (mp.mpc(z) - mu) / (2 * mp.pi * T))

    gen = generate_pair_kernel("numpy")
    rows = []
    for rel in (1e-2, 1e-5, 1e-8, 1e-11):
        w = (mu_a - mu_b) * (1 + rel)
        d = w - (mu_a - mu_b)
        h = p - q - w
        vals = [phi_lower(p, mu_a), phi_lower(p - w, mu_b), phi_lower(q + w, mu_a),
                phi_lower(q, mu_b)]
        exact = (vals[0] - vals[1] - vals[2] + vals[3]) / (mp.mpf(d) * mp.mpc(h))
        got = complex(gen(*(complex(v) for v in vals), d, h))
        rows.append(f"| d / mu_ab = {rel:.0e} | generated generic | - | "
                    f"{abs(got - complex(exact)) / abs(complex(exact)):.1e} |")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    lines = [machine_line(machine()), "",
             "| work | kernel | time | max deviation from the hand-written NumPy "
             "(accuracy rows: from mpmath, 40 digits) |", "| --- | --- | --- | --- |"]
    lines += bose_rows() + pair_rows() + small_d_rows()
    lines += ["", "Used in the inner loop: the generated NumPy Bose weight (both engines: "
              "faster than the hand-written one, and than its numba flavour). The pair values "
              "stay hand-written: the generated generic formula is as fast (it has no "
              "closeness test and no Taylor series to apply) but not as accurate, losing "
              "~1e-16/|d| relative as d = w - mu_ab -> 0 (and likewise as h -> 0), where the "
              "hand-written route takes the Taylor series of the same limits.", ""]
    print("\n".join(lines))
    if args.write:
        out = write_section(SECTION, "bench_kernels.py", "\n".join(lines))
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
