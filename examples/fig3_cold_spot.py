"""Fig. 3: the electric current from a cold spot, and the energy carried per electron.

Writes fig3_cold_spot.csv and .png into --out (default figures/).
Run: python examples/fig3_cold_spot.py [--out DIR]
"""

from _figure import main

from symehp.applications.cold_spot import cold_spot
from symehp.models import fig2_model

if __name__ == "__main__":
    main("fig3_cold_spot")
    res = cold_spot(fig2_model("heating"), T_e=0.1, T_ph=[0.05, 0.1, 0.15])
    for t, i, j, r in zip(res.T_ph, res.I, res.J, res.energy_per_electron):
        print(f"T_ph = {t:.2f}: I = {i:+.4e} (L -> R), J = {j:+.4e}, J/I = {r:.4f}")
