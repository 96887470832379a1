"""The EHP kernel of the paper's two-level model and its flat-DOS limit.

* the partial spectral functions A_L, A_R (Lorentzians of the two levels);
* the kernel tr[M A_a(e) M A_b(e - w)]/(2 pi) of each channel: only the
  inter-electrode channels survive (M is off-diagonal and each level touches
  one lead), so Lambda^LL = Lambda^RR = 0 identically;
* the mode spectral function A_ph;
* the flat-DOS slope K_LR = tr[M A_L M A_R]/(2 pi) at e = 0 for levels at the
  Fermi energy, so that Lambda^LR(w) = (w - eV) K_LR.
"""

import sympy as sp

from .. import ehp, greens, modes
from ..model import two_level
from ..symbols import eps, omega

NAME = "two_level_kernel"
SUMMARY = "spectral functions, channel kernels and flat-DOS slope of the two-level model"


def derive():
    model = two_level()
    out = {"A_L": greens.spectral(model, "L"), "A_R": greens.spectral(model, "R"),
           "A_ph": sp.simplify(modes.spectral(model))}
    for ch in ehp.CHANNELS:
        out[f"kernel_{ch.name}"] = sp.factor(sp.simplify(ehp.kernel(model, ch)[0, 0]))
    e1, e2 = sp.symbols("epsilon_1 epsilon_2", real=True)
    flat = ehp.kernel(model, "LR").subs({eps: 0, omega: 0})[0, 0]
    out["K_LR_flat"] = sp.factor(sp.simplify(flat.subs({e1: 0, e2: 0})))
    return out
