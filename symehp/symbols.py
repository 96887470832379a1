"""The standard symbols of symehp and the symbolic Fermi and Bose functions.

Conventions (see ``docs/conventions.md``): hbar = e = k_B = 1; energies,
frequencies, temperatures and chemical potentials share one unit.

* ``fermi(x, T) = 1 / (exp(x/T) + 1)``
* ``bose(x, T)  = 1 / (exp(x/T) - 1)``
"""

import sympy as sp

#: electron energy (integration variable of Eq. 7)
eps = sp.Symbol("varepsilon", real=True)
#: boson frequency = energy of an emitted quantum
omega = sp.Symbol("omega", real=True)
#: electrode chemical potentials
mu_L, mu_R = sp.symbols("mu_L mu_R", real=True)
#: electrode temperatures, the common electron temperature, the ph-bath temperature
T_L, T_R = sp.symbols("T_L T_R", positive=True)
T_e = sp.Symbol("T_e", positive=True)
T_ph = sp.Symbol("T_ph", positive=True)

#: chemical potential and temperature of each electrode, by name
MU = {"L": mu_L, "R": mu_R}
TEMPERATURE = {"L": T_L, "R": T_R}


def fermi(x, T):
    """Fermi-Dirac occupation ``1/(exp(x/T) + 1)`` as a SymPy expression."""
    return 1 / (sp.exp(x / T) + 1)


def bose(x, T):
    """Bose-Einstein occupation ``1/(exp(x/T) - 1)`` as a SymPy expression."""
    return 1 / (sp.exp(x / T) - 1)
