"""Fig. 2: bias-driven heating (eps1 - eps2 = Omega) and cooling (eps2 - eps1 = Omega).

Writes fig2_heating_cooling.csv and .png into --out (default figures/) and
prints the effective mode temperature and the instability bias, if any.
Run: python examples/fig2_heating_cooling.py [--out DIR]
"""

import numpy as np
from _figure import main

from symehp.applications.heating import bias_response
from symehp.models import fig2_model

if __name__ == "__main__":
    main("fig2_heating_cooling")
    V = np.array([0.5, 1.0, 1.5, 2.0])
    for geo, T, over in (("heating", 0.05, {}), ("cooling", 0.2, {}), ("cooling", 0.05, {}),
                         ("heating", 0.05, {"gamma_ph": 0.01})):
        res = bias_response(fig2_model(geo, **over), V, T_e=T, T_ph=T)
        crit = "none" if res.instability is None else f"{res.instability:.4f}"
        print(f"{geo} T = {T} {over or ''}: T_eff(V = 0.5 .. 2) = "
              + ", ".join(f"{t:.4g}" for t in res.T_eff) + f"; instability bias: {crit}")
