"""Benchmark: Eq. (8) for the two-level model, symehp vs a naive nested quadrature.

Model (issue 3): eps1 = 0.5, eps2 = -0.5, gamma1 = gamma2 = 0.2, m = 0.1,
Omega = 1, gamma_ph = 0.05, T_e = T_ph = 0.05, mu_L = V/2 = -mu_R.

* naive baseline, written the way a physicist would: scipy.integrate.quad over
  omega (breakpoints at Omega and eV) of an inner scipy quad over eps of
  tr[M A_a M A_b] [f_a (1 - f_b) - (f_b - f_a) n_B(omega, T_ph)], with A from
  np.linalg.inv, summed over the four channels, epsrel = 1e-8;
* symehp.transport for a 1000-point sweep of V in [0, 2] (default rtol 1e-10).

Both are run in this process; the script prints time per bias point, their
ratio, and the relative difference of J between the two routes and against a
tight symehp run (rtol = 1e-13).

Run: python benchmarks/bench_eq8.py [--naive-points N]
"""

import argparse
import time

import numpy as np
from scipy.integrate import quad

import symehp

PARAMS = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
T = 0.05


def naive_energy_current(model, mu_L, mu_R, T_e, T_ph, epsrel=1e-8):
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--naive-points", type=int, default=3)
    args = parser.parse_args()
    model = symehp.two_level(**PARAMS)

    bias = np.linspace(0.0, 2.0, 1000)
    symehp.transport(model, mu_L=0.5, mu_R=-0.5, T_e=T, T_ph=T)       # warm the cache
    t0 = time.perf_counter()
    symehp.transport(model, mu_L=bias / 2, mu_R=-bias / 2, T_e=T, T_ph=T)
    t_sym = (time.perf_counter() - t0) / bias.size

    check = np.linspace(0.6, 1.6, args.naive_points)
    t0 = time.perf_counter()
    naive = [naive_energy_current(model, v / 2, -v / 2, T, T) for v in check]
    t_naive = (time.perf_counter() - t0) / check.size

    tight = symehp.transport(model, mu_L=check / 2, mu_R=-check / 2, T_e=T, T_ph=T, rtol=1e-13)
    default = symehp.transport(model, mu_L=check / 2, mu_R=-check / 2, T_e=T, T_ph=T)
    print(f"symehp sweep: {bias.size} points in {t_sym * bias.size:.2f} s "
          f"({t_sym * 1e3:.2f} ms/point)")
    print(f"naive nested quad: {t_naive:.2f} s/point ({check.size} points)")
    print(f"speed-up per bias point: {t_naive / t_sym:.0f}x")
    for v, jn, jd, jt in zip(check, naive, default.J, tight.J):
        print(f"  V={v:.3f}  J_tight={jt:.12e}  rel.err default={abs(jd - jt) / abs(jt):.1e}  "
              f"naive={abs(jn - jt) / abs(jt):.1e}")


if __name__ == "__main__":
    main()
