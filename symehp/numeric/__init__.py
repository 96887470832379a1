"""Numeric layer: closed-form EHP spectra and the currents of Eq. (8).

Nothing here builds SymPy objects at call time: a numeric :class:`Junction`
is compiled once (cached by a hash of its numbers) into its pole expansion,
and every function broadcasts over its array arguments.
"""

from .codegen import CompiledKernel, compile_kernel
from .currents import (ChannelMapping, TransportResult, energy_current, particle_current,
                       transport)
from .occupation import ModeOccupation, mode_occupation
from .self_energy import ehp_self_energy
from .spectra import ehp_dos, emission_spectrum
from .distributions import bose, fermi, x_bose
from .transmission import transmission
from .lead_spectra import lead_spectra

__all__ = ["ehp_dos", "emission_spectrum", "ehp_self_energy", "energy_current",
           "particle_current", "transport", "mode_occupation", "ModeOccupation",
           "TransportResult", "ChannelMapping", "fermi", "bose", "x_bose", "compile_kernel",
           "CompiledKernel", "transmission", "lead_spectra"]
