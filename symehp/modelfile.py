"""Model files: a junction (and optional default conditions) in JSON or TOML.

The format is chosen by the file extension, ``.json`` or ``.toml``.  A file
holds exactly one of two model forms, plus two optional keys.

Two-level form (the paper's model, :func:`symehp.model.two_level`)::

    [two_level]
    eps1 = 0.5
    eps2 = -0.5
    gamma1 = 0.2
    gamma2 = 0.2
    m = 0.1
    omega = 1.0
    gamma_ph = 0.05
    hopping = 0.0          # optional, may be complex

General form (:class:`symehp.model.Junction`), at the top level of the file::

    H        = [[0.5, 0.1], [0.1, -0.5]]        # N x N, a list of rows
    gamma_L  = [[0.2, 0.0], [0.0, 0.0]]         # N x N
    gamma_R  = [[0.0, 0.0], [0.0, 0.2]]         # N x N
    M        = [[[0.0, 0.1], [0.1, 0.0]]]       # a list of K N x N matrices
    omega    = [1.0]                            # a list of K numbers
    gamma_ph = [0.05]                           # a list of K numbers

Energy-dependent leads (:mod:`symehp.leads`): either electrode may be a
``lead_L`` / ``lead_R`` table in place of ``gamma_L`` / ``gamma_R`` (one of the
two for each side)::

    [lead_L]                     # a semi-infinite chain, symehp.leads.chain
    type = "chain"
    t = 1.0                      # hopping (real, nonzero)
    onsite = 0.0                 # optional, default 0
    coupling = [0.6, 0.0]        # N hoppings device orbital -> surface site
    follow_bias = false          # optional: the band moves with mu_L

    [lead_R]                     # wide band, symehp.leads.wide_band (= gamma_R)
    type = "wide_band"
    gamma = [[0.0, 0.0], [0.0, 0.2]]

A lead given by a Python function (:func:`symehp.leads.self_energy`) cannot be
written in a file; build that Junction in Python.  :func:`model_to_dict`
writes a chain lead as a ``lead_`` table and a wide-band electrode as
``gamma_``.

Optional keys:

* ``description``: a free-text string (JSON has no comments);
* ``conditions``: default bias and temperatures for ``symehp current``,
  with ``V`` (meaning ``mu_L = V/2 = -mu_R``) or both ``mu_L`` and ``mu_R``;
  ``T_e`` (both electrodes) or both ``T_L`` and ``T_R``; and ``T_ph``.
  All optional; command-line options override them;
* ``spin_degeneracy``: 1 (default, spinless electrons, the paper's convention)
  or 2 (every spectrum, rate and current doubled), for either form.

Numbers: every entry is a JSON/TOML number, or a string holding a complex
number in Python's notation, ``"0.1+0.2j"``, ``"-0.3j"``, ``"1e-3-2e-3j"``
(spaces allowed, the imaginary unit is ``j``).  Strings are checked against
that pattern and converted with :func:`complex`; nothing is evaluated.
Matrix entries may be complex; every other quantity must be real.  NaN and
infinities are rejected.

Every problem (missing or unreadable file, syntax error, unknown or missing
key, wrong shape, non-numeric value, unphysical model) raises
:class:`~symehp.errors.ModelError` with a message naming the file and the key.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .conditions import CONDITIONS, check_conditions
from . import leads as _leads
from .errors import ModelError
from .model import Junction, two_level

__all__ = ["ModelFile", "read_model_file", "load_model", "parse_model", "model_to_dict",
           "dump_model", "TWO_LEVEL_KEYS", "GENERAL_KEYS", "LEAD_KEYS", "LEAD_TYPES",
           "CONDITION_KEYS"]

#: required keys of the ``two_level`` table (plus the optional ``hopping``)
TWO_LEVEL_KEYS = ("eps1", "eps2", "gamma1", "gamma2", "m", "omega", "gamma_ph")
#: required keys of the general form
GENERAL_KEYS = ("H", "gamma_L", "gamma_R", "M", "omega", "gamma_ph")
#: optional keys of the general form: an energy-dependent lead in place of gamma_L / gamma_R
LEAD_KEYS = ("lead_L", "lead_R")
#: the lead tables' types: required keys, then optional keys with their defaults
LEAD_TYPES = {"chain": (("t", "coupling"), {"onsite": 0.0, "follow_bias": False}),
              "wide_band": (("gamma",), {})}
#: allowed keys of the ``conditions`` table
CONDITION_KEYS = CONDITIONS
_TOP_KEYS = (("description", "two_level", "conditions", "spin_degeneracy") + GENERAL_KEYS
             + LEAD_KEYS)
_SUFFIXES = (".json", ".toml")

_UNSIGNED = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_COMPLEX_RE = re.compile(
    rf"[+-]?(?:{_UNSIGNED}(?:[+-](?:{_UNSIGNED})?[jJ])?|(?:{_UNSIGNED})?[jJ])")


@dataclass(frozen=True)
class ModelFile:
    """What a model file holds.

    Attributes
    ----------
    model : Junction
    conditions : dict
        Default conditions (keys from :data:`CONDITION_KEYS`, real numbers).
    form : str
        ``"two_level"`` or ``"general"``.
    source : str
        The file name (or ``"<data>"``), used in messages.
    description : str or None
    """

    model: Junction
    conditions: dict = field(default_factory=dict)
    form: str = "general"
    source: str = "<data>"
    description: str | None = None


# ---------------------------------------------------------------- reading

def load_model(path):
    """The :class:`~symehp.model.Junction` of the model file ``path`` (JSON or TOML)."""
    return read_model_file(path).model


def read_model_file(path):
    """Read and check a model file: a :class:`ModelFile` (model, conditions, ...)."""
    path = Path(path)
    data = _parse_file(path)
    return parse_model(data, source=str(path))


def _parse_file(path):
    """The parsed JSON/TOML content of ``path`` (a dict), or a ModelError."""
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ModelError(f"{path}: unknown model file type {path.suffix or '(no extension)'!r}; "
                         "use a .json or .toml file")
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ModelError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: not a UTF-8 text file ({exc.reason})") from None
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
                             f"{exc.msg}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{path}: invalid TOML: {exc}") from None


def parse_model(data, *, source="<data>"):
    """Build a :class:`ModelFile` from parsed file content (a dict)."""
    if not isinstance(data, dict):
        raise ModelError(f"{source}: the file must hold a table/object of keys "
                         f"({', '.join(_TOP_KEYS)}), got {_kind(data)}")
    _check_keys(data, _TOP_KEYS, source, "")
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise ModelError(f"{source}: description: must be a string, got {_kind(description)}")
    conditions = _conditions(data.get("conditions", {}), source)
    spin = _spin(data.get("spin_degeneracy", 1), source)
    general = [k for k in GENERAL_KEYS + LEAD_KEYS if k in data]
    if "two_level" in data:
        if general:
            raise ModelError(f"{source}: give either a two_level table or the general model "
                             f"keys, not both (found two_level and {', '.join(general)})")
        model, form = _two_level_model(data["two_level"], source, spin), "two_level"
    elif general:
        model, form = _general_model(data, source, spin), "general"
    else:
        raise ModelError(f"{source}: no model: give a two_level table "
                         f"({', '.join(TWO_LEVEL_KEYS)}) "
                         f"or the general model keys ({', '.join(GENERAL_KEYS)})")
    return ModelFile(model=model, conditions=conditions, form=form, source=source,
                     description=description)


def _spin(value, source):
    """The optional ``spin_degeneracy`` key: the integer 1 (default) or 2."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in (1, 2):
        raise ModelError(f"{source}: spin_degeneracy: must be 1 (spinless) or 2 "
                         f"(spin-degenerate), got {value!r}")
    return int(value)


def _kind(value):
    """A short name of a parsed value's type, for messages."""
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)


def _check_keys(table, allowed, source, prefix):
    """Reject keys not in ``allowed``, naming them and listing the allowed ones."""
    for key in table:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ModelError(f"{source}: {prefix}{key}: unknown key{hint}; allowed keys: "
                             f"{', '.join(allowed)}")


def _require(table, keys, source, what):
    """Every key in ``keys`` must be present in ``table`` (called ``what`` in messages)."""
    missing = [k for k in keys if k not in table]
    if missing:
        raise ModelError(f"{source}: {what}: missing key(s) {', '.join(missing)}")


def _number(value, where, *, real):
    """A finite float (or complex, when allowed and non-real) from a number or a string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ModelError(f"{where}: expected a number, got {_kind(value)} {value!r}"
                         + ("" if real else "; write complex numbers as strings like '0.1+0.2j'"))
    if isinstance(value, str):
        text = "".join(value.split())
        if not _COMPLEX_RE.fullmatch(text):
            raise ModelError(f"{where}: cannot read {value!r} as a number "
                             "(write complex numbers like '0.1+0.2j')")
        number = complex(text)
    else:
        number = complex(float(value))
    if not (math.isfinite(number.real) and math.isfinite(number.imag)):
        raise ModelError(f"{where}: must be finite, got {value!r}")
    if number.imag == 0:
        return float(number.real)
    if real:
        raise ModelError(f"{where}: must be real, got {value!r}")
    return number


def _real_list(value, where, length):
    """A list of ``length`` real numbers."""
    if not isinstance(value, list):
        raise ModelError(f"{where}: expected a list of {length} number(s), got {_kind(value)}")
    if len(value) != length:
        raise ModelError(f"{where}: has {len(value)} entries but M has {length} coupling "
                         "matrices (one per mode)")
    return [_number(v, f"{where}[{i}]", real=True) for i, v in enumerate(value)]


def _matrix(value, where, size=None):
    """A square matrix (list of rows) of numbers; ``size`` enforces N x N."""
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise ModelError(f"{where}: expected a square matrix written as a list of rows, "
                         f"e.g. [[1, 0], [0, 1]]; got {value!r:.60}")
    n = len(value)
    for i, row in enumerate(value):
        if len(row) != n:
            raise ModelError(f"{where}: must be square, but row {i} has {len(row)} entries "
                             f"and there are {n} rows")
    if size is not None and n != size:
        raise ModelError(f"{where}: is {n} x {n}, but H is {size} x {size}")
    return [[_number(x, f"{where}[{i}][{j}]", real=False) for j, x in enumerate(row)]
            for i, row in enumerate(value)]


def _general_model(data, source, spin=1):
    """The :class:`Junction` of the general form."""
    electrodes = {}
    for side in "LR":
        both = [k for k in (f"gamma_{side}", f"lead_{side}") if k in data]
        if len(both) == 2:
            raise ModelError(f"{source}: give either gamma_{side} (wide band) or a lead_{side} "
                             f"table for electrode {side}, not both")
        if not both and any(k in data for k in GENERAL_KEYS):
            raise ModelError(f"{source}: general model: missing electrode {side}: give "
                             f"gamma_{side} (wide band) or a lead_{side} table")
        electrodes[side] = both[0] if both else f"gamma_{side}"
    _require(data, [k for k in GENERAL_KEYS if not k.startswith("gamma_")]
             + list(electrodes.values()), source, "general model")
    H = _matrix(data["H"], f"{source}: H")
    n = len(H)
    args = {}
    for side, key in electrodes.items():
        if key.startswith("gamma_"):
            args[key] = _matrix(data[key], f"{source}: {key}", n)
        else:
            args[key] = _lead(data[key], source, key, n)
    couplings = data["M"]
    if not isinstance(couplings, list) or not couplings or not all(
            isinstance(m, list) and m and all(isinstance(r, list) for r in m) for m in couplings):
        raise ModelError(f"{source}: M: expected a list of K coupling matrices "
                         "(for one mode: M = [ [[...], [...]] ])")
    M = [_matrix(m, f"{source}: M[{k}]", n) for k, m in enumerate(couplings)]
    omega = _real_list(data["omega"], f"{source}: omega", len(M))
    gamma_ph = _real_list(data["gamma_ph"], f"{source}: gamma_ph", len(M))
    try:
        return Junction(H, M=M, omega=omega, gamma_ph=gamma_ph, spin_degeneracy=spin, **args)
    except ModelError as exc:
        raise ModelError(f"{source}: {exc}") from None


def _lead(table, source, key, n):
    """The lead of the ``lead_L`` / ``lead_R`` table ``key`` (:data:`LEAD_TYPES`) for an
    N x N ``H``."""
    where = f"{source}: {key}"
    types = ", ".join(repr(t) for t in LEAD_TYPES)
    if not isinstance(table, dict):
        raise ModelError(f"{where}: expected a table with a type ({types}), got {_kind(table)}")
    kind = table.get("type")
    if kind is None:
        raise ModelError(f"{where}: missing key type ({types})")
    if kind not in LEAD_TYPES:
        raise ModelError(f"{where}: type: {kind!r} is not a lead type a file can hold "
                         f"({types}); a lead given by a Python function "
                         "(symehp.leads.self_energy) cannot be written in a model file: "
                         "build that Junction in Python")
    required, optional = LEAD_TYPES[kind]
    _check_keys(table, ("type",) + required + tuple(optional), source, f"{key}.")
    _require(table, required, source, f"{key} (type {kind!r})")
    if kind == "wide_band":
        return _leads.wide_band(_matrix(table["gamma"], f"{where}.gamma", n))
    values = {**optional, **{k: table[k] for k in table if k != "type"}}
    coupling = values["coupling"]
    if not isinstance(coupling, list):
        raise ModelError(f"{where}.coupling: expected a list of {n} hoppings (one per device "
                         f"orbital), got {_kind(coupling)}")
    if len(coupling) != n:
        raise ModelError(f"{where}.coupling: has {len(coupling)} entries, but H is {n} x {n} "
                         "(one hopping per device orbital)")
    coupling = [_number(v, f"{where}.coupling[{i}]", real=False) for i, v in enumerate(coupling)]
    if not isinstance(values["follow_bias"], bool):
        raise ModelError(f"{where}.follow_bias: must be true or false, got "
                         f"{values['follow_bias']!r}")
    t = _number(values["t"], f"{where}.t", real=True)
    onsite = _number(values["onsite"], f"{where}.onsite", real=True)
    try:
        return _leads.chain(t, onsite=onsite, coupling=coupling,
                            follow_bias=values["follow_bias"])
    except ModelError as exc:
        raise ModelError(f"{where}: {exc}") from None


def _lead_entry(lead, side):
    """The ``lead_`` table of an energy-dependent lead (a chain), for the file."""
    if not isinstance(lead, _leads.Chain):
        raise ModelError(f"lead_{side} ({lead!r}) cannot be written to a model file: only "
                         "wide-band and chain leads can (a lead given by a Python function "
                         "lives only in Python)")
    return {"type": "chain", "t": float(lead.t), "onsite": float(lead.onsite),
            "coupling": [_entry(v) for v in lead.coupling],
            "follow_bias": bool(lead.follow_bias)}


def _two_level_model(table, source, spin=1):
    """The :func:`two_level` model of a ``two_level`` table."""
    prefix = "two_level."
    if not isinstance(table, dict):
        raise ModelError(f"{source}: two_level: expected a table of {', '.join(TWO_LEVEL_KEYS)}, "
                         f"got {_kind(table)}")
    _check_keys(table, TWO_LEVEL_KEYS + ("hopping",), source, prefix)
    _require(table, TWO_LEVEL_KEYS, source, "two_level")
    params = {k: _number(table[k], f"{source}: {prefix}{k}", real=True) for k in TWO_LEVEL_KEYS}
    for key, strict in (("gamma1", False), ("gamma2", False), ("omega", True), ("gamma_ph", False)):
        if params[key] < 0 or (strict and params[key] == 0):
            raise ModelError(f"{source}: {prefix}{key}: must be {'> 0' if strict else '>= 0'}, "
                             f"got {params[key]}")
    hopping = _number(table.get("hopping", 0.0), f"{source}: {prefix}hopping", real=False)
    try:
        return two_level(**params, hopping=hopping, spin_degeneracy=spin)
    except ModelError as exc:
        raise ModelError(f"{source}: two_level: {exc}") from None


def _conditions(table, source):
    """Checked default conditions: real numbers, temperatures >= 0, consistent groups."""
    if not isinstance(table, dict):
        raise ModelError(f"{source}: conditions: expected a table, got {_kind(table)}")
    _check_keys(table, CONDITION_KEYS, source, "conditions.")
    out = {k: _number(v, f"{source}: conditions.{k}", real=True) for k, v in table.items()}
    for key in ("T_e", "T_L", "T_R", "T_ph"):
        if out.get(key, 0.0) < 0:
            raise ModelError(f"{source}: conditions.{key}: must be >= 0 (a temperature), "
                             f"got {out[key]}")
    check_conditions(out, complete=False, error=ModelError, where=f"{source}: conditions")
    return out


# ---------------------------------------------------------------- writing

def _entry(x):
    """A matrix entry for the file: a float, or a complex string ``"a+bj"`` (exact repr)."""
    x = complex(x)
    if x.imag == 0:
        return float(x.real)
    sign = "-" if math.copysign(1.0, x.imag) < 0 else "+"
    return f"{float(x.real)!r}{sign}{abs(float(x.imag))!r}j"


def model_to_dict(model, conditions=None, description=None):
    """The general-form dict of a numeric model (what :func:`dump_model` writes).

    ``conditions`` (a dict with keys from :data:`CONDITION_KEYS`) and
    ``description`` are added when given.  Numbers are written exactly
    (shortest repr), so :func:`parse_model` gives back the same arrays.
    """
    num = model.numeric()

    def matrix(a):
        return [[_entry(x) for x in row] for row in np.asarray(a)]

    out = {}
    if description is not None:
        out["description"] = str(description)
    out["H"] = matrix(num.H)
    for side in "LR":
        lead = getattr(num, f"lead_{side}")
        if lead.energy_dependent:
            out[f"lead_{side}"] = _lead_entry(lead, side)
        else:
            out[f"gamma_{side}"] = matrix(getattr(num, f"gamma_{side}"))
    out.update(M=[matrix(m) for m in num.M], omega=[float(w) for w in num.omega],
               gamma_ph=[float(g) for g in num.gamma_ph])
    if num.spin_degeneracy != 1:
        out["spin_degeneracy"] = num.spin_degeneracy
    if conditions:
        _check_keys(conditions, CONDITION_KEYS, "conditions", "")
        out["conditions"] = {k: float(v) for k, v in conditions.items()}
    return out


def dump_model(model, path, conditions=None, description=None):
    """Write ``model`` to ``path`` (``.json`` or ``.toml``) in the general form."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ModelError(f"{path}: unknown model file type {path.suffix or '(no extension)'!r}; "
                         "use a .json or .toml file")
    data = model_to_dict(model, conditions, description)
    text = json.dumps(data, indent=2) + "\n" if suffix == ".json" else _to_toml(data)
    path.write_text(text, encoding="utf-8")
    return path


def _toml_value(value):
    """A TOML literal for the values :func:`model_to_dict` produces."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)          # a valid TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value))


def _to_toml(data):
    """TOML text of a :func:`model_to_dict` dict (top-level keys, then its tables:
    ``[lead_L]``, ``[lead_R]``, ``[conditions]``)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
