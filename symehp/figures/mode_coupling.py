"""Beyond the paper: the bias-induced (curl) coupling ``a`` of two modes vs bias.

For the paper's two-level model with two modes, ``M^1 = m sigma_x`` and
``M^2 = m sigma_y`` (:func:`symehp.models.two_level_two_modes`),
panel (a) compares

* ``a(V) = P(V, omega -> 0) / V``, the odd-in-V antisymmetric part of the
  electronic self-energy (quasi-static; exact for the energy-dependent DOS),
* ``Re P(V, Omega) / V`` at the mean mode frequency (dynamic check),
* the flat-DOS limit derived with Eq. (7)'s normalization,
  ``-Im tr[M^1 A_L M^2 A_R] / (2 pi)`` at the Fermi energy,
* the paper's ``Im tr[M^1 A_L M^2 A_R] / pi`` (-2 times the flat-DOS limit).

The y-range is the model's (the computed curves, the flat-DOS limit and 0);
the paper's value, off that range, is stated at the edge it lies beyond.

Panel (b): ``a(V)`` divided by its flat-DOS limit for level widths scaled by
1, 2, 4, 8: the flat limit is approached as the DOS flattens over the bias
window (relative deviation ~ (V^2/12 + pi^2 T^2/3) A''/A at small V).
"""

from __future__ import annotations

import numpy as np

from ..applications.eq9 import bias_induced_coupling, eq9_coefficients, flat_dos_a, paper_a
from ..models import two_level_two_modes
from ._output import parameter_text, pyplot, write_figure

NAME = "mode_coupling"
TITLE = "Beyond the paper: bias-induced curl coupling a(V) of two modes vs Eq. (9)'s a"

#: the model of panel (a) (two_level_two_modes arguments) and the electron temperature
PARAMS = dict(eps1=0.15, eps2=-0.1, gamma1=0.4, gamma2=0.4, m=0.01)
MODES = dict(omega=(0.105, 0.095), gamma_ph=(0.001, 0.001))
T_E = 0.01
V_MAX = 2.0
N_POINTS = 400          # even: the grid avoids V = 0, where a = P / V is 0/0
SCALES = (1, 2, 4, 8)
EQ9_BIAS = 0.5


def _model(scale=1.0):
    p = dict(PARAMS)
    p["gamma1"] *= scale
    p["gamma2"] *= scale
    return two_level_two_modes(**p, **MODES)


def data(n=N_POINTS):
    """Columns of the CSV (the curves of both panels) and the Eq. (9) coefficients."""
    V = np.linspace(-V_MAX, V_MAX, n)
    model = _model()
    omega_bar = float(np.mean(MODES["omega"]))
    cols = {"V": V,
            "a_static": bias_induced_coupling(model, V=V, T_e=T_E).real / V,
            "a_mode_re": bias_induced_coupling(model, V=V, T_e=T_E, omega=omega_bar).real / V,
            "a_flat": np.full(n, flat_dos_a(model)),
            "a_paper": np.full(n, paper_a(model))}
    for s in SCALES:
        ms = _model(s)
        cols[f"ratio_width_x{s}"] = (bias_induced_coupling(ms, V=V, T_e=T_E).real / V
                                     / flat_dos_a(ms))
    eq9 = eq9_coefficients(model, V=EQ9_BIAS, T_e=T_E)
    return cols, eq9


def _eq9_text(c):
    return (f"Eq. (9) coefficients of this model\nat V = {c.V:g} (adiabatic):\n"
            f"\u03a9 = {c.Omega:.5f}, \u03b4 = {c.delta:.5f},\n\u03b3 = {c.gamma:.3g}, "
            f"a = {c.a:.4g},\nb = {c.b:.3g}, c = {c.c:.3g}")


def _data_range(*curves, include=(0.0,), below=0.08, above=0.08):
    """``(bottom, top)`` that holds every value of ``curves`` and ``include``,
    with margins of ``below`` and ``above`` times the span (room for labels):
    the y-range that the model's own data sets."""
    values = np.concatenate([np.ravel(c) for c in curves] + [np.asarray(include, dtype=float)])
    bottom, top = float(np.min(values)), float(np.max(values))
    span = top - bottom
    return bottom - below * span, top + above * span


def _reference_line(ax, value, label, **style):
    """Draw ``y = value`` (with ``label`` in the legend) when it lies in the axes'
    y-range; otherwise leave the range alone and state the value at the edge
    it lies beyond, with an arrow pointing there."""
    bottom, top = ax.get_ylim()
    if bottom <= value <= top:
        ax.axhline(value, label=label, **style)
        return
    below = value < bottom
    ax.annotate(f"{label} = {value:.3g}\n(off scale, {'below' if below else 'above'} this range)",
                xy=(0.5, 0.0 if below else 1.0), xycoords="axes fraction",
                xytext=(0, 22 if below else -22), textcoords="offset points", ha="center",
                va="bottom" if below else "top", fontsize=8, color=style.get("color"),
                arrowprops=dict(arrowstyle="->", color=style.get("color")))


def _draw(cols, eq9):
    plt = pyplot()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12.5, 5.0), constrained_layout=True)
    V = cols["V"]
    ax.plot(V, cols["a_static"], color="tab:blue", lw=2.0,
            label=r"computed, $\omega\to 0$: $P(V,0)/V$")
    ax.plot(V, cols["a_mode_re"], color="tab:cyan", lw=1.2, ls="--",
            label=r"computed at $\omega=\bar\Omega$: Re $P(V,\bar\Omega)/V$")
    ax.plot(V, cols["a_flat"], color="k", lw=1.3, ls=":",
            label=r"flat DOS (Eq. 7 norm.): $-\mathrm{Im\,tr}[M^1A_LM^2A_R]/2\pi$")
    ax.axhline(0.0, color="0.7", lw=0.7, zorder=0)
    ax.set_xlabel("bias eV [energy]")
    ax.set_ylabel(r"$a = P/V$ [energy]   ($P$ in energy$^2$, $V$ in energy)")
    ax.set_title("(a) curl coupling per unit bias, Eq. (9)'s $a$")
    ax.set_xlim(V[0], V[-1])
    ax.set_ylim(*_data_range(cols["a_static"], cols["a_mode_re"], cols["a_flat"],
                             below=0.3, above=0.4))
    _reference_line(ax, cols["a_paper"][0], r"paper: $\mathrm{Im\,tr}[M^1A_LM^2A_R]/\pi$",
                    color="tab:red", lw=1.3, ls="-.")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.text(0.98, 0.98, _eq9_text(eq9), transform=ax.transAxes, fontsize=8, va="top",
            ha="right", bbox=dict(fc="white", ec="0.7", alpha=0.9))
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(SCALES)))
    ratios = [cols[f"ratio_width_x{s}"] for s in SCALES]
    for s, col, ratio in zip(SCALES, colors, ratios):
        bx.plot(V, ratio, color=col, lw=1.6, label=rf"$\gamma_1=\gamma_2={PARAMS['gamma1'] * s:g}$")
    bx.set_ylim(*_data_range(*ratios, include=(0.0, 1.0), below=0.12, above=0.12))
    bx.axhline(1.0, color="k", lw=1.3, ls=":", label="flat-DOS limit (= 1)")
    _reference_line(bx, -2.0, "paper's formula", color="tab:red", lw=1.3, ls="-.")
    bx.axhline(0.0, color="0.7", lw=0.7, zorder=0)
    bx.set_xlabel("bias eV [energy]")
    bx.set_ylabel(r"$a(V)\,/\,a_{\rm flat}$ [dimensionless]")
    bx.set_title("(b) approach to the flat-DOS limit as the levels broaden")
    bx.set_xlim(V[0], V[-1])
    bx.legend(loc="lower center", bbox_to_anchor=(0.5, 0.16), ncol=2, fontsize=8, frameon=False)
    model_text = ("two-level model of Fig. 2 (level 1-L, level 2-R, no hopping), two modes: "
                  r"$M^1 = m\,\sigma_x$, $M^2 = m\,\sigma_y$ (complex); $\mu_L = V/2 = -\mu_R$")
    shown = {**PARAMS, "Omega_1": MODES["omega"][0], "Omega_2": MODES["omega"][1],
             "gamma_ph": MODES["gamma_ph"][0], "T_e": T_E}
    fig.suptitle(f"{TITLE}\n{model_text}\n{parameter_text(shown, per_line=9)}", fontsize=9.5)
    return fig


def figure(n=N_POINTS):
    """The matplotlib figure that :func:`make` saves, computed on ``n`` biases."""
    return _draw(*data(n))


def make(out, *, png=None):
    """Write mode_coupling.csv and mode_coupling.png into ``out``; return the paths.

    ``png`` as in :func:`symehp.figures._output.write_figure`.
    """
    cols, eq9 = data()
    comments = [
        "bias-induced curl coupling of two modes (beyond Hu, Nian & Lu 2019, Eq. 9)",
        "units: hbar = e = k_B = 1; V in energy; a = P/V in energy^2 per unit bias",
        "model: two-level model of Fig. 2, M1 = m sigma_x, M2 = m sigma_y; mu_L = V/2 = -mu_R",
        "parameters: " + parameter_text({**PARAMS, "T_e": T_E}, per_line=9)
        + f", omega = {MODES['omega']}, gamma_ph = {MODES['gamma_ph']}",
        "a_static: P(V, omega->0)/V; a_mode_re: Re P(V, mean mode frequency)/V",
        "a_flat = -Im tr[M1 A_L M2 A_R](0)/(2 pi) (Eq. 7 normalization); "
        "a_paper = Im tr[...]/pi = -2 a_flat",
        "ratio_width_xS: a_static/a_flat with gamma1, gamma2 scaled by S",
        _eq9_text(eq9).replace("\n", " "),
    ]
    return write_figure(out, NAME, cols, comments, lambda: _draw(cols, eq9), png=png)
