"""Fig. 4: the current-induced exceptional point of two modes, Eq. (9).

Writes ``fig4_exceptional_point.csv`` and ``.png`` into the ``--out``
directory (default ``figures/``; the PNG needs matplotlib) and prints the
exact (complex) EP bias and the closest approach on the real bias axis.

Run: python examples/fig4_exceptional_point.py [--out DIR]
"""

import _figure

from symehp.applications.two_modes import FIG4, exceptional_point


def main(argv=None):
    _figure.main("fig4_exceptional_point", argv)
    ep = exceptional_point(**FIG4)
    print("parameters:", ", ".join(f"{k} = {v:g}" for k, v in FIG4.items()))
    print("exact EP bias V_EP (complex):", ", ".join(f"{v:.8g}" for v in ep.V))
    print(f"coalesced frequency omega_EP = {ep.frequency:.8g}")
    print(f"closest real bias V = {ep.closest:.8g}: overlap {ep.overlap_at_closest:.8f}, "
          f"frequencies {', '.join(f'{w:.8g}' for w in ep.frequencies_at_closest)}")
    print(ep.note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
