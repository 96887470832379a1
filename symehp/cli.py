"""The ``symehp`` command.

``symehp figures``     the README's main job: every application of the paper as
                       PNG figures with their CSV data
``symehp derive NAME`` print a closed form derived with SymPy (``--list``)
``symehp current``     J, I, per-channel J and mode occupation of a model
``symehp verify``      run every analytic proof of :mod:`symehp.verify`
``symehp quickstart``  proofs plus a bias sweep of the two-level model
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


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
    return run(out=args.out, points=args.points)


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
    done = figures.make_all(args.out, names=names, progress=not args.quiet)
    for name, seconds, paths in done:
        print(f"{name:24s} {seconds:6.1f} s  " + ", ".join(str(p) for p in paths))
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
    parser = argparse.ArgumentParser(prog="symehp", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("figures", help="make every figure of the paper (PNG + CSV)")
    p.add_argument("names", nargs="*", help="only these figures (default: all)")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.add_argument("--list", action="store_true", help="list the figures and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("derive", help="print a closed form derived with SymPy")
    p.add_argument("name", nargs="?", help="derivation name (omit, or --list, to list them)")
    p.add_argument("--list", action="store_true", help="list the derivations and exit")
    p.add_argument("--pretty", action="store_true", help="pretty text instead of LaTeX")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser("current", help="J, I and mode occupation of a model")
    from . import cli_current
    cli_current.add_arguments(p)
    p.set_defaults(func=_cmd_current)

    p = sub.add_parser("verify", help="run the analytic proofs")
    p.add_argument("--latex", action="store_true", help="print each identity as LaTeX")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("quickstart", help="proofs + currents of the two-level model")
    p.add_argument("--out", default="out", help="output directory (default: out)")
    p.add_argument("--points", type=int, default=81, help="bias points (default: 81)")
    p.set_defaults(func=_cmd_quickstart)
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "points", 2) < 2:
        parser.error("--points must be at least 2")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
