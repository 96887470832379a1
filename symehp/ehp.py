"""The four electron-hole-pair (EHP) baths of a biased two-terminal conductor.

A channel (alpha, beta) is an electron in electrode alpha and a hole in
electrode beta.  Emitting a boson of energy ``w`` takes an electron from
alpha (energy ``e``) to beta (energy ``e - w``).  Labels follow the paper:

=====  ====  =====  ==========================================
label  name  kind   electrons moved L -> R per emitted quantum
=====  ====  =====  ==========================================
1      LL    intra  0
2      RR    intra  0
3      RL    inter  -1 (an electron goes from R to L)
4      LR    inter  +1
=====  ====  =====  ==========================================

The chemical potential of the bath is ``mu_ab = mu_alpha - mu_beta`` (Eq. 4):
with ``eV = mu_L - mu_R > 0`` channel 4 has ``+eV`` and channel 3 ``-eV``.

Each bath has the views of a bosonic environment, all ``K x K`` in the mode
indices (symbolic integrands in this module; numbers in :mod:`symehp.numeric`):

* DOS (Eq. 7): ``Lambda^{ab}_mn(w) = int de/(2pi) tr[M^m A_a(e) M^n A_b(e-w)] (f_b - f_a)``
* emission ``Pi^<``: the same kernel with ``f_a (1 - f_b)``
* absorption ``Pi^>``: with ``f_b (1 - f_a)``; ``Pi^> - Pi^< = Lambda``
* symmetrized ``(Pi^> + Pi^<)/2``, Eq. (6) at equal temperatures.

Here ``f_a = f(e - mu_a, T_a)`` and ``f_b = f(e - w - mu_b, T_b)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import greens
from .errors import ParameterError
from .symbols import MU, TEMPERATURE, T_e, bose, eps as _eps, fermi, omega as _omega

__all__ = ["Channel", "CHANNELS", "channel", "statistical_weights", "kernel",
           "ehp_dos_integrand", "emission_integrand", "absorption_integrand",
           "symmetrized_integrand", "golden_rule_rates", "fdt_spectrum", "flat_dos"]


@dataclass(frozen=True)
class Channel:
    """One EHP bath: electron in electrode ``alpha``, hole in ``beta``."""

    label: int
    name: str
    alpha: str
    beta: str

    @property
    def kind(self):
        """``"intra"`` (same electrode, ``mu_ab = 0``) or ``"inter"``."""
        return "intra" if self.alpha == self.beta else "inter"

    @property
    def transferred(self):
        """Electrons moved from L to R per emitted quantum (+1, -1 or 0)."""
        return {"LR": 1, "RL": -1}.get(self.name, 0)

    @property
    def mu(self):
        """Chemical potential ``mu_alpha - mu_beta`` as a SymPy expression."""
        return MU[self.alpha] - MU[self.beta]

    def chemical_potential(self, mu_L, mu_R):
        """Numeric ``mu_alpha - mu_beta`` (works on arrays)."""
        values = {"L": mu_L, "R": mu_R}
        return values[self.alpha] - values[self.beta]

    @property
    def temperatures(self):
        """Symbols ``(T_alpha, T_beta)`` of the electron and hole electrodes."""
        return TEMPERATURE[self.alpha], TEMPERATURE[self.beta]

    def __str__(self):
        return self.name

    def _repr_latex_(self):
        return (rf"$\mathrm{{EHP}}_{{{self.label}}}:\ e_{{{self.alpha}}} + h_{{{self.beta}}},"
                rf"\ \mu_{{{self.alpha}{self.beta}}} = {sp.latex(self.mu)}$")


#: the four channels, in the paper's order (labels 1..4)
CHANNELS = (Channel(1, "LL", "L", "L"), Channel(2, "RR", "R", "R"),
            Channel(3, "RL", "R", "L"), Channel(4, "LR", "L", "R"))


def channel(spec):
    """Look up a channel by name (``"LL"``, ``"RR"``, ``"RL"``, ``"LR"``), label 1-4, or Channel."""
    if isinstance(spec, Channel):
        return spec
    for ch in CHANNELS:
        if (isinstance(spec, str) and spec == ch.name) or (
                isinstance(spec, numbers.Integral) and not isinstance(spec, (bool, np.bool_))
                and spec == ch.label):
            return ch
    raise ParameterError(
        f"unknown channel {spec!r}: expected one of 'LL', 'RR', 'RL', 'LR' or a label 1-4")


# ---------------------------------------------------------------- occupation factors

def statistical_weights(ch, eps=_eps, omega=_omega, temperatures=None):
    """Occupation factors of a channel, as SymPy expressions in ``eps`` and ``omega``.

    Returns a dict with keys ``"f_a"``, ``"f_b"``, ``"dos"`` (``f_b - f_a``,
    the weight of Eq. 7), ``"emission"`` (``f_a (1 - f_b)``), ``"absorption"``
    (``f_b (1 - f_a)``) and ``"symmetrized"``.  ``temperatures=(T_a, T_b)``
    overrides the electrode temperature symbols.
    """
    ch = channel(ch)
    t_a, t_b = temperatures if temperatures is not None else ch.temperatures
    f_a = fermi(eps - MU[ch.alpha], t_a)
    f_b = fermi(eps - omega - MU[ch.beta], t_b)
    emission = f_a * (1 - f_b)
    absorption = f_b * (1 - f_a)
    return {"f_a": f_a, "f_b": f_b, "dos": f_b - f_a, "emission": emission,
            "absorption": absorption, "symmetrized": (emission + absorption) / 2}


# ---------------------------------------------------------------- spectra integrands

def kernel(model, ch, eps=_eps, omega=_omega):
    """``K_mn(e, w) = g_s tr[M^m A_a(e) M^n A_b(e - w)] / (2 pi)`` (K x K SymPy matrix;
    ``g_s`` the model's spin degeneracy, 1 for the paper's spinless electrons)."""
    ch = channel(ch)
    a_alpha = greens.spectral(model, ch.alpha, eps)
    a_beta = greens.spectral(model, ch.beta, eps - omega)
    k = model.K
    spin = getattr(model, "spin_degeneracy", 1)
    return sp.ImmutableMatrix(k, k, lambda m, n: spin * (
        model.M[m] * a_alpha * model.M[n] * a_beta).trace() / (2 * sp.pi))


def _integrand(model, ch, which, eps, omega):
    weight = statistical_weights(ch, eps, omega)[which]
    return sp.ImmutableMatrix(kernel(model, ch, eps, omega) * weight)


def ehp_dos_integrand(model, ch, eps=_eps, omega=_omega):
    """Integrand (over ``eps``) of ``Lambda^{ab}_mn(omega)``, Eq. (7)."""
    return _integrand(model, ch, "dos", eps, omega)


def emission_integrand(model, ch, eps=_eps, omega=_omega):
    """Integrand of the emission spectrum ``Pi^<_{ab,mn}(omega)``."""
    return _integrand(model, ch, "emission", eps, omega)


def absorption_integrand(model, ch, eps=_eps, omega=_omega):
    """Integrand of the absorption spectrum ``Pi^>_{ab,mn}(omega)``."""
    return _integrand(model, ch, "absorption", eps, omega)


def symmetrized_integrand(model, ch, eps=_eps, omega=_omega):
    """Integrand of the symmetrized spectrum ``(Pi^> + Pi^<)/2`` (Eq. 6 at equal T)."""
    return _integrand(model, ch, "symmetrized", eps, omega)


def fdt_spectrum(ch, dos, omega=_omega, T=T_e):
    """Eq. (6): ``[n_B(omega - mu_ab, T) + 1/2] * dos`` for the given DOS expression."""
    ch = channel(ch)
    return (bose(omega - ch.mu, T) + sp.Rational(1, 2)) * dos


def flat_dos(model_or_trace, ch, omega=_omega):
    """Flat-DOS limit of Eq. (7): ``(omega - mu_ab) tr[M^m A_a M^n A_b] / (2 pi)``.

    ``model_or_trace`` is the energy-independent trace ``tr[M^m A_a M^n A_b]``
    (a SymPy expression or matrix).
    """
    ch = channel(ch)
    return (omega - ch.mu) * model_or_trace / (2 * sp.pi)


# ---------------------------------------------------------------- Eq. (5)

def golden_rule_rates(ch, *, coupling=None, eps_i=None, Omega=None, T=T_e):
    """Fermi golden-rule rates of Eq. (5) for one transition ``i in alpha -> f in beta``.

    The initial state has energy ``eps_i`` in electrode alpha, the final one
    ``eps_f`` in beta; the mode quantum is ``Omega``.  Returns
    ``(forward, backward)``: boson emission ``T_{a->b}`` and absorption
    ``T_{a<-b}``, both at the common electron temperature ``T``:

    ``T_{a->b} = 2 pi |M|^2 delta(eps_i - eps_f - Omega) f(eps_i - mu_a) (1 - f(eps_f - mu_b))``

    and ``T_{a<-b}`` with ``f(eps_f - mu_b) (1 - f(eps_i - mu_a))``.
    """
    ch = channel(ch)
    coupling = sp.Symbol("M_if") if coupling is None else coupling
    eps_i = sp.Symbol("varepsilon_i", real=True) if eps_i is None else eps_i
    eps_f = sp.Symbol("varepsilon_f", real=True)
    Omega = sp.Symbol("Omega", positive=True) if Omega is None else Omega
    weight = 2 * sp.pi * sp.Abs(coupling) ** 2 * sp.DiracDelta(eps_i - eps_f - Omega)
    f_i = fermi(eps_i - MU[ch.alpha], T)
    f_f = fermi(eps_f - MU[ch.beta], T)
    return weight * f_i * (1 - f_f), weight * f_f * (1 - f_i)
