"""What every benchmark script shares: the machine line, best-of timing, results.md sections.

``benchmarks/results.md`` holds one section per benchmark (and setting), each
starting with a ``## `` heading line that the script owns: ``write_section``
replaces that section only, so running one benchmark never erases another's.
"""

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy

RESULTS = Path(__file__).with_name("results.md")
TITLE = "# symehp benchmarks"


def machine(**extra):
    """CPU model, cores, versions, the load average at start, and ``extra`` entries."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "load": load,
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), **extra}


def machine_line(m):
    """One line of :func:`machine`'s entries for a report."""
    extra = "".join(f", {k} {v}" for k, v in m.items()
                    if k not in ("cpu", "cores", "python", "numpy", "scipy", "load"))
    return (f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, NumPy "
            f"{m['numpy']}, SciPy {m['scipy']}{extra}; load average at start {m['load']:.2f}")


def min_time(func, repeat):
    """``(best wall time, last result)`` of ``repeat`` calls of ``func()``."""
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t0)
    return best, out


def write_section(heading, script, text):
    """Add or replace the section ``## heading`` of results.md (made by ``script``)."""
    head = f"## {heading}"
    body = (f"{head}\n\nProduced by `python benchmarks/{script} --write`; see the script's "
            f"docstring for the model and the method.\n\n{text.strip()}\n")
    old = RESULTS.read_text() if RESULTS.exists() else f"{TITLE}\n"
    start = old.find(head + "\n")
    if start >= 0:
        end = old.find("\n## ", start + len(head))
        new = old[:start] + body + ("\n" + old[end + 1:] if end >= 0 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(new)
    return RESULTS


def report(text, difference, limit, section, script, write):
    """Print ``text``; fail (exit status 1) if ``difference`` exceeds ``limit``, else
    write it as the section ``section`` of results.md when ``write``; the status."""
    print(text)
    if difference > limit:
        print(f"FAIL: the routes disagree by {difference:.1e}, more than {limit:.0e}",
              file=sys.stderr)
        return 1
    if write:
        write_section(section, script, text)
    return 0
