"""Results in SI units, given the energy unit of the model.

symehp computes in model units (``hbar = e = k_B = 1``, docs/conventions.md):
energies, frequencies, temperatures and chemical potentials in one energy unit
``E0``, time in ``hbar / E0``.  With ``E0`` named (``"eV"``, ``"meV"``,
``"Ry"``, ``"Ha"``, ``"J"``, ``"K"`` (``k_B`` times a kelvin) or ``"cm-1"``
(``h c`` times a wavenumber)), :class:`Units` converts:

========================  =========================  ================================
quantity                  model units                SI
========================  =========================  ================================
energy                    ``E0``                     J (``E0``)
temperature               ``E0`` (``k_B = 1``)       K (``E0 / k_B``)
time                      ``hbar / E0``              s
rate, frequency           ``E0 / hbar``              1/s
energy current ``J``      ``E0^2 / hbar``            W
particle current ``I``    electrons / time           electrons/s (``E0/hbar``)
electric current          ``-e I``                   A (``e E0 / hbar`` per unit I)
========================  =========================  ================================

Sign of the electric current: ``I > 0`` is electrons flowing from L to R, which
carry charge ``-e``, so the electric current from L to R is ``-e I``.
A mode frequency ``Omega`` in ``E0`` is the quantum ``hbar Omega``; its angular
frequency is ``Omega E0 / hbar`` (rad/s), as :meth:`Units.rate` gives.

The constants are CODATA's, from :mod:`scipy.constants`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import constants

from .errors import ParameterError

__all__ = ["ENERGY_UNITS", "Units"]

#: joules per one of each energy unit
ENERGY_UNITS = {
    "J": 1.0,
    "eV": constants.electron_volt,
    "meV": 1e-3 * constants.electron_volt,
    "Ry": constants.physical_constants["Rydberg constant times hc in J"][0],
    "Ha": constants.physical_constants["Hartree energy"][0],
    "K": constants.k,
    "cm-1": constants.h * constants.c * 100.0,
}


@dataclass(frozen=True)
class Units:
    """The SI values of symehp's model units for the energy unit ``energy_unit``.

    The properties give one model unit in SI (``energy``: J, ``time``: s,
    ``temperature``: K, ``rate``: 1/s, ``energy_current``: W,
    ``electric_current``: A per unit of ``I``); the methods convert values.

    Examples
    --------
    >>> import symehp.units
    >>> si = symehp.units.Units("eV")
    >>> round(si.kelvin(0.025), 1)          # 25 meV
    290.1
    """

    energy_unit: str = "eV"

    def __post_init__(self):
        if self.energy_unit not in ENERGY_UNITS:
            raise ParameterError(f"energy_unit must be one of {', '.join(ENERGY_UNITS)}, got "
                                 f"{self.energy_unit!r}")

    @property
    def energy(self) -> float:
        """J per energy unit ``E0``."""
        return ENERGY_UNITS[self.energy_unit]

    @property
    def time(self) -> float:
        """s per time unit ``hbar / E0``."""
        return constants.hbar / self.energy

    @property
    def temperature(self) -> float:
        """K per temperature unit ``E0 / k_B``."""
        return self.energy / constants.k

    @property
    def rate(self) -> float:
        """1/s per rate unit ``E0 / hbar``."""
        return self.energy / constants.hbar

    @property
    def energy_current(self) -> float:
        """W per energy-current unit ``E0^2 / hbar``."""
        return self.energy * self.rate

    @property
    def electric_current(self) -> float:
        """A per unit of the particle current ``I``: ``e E0 / hbar`` (the electric current is ``-e I``, :meth:`electric`)."""
        return constants.e * self.rate

    # -- conversions (arrays broadcast; scalars stay scalars)
    def watts(self, J):
        """An energy current ``J`` (model units) in W."""
        return _times(J, self.energy_current)

    def electric(self, I):
        """The electric current from L to R, ``-e I``, in A, of the particle current ``I``
        (electrons/time from L to R, model units)."""
        return _times(I, -self.electric_current)

    def per_second(self, rate):
        """A rate or (angular) frequency (model units) in 1/s."""
        return _times(rate, self.rate)

    def kelvin(self, T):
        """A temperature (model units) in K."""
        return _times(T, self.temperature)

    def from_kelvin(self, T_kelvin):
        """A temperature in K in model units (for the arguments ``T_e``, ``T_ph``, ...)."""
        return _times(T_kelvin, 1.0 / self.temperature)

    def joules(self, E):
        """An energy (model units) in J."""
        return _times(E, self.energy)

    def transport(self, result):
        """The SI values of a :class:`~symehp.numeric.results.TransportResult`: a dict of
        ``J`` and ``error_J`` (W), ``J_by_channel`` (W per channel), ``I_electric`` and
        ``error_I_electric`` (A, the electric current ``-e I`` and its error bound)."""
        return {"J": self.watts(result.J), "error_J": self.watts(result.error_J),
                "J_by_channel": {ch: self.watts(v) for ch, v in result.J_by_channel.items()},
                "I_electric": self.electric(result.I),
                "error_I_electric": _times(result.error_I, self.electric_current)}


def _times(x, factor):
    if np.ndim(x) == 0:
        return float(x) * factor
    return np.asarray(x, float) * factor
