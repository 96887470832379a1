r"""
A molecule between tight-binding chains: leads with a band
==========================================================

The wide-band electrodes of the paper give every level a constant width.  Real
electrodes have a band: a semi-infinite chain with hopping :math:`t` has the
surface Green's function :math:`g_s(E)` with the semicircle density of states on
:math:`|E - \epsilon_0| < 2|t|`, and a device orbital coupled to its surface site
by :math:`v` gets the self-energy :math:`\Sigma(E) = v\,g_s(E)\,v^\dagger`
(:mod:`symehp.leads`).  Outside the band :math:`\Sigma` is real and the
broadening :math:`\Gamma = i(\Sigma - \Sigma^\dagger)` vanishes.

Here a two-level molecule (one orbital on each side, hopping 0.1) sits between
two chains with ``t = 1``.  We compare it with the wide-band model that has the
same broadening at the Fermi level: :math:`g_s(0) = -i/|t|`, so
:math:`\Gamma = 2|v|^2/|t|` at :math:`E = 0`.
"""

# %%
# The two models
# --------------
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp import leads

H = [[0.2, 0.1], [0.1, -0.1]]
M = [[0.0, 0.05], [0.05, 0.0]]                 # one mode, coupling the two orbitals
v = 0.5
chains = symehp.Junction(H, lead_L=leads.chain(1.0, coupling=[v, 0.0]),
                         lead_R=leads.chain(1.0, coupling=[0.0, v]),
                         M=M, omega=0.3, gamma_ph=0.01)
width = 2 * v ** 2 / 1.0                       # -2 Im Sigma at E = 0 for t = 1
wide = symehp.Junction(H, gamma_L=[[width, 0], [0, 0]], gamma_R=[[0, 0], [0, width]],
                       M=M, omega=0.3, gamma_ph=0.01)
print(chains)

# %%
# Elastic transmission
# --------------------
# :func:`symehp.transmission` is the Landauer
# :math:`\mathrm{tr}[\Gamma_L G^r \Gamma_R G^a]`; with chains it vanishes
# outside the band :math:`|E| < 2`, where the wide-band model keeps Lorentzian tails.
E = np.linspace(-2.6, 2.6, 521)
T_chain = symehp.transmission(chains, E)
T_wide = symehp.transmission(wide, E)
print("transmission at E = 0: chains", float(symehp.transmission(chains, 0.0)),
      "wide band", float(symehp.transmission(wide, 0.0)))

# %%
# The EHP density of states of the inter-electrode channel
# --------------------------------------------------------
# :math:`\Lambda^{LR}(\omega)` at a bias of 0.4: with chains it is an energy
# quadrature over the band (the closed form needs wide-band leads).
w = np.linspace(-0.8, 1.2, 41)
kw = dict(mu_L=0.2, mu_R=-0.2, T_e=0.02)
lam_chain = symehp.ehp_dos(chains, "LR", w, **kw)[:, 0, 0].real
lam_wide = symehp.ehp_dos(wide, "LR", w, **kw)[:, 0, 0].real

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
ax1.plot(E, T_chain, label="chain leads")
ax1.plot(E, T_wide, "--", label="wide band, same width at E = 0")
ax1.axvspan(-2, 2, color="0.93", zorder=0, label="band |E| < 2|t|")
ax1.set_xlabel("E")
ax1.set_ylabel("transmission")
ax1.set_title("elastic transmission")
ax1.legend(fontsize=7, loc="upper left")
ax2.plot(w, lam_chain, label="chain leads")
ax2.plot(w, lam_wide, "--", label="wide band")
ax2.axvline(0.4, color="0.6", lw=0.8)
ax2.annotate("eV = 0.4", (0.4, 0.0), xytext=(0.45, 0.2 * np.max(lam_wide)), fontsize=8)
ax2.set_xlabel(r"$\omega$")
ax2.set_ylabel(r"$\Lambda^{LR}_{11}(\omega)$")
ax2.set_title("EHP density of states, channel LR")
ax2.legend(fontsize=8)
fig.tight_layout()

# %%
# At :math:`E = 0` the two transmissions are equal (there
# :math:`\Sigma(0) = -i\Gamma/2` exactly); away from it the chains' self-energy gains
# a real part (level shifts) and a falling width, which the spectra of the modes feel
# at frequencies of the order of the level spacing.  The heating of the mode follows
# from these spectra through Eq. (8): :func:`symehp.transport` takes the same route for
# any lead.
