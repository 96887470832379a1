"""The ``dps=`` path: arbitrary precision with mpmath and Arb (python-flint).

One package for everything the public functions do when given ``dps=``:

* :mod:`symehp.numeric.mp.spectra` -- the EHP spectra of Eq. (7) in closed form at
  ``dps`` digits plus guard digits (the digammas and, at equal temperatures, the
  pole-pair sums in Arb; the Fermi pole sums at ``T_L != T_R``);
* :mod:`symehp.numeric.mp.currents` -- the currents of Eq. (8) and the mode occupation,
  by mpmath's frequency quadrature over those spectra;
* :mod:`symehp.numeric.mp.certify` -- ``certify=True``: the currents as
  :class:`~symehp.numeric.mp.interval.Interval` enclosures, every step in Arb ball
  arithmetic with rigorous error bounds.

The double-precision layer reaches it through one door,
:func:`symehp.numeric.backends.precise_engine` (imported on first use: mpmath and
python-flint are not loaded by a double-precision call).  ``symehp.numeric.precise``
and ``symehp.numeric.precise_currents`` are the former names of these two modules
(the same module objects).
"""

from .certify import certified_transport
from .currents import occupation_parts_mp, transport_mp
from .interval import Interval
from .spectra import GUARD, spectra_mp

__all__ = ["spectra_mp", "transport_mp", "occupation_parts_mp", "certified_transport",
           "Interval", "GUARD"]
