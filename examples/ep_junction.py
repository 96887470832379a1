"""A junction's own current-induced exceptional point, next to its Eq. (9) reduction.

Writes ``ep_junction.csv`` and ``.png`` into the ``--out`` directory (default
``figures/``; the PNG needs matplotlib) and prints the junction's EP (closest approach
to coalescence at real bias) and the closed-form EP of its Eq. (9) reduction, at two
level widths (``scale``): they agree better as the DOS flattens.

Run: python examples/ep_junction.py [--out DIR]
"""

import _figure

from symehp.applications.two_modes import exceptional_point
from symehp.figures import ep_junction as fig
from symehp.models import ep_junction


def main(argv=None):
    _figure.main("ep_junction", argv)
    rows = []
    for scale in (1.0, 2.0):
        ep = exceptional_point(model=ep_junction(scale), T_e=fig.T_E)
        w1, w2 = ep.frequencies_at_closest
        rows += [f"scale {scale:g}: junction EP at V = {ep.closest:.6f} (overlap "
                 f"{ep.overlap_at_closest:.4f}), omega = {w1:.6f}, {w2:.6f}",
                 f"    Eq. (9) reduction: V_EP = {ep.V[-1]:.6f}, omega_EP = "
                 f"{ep.reduction.frequency:.6f}; a = {ep.coefficients.a:.4g}, "
                 f"b = {ep.coefficients.b:.3g}"]
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
