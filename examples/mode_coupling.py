"""Beyond the paper: the bias-induced (curl) coupling of two modes and Eq. (9)'s a.

Writes ``mode_coupling.csv`` and ``.png`` into the ``--out`` directory
(default ``figures/``; the PNG needs matplotlib) and prints, for the figure's
model, the flat-DOS ``a`` (Eq. 7 normalization), the paper's ``a`` and the
Eq. (9) coefficients the model implies.

Run: python examples/mode_coupling.py [--out DIR]
"""

import _figure

from symehp.applications.eq9 import eq9_coefficients, flat_dos_a, paper_a
from symehp.figures import mode_coupling as fig


def main(argv=None):
    _figure.main("mode_coupling", argv)
    model = fig._model()
    print(f"flat-DOS a = -Im tr[M1 A_L M2 A_R]/(2 pi) = {flat_dos_a(model):.8g}")
    print(f"paper's  a =  Im tr[M1 A_L M2 A_R]/pi     = {paper_a(model):.8g}  (ratio -2)")
    c = eq9_coefficients(model, V=fig.EQ9_BIAS, T_e=fig.T_E)
    print(f"Eq. (9) at V = {c.V:g}, T_e = {c.T_e:g} ({c.frequency}): Omega = {c.Omega:.8g}, "
          f"delta = {c.delta:.8g}, gamma = {c.gamma:.6g}, a = {c.a:.8g}, b = {c.b:.6g}, "
          f"c = {c.c:.6g}")
    print(f"  not in Eq. (9): gamma_1, gamma_2 = {c.gamma_modes[0]:.6g}, {c.gamma_modes[1]:.6g}; "
          f"kappa = {c.kappa:.3g}; even antisymmetric part = {c.anti_even:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
