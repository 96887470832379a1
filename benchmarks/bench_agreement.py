"""Benchmark (issue 13): symehp against an independent nested quadrature, N = 8-24.

Random models with hopping (a random Hermitian H), non-diagonal broadenings
(``Gamma_L = P P^+`` of rank 2, ``Gamma_R`` of rank 1, random complex ``P``) and
complex mode couplings (K = 2 random Hermitian ``M^k``), mode frequencies 0.5
and 1.5, ``gamma_ph = 0.05``; ``mu_L = 0.4``, ``mu_R = -0.3``, ``T_e = 0.05``,
``T_ph = 0.08``.

The reference shares nothing with symehp but the formulas of
docs/conventions.md: ``A_a(e) = G Gamma_a G^+`` with ``G = inv(e - H + i(Gamma_L +
Gamma_R)/2)`` by ``numpy.linalg.inv`` at every energy, the energy integrals of
``Lambda`` and ``Pi^<`` by ``scipy.integrate.quad_vec`` (epsrel 1e-12, over the
Fermi window +- 40 T, breakpoints at the levels), the frequency integral of
Eq. (8) by ``quad_vec`` again (epsrel 1e-11, breakpoints at the modes, |eV|
and the level spacings), all channels at once.  symehp runs with
``rtol = 1e-10``, both engines.  Reported: the largest deviation of ``J_ab``
(each channel), ``I`` and ``J`` relative to the largest channel.

Run: python benchmarks/bench_agreement.py [--sizes 8,16,24] [--write]
"""

import argparse
import sys
import time

import numpy as np
from scipy.integrate import quad_vec

import symehp
from _common import machine, machine_line, write_section

MU_L, MU_R, T_E, T_PH = 0.4, -0.3, 0.05, 0.08
SECTION = "Agreement with an independent nested quadrature, N = 8-24 (issue 13)"


def random_model(n, k=2, seed=0):
    rng = np.random.default_rng(seed)

    def hermitian(scale):
        a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        return scale * (a + a.conj().T) / 2

    p_l = rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))
    p_r = rng.normal(size=(n, 1)) + 1j * rng.normal(size=(n, 1))
    return symehp.Junction(hermitian(0.5), 0.2 * p_l @ p_l.conj().T, 0.3 * p_r @ p_r.conj().T,
                           np.array([hermitian(0.1) for _ in range(k)]),
                           np.linspace(0.5, 1.5, k), np.full(k, 0.05))


def fermi(x, T):
    return 0.5 * (1.0 - np.tanh(x / (2 * T)))


def reference(model):
    """``[J_LL, J_RR, J_RL, J_LR, I]`` by nested quad_vec with matrix inverses."""
    nm = model.numeric()
    h_eff = nm.H - 0.5j * (nm.gamma_L + nm.gamma_R)
    gam = {"L": nm.gamma_L, "R": nm.gamma_R}
    mu = {"L": MU_L, "R": MU_R}
    eye = np.eye(nm.N)
    levels = np.linalg.eigvals(h_eff).real
    channels = [("L", "L"), ("R", "R"), ("R", "L"), ("L", "R")]

    def spectral(e):
        g = np.linalg.inv(e * eye - h_eff)
        return {a: g @ gam[a] @ g.conj().T for a in "LR"}

    def spectra(w):
        """(4 channels, 2 [Lambda, Pi^<], K) at frequency w."""
        lo = min(MU_L, MU_R, MU_L + w, MU_R + w) - 40 * T_E
        hi = max(MU_L, MU_R, MU_L + w, MU_R + w) + 40 * T_E
        pts = sorted({float(x) for x in np.r_[levels, levels + w, MU_L, MU_R, MU_L + w,
                                              MU_R + w] if lo < x < hi})

        def f(e):
            a_e, a_w = spectral(e), spectral(e - w)
            out = np.empty((4, 2, nm.K))
            for c, (a, b) in enumerate(channels):
                tr = np.real([np.trace(m @ a_e[a] @ m @ a_w[b]) for m in nm.M])
                fa, fb = fermi(e - mu[a], T_E), fermi(e - w - mu[b], T_E)
                out[c, 0] = -tr * (fa - fb) / (2 * np.pi)
                out[c, 1] = tr * fa * (1 - fb) / (2 * np.pi)
            return out

        val, _ = quad_vec(f, lo, hi, epsrel=1e-12, epsabs=1e-18, points=pts, limit=2000)
        return val

    def a_ph_over_w(w):
        return 2 * nm.gamma_ph / ((w ** 2 - nm.omega ** 2) ** 2 + (w * nm.gamma_ph) ** 2)

    def integrand(w):
        s = spectra(w)
        x = w / T_PH
        w_nph = T_PH if w == 0 else (w / np.expm1(x) if x < 700 else 0.0)
        out = np.empty(5)
        a_w = a_ph_over_w(w)
        a = w * a_w
        for c in range(4):
            out[c] = (w * np.sum(s[c, 1] * a) - w_nph * np.sum(s[c, 0] * a)) / (2 * np.pi)
        flows = [(np.sum(s[c, 1] * a) - w_nph * np.sum(s[c, 0] * a_w)) / (2 * np.pi)
                 for c in (2, 3)]
        out[4] = flows[1] - flows[0]
        return out

    cutoff = abs(MU_L - MU_R) + 40 * 2 * T_E
    cutoff = max(cutoff, 40 * T_PH)
    pts = sorted({float(x) for x in np.r_[nm.omega, abs(MU_L - MU_R),
                                          np.abs(levels[:, None] - levels[None, :]).ravel()]
                  if 0 < x < cutoff})
    val, err = quad_vec(integrand, 0.0, cutoff, epsrel=1e-11, epsabs=1e-16, points=pts,
                        limit=4000)
    return val


def run(sizes):
    rows = []
    for n in sizes:
        model = random_model(n, seed=n)
        t0 = time.perf_counter()
        ref = reference(model)
        t_ref = time.perf_counter() - t0
        devs = {}
        for engine in ("numpy", "numba"):
            res = symehp.transport(model, mu_L=MU_L, mu_R=MU_R, T_e=T_E, T_ph=T_PH, rtol=1e-10,
                                   backend=engine)
            got = np.array([res.J_by_channel[c] for c in ("LL", "RR", "RL", "LR")] + [res.I])
            scale = np.max(np.abs(ref[:4]))
            devs[engine] = (np.max(np.abs(got[:4] - ref[:4])) / scale,
                            abs(got[4] - ref[4]) / abs(ref[4]),
                            abs(got[:4].sum() - ref[:4].sum()) / abs(ref[:4].sum()))
        row = (f"| {n} | {ref[:4].sum():.10e} | {ref[4]:.10e} | "
               + " | ".join(f"{devs[e][0]:.1e} / {devs[e][1]:.1e} / {devs[e][2]:.1e}"
                            for e in ("numpy", "numba")) + f" | {t_ref:.0f} s |")
        print(row, flush=True)
        rows.append(row)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="8,16,24")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    lines = [machine_line(machine()), "",
             "| N | J (reference) | I (reference) | numpy: channels / I / J | "
             "numba: channels / I / J | reference time |", "| --- | --- | --- | --- | --- | --- |"]
    lines += run(sizes)
    lines += ["", "Deviations: max over the four J_ab relative to the largest channel; I and J "
              "relative to themselves.", ""]
    print("\n".join(lines))
    if args.write:
        out = write_section(SECTION, "bench_agreement.py", "\n".join(lines))
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
