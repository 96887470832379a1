"""Bias-induced coupling of two modes in the flat-DOS limit, and the paper's ``a``.

The lowest-order retarded self-energy of the modes (the electron-hole bubble)
is, summed over the EHP channels,

    Pi^r_mn(w) = int de/2pi { sum_b f_b(e - w) tr[M^m G^r(e) M^n A_b(e - w)]
                             + sum_a f_a(e) tr[M^m A_a(e) M^n G^a(e - w)] }

(:mod:`symehp.applications.mode_coupling`).  Flat DOS: ``G^r = R - i A/2`` and
``A_a`` energy independent (``R`` Hermitian, ``A = A_L + A_R``), so only the
Fermi integral ``int_{-C}^inf de f(e - mu) = mu + C`` (band cutoff ``C``) is
left.  Steps, each checked by SymPy:

1. the Fermi integral from its antiderivative;
2. the anti-Hermitian part of ``Pi^r`` is the flat-DOS ``Lambda`` of Eq. (7),
   ``i(Pi^r - Pi^r^dagger) = sum_ab (w - mu_ab) tr[M^m A_a M^n A_b]/(2 pi)``, so the
   normalization is the one of Eq. (7) and of the damping;
3. with ``mu_L = V/2 = -mu_R`` the part odd in ``V`` and antisymmetric in the
   mode indices is ``P = -V Im tr[M^1 A_L M^2 A_R] / (2 pi)``, independent of
   ``w`` and of the cutoff (so ``b = 0``); the even part,
   ``i w Im tr[M^1 Re(G^r) M^2 A]/(2 pi)``, needs complex matrices and is not in Eq. (9);
4. at ``w = 0`` the same algebra holds energy by energy, for any DOS:
   ``P = -(1/2pi) int de Im tr[M^1 A_L M^2 A_R](e) (f_L - f_R)``;
5. Eq. (9) (``D9 = conj(Omega^2 + Pi^r)``, antisymmetric part ``V a``) then has
   ``a = -Im tr[M^1 A_L M^2 A_R]/(2 pi)``: the paper's ``Im tr[...]/pi`` times ``-1/2``.

Steps 2-4 are verified with generic Hermitian 2 x 2 matrices (every entry an
independent real symbol); the algebra uses only cyclicity of the trace and
``G^r - G^a = -i A``, so it holds for any number of levels.
"""

import sympy as sp

from ..errors import ProofError
from ..symbols import T_e, eps, fermi, mu_L, mu_R, omega

NAME = "mode_coupling"
SUMMARY = ("flat-DOS bias-induced (curl) coupling of two modes: a = -Im tr[M1 A_L M2 A_R]/(2 pi), "
           "-1/2 times the paper's a")

_N = 2


def _hermitian(name):
    """A generic Hermitian N x N matrix of independent real symbols."""
    rows = []
    for i in range(_N):
        row = []
        for j in range(_N):
            if i == j:
                row.append(sp.Symbol(f"{name}_{i}{i}", real=True))
            elif i < j:
                row.append(sp.Symbol(f"{name}r_{i}{j}", real=True)
                           + sp.I * sp.Symbol(f"{name}i_{i}{j}", real=True))
            else:
                row.append(sp.conjugate(sp.Symbol(f"{name}r_{j}{i}", real=True)
                                        + sp.I * sp.Symbol(f"{name}i_{j}{i}", real=True)))
        rows.append(row)
    return sp.Matrix(rows)


def _im(expr):
    """Imaginary part of a polynomial in real symbols."""
    return sp.expand((expr - sp.conjugate(expr)) / (2 * sp.I))


def _check(condition, what):
    if not condition:
        raise ProofError(f"mode_coupling derivation: {what} did not reduce to zero",
                         proof_name=f"mode_coupling: {what}")


def _zero(expr):
    return sp.expand(expr) == 0


def derive():
    out = {}
    x, mu, C = sp.symbols("x mu C", real=True)
    V = sp.Symbol("V", real=True)

    # 1. Fermi integral: d/dx[-T log(1 + exp(-(x - mu)/T))] = f(x - mu); from -C to infinity
    antiderivative = -T_e * sp.log(1 + sp.exp(-(x - mu) / T_e))
    _check(sp.simplify(sp.diff(antiderivative, x) - fermi(x - mu, T_e)) == 0,
           "antiderivative of the Fermi function")
    # at x = -C: -T log(1 + e^y) = -T y - T log(1 + e^-y), y = (C + mu)/T
    y = sp.Symbol("y", real=True)
    _check(sp.simplify((1 + sp.exp(y)) / (sp.exp(y) * (1 + sp.exp(-y))) - 1) == 0,
           "log(1 + e^y) = y + log(1 + e^-y)")
    lower = -(C + mu) - T_e * sp.log(1 + sp.exp(-(C + mu) / T_e))
    number = sp.limit(antiderivative, x, sp.oo) - lower           # mu + C + O(e^{-C/T})
    out["fermi_integral"] = sp.Eq(sp.Integral(fermi(x - mu, T_e), (x, -C, sp.oo)), number)
    n_of = sp.Lambda(mu, mu + C)                                    # C -> infinity, e^{-C/T} -> 0

    # 2. flat-DOS bubble with generic matrices
    A = {"L": _hermitian("AL"), "R": _hermitian("AR")}
    R = _hermitian("R")
    M = [_hermitian("Ma"), _hermitian("Mb")]
    a_tot = A["L"] + A["R"]
    g_r = R - sp.I * a_tot / 2
    g_a = R + sp.I * a_tot / 2
    mus = {"L": mu_L, "R": mu_R}

    def tr(*mats):
        prod = mats[0]
        for mat in mats[1:]:
            prod = prod * mat
        return sp.expand(prod.trace())

    def pi_flat(m, n):
        term = 0
        for b in "LR":
            term += n_of(mus[b] + omega) * tr(M[m], g_r, M[n], A[b])
        for a in "LR":
            term += n_of(mus[a]) * tr(M[m], A[a], M[n], g_a)
        return sp.expand(term / (2 * sp.pi))

    pi = sp.Matrix(2, 2, lambda m, n: pi_flat(m, n))
    lam = sp.Matrix(2, 2, lambda m, n: sp.expand(sum(
        (omega - (mus[a] - mus[b])) * tr(M[m], A[a], M[n], A[b]) / (2 * sp.pi)
        for a in "LR" for b in "LR")))
    anti_herm = sp.I * (pi - pi.H)
    _check(all(_zero(e) for e in (anti_herm - lam)), "i(Pi^r - Pi^r+) - sum Lambda_flat")

    # display forms with matrix symbols (any N)
    n_sym = sp.Symbol("N", integer=True, positive=True)
    Ms = [sp.MatrixSymbol("M^1", n_sym, n_sym), sp.MatrixSymbol("M^2", n_sym, n_sym)]
    As = {"L": sp.MatrixSymbol("A_L", n_sym, n_sym), "R": sp.MatrixSymbol("A_R", n_sym, n_sym)}
    Gr = sp.MatrixSymbol("G^r", n_sym, n_sym)
    Ga = sp.MatrixSymbol("G^a", n_sym, n_sym)
    m_i, n_i = sp.symbols("m n", integer=True)
    Mm, Mn = sp.MatrixSymbol("M^m", n_sym, n_sym), sp.MatrixSymbol("M^n", n_sym, n_sym)
    Pi_mn = sp.Symbol("Pi^r_mn")
    out["Pi_r_flat"] = sp.Eq(Pi_mn, (
        sum((mus[b] + omega + C) * sp.Trace(Mm * Gr * Mn * As[b]) for b in "LR")
        + sum((mus[a] + C) * sp.Trace(Mm * As[a] * Mn * Ga) for a in "LR")) / (2 * sp.pi))
    out["anti_hermitian_part"] = sp.Eq(
        sp.I * (sp.Symbol("Pi^r_mn") - sp.conjugate(sp.Symbol("Pi^r_nm"))),
        sum((omega - (mus[a] - mus[b])) * sp.Trace(Mm * As[a] * Mn * As[b])
            for a in "LR" for b in "LR") / (2 * sp.pi))

    # 3. odd in V, antisymmetric in the mode indices, mu_L = V/2 = -mu_R
    bias = {mu_L: V / 2, mu_R: -V / 2}
    anti = sp.expand((pi[0, 1] - pi[1, 0]) / 2)
    anti_v = anti.subs(bias)
    odd = sp.expand((anti_v - anti_v.subs(V, -V)) / 2)
    im_lr = _im(tr(M[0], A["L"], M[1], A["R"]))
    prefactor = sp.simplify(odd / (V * im_lr))
    _check(sp.simplify(prefactor + 1 / (2 * sp.pi)) == 0, "P / (V Im tr) + 1/(2 pi)")
    _check(sp.diff(odd, omega) == 0 and sp.diff(odd, C) == 0, "dP/dw and dP/dC")
    # the even part of the antisymmetric coupling: zero at w = 0 (equilibrium has no curl)
    even = sp.expand((anti_v + anti_v.subs(V, -V)) / 2)
    _check(_zero(even.subs(omega, 0)), "even antisymmetric part at w = 0")
    P = sp.Symbol("P")
    im_tr = sp.im(sp.Trace(Ms[0] * As["L"] * Ms[1] * As["R"]))
    out["antisymmetric_odd_part"] = sp.Eq(P, prefactor * V * im_tr)
    out["prefactor"] = prefactor
    out["b_flat"] = sp.diff(odd, omega)            # = 0: no Lorentz-like term without DOS slope
    # the even part: i w Im tr[M^1 Re(G^r) M^2 A] / (2 pi), bias independent (needs complex
    # matrices, i.e. broken time reversal), Lorentz-like; Eq. (9) has no such term
    _check(_zero(even - sp.I * omega * _im(tr(M[0], R, M[1], a_tot)) / (2 * sp.pi)),
           "even antisymmetric part - i w Im tr[M1 Re G M2 A]/(2 pi)")
    ReG = sp.MatrixSymbol("Re(G^r)", n_sym, n_sym)
    A_sym = sp.MatrixSymbol("A", n_sym, n_sym)
    out["antisymmetric_even_part"] = sp.Eq(
        sp.Symbol("P_even"),
        sp.I * omega * sp.im(sp.Trace(Ms[0] * ReG * Ms[1] * A_sym)) / (2 * sp.pi))

    # 4. w = 0, energy-resolved: the same algebra with Fermi factors instead of N(mu)
    fl, fr = sp.symbols("f_L f_R", real=True)
    fs = {"L": fl, "R": fr}

    def integrand(m, n):
        return sp.expand(sum(fs[c] * (tr(M[m], g_r, M[n], A[c]) + tr(M[m], A[c], M[n], g_a))
                             for c in "LR") / (2 * sp.pi))

    curl = sp.expand((integrand(0, 1) - integrand(1, 0)) / 2)
    _check(_zero(curl + im_lr * (fl - fr) / (2 * sp.pi)), "static curl - Landauer form")
    g = sp.Function("g")
    out["g_definition"] = sp.Eq(g(eps), im_tr)          # A_L, A_R at the energy eps
    out["exact_static_curl"] = sp.Eq(
        sp.Function("P")(V, sp.Integer(0)),
        -sp.Integral(g(eps) * (fermi(eps - V / 2, T_e) - fermi(eps + V / 2, T_e)),
                     (eps, -sp.oo, sp.oo)) / (2 * sp.pi))

    # 5. Eq. (9): D9 = conj(Omega^2 + Pi^r); the real antisymmetric part is V a
    a_derived = prefactor * im_tr
    a_paper = im_tr / sp.pi
    out["a_eq9"] = sp.Eq(sp.Symbol("a"), a_derived)
    out["a_paper"] = sp.Eq(sp.Symbol("a_paper"), a_paper)
    out["ratio_to_paper"] = sp.simplify(prefactor / (1 / sp.pi))
    _check(out["ratio_to_paper"] == sp.Rational(-1, 2), "ratio to the paper's a + 1/2")
    # the flat Lambda of Eq. (7) that fixes this normalization, channel LR, modes (1, 2)
    out["Lambda_LR_12_flat"] = sp.Eq(sp.Symbol("Lambda^LR_12"),
                                     (omega - V) * sp.Trace(Ms[0] * As["L"] * Ms[1] * As["R"])
                                     / (2 * sp.pi))
    return out
