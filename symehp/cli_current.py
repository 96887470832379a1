"""``symehp current``: J, I, per-channel J and mode occupations of one model.

The model is the paper's two-level model (options ``--eps1 ... --hopping``,
defaulting to the figure parameters) or a model file (``--model FILE``, JSON
or TOML, see :mod:`symehp.modelfile`).  Conditions come from the options,
else from the file's ``conditions`` table, else from the defaults
``V = 0``, ``T_e = T_ph = 0.05``.  ``--V`` takes one bias, a list
``V1,V2,...`` or a range ``START:STOP:N`` (N points, both ends included).

Output: an aligned text table, or with ``--json`` one JSON object::

    {"model": {...}, "conditions": {...}, "modes": [k, ...],
     "points": [{"V", "mu_L", "mu_R", "J", "J_by_channel", "error_J",
                 "I", "I_by_channel", "error_I",
                 "modes": [{"mode", "omega", "stable", "damping", "emission",
                            "n", "T_eff"}]}]}

``n`` and ``T_eff`` are left out of an unstable mode (``"stable": false``).
With ``--units UNIT`` (the model's energy unit, e.g. ``eV``) each point also has
``"si"``: ``J_W``, ``J_by_channel_W``, ``error_J_W``, ``I_electric_A`` (``-e I``),
``error_I_electric_A`` and ``T_eff_K`` (stable modes), and the text report adds
those columns.  The model may have chain leads (``lead_L`` / ``lead_R`` tables of
the model file).  A mode driven unstable is reported, not an error.  Exit code 0 on success,
2 on bad input, with a one-line message ``symehp current: ...`` on stderr
(with ``SYMEHP_DEBUG=1`` in the environment: the traceback instead).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from .conditions import CONDITIONS, resolve_conditions
from .units import ENERGY_UNITS, Units
from .ehp import CHANNELS
from .errors import ParameterError, SymehpError
from .model import two_level
from .modelfile import model_to_dict, read_model_file
from .numeric import mode_occupation, transport

__all__ = ["add_arguments", "run", "parse_bias", "evaluate"]

PROG = "symehp current"
#: the paper-figure defaults of the two-level model (as in ``symehp quickstart``)
TWO_LEVEL_DEFAULTS = dict(eps1=0.5, eps2=-0.5, gamma1=0.2, gamma2=0.2, m=0.1, omega=1.0,
                          gamma_ph=0.05, hopping=0.0)
#: default temperature of the electrodes and of the phonon bath
DEFAULT_TEMPERATURE = 0.05
#: most bias points one ``--V START:STOP:N`` may ask for
MAX_POINTS = 10000


# ---------------------------------------------------------------- arguments

def _finite_float(text):
    """argparse type: a finite real number."""
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise ParameterError(f"must be finite, got {text!r}")
    return value


def _argtype(func):
    """Wrap ``func`` so argparse reports its ParameterError as a usage error."""
    def convert(text):
        try:
            return func(text)
        except ParameterError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = func.__name__.lstrip("_")
    return convert


def _temperature(text):
    """argparse type: a finite number >= 0."""
    value = _finite_float(text)
    if value < 0:
        raise ParameterError(f"must be >= 0 (a temperature), got {text}")
    return value


def parse_bias(text):
    """Bias values from ``"V"``, ``"V1,V2,..."`` or ``"START:STOP:N"``: a 1-d float array.

    ``START:STOP:N`` is N evenly spaced points with both ends included
    (``numpy.linspace``).  Raises :class:`ParameterError` on anything else.
    """
    spec = "".join(str(text).split())
    usage = "expected a number, a list V1,V2,... or a range START:STOP:N"
    if not spec:
        raise ParameterError(f"empty bias; {usage}")
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise ParameterError(f"cannot read bias range {text!r}; {usage}")
        start, stop = (_finite_float(p) for p in parts[:2])
        if not parts[2].isdigit() or not 1 <= int(parts[2]) <= MAX_POINTS:
            raise ParameterError(f"bias range {text!r}: N must be an integer in [1, {MAX_POINTS}]")
        return np.linspace(start, stop, int(parts[2]))
    try:
        values = [_finite_float(p) for p in spec.split(",")]
    except ParameterError as exc:
        raise ParameterError(f"cannot read bias {text!r} ({exc}); {usage}") from None
    return np.array(values)


def add_arguments(parser):
    """Add the options of ``symehp current`` to its subparser."""
    parser.description = ("Energy current J (> 0: electrons heat the modes), particle current I "
                          "(electrons/time from L to R), J per EHP channel and each mode's "
                          "occupation, for the two-level model or a model file.")
    parser.epilog = ("examples: symehp current --V 1.2 | symehp current --V 0:2:11 --gamma-ph 0.01 "
                     "| symehp current --model examples/models/three_level.json --json")
    parser.allow_abbrev = False
    parser.error = _usage_error
    model = parser.add_argument_group("model (a file, or the two-level model's parameters)")
    model.add_argument("--model", metavar="FILE",
                       help="model file, .json or .toml (see symehp.modelfile)")
    for name, meaning in (("eps1", "level 1 (on L)"), ("eps2", "level 2 (on R)"),
                          ("gamma1", "width of level 1 to L"), ("gamma2", "width of level 2 to R"),
                          ("m", "off-diagonal coupling to the mode"), ("omega", "mode frequency"),
                          ("gamma-ph", "mode damping by the phonon bath"),
                          ("hopping", "direct hopping between the levels")):
        default = TWO_LEVEL_DEFAULTS[name.replace("-", "_")]
        model.add_argument(f"--{name}", type=_argtype(_finite_float), metavar="X",
                           help=f"two-level model: {meaning} (default {default:g})")
    bias = parser.add_argument_group("bias and temperatures (override the file's conditions)")
    bias.add_argument("--V", type=_argtype(parse_bias), metavar="V",
                      help="bias eV = mu_L - mu_R with mu_L = V/2 = -mu_R: one value, a list "
                           "V1,V2,... or a range START:STOP:N (write --V=-1:1:5 for a negative "
                           "start; default 0)")
    bias.add_argument("--mu-L", type=_argtype(_finite_float), metavar="X",
                      help="chemical potential of L (instead of --V)")
    bias.add_argument("--mu-R", type=_argtype(_finite_float), metavar="X",
                      help="chemical potential of R (instead of --V)")
    bias.add_argument("--T-e", type=_argtype(_temperature), metavar="T",
                      help="electron temperature of both electrodes "
                           f"(default {DEFAULT_TEMPERATURE:g})")
    bias.add_argument("--T-L", type=_argtype(_temperature), metavar="T",
                      help="temperature of electrode L (instead of --T-e)")
    bias.add_argument("--T-R", type=_argtype(_temperature), metavar="T",
                      help="temperature of electrode R (instead of --T-e)")
    bias.add_argument("--T-ph", type=_argtype(_temperature), metavar="T",
                      help=f"phonon-bath temperature (default {DEFAULT_TEMPERATURE:g})")
    out = parser.add_argument_group("output")
    out.add_argument("--mode", type=int, metavar="K",
                     help="occupation of mode K only (0-based; default: every mode)")
    out.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    out.add_argument("--units", choices=sorted(ENERGY_UNITS), metavar="UNIT",
                     help="the model's energy unit (one of " + ", ".join(ENERGY_UNITS) + "): "
                          "also report J in W, the electric current -e I in A and the "
                          "temperatures in K (symehp.units)")


def _usage_error(message):
    """One-line replacement of ``ArgumentParser.error`` (exit code 2, no usage block)."""
    print(f"{PROG}: {message} (see '{PROG} --help')", file=sys.stderr)
    raise SystemExit(2)


# ---------------------------------------------------------------- set-up

def _two_level_options(args):
    """The two-level options given on the command line (name -> value)."""
    return {k: getattr(args, k) for k in TWO_LEVEL_DEFAULTS if getattr(args, k, None) is not None}


def _build_model(args):
    """``(model, description, file conditions)`` from ``--model`` or the two-level options."""
    given = _two_level_options(args)
    if args.model is not None:
        if given:
            names = ", ".join("--" + k.replace("_", "-") for k in given)
            raise ParameterError(f"give either --model or the two-level options, not both "
                                 f"(found --model and {names})")
        loaded = read_model_file(args.model)
        model = loaded.model
        label = f"{loaded.source} ({model.N} levels, {model.K} mode(s))"
        return model, label, loaded.conditions
    params = {**TWO_LEVEL_DEFAULTS, **given}
    for key, strict in (("gamma1", False), ("gamma2", False), ("omega", True), ("gamma_ph", False)):
        if params[key] < 0 or (strict and params[key] == 0):
            raise ParameterError(f"--{key.replace('_', '-')} must be {'> 0' if strict else '>= 0'}, "
                                 f"got {params[key]:g}")
    hopping = params.pop("hopping")
    model = two_level(**params, hopping=hopping)
    label = "two-level (" + ", ".join(f"{k}={v:g}" for k, v in params.items())
    label += f", hopping={hopping:g})" if hopping else ")"
    return model, label, {}


def _option(name):
    """How the condition ``name`` is spelled on the command line (``--T-e``)."""
    return "--" + name.replace("_", "-")


def _conditions(args, defaults):
    """``(mu_L, mu_R, T_L, T_R, T_ph)``: the options over the file's conditions, else
    ``V = 0`` and ``T_e = T_ph = 0.05`` (:func:`symehp.conditions.resolve_conditions`;
    an option overrides exactly what it names).  ``mu_L`` and ``mu_R`` are 1-d arrays
    (one entry per bias value)."""
    given = {name: getattr(args, name) for name in CONDITIONS}
    out = resolve_conditions(given, defaults,
                             fallback={"V": 0.0, "T_e": DEFAULT_TEMPERATURE,
                                       "T_ph": DEFAULT_TEMPERATURE},
                             spell=_option)
    mu_L, mu_R = np.broadcast_arrays(np.atleast_1d(np.asarray(out["mu_L"], float)),
                                     np.atleast_1d(np.asarray(out["mu_R"], float)))
    return mu_L, mu_R, out["T_L"], out["T_R"], out["T_ph"]


def _modes(args, model):
    """The mode indices to report."""
    if args.mode is None:
        return list(range(model.K))
    if not 0 <= args.mode < model.K:
        raise ParameterError(f"--mode {args.mode} is out of range: the model has {model.K} "
                             f"mode(s), numbered 0 to {model.K - 1}")
    return [args.mode]


# ---------------------------------------------------------------- numbers

def _floats(x, size):
    """``x`` (scalar or array) as a list of ``size`` Python floats."""
    return [float(v) for v in np.broadcast_to(np.asarray(x, float), (size,))]


def _mode_entries(model, k, mu_L, mu_R, t_l, t_r, t_ph):
    """Per bias point, the JSON-ready occupation of mode ``k`` (no NaN)."""
    occ = mode_occupation(model, k, mu_L=mu_L, mu_R=mu_R, T_L=t_l, T_R=t_r, T_ph=t_ph,
                          unstable="flag")
    size = mu_L.size
    cols = {name: _floats(getattr(occ, name), size)
            for name in ("damping", "emission", "n", "T_eff")}
    stable = [bool(s) for s in np.broadcast_to(occ.stable, (size,))]
    entries = []
    for i in range(size):
        entry = {"mode": k, "omega": occ.omega, "stable": stable[i],
                 "damping": cols["damping"][i], "emission": cols["emission"][i]}
        if stable[i]:
            entry.update(n=cols["n"][i], T_eff=cols["T_eff"][i])
        entries.append(entry)
    return entries


def evaluate(model, mu_L, mu_R, *, T_L, T_R, T_ph, modes):
    """Currents and occupations at each bias point: a list of JSON-ready dicts."""
    mu_L, mu_R = np.atleast_1d(np.asarray(mu_L, float)), np.atleast_1d(np.asarray(mu_R, float))
    mu_L, mu_R = np.broadcast_arrays(mu_L, mu_R)
    size = mu_L.size
    res = transport(model, mu_L=mu_L, mu_R=mu_R, T_L=T_L, T_R=T_R, T_ph=T_ph)
    per_mode = [_mode_entries(model, k, mu_L, mu_R, T_L, T_R, T_ph) for k in modes]
    j_ch = {ch.name: _floats(res.J_by_channel[ch.name], size) for ch in CHANNELS}
    i_ch = {ch.name: _floats(res.I_by_channel[ch.name], size) for ch in CHANNELS}
    cols = {name: _floats(getattr(res, name), size) for name in ("J", "I", "error_J", "error_I")}
    points = []
    for i in range(size):
        points.append({
            "V": float(mu_L[i] - mu_R[i]), "mu_L": float(mu_L[i]), "mu_R": float(mu_R[i]),
            "J": cols["J"][i], "J_by_channel": {c: v[i] for c, v in j_ch.items()},
            "error_J": cols["error_J"][i],
            "I": cols["I"][i], "I_by_channel": {c: v[i] for c, v in i_ch.items()},
            "error_I": cols["error_I"][i],
            "modes": [entries[i] for entries in per_mode]})
    return points


# ---------------------------------------------------------------- output

def _g(x):
    """A number for the text table (7 significant digits)."""
    return f"{x:.7g}"


def _table(headers, rows):
    """Right-aligned columns, two spaces apart; the last column left-aligned."""
    widths = [max(len(str(r[i])) for r in [headers] + rows) for i in range(len(headers))]

    def line(cells):
        parts = [str(c).rjust(w) for c, w in zip(cells[:-1], widths)]
        return "  ".join(parts + [str(cells[-1])]).rstrip()
    return [line(headers)] + [line(r) for r in rows]


def _status(entry):
    """``stable`` or ``UNSTABLE (damping = d < 0)``."""
    if entry["stable"]:
        return "stable"
    d = entry["damping"]
    return f"UNSTABLE (damping = {d:.4g} {'<' if d < 0 else '='} 0)"


def si_values(point, si):
    """The SI values of one point's currents (:class:`~symehp.units.Units` ``si``): J,
    its parts and error in W, the electric current ``-e I`` and its error in A, and
    the stable modes' ``T_eff`` in K (``T_eff_K``: mode index as a string -> K)."""
    return {"energy_unit": si.energy_unit, "J_W": si.watts(point["J"]),
            "J_by_channel_W": {c: si.watts(v) for c, v in point["J_by_channel"].items()},
            "error_J_W": si.watts(point["error_J"]),
            "I_electric_A": si.electric(point["I"]),
            "error_I_electric_A": si.electric_current * point["error_I"],
            "T_eff_K": {str(m["mode"]): si.kelvin(m["T_eff"]) for m in point["modes"]
                        if m["stable"]}}


def format_text(label, conditions, points, si=None):
    """The text report: model, temperatures, a currents table and a modes table (and
    with ``si``, a :class:`~symehp.units.Units`, the currents in W and A and T_eff in K)."""
    c = conditions
    temps = f"temperatures: T_L = {c['T_L']:g}, T_R = {c['T_R']:g}, T_ph = {c['T_ph']:g}"
    if si is not None:
        temps += (f" {si.energy_unit} (T_L = {si.kelvin(c['T_L']):.6g} K, "
                  f"T_R = {si.kelvin(c['T_R']):.6g} K, T_ph = {si.kelvin(c['T_ph']):.6g} K)")
    lines = [f"model: {label}", temps,
             "J: energy/time from the electrons into the modes (> 0 heats them); "
             "I: electrons/time from L to R", ""]
    names = [ch.name for ch in CHANNELS]
    headers = ["V", "mu_L", "mu_R", "J"] + [f"J_{n}" for n in names] + ["error_J", "I", "error_I"]
    rows = [[_g(p["V"]), _g(p["mu_L"]), _g(p["mu_R"]), _g(p["J"])]
            + [_g(p["J_by_channel"][n]) for n in names]
            + [f"{p['error_J']:.1e}", _g(p["I"]), f"{p['error_I']:.1e}"] for p in points]
    lines += _table(headers, rows) + [""]
    if si is not None:
        lines += [f"in SI units ({si.energy_unit}): J in W, the electric current -e I "
                  "(L -> R) in A", ""]
        values = [si_values(p, si) for p in points]
        headers = (["V", "J [W]"] + [f"J_{n} [W]" for n in names]
                   + ["error_J [W]", "-e I [A]", "error [A]"])
        rows = [[_g(p["V"]), _g(v["J_W"])] + [_g(v["J_by_channel_W"][n]) for n in names]
                + [f"{v['error_J_W']:.1e}", _g(v["I_electric_A"]),
                   f"{v['error_I_electric_A']:.1e}"] for p, v in zip(points, values)]
        lines += _table(headers, rows) + [""]
    rows = []
    for p in points:
        for m in p["modes"]:
            n, t = (_g(m["n"]), _g(m["T_eff"])) if m["stable"] else ("-", "-")
            kelvin = ([_g(si.kelvin(m["T_eff"])) if m["stable"] else "-"]
                      if si is not None else [])
            rows.append([_g(p["V"]), m["mode"], _g(m["omega"]), n, t] + kelvin
                        + [_g(m["damping"]), _status(m)])
    lines += _table(["V", "mode", "Omega", "n", "T_eff"] + (["T_eff [K]"] if si else [])
                    + ["damping", "status"], rows)
    return "\n".join(lines)


def format_json(model, label, conditions, modes, points, si=None):
    """The ``--json`` report on one line (NaN and infinities cannot occur: ``allow_nan=False``);
    with ``si`` each point also has ``"si"`` (:func:`si_values`) and the conditions the
    temperatures in K."""
    if si is not None:
        points = [{**p, "si": si_values(p, si)} for p in points]
        conditions = {**conditions, **{f"{k}_kelvin": si.kelvin(v) for k, v in conditions.items()},
                      "energy_unit": si.energy_unit}
    data = {"model": {"source": label, "N": model.N, "K": model.K,
                      "definition": model_to_dict(model)},
            "conditions": conditions, "modes": modes, "points": points}
    return json.dumps(data, allow_nan=False)


# ---------------------------------------------------------------- the command

def run(args):
    """Run ``symehp current``; returns the exit code (0 ok, 2 bad input)."""
    try:
        model, label, defaults = _build_model(args)
        mu_L, mu_R, t_l, t_r, t_ph = _conditions(args, defaults)
        modes = _modes(args, model)
        points = evaluate(model, mu_L, mu_R, T_L=t_l, T_R=t_r, T_ph=t_ph, modes=modes)
    except SymehpError as exc:
        from .cli import debug_enabled
        if debug_enabled():            # SYMEHP_DEBUG=1: the traceback, not the one line
            raise
        message = " ".join(str(exc).split())
        print(f"{PROG}: {message}", file=sys.stderr)
        return 2
    conditions = {"T_L": t_l, "T_R": t_r, "T_ph": t_ph}
    si = None if args.units is None else Units(args.units)
    if args.json:
        print(format_json(model, label, conditions, modes, points, si))
    else:
        print(format_text(label, conditions, points, si))
    return 0
