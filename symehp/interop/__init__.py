"""Inputs from other codes: sisl Hamiltonians and self-energies, Inelastica e-ph couplings.

* :mod:`symehp.interop.sisl`: a :class:`~symehp.Junction` from a device
  ``sisl.Hamiltonian`` and the sisl self-energies of its electrodes
  (``sisl.RecursiveSI`` and sisl's other self-energy objects) attached to given
  device orbitals; needs the extra ``sisl`` (``pip install "symehp[sisl]"``).
* :mod:`symehp.interop.inelastica`: the mode energies, the e-ph couplings per
  mode ``He_ph`` (converted to symehp's ``M``) and the device Hamiltonian from the
  NetCDF file of Inelastica's phonon step (``Phonons``).

Neither module imports its third-party library before it is used: importing
:mod:`symehp.interop` needs nothing beyond symehp's own dependencies, and a
missing library is an :class:`ImportError` naming the extra that provides it.
Conventions (units, ``M``, spin): ``docs/conventions.md``, "Inputs from sisl and
Inelastica".
"""

from . import inelastica, sisl

__all__ = ["inelastica", "sisl"]
