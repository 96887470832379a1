"""Where the current drives two coupled modes unstable, against bias and gate voltage.

Writes ``instability_map.csv`` and ``.png`` into the ``--out`` directory (default
``figures/``; the PNG needs matplotlib) and prints the onset bias at three gate
voltages.  The map itself: ``symehp.instability_map(factory, V=..., gate=...)``, an
xarray.DataArray of the growth rate of the least stable mode (> 0: unstable).

Run: python examples/instability_map.py [--out DIR]
"""

import _figure
import numpy as np

import symehp
from symehp.figures import instability_map as fig
from symehp.models import gated_two_modes


def main(argv=None):
    _figure.main("instability_map", argv)
    growth = symehp.instability_map(gated_two_modes, V=np.linspace(0.0, 3.0, 31),
                                    gate=[0.0, 0.5, 1.0], T_e=fig.T_E)
    for gate in growth["gate"].values:
        cut = growth.sel(gate=gate)
        unstable = cut["V"].values[cut.values > 0]
        onset = f"V = {unstable[0]:.2f}" if unstable.size else "none up to V = 3"
        print(f"gate {gate:.1f}: first unstable bias on the grid {onset}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
