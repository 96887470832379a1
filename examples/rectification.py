"""Non-reciprocal heat flow: J(+dT) and -J(-dT), flat vs Lorentzian electron DOS.

Writes rectification.csv and .png into --out (default figures/) and prints the
asymmetry (J_f + J_b)/(J_f - J_b) of both junctions.
Run: python examples/rectification.py [--out DIR]
"""

from _figure import main

from symehp.applications.rectification import rectification
from symehp.figures.rectification import T0, models

if __name__ == "__main__":
    main("rectification")
    for label, model in models().items():
        res = rectification(model, T0=T0, dT=[0.05, 0.1, 0.2])
        print(f"{label:10s} asymmetry at dT = 0.05, 0.1, 0.2: "
              + ", ".join(f"{a:+.3e}" for a in res.asymmetry))
