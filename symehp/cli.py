"""The ``symehp`` command.

``symehp figures``     the README's main job: every application of the paper as
                       PNG figures with their CSV data
``symehp derive NAME`` print a closed form derived with SymPy (``--list``)
``symehp current``     J, I, per-channel J and mode occupation of a model
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
