"""Non-reciprocal heat flow: forward and reversed temperature bias, flat vs structured DOS.

``J(+dT)``: electrons hotter by ``dT`` than the phonon bath (``T_e = T0 + dT``,
``T_ph = T0``); ``-J(-dT)``: the temperatures swapped, sign flipped.  The two
coincide for a reciprocal junction.  Left: a flat electron DOS (levels far
broader than every other energy, at the Fermi level): reciprocal.  Middle:
the Lorentzian levels of the paper's model: the heat flows more easily into
the cold electrons.  Right: the asymmetry ``(J_f + J_b)/(J_f - J_b)``.
"""

from __future__ import annotations

import numpy as np

from ..applications.heating import FIG2, fig2_model
from ..applications.rectification import rectification
from ..model import two_level
from ._output import parameter_text, pyplot, write_figure

NAME = "rectification"
TITLE = "Non-reciprocal heat flow between electrons and phonons"

T0 = 0.1
FLAT_WIDTH = 100.0


def models():
    """label -> model: a flat DOS and the structured two-level model."""
    p = FIG2
    flat = two_level(0.0, 0.0, FLAT_WIDTH, FLAT_WIDTH, p["m"], p["omega"], p["gamma_ph"])
    return {"flat": flat, "structured": fig2_model("heating")}


def data(points=41):
    dT = np.linspace(0.0, 2 * T0, points)
    cols = {"dT": dT}
    for label, model in models().items():
        res = rectification(model, T0=T0, dT=dT)
        cols[f"{label}_J_forward"] = np.asarray(res.J_forward)
        cols[f"{label}_J_backward"] = np.asarray(res.J_backward)
        cols[f"{label}_asymmetry"] = np.asarray(res.asymmetry)
    return cols


def _draw(cols):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.6), constrained_layout=True)
    dT = cols["dT"]
    titles = {"flat": f"(a) flat DOS (levels at 0, gamma1 = gamma2 = {FLAT_WIDTH:g})",
              "structured": "(b) Lorentzian levels (eps = +-Omega/2, gamma = 0.2)"}
    for ax, label in zip(axes[:2], ("flat", "structured")):
        ax.plot(dT, cols[f"{label}_J_forward"], lw=1.8,
                label="J(+dT): T_e = T0 + dT, T_ph = T0")
        ax.plot(dT, -cols[f"{label}_J_backward"], lw=1.6, ls="--",
                label="-J(-dT): T_e = T0, T_ph = T0 + dT")
        ax.set_title(titles[label], fontsize=10)
        ax.set_xlabel("temperature difference dT  [energy]")
        ax.set_ylabel("energy current J  [energy / time]")
        ax.legend(fontsize=8, loc="upper left")
    for label, style in (("flat", "-"), ("structured", "--")):
        axes[2].plot(dT[1:], cols[f"{label}_asymmetry"][1:], ls=style, lw=1.7,
                     label=f"{label} DOS")
    axes[2].axhline(0.0, color="0.6", lw=0.8)
    axes[2].set_xlabel("temperature difference dT  [energy]")
    axes[2].set_ylabel("asymmetry (J_f + J_b)/(J_f - J_b)  [dimensionless]")
    axes[2].set_title("(c) asymmetry: 0 = reciprocal,\n< 0: the flow into the colder electrons wins",
                      fontsize=9)
    worst = np.max(np.abs(cols["flat_asymmetry"]))
    axes[2].annotate(f"flat DOS: |asymmetry| <= {worst:.1e}\n(vanishes as 1/width^2)",
                     (0.03, 0.25), xycoords="axes fraction", fontsize=8)
    axes[2].legend(fontsize=8)
    fig.suptitle(f"{TITLE}: T0 = {T0:g}, mu_L = mu_R = 0; model: "
                 f"{parameter_text({k: v for k, v in FIG2.items() if k not in ('gamma1', 'gamma2')}, per_line=6)}",
                 fontsize=10)
    return fig


def make(out, *, png=None, points=41):
    """Write rectification.csv (and .png) into ``out``; return the paths."""
    cols = data(points)
    comments = ["heat rectification between electrons and phonons (Hu, Nian & Lu 2019, Sec. on",
                "non-reciprocal transport); units hbar = e = k_B = 1; dT, J in energy units",
                f"T0 = {T0}; forward: T_e = T0 + dT, T_ph = T0; backward: swapped; mu_L = mu_R = 0",
                f"flat: two_level(0, 0, {FLAT_WIDTH}, {FLAT_WIDTH}, m, Omega, gamma_ph); "
                "structured: eps1 = Omega/2, eps2 = -Omega/2, gamma1 = gamma2 = 0.2",
                "model: " + parameter_text(FIG2, per_line=9),
                "asymmetry = (J_forward + J_backward)/(J_forward - J_backward), 0 at dT = 0 (limit)"]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols), png=png)
