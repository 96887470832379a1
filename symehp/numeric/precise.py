"""Former name of :mod:`symehp.numeric.mp.spectra` (the same module object, for code
that imports or patches it by this name)."""

import sys

from .mp import spectra as _module

sys.modules[__name__] = _module
