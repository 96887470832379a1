"""Closed forms of the two-level model's EHP spectra (channel LR, hopping 0).

Units hbar = e = k_B = 1; ``Lambda`` and ``Pi^<`` in energy units.  Conventions of
``docs/conventions.md`` ("Spectra (Eqs. 5-7)"), ``T_L = T_R = T``, ``eV = mu_L - mu_R``.

Level 1 (``z_1 = eps_1 - i gamma_1/2``) touches L, level 2 (``z_2 = eps_2 - i gamma_2/2``)
touches R and ``M = m sigma_x``, so ``tr[M A_L(e) M A_R(e - w)] = m^2 L_1(e) L_2(e - w)``
with Lorentzians ``L_j(e) = gamma_j / ((e - eps_j)^2 + gamma_j^2/4)``.  The
derivation (:mod:`symehp.closed_forms`) expands both over their poles, closes
every Fermi integral with digammas and combines conjugate pole pairs:

    Lambda^LR(w) = (m^2/pi) Im[ L_2(z_1 - w) (psi(1/2 + i(z_1 - mu_L)/(2 pi T)) - psi(1/2 + i(z_1 - w - mu_R)/(2 pi T)))
                              + L_1(z_2 + w) (psi(1/2 + i(z_2 + w - mu_L)/(2 pi T)) - psi(1/2 + i(z_2 - mu_R)/(2 pi T))) ]

with ``L_j`` continued to complex arguments; the results below are that form as
SymPy writes it (``Delta = eps_1 - eps_2 - w`` in the coefficients).  Also: the
emission spectrum ``Pi^< = n_B(w - eV, T) Lambda`` and its trigamma limit at
``w = eV``; the resonance ``gamma_1 = gamma_2``, ``w = eps_1 - eps_2`` where the poles
``z_1`` and ``w + z_2`` coincide (trigamma); the ``T = 0`` form with logs and
arctangents (integral over ``e in [mu_R + w, mu_L]``); and the check that the
regularization constants ``c_+-`` of the two pole families cancel in ``Lambda``
but not in a single Fermi integral.
"""

import sympy as sp

from .. import closed_forms as cf
from ..model import two_level
from ..symbols import T_e, bose, mu_L, mu_R, omega

NAME = "two_level_closed_form"
SUMMARY = ("Lambda^LR and Pi^<_LR of the two-level model in closed form: digammas at T, "
           "trigamma at the resonance and at w = eV, logs and atans at T = 0")

EPS1, EPS2 = sp.symbols("epsilon_1 epsilon_2", real=True)
GAMMA1, GAMMA2 = sp.symbols("gamma_1 gamma_2", positive=True)
DELTA = sp.Symbol("Delta", real=True)


#: how the detuning Delta enters: generic omega, or omega = eV (mu_L eliminated)
GENERIC = {omega: EPS1 - EPS2 - DELTA}
AT_EV = {mu_L: EPS1 - EPS2 - DELTA + mu_R}


def _coefficient(expr, detuning=None):
    """Readable coefficient: factored, in terms of ``Delta`` (``detuning``: the substitution
    that introduces it, valid for the expression at hand; None: leave as is)."""
    expr = sp.cancel(expr)
    if detuning and all(expr.has(s) for s in detuning):
        trial = sp.factor(sp.cancel(expr.subs(detuning)))
        if not trial.has(*detuning):
            return trial
    return sp.factor(expr)


def _pair_up(pairs, detuning):
    """``{coefficient: [+-atom, ...]}`` from (atom, coefficient) pairs, coefficients that
    agree up to sign sharing one entry."""
    groups = {}
    for atom, coef in pairs:
        coef = _coefficient(coef, detuning)
        sign = 1
        if coef.could_extract_minus_sign():
            coef, sign = -coef, -1
        groups.setdefault(coef, []).append(sign * atom)
    return groups


def _common_real_factor(coefficients):
    """The largest product of real powers (and rational number) common to all coefficients."""
    dicts = []
    numbers = []
    for c in coefficients:
        num, rest = c.as_coeff_Mul()
        numbers.append(abs(num))
        dicts.append({b: e for b, e in rest.as_powers_dict().items()
                      if b.is_extended_real and not b.is_Number})
    common = sp.Integer(1)
    for base in set(dicts[0]).intersection(*dicts[1:]):
        exps = [d[base] for d in dicts]
        if all(e > 0 for e in exps) or all(e < 0 for e in exps):
            common *= base ** (min(exps) if exps[0] > 0 else max(exps))
    return sp.gcd_list(numbers) * common if all(n.is_Rational for n in numbers) else common


def _grouped(groups, outer):
    """``outer * sum_c c * (sum of atoms)`` with the common real factor moved to ``outer``."""
    common = _common_real_factor(list(groups))
    body = sp.Add(*[(c / common) * sp.Add(*fs) for c, fs in groups.items()])
    return outer * common, body


def _im_form(expr, detuning=None):
    """Rewrite ``c * re(U)`` (the compact engine form) as ``c' * Im[sum_k D_k (psi_a - psi_b)]``.

    ``Re(U) = Im(i U)``; digammas whose coefficients agree up to sign are paired,
    real factors common to all terms move out of the ``Im``.
    """
    reals = list(expr.atoms(sp.re))
    if len(reals) != 1:
        return expr
    (real,) = reals
    if expr == real:
        outer = sp.S.One
    elif expr.is_Mul and real in expr.args:
        outer = sp.Mul(*[a for a in expr.args if a != real])
    else:
        return expr
    pairs = []
    for term in sp.Add.make_args(real.args[0]):
        (func,) = term.atoms(sp.polygamma)
        pairs.append((func, sp.cancel(sp.I * term / func)))
    groups = _pair_up(pairs, detuning)
    if outer.could_extract_minus_sign():
        outer = -outer
        groups = {c: [-f for f in fs] for c, fs in groups.items()}
    # a factor i common to all coefficients turns Im back into Re: Im(i B) = Re(B)
    if all(sp.I in sp.Mul.make_args(c) for c in groups):
        outer, body = _grouped({c / sp.I: fs for c, fs in groups.items()}, outer)
        return outer * sp.re(body, evaluate=False)
    outer, body = _grouped(groups, outer)
    return outer * sp.im(body, evaluate=False)


def _real_form(expr, detuning=None):
    """A T = 0 expression collected on its log and atan atoms (coefficients factored,
    arctangent differences paired)."""
    atoms = sorted(expr.atoms(sp.log, sp.atan), key=sp.default_sort_key)
    dummies = {a: sp.Dummy() for a in atoms}
    expanded = sp.expand_mul(expr.xreplace(dummies))
    collected = sp.collect(expanded, list(dummies.values()), evaluate=False)
    rest = collected.pop(sp.S.One, sp.S.Zero)
    back = {d: a for a, d in dummies.items()}
    groups = _pair_up([(back[d], c) for d, c in collected.items()], detuning)
    outer, body = _grouped(groups, sp.S.One)
    return outer * body + _coefficient(rest, detuning)


def derive():
    model = two_level()
    poles = cf.pole_expansion(model)
    e_v = mu_L - mu_R
    dos = cf.ehp_dos_closed_form(model, "LR", poles=poles)[0, 0]
    at_ev = cf.emission_closed_form(model, "LR", omega=e_v, poles=poles)[0, 0]
    resonant = model.subs(GAMMA2, GAMMA1)
    res_poles = cf.pole_expansion(resonant)
    w_res = EPS1 - EPS2
    res_dos = cf.ehp_dos_closed_form(resonant, "LR", omega=w_res, poles=res_poles)[0, 0]
    res_less = cf.emission_closed_form(resonant, "LR", omega=w_res, poles=res_poles)[0, 0]
    zero_t = cf.zero_temperature_closed_form(model, "LR", poles=poles)[0, 0]
    zero_t_res = cf.zero_temperature_closed_form(resonant, "LR", omega=w_res, poles=res_poles)[0, 0]
    residual, _ = cf.regularization_residual(model, "LR", poles=poles)
    single, (c_plus, c_minus) = cf.regularization_residual(model, "LR", which="a", poles=poles)
    # c_+ A + c_- B with B = -A: only the difference of the two families' constants survives
    coef_plus = single[0, 0].coeff(c_plus)
    coef_minus = single[0, 0].coeff(c_minus)
    if sp.cancel(coef_plus + coef_minus) == 0:
        single_form = (c_plus - c_minus) * _coefficient(coef_plus, GENERIC)
    else:                                    # pragma: no cover - would contradict the derivation
        single_form = single[0, 0]
    lam = _im_form(dos, GENERIC)
    return {
        "Delta": sp.Eq(DELTA, EPS1 - EPS2 - omega),
        "poles_of_G_r": sp.Matrix([poles.poles[i] for i in poles.lower]),
        "Lambda_LR": lam,
        "Pi_less_LR": bose(omega - e_v, T_e) * lam,
        "Pi_less_LR_at_omega_eq_eV": _im_form(at_ev, AT_EV),
        "Lambda_LR_resonance": _im_form(res_dos),
        "Pi_less_LR_resonance": _im_form(res_less),
        "Lambda_LR_T0": _real_form(zero_t, GENERIC),
        "Pi_less_LR_T0": sp.Piecewise((-_real_form(zero_t, GENERIC), omega < e_v), (0, True)),
        "Lambda_LR_T0_resonance": _real_form(zero_t_res),
        "regularization_in_Lambda": residual[0, 0],
        "regularization_in_I_L": single_form,
    }
