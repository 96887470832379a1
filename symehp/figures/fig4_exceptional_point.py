"""Fig. 4: the current-induced exceptional point of two coupled modes, Eq. (9).

Panels: (a) Im and (b) Re of the two eigen-frequencies (principal square roots
of the eigenvalues of Eq. (9)) against bias, (c) the overlap of the two right
eigenvectors.  With the paper's gamma = 0.001 the exact EP is at a complex
bias; the figure marks the closest approach on the real axis and states the
complex V_EP.
"""

from __future__ import annotations

import numpy as np

from ..applications.two_modes import FIG4, exceptional_point, two_mode_dynamics
from ._output import parameter_text, pyplot, write_figure

NAME = "fig4_exceptional_point"
TITLE = "Fig. 4: current-induced exceptional point of two modes (Eq. 9)"

N_POINTS = 1401


def data(params=FIG4, n=N_POINTS):
    """(columns for the CSV, the ExceptionalPoint) on positive bias 0 .. 2|V_EP|."""
    ep = exceptional_point(**params)
    # the finder's closest approach is added to the grid so the curves show the peak
    V = np.union1d(np.linspace(*ep.v_range, n), [ep.closest])
    dyn = two_mode_dynamics(V, **params)
    w = dyn.frequencies
    cols = {"V": V, "omega1_re": w[:, 0].real, "omega1_im": w[:, 0].imag,
            "omega2_re": w[:, 1].real, "omega2_im": w[:, 1].imag, "overlap": dyn.overlap}
    return cols, ep


def _ep_text(ep):
    v = ep.V[-1]
    return (f"exact EP (complex bias): V_EP = \u00b1({v.real:.6f} {'+' if v.imag >= 0 else '-'} "
            f"{abs(v.imag):.3g} i)\n"
            f"closest real bias: V = {ep.closest:.6f}, overlap = {ep.overlap_at_closest:.6f}")


def _draw(cols, ep, params):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.6), constrained_layout=True)
    V = cols["V"]
    style = [dict(color="tab:blue", label=r"$\omega_1$"),
             dict(color="tab:red", ls="--", label=r"$\omega_2$")]
    for part, ax, tag in (("im", axes[0], "(a) Im"), ("re", axes[1], "(b) Re")):
        for j in (1, 2):
            ax.plot(V, cols[f"omega{j}_{part}"], lw=1.6, **style[j - 1])
        ax.set_title(f"{tag} of the eigen-frequencies")
        ax.set_ylabel(rf"{tag.split()[1]} $\omega$ [energy]")
    axes[0].axhline(0.0, color="0.6", lw=0.8)
    axes[2].plot(V, cols["overlap"], color="k", lw=1.6, label="overlap")
    axes[2].plot([ep.closest], [ep.overlap_at_closest], "o", color="tab:orange",
                 label=f"max {ep.overlap_at_closest:.6f}"
                 + ("" if ep.on_real_axis else " (< 1: EP off the real axis)"))
    axes[2].set_title(r"(c) eigenvector overlap $|\langle v_1|v_2\rangle|/(|v_1||v_2|)$")
    axes[2].set_ylabel("overlap [dimensionless]")
    axes[2].set_ylim(0.0, 1.05)
    # legends where the curves leave room: below the growing branch in (a),
    # under the Re branches in (b), under the overlap curve and above the EP box in (c)
    anchors = ((0.0, 0.0), (1.0, 0.0), (1.0, 0.17))
    for ax, loc, anchor in zip(axes, ("lower left", "lower right", "lower right"), anchors):
        ax.axvline(ep.closest, color="tab:orange", lw=0.9, ls=":",
                   label=f"closest approach V = {ep.closest:.4f}")
        ax.set_xlabel("bias eV [energy]")
        ax.set_xlim(V[0], V[-1])
        ax.legend(loc=loc, bbox_to_anchor=anchor, fontsize=8, frameon=False)
    fig.suptitle(f"{TITLE}\n{parameter_text(params, per_line=6)}   "
                 "(Eq. 9 as printed: damped modes have Im $\\omega$ > 0)", fontsize=10)
    axes[2].text(0.98, 0.04, _ep_text(ep), transform=axes[2].transAxes, ha="right",
                 va="bottom", fontsize=8, bbox=dict(fc="white", ec="0.7", alpha=0.9))
    return fig


def figure(n=N_POINTS):
    """The matplotlib figure that :func:`make` saves, on about ``n`` biases."""
    cols, ep = data(n=n)
    return _draw(cols, ep, FIG4)


def make(out, *, png=None):
    """Write fig4_exceptional_point.csv and the .png into ``out``; return the paths.

    ``png`` as in :func:`symehp.figures._output.write_figure`.
    """
    cols, ep = data()
    comments = ["Fig. 4 of Hu, Nian & Lu 2019: Eq. (9) two-mode dynamics vs bias",
                "units: hbar = e = k_B = 1; V, omega in energy units; overlap dimensionless",
                "parameters: " + parameter_text(FIG4, per_line=6),
                "omega1, omega2: principal sqrt of the eigenvalues (tr -/+ sqrt(D))/2",
                "Eq. (9) as printed: (Omega + i gamma)^2, damped modes have Im omega > 0",
                *_ep_text(ep).split("\n")]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols, ep, FIG4), png=png)
