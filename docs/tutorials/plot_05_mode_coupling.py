r"""
Bias-induced coupling of two modes
==================================

Beyond the paper: where do Eq. (9)'s coefficients come from?  The electrons
give the modes a retarded self-energy :math:`\Pi^r_{mn}(\omega)` (the
electron-hole bubble of :math:`H_{es} = \sum_k u_k\, c^\dagger M^k c`), whose
anti-Hermitian part is the EHP damping of Eq. (7),
:math:`i(\Pi^r_{\alpha\beta} - \Pi^{r\dagger}_{\alpha\beta}) = \Lambda^{\alpha\beta}`.
With :math:`\mu_L = V/2 = -\mu_R`, the part of :math:`\Pi^r_{12}` that is odd in
the bias and antisymmetric in the mode indices,

.. math::

   P(V, \omega) = \tfrac12\bigl[\mathrm{anti}(V) - \mathrm{anti}(-V)\bigr], \qquad
   \mathrm{anti} = \tfrac12\bigl(\Pi^r_{12} - \Pi^r_{21}\bigr),

enters the dynamical matrix as :math:`\begin{bmatrix} 0 & P \\ -P & 0\end{bmatrix}`:
Eq. (9)'s :math:`V(a + ib\Omega)`.  At :math:`\omega \to 0` it is the curl of the
current-induced force,

.. math::

   P(V, 0) = -\frac{1}{2\pi}\int d\varepsilon\,
   \mathrm{Im}\,\mathrm{tr}\bigl[M^1 A_L(\varepsilon) M^2 A_R(\varepsilon)\bigr]
   \bigl(f_L(\varepsilon) - f_R(\varepsilon)\bigr),

so a flat DOS gives :math:`a = -\mathrm{Im}\,\mathrm{tr}[M^1 A_L M^2 A_R]/2\pi`:
:math:`-1/2` times the paper's :math:`a = \mathrm{Im}\,\mathrm{tr}[\dots]/\pi`
(see :doc:`../conventions`, "Where symehp differs from the paper's text").
"""

# %%
# A two-level model with two modes
# --------------------------------
# :func:`~symehp.models.two_level_two_modes`: mode 1 couples
# as :math:`m\sigma_x`, mode 2 as :math:`m\sigma_y`, so
# :math:`\mathrm{tr}[M^1 A_L M^2 A_R]` has an imaginary part and the bias couples
# the modes non-conservatively.
import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications import bias_induced_coupling, paper_a
from symehp.applications.eq9 import flat_dos_a
from symehp.models import two_level_two_modes

T_e = 0.01
model = two_level_two_modes(m=0.01)
V = np.linspace(-2.0, 2.0, 80)                # even number of points: no V = 0
P_static = bias_induced_coupling(model, V=V, T_e=T_e)
print("flat-DOS a (Eq. 7 normalization):", flat_dos_a(model))
print("the paper's a                    :", paper_a(model), "= -2 x the above")

# %%
# :math:`a(V) = P(V, 0)/V` approaches the flat-DOS value at small bias and
# departs from it once the bias window reaches the levels.  Broader levels
# flatten the DOS and the ratio goes to 1.
fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
ax.plot(V, P_static.real / V, label=r"$P(V, 0)/V$")
ax.axhline(flat_dos_a(model), color="k", ls=":", label="flat DOS")
ax.axhline(paper_a(model), color="tab:red", ls="-.", label="paper's formula")
ax.set_xlabel("bias eV")
ax.set_ylabel("a [energy]")
ax.legend()
for scale in (1, 2, 4, 8):
    wide = two_level_two_modes(m=0.01, gamma1=0.4 * scale, gamma2=0.4 * scale)
    bx.plot(V, bias_induced_coupling(wide, V=V, T_e=T_e).real / V / flat_dos_a(wide),
            label=rf"$\gamma_1 = \gamma_2 = {0.4 * scale:g}$")
bx.axhline(1.0, color="k", ls=":")
bx.set_xlabel("bias eV")
bx.set_ylabel(r"$a(V) / a_{\rm flat}$")
bx.legend()
plt.show()

# %%
# Eq. (9)'s coefficients of this model
# ------------------------------------
# :func:`symehp.eq9_coefficients` builds the model's 2 x 2 dynamical matrix
# from the full self-energy plus the phonon bath, in Eq. (9)'s sign
# convention, and reads off :math:`\Omega, \delta, \gamma, a, b, c`;
# ``residual()`` is what Eq. (9)'s form leaves out.
coeffs = symehp.eq9_coefficients(model, V=0.5, T_e=T_e)
print(f"Omega = {coeffs.Omega:.6f}, delta = {coeffs.delta:.6f}, gamma = {coeffs.gamma:.3e}")
print(f"a = {coeffs.a:.4e}, b = {coeffs.b:.4e}, c = {coeffs.c:.4e}")
print("largest entry left out by Eq. (9):", np.abs(coeffs.residual()).max())

# %%
# These coefficients go straight into the two-mode dynamics of the previous
# tutorial.
dyn = symehp.two_mode_dynamics(np.linspace(0, 2, 5), Omega=coeffs.Omega, delta=coeffs.delta,
                               gamma=coeffs.gamma, a=coeffs.a, b=coeffs.b, c=coeffs.c)
print(dyn.frequencies)
