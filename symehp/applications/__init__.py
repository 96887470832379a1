"""The paper's applications as functions on junction models.

* :mod:`.rectification` - non-reciprocal heat flow between electrons and phonons
* :mod:`.cold_spot`     - electric current driven by a cold (or hot) spot (Fig. 3)
* :mod:`.heating`       - bias-driven heating, cooling and instability of a mode (Fig. 2)
* :mod:`.two_modes`     - Eq. (9) dynamics and the current-induced exceptional point (Fig. 4)
* :mod:`.mode_coupling` - bias-induced inter-mode coupling of a junction model
"""
