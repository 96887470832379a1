"""The README's main job as a script: proofs, then Eq. (8) for the two-level model.

Writes ``out/quickstart_bias_sweep.csv`` (V, J per channel, J, I, error_J,
mode occupation n, effective temperature T_eff, total damping) and, with
matplotlib installed, ``out/quickstart_bias_sweep.png``.

Run: python examples/quickstart.py [OUT_DIR]
"""

import sys

from symehp.quickstart import run

if __name__ == "__main__":
    sys.exit(run(out=sys.argv[1] if len(sys.argv) > 1 else "out"))
