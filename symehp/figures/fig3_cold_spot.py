"""Fig. 3: electric current from a cold spot.

Zero bias, electrons at ``T_e``, phonon bath at ``T_ph``: the two-level model
with ``eps1 - eps2 = Omega`` pumps electrons from L to R when the phonons are
colder (``I > 0``), none at ``T_ph = T_e``, and the other way for a hot spot.
Panels: (a) ``I`` and ``J`` against ``T_ph`` at fixed ``T_e``; (b) the energy
carried per electron, ``J / I``, against the tight-coupling value
``eps1 - eps2``, for decreasing level widths.
"""

from __future__ import annotations

import numpy as np

from ..applications.cold_spot import cold_spot
from ..applications.heating import FIG2, fig2_model
from ._output import parameter_text, pyplot, write_figure

NAME = "fig3_cold_spot"
TITLE = "Fig. 3: electric current from a cold spot (zero bias, T_ph != T_e)"

T_E = 0.1
WIDTHS = (0.2, 0.1, 0.05)


def data(points=61):
    """CSV columns: T_ph, then I, J, J/I for each level width."""
    T_ph = np.linspace(0.0, 2 * T_E, points)
    cols = {"T_ph": T_ph}
    for g in WIDTHS:
        res = cold_spot(fig2_model("heating", gamma1=g, gamma2=g), T_e=T_E, T_ph=T_ph)
        cols[f"I_gamma{g:g}"] = np.asarray(res.I)
        cols[f"J_gamma{g:g}"] = np.asarray(res.J)
        cols[f"J_over_I_gamma{g:g}"] = np.asarray(res.energy_per_electron)
    return cols


def _draw(cols):
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), constrained_layout=True)
    T_ph = cols["T_ph"]
    g = FIG2["gamma1"]
    ax1.plot(T_ph, cols[f"I_gamma{g:g}"], color="tab:blue", lw=1.8,
             label="I: electrons / time, L -> R")
    ax1.set_ylabel("particle current I  [1 / time]  (electric current -e I)", color="tab:blue")
    ax1b = ax1.twinx()
    ax1b.plot(T_ph, cols[f"J_gamma{g:g}"], color="tab:red", lw=1.5, ls="--",
              label="J: energy / time, electrons -> bosons")
    ax1b.set_ylabel("energy current J  [energy / time]", color="tab:red")
    # the cold-spot current is ~100x smaller than the hot-spot one: symmetric log axes
    for ax in (ax1, ax1b):
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.set_yscale("symlog", linthresh=1e-7)
        ax.set_ylim(-1e-3, 1e-3)
    ax1.axvline(T_E, color="0.4", ls=":", lw=1)
    ax1.annotate("cold spot: I > 0, J > 0", (0.03, 0.93), xycoords="axes fraction", fontsize=9)
    ax1.annotate("hot spot: I < 0, J < 0", (0.62, 0.3), xycoords="axes fraction", fontsize=9)
    ax1.set_xlabel("phonon-bath temperature T_ph  [energy]   (T_e = %g)" % T_E)
    ax1.set_title(f"(a) zero bias, gamma1 = gamma2 = {g:g} (symmetric log scales)", fontsize=10)
    lines = ax1.get_legend_handles_labels()
    lines_b = ax1b.get_legend_handles_labels()
    ax1.legend(lines[0] + lines_b[0], lines[1] + lines_b[1], fontsize=8, loc="lower left")
    for w, style in zip(WIDTHS, ("-", "--", ":")):
        ax2.plot(T_ph, cols[f"J_over_I_gamma{w:g}"], ls=style, lw=1.6,
                 label=f"J / I, gamma1 = gamma2 = {w:g}")
    ax2.axhline(FIG2["omega"], color="k", lw=0.9, label="tight coupling eps1 - eps2 = Omega")
    ax2.axvline(T_E, color="0.4", ls=":", lw=1)
    ax2.set_xlabel("phonon-bath temperature T_ph  [energy]")
    ax2.set_ylabel("energy per transferred electron J / I  [energy]")
    ax2.set_title("(b) energy carried per electron (T_ph = T_e: limit)", fontsize=10)
    ax2.legend(fontsize=8)
    fig.suptitle(f"{TITLE}\nsymehp defaults (the paper gives none): eps1 = +Omega/2, "
                 f"eps2 = -Omega/2, {parameter_text(FIG2, per_line=5)}, mu_L = mu_R = 0",
                 fontsize=10)
    return fig


def make(out, *, png=None, points=61):
    """Write fig3_cold_spot.csv (and .png) into ``out``; return the paths."""
    cols = data(points)
    comments = ["Fig. 3 (Hu, Nian & Lu 2019): current from a cold spot, mu_L = mu_R = 0",
                f"units: hbar = e = k_B = 1; T_ph, J/I in energy units; T_e = {T_E}",
                "I: electrons per unit time from L to R; J: energy per unit time into the bosons",
                "model: eps1 = Omega/2, eps2 = -Omega/2, " + parameter_text(FIG2, per_line=9)
                + "; gamma1 = gamma2 as in the column names",
                "J_over_I at T_ph = T_e is the limit (symmetric mean at T_e(1 +- 1e-3))"]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols), png=png)
