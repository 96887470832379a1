r"""
Electric current from a cold spot (Fig. 3)
==========================================

At zero bias, :math:`\mu_L = \mu_R = \mu`, a temperature difference between the
electrons and the phonon bath still drives a particle current when the
junction is asymmetric.  In the two-level model with
:math:`\varepsilon_1 - \varepsilon_2 = \Omega` (level 1 on L above level 2 on
R) an electron that emits a quantum into a cold mode hops from L to R.  With
:math:`\mu_{\alpha\beta} = 0` in every channel,

.. math::

   I = \int_0^\infty \frac{d\omega}{2\pi}\,
       \mathrm{Tr}\bigl[(\Lambda^{LR}(\omega) - \Lambda^{RL}(\omega))\,
       \mathcal{A}_{ph}(\omega)\bigr]\,
       \bigl[n_B(\omega, T_e) - n_B(\omega, T_{ph})\bigr],

so :math:`I` vanishes at :math:`T_{ph} = T_e` and reverses for a hot spot.
:math:`I > 0` means electrons flowing from L to R (the electric current is
:math:`-eI`).  Each electron carries the energy :math:`J/I`, which tends to
:math:`\varepsilon_1 - \varepsilon_2` for narrow levels (tight coupling).
"""

# %%
# The current against the phonon temperature
# ------------------------------------------
# :func:`symehp.cold_spot` evaluates :func:`symehp.transport` at
# :math:`\mu_L = \mu_R` for each :math:`T_{ph}`.
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications import fig2_model

T_e = 0.1
T_ph = np.linspace(0.0, 0.2, 21)
spot = symehp.cold_spot(fig2_model("heating"), T_e=T_e, T_ph=T_ph)

print("T_ph < T_e (cold spot): I =", spot.I[0], "> 0, electrons L -> R")
print("T_ph = T_e            : I =", spot.I[10])
print("T_ph > T_e (hot spot) : I =", spot.I[-1], "< 0")

# %%
# Energy per transferred electron
# -------------------------------
# ``energy_per_electron`` is :math:`J/I`, with its finite limit at
# :math:`T_{ph} = T_e`.  Narrower levels bring it closer to
# :math:`\varepsilon_1 - \varepsilon_2 = \Omega = 1`.
widths = (0.2, 0.1, 0.05)
ratio = {g: symehp.cold_spot(fig2_model("heating", gamma1=g, gamma2=g), T_e=T_e,
                             T_ph=T_ph).energy_per_electron for g in widths}

# I and J on their own linear axes (both change sign at T_ph = T_e: a log scale
# would hide that crossing)
fig, (ax_i, ax_j, ax2) = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
for ax, values, label in ((ax_i, spot.I, "I (electrons / time, L -> R)"),
                          (ax_j, spot.J, "J (energy / time into the modes)")):
    ax.plot(T_ph, values)
    ax.axvline(T_e, color="0.6", lw=0.8)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.set_xlabel(r"$T_{ph}$")
    ax.set_ylabel(label)
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
ax_i.set_title(rf"zero bias, $T_e = {T_e}$")
for g, r in ratio.items():
    ax2.plot(T_ph, r, label=rf"$\gamma_1 = \gamma_2 = {g}$")
ax2.axhline(1.0, color="k", ls=":", label=r"$\varepsilon_1 - \varepsilon_2$")
ax2.set_xlabel(r"$T_{ph}$")
ax2.set_ylabel("J / I [energy]")
ax2.legend()
plt.show()

# %%
# Per channel
# -----------
# The current is carried by the two inter-electrode baths, RL (3) and LR (4),
# in opposite directions; the intra-electrode ones move no charge.
for name in ("LL", "RR", "RL", "LR"):
    print(f"{name}: I = {spot.I_by_channel[name][0]: .3e}   J = {spot.J_by_channel[name][0]: .3e}")
