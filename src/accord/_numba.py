"""numba as accord's kernels take it: without Intel's vector math library (SVML).

Where ``libsvml.so`` is installed (conda's ``icc_rt``, PyPI's ``intel-cmplr-lib-rt``), numba
hands it to LLVM when numba is imported, and LLVM then replaces ``math.exp``, ``math.log``,
``math.tanh`` and ``**`` in a vectorizable loop by SVML's vector functions, which neither give
the C library's bits nor the same bits on every CPU (SVML picks its code by the CPU, as NumPy
does). accord's kernels promise libm's bits (:mod:`accord.fpmath`, ``docs/engine.md``), so this
module asks numba not to load SVML, unless the environment says otherwise, before numba is
first imported, and warns where numba was imported with SVML already. Every kernel module
imports numba from here. The variable then holds for the whole process (the user's own numba
code too) and for the processes it starts. numba's disk cache does not record whether SVML was
on, so kernels compiled in a process that had it (``NUMBA_DISABLE_INTEL_SVML=0``) are loaded by
later ones; delete the ``__pycache__/*.nbi``/``*.nbc`` files of accord's kernel modules after such
a run.
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("NUMBA_DISABLE_INTEL_SVML", "1")

import numba
from numba import njit, types

__all__ = ["njit", "types"]

if getattr(numba.config, "USING_SVML", False):
    warnings.warn(
        "numba was imported with Intel's SVML, which can give other bits than the C library's and other "
        "bits on another CPU: accord's numbers may then differ between machines (set "
        "NUMBA_DISABLE_INTEL_SVML=1 before numba is imported)",
        RuntimeWarning,
        stacklevel=2,
    )
