r"""
Symbolic derivations and closed forms
=====================================

Every layer of symehp exists as SymPy objects too: the model, the Green's
functions, the mode propagators, the integrands of the EHP spectra, the
proofs of the paper's identities and the closed forms that the numeric layer
evaluates.  The equations on this page are printed by SymPy when the page is
built.  The central object is the EHP density of states of Eq. (7),

.. math::

   \Lambda^{\alpha\beta}_{mn}(\omega) = -\int \frac{d\varepsilon}{2\pi}\,
   \mathrm{tr}\bigl[M^m A_\alpha(\varepsilon)\, M^n A_\beta(\varepsilon - \omega)\bigr]
   \bigl[f(\varepsilon - \mu_\alpha, T_\alpha) - f(\varepsilon - \omega - \mu_\beta, T_\beta)\bigr],

with :math:`A_\alpha = G^r \Gamma_\alpha G^a` and
:math:`G^r(\varepsilon) = [\varepsilon - H + i(\Gamma_L + \Gamma_R)/2]^{-1}`.
"""

# %%
# Rendering LaTeX on this page
# ----------------------------
# A small helper: an object whose HTML form is display math, which the page's
# MathJax typesets (sphinx-gallery shows the ``_repr_html_`` of the last
# expression of a cell; in Jupyter, SymPy objects render the same way).
import html

import sympy as sp

import symehp


class Math:
    """LaTeX shown as display math (HTML for MathJax); the LaTeX itself as text."""

    def __init__(self, *lines):
        self.tex = r" \\ ".join(lines)

    def _repr_html_(self):
        tex = html.escape(rf"\begin{{gathered}} {self.tex} \end{{gathered}}")
        return f'<div class="math notranslate nohighlight">\\[{tex}\\]</div>'

    def __repr__(self):
        return self.tex


# %%
# The symbolic two-level model
# ----------------------------
# :func:`symehp.two_level` with no arguments: every parameter is a symbol with
# the right assumptions (energies real, widths and frequencies positive).
model = symehp.two_level()
print(model.N, "levels,", model.K, "mode")
Math(r"H = " + sp.latex(model.H), r"M = " + sp.latex(model.M[0]),
     r"\Gamma_L = " + sp.latex(model.gamma_L) + r",\quad \Gamma_R = " + sp.latex(model.gamma_R))

# %%
# Green's functions and spectral functions
# ----------------------------------------
# :mod:`symehp.greens` (electrons, in :math:`\varepsilon`) and
# :mod:`symehp.modes` (the mode damped by the ohmic phonon bath, in
# :math:`\omega`).
G_r = symehp.greens.retarded(model)
A_L = symehp.greens.spectral(model, "L")
A_ph = symehp.modes.spectral(model)
Math(r"G^r(\varepsilon) = " + sp.latex(G_r),
     r"A_L(\varepsilon) = " + sp.latex(sp.simplify(A_L)),
     r"\mathcal{A}_{ph}(\omega) = " + sp.latex(sp.simplify(A_ph)))

# %%
# The integrand of Eq. (7) for channel 4 (LR), built from them by
# :func:`symehp.ehp.ehp_dos_integrand`.
lr = symehp.channel("LR")
print(lr)
Math(r"\Lambda^{LR}(\omega) = \int d\varepsilon\, \left[" +
     sp.latex(symehp.ehp.ehp_dos_integrand(model, lr)[0, 0]) + r"\right]")

# %%
# A proof
# -------
# :mod:`symehp.verify` proves the paper's identities exactly (every residual
# reduced to 0 by SymPy) and spot-checks the unreduced expressions with mpmath
# at 30 digits.  The fluctuation-dissipation form of Eq. (6), for every
# channel:
proof = symehp.verify.fluctuation_dissipation()
print(proof)
print("residuals:", set(proof.residuals), " mpmath spot check:", proof.spot_check)
Math(proof.latex)

# %%
# A deliberately wrong variant (a missing :math:`1/2`) must fail, so no check
# passes by construction:
wrong = symehp.verify.fluctuation_dissipation(offset=0, strict=False)
print(bool(wrong), wrong.residual)

# %%
# Closed forms
# ------------
# :mod:`symehp.derivations` holds the derivations behind ``symehp derive
# NAME``; each returns its results as SymPy objects, in reading order.
from symehp import derivations

for name, summary in derivations.available().items():
    print(f"{name:22s} {summary}")

# %%
# The exceptional point of Eq. (9): the discriminant, the two complex EP
# biases and the coalesced eigenvalue.
ep = derivations.derive("exceptional_point")
Math(r"D = " + sp.latex(ep["discriminant"]),
     r"V_{EP} = " + sp.latex(ep["V_EP"][1]) + r",\ -V_{EP}",
     r"\lambda_{EP} = " + sp.latex(ep["eigenvalue_EP"]))

# %%
# The lambdified roots are what :func:`symehp.exceptional_point` evaluates:
from symehp.applications.two_modes import FIG4

V_EP = sp.lambdify(list(sp.symbols("Omega delta gamma a b c")), ep["V_EP"][1])
print(complex(V_EP(*FIG4.values())), symehp.exceptional_point(**FIG4).V[-1])

# %%
# Non-reciprocal heat flow: the Sommerfeld expansion of Eq. (7) and the
# temperature slope of :math:`\Lambda` at the resonance of the two-level model
# (negative: hotter electrons transmit less).
rec = derivations.derive("reciprocity")
Math(sp.latex(rec["Lambda(w; T) Sommerfeld"]),
     r"\frac{\partial\Lambda}{\partial(T^2)}\Big|_{\omega = \Omega} = "
     + sp.latex(rec["dLambda/d(T^2) at w = Omega (levels +-Omega/2, gamma1 = gamma2 = gamma)"]))

# %%
# The closed form of the spectrum
# -------------------------------
# :func:`symehp.closed_forms.ehp_dos_closed_form` expands :math:`A_L` and
# :math:`A_R` over their poles and closes every Fermi integral with digamma
# functions :math:`\psi`.  At the resonance :math:`\varepsilon_1 - \varepsilon_2
# = \omega` with equal widths two poles coincide and trigammas appear; here
# the model at numbers, as an exact closed form in :math:`\mu_L, \mu_R, T_e`.
from symehp import closed_forms
from symehp.symbols import T_e, mu_L, mu_R

numbers = symehp.two_level(eps1=sp.Rational(1, 2), eps2=-sp.Rational(1, 2),
                           gamma1=sp.Rational(1, 5), gamma2=sp.Rational(1, 5),
                           m=sp.Rational(1, 10), omega=1, gamma_ph=sp.Rational(1, 20))
lam = closed_forms.ehp_dos_closed_form(numbers, "LR", omega=1)[0, 0]
Math(r"\Lambda^{LR}(\omega = 1) = " + closed_forms.to_latex(lam))

# %%
# Evaluated at a bias and a temperature it is the number the numeric layer
# computes (with its own closed form, in double precision):
point = {mu_L: sp.Rational(3, 10), mu_R: -sp.Rational(3, 10), T_e: sp.Rational(1, 20)}
print(sp.N(lam.subs(point), 20))
print(symehp.ehp_dos(numbers, "LR", 1.0, mu_L=0.3, mu_R=-0.3, T_e=0.05))
