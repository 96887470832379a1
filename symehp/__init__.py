"""symehp: hybrid electron-boson energy transport through biased junctions.

A voltage-biased coherent conductor acts on a set of bosonic modes as four
baths of electron-hole pairs (LL, RR, RL, LR), each in equilibrium at the
electron temperature with chemical potential ``mu_alpha - mu_beta``.  The
energy current between the electrons and the modes (tied to a phonon bath)
follows the Landauer-type Eq. (8) of Hu, Nian & Lu (2019).

Layers
------
* symbolic model: :class:`Junction`, :func:`two_level`, :mod:`symehp.greens`,
  :mod:`symehp.modes`, :mod:`symehp.ehp`; electrodes as self-energies:
  :mod:`symehp.leads` (wide band, semi-infinite chains, any function)
* proofs: :mod:`symehp.verify`
* ready-made models: :mod:`symehp.models`; inputs from sisl and Inelastica:
  :mod:`symehp.interop`; model files: :mod:`symehp.modelfile`
* numbers: :func:`ehp_dos`, :func:`emission_spectrum`, :func:`ehp_self_energy`,
  :func:`energy_current`, :func:`particle_current`, :func:`transport`,
  :func:`mode_occupation` (with ``dps=`` for mpmath), :func:`transmission`; the
  electron-dressed modes: ``dressed=True``, :func:`mode_steady_state`,
  :func:`mode_eigenfrequencies`, :func:`mode_spectral_function`; SI units:
  :mod:`symehp.units`; labelled sweeps: :func:`sweep`
* applications: :func:`rectification`, :func:`cold_spot`, :func:`bias_response`,
  :func:`two_mode_dynamics`, :func:`exceptional_point`, :func:`eq9_coefficients`,
  :func:`instability_map` (:mod:`symehp.applications`); figures
  (:mod:`symehp.figures`) and closed forms (:mod:`symehp.derivations`) behind the
  ``symehp`` command

Conventions (hbar = e = k_B = 1, signs, normalizations): ``docs/conventions.md``.
"""

from . import ehp, greens, modes, symbols
from .ehp import CHANNELS, Channel, channel
from .errors import (ModeInstabilityError, ModelError, ParameterError, ProofError,
                     SymehpError, ValidityWarning)
from .model import Junction, NumericJunction, two_level

__version__ = "0.1.0"
from . import verify
from .numeric import (ChannelMapping, ModeOccupation, TransportResult, ehp_dos,
                      ehp_self_energy, emission_spectrum, energy_current, mode_occupation,
                      particle_current, transmission, transport)
from .numeric.dressed import mode_spectral_function
from .numeric.mode_dynamics import mode_eigenfrequencies
from .numeric.steady_state import ModeSteadyState, mode_steady_state
from . import leads, models, units
from . import interop

from .sweep import sweep

from . import applications
from .applications import (bias_response, cold_spot, eq9_coefficients, exceptional_point,
                           instability_bias, instability_map, rectification,
                           two_mode_dynamics)

__all__ = [
    # applications
    "applications", "rectification", "cold_spot", "bias_response", "instability_bias",
    "two_mode_dynamics", "exceptional_point", "eq9_coefficients", "instability_map",
    # symbolic model and layers
    "Junction", "NumericJunction", "two_level", "Channel", "CHANNELS", "channel",
    "ehp", "greens", "interop", "leads", "models", "modes", "symbols", "units", "verify",
    # numbers
    "ehp_dos", "emission_spectrum", "ehp_self_energy", "energy_current", "particle_current",
    "transport", "transmission",
    "mode_occupation", "ModeOccupation", "TransportResult", "ChannelMapping", "Interval",
    "mode_steady_state", "ModeSteadyState", "mode_spectral_function", "mode_eigenfrequencies",
    # sweeps (xarray, optionally on Dask)
    "sweep",
    # errors
    "SymehpError", "ModelError", "ParameterError", "ModeInstabilityError", "ProofError",
    # warnings
    "ValidityWarning",
]


def __getattr__(name):
    # the certified enclosure type (certify=True) lives in the dps= package, which loads
    # python-flint: imported on first use, not by ``import symehp``
    if name == "Interval":
        from .numeric.mp.interval import Interval
        return Interval
    raise AttributeError(f"module 'symehp' has no attribute {name!r}")
