"""The ``symehp`` command.

``symehp figures``     the README's main job: every application of the paper as
                       PNG figures with their CSV data
``symehp derive NAME`` print a closed form derived with SymPy (``--list``)
``symehp current``     J, I, per-channel J and mode occupation of a model
``symehp sweep``       the same on a grid of bias, temperatures and model parameters,
                       as a NetCDF (or Zarr) file of :func:`symehp.sweep`'s Dataset
``symehp verify``      run every analytic proof of :mod:`symehp.verify`
``symehp quickstart``  proofs plus a bias sweep of the two-level model

Bad input (an output directory that cannot be written, a model file that
cannot be read, any :class:`symehp.SymehpError`) gives one line on stderr,
``symehp <command>: ...``, and exit status 2; set ``SYMEHP_DEBUG=1`` to get
the traceback of a SymehpError instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

__all__ = ["main"]

#: the environment variable that turns the one-line error messages back into tracebacks
DEBUG_VARIABLE = "SYMEHP_DEBUG"
DEBUG_EPILOG = (f"errors: bad input gives a one-line message on stderr and exit status 2; "
                f"set {DEBUG_VARIABLE}=1 in the environment to see the full traceback instead.")


def debug_enabled():
    """Whether ``SYMEHP_DEBUG`` asks for tracebacks (set, and not ``0`` or empty)."""
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


class OutputDirError(Exception):
    """An output directory cannot be created or written (the CLI's exit status 2)."""


def writable_dir(path):
    """Create the directory ``path`` (with its parents) and check that a file can be
    written into it; return it as a :class:`~pathlib.Path`.

    Raises :class:`OutputDirError` with ``cannot write to PATH: <reason>``.  Meant to
    run before any computing, so that a bad ``--out`` fails at once.
    """
    out = Path(path).expanduser()
    try:
        if out.exists() and not out.is_dir():
            raise OutputDirError(f"cannot write to {path}: exists and is not a directory")
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".symehp-write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputDirError(f"cannot write to {path}: {exc.strerror or exc}") from None
    return out


def _cmd_verify(args):
    from . import verify
    from .errors import ProofError
    failures = 0
    for check in verify.CHECKS:
        try:
            proof = check()
        except ProofError as err:
            failures += 1
            print(f"[FAILED] {check.__name__}: {err}")
            continue
        print(f"[proven] {proof.name}  (mpmath spot check {proof.spot_check:.1e})")
        if args.latex:
            print(f"    {proof.latex}")
    return 1 if failures else 0


def _cmd_quickstart(args):
    from .quickstart import run
    out = writable_dir(args.out)
    return run(out=out, points=args.points)


def _cmd_figures(args):
    from . import figures
    if args.list:
        for name, title in figures.available().items():
            print(f"{name:24s} {title}")
        return 0
    names = args.names or None
    unknown = [n for n in (names or ()) if n not in figures.MODULES]
    if unknown:
        print(f"symehp figures: unknown figure(s) {', '.join(unknown)}; "
              f"available: {', '.join(figures.MODULES)}", file=sys.stderr)
        return 2
    out = writable_dir(args.out)

    def line(name, seconds, paths):
        return f"{name:24s} {seconds:6.1f} s  " + ", ".join(str(p) for p in paths)

    # a tqdm bar only on a terminal; otherwise (a log, a pipe, --quiet) one plain
    # line per figure as soon as it is written, so that a log shows the progress
    bar = (not args.quiet) and figures.progress_wanted(None)

    def report(name, seconds, paths):
        print(line(name, seconds, paths), flush=True)

    done = figures.make_all(out, names=names, progress=bar, on_done=None if bar else report)
    if bar:
        for item in done:
            print(line(*item))
    return 0


def _cmd_derive(args):
    from . import derivations
    if args.list or args.name is None:
        for name, summary in derivations.available().items():
            print(f"{name:24s} {summary}")
        return 0
    if args.name not in derivations.MODULES:
        print(f"symehp derive: unknown derivation {args.name!r}; available: "
              f"{', '.join(derivations.MODULES)}", file=sys.stderr)
        return 2
    print(derivations.render(args.name, fmt="pretty" if args.pretty else "latex"))
    return 0


def _cmd_current(args):
    from . import cli_current
    return cli_current.run(args)


#: seconds ``symehp sweep --scheduler`` waits for the Dask scheduler
SCHEDULER_TIMEOUT = 10
#: ``--out`` suffixes written with ``Dataset.to_netcdf`` (and ``.zarr`` with ``to_zarr``)
NETCDF_SUFFIXES = (".nc", ".nc4", ".cdf", ".netcdf")
#: the sweep axes of ``symehp sweep`` (option -> keyword of symehp.sweep), in dimension order
SWEEP_CONDITIONS = (("V", "V"), ("mu-L", "mu_L"), ("mu-R", "mu_R"), ("T-e", "T_e"),
                    ("T-L", "T_L"), ("T-R", "T_R"), ("T-ph", "T_ph"))


def _sweep_values(text):
    """``"X"`` -> a float; ``"X1,X2,..."`` or ``"START:STOP:N"`` -> a 1-d array (an axis)."""
    from .cli_current import parse_bias
    values = parse_bias(text)
    return float(values[0]) if ("," not in text and ":" not in text) else values


def _sweep_param(text):
    """``NAME=VALUES`` -> ``(name, value or axis)``."""
    from .errors import ParameterError
    name, sep, spec = str(text).partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ParameterError(f"--param {text!r}: expected NAME=VALUE, NAME=V1,V2,... or "
                             "NAME=START:STOP:N")
    return name, _sweep_values(spec)


class _InOrder(argparse.Action):
    """Store the value, and note the swept name in ``namespace.sweep_order`` (the order
    of the options on the command line, which is the order of the dimensions)."""

    def __call__(self, parser, namespace, values, option_string=None):
        order = getattr(namespace, "sweep_order", None) or []
        if self.dest == "param":
            setattr(namespace, "param", [*(getattr(namespace, "param", None) or []), values])
            name = values[0]
        else:
            setattr(namespace, self.dest, values)
            name = self.dest.removeprefix("sweep_")
        namespace.sweep_order = [n for n in order if n != name] + [name]


def _sweep_argtype(func, option):
    """argparse type: ``func``, its ParameterError a usage error naming ``option``."""
    def convert(text):
        from .errors import ParameterError
        try:
            return func(text)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = option.lstrip("-")
    return convert


def _sweep_arguments(p):
    """The options of ``symehp sweep``."""
    p.description = ("Sweep J, I, J per channel and the mode occupations over a grid (one "
                     "dimension per option given a list or range) and write the labelled "
                     "Dataset of symehp.sweep (NetCDF, or Zarr for a .zarr name).")
    p.epilog = ("examples: symehp sweep --V 0:2:101 --T-e 0.05,0.1 --out sweep.nc | symehp sweep "
                "--model examples/models/two_level.toml --V 1 --param eps1=0:1:11 --out gate.nc "
                "--scheduler tcp://host:8786. Dimensions: one per option given a list or range, "
                "in the order of the options on the command line. "
                + DEBUG_EPILOG)
    p.allow_abbrev = False
    p.add_argument("--model", metavar="FILE",
                   help="model file, .json or .toml (default: the paper's two-level model)")
    values = "one value, a list X1,X2,... or a range START:STOP:N (write --V=-1:1:5 for a "
    for option, key in SWEEP_CONDITIONS:
        what = {"V": "bias eV, mu_L = V/2 = -mu_R (default 0)",
                "mu-L": "chemical potential of L (instead of --V)",
                "mu-R": "chemical potential of R (instead of --V)",
                "T-e": "electron temperature of both electrodes (default 0.05)",
                "T-L": "temperature of L (instead of --T-e)",
                "T-R": "temperature of R (instead of --T-e)",
                "T-ph": "phonon-bath temperature (default 0.05)"}[option]
        p.add_argument(f"--{option}", dest=f"sweep_{key}", metavar="X", action=_InOrder,
                       type=_sweep_argtype(_sweep_values, f"--{option}"),
                       help=f"{what}: {values}negative start)")
    p.add_argument("--param", action=_InOrder, default=[], metavar="NAME=X",
                   type=_sweep_argtype(_sweep_param, "--param"),
                   help="sweep a parameter of a two-level model (eps1, eps2, gamma1, gamma2, m, "
                        "omega, gamma_ph, hopping): NAME=X, NAME=X1,X2,... or "
                        "NAME=START:STOP:N; repeatable; needs a two-level model (a file with a "
                        "[two_level] table, or no --model)")
    p.add_argument("--quantities", default="J,I,J_channel,n", metavar="Q1,Q2",
                   help="data variables: any of J, I, J_channel, n (default: all)")
    p.add_argument("--chunks", type=int, default=None, metavar="N",
                   help="parameter points per chunk (one vectorized call, one Dask task; "
                        "default 256)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output file: .nc (NetCDF; netCDF3 through scipy when netCDF4 is not "
                        "installed) or .zarr (needs zarr)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the chunks on the Dask scheduler at ADDRESS (e.g. "
                        "tcp://127.0.0.1:8786; needs the extra dask)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _sweep_output(path):
    """The checked ``--out`` path and its writer (``"netcdf"`` or ``"zarr"``), before the work."""
    import importlib.util

    from .errors import ParameterError
    out = Path(path).expanduser()
    suffix = out.suffix.lower()
    if suffix == ".zarr":
        if importlib.util.find_spec("zarr") is None:
            raise ParameterError(f"--out {path}: writing .zarr needs the zarr package, which is "
                                 "not installed (pip install zarr); or write a .nc file")
        kind = "zarr"
    elif suffix in NETCDF_SUFFIXES:
        kind = "netcdf"
    else:
        raise ParameterError(f"--out {path}: unknown file type {out.suffix or '(no extension)'!r}; "
                             f"use {', '.join(NETCDF_SUFFIXES)} (NetCDF) or .zarr")
    if out.is_dir() and kind == "netcdf":
        raise OutputDirError(f"cannot write to {path}: is a directory")
    writable_dir(out.parent if str(out.parent) else ".")
    return out, kind


def _sweep_model(args):
    """``(model or factory, params, description)`` of ``--model`` and ``--param``."""
    from .cli_current import TWO_LEVEL_DEFAULTS
    from .errors import ParameterError
    from .model import two_level
    from . import modelfile
    params = dict(args.param)
    if len(params) != len(args.param):
        raise ParameterError("--param: a parameter is given twice")
    loaded = modelfile.read_model_file(args.model) if args.model is not None else None
    if not params:
        if loaded is None:
            return two_level(**TWO_LEVEL_DEFAULTS), {}, {}, "two-level (paper figure parameters)"
        return loaded.model, {}, loaded.conditions, loaded.source
    allowed = modelfile.TWO_LEVEL_KEYS + ("hopping",)
    unknown = [k for k in params if k not in allowed]
    if unknown:
        raise ParameterError(f"--param {', '.join(unknown)}: not a two-level parameter; "
                             f"choose from {', '.join(allowed)}")
    if loaded is None:
        base, source = dict(TWO_LEVEL_DEFAULTS), "two-level (paper figure parameters)"
    elif loaded.form == "two_level":
        base, source = dict(modelfile._parse_file(Path(args.model))["two_level"]), loaded.source
    else:
        raise ParameterError(f"--param needs a two-level model: {loaded.source} is in the general "
                             "form (H, gamma_L, ...), whose entries --param cannot address; use a "
                             "file with a [two_level] table, or sweep it with symehp.sweep and a "
                             "factory in Python")

    spin = loaded.model.spin_degeneracy if loaded else 1

    def two_level_with(**p):
        """The two-level model of the file (or the defaults) with the swept parameters."""
        return modelfile._two_level_model({**base, **{k: float(v) for k, v in p.items()}},
                                          source, spin)
    return two_level_with, params, loaded.conditions if loaded else {}, source


def _conditions_of(given):
    """The conditions in ``given`` (name -> value), in the order of :data:`SWEEP_CONDITIONS`."""
    return {key: given[key] for _, key in SWEEP_CONDITIONS if key in given}


def _cmd_sweep(args):
    import importlib.util

    from .errors import ParameterError
    from .sweep import sweep
    out, kind = _sweep_output(args.out)
    model, params, defaults, source = _sweep_model(args)
    given = {key: getattr(args, f"sweep_{key}") for _, key in SWEEP_CONDITIONS}
    given = {k: v for k, v in given.items() if v is not None}
    # the model file's conditions, then the defaults V = 0, T_e = T_ph = 0.05, fill what is missing
    if not {"V", "mu_L", "mu_R"} & set(given):
        bias = {k: v for k, v in defaults.items() if k in ("V", "mu_L", "mu_R")} or {"V": 0.0}
        given.update(bias)
    if not {"T_e", "T_L", "T_R"} & set(given):
        temps = {k: v for k, v in defaults.items() if k in ("T_e", "T_L", "T_R")} or {"T_e": 0.05}
        given.update(temps)
    given.setdefault("T_ph", defaults.get("T_ph", 0.05))
    # the dimensions in the order of the options on the command line
    swept = {**_conditions_of(given), **params}
    order = [n for n in getattr(args, "sweep_order", None) or [] if n in swept]
    ordered = {n: swept[n] for n in order + [n for n in swept if n not in order]}
    quantities = tuple(q.strip() for q in args.quantities.split(",") if q.strip())
    client = None
    if args.scheduler is not None:
        if importlib.util.find_spec("distributed") is None:
            raise ParameterError("--scheduler needs dask.distributed, which is not installed: "
                                 "pip install -e '.[dask]' (or pip install 'dask[distributed]')")
        from distributed import Client
        try:
            client = Client(args.scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ParameterError(f"cannot connect to the Dask scheduler at {args.scheduler}: "
                                 f"{' '.join(str(exc).split()) or type(exc).__name__}") from None
    try:
        ds = sweep(model, **ordered, quantities=quantities, chunks=args.chunks,
                   client=client, progress=(not args.quiet) and sys.stderr.isatty())
    finally:
        if client is not None:
            client.close()
    ds.attrs["model_source"] = source
    try:
        if kind == "zarr":
            ds.to_zarr(out, mode="w")
        else:
            ds.to_netcdf(out)
    except OSError as exc:
        raise OutputDirError(f"cannot write to {args.out}: {exc.strerror or exc}") from None
    dims = ", ".join(f"{d}: {n}" for d, n in ds.sizes.items())
    print(f"wrote {out} ({dims}; variables {', '.join(ds.data_vars)})")
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="symehp", description=__doc__.splitlines()[0],
                                     epilog=DEBUG_EPILOG)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("figures", help="make every figure of the paper (PNG + CSV)",
                       epilog="A progress bar is shown only when stderr is a terminal; otherwise "
                              "one line per figure as it is written. " + DEBUG_EPILOG)
    p.add_argument("names", nargs="*", help="only these figures (default: all)")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar (one line per figure instead)")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("derive", help="print a closed form derived with SymPy",
                       epilog=DEBUG_EPILOG)
    p.add_argument("name", nargs="?", help="derivation name (omit, or --list, to list them)")
    p.add_argument("--list", action="store_true", help="list the derivations and exit")
    p.add_argument("--pretty", action="store_true", help="pretty text instead of LaTeX")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser("current", help="J, I and mode occupation of a model")
    from . import cli_current
    cli_current.add_arguments(p)
    p.epilog = f"{p.epilog}. {DEBUG_EPILOG}" if p.epilog else DEBUG_EPILOG
    p.set_defaults(func=_cmd_current)

    p = sub.add_parser("sweep", help="J, I and occupations on a grid, to NetCDF (or Zarr)")
    _sweep_arguments(p)
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("verify", help="run the analytic proofs", epilog=DEBUG_EPILOG)
    p.add_argument("--latex", action="store_true", help="print each identity as LaTeX")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("quickstart", help="proofs + currents of the two-level model",
                       epilog=DEBUG_EPILOG)
    p.add_argument("--out", default="out", help="output directory (default: out)")
    p.add_argument("--points", type=int, default=81, help="bias points (default: 81)")
    p.set_defaults(func=_cmd_quickstart)
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "points", 2) < 2:
        parser.error("--points must be at least 2")
    from .errors import SymehpError
    prog = f"{parser.prog} {args.command}"
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (``symehp derive NAME | head``): not an error of ours;
        # send what is left of stdout nowhere, so closing it does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OutputDirError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except SymehpError as exc:
        if debug_enabled():
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
