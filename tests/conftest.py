"""Test configuration shared by the suite: the hypothesis profiles of the property tests.

* ``ci`` (default): deterministic (``derandomize=True``, no example database),
  modest numbers of examples, so that ``tests/test_properties.py`` stays well
  within its time budget on a 2-core machine.
* ``dev``: twenty times more examples, random seeds, for hunting bugs locally:
  ``SYMEHP_HYPOTHESIS_PROFILE=dev python -m pytest tests/test_properties.py``.

The per-test example counts in ``test_properties.py`` are written for ``ci`` and
scaled by ``max_examples`` of the active profile (``ci``: 20, ``dev``: 400).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(print_blob=True, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, database=None, max_examples=20, **_COMMON)
settings.register_profile("dev", derandomize=False, database=None, max_examples=400, **_COMMON)
settings.load_profile(os.environ.get("SYMEHP_HYPOTHESIS_PROFILE", "ci"))
