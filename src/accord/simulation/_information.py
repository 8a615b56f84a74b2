"""The information phase's search for each party's most credible mediator, as a numba kernel
(loaded on first use): the loop over mediators of :func:`accord.simulation.process.information`,
with :func:`~accord.mechanisms.mediation.bias_toward` and
:func:`~accord.mechanisms.mediation.credibility` per pair, in NumPy's operations and order (sums
over issues as ``np.add.reduce``: :func:`accord.mechanisms._jit.pairwise_sum`; no fastmath;
``error_model="numpy"``). ``tests/test_mechanisms_units.py`` compares it with those functions.
"""

from __future__ import annotations

import numpy as np

from accord._numba import njit
from accord.mechanisms._jit import pairwise_sum

__all__ = ["most_credible"]


@njit(cache=True, error_model="numpy")
def most_credible(pos, sal, meds, pairs, infmt, best, who):
    """For each draw ``d`` with ``infmt[d]``, each combatant ``c`` and each mediator ``meds[j]`` in
    order: where the mediator's credibility with ``c`` (its bias toward ``pairs[c, 0]`` against
    ``pairs[c, 1]``) is strictly greater than ``best[d, c]``, it becomes ``best[d, c]`` and
    ``who[d, c]`` the mediator (a NaN never is). ``pos``, ``sal`` ``(D, A, I)``."""
    D, _, n_issues = pos.shape
    buf = np.empty(n_issues)
    for d in range(D):
        if not infmt[d]:
            continue
        for j in range(meds.shape[0]):
            m = meds[j]
            for i in range(n_issues):
                buf[i] = sal[d, m, i]
            w = pairwise_sum(buf, n_issues)
            if not (w != w or w >= 1e-12):  # np.maximum(w, 1e-12)
                w = 1e-12
            for c in range(pairs.shape[0]):
                for i in range(n_issues):
                    buf[i] = abs(pos[d, m, i] - pos[d, pairs[c, 0], i]) * sal[d, m, i]
                d_party = pairwise_sum(buf, n_issues) / w
                for i in range(n_issues):
                    buf[i] = abs(pos[d, m, i] - pos[d, pairs[c, 1], i]) * sal[d, m, i]
                d_other = pairwise_sum(buf, n_issues) / w
                total = d_party + d_other
                b = (d_other - d_party) / total if total > 1e-12 else 0.0
                cred = (1.0 + b) / 2.0
                if cred == cred:  # np.clip: NaN stays NaN
                    cred = min(max(cred, 0.0), 1.0)
                if cred > best[d, c]:
                    best[d, c] = cred
                    who[d, c] = m
