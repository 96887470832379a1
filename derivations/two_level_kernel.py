"""Derive the EHP kernel of the paper's two-level model and its flat-DOS limit.

Prints (as LaTeX, or pretty text with --pretty):
* the partial spectral functions A_L, A_R (Lorentzians of the two levels);
* the kernel tr[M A_a(e) M A_b(e - w)]/(2 pi) of each channel: only the
  inter-electrode channels survive (M is off-diagonal and each level touches
  one lead), so Lambda^LL = Lambda^RR = 0 identically;
* the mode spectral function A_ph;
* the flat-DOS slope K_LR = tr[M A_L M A_R]/(2 pi) at e = 0 for broad levels,
  so that Lambda^LR(w) = (w - eV) K_LR.

Run: python derivations/two_level_kernel.py [--pretty]
"""

import sys

import sympy as sp

import symehp
from symehp import ehp, greens, modes
from symehp.symbols import eps, omega


def derive():
    model = symehp.two_level()
    out = {"A_L": greens.spectral(model, "L"), "A_R": greens.spectral(model, "R"),
           "A_ph": sp.simplify(modes.spectral(model))}
    for ch in ehp.CHANNELS:
        out[f"kernel_{ch.name}"] = sp.factor(sp.simplify(ehp.kernel(model, ch)[0, 0]))
    # flat DOS: levels at the Fermi energy, spectral functions taken at e = 0
    e1, e2 = sp.symbols("epsilon_1 epsilon_2", real=True)
    flat = ehp.kernel(model, "LR").subs({eps: 0, omega: 0})[0, 0]
    out["K_LR_flat"] = sp.factor(sp.simplify(flat.subs({e1: 0, e2: 0})))
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    pretty = "--pretty" in argv
    results = derive()
    assert results["kernel_LL"] == 0 and results["kernel_RR"] == 0
    for name, expr in results.items():
        print(f"{name}:")
        print(sp.pretty(expr) if pretty else sp.latex(expr))
        print()


if __name__ == "__main__":
    main()
