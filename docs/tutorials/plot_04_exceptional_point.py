r"""
The current-induced exceptional point of two modes (Eq. 9, Fig. 4)
==================================================================

Two nearly degenerate modes, :math:`\omega_\pm = \Omega \pm \delta/2`, are
coupled by the biased electrons.  The paper's effective dynamical matrix,
Eq. (9), kept exactly as printed:

.. math::

   K(V) = \begin{bmatrix}
     (\Omega + \delta/2 + i\gamma)^2 & V(a + ib\Omega) + ic\Omega \\
     -V(a + ib\Omega) + ic\Omega & (\Omega - \delta/2 + i\gamma)^2
   \end{bmatrix}.

:math:`a` is the non-conservative (current-induced) coupling per unit bias,
:math:`b` an effective Lorentz force, :math:`c` the dissipative coupling through
the baths.  The eigenvalues of :math:`K` are squared eigen-frequencies; an
exceptional point (EP) is a zero of the discriminant

.. math::

   D = (\mathrm{tr}\,K)^2 - 4\det K
     = 4\bigl[\delta^2(\Omega + i\gamma)^2 - c^2\Omega^2 - V^2(a + ib\Omega)^2\bigr],

where eigenvalues *and* eigenvectors coalesce.  Solving :math:`D = 0` gives

.. math::

   V_{EP} = \pm\frac{\sqrt{\delta^2(\Omega + i\gamma)^2 - c^2\Omega^2}}{a + ib\Omega},

complex as soon as :math:`\gamma \ne 0`: at real bias the eigenvectors only come
close.  Eq. (9)'s :math:`(\Omega + i\gamma)^2` has the opposite sign of
:math:`\mathrm{Im}` to symehp's :math:`D^r`; it is kept as printed, so damped modes
have :math:`\mathrm{Im}\,\omega > 0` here.
"""

# %%
# Fig. 4's parameters
# -------------------
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications.two_modes import FIG4

print(FIG4)
ep = symehp.exceptional_point(**FIG4)
print("exact EP biases V_EP =", ep.V)
print("on the real axis:", ep.on_real_axis)
print(f"closest approach at real V = {ep.closest:.8f}, overlap {ep.overlap_at_closest:.6f}")
print("coalesced frequency:", ep.frequency)

# %%
# Eigen-frequencies and the eigenvector overlap against bias
# ----------------------------------------------------------
# :func:`symehp.two_mode_dynamics` diagonalizes Eq. (9) in closed form on a
# grid of biases: ``frequencies`` are the principal square roots of the
# eigenvalues, ``overlap`` is :math:`|\langle v_1|v_2\rangle|/(|v_1||v_2|)`
# (1 at an EP).
V = np.linspace(0.0, 1.4, 281)
dyn = symehp.two_mode_dynamics(V, **FIG4)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
for j in range(2):
    axes[0].plot(V, dyn.frequencies[:, j].imag, label=rf"$\omega_{j + 1}$")
    axes[1].plot(V, dyn.frequencies[:, j].real, label=rf"$\omega_{j + 1}$")
axes[2].plot(V, dyn.overlap, "k")
axes[0].set_title(r"Im $\omega$ (> 0: damped)")
axes[1].set_title(r"Re $\omega$")
axes[2].set_title("eigenvector overlap")
for ax in axes:
    ax.axvline(ep.closest, color="tab:orange", ls=":")
    ax.set_xlabel("bias eV")
axes[0].legend()
plt.show()

# %%
# Exactly at the complex EP
# -------------------------
# The matrix accepts a complex bias: at :math:`V_{EP}` the discriminant
# vanishes and the two eigenvectors are one.
at_ep = symehp.two_mode_dynamics(ep.V[-1], **FIG4)
print("|D| at V_EP:", abs(at_ep.discriminant))
print("overlap at V_EP:", at_ep.overlap)

# %%
# Without damping the EP is on the real axis
# ------------------------------------------
# With :math:`\gamma = b = 0` and :math:`|c| < |\delta|` the radicand is real and
# positive: a real-bias EP at :math:`V = \sqrt{\delta^2 - c^2}\,\Omega/a`.
undamped = dict(FIG4, gamma=0.0)
ep0 = symehp.exceptional_point(**undamped)
print(ep0.V, ep0.on_real_axis)
print(np.sqrt(undamped["delta"] ** 2 - undamped["c"] ** 2) * undamped["Omega"] / undamped["a"])
