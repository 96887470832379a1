r"""
Non-reciprocal heat flow
========================

Electrons at temperature :math:`T_e` and a phonon bath at :math:`T_{ph}` exchange
energy through a bosonic mode.  With no bias (:math:`\mu_L = \mu_R`) every EHP
channel has :math:`\mu_{\alpha\beta} = 0`, and the energy current of Eq. (8),

.. math::

   J = \sum_{\alpha\beta} \int_0^\infty \frac{d\omega}{2\pi}\, \omega\,
       \mathrm{Tr}\bigl[\Lambda^{\alpha\beta}(\omega)\, \mathcal{A}_{ph}(\omega)\bigr]
       \bigl[n_B(\omega - \mu_{\alpha\beta}, T_e) - n_B(\omega, T_{ph})\bigr],

is a Landauer formula between two thermal baths.  If the transmission
:math:`\mathcal{T} = \mathrm{Tr}[\Lambda \mathcal{A}_{ph}]` did not depend on
:math:`T_e` (a flat electron DOS gives
:math:`\Lambda = \omega\, \mathrm{tr}[M A M A]/2\pi`), swapping the two
temperatures would only flip the sign of :math:`J`.  Lorentzian levels make
:math:`\Lambda` depend on :math:`T_e` through the Fermi functions of Eq. (7):
the junction rectifies heat, :math:`J(\Delta T) \ne -J(-\Delta T)`.

:func:`symehp.rectification` computes both directions: forward
(:math:`T_e = T_0 + \Delta T`, :math:`T_{ph} = T_0`) and backward (swapped), and
the asymmetry :math:`(J_f + J_b)/(J_f - J_b)`, zero for a reciprocal junction.
"""

# %%
# Two models
# ----------
# The paper's two-level model (level 1 on L, level 2 on R, one mode coupled
# off-diagonally), with the levels at :math:`\pm\Omega/2` as in Fig. 2
# (:func:`symehp.applications.fig2_model`), and the same coupling with levels so
# broad (width 100) that the DOS is flat on every scale that matters.
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications import fig2_model

structured = fig2_model("heating")            # eps = +-0.5, gamma1 = gamma2 = 0.2
flat = symehp.two_level(eps1=0.0, eps2=0.0, gamma1=100.0, gamma2=100.0, m=0.1,
                        omega=1.0, gamma_ph=0.05)

T0 = 0.1
dT = np.linspace(0.0, 0.2, 21)
rect = {"flat DOS": symehp.rectification(flat, T0=T0, dT=dT),
        "Lorentzian levels": symehp.rectification(structured, T0=T0, dT=dT)}

for label, r in rect.items():
    print(f"{label:18s} J_f(dT=0.2) = {r.J_forward[-1]: .4e}   J_b = {r.J_backward[-1]: .4e}"
          f"   asymmetry = {r.asymmetry[-1]: .2e}")

# %%
# Forward against reversed flow
# -----------------------------
# For the flat DOS the two curves coincide (asymmetry of order
# :math:`1/\text{width}^2`); the Lorentzian levels carry more heat *into*
# colder electrons (negative asymmetry): the hotter electrons' Fermi window
# samples the Lorentzian tails, and the transmission drops.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
for ax, (label, r) in zip(axes[:2], rect.items()):
    ax.plot(dT, r.J_forward, label=r"$J(+\Delta T)$")
    ax.plot(dT, -r.J_backward, "--", label=r"$-J(-\Delta T)$")
    ax.set_title(label)
    ax.set_xlabel(r"$\Delta T$")
    ax.set_ylabel("J [energy / time]")
    ax.legend()
for label, r in rect.items():
    axes[2].plot(dT[1:], r.asymmetry[1:], label=label)
axes[2].axhline(0, color="0.6", lw=0.8)
axes[2].set_xlabel(r"$\Delta T$")
axes[2].set_title(r"asymmetry $(J_f + J_b)/(J_f - J_b)$")
axes[2].legend()
plt.show()

# %%
# The symbolic statement
# ----------------------
# ``symehp derive reciprocity`` (:mod:`symehp.derivations.reciprocity`) shows
# why: with a flat DOS :math:`j(T_0 + \Delta T, T_0) + j(T_0, T_0 + \Delta T) = 0`
# identically, while the Sommerfeld expansion of Eq. (7) gives a
# :math:`T_e^2` dependence of :math:`\Lambda` wherever the kernel is curved.
from symehp import derivations

results = derivations.derive("reciprocity")
print(results["j(T0 + dT, T0) + j(T0, T0 + dT)"])      # 0: reciprocal
