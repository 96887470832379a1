"""Analytic proofs of the identities of Hu, Nian & Lu (2019), Eqs. (4)-(8).

Units: hbar = e = k_B = 1 throughout (see ``conventions.md``).

Every check below is a function without required arguments that returns a
:class:`Proof`.  A Proof records

* ``name`` and ``latex``: which identity was claimed (as LaTeX);
* ``residuals``: one SymPy expression per sub-identity (channel, matrix entry,
  ...), each ``claimed left side - claimed right side`` after exact reduction;
  ``residual`` is the first non-zero one (0 for a valid proof);
* ``labels``: what each residual belongs to;
* ``spot_check``: the largest ``|residual|`` of the *unreduced* expressions,
  evaluated independently with mpmath at 30 digits at fixed pseudo-random
  parameter points (``random.Random(1)``);
* ``counterexample``: where relevant, an exact non-zero value showing that the
  identity fails outside its hypotheses.

A Proof is truthy only when every residual is exactly zero.  A check raises
:class:`~symehp.errors.ProofError` when a residual does not reduce to zero, and
also when SymPy reduced it to zero but the mpmath spot check exceeds 1e-20
(a guard against a wrong simplification).  The failed Proof is attached to the
error as ``err.proof``; pass ``strict=False`` to get it returned instead.

Each check takes keyword-only *variant* arguments whose defaults give the
paper's identity; a deliberately wrong variant (flipped sign of ``mu_ab``,
missing 1/2, missing 1/(2 pi), ...) must fail, so no check passes by
construction.

Reduction strategy (no blind ``simplify``): every ``exp(sum_k c_k s_k)`` is
split into ``prod_k Z_k**c_k`` with one positive symbol ``Z_k`` per monomial
``s_k`` (e.g. ``exp((eps - mu_L)/T_L) -> Z_1 / Z_2``), which turns each
occupation-factor identity into a rational-function identity that
``cancel`` decides.  Treating the ``Z_k`` as independent is a substitution, so
a zero found this way is a zero of the original expression.
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from . import ehp, greens
from .errors import ProofError
from .model import two_level
from .symbols import MU, T_L, T_R, T_e, bose, eps as _eps, fermi, mu_L, mu_R, omega as _omega

__all__ = ["Proof", "detailed_balance", "fluctuation_dissipation", "spectral_sum_rule",
           "flat_dos_limit", "equilibrium_zero", "all_proofs", "CHECKS"]

SPOT_TOLERANCE = 1e-20
_DPS = 30


class Proof:
    """The record of one proven identity (see the module docstring)."""

    def __init__(self, name, latex, residuals, labels, spot_check, counterexample=None):
        self.name = name
        self.latex = latex
        self.residuals = tuple(residuals)
        self.labels = tuple(labels)
        self.spot_check = float(spot_check)
        self.counterexample = counterexample

    @property
    def residual(self):
        """The first non-zero reduced residual, or exactly 0 for a valid proof."""
        return next((r for r in self.residuals if r != 0), sp.Integer(0))

    def __bool__(self):
        return all(r == 0 for r in self.residuals)

    def __repr__(self):
        state = "proven" if self else "FAILED"
        return (f"<Proof {self.name}: {state}, {len(self.residuals)} residual(s) reduced, "
                f"mpmath spot check {self.spot_check:.1e}>")

    def _repr_latex_(self):
        return f"${self.latex}$"


# ---------------------------------------------------------------- reduction machinery

def _exp_to_symbols(expr):
    """Replace every exponential by a product of powers of positive symbols.

    Returns the new expression and the map ``Z_k -> exp(s_k)`` back.  The
    monomials ``s_k`` are distinct and coefficient-free, hence linearly
    independent over Q, so the ``exp(s_k)`` are algebraically independent:
    the substitution loses nothing, in either direction.
    """
    table = {}

    def z(key):
        if key not in table:
            table[key] = sp.Dummy(f"Z{len(table)}", positive=True)
        return table[key]

    reps = {}
    for e in expr.atoms(sp.exp):
        prod = sp.Integer(1)
        for term in sp.Add.make_args(sp.expand(e.args[0])):
            coeff, key = term.as_coeff_Mul()
            prod *= z(key) ** coeff if key != 1 else sp.exp(coeff)
        reps[e] = prod
    return expr.xreplace(reps), {zk: sp.exp(key) for key, zk in table.items()}


def _reduce(expr):
    """Exact reduction of an occupation-factor expression; 0 iff it vanishes.

    A non-zero result is the numerator of the residual over a common
    denominator, written back in exponentials so that it reads physically.
    """
    rational, back = _exp_to_symbols(sp.sympify(expr))
    reduced = sp.cancel(sp.together(rational))
    if reduced == 0:
        return sp.Integer(0)
    return sp.expand(sp.numer(sp.together(reduced))).xreplace(back)


def _spot(exprs, n_points=3, seed=1):
    """max |expr| over fixed pseudo-random points, mpmath at 30 digits.

    Positive symbols (temperatures, frequencies, widths) are drawn in
    [0.3, 1.5], all other symbols in [-1, 1].
    """
    exprs = [sp.sympify(e) for e in exprs]
    syms = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
    rng = random.Random(seed)
    worst = mpmath.mpf(0)
    with mpmath.workdps(_DPS):
        funcs = [sp.lambdify(syms, e, modules="mpmath") for e in exprs]
        for _ in range(n_points):
            vals = [mpmath.mpf(repr(rng.uniform(0.3, 1.5) if s.is_positive
                                    else rng.uniform(-1.0, 1.0))) for s in syms]
            for f in funcs:
                worst = max(worst, abs(f(*vals)))
    return float(worst)


def _exact(expr, point):
    """Exact value of ``expr`` at a point chosen so that every exponential is rational."""
    value = sp.cancel(sp.expand(sp.sympify(expr).subs(point), power_exp=True))
    if not value.is_Rational:
        raise ProofError(f"could not evaluate {expr} exactly at {point}: got {value}")
    return value


def _conclude(name, latex, raw, labels, *, spot=None, counterexample=None, strict=True):
    """Reduce every raw residual, spot-check them, and build (or refuse) the Proof."""
    reduced = [_reduce(r) for r in raw]
    spot = _spot(raw) if spot is None else spot
    proof = Proof(name, latex, reduced, labels, spot, counterexample)
    if strict:
        bad = [(lab, r) for lab, r in zip(labels, reduced) if r != 0]
        if bad:
            err = ProofError(f"{name}: identity {latex!r} fails for {bad[0][0]}: residual "
                             f"{bad[0][1]} is not zero (mpmath spot check {spot:.3g})",
                             proof_name=name, residual=bad[0][1])
            err.proof = proof
            raise err
        if spot > SPOT_TOLERANCE:
            err = ProofError(f"{name}: SymPy reduced {latex!r} to zero but the mpmath spot "
                             f"check gives {spot:.3g} > {SPOT_TOLERANCE:g}: a simplification "
                             "step is wrong", proof_name=name, residual=sp.Float(spot, 30))
            err.proof = proof
            raise err
    return proof


def _signed(sign, sym=r"\mu_{\alpha\beta}"):
    return f"- {sym}" if sign == 1 else f"+ {sym}"


# ---------------------------------------------------------------- Eq. (4) from Eq. (5)

def detailed_balance(*, sign=1, strict=True):
    r"""Generalized detailed balance, Eq. (4), from the golden-rule rates, Eq. (5).

    ``T_{a->b} / T_{a<-b} = exp[-(Omega - mu_ab)/T]`` for all four EHP channels,
    with ``mu_ab = mu_alpha - mu_beta`` (hbar = e = k_B = 1).  The rates of
    :func:`symehp.ehp.golden_rule_rates` share the factor
    ``2 pi |M|^2 delta(eps_i - eps_f - Omega)``; solving the delta's argument
    gives ``eps_f = eps_i - Omega``, which is substituted before reducing
    ``forward - exp[-(Omega - sign*mu_ab)/T] backward``.

    Variant: ``sign=-1`` claims ``exp[-(Omega + mu_ab)/T]`` (flipped chemical
    potential) and must fail on the inter-electrode channels.
    """
    T = T_e
    eps_i = sp.Symbol("varepsilon_i", real=True)
    Omega = sp.Symbol("Omega", positive=True)
    raw, labels = [], []
    for ch in ehp.CHANNELS:
        forward, backward = ehp.golden_rule_rates(ch, eps_i=eps_i, Omega=Omega, T=T)
        deltas = (forward.atoms(sp.DiracDelta) | backward.atoms(sp.DiracDelta))
        if len(deltas) != 1 or any(r.subs(d, 0) != 0 for r in (forward, backward) for d in deltas):
            raise ProofError(f"detailed_balance: the rates of channel {ch} do not share one "
                             "delta factor", proof_name="detailed_balance")
        delta = deltas.pop()
        eps_f = next(s for s in delta.free_symbols if s.name == "varepsilon_f")
        (fixed,) = sp.solve(delta.args[0], eps_f)     # energy conservation
        claimed = sp.exp(-(Omega - sign * ch.mu) / T)
        raw.append((forward - claimed * backward).subs(delta, 1).subs(eps_f, fixed))
        labels.append(f"channel {ch.label} ({ch.name})")
    latex = (r"\frac{T_{\alpha\to\beta}}{T_{\alpha\leftarrow\beta}} = "
             rf"e^{{-(\Omega {_signed(sign)})/T_e}}")
    return _conclude("detailed_balance", latex, raw, labels, strict=strict)


# ---------------------------------------------------------------- Eq. (6)

def fluctuation_dissipation(*, offset=sp.Rational(1, 2), sign=1, strict=True):
    r"""Fluctuation-dissipation relation of the EHP baths, Eq. (6), at T_a = T_b = T.

    ``Pi^< = n_B(omega - mu_ab, T) Lambda``, ``Pi^> = [1 + n_B] Lambda`` and
    ``(Pi^< + Pi^>)/2 = [n_B + 1/2] Lambda`` for all four channels (hbar = e =
    k_B = 1).  The three spectra share the kernel ``tr[M A_a M A_b]/(2 pi)``
    of Eq. (7) and differ only in the occupation weights ``f_a(1 - f_b)``,
    ``f_b(1 - f_a)`` and ``f_b - f_a``; the integral identities therefore follow
    from the pointwise identities of the weights, proven here (together with
    :func:`symehp.ehp.fdt_spectrum`).

    ``counterexample``: for ``T_a != T_b`` (channel LR, ``T_L = 1``,
    ``T_R = 1/2``, ``mu = 0``, ``eps = ln 3``, ``omega = ln 2``) the weight
    residual of ``Pi^< - n_B(omega - mu_ab, T_a) Lambda`` is an exact non-zero
    rational, so the relation needs equal electrode temperatures.

    Variants: ``offset=0`` (missing 1/2 in Eq. 6), ``sign=-1`` (``n_B(omega +
    mu_ab)``); both must fail.
    """
    T = T_e
    raw, labels = [], []
    for ch in ehp.CHANNELS:
        w = ehp.statistical_weights(ch, temperatures=(T, T))
        n_b = bose(_omega - sign * ch.mu, T)
        raw += [w["emission"] - n_b * w["dos"], w["absorption"] - (1 + n_b) * w["dos"],
                w["symmetrized"] - (n_b + offset) * w["dos"],
                w["symmetrized"] - ehp.fdt_spectrum(ch, w["dos"], T=T)]
        labels += [f"Pi^< of channel {ch.name}", f"Pi^> of channel {ch.name}",
                   f"symmetrized Pi of channel {ch.name}", f"ehp.fdt_spectrum of channel {ch.name}"]
    lr = ehp.channel("LR")
    w = ehp.statistical_weights(lr)                   # independent T_L, T_R
    unequal = w["emission"] - bose(_omega - lr.mu, T_L) * w["dos"]
    point = {T_L: 1, T_R: sp.Rational(1, 2), mu_L: 0, mu_R: 0,
             _eps: sp.log(3), _omega: sp.log(2)}
    counter = {"identity": "Pi^< - n_B(omega - mu_ab, T_a) Lambda (weights), channel LR",
               "point": point, "value": _exact(unequal, point)}
    latex = (rf"\Pi^<_{{\alpha\beta}} = n_B(\omega {_signed(sign)}, T)\Lambda^{{\alpha\beta}},\ "
             rf"\Pi^> = [1 + n_B]\Lambda,\ \tfrac12(\Pi^> + \Pi^<) = "
             rf"[n_B + {sp.latex(offset)}]\Lambda")
    return _conclude("fluctuation_dissipation", latex, raw, labels,
                     counterexample=counter, strict=strict)


# ---------------------------------------------------------------- Pi^> - Pi^< = Lambda, A = i(G^r - G^a)

def spectral_sum_rule(*, sign=1, gf_factor=sp.I, strict=True):
    r"""Sum rules: ``Pi^> - Pi^< = Lambda`` and ``A_L + A_R = i (G^r - G^a)``.

    The first holds for any independent electrode temperatures ``T_L, T_R``
    and all four channels (pointwise in the weights:
    ``f_b(1 - f_a) - f_a(1 - f_b) = f_b - f_a``, the weight of Eq. 7).  The
    second is the wide-band identity behind ``A = A_L + A_R``, proven entry by
    entry for the symbolic two-level model ``two_level()`` and for the 2 x 2
    model with a real hopping ``t`` (``two_level(hopping=t)``), using
    :mod:`symehp.greens`.  Units hbar = e = k_B = 1.

    Variants: ``sign=-1`` claims ``Pi^< - Pi^> = Lambda`` (emission and
    absorption swapped); ``gf_factor=-I`` claims ``A = -i (G^r - G^a)``.
    Both must fail.
    """
    raw, labels = [], []
    for ch in ehp.CHANNELS:
        w = ehp.statistical_weights(ch)
        raw.append(sign * (w["absorption"] - w["emission"]) - w["dos"])
        labels.append(f"Pi^> - Pi^< of channel {ch.name}")
    t = sp.Symbol("t", real=True)
    for tag, model in (("two_level()", two_level()), ("two_level(hopping=t)", two_level(hopping=t))):
        lhs = greens.spectral(model, "L") + greens.spectral(model, "R")
        rhs = sp.sympify(gf_factor) * (greens.retarded(model) - greens.advanced(model))
        for i in range(model.N):
            for j in range(model.N):
                raw.append(lhs[i, j] - rhs[i, j])
                labels.append(f"A_L + A_R entry ({i}, {j}) of {tag}")
    pre = "" if sign == 1 else "-"
    latex = (rf"{pre}(\Pi^>_{{\alpha\beta}} - \Pi^<_{{\alpha\beta}}) = \Lambda^{{\alpha\beta}},\quad "
             rf"A_L + A_R = {sp.latex(gf_factor)}\,(G^r - G^a)")
    return _conclude("spectral_sum_rule", latex, raw, labels, strict=strict)


# ---------------------------------------------------------------- flat-DOS limit of Eq. (7)

def _antiderivative(x, mu, T):
    """F(x) with dF/dx = f(x - mu, T): the integral of a Fermi function."""
    return x - T * sp.log(sp.exp((x - mu) / T) + 1)


def flat_dos_limit(*, prefactor=1 / (2 * sp.pi), sign=1, strict=True):
    r"""Flat-DOS limit of Eq. (7): ``Lambda^{ab}(omega) = (omega - mu_ab) C / (2 pi)``.

    With energy-independent ``A_a`` the trace ``C = tr[M^m A_a M^n A_b]`` leaves
    the integral, ``Lambda = -(C/2 pi) int de [f(e - mu_a, T_a) - f(e - omega -
    mu_b, T_b)]``.  The proof: ``F(x) = x - T log(exp((x - mu)/T) + 1)``
    satisfies ``F' = f(x - mu, T)`` (checked symbolically), so the integral is
    ``lim_{+inf} G - lim_{-inf} G`` with ``G(e) = F_a(e) - F_b(e - omega)``,
    both limits by :func:`sympy.limit`; it equals ``mu_ab - omega`` for any
    ``T_a, T_b``.  All four channels, independent ``T_L, T_R``; the result is
    also compared with :func:`symehp.ehp.flat_dos`.  The spot check integrates
    Eq. (7) numerically with ``mpmath.quad`` at 30 digits.  hbar = e = k_B = 1.

    Variants: ``prefactor=1`` (the paper's prose, which drops the 1/(2 pi) of
    Eq. 7's measure) and ``sign=-1`` (``omega + mu_ab``) must fail.
    """
    C = sp.Symbol("C", real=True)
    x = _eps
    raw, labels, numeric = [], [], []
    for ch in ehp.CHANNELS:
        (t_a, t_b), mu_a, mu_b = ch.temperatures, MU[ch.alpha], MU[ch.beta]
        for mu, T in ((mu_a, t_a), (mu_b, t_b)):
            raw.append(sp.diff(_antiderivative(x, mu, T), x) - fermi(x - mu, T))
            labels.append(f"F' = f for electrode temperature {T} ({ch.name})")
        G = _antiderivative(x, mu_a, t_a) - _antiderivative(x - _omega, mu_b, t_b)
        integral = sp.limit(G, x, sp.oo) - sp.limit(G, x, -sp.oo)
        lam = -C / (2 * sp.pi) * integral
        claimed = prefactor * (_omega - sign * ch.mu) * C
        raw += [lam - claimed, lam - ehp.flat_dos(C, ch)]
        labels += [f"Lambda of channel {ch.name}", f"ehp.flat_dos of channel {ch.name}"]
        numeric.append((ch, claimed))
    derivative_checks = [r for r, lab in zip(raw, labels) if lab.startswith("F'")]
    spot = max(_spot(derivative_checks), _flat_dos_quadrature(numeric, C))
    latex = (rf"\Lambda^{{\alpha\beta}}(\omega) = {sp.latex(prefactor)}\,"
             rf"(\omega {_signed(sign)})\,\mathrm{{tr}}[M A_\alpha M A_\beta]")
    return _conclude("flat_dos_limit", latex, raw, labels, spot=spot, strict=strict)


def _flat_dos_quadrature(cases, C, seed=1):
    """max |Eq. (7) by mpmath.quad - claimed| at three fixed parameter points."""
    rng = random.Random(seed)
    worst = mpmath.mpf(0)
    with mpmath.workdps(_DPS):
        for _ in range(3):
            vals = {T_L: rng.uniform(0.3, 1.5), T_R: rng.uniform(0.3, 1.5),
                    mu_L: rng.uniform(-1, 1), mu_R: rng.uniform(-1, 1),
                    _omega: rng.uniform(-1, 1), C: rng.uniform(-1, 1)}
            v = {s: mpmath.mpf(repr(val)) for s, val in vals.items()}
            for ch, claimed in cases:
                (t_a, t_b), m_a, m_b = ch.temperatures, v[MU[ch.alpha]], v[MU[ch.beta]]

                def weight(e, ta=v[t_a], tb=v[t_b], ma=m_a, mb=m_b):
                    return (1 / (mpmath.exp((e - ma) / ta) + 1)
                            - 1 / (mpmath.exp((e - v[_omega] - mb) / tb) + 1))

                cuts = sorted([m_a, m_b + v[_omega]])
                lam = -v[C] / (2 * mpmath.pi) * mpmath.quad(weight, [-mpmath.inf, *cuts, mpmath.inf])
                target = sp.lambdify(list(vals), claimed, modules="mpmath")(*v.values())
                worst = max(worst, abs(lam - target))
    return float(worst)


# ---------------------------------------------------------------- Eq. (8) at equilibrium

def equilibrium_zero(*, T_ph=None, bias=0, strict=True):
    r"""At full equilibrium every channel's current integrand of Eq. (8) vanishes.

    With ``mu_L = mu_R``, ``T_L = T_R = T_ph = T``, the weight of the
    conventions' form of Eq. (8), ``f_a(1 - f_b) - (f_b - f_a) n_B(omega, T_ph)``
    (i.e. ``Pi^< - Lambda n_B(omega, T_ph)`` per unit kernel), is identically
    zero for all four channels; hence each ``J_ab = 0``, ``J = 0`` and the
    particle current ``I = 0``.  Units hbar = e = k_B = 1.

    ``counterexample``: exact non-zero values of the weight for ``T_ph != T``
    (channel LL, ``T = 1``, ``T_ph = 1/2``) and for ``mu_L != mu_R`` (channel LR,
    ``mu_L - mu_R = ln 2``), at ``eps = ln 3``, ``omega = ln 2``.

    Variants: ``T_ph`` (a symbol or number different from the electron
    temperature) or ``bias`` (``mu_L = mu_R + bias``, non-zero) break the
    equilibrium and must fail.
    """
    T = T_e
    t_ph = T if T_ph is None else sp.sympify(T_ph)

    def weight(ch, tph, shift):
        w = ehp.statistical_weights(ch, temperatures=(T, T))
        return (w["emission"] - w["dos"] * bose(_omega, tph)).subs(mu_L, mu_R + shift)

    raw = [weight(ch, t_ph, bias) for ch in ehp.CHANNELS]
    labels = [f"channel {ch.label} ({ch.name})" for ch in ehp.CHANNELS]
    base = {T: 1, mu_R: 0, _eps: sp.log(3), _omega: sp.log(2)}
    counter = {
        "T_ph != T (LL, T=1, T_ph=1/2)": _exact(
            weight(ehp.channel("LL"), sp.Rational(1, 2), 0), base),
        "mu_L != mu_R (LR, T=T_ph=1, mu_L-mu_R=ln 2)": _exact(
            weight(ehp.channel("LR"), T, sp.log(2)), base)}
    latex = (r"f_\alpha(1 - f_\beta) - (f_\beta - f_\alpha)\,n_B(\omega, "
             rf"{sp.latex(t_ph)}) = 0\ \ (\mu_L - \mu_R = {sp.latex(sp.sympify(bias))},\ T_L = T_R = T_e)")
    return _conclude("equilibrium_zero", latex, raw, labels, counterexample=counter, strict=strict)


#: every check, in the order of the paper's equations
CHECKS = (detailed_balance, fluctuation_dissipation, spectral_sum_rule, flat_dos_limit,
          equilibrium_zero)


def all_proofs():
    """Run the five checks with their default (correct) forms; list of Proofs."""
    return [check() for check in CHECKS]
