"""Why a flat electron DOS gives reciprocal heat flow and Lorentzian levels do not.

At zero bias every channel has ``mu_ab = 0`` and ``Pi^< = n_B(w, T_e) Lambda``,
so the integrand of Eq. (8) is

    j(w; T_e, T_ph) = w/(2 pi) Tr[Lambda(w; T_e) A_ph(w)] [n_B(w, T_e) - n_B(w, T_ph)].

1. Flat DOS: ``Lambda = w tr[M A_a M A_b]/(2 pi)`` carries no temperature,
   and ``j(T0 + dT, T0) + j(T0, T0 + dT) = 0`` identically: reciprocal.
2. Energy-dependent DOS: the Sommerfeld expansion of Eq. (7) gives

       Lambda(w; T) = int_mu^{mu + w} K(e) de + (pi^2 T^2 / 6) [K'(mu + w) - K'(mu)] + O(T^4),

   with ``K(e) = tr[M A_a(e) M A_b(e - w)]/(2 pi)`` summed over channels:
   the transmission depends on ``T_e`` wherever the kernel is curved across
   the window.  For the two-level model at its resonance the coefficient is
   negative: hotter electrons transmit less, so the flow into colder
   electrons is the larger one (negative asymmetry).
"""

import sympy as sp

from .. import ehp
from ..errors import ProofError
from ..model import two_level
from ..symbols import bose, eps, omega

NAME = "reciprocity"
SUMMARY = "flat DOS => reciprocal heat flow; Sommerfeld T_e-dependence of Lambda for Lorentzian levels"


def _flat_part():
    """The flat-DOS reciprocity identity."""
    K, A, T0, dT = sp.symbols("K A_ph T_0 delta_T", positive=True)
    lam = ehp.flat_dos(K, "LR").subs({ehp.channel("LR").mu: 0})
    lam = lam.subs({s: 0 for s in lam.free_symbols if s.name.startswith("mu")})

    def j(t_e, t_ph):
        return omega / (2 * sp.pi) * lam * A * (bose(omega, t_e) - bose(omega, t_ph))

    total = sp.simplify(j(T0 + dT, T0) + j(T0, T0 + dT))
    if total != 0:
        raise ProofError("flat-DOS heat flow is not odd under T_e <-> T_ph",
                         proof_name="reciprocity", residual=total)
    return {"Lambda_flat (mu_ab = 0)": lam,
            "j(T_e, T_ph)": j(sp.Symbol("T_e", positive=True), sp.Symbol("T_ph", positive=True)),
            "j(T0 + dT, T0) + j(T0, T0 + dT)": total,
            "dLambda_flat/dT_e": sp.diff(lam, T0)}


def _sommerfeld_general():
    """Generic Sommerfeld coefficient of Lambda in T^2 (zero bias, mu = 0)."""
    k = sp.Function("K")
    T = sp.Symbol("T", positive=True)
    lam0 = sp.Integral(k(eps), (eps, 0, omega))
    coeff = sp.pi**2 / 6 * (sp.Subs(sp.Derivative(k(eps), eps), eps, omega)
                            - sp.Subs(sp.Derivative(k(eps), eps), eps, 0))
    return {"Lambda(w; T) Sommerfeld": sp.Eq(sp.Symbol("Lambda"), lam0 + coeff * T**2)}


def sommerfeld_coefficient(model=None):
    """``d Lambda / d(T^2)`` at ``T = 0``, zero bias, summed over channels (K x K).

    ``(pi^2/6) [dK/de(e = w) - dK/de(e = 0)]`` with the kernel of
    :func:`symehp.ehp.kernel` (which includes the ``1/(2 pi)``).
    """
    model = two_level() if model is None else model
    total = sp.zeros(model.K, model.K)
    for ch in ehp.CHANNELS:
        kern = ehp.kernel(model, ch, eps, omega)
        total += sp.Matrix(kern.applyfunc(lambda x: sp.diff(x, eps).subs(eps, omega)
                                          - sp.diff(x, eps).subs(eps, 0)))
    return sp.pi**2 / 6 * total


def _two_level_resonance():
    """The coefficient for the two-level model with levels at +-Omega/2, at w = Omega."""
    Om, g, m = sp.symbols("Omega gamma m", positive=True)
    model = two_level(Om / 2, -Om / 2, g, g, m, Om, sp.Symbol("gamma_ph", positive=True))
    coeff = sommerfeld_coefficient(model)[0, 0].subs(omega, Om)
    coeff = sp.factor(sp.simplify(coeff))
    sign = sp.simplify(coeff.subs({m: 1, g: 1, Om: 1}))
    if not sign.is_negative:
        raise ProofError("expected a negative Sommerfeld coefficient at the resonance",
                         proof_name="reciprocity", residual=sign)
    return {"dLambda/d(T^2) at w = Omega (levels +-Omega/2, gamma1 = gamma2 = gamma)": coeff}


def derive():
    out = {}
    out.update(_flat_part())
    out.update(_sommerfeld_general())
    out.update(_two_level_resonance())
    return out
