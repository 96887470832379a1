"""The figures as a reader sees them: axes, titles, annotations and the data files.

Each figure module builds its matplotlib figure with ``figure(...)`` (what
``make`` saves), here on coarse grids so the file runs in seconds.  The tests
read the figures' matplotlib objects, not the PNG: no symmetric-log axes (they
put kinks at the linear/log switch), no twin axes, titles and annotations that
follow the computed data, reference values that do not set the y-range.
"""

import types

import numpy as np
import pytest

from symehp import figures
from symehp.figures import fig2_heating_cooling as fig2
from symehp.figures import fig3_cold_spot as fig3
from symehp.figures import mode_coupling as fig_mc
from symehp.figures import rectification as fig_rect
from symehp.figures._output import read_csv, write_csv

plt = pytest.importorskip("matplotlib.pyplot")

#: coarse grids: figure(**SMALL[name]) is quick and still shows every feature
SMALL = {"rectification": dict(points=9), "fig3_cold_spot": dict(points=11),
         "fig2_heating_cooling": dict(points=21), "fig4_exceptional_point": dict(n=201),
         "mode_coupling": dict(n=40), "ep_junction": dict(n=41),
         "instability_map": dict(points=(5, 3))}
FIG2_POINTS = SMALL["fig2_heating_cooling"]["points"]


@pytest.fixture(scope="module")
def fig2_responses():
    return fig2.data(FIG2_POINTS)


@pytest.fixture(scope="module")
def fig2_figure(fig2_responses):
    fig = fig2._draw(fig2_responses)
    yield fig
    plt.close(fig)


def _all_axes(fig):
    """Every axes of ``fig``, insets included."""
    out = []
    for ax in fig.axes:
        out += [ax, *ax.child_axes]
    return out


def _rows(cols, curve, quantity):
    """(V, value) of one curve and quantity of the long-form Fig. 2 table."""
    pick = ((cols["geometry"] == curve.geometry) & (cols["T"] == curve.T)
            & (cols["gamma_ph"] == curve.gamma_ph) & (cols["quantity"] == quantity))
    return cols["V"][pick], cols["value"][pick]


# ----------------------------------------------------------------- every figure

@pytest.mark.parametrize("name", figures.MODULES)
def test_no_symlog_and_no_twin_axes(name):
    fig = figures.load(name).figure(**SMALL[name])
    try:
        axes = _all_axes(fig)
        for ax in axes:
            assert ax.get_xscale() != "symlog" and ax.get_yscale() != "symlog", ax.get_title()
        boxes = [tuple(np.round(ax.get_position().bounds, 6)) for ax in fig.axes]
        assert len(set(boxes)) == len(boxes), "two axes on one spot: a twin axis"
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- Fig. 2

def test_fig2_csv_is_long_form_and_round_trips(tmp_path, fig2_responses):
    (path,) = fig2.make(tmp_path, png=False, points=FIG2_POINTS)
    text = path.read_text()
    assert text.startswith("# Fig. 2") and "units: hbar = e = k_B = 1" in text
    cols = read_csv(path)
    assert tuple(cols) == fig2.CSV_COLUMNS
    n_rows = len(fig2.curves()) * len(fig2.UNITS) * FIG2_POINTS
    assert all(len(v) == n_rows for v in cols.values())
    keys = set(zip(cols["geometry"], cols["T"], cols["gamma_ph"], cols["quantity"], cols["V"]))
    assert len(keys) == n_rows                               # one row per (curve, quantity, V)
    for quantity, unit in fig2.UNITS.items():
        assert set(cols["unit"][cols["quantity"] == quantity]) == {unit}
    assert set(cols["panel"][cols["geometry"] == "cooling"]) == {"b"}
    for curve, res in fig2_responses.items():
        for quantity, values in fig2.quantities(res).items():
            V, value = _rows(cols, curve, quantity)
            np.testing.assert_allclose(V, res.V, rtol=1e-11, atol=1e-14)
            np.testing.assert_allclose(value, values, rtol=1e-11, atol=1e-300, equal_nan=True)


def test_fig2_current_panels_split_the_signs(fig2_figure, fig2_responses):
    """Top row: J > 0 only; middle row: -J where J < 0, only; both on log axes."""
    axes = np.reshape(fig2_figure.axes, (3, 2))
    for ax_in, ax_out in axes[:2].T:
        assert ax_in.get_yscale() == ax_out.get_yscale() == "log"
        for ax in (ax_in, ax_out):
            ys = np.concatenate([line.get_ydata() for line in ax.get_lines()])
            assert np.all(ys[np.isfinite(ys)] > 0)
    cooling_cold = fig2_responses[fig2.Curve("cooling", 0.05)]
    assert np.any(cooling_cold.J[1:] > 0) and np.any(cooling_cold.J[1:] < 0)   # a sign change


def test_fig2_titles_follow_the_mode_temperature(fig2_figure, fig2_responses):
    """Per curve, 'heats'/'cools' as T_eff lies above/below T_ph in the data."""
    titles = {g: fig2_figure.axes[col].get_title() for col, g in enumerate(fig2.PANELS)}
    assert titles["cooling"].startswith("(b) eps2 - eps1 = +Omega")
    for curve, res in fig2_responses.items():
        if curve.narrow:
            continue
        (line,) = [t for t in titles[curve.geometry].split("\n")
                   if t.startswith(f"{curve.label}: the mode ")]
        above = res.T_eff[res.V > 0] > curve.T
        if above.all():
            assert line.endswith("the mode heats")
        elif not above.any():
            assert line.endswith("the mode cools")
        else:
            assert "heats for eV" in line and "cools for eV" in line
    # the paper calls (b) the cooling geometry, but its cold curve also heats
    assert "T = 0.05: the mode cools for eV <" in titles["cooling"]
    assert "T = 0.2: the mode cools" in titles["cooling"]


def test_fig2_regimes_interpolate_the_crossing_and_take_the_instability():
    V = np.linspace(0.0, 2.0, 9)
    crossing = types.SimpleNamespace(V=V, T_eff=0.1 + 0.01 * (V - 0.6), T_ph=0.1, instability=None)
    assert fig2.mode_regimes(crossing) == [("cools", 0.25, pytest.approx(0.6)),
                                           ("heats", pytest.approx(0.6), 2.0)]
    assert fig2.regime_text(fig2.mode_regimes(crossing)) == \
        "cools for eV < 0.600, heats for eV > 0.600"
    unstable = types.SimpleNamespace(V=V, T_eff=np.where(V < 1.2, 0.3, np.nan), T_ph=0.1,
                                     instability=1.1)
    assert fig2.mode_regimes(unstable) == [("heats", 0.25, 1.1), ("unstable", 1.1, 2.0)]


def test_fig2_instability_annotation_names_its_curve(fig2_figure, fig2_responses):
    narrow = fig2.Curve("heating", 0.05, fig2.NARROW_GAMMA_PH)
    crit = fig2_responses[narrow].instability
    assert crit is not None
    ax = fig2_figure.axes[4]                              # (a), mode temperature
    (note,) = [t for t in ax.texts if "unstable for eV >" in t.get_text()]
    assert note.get_text().startswith(f"{narrow.label}:")
    assert f"unstable for eV > {crit:.3f}" in note.get_text()
    (line,) = [ln for ln in ax.get_lines() if narrow.label in ln.get_label()]
    assert note.get_color() == line.get_color()
    for curve, res in fig2_responses.items():             # only the narrow mode turns unstable
        assert (res.instability is not None) == (curve == narrow)


# ----------------------------------------------------------------- Fig. 3

def test_fig3_currents_on_linear_axes_with_a_cold_spot_inset():
    cols = fig3.data(SMALL["fig3_cold_spot"]["points"])
    fig = fig3._draw(cols)
    try:
        for ax, quantity in zip(fig.axes[:2], ("I", "J")):
            assert ax.get_yscale() == "linear" and quantity in ax.get_ylabel()
            (inset,) = ax.child_axes
            cold = np.concatenate([cols[f"{quantity}_gamma{w:g}"][cols["T_ph"] < fig3.T_E]
                                   for w in fig3.WIDTHS])
            bottom, top = inset.get_ylim()
            assert top < 2 * cold.max() and bottom < 0 < top        # magnifies the cold side
            assert ax.get_ylim()[0] < -10 * cold.max()              # the hot side is far larger
            assert f"cold spot, T_ph < T_e: {quantity} > 0" == inset.get_title()
            assert ax.get_title().endswith(f"hot spot, T_ph > T_e: {quantity} < 0")
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- rectification

def test_rectification_flat_curve_is_visible():
    cols = fig_rect.data(SMALL["rectification"]["points"])
    fig = fig_rect._draw(cols)
    try:
        ax = fig.axes[2]
        zero = [ln for ln in ax.get_lines() if ln.get_label().startswith("0:")]
        (flat,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("flat DOS")]
        assert flat.get_zorder() > max(ln.get_zorder() for ln in zero)
        (inset,) = ax.child_axes
        (magnified,) = [ln for ln in inset.get_lines() if len(ln.get_ydata()) > 2]
        bottom, top = inset.get_ylim()
        assert np.ptp(magnified.get_ydata()) > 0.5 * (top - bottom)   # fills the inset
        np.testing.assert_allclose(magnified.get_ydata() / magnified.get_ydata()[-1],
                                   cols["flat_asymmetry"][1:] / cols["flat_asymmetry"][-1])
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- mode coupling

def test_mode_coupling_range_is_set_by_the_model():
    cols, eq9 = fig_mc.data(SMALL["mode_coupling"]["n"])
    fig = fig_mc._draw(cols, eq9)
    try:
        ax, bx = fig.axes
        bottom, top = ax.get_ylim()
        model = np.concatenate([cols["a_static"], cols["a_mode_re"], cols["a_flat"]])
        assert bottom <= min(model.min(), 0) and top >= model.max()
        assert cols["a_paper"][0] < bottom                   # the paper's value is off scale ...
        assert top - bottom < 3 * (model.max() - min(model.min(), 0))   # ... and sets no range
        assert any("paper" in t.get_text() and "off scale" in t.get_text() for t in ax.texts)
        assert bx.get_ylim()[0] > -2.0
    finally:
        plt.close(fig)


def test_reference_line_drawn_inside_the_range_noted_outside():
    fig, ax = plt.subplots()
    try:
        ax.set_ylim(0.0, 1.0)
        fig_mc._reference_line(ax, 0.5, "inside", color="r")
        fig_mc._reference_line(ax, -3.0, "outside", color="r")
        assert [ln.get_label() for ln in ax.get_lines()] == ["inside"]
        (note,) = ax.texts
        assert note.get_text().startswith("outside = -3") and "below" in note.get_text()
        assert ax.get_ylim() == (0.0, 1.0)
    finally:
        plt.close(fig)


# ----------------------------------------------------------------- CSV writer

def test_csv_label_columns_round_trip(tmp_path):
    path = write_csv(tmp_path / "t.csv", {"quantity": np.array(["J", "T_eff"]),
                                         "value": np.array([1.5, np.nan])}, comments=["u"])
    cols = read_csv(path)
    assert list(cols["quantity"]) == ["J", "T_eff"]
    assert cols["value"][0] == 1.5 and np.isnan(cols["value"][1])


# ----------------------------------------------------------------- a junction's EP

def test_ep_junction_csv_and_markers(tmp_path):
    from symehp.applications.two_modes import exceptional_point
    from symehp.figures import ep_junction as fig
    from symehp.models import ep_junction

    (path,) = fig.make(tmp_path, png=False)
    cols = read_csv(path)
    assert list(cols) == ["V"] + [f"{tag}{q}" for tag in ("", "eq9_") for q in (
        "omega1_re", "omega1_im", "omega2_re", "omega2_im", "overlap")]
    ep = exceptional_point(model=ep_junction(fig.SCALE), T_e=fig.T_E)
    i = int(np.argmax(cols["overlap"]))
    assert cols["V"][i] == pytest.approx(ep.closest, rel=1e-10)
    assert cols["overlap"][i] == pytest.approx(ep.overlap_at_closest, rel=1e-10)
    # the reduction's curves are Eq. (9) with the coefficients at the closest approach
    j = int(np.argmax(cols["eq9_overlap"]))
    assert cols["V"][j] == pytest.approx(ep.reduction.closest, rel=1e-2)
    assert "V_EP" in path.read_text()
    fig_obj = fig.figure(**SMALL["ep_junction"])
    try:
        texts = " ".join(t.get_text() for ax in fig_obj.axes for t in ax.texts)
        assert f"{ep.V[-1].real:.5f}" in texts
    finally:
        plt.close(fig_obj)


# ----------------------------------------------------------------- instability map

def test_instability_map_csv_is_the_map(tmp_path):
    from symehp.figures import instability_map as fig

    points = SMALL["instability_map"]["points"]
    (path,) = fig.make(tmp_path, png=False, points=points)
    cols = read_csv(path)
    assert list(cols) == ["V", "gate", "growth_rate"]
    _, growth = fig.data(points)
    np.testing.assert_allclose(cols["growth_rate"], growth.values.ravel(), rtol=1e-11)
    assert cols["V"].size == np.prod(points)
    V, gate = np.meshgrid(growth["V"], growth["gate"], indexing="ij")
    np.testing.assert_array_equal(cols["V"], V.ravel())
    np.testing.assert_array_equal(cols["gate"], gate.ravel())
    assert "> 0: unstable" in path.read_text()
