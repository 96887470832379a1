"""The README's main job: prove the identities, then evaluate Eq. (8) for the
paper's two-level model against bias, and write the results as CSV (and a PNG
when matplotlib is installed).

Model (the paper gives no numbers for its Fig. 2; these are symehp's
defaults): ``eps1 = 0.5, eps2 = -0.5`` (so ``eps1 - eps2 = Omega``: channel 4
resonant), ``gamma1 = gamma2 = 0.2``, ``m = 0.1``, ``Omega = 1``,
``gamma_ph = 0.05``, ``T_e = T_ph = 0.05``, ``mu_L = V/2 = -mu_R``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np

from . import verify
from .ehp import CHANNELS
from .model import two_level
from .numeric import mode_occupation, transport

PARAMS = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0, gamma_ph=0.05)
TEMPERATURE = 0.05


def bias_sweep(points=81, v_max=2.0):
    """Columns of the bias sweep: V, J per channel, J, I, n, T_eff, damping."""
    model = two_level(**PARAMS)
    bias = np.linspace(0.0, v_max, points)
    res = transport(model, mu_L=bias / 2, mu_R=-bias / 2, T_e=TEMPERATURE, T_ph=TEMPERATURE)
    occ = mode_occupation(model, mu_L=bias / 2, mu_R=-bias / 2, T_e=TEMPERATURE,
                          T_ph=TEMPERATURE, unstable="flag")
    cols = {"V": bias}
    cols.update({f"J_{ch.name}": np.asarray(res.J_by_channel[ch.name]) for ch in CHANNELS})
    cols.update({"J": res.J, "I": res.I, "error_J": res.error_J, "n": occ.n,
                 "T_eff": occ.T_eff, "damping": occ.damping})
    return cols


def _write_csv(path, cols):
    names = list(cols)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in zip(*(cols[n] for n in names)):
            writer.writerow([f"{x:.12g}" for x in row])


def _plot(path, cols):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for ch in CHANNELS:
        zero = " = 0" if not np.any(cols[f"J_{ch.name}"]) else ""
        ax1.plot(cols["V"], cols[f"J_{ch.name}"], label=f"J_{ch.name} (channel {ch.label}){zero}")
    ax1.plot(cols["V"], cols["J"], "k--", label="J (total)")
    ax1.set_xlabel("bias eV = mu_L - mu_R  [energy]")
    ax1.set_ylabel("energy current J  [energy / time]")
    ax1.legend(fontsize=8)
    ax2.semilogy(cols["V"], cols["T_eff"], label="mode T_eff (n_B(Omega, T_eff) = n)")
    ax2.axhline(TEMPERATURE, color="gray", ls=":", label="T_e = T_ph")
    ax2.set_xlabel("bias eV  [energy]")
    ax2.set_ylabel("effective mode temperature  [energy, log scale]")
    ax2.legend(fontsize=8)
    p = PARAMS
    fig.suptitle(f"two-level model: eps1={p['eps1']}, eps2={p['eps2']}, gamma1=gamma2={p['gamma1']}, "
                 f"m={p['m']}, Omega={p['omega']}, gamma_ph={p['gamma_ph']}, T={TEMPERATURE}",
                 fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def run(out="out", points=81):
    """Run the main job; returns the process exit code."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    print("== analytic proofs (symehp.verify)")
    for proof in verify.all_proofs():
        print(f"   proven: {proof.name}")
    print(f"== Eq. (8) for the two-level model, {points} bias points")
    t0 = time.perf_counter()
    cols = bias_sweep(points)
    elapsed = time.perf_counter() - t0
    csv_path = out / "quickstart_bias_sweep.csv"
    _write_csv(csv_path, cols)
    print(f"   {elapsed:.2f} s; wrote {csv_path}")
    if _plot(out / "quickstart_bias_sweep.png", cols):
        print(f"   wrote {out / 'quickstart_bias_sweep.png'}")
    print(f"   {'V':>6} {'J':>12} {'I':>12} {'T_eff':>8}")
    for i in np.linspace(0, points - 1, 9).astype(int):
        print(f"   {cols['V'][i]:6.3f} {cols['J'][i]:12.5e} {cols['I'][i]:12.5e} {cols['T_eff'][i]:8.4f}")
    return 0
