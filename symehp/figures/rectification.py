"""Non-reciprocal heat flow: forward and reversed temperature bias, flat vs structured DOS.

``J(+dT)``: electrons hotter by ``dT`` than the phonon bath (``T_e = T0 + dT``,
``T_ph = T0``); ``-J(-dT)``: the temperatures swapped, sign flipped.  The two
coincide for a reciprocal junction.  Left: a flat electron DOS (levels far
broader than every other energy, at the Fermi level): reciprocal.  Middle:
the Lorentzian levels of the paper's model: the heat flows more easily into
the cold electrons.  Right: the asymmetry ``(J_f + J_b)/(J_f - J_b)``, the
flat-DOS curve (~1e-4, of order 1/width^2) drawn above the zero line and
magnified in an inset.
"""

from __future__ import annotations

import numpy as np

from ..applications.rectification import rectification
from ..models import FIG2, fig2_model, two_level
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
    """CSV columns: dT, then J_forward, J_backward and the asymmetry of each model."""
    dT = np.linspace(0.0, 2 * T0, points)
    cols = {"dT": dT}
    for label, model in models().items():
        res = rectification(model, T0=T0, dT=dT)
        cols[f"{label}_J_forward"] = np.asarray(res.J_forward)
        cols[f"{label}_J_backward"] = np.asarray(res.J_backward)
        cols[f"{label}_asymmetry"] = np.asarray(res.asymmetry)
    return cols


def _draw_asymmetry(ax, cols):
    """Panel (c): the asymmetry of both models, the flat-DOS one also magnified in an inset.

    The zero line is drawn beneath the curves and the flat-DOS curve on top of
    everything (with markers), so that it does not hide on the line it nearly is.
    """
    dT = cols["dT"][1:]                          # dT = 0: the asymmetry is 0/0 (limit 0)
    flat, structured = cols["flat_asymmetry"][1:], cols["structured_asymmetry"][1:]
    style = {"flat": dict(color="tab:purple", lw=1.6, marker="o", ms=3, zorder=4),
             "structured": dict(color="tab:green", lw=1.7, ls="--", zorder=3)}
    ax.axhline(0.0, color="0.75", lw=0.8, zorder=1, label="0: reciprocal")
    ax.plot(dT, structured, label="structured DOS (Lorentzian levels)", **style["structured"])
    ax.plot(dT, flat, label=f"flat DOS (|asymmetry| <= {np.max(np.abs(flat)):.1e})",
            **style["flat"])
    scale = 10.0 ** np.floor(np.log10(np.max(np.abs(flat))))
    inset = ax.inset_axes([0.63, 0.46, 0.34, 0.26])
    inset.axhline(0.0, color="0.75", lw=0.8, zorder=1)
    inset.plot(dT, flat / scale, **style["flat"])
    inset.tick_params(labelsize=7)
    inset.set_title("flat DOS, magnified", fontsize=8, color=style["flat"]["color"])
    inset.set_ylabel(f"asymmetry / {scale:.0e}", fontsize=7)
    ax.set_ylim(top=-0.25 * np.min(structured))          # room above the zero line
    ax.set_xlabel("temperature difference dT  [energy]")
    ax.set_ylabel("asymmetry (J_f + J_b)/(J_f - J_b)  [dimensionless]")
    ax.set_title("(c) asymmetry: 0 = reciprocal,\n< 0: the flow into the colder electrons wins",
                 fontsize=9)
    ax.legend(fontsize=8, loc="lower left")


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
    _draw_asymmetry(axes[2], cols)
    fig.suptitle(f"{TITLE}: T0 = {T0:g}, mu_L = mu_R = 0; model: "
                 f"{parameter_text({k: v for k, v in FIG2.items() if k not in ('gamma1', 'gamma2')}, per_line=6)}",
                 fontsize=10)
    return fig


def figure(points=41):
    """The matplotlib figure that :func:`make` saves, computed on ``points`` values of dT."""
    return _draw(data(points))


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
