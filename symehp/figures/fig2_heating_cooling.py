"""Fig. 2: bias-driven heating and cooling of a mode, two geometries side by side.

Column (a): ``eps1 - eps2 = +Omega``, the paper's heating geometry (channel 4,
LR, resonant; with a weakly damped mode, ``gamma_ph = 0.01``, the current
drives the mode unstable).  Column (b): ``eps2 - eps1 = +Omega``, the paper's
cooling geometry (the reverse of channel 3, RL, resonant).  Each at
``T = 0.05`` and ``T = 0.2`` (``T_e = T_ph``), bias ``mu_L = V/2 = -mu_R``.

Rows: the energy current electrons -> bosons per channel and in total, its
positive parts (top) and the size of its negative parts (middle) on separate
logarithmic axes, so that a sign change shows as a curve leaving one panel
for the other and not as a kink of a symmetric-log axis; the effective mode
temperature (bottom).  Whether a curve heats or cools the mode (``T_eff``
above or below ``T_ph``) is read from the computed data, not assumed from the
geometry: it is printed in the column titles and the CSV header.

The CSV is in long form: one row per (curve, quantity, bias) with the
curve's parameters and the unit of the value in their own columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..applications.heating import bias_response
from ..ehp import CHANNELS
from ..models import FIG2, fig2_model
from ._output import parameter_text, pyplot, write_figure

NAME = "fig2_heating_cooling"
TITLE = "Fig. 2: bias-driven heating and cooling of a mode (two geometries)"

TEMPERATURES = (0.05, 0.2)
NARROW_GAMMA_PH = 0.01
V_MAX = 2.0

#: geometry -> panel letter (the paper's Fig. 2(a) heating and 2(b) cooling level orders)
PANELS = {"heating": "a", "cooling": "b"}
#: geometry -> the level order and the resonant channel, for the column titles
GEOMETRY_TEXT = {"heating": "eps1 - eps2 = +Omega: channel 4 (LR) resonant",
                 "cooling": "eps2 - eps1 = +Omega: reverse of channel 3 (RL) resonant"}
#: quantity -> unit, in the ``quantity`` and ``unit`` columns of the CSV (hbar = e = k_B = 1)
UNITS = {**{f"J_{ch.name}": "energy/time" for ch in CHANNELS}, "J": "energy/time",
         "n": "1", "T_eff": "energy", "damping": "energy^2", "stable": "1"}
#: columns of the long-form CSV, in order
CSV_COLUMNS = ("panel", "geometry", "T", "gamma_ph", "quantity", "unit", "V", "value")

_CHANNEL_COLORS = {"LL": "tab:gray", "RR": "tab:brown", "RL": "tab:blue", "LR": "tab:red"}
_T_STYLES = dict(zip(TEMPERATURES, ("--", "-")))
_T_COLORS = dict(zip(TEMPERATURES, ("tab:blue", "tab:orange")))
_NARROW_COLOR = "tab:green"


@dataclass(frozen=True)
class Curve:
    """One bias sweep of Fig. 2.

    ``geometry`` is ``"heating"`` or ``"cooling"`` (the level order of
    :func:`~symehp.models.fig2_model`), ``T = T_e = T_ph`` and
    ``gamma_ph`` (the mode's coupling to the phonon bath) are in energy units.
    """

    geometry: str
    T: float
    gamma_ph: float = FIG2["gamma_ph"]

    @property
    def panel(self):
        """The column of the figure: ``"a"`` or ``"b"``."""
        return PANELS[self.geometry]

    @property
    def narrow(self):
        """Whether the mode is the weakly damped one (not the default ``gamma_ph``)."""
        return self.gamma_ph != FIG2["gamma_ph"]

    @property
    def label(self):
        """``T = 0.05`` or, for the narrow mode, ``T = 0.05, gamma_ph = 0.01``."""
        text = f"T = {self.T:g}"
        return f"{text}, gamma_ph = {self.gamma_ph:g}" if self.narrow else text

    @property
    def color(self):
        """The color of the curve's ``T_eff`` (and of its annotations)."""
        return _NARROW_COLOR if self.narrow else _T_COLORS[self.T]


def curves():
    """Every curve of the figure, in drawing order."""
    return [Curve(geo, T) for geo in PANELS for T in TEMPERATURES] + [
        Curve("heating", 0.05, NARROW_GAMMA_PH)]


def data(points=121):
    """curve -> :class:`~symehp.applications.heating.BiasResponse` on ``points``
    biases ``eV`` evenly spaced in ``[0, V_MAX]``."""
    V = np.linspace(0.0, V_MAX, points)
    return {c: bias_response(fig2_model(c.geometry, gamma_ph=c.gamma_ph), V, T_e=c.T, T_ph=c.T)
            for c in curves()}


def quantities(res):
    """quantity (the keys of :data:`UNITS`) -> values of one bias response."""
    out = {f"J_{ch.name}": res.J_by_channel[ch.name] for ch in CHANNELS}
    out.update(J=res.J, n=res.n, T_eff=res.T_eff, damping=res.damping, stable=res.stable)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def long_table(responses):
    """The CSV columns (:data:`CSV_COLUMNS`): one row per (curve, quantity, bias)."""
    blocks = []
    for curve, res in responses.items():
        for quantity, values in quantities(res).items():
            size = res.V.size
            labels = dict(panel=curve.panel, geometry=curve.geometry, T=curve.T,
                          gamma_ph=curve.gamma_ph, quantity=quantity, unit=UNITS[quantity])
            blocks.append({**{k: np.full(size, v) for k, v in labels.items()},
                           "V": res.V, "value": values})
    return {k: np.concatenate([b[k] for b in blocks]) for k in CSV_COLUMNS}


def mode_regimes(res):
    """Where the bias heats or cools the mode: a list of ``(verdict, V_from, V_to)``.

    ``verdict`` is ``"heats"`` (``T_eff > T_ph``), ``"cools"``
    (``T_eff < T_ph``) or ``"unstable"`` (no steady state, ``T_eff`` is nan).
    The equilibrium point ``V = 0`` is left out; a heats/cools boundary is
    interpolated linearly in ``T_eff - T_ph``, the onset of the instability
    is ``res.instability``.
    """
    keep = res.V > 0
    V, excess = res.V[keep], np.asarray(res.T_eff, dtype=float)[keep] - res.T_ph
    verdicts = np.where(np.isnan(excess), "unstable", np.where(excess > 0, "heats", "cools"))
    regimes, start = [], V[0]
    for i in np.flatnonzero(verdicts[1:] != verdicts[:-1]):
        if "unstable" in (verdicts[i], verdicts[i + 1]):
            edge = res.instability
        else:
            edge = V[i] - excess[i] * (V[i + 1] - V[i]) / (excess[i + 1] - excess[i])
        regimes.append((str(verdicts[i]), start, edge))
        start = edge
    regimes.append((str(verdicts[-1]), start, V[-1]))
    return regimes


def regime_text(regimes):
    """``heats``, or ``cools for eV < 0.356, heats for eV > 0.356``, ..."""
    if len(regimes) == 1:
        return regimes[0][0]
    last = len(regimes) - 1
    parts = [f"{word} for eV < {hi:.3f}" if i == 0 else f"{word} for eV > {lo:.3f}" if i == last
             else f"{word} for {lo:.3f} < eV < {hi:.3f}"
             for i, (word, lo, hi) in enumerate(regimes)]
    return ", ".join(parts)


def column_title(geometry, responses):
    """Title of column ``geometry``: its level order and, one line per curve with
    the default mode, whether the bias heats or cools the mode."""
    verdicts = [f"{c.label}: the mode {regime_text(mode_regimes(res))}"
                for c, res in responses.items() if c.geometry == geometry and not c.narrow]
    return "\n".join([f"({PANELS[geometry]}) {GEOMETRY_TEXT[geometry]}", *verdicts])


def instability_label(curve, res):
    """The annotation at the instability bias, naming its curve (on three lines:
    ``T = 0.05, gamma_ph = 0.01:`` / ``unstable for eV > 1.058`` /
    ``(total damping < 0)``), or None when the curve stays stable."""
    if res.instability is None:
        return None
    return f"{curve.label}:\nunstable for eV > {res.instability:.3f}\n(total damping < 0)"


def _signed_parts(y):
    """(positive part, -negative part) of ``y``, nan where the other sign holds."""
    return np.where(y > 0, y, np.nan), np.where(y < 0, -y, np.nan)


def _draw_currents(ax_in, ax_out, geometry, responses):
    """Positive and negative parts of the energy currents of one column, on log axes."""
    for curve, res in responses.items():
        if curve.geometry != geometry or curve.narrow:
            continue
        biased = res.V > 0                      # V = 0 is equilibrium: J = 0 (round-off only)
        parts = quantities(res)
        # the total is drawn wide and beneath, so a channel that carries it all stays visible
        series = [(f"J_{ch.name}", _CHANNEL_COLORS[ch.name], 1.2, 3) for ch in CHANNELS]
        for name, color, lw, z in series + [("J", "k", 2.6, 2)]:
            y = parts[name][biased]
            if not np.any(y):
                continue
            for ax, part in zip((ax_in, ax_out), _signed_parts(y)):
                ax.plot(res.V[biased], part, color=color, ls=_T_STYLES[curve.T], lw=lw, zorder=z)
    for ax in (ax_in, ax_out):
        ax.set_yscale("log")


def _current_legend(ax, responses):
    """Colors name the channel, line styles the temperature."""
    from matplotlib.lines import Line2D
    shown = {name for c, res in responses.items() for name, v in quantities(res).items()
             if name.startswith("J_") and np.any(v)}
    handles = [Line2D([], [], color=_CHANNEL_COLORS[ch.name], lw=1.2,
                      label=f"J_{ch.name} (channel {ch.label})")
               for ch in CHANNELS if f"J_{ch.name}" in shown]
    handles.append(Line2D([], [], color="k", lw=2.6, label="J total"))
    handles += [Line2D([], [], color="0.4", ls=_T_STYLES[T], label=f"T_e = T_ph = {T:g}")
                for T in TEMPERATURES]
    ax.legend(handles=handles, fontsize=7, loc="lower right", ncol=2)


def _draw_temperatures(ax, geometry, responses):
    """Effective mode temperature of one column, its bath temperatures and instabilities."""
    for curve, res in responses.items():
        if curve.geometry != geometry:
            continue
        style = ":" if curve.narrow else _T_STYLES[curve.T]
        ax.semilogy(res.V, res.T_eff, color=curve.color, ls=style, lw=1.6,
                    label=f"T_eff, {curve.label}")
        label = instability_label(curve, res)
        if label is not None:
            ax.axvline(res.instability, color=curve.color, ls=":", lw=1)
            ax.annotate(label, (res.instability, 0.1), xycoords=("data", "axes fraction"),
                        xytext=(6, 0), textcoords="offset points", fontsize=8,
                        color=curve.color, bbox=dict(fc="white", ec=curve.color, alpha=0.9))
    for T in TEMPERATURES:
        ax.axhline(T, color=_T_COLORS[T], lw=0.8, ls=(0, (1, 3)), label=f"bath T_ph = {T:g}")
    ax.legend(fontsize=7, loc="best")


def _quanta_note(ax, geometry, responses):
    """The mode's quanta at zero bias, ``n_B(Omega, T)``: a cold mode has few to pump out."""
    items = [f"{res.n[0]:.2g} at {c.label}" for c, res in responses.items()
             if c.geometry == geometry and not c.narrow]
    ax.text(0.98, 0.04, "quanta in the mode at eV = 0: n = " + ", ".join(items),
            transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
            bbox=dict(fc="white", ec="0.7"))


def _draw(responses):
    plt = pyplot()
    fig, axes = plt.subplots(3, 2, figsize=(12.5, 11.5), sharex=True, constrained_layout=True)
    for col, geometry in enumerate(PANELS):
        ax_in, ax_out, ax_t = axes[:, col]
        _draw_currents(ax_in, ax_out, geometry, responses)
        _draw_temperatures(ax_t, geometry, responses)
        ax_in.set_title(column_title(geometry, responses), fontsize=9.5)
        ax_in.set_ylabel("J > 0: energy electrons -> mode\n[energy / time]")
        ax_out.set_ylabel("-J where J < 0: energy mode -> electrons\n[energy / time]")
        ax_t.set_ylabel("effective mode temperature T_eff  [energy]")
        ax_t.set_xlabel("bias eV = mu_L - mu_R  [energy]")
        _current_legend(ax_in, {c: r for c, r in responses.items() if c.geometry == geometry})
    _quanta_note(axes[2, 1], "cooling", responses)
    fig.suptitle(f"{TITLE}\nsymehp defaults (the paper gives none): levels at +-Omega/2, "
                 f"{parameter_text(FIG2, per_line=5)}; mu_L = V/2 = -mu_R", fontsize=10)
    return fig


def figure(points=121):
    """The matplotlib figure that :func:`make` saves, computed on ``points`` biases."""
    return _draw(data(points))


def _comments(responses):
    lines = ["Fig. 2 (Hu, Nian & Lu 2019): bias-driven heating and cooling of a mode",
             "units: hbar = e = k_B = 1; the unit of each value is in column 'unit'",
             "long form, one row per (curve, quantity, bias): panel (a, b), geometry, "
             "T = T_e = T_ph [energy], gamma_ph [energy], quantity, unit, "
             "V = eV = mu_L - mu_R [energy], value [unit]",
             "quantities: J_LL, J_RR, J_RL, J_LR (per channel) and J (total): energy current "
             "electrons -> bosons; n, T_eff: mode occupation and effective temperature; "
             "damping: total damping (Gamma_ph = 2 Omega gamma_ph units); stable: 1 or 0",
             "model (symehp defaults; the paper gives none): " + parameter_text(FIG2, per_line=9),
             "heating: eps1 = +Omega/2, eps2 = -Omega/2; cooling: swapped; mu_L = V/2 = -mu_R",
             "T_eff and n are nan where the mode is unstable (stable = 0, damping <= 0)"]
    for c, res in responses.items():
        where = f"({c.panel}) {c.geometry}, {c.label}"
        crit = f"none in [0, {V_MAX:g}]" if res.instability is None else f"{res.instability:.10g}"
        lines += [f"instability bias, {where}: {crit}",
                  f"the mode (T_eff vs T_ph), {where}: {regime_text(mode_regimes(res))}"]
    return lines


def make(out, *, png=None, points=121):
    """Write fig2_heating_cooling.csv (and .png) into ``out``; return the paths."""
    responses = data(points)
    return write_figure(out, NAME, long_table(responses), _comments(responses),
                        lambda: _draw(responses), png=png)
