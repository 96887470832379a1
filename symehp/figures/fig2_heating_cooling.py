"""Fig. 2: bias-driven heating and cooling of a mode, two geometries side by side.

Left: ``eps1 - eps2 = +Omega`` (channel 4, LR, resonant: heating, and with a
weakly damped mode the current-driven instability).  Right:
``eps2 - eps1 = +Omega`` (reverse of channel 3, RL, resonant: cooling).  Top
row: energy current per channel against bias; bottom row: effective mode
temperature.  Each geometry at ``T = 0.05`` and ``T = 0.2`` (``T_e = T_ph``);
the heating panel adds a narrow mode (``gamma_ph = 0.01``) that turns
unstable, with the instability bias marked.
"""

from __future__ import annotations

import numpy as np

from ..applications.heating import FIG2, bias_response, fig2_model
from ..ehp import CHANNELS
from ._output import parameter_text, pyplot, write_figure

NAME = "fig2_heating_cooling"
TITLE = "Fig. 2: bias-driven heating and cooling of a mode (two geometries)"

TEMPERATURES = (0.05, 0.2)
NARROW_GAMMA_PH = 0.01
V_MAX = 2.0


def cases():
    """(label, geometry, T, model overrides) of every curve."""
    out = [(f"{geo} T={T:g}", geo, T, {}) for geo in ("heating", "cooling") for T in TEMPERATURES]
    out.append((f"heating T=0.05 gamma_ph={NARROW_GAMMA_PH:g}", "heating", 0.05,
                {"gamma_ph": NARROW_GAMMA_PH}))
    return out


def data(points=121):
    """CSV columns (one row per bias) and the instability biases per case."""
    V = np.linspace(0.0, V_MAX, points)
    cols = {"V": V}
    instabilities = {}
    for label, geo, T, over in cases():
        key = label.replace(" ", "_").replace("=", "")
        res = bias_response(fig2_model(geo, **over), V, T_e=T, T_ph=T)
        for ch in CHANNELS:
            cols[f"{key}_J_{ch.name}"] = np.asarray(res.J_by_channel[ch.name])
        cols[f"{key}_J"] = np.asarray(res.J)
        cols[f"{key}_T_eff"] = np.asarray(res.T_eff)
        cols[f"{key}_damping"] = np.asarray(res.damping)
        cols[f"{key}_stable"] = np.asarray(res.stable)
        instabilities[label] = res.instability
    return cols, instabilities


def _draw(cols, instabilities):
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True, constrained_layout=True)
    V = cols["V"]
    colors = {"LL": "tab:gray", "RR": "tab:brown", "RL": "tab:blue", "LR": "tab:red"}
    for col, geo in enumerate(("heating", "cooling")):
        ax_j, ax_t = axes[0, col], axes[1, col]
        for label, g, T, over in cases():
            if g != geo:
                continue
            key = label.replace(" ", "_").replace("=", "")
            ls = "-" if T == 0.2 else "--"
            if over:
                ls = ":"
            else:
                for ch in CHANNELS:
                    y = cols[f"{key}_J_{ch.name}"]
                    if np.any(y):
                        ax_j.plot(V, y, ls=ls, color=colors[ch.name], lw=1.2,
                                  label=f"J_{ch.name} (channel {ch.label}), T = {T:g}")
                ax_j.plot(V, cols[f"{key}_J"], ls=ls, color="k", lw=1.6, label=f"J total, T = {T:g}")
            ax_t.semilogy(V, cols[f"{key}_T_eff"], ls=ls, lw=1.6,
                          label=f"T_eff, T_e = T_ph = {T:g}" + (f", gamma_ph = {over['gamma_ph']:g}"
                                                              if over else ""))
            crit = instabilities[label]
            if crit is not None:
                ax_t.axvline(crit, color="tab:purple", ls=":", lw=1)
                ax_t.annotate(f"unstable for eV > {crit:.3f}\n(total damping < 0)",
                              (crit, 0.6), xycoords=("data", "axes fraction"),
                              xytext=(6, 0), textcoords="offset points", fontsize=8,
                              color="tab:purple")
        for T in TEMPERATURES:
            ax_t.axhline(T, color="0.6", lw=0.8, ls="-" if T == 0.2 else "--")
        ax_j.axhline(0.0, color="0.6", lw=0.8)
        ax_j.set_ylabel("energy current J  [energy / time]")
        ax_t.set_ylabel("effective mode temperature T_eff  [energy]")
        ax_t.set_xlabel("bias eV = mu_L - mu_R  [energy]")
        ax_j.legend(fontsize=7, loc="upper left")
        ax_t.legend(fontsize=7, loc="upper left")
    axes[0, 0].set_title("(a) heating: eps1 - eps2 = +Omega\n(channel 4, LR, resonant)", fontsize=10)
    axes[0, 1].set_title("(b) cooling: eps2 - eps1 = +Omega\n(reverse of channel 3, RL, resonant)",
                         fontsize=10)
    axes[0, 1].set_yscale("symlog", linthresh=1e-5)
    axes[0, 0].set_yscale("symlog", linthresh=1e-4)
    axes[1, 1].text(0.98, 0.04, "at T = 0.05 the mode holds ~2e-9 quanta: off-resonant\n"
                    "emission wins and the bias heats; at T = 0.2 it cools\n"
                    "(T_eff < T_ph, J < 0)", transform=axes[1, 1].transAxes, ha="right",
                    va="bottom", fontsize=8, bbox=dict(fc="white", ec="0.7"))
    fig.suptitle(f"{TITLE}\nsymehp defaults (the paper gives none): levels at +-Omega/2, "
                 f"{parameter_text(FIG2, per_line=5)}; mu_L = V/2 = -mu_R", fontsize=10)
    return fig


def make(out, *, png=None, points=121):
    """Write fig2_heating_cooling.csv (and .png) into ``out``; return the paths."""
    cols, instabilities = data(points)
    comments = ["Fig. 2 (Hu, Nian & Lu 2019): bias-driven heating and cooling of a mode",
                "units: hbar = e = k_B = 1; V, J (per unit time), T_eff in energy units",
                "model (symehp defaults; the paper gives none): " + parameter_text(FIG2, per_line=9),
                "heating: eps1 = +Omega/2, eps2 = -Omega/2; cooling: swapped; mu_L = V/2 = -mu_R",
                "T_eff and n are nan where the mode is unstable (stable = 0, damping <= 0)"]
    comments += [f"instability bias, {k}: {'none in [0, %g]' % V_MAX if v is None else f'{v:.10g}'}"
                 for k, v in instabilities.items()]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols, instabilities), png=png)
