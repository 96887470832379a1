"""Beyond the paper: where the current drives two coupled modes unstable, vs bias and gate.

The growth rate of the least stable mode, ``max_k Im z_k`` of the dressed modes'
complex eigenfrequencies (:func:`symehp.instability_map`, symehp's ``D^r`` convention:
``> 0`` is a runaway), on a grid of bias ``V`` (``mu_L = V/2 = -mu_R``) and gate
voltage (both levels shifted), for :func:`symehp.models.gated_two_modes`: the heating
geometry of Fig. 2 (``eps1 - eps2 = Omega``) with two modes, ``M^1 = m sigma_x``,
``M^2 = m sigma_y``.  Panel (a) the map with its zero contour (the stability
boundary); panel (b) cuts at three gate voltages.
"""

from __future__ import annotations

import numpy as np

from ..applications.instability import instability_map
from ..models import GATED_TWO_MODES, gated_two_modes
from ._output import parameter_text, pyplot, write_figure

NAME = "instability_map"
TITLE = "Beyond the paper: current-driven instability of two coupled modes vs bias and gate"

T_E = 0.05
V_MAX = 3.0
GATE_MAX = 1.0
#: grid (bias points, gate points): each point is one self-consistent eigenmode solve
POINTS = (16, 11)
CUTS = (0.0, 0.5, 1.0)


def data(points=None):
    """The long-form CSV columns (V, gate, growth_rate) and the DataArray, on a
    ``points`` = (bias, gate) grid (default :data:`POINTS`)."""
    n_v, n_g = POINTS if points is None else points
    growth = instability_map(gated_two_modes, V=np.linspace(0.0, V_MAX, n_v),
                             gate=np.linspace(-GATE_MAX, GATE_MAX, n_g), T_e=T_E)
    V, gate = np.meshgrid(growth["V"].values, growth["gate"].values, indexing="ij")
    cols = {"V": V.ravel(), "gate": gate.ravel(), "growth_rate": growth.values.ravel()}
    return cols, growth


def _draw(growth):
    plt = pyplot()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12.0, 4.8), constrained_layout=True)
    V, gate = growth["V"].values, growth["gate"].values
    g = growth.values
    span = float(np.max(np.abs(g)))
    mesh = ax.pcolormesh(gate, V, g, cmap="RdBu_r", vmin=-span, vmax=span, shading="nearest")
    if g.min() < 0 < g.max():
        ax.contour(gate, V, g, levels=[0.0], colors="k", linewidths=1.4)
    fig.colorbar(mesh, ax=ax, label=r"growth rate max Im $z$ [energy]  (> 0: unstable)")
    ax.set_xlabel("gate voltage (both levels shifted) [energy]")
    ax.set_ylabel("bias eV [energy]")
    ax.set_title("(a) least stable mode; black: stability boundary")
    colors = plt.cm.viridis(np.linspace(0.0, 0.8, len(CUTS)))
    for cut, col in zip(CUTS, colors):
        j = int(np.argmin(np.abs(gate - cut)))
        bx.plot(V, g[:, j], color=col, lw=1.6, marker="o", ms=3,
                label=f"gate = {gate[j]:.2f}")
    bx.axhline(0.0, color="0.6", lw=0.8)
    bx.set_xlabel("bias eV [energy]")
    bx.set_ylabel(r"growth rate max Im $z$ [energy]")
    bx.set_title("(b) cuts at fixed gate")
    bx.set_xlim(V[0], V[-1])
    bx.legend(loc="upper left", fontsize=8, frameon=False)
    fig.suptitle(f"{TITLE}\ngated_two_modes: {parameter_text(GATED_TWO_MODES, per_line=8)}, "
                 rf"T_e = {T_E:g}" "\n" r"$\mu_L = V/2 = -\mu_R$; "
                 r"$D^r \sim e^{-izt}$: damped modes have Im $z$ < 0", fontsize=9.5)
    return fig


def figure(points=None):
    """The matplotlib figure that :func:`make` saves, on a ``points`` = (V, gate) grid."""
    return _draw(data(points)[1])


def make(out, *, png=None, points=None):
    """Write instability_map.csv and instability_map.png into ``out``; return the paths.

    ``png`` as in :func:`symehp.figures._output.write_figure`; ``points`` as for
    :func:`data`.
    """
    cols, growth = data(points)
    comments = [
        "growth rate of the least stable mode of a two-mode junction (beyond Hu, Nian & Lu 2019)",
        "units: hbar = e = k_B = 1; V, gate, growth_rate in energy units",
        "model: symehp.models.gated_two_modes(gate), "
        + parameter_text(GATED_TWO_MODES, per_line=8) + f"; T_e = {T_E:g}; mu_L = V/2 = -mu_R",
        "growth_rate = max_k Im z_k (D^r convention, z the dressed eigenfrequencies); "
        "> 0: unstable (runaway)"]
    return write_figure(out, NAME, cols, comments, lambda: _draw(growth), png=png)
