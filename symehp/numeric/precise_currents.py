"""Former name of :mod:`symehp.numeric.mp.currents` (the same module object, for code
that imports or patches it by this name)."""

import sys

from .mp import currents as _module

sys.modules[__name__] = _module
