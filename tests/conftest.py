"""Test configuration shared by the suite: the hypothesis profiles of the property tests.

* ``ci`` (default): deterministic (``derandomize=True``, no example database),
  modest numbers of examples, so that ``tests/test_properties.py`` stays well
  within its time budget on a 2-core machine.
* ``dev``: twenty times more examples, random seeds, for hunting bugs locally:
  ``SYMEHP_HYPOTHESIS_PROFILE=dev python -m pytest tests/test_properties.py``.

In ``ci`` the examples depend on nothing but the test's source: Hypothesis (>= 6.131)
also draws, now and then, literal constants found in the *local modules loaded in
the process* (the project's and the tests'), which differ between a run of one file,
a pytest-xdist worker that collected others first, and a fresh checkout where the
generated kernels do not yet exist.  ``ci`` turns that off, so a failure in CI is
reproduced by ``python -m pytest -n 0 tests/test_properties.py`` anywhere.

The per-test example counts in ``test_properties.py`` are written for ``ci`` and
scaled by ``max_examples`` of the active profile (``ci``: 20, ``dev``: 400).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(print_blob=True, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, database=None, max_examples=20, **_COMMON)
settings.register_profile("dev", derandomize=False, database=None, max_examples=400, **_COMMON)
PROFILE = os.environ.get("SYMEHP_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def _without_local_constants():
    """Hypothesis draws no constants from the local modules (see above); a no-op
    on a version of Hypothesis without that feature (its private hook absent)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:                                     # pragma: no cover
        return
    if hasattr(providers, "_get_local_constants"):
        empty = Constants()
        providers._get_local_constants = lambda: empty


if PROFILE == "ci":
    _without_local_constants()
