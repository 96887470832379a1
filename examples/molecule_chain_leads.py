"""A conjugated molecule between two metal chains: J by channel, mode temperatures, current.

A polyene of N carbon sites (Hueckel / SSH model: hoppings -2.6 eV on the double
bonds, -2.2 eV on the single bonds, onsite 0; N = 12 by default, dodecahexaene's
pi system) between two semi-infinite tight-binding chains (``symehp.leads.chain``,
hopping -3 eV, band [-6, 6] eV) attached to the end carbons by 0.8 eV, spin
degenerate (``spin_degeneracy=2``), with three vibrational modes:

* C=C stretch (Omega = 0.20 eV, ~1600 cm^-1): double bonds stretch while single
  bonds shorten, i.e. the bond alternation, ``dt_{i,i+1} ~ (-1)^i``;
* uniform C-C stretch (0.15 eV): every bond alike;
* antisymmetric stretch (0.10 eV): a linear gradient along the chain.

The coupling per phonon on each bond, ``He_ph`` (0.05, 0.03 and 0.03 eV; an SSH
constant of ~4 eV/Angstrom times a zero-point amplitude of ~0.04 Angstrom, shared
by the ~11 bonds of a collective mode), is converted to symehp's ``M``, which
multiplies the mass-weighted displacement: ``M = He_ph sqrt(2 Omega)``
(hbar = 1).  Each mode is damped by a phonon bath with ``gamma_ph = 5 meV``;
electrons and bath at 300 K; symmetric bias ``mu_L = eV/2 = -mu_R``.

Writes into --out (default figures/): ``molecule_chain_leads.csv`` (J per EHP
channel in W, electric current in A, mode temperatures in K, vs V),
``molecule_chain_leads.png`` (three panels), the model as a model file
``molecule_chain_leads.toml`` (``lead_L``/``lead_R`` chain tables: try
``symehp current --model figures/molecule_chain_leads.toml --units eV --V 2``),
and ``molecule_chain_leads.nc`` when xarray and h5netcdf are installed.

Cost: one bias point is one frequency integral over the energy quadratures of the
lead route, ~7 s at N = 12 on one core (~4 s at N = 10, ~10 s at N = 14); the
default 17 points take ~2 minutes.

Run: python examples/molecule_chain_leads.py [--out DIR] [--points P] [--sites N] [--quick]
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

import symehp
from symehp import leads
from symehp.figures._output import pyplot, save, want_png, write_csv
from symehp.modelfile import dump_model
from symehp.numeric.quadrature import IntegrationWarning
from symehp.units import Units

NAME = "molecule_chain_leads"
UNITS = Units("eV")
T_ROOM = UNITS.from_kelvin(300.0)                          # 300 K in eV
DOUBLE, SINGLE = -2.6, -2.2                                # Hueckel hoppings (eV)
LEAD_T, LEAD_V = -3.0, 0.8                                 # metal chain hopping, contact (eV)
MODES = {                                                  # name: (Omega, He_ph per bond) in eV
    "C=C stretch": (0.20, 0.05),
    "uniform stretch": (0.15, 0.03),
    "antisymmetric stretch": (0.10, 0.03),
}
GAMMA_PH = 5e-3                                            # phonon-bath damping (eV)
V_MAX = 2.0                                                # bias range 0 .. V_MAX (V)


def molecule(sites=12):
    """The junction: an SSH chain of ``sites`` carbons between two chain leads (eV)."""
    if sites < 4 or sites % 2:
        raise SystemExit(f"--sites must be an even number >= 4, got {sites}")
    bonds = np.where(np.arange(sites - 1) % 2 == 0, DOUBLE, SINGLE)
    H = np.diag(bonds, 1) + np.diag(bonds, -1)
    patterns = {"C=C stretch": (-1.0) ** np.arange(sites - 1),
                "uniform stretch": np.ones(sites - 1),
                "antisymmetric stretch": np.linspace(-1.0, 1.0, sites - 1)}
    omega = np.array([w for w, _ in MODES.values()])
    M = [he * np.sqrt(2 * w) * (np.diag(patterns[name], 1) + np.diag(patterns[name], -1))
         for name, (w, he) in MODES.items()]
    left, right = np.zeros(sites), np.zeros(sites)
    left[0], right[-1] = LEAD_V, LEAD_V
    return symehp.Junction(H, lead_L=leads.chain(LEAD_T, coupling=left),
                           lead_R=leads.chain(LEAD_T, coupling=right), M=M, omega=omega,
                           gamma_ph=[GAMMA_PH] * len(MODES), spin_degeneracy=2)


def elastic_current(model, mu_L, mu_R, T, points=4001):
    """The elastic (Landauer) particle current ``g_s/2pi int T(E) [f_L - f_R] dE`` (model
    units), by the trapezoidal rule on the Fermi window (a plotting-accuracy reference
    beside the phonon-assisted ``I`` of Eq. (8))."""
    E = np.linspace(min(mu_L, mu_R) - 20 * T, max(mu_L, mu_R) + 20 * T, points)
    window = 0.5 * (np.tanh((E - mu_R) / (2 * T)) - np.tanh((E - mu_L) / (2 * T)))
    values = symehp.transmission(model, E) * window
    integral = float(np.sum(0.5 * (values[1:] + values[:-1]) * np.diff(E)))
    return model.numeric().spin_degeneracy * integral / (2 * np.pi)


def data(model, V):
    """CSV columns vs the bias ``V`` (volts = eV per e): J per channel (W), the electric
    currents (A; phonon-assisted, Eq. (8)'s ``I``, and elastic) and each mode's T_eff (K)."""
    cols = {"V": V}
    J = {ch: np.zeros(V.size) for ch in ("LL", "RR", "RL", "LR", "total")}
    current, error_J, elastic = np.zeros(V.size), np.zeros(V.size), np.zeros(V.size)
    t_eff = {name: np.zeros(V.size) for name in MODES}
    for i, v in enumerate(V):
        point = dict(mu_L=v / 2, mu_R=-v / 2, T_e=T_ROOM, T_ph=T_ROOM)
        res = symehp.transport(model, **point)
        for ch in J:
            J[ch][i] = res.J_by_channel[ch]
        current[i], error_J[i] = res.I, res.error_J
        elastic[i] = elastic_current(model, v / 2, -v / 2, T_ROOM)
        for k, name in enumerate(MODES):
            t_eff[name][i] = symehp.mode_occupation(model, k, **point).T_eff
    for ch, values in J.items():
        cols[f"J_{ch}_W"] = UNITS.watts(values)
    cols["error_J_W"] = UNITS.watts(error_J)
    cols["I_electric_A"] = UNITS.electric(current)
    cols["I_elastic_A"] = UNITS.electric(elastic)
    for name, values in t_eff.items():
        cols[f"T_eff_{name.split()[0].replace('=', '')}_K"] = UNITS.kelvin(values)
    return cols


def draw(cols, sites):
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), constrained_layout=True)
    V = cols["V"]
    ax = axes[0]
    ax.plot(V, 1e9 * cols["J_total_W"], color="k", lw=1.8, label="total")
    ax.plot(V, 1e9 * cols["J_LR_W"], lw=1.5, ls="--", label="LR: electron from L, hole in R")
    ax.plot(V, 1e9 * cols["J_RL_W"], lw=1.5, ls=":", label="RL (absorbs: < 0)")
    ax.set_xlabel("bias V  [V]")
    ax.set_ylabel("energy current into the modes J  [nW]")
    ax.set_title("(a) J by EHP channel\n(LL, RR = 0: electrodes at the bath temperature)",
                 fontsize=9)
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.semilogy(V[1:], -1e6 * cols["I_elastic_A"][1:], color="0.4", lw=1.6,
                label="elastic (Landauer, g_s T(E))")
    ax.semilogy(V[1:], -1e6 * cols["I_electric_A"][1:], color="tab:red", lw=1.8,
                label="phonon-assisted (Eq. 8's I)")
    ax.set_xlabel("bias V  [V]")
    ax.set_ylabel("electric current R -> L, e I  [uA]")
    ax.set_title("(b) electric current through the molecule", fontsize=9)
    ax.legend(fontsize=8)
    ax = axes[2]
    for name in MODES:
        key = f"T_eff_{name.split()[0].replace('=', '')}_K"
        ax.semilogy(V, cols[key], lw=1.6, label=f"{name} ({MODES[name][0]:g} eV)")
    ax.axhline(300.0, color="0.7", lw=0.8)
    ax.set_xlabel("bias V  [V]")
    ax.set_ylabel("mode temperature T_eff  [K]")
    ax.set_title("(c) current-induced heating of the modes", fontsize=9)
    ax.legend(fontsize=8)
    fig.suptitle(f"Polyene of {sites} sites (SSH {DOUBLE:g}/{SINGLE:g} eV) between chain leads "
                 f"(t = {LEAD_T:g} eV, contact {LEAD_V:g} eV), spin degenerate, 300 K",
                 fontsize=10)
    return fig


def write_netcdf(out, cols, model):
    """``NAME.nc`` with xarray (h5netcdf engine), or None when either is missing."""
    try:
        import xarray as xr
        import h5netcdf  # noqa: F401
    except ImportError:
        return None
    ds = xr.Dataset({k: ("V", np.asarray(v)) for k, v in cols.items() if k != "V"},
                    coords={"V": cols["V"]},
                    attrs={"title": __doc__.splitlines()[0], "energy_unit": "eV",
                           "sites": model.N, "spin_degeneracy": 2})
    path = out / f"{NAME}.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="figures", help="output directory (default: figures/)")
    parser.add_argument("--points", type=int, default=17,
                        help="bias points in [0, %(default)s V] (default 17)".replace(
                            "%(default)s", f"{V_MAX:g}"))
    parser.add_argument("--sites", type=int, default=12, help="carbon sites N (default 12)")
    parser.add_argument("--quick", action="store_true",
                        help="4 bias points on a 6-site chain (a smoke test, ~15 s)")
    args = parser.parse_args(argv)
    points, sites = (4, 6) if args.quick else (args.points, args.sites)
    if points < 2:
        raise SystemExit(f"--points must be >= 2, got {points}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = molecule(sites)
    V = np.linspace(0.0, V_MAX, points)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cols = data(model, V)
    seconds = time.perf_counter() - start
    # accuracy warnings of the lead route, if any (error_J_W says how far off): counted
    # below; any other warning (e.g. a ValidityWarning) is shown as it is
    accuracy = [w for w in caught if issubclass(w.category, IntegrationWarning)]
    for w in caught:
        if not issubclass(w.category, IntegrationWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    comments = [f"{NAME}: {__doc__.splitlines()[0]}",
                f"SSH polyene, N = {sites}, hoppings {DOUBLE} / {SINGLE} eV, onsite 0; chain "
                f"leads t = {LEAD_T} eV coupled by {LEAD_V} eV to the end sites",
                "modes (Omega, He_ph per bond, eV): " + "; ".join(
                    f"{k} ({w}, {h})" for k, (w, h) in MODES.items())
                + f"; M = He_ph sqrt(2 Omega); gamma_ph = {GAMMA_PH} eV",
                "spin_degeneracy = 2; T_e = T_ph = 300 K; mu_L = V/2 = -mu_R (eV)",
                "J in W (> 0: electrons heat the modes); I_electric_A = -e I (from L to R) in A,"
                " I the phonon-assisted particle current of Eq. (8); I_elastic_A: the elastic"
                " Landauer current -e g_s/(2 pi hbar) int T(E) (f_L - f_R) dE (trapezoidal rule)",
                f"T_eff_*_K: each mode's effective temperature; computed in {seconds:.0f} s"]
    paths = [write_csv(out / f"{NAME}.csv", cols, comments=comments),
             dump_model(model, out / f"{NAME}.toml",
                        conditions={"T_e": T_ROOM, "T_ph": T_ROOM},
                        description=f"SSH polyene, N = {sites}, between chain leads (eV)")]
    if want_png():
        paths.append(save(draw(cols, sites), out / f"{NAME}.png"))
    netcdf = write_netcdf(out, cols, model)
    if netcdf is not None:
        paths.append(netcdf)
    for path in paths:
        print(f"wrote {path}")
    print(f"{points} bias points, N = {sites}: {seconds:.1f} s ({seconds / points:.2f} s/point)")
    worst = cols["error_J_W"] / np.maximum(np.abs(cols["J_total_W"]), 1e-300)
    print(f"largest relative error estimate of J: {np.max(worst[1:]):.1e}"
          + (f" ({len(accuracy)} accuracy warnings of the lead route)" if accuracy else ""))
    top = cols["V"][-1]
    print(f"at V = {top:g} V: J = {cols['J_total_W'][-1]:.4g} W, I = "
          f"{-cols['I_electric_A'][-1]:.4g} A (R -> L), T_eff = "
          + ", ".join(f"{cols[k][-1]:.0f} K" for k in cols if k.startswith("T_eff")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
