"""The symehp command end to end: figures, derive, verify (``current`` has its own file)."""

import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from symehp import derivations, figures
from symehp.cli import main
from symehp.errors import ModelError
from symehp.figures._output import read_csv

HAVE_MPL = importlib.util.find_spec("matplotlib") is not None

#: columns every figure's CSV must carry (a subset: the ones the figure draws)
COLUMNS = {
    "rectification": ["dT", "flat_J_forward", "flat_J_backward", "flat_asymmetry",
                      "structured_J_forward", "structured_J_backward", "structured_asymmetry"],
    "fig3_cold_spot": ["T_ph", "I_gamma0.2", "J_gamma0.2", "J_over_I_gamma0.2",
                       "J_over_I_gamma0.05"],
    "fig2_heating_cooling": ["panel", "geometry", "T", "gamma_ph", "quantity", "unit", "V",
                             "value"],
    "fig4_exceptional_point": ["V", "omega1_re", "omega1_im", "omega2_re", "omega2_im", "overlap"],
}


@pytest.fixture(scope="module")
def figure_run(tmp_path_factory):
    """``symehp figures`` once, as from a log: stdout and stderr are not terminals."""
    out = tmp_path_factory.mktemp("figures")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["figures", "--out", str(out)])
    return types.SimpleNamespace(out=out, code=code, stdout=stdout.getvalue(),
                                 stderr=stderr.getvalue())


@pytest.fixture(scope="module")
def figure_dir(figure_run):
    assert figure_run.code == 0, figure_run.stderr
    return figure_run.out


def test_figures_log_has_no_progress_bar(figure_run):
    """stderr not a terminal: no tqdm frames (the figures' nor the numeric code's),
    one plain line per figure on stdout instead."""
    assert figure_run.code == 0
    assert "\r" not in figure_run.stderr and "%|" not in figure_run.stderr, figure_run.stderr
    lines = figure_run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(figures.MODULES)
    for line in lines:
        assert " s  " in line and str(figure_run.out) in line


def test_figures_writes_every_csv_and_png(figure_dir):
    for name in figures.MODULES:
        assert (figure_dir / f"{name}.csv").stat().st_size > 0
        assert (figure_dir / f"{name}.png").exists() == HAVE_MPL


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_figure_csv_columns_and_physics(figure_dir, name):
    cols = read_csv(figure_dir / f"{name}.csv")
    for column in COLUMNS[name]:
        assert column in cols, f"{name}.csv lacks {column}"
    if name == "rectification":
        assert np.all(np.abs(cols["flat_asymmetry"]) < 2e-4)
        assert cols["structured_asymmetry"][-1] < -0.1
    if name == "fig3_cold_spot":
        cold = cols["T_ph"] < 0.1
        assert np.all(cols["I_gamma0.2"][cold] > 0) and np.all(cols["I_gamma0.2"][cols["T_ph"] > 0.1] < 0)
    if name == "fig2_heating_cooling":                   # long form: one row per (curve, V)
        def curve(geometry, T, quantity, gamma_ph=0.05):
            rows = ((cols["geometry"] == geometry) & (cols["T"] == T)
                    & (cols["gamma_ph"] == gamma_ph) & (cols["quantity"] == quantity))
            return cols["V"][rows], cols["value"][rows]
        V, J = curve("cooling", 0.2, "J")
        late = V > 0.2
        assert np.all(J[late] < 0) and np.all(curve("cooling", 0.2, "T_eff")[1][late] < 0.2)
        unstable = curve("heating", 0.05, "stable", 0.01)[1] == 0
        T_eff = curve("heating", 0.05, "T_eff", 0.01)[1]
        assert unstable.any() and np.all(np.isnan(T_eff[unstable]))
    if name == "fig4_exceptional_point":
        assert 0.998 < cols["overlap"].max() < 1.0


def test_figures_list_and_bad_name(capsys):
    assert main(["figures", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in figures.MODULES)
    assert main(["figures", "no_such_figure", "--quiet"]) == 2
    assert "unknown figure" in capsys.readouterr().err


def test_derive_list_every_name_and_bad_name(capsys):
    assert main(["derive", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in derivations.MODULES)
    assert main(["derive", "reciprocity", "--pretty"]) == 0
    text = capsys.readouterr().out
    assert "j(T0 + dT, T0) + j(T0, T0 + dT):\n0" in text
    assert main(["derive", "exceptional_point"]) == 0
    assert "V_EP:" in capsys.readouterr().out
    assert main(["derive", "nope"]) == 2
    assert "unknown derivation" in capsys.readouterr().err


@pytest.mark.parametrize("name", derivations.MODULES)
def test_every_derivation_renders_as_latex(name):
    text = derivations.render(name)
    assert text.startswith(f"% {name}:") and len(text.splitlines()) > 3
    # a paper's notation: psi, Re, Im, tr, arctan; no SymPy function names
    assert "polygamma" not in text and "operatorname" not in text


def test_derive_prints_digamma_and_trigamma_as_psi(capsys):
    assert main(["derive", "two_level_closed_form"]) == 0
    text = capsys.readouterr().out
    assert r"\psi{\left(" in text and r"\psi'{\left(" in text and r"\mathrm{Im}" in text
    assert main(["derive", "two_level_closed_form", "--pretty"]) == 0
    text = capsys.readouterr().out
    assert "\u03c8\u239c" in text and "\u03c8\u2032\u239c" in text and "polygamma" not in text


def test_derive_pretty_prints_varepsilon_as_the_greek_letter(capsys):
    assert main(["derive", "pole_pair", "--pretty"]) == 0
    text = capsys.readouterr().out
    assert "varepsilon" not in text and "(-p + \u03b5)" in text
    assert "expm\u2081(" not in text                                   # expm1(x) as e^x - 1
    assert "\u03c8\u2033" in text                                     # psi'' = polygamma(2, .)


def test_paper_printers_on_small_expressions():
    import sympy as sp
    x, m = sp.symbols("x m")
    latex, pretty = derivations.latex, derivations.pretty
    assert latex(sp.digamma(x)) == r"\psi{\left(x \right)}"
    assert latex(sp.trigamma(x)) == r"\psi'{\left(x \right)}"
    assert latex(sp.polygamma(3, x)) == r"\psi^{(3)}{\left(x \right)}"
    assert latex(sp.polygamma(m, x)) == r"\psi^{(m)}{\left(x \right)}"
    assert latex(sp.trigamma(x) ** 2) == r"\left(\psi'{\left(x \right)}\right)^{2}"
    assert latex(sp.re(x) + sp.atan(x)) == r"\mathrm{Re}{\left(x\right)} + \arctan{\left(x \right)}"
    assert latex(sp.MatrixSymbol("Re(G^r)", 2, 2)) == r"\mathrm{Re}\,G^{r}"
    assert latex(sp.Symbol("varepsilon_i")) == r"\varepsilon_{i}"
    assert pretty(sp.Symbol("varepsilon_i")) == "\u03b5\u1d62"
    assert pretty(sp.trigamma(x)) == "\u03c8\u2032(x)"
    assert pretty(sp.trigamma(x), use_unicode=False) == "psi'(x)"
    assert pretty(sp.polygamma(m, x)) == "polygamma(m, x)"


def test_console_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "symehp.cli", "derive", "--list"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "reciprocity" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "symehp.cli", "figures", "--bogus"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2


# ---------------------------------------------------------------- fast CLI checks (fake figures)

class _TTY(io.StringIO):
    """A stderr that claims to be a terminal."""

    def isatty(self):
        return True


@pytest.fixture
def fake_figures(monkeypatch):
    """Replace every figure module by an instant one; returns the list of made names."""
    made = []

    def fake_load(name):
        def make(out):
            made.append(name)
            path = Path(out) / f"{name}.csv"
            path.write_text("x\n1\n")
            return [path]
        return types.SimpleNamespace(NAME=name, TITLE=name, make=make)

    monkeypatch.setattr(figures, "load", fake_load)
    return made


@pytest.fixture
def no_computing(monkeypatch):
    """Fail if a figure or the quickstart starts computing."""
    def boom(*args, **kwargs):
        raise AssertionError("started computing before checking --out")
    import symehp.quickstart
    monkeypatch.setattr(figures, "load", boom)
    monkeypatch.setattr(symehp.quickstart, "run", boom)


def _bad_out_dirs(tmp_path):
    """(label, path) pairs of output directories that cannot be created or written."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory\n")
    cases = [("under a file", blocker / "sub"), ("a file", blocker),
             ("deep under a file", blocker / "x" / "y")]
    if os.path.isdir("/proc") and sys.platform.startswith("linux"):
        cases.append(("read-only /proc", Path("/proc")))      # unwritable even for root
        cases.append(("under /proc", Path("/proc/symehp-test-out")))
    return cases


@pytest.mark.parametrize("command", ["figures", "quickstart"])
def test_out_that_cannot_be_written_is_one_line_and_exit_2(capsys, tmp_path, no_computing,
                                                           command):
    for label, path in _bad_out_dirs(tmp_path):
        code = main([command, "--out", str(path)])
        out, err = capsys.readouterr()
        assert code == 2, (label, out, err)
        assert out == "", label
        assert err.count("\n") == 1 and err.endswith("\n"), (label, err)
        assert err.startswith(f"symehp {command}: cannot write to {path}: "), (label, err)
        assert "Traceback" not in err and len(err) > len(f"symehp {command}: cannot write to {path}: ") + 2


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can write into a read-only directory")
def test_out_without_write_permission(capsys, tmp_path, no_computing):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        for path in (locked, locked / "sub"):
            assert main(["figures", "--out", str(path)]) == 2
            err = capsys.readouterr().err
            assert err == f"symehp figures: cannot write to {path}: Permission denied\n"
    finally:
        locked.chmod(0o755)


def test_figures_out_is_created_with_parents(capsys, tmp_path, fake_figures):
    out = tmp_path / "a" / "b" / "c"
    assert main(["figures", "rectification", "--out", str(out)]) == 0
    assert (out / "rectification.csv").exists() and fake_figures == ["rectification"]
    assert sorted(p.name for p in out.iterdir()) == ["rectification.csv"]   # no probe left
    capsys.readouterr()


def test_figures_not_a_terminal_streams_one_line_per_figure(capsys, tmp_path, monkeypatch,
                                                            fake_figures):
    seen_before = {}
    real_load = figures.load

    def load(name):
        module = real_load(name)
        seen_before[name] = capsys.readouterr().out     # what was printed before this figure
        return module

    monkeypatch.setattr(figures, "load", load)
    names = ["rectification", "fig3_cold_spot", "mode_coupling"]
    assert main(["figures", *names, "--out", str(tmp_path)]) == 0
    rest = capsys.readouterr()
    assert rest.err == ""                                # no bar, no '\r' frame
    assert seen_before["rectification"] == ""
    assert seen_before["fig3_cold_spot"].startswith("rectification ")    # streamed, not at the end
    assert seen_before["mode_coupling"].startswith("fig3_cold_spot ")
    assert rest.out.startswith("mode_coupling ") and rest.out.count("\n") == 1


def test_figures_bar_only_on_a_terminal(capsys, tmp_path, monkeypatch, fake_figures):
    names = list(figures.MODULES)
    tty = _TTY()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["figures", *names, "--out", str(tmp_path)]) == 0
    assert "\r" in tty.getvalue() and "figures:" in tty.getvalue()     # a terminal: the bar
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == names
    tty.seek(0), tty.truncate()
    assert main(["figures", *names, "--out", str(tmp_path), "--quiet"]) == 0
    assert tty.getvalue() == ""                                         # --quiet: never
    assert capsys.readouterr().out.count("\n") == len(names)


def test_make_all_forced_bar_on_a_log_writes_few_frames(tmp_path, fake_figures):
    log = io.StringIO()
    with contextlib.redirect_stderr(log):
        done = figures.make_all(tmp_path, progress=True)
        assert figures.make_all(tmp_path) and log.getvalue().count("\r") <= 3   # auto: none
    assert [d[0] for d in done] == list(figures.MODULES)
    assert 1 <= log.getvalue().count("\r") <= 3, log.getvalue()


def test_symehp_error_is_one_line_unless_debug(capsys, tmp_path, monkeypatch):
    def make(out):
        raise ModelError("the model\n   is bad")
    monkeypatch.setattr(figures, "load", lambda name: types.SimpleNamespace(make=make))
    for value in (None, "0", ""):
        if value is None:
            monkeypatch.delenv("SYMEHP_DEBUG", raising=False)
        else:
            monkeypatch.setenv("SYMEHP_DEBUG", value)
        assert main(["figures", "rectification", "--out", str(tmp_path)]) == 2
        out, err = capsys.readouterr()
        assert err == "symehp figures: error: the model is bad\n" and out == ""
    monkeypatch.setenv("SYMEHP_DEBUG", "1")
    with pytest.raises(ModelError, match="the model"):
        main(["figures", "rectification", "--out", str(tmp_path)])


def test_help_documents_symehp_debug(capsys):
    for argv in (["--help"], ["figures", "--help"], ["current", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
        assert "SYMEHP_DEBUG=1" in " ".join(capsys.readouterr().out.split()), argv


def test_python_dash_m_symehp(tmp_path):
    """``python -m symehp`` is the ``symehp`` command, exit codes included."""
    proc = subprocess.run([sys.executable, "-m", "symehp", "--help"], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "figures" in proc.stdout and "SYMEHP_DEBUG" in proc.stdout
    blocker = tmp_path / "file"
    blocker.write_text("")
    bad = blocker / "sub"
    proc = subprocess.run([sys.executable, "-m", "symehp", "figures", "--out", str(bad)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"symehp figures: cannot write to {bad}: Not a directory\n"
