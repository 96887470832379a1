"""Writing figures and their data: every figure symehp draws is also a CSV.

Each figure module in :mod:`symehp.figures` computes its columns once, writes
them with :func:`write_csv` (a ``#`` header block carries the model parameters
and conventions, so the file stands alone), and draws them with matplotlib
through :func:`pyplot`.  :func:`parameter_text` formats the parameters that
are printed on the figure itself.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np

__all__ = ["write_csv", "read_csv", "parameter_text", "pyplot", "save", "want_png", "write_figure"]


def _csv_column(name, values):
    """``name -> text cells`` of one 1-d column (complex split into ``_re``/``_im``)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"column {name!r} must be 1-d, got shape {arr.shape}")
    if arr.dtype.kind in "US":
        return {name: [str(x) for x in arr]}
    if np.iscomplexobj(arr):
        return {f"{name}_re": _numbers(arr.real), f"{name}_im": _numbers(arr.imag)}
    return {name: _numbers(arr.astype(float))}


def _numbers(arr):
    return [f"{x:.12g}" for x in arr]


def write_csv(path, columns, *, comments=()):
    """Write equal-length 1-d ``columns`` (name -> array) to ``path``.

    ``comments`` are written first as ``# ...`` lines (parameters, units).
    Complex columns are split into ``name_re`` and ``name_im``; booleans are
    written as 0/1; string columns (labels of a long-form table) as they are.
    Returns the path.
    """
    path = Path(path)
    flat = {}
    for name, values in columns.items():
        flat.update(_csv_column(name, values))
    lengths = {len(v) for v in flat.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: { {k: len(v) for k, v in flat.items()} }")
    with open(path, "w", newline="") as fh:
        for line in comments:
            fh.write(f"# {line}\n")
        writer = csv.writer(fh)
        writer.writerow(list(flat))
        writer.writerows(zip(*flat.values()))
    return path


def read_csv(path):
    """Read a file written by :func:`write_csv` back into name -> array.

    Numeric columns come back as float arrays, label columns as str arrays.
    """
    with open(path, newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    rows = list(csv.reader(lines))
    header, body = rows[0], rows[1:]
    return {name: _parsed([row[i] for row in body]) for i, name in enumerate(header)}


def _parsed(cells):
    try:
        return np.array(cells, dtype=float)
    except ValueError:
        return np.array(cells, dtype=str)


def parameter_text(params, *, per_line=4):
    """``name = value`` pairs, ``per_line`` to a line, for printing on a figure."""
    items = [f"{k} = {v:g}" if isinstance(v, (int, float)) else f"{k} = {v}"
             for k, v in params.items()]
    return "\n".join(", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line))


def pyplot():
    """matplotlib.pyplot on the non-interactive Agg backend, or a clear error."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("symehp figures need matplotlib: pip install 'symehp[plot]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, path, *, dpi=130):
    """Save and close ``fig``; returns the path."""
    path = Path(path)
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)
    return path


def want_png(png=None):
    """Whether to draw: ``None`` means "when matplotlib is installed"."""
    if png is None:
        return importlib.util.find_spec("matplotlib") is not None
    return bool(png)


def write_figure(out, name, cols, comments, draw, *, png=None):
    """Write ``name.csv`` from ``cols`` and, if :func:`want_png`, ``name.png``
    from ``draw()`` (a callable returning a matplotlib figure) into ``out``.

    ``png``: ``None`` draws when matplotlib is installed (the CSV is always
    written), ``True`` requires matplotlib, ``False`` skips the PNG.
    Returns the written paths.
    """
    out = Path(out)
    paths = [write_csv(out / f"{name}.csv", cols, comments=comments)]
    if want_png(png):
        paths.append(save(draw(), out / f"{name}.png"))
    return paths
