"""Beyond the paper: a junction's own exceptional point, next to its Eq. (9) reduction.

The two-mode junction :func:`symehp.models.ep_junction` (two nearly degenerate modes,
``M^1 = m sigma_x``, ``M^2 = m sigma_y``, wide levels at the middle of the bias window):
its current-induced curl coupling brings the two eigen-frequencies of its effective
dynamical matrix together as the bias grows.  Panels: (a) Im and (b) Re of the two
eigen-frequencies, (c) the overlap of the two right eigenvectors, against bias; solid
the junction (:func:`~symehp.applications.two_modes.two_mode_dynamics` with
``model=``), dashed Eq. (9) with the coefficients the junction implies at its closest
approach (the reduction), whose closed-form EP bias is marked.  Eq. (9)'s sign
convention: damped modes have Im omega > 0.
"""

from __future__ import annotations

import numpy as np

from ..applications.two_modes import exceptional_point, two_mode_dynamics
from ..models import EP_JUNCTION, ep_junction
from ._output import parameter_text, pyplot, write_figure

NAME = "ep_junction"
TITLE = "Beyond the paper: a junction's current-induced exceptional point vs its Eq. (9) reduction"

#: electron temperature (energy units) and the width/coupling scale of the junction
T_E = 0.01
SCALE = 1.0
N_POINTS = 301


def data(n=N_POINTS):
    """(columns for the CSV, the junction's ExceptionalPoint) on 0 .. 2 |V_EP|."""
    model = ep_junction(SCALE)
    ep = exceptional_point(model=model, T_e=T_E)
    V = np.union1d(np.linspace(*ep.v_range, n), [ep.closest])
    junction = two_mode_dynamics(V, model=model, T_e=T_E)
    reduction = two_mode_dynamics(V, **ep.coefficients.params)
    cols = {"V": V}
    for tag, dyn in (("", junction), ("eq9_", reduction)):
        w = dyn.frequencies
        for j in (0, 1):
            cols[f"{tag}omega{j + 1}_re"] = w[:, j].real
            cols[f"{tag}omega{j + 1}_im"] = w[:, j].imag
        cols[f"{tag}overlap"] = dyn.overlap
    return cols, ep


def _ep_text(ep):
    v = ep.V[-1]
    w1, w2 = ep.frequencies_at_closest
    return (f"junction: closest approach V = {ep.closest:.5f}, "
            f"overlap {ep.overlap_at_closest:.4f}\n"
            f"  \u03c9 = {w1.real:.5f}{w1.imag:+.2e}i, {w2.real:.5f}{w2.imag:+.2e}i\n"
            f"Eq. (9) reduction: V_EP = {v.real:.5f}{v.imag:+.2e}i\n"
            f"  \u03c9_EP = {ep.reduction.frequency.real:.5f}{ep.reduction.frequency.imag:+.2e}i")


def _draw(cols, ep):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.8), constrained_layout=True)
    V = cols["V"]
    colors = ("tab:blue", "tab:red")
    for part, ax, tag in (("im", axes[0], "(a) Im"), ("re", axes[1], "(b) Re")):
        for j in (1, 2):
            ax.plot(V, cols[f"omega{j}_{part}"], color=colors[j - 1], lw=1.8,
                    label=rf"junction $\omega_{j}$")
            ax.plot(V, cols[f"eq9_omega{j}_{part}"], color=colors[j - 1], lw=1.1, ls="--",
                    label=rf"Eq. (9) reduction $\omega_{j}$")
        ax.set_title(f"{tag} of the eigen-frequencies")
        ax.set_ylabel(rf"{tag.split()[1]} $\omega$ [energy]")
    axes[2].plot(V, cols["overlap"], color="k", lw=1.8, label="junction")
    axes[2].plot(V, cols["eq9_overlap"], color="tab:green", lw=1.1, ls="--",
                 label="Eq. (9) reduction")
    axes[2].set_title(r"(c) eigenvector overlap $|\langle v_1|v_2\rangle|/(|v_1||v_2|)$")
    axes[2].set_ylabel("overlap [dimensionless]")
    axes[2].set_ylim(0.0, 1.05)
    axes[0].axhline(0.0, color="0.6", lw=0.8)
    axes[0].text(0.98, 0.02, "Im $\\omega$ < 0: the current drives the mode (Eq. 9 sign)",
                 transform=axes[0].transAxes, ha="right", va="bottom", fontsize=7)
    for k, (ax, loc) in enumerate(zip(axes, ("upper left", "lower right", "lower right"))):
        labelled = k != 1          # (b): the curves only, the bias markers are named in (a), (c)
        ax.axvline(ep.closest, color="tab:orange", lw=0.9, ls=":",
                   label=f"junction closest approach V = {ep.closest:.4f}" if labelled else None)
        ax.axvline(ep.V[-1].real, color="tab:purple", lw=0.9, ls="-.",
                   label=f"Re V_EP (Eq. 9 closed form) = {ep.V[-1].real:.4f}" if labelled
                   else None)
        ax.set_xlabel("bias eV [energy]")
        ax.set_xlim(V[0], V[-1])
        ax.legend(loc=loc, fontsize=7, frameon=False)
    axes[2].text(0.02, 0.35, _ep_text(ep), transform=axes[2].transAxes, fontsize=7,
                 va="bottom", ha="left", bbox=dict(fc="white", ec="0.7", alpha=0.9))
    shown = {**EP_JUNCTION, "scale": SCALE, "T_e": T_E}
    fig.suptitle(f"{TITLE}\nep_junction: two levels at 0 (1-L, 2-R), "
                 r"$M^1 = m\,\sigma_x$, $M^2 = m\,\sigma_y$; $\mu_L = V/2 = -\mu_R$; "
                 f"{parameter_text(shown, per_line=8)}", fontsize=9.5)
    return fig


def figure(n=N_POINTS):
    """The matplotlib figure that :func:`make` saves, on about ``n`` biases."""
    return _draw(*data(n))


def make(out, *, png=None):
    """Write ep_junction.csv and ep_junction.png into ``out``; return the paths.

    ``png`` as in :func:`symehp.figures._output.write_figure`.
    """
    cols, ep = data()
    comments = [
        "a two-mode junction's current-induced exceptional point (beyond Hu, Nian & Lu 2019)",
        "units: hbar = e = k_B = 1; V, omega in energy units; overlap dimensionless",
        "model: symehp.models.ep_junction(" + parameter_text({"scale": SCALE}) + "), "
        + parameter_text(EP_JUNCTION, per_line=8) + f"; T_e = {T_E:g}; mu_L = V/2 = -mu_R",
        "omega*, overlap: the junction's effective dynamical matrix (adiabatic Pi^r, "
        "self-consistent w*); eq9_*: Eq. (9) with its coefficients at the closest approach",
        "Eq. (9) sign convention: damped modes have Im omega > 0",
        *_ep_text(ep).split("\n")]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols, ep), png=png)
