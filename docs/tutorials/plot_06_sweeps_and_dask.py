r"""
Sweeps as labelled data, in-process and on Dask
===============================================

:func:`symehp.sweep` evaluates the currents of Eq. (8) and the mode
occupation on the outer product of its axes and returns an
:class:`xarray.Dataset`.  Each 1-d argument is a dimension, in the order the
keywords are given; ``V`` means :math:`\mu_L = V/2 = -\mu_R`; scalars become
attributes.  The data variables are

* ``J`` and ``error_J``: the energy current into the modes (:math:`J > 0` heats
  them) and its quadrature error estimate,
* ``I`` and ``error_I``: electrons per unit time from L to R,
* ``J_channel``: :math:`J_{\alpha\beta}` per EHP channel,
  :math:`J = \sum_{\alpha\beta} J_{\alpha\beta}`,
* ``n``: the occupation of each mode.

The grid is cut into chunks of ``chunks`` points; each chunk is one vectorized
call, in-process or one Dask task on a ``dask.distributed`` cluster.  Both
evaluate the same function on the same chunks, so they give the same bits.
"""

# %%
# A serial sweep
# --------------
import logging

import matplotlib.pyplot as plt
import numpy as np

import symehp
from symehp.applications import fig2_model

model = fig2_model("heating")
V = np.linspace(0.0, 2.0, 41)
serial = symehp.sweep(model, V=V, T_e=[0.05, 0.1], T_ph=0.05, chunks=16, progress=False)
serial

# %%
# Labelled selections and plots come with xarray; the attributes record the
# conventions, the symehp version and the model, so ``serial.to_netcdf(path)``
# writes a file that describes itself.
print(serial.J.dims, serial.J.attrs["units"])
print(serial.attrs["conventions"])

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True)
serial.J.plot.line(x="V", ax=ax1)
serial.J_channel.sel(T_e=0.05).plot.line(x="V", ax=ax2)
ax2.set_title("T_e = 0.05, per channel")
plt.show()

# %%
# A model parameter as an axis
# ----------------------------
# A factory ``f(**params) -> Junction`` sweeps model parameters: here a gate
# voltage that shifts both levels.
def gated(gate):
    return symehp.two_level(eps1=0.5 + gate, eps2=-0.5 + gate, gamma1=0.2, gamma2=0.2,
                            m=0.1, omega=1.0, gamma_ph=0.05)


gate_scan = symehp.sweep(gated, gate=np.linspace(-1.0, 1.0, 9), V=1.5, T_e=0.05, T_ph=0.05,
                         progress=False)
print(gate_scan.J.to_series())

# %%
# The same sweep on a Dask cluster
# --------------------------------
# ``client=`` takes any running ``dask.distributed.Client``: a ``LocalCluster``
# on one machine (here two worker processes), ``dask-jobqueue`` on an HPC
# system, or a scheduler address.  The workers need symehp installed.  With
# ``chunks=16`` the 82 points make 6 tasks.  The result is bit for bit the
# serial one: values, coordinates and attributes.
#
# (The ``__main__`` guard matters when this file is run as a script: Dask
# starts its worker processes with ``spawn``, which imports the main module
# again.)
from distributed import Client, LocalCluster

if __name__ == "__main__":
    logging.getLogger("distributed").setLevel(logging.ERROR)   # Dask's start-up chatter
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        on_dask = symehp.sweep(model, V=V, T_e=[0.05, 0.1], T_ph=0.05, chunks=16,
                               client=client, progress=False)
    print("identical:", on_dask.identical(serial))
    print("largest difference in J:", float(abs(on_dask.J - serial.J).max()))
