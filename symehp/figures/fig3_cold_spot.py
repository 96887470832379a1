"""Fig. 3: electric current from a cold spot.

Zero bias, electrons at ``T_e``, phonon bath at ``T_ph``: the two-level model
with ``eps1 - eps2 = Omega`` pumps electrons from L to R when the phonons are
colder (``I > 0``), none at ``T_ph = T_e``, and the other way for a hot spot.
Panels, against ``T_ph`` at fixed ``T_e`` and for decreasing level widths:
(a) the particle current ``I``, (b) the energy current ``J``, each on a
linear axis (the sign change at ``T_ph = T_e`` is a smooth crossing) with an
inset magnifying the cold-spot side, ~100 times smaller than the hot-spot
side; (c) the energy carried per electron, ``J / I``, against the
tight-coupling value ``eps1 - eps2``.
"""

from __future__ import annotations

import numpy as np

from ..applications.cold_spot import cold_spot
from ..models import FIG2, fig2_model
from ._output import parameter_text, pyplot, write_figure

NAME = "fig3_cold_spot"
TITLE = "Fig. 3: electric current from a cold spot (zero bias, T_ph != T_e)"

T_E = 0.1
WIDTHS = (0.2, 0.1, 0.05)
WIDTH_STYLES = ("-", "--", ":")


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


def _sign_text(values):
    """``> 0``, ``< 0`` or ``changes sign``: the sign of every value in ``values``."""
    return "> 0" if np.all(values > 0) else "< 0" if np.all(values < 0) else "changes sign"


def _draw_current(ax, cols, quantity):
    """``quantity`` (``"I"`` or ``"J"``) for every width on a linear axis, with
    an inset that magnifies the cold-spot side ``T_ph < T_e``; returns the
    hot-spot sign (``"< 0"``, ...) for the title."""
    T_ph = cols["T_ph"]
    curves = {w: cols[f"{quantity}_gamma{w:g}"] for w in WIDTHS}
    inset = ax.inset_axes([0.08, 0.08, 0.5, 0.45])
    for (w, y), style in zip(curves.items(), WIDTH_STYLES):
        for target in (ax, inset):
            target.plot(T_ph, y, ls=style, lw=1.6, label=f"gamma1 = gamma2 = {w:g}")
    cold = T_ph < T_E
    peak = max(np.max(np.abs(y[cold])) for y in curves.values())
    inset.set_xlim(0.0, T_E * 1.05)
    inset.set_ylim(-0.1 * peak, 1.15 * peak)
    inset.tick_params(labelsize=7)
    inset.yaxis.get_offset_text().set_fontsize(7)
    inset.set_title(f"cold spot, T_ph < T_e: {quantity} {_signs(curves, cold)}", fontsize=8)
    ax.indicate_inset_zoom(inset, edgecolor="0.5")
    for target in (ax, inset):
        target.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        target.axvline(T_E, color="0.4", ls=":", lw=1)
        target.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    ax.set_xlabel(f"phonon-bath temperature T_ph  [energy]   (T_e = {T_E:g})")
    return _signs(curves, T_ph > T_E)


def _signs(curves, where):
    """The sign of every curve in ``curves`` on the points ``where``, e.g. ``> 0``."""
    return " / ".join(sorted({_sign_text(y[where]) for y in curves.values()}))


def _draw(cols):
    plt = pyplot()
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 5.4), constrained_layout=True)
    T_ph = cols["T_ph"]
    hot = _draw_current(ax1, cols, "I")
    ax1.set_ylabel("particle current I, L -> R  [1 / time]  (electric current -e I)")
    ax1.set_title(f"(a) particle current at zero bias\nhot spot, T_ph > T_e: I {hot}",
                  fontsize=10)
    hot = _draw_current(ax2, cols, "J")
    ax2.set_ylabel("energy current J, electrons -> bosons  [energy / time]")
    ax2.set_title(f"(b) energy current at zero bias\nhot spot, T_ph > T_e: J {hot}",
                  fontsize=10)
    for w, style in zip(WIDTHS, WIDTH_STYLES):
        ax3.plot(T_ph, cols[f"J_over_I_gamma{w:g}"], ls=style, lw=1.6)
    ax3.axhline(FIG2["omega"], color="k", lw=0.9, label="tight coupling eps1 - eps2 = Omega")
    ax3.axvline(T_E, color="0.4", ls=":", lw=1)
    ax3.set_xlabel("phonon-bath temperature T_ph  [energy]")
    ax3.set_ylabel("energy per transferred electron J / I  [energy]")
    ax3.set_title("(c) energy carried per electron\n(T_ph = T_e: the limit)", fontsize=10)
    ax3.legend(fontsize=8, loc="lower right")
    fig.legend(*ax1.get_legend_handles_labels(), loc="outside lower center", ncol=len(WIDTHS),
               fontsize=9, title="level widths (all panels)", title_fontsize=9)
    fig.suptitle(f"{TITLE}\nsymehp defaults (the paper gives none): eps1 = +Omega/2, "
                 f"eps2 = -Omega/2, {parameter_text(FIG2, per_line=5)}, mu_L = mu_R = 0",
                 fontsize=10)
    return fig


def figure(points=61):
    """The matplotlib figure that :func:`make` saves, computed on ``points`` temperatures."""
    return _draw(data(points))


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
