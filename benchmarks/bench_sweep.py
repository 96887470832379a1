"""Benchmark: a 200 x 50 (bias x temperature) symehp.sweep, serial and on a Dask LocalCluster.

Model: the two-level model of bench_eq8.py (eps1 = 0.5, eps2 = -0.5, gamma1 =
gamma2 = 0.2, m = 0.1, Omega = 1, gamma_ph = 0.05), V in [0, 2] (200 points,
mu_L = V/2 = -mu_R), T_e in [0.02, 0.2] (50 points), T_ph = 0.05: 10000 points,
every quantity (J, I, J per channel, n), in chunks of ``--chunks`` points (one
vectorized call, one Dask task each; default 256, i.e. 40 chunks).

* serial: ``symehp.sweep(...)`` in this process (no progress bar);
* Dask: the same call with ``client=`` a ``LocalCluster`` of 2 worker processes
  with 1 thread each (started, and warmed up with one small sweep, before the
  timing);
* per-task overhead: from Dask's task stream, the workers' busy time per task
  (wall time x workers / tasks) minus the compute time per task the workers
  report; and the compute time per task against the serial time per chunk;
* bit-identity: the Dask Dataset is ``identical`` to the serial one and every
  data variable has the same bytes.

Timings are wall-clock minima over ``--repeat`` runs (the machine may be shared;
the load average at start is in the machine line).  The numba backend is used
when installed (``backend="auto"``), on the workers as here.

Run: python benchmarks/bench_sweep.py [--repeat N] [--chunks N] [--write]
``--write`` replaces this benchmark's section of benchmarks/results.md.
"""

import argparse
import sys
import time

import numpy as np

import symehp
from symehp.sweep import DEFAULT_CHUNK
from _common import machine, machine_line, min_time, write_section

SECTION = "Sweeps: symehp.sweep serial and on a Dask LocalCluster (bench_sweep.py)"
MODEL = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
N_V, N_T = 200, 50
WORKERS = 2


def run(repeat, chunks):
    from distributed import Client, LocalCluster, get_task_stream
    import dask
    import distributed
    import xarray

    model = symehp.two_level(**MODEL)
    kw = dict(V=np.linspace(0.0, 2.0, N_V), T_e=np.linspace(0.02, 0.2, N_T), T_ph=0.05,
              chunks=chunks, progress=False)
    small = dict(V=np.linspace(0.0, 2.0, 8), T_e=[0.05, 0.1], T_ph=0.05, chunks=4,
                 progress=False)
    points = N_V * N_T
    tasks = -(-points // chunks)

    symehp.sweep(model, **small)                      # warm: pole expansion, numba
    t_serial, serial = min_time(lambda: symehp.sweep(model, **kw), repeat)

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    client = Client(cluster)
    t_start = time.perf_counter() - t0
    try:
        symehp.sweep(model, client=client, **small)     # warm the workers
        best, parallel, compute = np.inf, None, None
        for _ in range(repeat):
            with get_task_stream(client) as stream:
                t0 = time.perf_counter()
                out = symehp.sweep(model, client=client, **kw)
                wall = time.perf_counter() - t0
            if wall < best:
                best, parallel = wall, out
                compute = [sum(s["stop"] - s["start"] for s in task["startstops"]
                               if s["action"] == "compute") for task in stream.data]
    finally:
        client.close()
        cluster.close()
    identical = parallel.identical(serial) and all(
        serial[v].values.tobytes() == parallel[v].values.tobytes() for v in serial.data_vars)
    compute_task = float(np.mean(compute))
    return dict(points=points, chunks=chunks, tasks=tasks, t_serial=t_serial, t_dask=best,
                t_start=t_start, serial_chunk=t_serial / tasks, compute_task=compute_task,
                busy_task=best * WORKERS / tasks, n_stream=len(compute), identical=identical,
                versions=dict(xarray=xarray.__version__, dask=dask.__version__,
                              distributed=distributed.__version__))


def report(r):
    m = machine(**r["versions"], backend=symehp.numeric.backends.resolve("auto", None))
    overhead = r["busy_task"] - r["compute_task"]
    lines = [machine_line(m), "",
             f"{N_V} x {N_T} (V x T_e) = {r['points']} points, chunks of {r['chunks']} points "
             f"= {r['tasks']} tasks; quantities J, I, J_channel, n; best of the runs", "",
             "| run | wall time | per point | speedup |", "|---|---|---|---|",
             f"| serial (in-process) | {r['t_serial']:.2f} s | "
             f"{1e3 * r['t_serial'] / r['points']:.3f} ms | 1.00x |",
             f"| LocalCluster, {WORKERS} processes x 1 thread | {r['t_dask']:.2f} s | "
             f"{1e3 * r['t_dask'] / r['points']:.3f} ms | "
             f"{r['t_serial'] / r['t_dask']:.2f}x |", "",
             "| per task (chunk) | time |", "|---|---|",
             f"| serial time per chunk | {1e3 * r['serial_chunk']:.1f} ms |",
             f"| compute on a worker (task stream, mean of {r['n_stream']}) | "
             f"{1e3 * r['compute_task']:.1f} ms |",
             f"| worker busy time per task (wall x {WORKERS} / tasks) | "
             f"{1e3 * r['busy_task']:.1f} ms |",
             f"| overhead per task (busy - compute) | {1e3 * overhead:.1f} ms |", "",
             f"Cluster start-up (not in the times above): {r['t_start']:.1f} s.  "
             f"Dask result bit-identical to the serial one: {'yes' if r['identical'] else 'NO'}."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--chunks", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--write", action="store_true", help="write benchmarks/results.md")
    args = parser.parse_args(argv)
    text = report(run(args.repeat, args.chunks))
    print(text)
    if args.write:
        out = write_section(SECTION, "bench_sweep.py", text)
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
