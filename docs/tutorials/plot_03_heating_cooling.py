r"""
Heating, cooling and instability of a mode (Fig. 2)
===================================================

A bias :math:`eV = \mu_L - \mu_R` gives the two inter-electrode EHP baths the
chemical potentials :math:`\mu_{LR} = +eV` (channel 4) and
:math:`\mu_{RL} = -eV` (channel 3).  Each bath is an equilibrium boson bath at
:math:`T_e` with that chemical potential, Eq. (6):

.. math::

   \tfrac12\bigl(\Pi^>_{\alpha\beta} + \Pi^<_{\alpha\beta}\bigr)(\omega)
   = \Bigl[n_B(\omega - \mu_{\alpha\beta}, T_e) + \tfrac12\Bigr]\,
     \Lambda^{\alpha\beta}(\omega).

Two geometries of the two-level model (levels at :math:`\pm\Omega/2`,
:math:`\mu_L = V/2 = -\mu_R`):

* heating, :math:`\varepsilon_1 - \varepsilon_2 = +\Omega`: an electron from L
  dropping into level 2 on R emits a quantum; channel 4 is resonant.  Once
  :math:`eV > \Omega` the LR bath is population-inverted, its damping
  :math:`\Lambda^{LR}(\Omega)` turns negative, and for a weakly damped mode the
  total damping crosses zero: a current-driven instability;
* cooling, :math:`\varepsilon_2 - \varepsilon_1 = +\Omega`: the reverse of channel
  3 is resonant and the bias pumps quanta out of the mode.

The steady occupation of the mode is the ratio of emission to damping,

.. math::

   n = \frac{\sum_{\alpha\beta} \Pi^<_{\alpha\beta}(\Omega) + \Gamma_{ph}(\Omega)\, n_B(\Omega, T_{ph})}
            {\sum_{\alpha\beta} \Lambda^{\alpha\beta}(\Omega) + \Gamma_{ph}(\Omega)},
   \qquad n_B(\Omega, T_{\rm eff}) = n .
"""

# %%
# Bias sweeps of both geometries
# ------------------------------
# :func:`symehp.bias_response` returns the currents per channel, the mode's
# occupation, effective temperature and total damping, and the bias at which
# the damping first crosses zero (``instability``, or None).
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications import fig2_model

V = np.linspace(0.0, 2.0, 41)
heating = symehp.bias_response(fig2_model("heating"), V, T_e=0.05, T_ph=0.05)
cooling = symehp.bias_response(fig2_model("cooling"), V, T_e=0.2, T_ph=0.2)
narrow = symehp.bias_response(fig2_model("heating", gamma_ph=0.01), V, T_e=0.05, T_ph=0.05)

print("heating, gamma_ph = 0.05: instability at", heating.instability)
print("heating, gamma_ph = 0.01: instability at eV =", narrow.instability)
print("cooling at T = 0.2: lowest T_eff =", np.nanmin(cooling.T_eff), "< T_ph = 0.2")

# %%
# The same threshold directly
# ---------------------------
# :func:`symehp.instability_bias` scans the damping and refines its first zero
# with Brent's method.
print(symehp.instability_bias(fig2_model("heating", gamma_ph=0.01), T_e=0.05, T_ph=0.05))

# %%
# Currents per channel and the mode temperature
# ---------------------------------------------
fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, constrained_layout=True)
for col, (title, res) in enumerate((("heating, T = 0.05", heating),
                                    ("cooling, T = 0.2", cooling))):
    for name in ("RL", "LR"):
        axes[0, col].plot(V, res.J_by_channel[name], label=f"J_{name}")
    axes[0, col].plot(V, res.J, "k", label="J total")
    axes[0, col].axhline(0, color="0.6", lw=0.8)
    axes[0, col].set_title(title)
    axes[0, col].legend()
    axes[1, col].plot(V, res.T_eff, label=r"$T_{\rm eff}$")
    axes[1, col].axhline(res.T_ph, color="0.6", ls="--", label=r"$T_{ph}$")
    axes[1, col].set_xlabel(r"bias $eV$")
    axes[1, col].legend()
axes[1, 0].plot(V, narrow.T_eff, ":", label=r"$\gamma_{ph} = 0.01$ (nan: unstable)")
axes[1, 0].axvline(narrow.instability, color="tab:purple", lw=0.8)
axes[1, 0].set_yscale("log")
axes[1, 0].legend()
plt.show()

# %%
# Where the instability comes from
# --------------------------------
# The damping of the narrow mode per bath at :math:`eV = 1.5`: the LR part is
# negative and outweighs the phonon bath.
occ = symehp.mode_occupation(fig2_model("heating", gamma_ph=0.01), mu_L=0.75, mu_R=-0.75,
                             T_e=0.05, T_ph=0.05, unstable="flag")
for name, value in occ.damping_by_channel.items():
    print(f"{name:5s} {float(value): .4e}")
print("stable:", bool(occ.stable))
