"""The ``symehp`` command.

``symehp verify``      run every analytic proof of :mod:`symehp.verify` and print it
``symehp quickstart``  the README's main job: proofs plus the currents of the
                       paper's two-level model against bias (table, CSV, PNG)
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="symehp", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_verify = sub.add_parser("verify", help="run the analytic proofs")
    p_verify.add_argument("--latex", action="store_true", help="print each identity as LaTeX")
    p_verify.set_defaults(func=_cmd_verify)
    p_quick = sub.add_parser("quickstart", help="proofs + currents of the two-level model")
    p_quick.add_argument("--out", default="out", help="output directory (default: out)")
    p_quick.add_argument("--points", type=int, default=81, help="bias points (default: 81)")
    p_quick.set_defaults(func=_cmd_quickstart)
    args = parser.parse_args(argv)
    if getattr(args, "points", 2) < 2:
        parser.error("--points must be at least 2")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
