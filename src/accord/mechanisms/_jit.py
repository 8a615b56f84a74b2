"""numba kernels of the hot paths (compiled on first use, cached on disk).

Import this module only inside the functions that use it (:mod:`accord.mechanisms.utility`,
:mod:`accord.mechanisms.proposals`), which load it (and numba)
the first time a kernel runs, so that starting the command line does not pay for numba.

Every kernel gives the same bits as its NumPy twin (``*_numpy``): each
elementwise operation is the IEEE operation NumPy performs (no fastmath, no fused multiply-add),
and the sums follow NumPy's own order: :func:`einsum_sum` the order of ``np.einsum`` contracting a
contiguous axis into a zero-stride output (two lanes, unrolled by four: the x86-64 baseline
kernel, which has no FMA), :func:`pairwise_sum` the order of ``np.add.reduce`` over a contiguous
last axis (pairwise, in blocks of eight). Transcendental functions (``tanh``, ``log``) are left to
the callers, which take them from :mod:`accord.fpmath` (the C library's, the same on every CPU).
"""

from __future__ import annotations

import math

import numpy as np

from accord._numba import njit

FEW_TEXTS = 8
"""From this many texts on, :func:`utilities` works on all texts of a draw at once."""


@njit(cache=True, inline="always")
def einsum_sum(p, n):
    """``Σ p[:n]`` in the order of NumPy's einsum inner loop (``dkai,dai->dka``)."""
    a0 = 0.0
    a1 = 0.0
    i = 0
    while n - i >= 8:
        a0 = p[i] + (p[i + 2] + (p[i + 4] + (p[i + 6] + a0)))
        a1 = p[i + 1] + (p[i + 3] + (p[i + 5] + (p[i + 7] + a1)))
        i += 8
    while i < n:
        a0 = p[i] + a0
        a1 = (p[i + 1] + a1) if i + 1 < n else (a1 + 0.0)
        i += 2
    return 0.0 + (a0 + a1)


@njit(cache=True)
def _leaf(p, lo, n):
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res = res + p[i]
        return res
    r0, r1, r2, r3 = p[lo], p[lo + 1], p[lo + 2], p[lo + 3]
    r4, r5, r6, r7 = p[lo + 4], p[lo + 5], p[lo + 6], p[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += p[lo + i]
        r1 += p[lo + i + 1]
        r2 += p[lo + i + 2]
        r3 += p[lo + i + 3]
        r4 += p[lo + i + 4]
        r5 += p[lo + i + 5]
        r6 += p[lo + i + 6]
        r7 += p[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res = res + p[lo + i]
        i += 1
    return res


@njit(cache=True)
def _pairwise(p, lo, n):
    """NumPy's pairwise sum: blocks of at most 128 summed by :func:`_leaf`, halves (rounded to
    multiples of 8) added. Written with an explicit stack: numba cannot cache recursive functions."""
    if n <= 128:
        return _leaf(p, lo, n)
    seg_lo = np.empty(64, dtype=np.int64)
    seg_n = np.empty(64, dtype=np.int64)
    seg_state = np.empty(64, dtype=np.int64)
    vals = np.empty(64)
    top = 0
    vtop = -1
    seg_lo[0], seg_n[0], seg_state[0] = lo, n, 0
    while top >= 0:
        lo_t, n_t = seg_lo[top], seg_n[top]
        if n_t <= 128:
            vtop += 1
            vals[vtop] = _leaf(p, lo_t, n_t)
            top -= 1
            continue
        n2 = n_t // 2
        n2 -= n2 % 8
        state = seg_state[top]
        if state == 0:
            seg_state[top] = 1
            top += 1
            seg_lo[top], seg_n[top], seg_state[top] = lo_t, n2, 0
        elif state == 1:
            seg_state[top] = 2
            top += 1
            seg_lo[top], seg_n[top], seg_state[top] = lo_t + n2, n_t - n2, 0
        else:
            vals[vtop - 1] = vals[vtop - 1] + vals[vtop]
            vtop -= 1
            top -= 1
    return vals[0]


@njit(cache=True)
def pairwise_sum(p, n):
    """``Σ p[:n]`` in the order of ``np.add.reduce`` over a contiguous last axis."""
    return 0.0 + _pairwise(p, 0, n)


@njit(cache=True)
def _distances(loT, hiT, ranged, committed, c, x, w, d_sq, P):
    """``P[i, k]`` = the salience-weighted (committed) distance of text ``k`` on issue ``i`` for
    one actor (ideal point ``x``, saliences ``w``, status quo distances ``d_sq``): the terms of
    :func:`utilities`, laid out so that the loop over texts is contiguous (and vectorizes)."""
    I, K = loT.shape  # noqa: E741
    omc = 1.0 - c
    for i in range(I):
        xi = x[i]
        wi = w[i]
        dsq = d_sq[i]
        if ranged:
            for k in range(K):
                low = loT[i, k]
                high = hiT[i, k]
                width = high - low
                if xi > low and xi < high and width > 0:
                    dx = ((xi - low) * (xi - low) + (high - xi) * (high - xi)) / (2.0 * width)
                else:
                    dx = abs((low + high) / 2.0 - xi)
                if committed:
                    alt = c * dx + omc * dsq
                    if not (dx != dx or dx >= alt):
                        dx = alt
                P[i, k] = dx * wi
        elif committed:
            for k in range(K):
                dx = abs(loT[i, k] - xi)
                alt = c * dx + omc * dsq
                if not (dx != dx or dx >= alt):
                    dx = alt
                P[i, k] = dx * wi
        else:
            for k in range(K):
                P[i, k] = abs(loT[i, k] - xi) * wi


@njit(cache=True)
def _einsum_sums(P, a0, a1):
    """``a0[k]`` = ``Σ_i P[i, k]`` for every ``k`` at once, each in the order of :func:`einsum_sum`
    (the same operations on the same numbers: the same bits)."""
    n, K = P.shape
    for k in range(K):
        a0[k] = 0.0
        a1[k] = 0.0
    i = 0
    while n - i >= 8:
        for k in range(K):
            a0[k] = P[i, k] + (P[i + 2, k] + (P[i + 4, k] + (P[i + 6, k] + a0[k])))
            a1[k] = P[i + 1, k] + (P[i + 3, k] + (P[i + 5, k] + (P[i + 7, k] + a1[k])))
        i += 8
    while i < n:
        if i + 1 < n:
            for k in range(K):
                a0[k] = P[i, k] + a0[k]
                a1[k] = P[i + 1, k] + a1[k]
        else:
            for k in range(K):
                a0[k] = P[i, k] + a0[k]
                a1[k] = a1[k] + 0.0
        i += 2
    for k in range(K):
        a0[k] = 0.0 + (a0[k] + a1[k])


@njit(cache=True)
def _utilities_by_text(lo, hi, ranged, committed, sq, pos, sal, cred, actors, slots, out):
    """:func:`utilities` text by text, one scalar sum each (faster for a few texts)."""
    D, K, I = lo.shape  # noqa: E741
    p = np.empty(I)
    x = np.empty(I)
    w_i = np.empty(I)
    d_sq = np.empty(I)
    for d in range(D):
        c = cred[d]
        omc = 1.0 - c
        for j in range(actors.shape[0]):
            a = actors[j]
            tot = pairwise_sum(sal[d, a], I)  # = salience.sum(axis=-1)
            if not tot > 0:
                # an actor without a stance (every salience 0) values every text at 1 exactly,
                # as the full computation does (its distance total is divided by nothing)
                for k in range(K):
                    out[d, k, slots[j]] = 1.0
                continue
            # what does not depend on the text, once per actor
            for i in range(I):
                x[i] = pos[d, a, i]
                w_i[i] = sal[d, a, i]
                d_sq[i] = abs(sq[d, i] - x[i])
            for k in range(K):
                for i in range(I):
                    xi = x[i]
                    if ranged:
                        low = lo[d, k, i]
                        high = hi[d, k, i]
                        width = high - low
                        if xi > low and xi < high and width > 0:
                            dx = ((xi - low) * (xi - low) + (high - xi) * (high - xi)) / (2.0 * width)
                        else:
                            dx = abs((low + high) / 2.0 - xi)
                    else:
                        dx = abs(lo[d, k, i] - xi)
                    if committed:
                        alt = c * dx + omc * d_sq[i]
                        if not (dx != dx or dx >= alt):
                            dx = alt
                    p[i] = dx * w_i[i]
                w = einsum_sum(p, I)
                v = w / tot
                out[d, k, slots[j]] = 1.0 - v / 100.0
    return out


@njit(cache=True)
def utilities(lo, hi, ranged, committed, sq, pos, sal, cred, actors, slots, out):
    """``out[d, k, slots[j]]`` = utility of text ``k`` for actor ``actors[j]`` (see
    :func:`accord.mechanisms.utility.committed_utility`); ``lo``, ``hi`` ``(D, K, I)``; ``sq`` ``(D, I)``;
    ``pos``, ``sal`` ``(D, A, I)``; ``cred`` ``(D,)``.

    Per draw the texts are transposed once to ``(I, K)`` (shared by every actor), so that each
    elementwise step runs over the texts; every text's terms are computed and summed with the
    operations, in the order, of the scalar :func:`einsum_sum` loop (no fastmath): the same bits.
    Below ``FEW_TEXTS`` texts the transpose costs more than it saves: :func:`_utilities_by_text`."""
    D, K, I = lo.shape  # noqa: E741
    if K < FEW_TEXTS:
        return _utilities_by_text(lo, hi, ranged, committed, sq, pos, sal, cred, actors, slots, out)
    loT = np.empty((I, K))
    hiT = np.empty((I, K))
    P = np.empty((I, K))
    a0 = np.empty(K)
    a1 = np.empty(K)
    u_k = np.empty(K)
    x = np.empty(I)
    w_i = np.empty(I)
    d_sq = np.empty(I)
    for d in range(D):
        c = cred[d]
        for k in range(K):
            for i in range(I):
                loT[i, k] = lo[d, k, i]
        if ranged:
            for k in range(K):
                for i in range(I):
                    hiT[i, k] = hi[d, k, i]
        for j in range(actors.shape[0]):
            a = actors[j]
            s = slots[j]
            tot = pairwise_sum(sal[d, a], I)  # = salience.sum(axis=-1)
            if not tot > 0:
                # an actor without a stance (every salience 0) values every text at 1 exactly,
                # as the full computation does (its distance total is divided by nothing)
                for k in range(K):
                    out[d, k, s] = 1.0
                continue
            # what does not depend on the text, once per actor
            for i in range(I):
                x[i] = pos[d, a, i]
                w_i[i] = sal[d, a, i]
                d_sq[i] = abs(sq[d, i] - x[i])
            _distances(loT, hiT, ranged, committed, c, x, w_i, d_sq, P)
            _einsum_sums(P, a0, a1)
            # the divisions over a contiguous row (they vectorize), then the strided stores
            for k in range(K):
                u_k[k] = 1.0 - (a0[k] / tot) / 100.0
            for k in range(K):
                out[d, k, s] = u_k[k]
    return out


@njit(cache=True)
def ratification_arguments(u, ucol, r_hat, rat, noise, out):
    """``out[d, k, j]`` = the argument of the tanh in
    :func:`accord.mechanisms.ratification.ratification_probability` for the pivot of actor
    ``rat[j]`` (utility ``u[d, k, ucol[rat[j]]]``, reservation ``r_hat[d, rat[j]]``, noise
    ``noise[d]``): ``0.5 · clip((u − r) / max(noise, 1e-9), −60, 60)``, NaN kept as NumPy keeps it
    (the NumPy twin: :func:`accord.mechanisms.ratification.ratification_argument`)."""
    D, K, _ = u.shape
    R = rat.shape[0]
    for d in range(D):
        nz = noise[d]
        m = nz if (nz != nz or nz >= 1e-9) else 1e-9
        for j in range(R):
            c = ucol[rat[j]]
            r = r_hat[d, rat[j]]
            for k in range(K):
                z = (u[d, k, c] - r) / m
                if z == z:
                    z = z if z >= -60.0 else -60.0
                    z = z if z <= 60.0 else 60.0
                out[d, k, j] = 0.5 * z
    return out


@njit(cache=True)
def pass_chance(u, ucol, tanh_pi, picol, lev, r_hat, ac, margin, voters, majority, silent_yes, need, out):
    """Consensus: ``P(pass)`` ``(D, K)``; majority: the normal approximation's ``z`` (NumPy takes
    its tanh). ``u`` ``(D, K, N)``: leaders' utilities, actor ``a`` in column ``ucol[a]``;
    ``tanh_pi`` ``(D, K, R)``: the tanh of the ratification chances' arguments
    (:func:`ratification_arguments`; the chance is ``0.5 (1 + tanh)``), actor ``a`` in column
    ``picol[a]`` (-1: none needed)."""
    D, K, _ = u.shape
    A = voters.shape[0]
    mean_terms = np.zeros(A)
    var_terms = np.zeros(A)
    for d in range(D):
        m = margin[d]
        for k in range(K):
            prod = 1.0
            for a in range(A):
                if not voters[a]:
                    mean_terms[a] = 0.0
                    var_terms[a] = 0.0
                    continue
                p = 0.5 * (1.0 + tanh_pi[d, k, picol[a]]) if picol[a] >= 0 else 1.0
                gain = (u[d, k, ucol[a]] + lev[d, a]) - r_hat[d, a]
                q = p if p * gain - (1.0 - p) * ac[d, a] >= m else 0.0
                prod = prod * q
                mean_terms[a] = q
                var_terms[a] = q * (1.0 - q)
            if majority:
                mean = pairwise_sum(mean_terms, A) + silent_yes
                var = pairwise_sum(var_terms, A)
                out[d, k] = (mean - need + 0.5) / np.sqrt(var + 0.25)
            else:
                out[d, k] = prod
    return out


@njit(cache=True)
def _pairwise_columns(T, n, out):
    """``out[k]`` = :func:`pairwise_sum` of ``T[:n, k]`` for every ``k`` at once (the same
    operations in the same order, laid out so that the loop over ``k`` is contiguous)."""
    K = T.shape[1]
    if n > 128:  # NumPy's recursive halves: column by column
        col = np.empty(n)
        for k in range(K):
            for i in range(n):
                col[i] = T[i, k]
            out[k] = pairwise_sum(col, n)
        return
    if n < 8:
        for k in range(K):
            out[k] = 0.0
        for i in range(n):
            for k in range(K):
                out[k] = out[k] + T[i, k]
    else:
        R = np.empty((8, K))
        for j in range(8):
            for k in range(K):
                R[j, k] = T[j, k]
        i = 8
        while i < n - (n % 8):
            for j in range(8):
                for k in range(K):
                    R[j, k] += T[i + j, k]
            i += 8
        for k in range(K):
            out[k] = ((R[0, k] + R[1, k]) + (R[2, k] + R[3, k])) + ((R[4, k] + R[5, k]) + (R[6, k] + R[7, k]))
        while i < n:
            for k in range(K):
                out[k] = out[k] + T[i, k]
            i += 1
    for k in range(K):
        out[k] = 0.0 + out[k]


@njit(cache=True)
def _argmax(v, n):
    """``np.argmax(v[:n])`` and the value there: the first maximum, or the first NaN (index 0
    and 0.0 where ``n`` is 0)."""
    if n == 0:
        return 0, 0.0
    best = 0
    top = v[0]
    if top != top:
        return 0, top
    for i in range(1, n):
        x = v[i]
        if x != x:
            return i, x
        if x > top:
            best = i
            top = x
    return best, top


@njit(cache=True)
def best_draft(p_pass, u, ucol, u_sq, r_hat, parties_at, n_parties, sponsors, sponsor_party, weights, bias, best, top):
    """Each draw's best candidate ``best (D,)`` and its score ``top (D,)``: the sponsors' scores
    ``P(pass) · own gain`` (a party) or ``P(pass) · [β own gain + (1 − β) mean party gain]`` (a
    mediator), weighted by ``weights (D, M)``; ties and NaN as ``np.argmax``. ``u`` ``(D, K, N)``
    with actor ``a`` in column ``ucol[a]`` (needed for the parties at the table and the sponsors).

    Per draw every candidate's score is computed at once (loops over candidates innermost), with
    the operations, in the order, of one candidate at a time: the same bits."""
    D, K, _ = u.shape
    A = parties_at.shape[0]
    M = sponsors.shape[0]
    terms = np.zeros((A, K))  # rows of actors not at the table stay 0
    jg = np.empty(K)
    score = np.empty(K)
    for d in range(D):
        b = bias[d]
        omb = 1.0 - b
        wt = 0.0
        for j in range(M):
            wt = wt + weights[d, j]
        den = wt if (wt != wt or wt >= 1e-12) else 1e-12
        for a in range(A):
            if parties_at[a]:
                c = ucol[a]
                s = u_sq[d, a]
                for k in range(K):
                    terms[a, k] = (u[d, k, c] - s) * 1.0
        _pairwise_columns(terms, A, jg)
        for k in range(K):
            jg[k] = jg[k] / n_parties
            score[k] = 0.0
        for j in range(M):
            w = weights[d, j]
            c = ucol[sponsors[j]]
            mm = sponsors[j]
            if sponsor_party[j]:
                r = r_hat[d, mm]
                for k in range(K):
                    score[k] = score[k] + w * (p_pass[d, k] * (u[d, k, c] - r))
            else:
                us = u_sq[d, mm]
                for k in range(K):
                    score[k] = score[k] + w * (p_pass[d, k] * (b * (u[d, k, c] - us) + omb * jg[k]))
        for k in range(K):
            score[k] = score[k] / den
        best[d], top[d] = _argmax(score, K)
    return best


@njit(cache=True)
def candidate_points(c, ends, sq, grid, out):
    """The candidate texts of :func:`accord.mechanisms.proposals.candidates_numpy` written into
    ``out (D, E·G + I·(G − 1), I)`` without its ``(D, I, G − 1, I)`` temporaries: ``c`` ``(D, I)``
    the compromise, ``ends`` ``(D, E, I)`` the segments' ends, ``sq`` ``(D, I)``, ``grid`` ``(G,)``."""
    D, E, I = ends.shape  # noqa: E741
    G = grid.shape[0]
    for d in range(D):
        for e in range(E):
            for g in range(G):
                r = e * G + g
                for i in range(I):
                    out[d, r, i] = c[d, i] + grid[g] * (ends[d, e, i] - c[d, i])
        base = E * G
        for j in range(I):
            for s in range(G - 1):
                r = base + j * (G - 1) + s
                for i in range(I):
                    out[d, r, i] = sq[d, i]
                out[d, r, j] = sq[d, j] + grid[s + 1] * (c[d, j] - sq[d, j])
    return out


# NumPy's SeedSequence (numpy/random/bit_generator.pyx), in uint64 arithmetic masked to 32 bits
_M32 = np.uint64(0xFFFFFFFF)
_INIT_A, _MULT_A = np.uint64(0x43B0D7E5), np.uint64(0x931E8875)
_INIT_B, _MULT_B = np.uint64(0x8B51F9DD), np.uint64(0x58F38DED)
_MIX_L, _MIX_R = np.uint64(0xCA01F9DD), np.uint64(0x4973F715)
_SHIFT = np.uint64(16)
_POOL = 4


@njit(cache=True)
def _hashmix(value, h):
    """NumPy's ``hashmix``: returns ``(mixed value, next hash constant)``."""
    value = value ^ h
    h = (h * _MULT_A) & _M32
    value = (value * h) & _M32
    return value ^ (value >> _SHIFT), h


@njit(cache=True)
def _mix(x, y):
    r = (((_MIX_L * x) & _M32) - ((_MIX_R * y) & _M32)) & _M32
    return r ^ (r >> _SHIFT)


@njit(cache=True)
def seed_state_words(entropy, out):
    """``out`` (4 uint64) = ``SeedSequence.generate_state(4, np.uint64)`` for the assembled
    ``entropy`` words (:func:`accord.simulation._seeding.seed_state` assembles them): 8 words of
    32 bits, each pair read little-endian as one 64-bit word."""
    n = entropy.shape[0]
    pool = np.zeros(_POOL, dtype=np.uint64)
    h = _INIT_A
    for i in range(_POOL):
        v = entropy[i] if i < n else np.uint64(0)
        pool[i], h = _hashmix(v, h)
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                v, h = _hashmix(pool[i_src], h)
                pool[i_dst] = _mix(pool[i_dst], v)
    for i_src in range(_POOL, n):
        for i_dst in range(_POOL):
            v, h = _hashmix(entropy[i_src], h)
            pool[i_dst] = _mix(pool[i_dst], v)
    hb = _INIT_B
    for i in range(2 * out.shape[0]):
        v = pool[i % _POOL] ^ hb
        hb = (hb * _MULT_B) & _M32
        v = (v * hb) & _M32
        v = v ^ (v >> _SHIFT)
        if i % 2 == 0:
            out[i // 2] = v
        else:
            out[i // 2] = out[i // 2] | (v << np.uint64(32))


@njit(cache=True)
def seed_states_words(flat, starts, out):
    """:func:`seed_state_words` for many seed sequences at once: row ``r``'s entropy words are
    ``flat[starts[r]:starts[r + 1]]``, its state ``out[r]``."""
    for r in range(out.shape[0]):
        seed_state_words(flat[starts[r] : starts[r + 1]], out[r])


@njit(cache=True)
def _rule_passes(no, yes_count, majority, need):
    """:meth:`accord.mechanisms.rules.Consensus.decide` (no objector) or
    :meth:`accord.mechanisms.rules.Majority.decide` (``yes + silent_yes >= need``, ``need`` =
    ``threshold · max(n_voters, 1) − 1e-9`` worked out by the caller) of one draw."""
    if majority:
        return yes_count >= need
    for a in range(no.shape[0]):  # noqa: SIM110  (a loop numba compiles; no generator)
        if no[a]:
            return False
    return True


@njit(cache=True)
def _worst_issue(lo, hi, sq, pos, sal, d, a, loss):
    """``negotiation._worst_issue`` of one refusal (draw ``d``, actor ``a``): ``np.argmax`` of the
    salience-weighted loss ``sal (|mid − pos| − |sq − pos|)`` against the status quo, ``mid`` =
    ``(lo + hi) / 2``; ``loss`` ``(I,)``: scratch."""
    n = sq.shape[1]
    for i in range(n):
        x = pos[d, a, i]
        loss[i] = sal[d, a, i] * (abs((lo[d, i] + hi[d, i]) / 2.0 - x) - abs(sq[d, i] - x))
    return _argmax(loss, n)[0]


@njit(cache=True)
def table_answers(
    at,
    lo,
    hi,
    now,
    deferred,
    sq,
    pos,
    piv,
    sal,
    deferred_credibility,
    peacekeeping_credibility,
    implementation_credibility,
    flows,
    seated,
    sponsors,
    mediator_leverage,
    leverage_cost,
    cheap,
    parties,
    ratify,
    r_piv,
    leak_effect,
    leaked,
    leaked_actor,
    noise,
    r_lead,
    u_sq,
    u_war,
    audience_cost,
    removal_risk,
    margin,
    u,
    given,
    voters,
    rule_voters,
    majority,
    need,
    silent_yes,
    use_conf,
    conf,
    org_voters,
    org_majority,
    org_need,
    org_silent_yes,
    tolerance,
    peacekeepers,
    enforcement,
    fout,
    bout,
    iout,
    pout,
):
    """One text put to a table in the live draws ``at`` (rows ``r`` of the outputs, draw
    ``at[r]`` of the ``(D, ...)`` inputs): the middle of
    :func:`accord.simulation.negotiation.table_text`, bit for bit its NumPy twin
    :func:`accord.simulation.negotiation._verdict_numpy`. In order:

    - the credibility of deferred terms and of the other side's implementation, raised where
      ``peacekeepers`` deploy, clipped to [0, 1] as ``np.clip`` does (``negotiation._implementation``);
    - leaders' and pivots' values of the text (:func:`accord.mechanisms.proposals.value_of`: the
      committed utility of the full deal ``lo``/``hi``, with deferred terms (``deferred``)
      credibility-weighted against the immediate text ``now``, ``prop.immediate(sq)``), by :func:`_utilities_by_text` as the fused utility
      call computes them;
    - the sponsoring mediators' leverage (``_mediator_shares``, then
      :func:`accord.mechanisms.mediation.inducements` unless the text is ``cheap``), added to
      the parties' values;
    - the pivots' ratification chances (:func:`accord.mechanisms.ratification.ratification_probability`,
      libm's tanh, for the parties where the text needs ``ratify``-ing), the answers (:func:`accord.mechanisms.ratification.answer`,
      with ``given`` decisions: NaN where the model decides), the table's rule, the signing
      conference (``use_conf``, ``conf``), and who is bound (the last ``D`` uniforms against
      :func:`accord.mechanisms.agreements.binding_probability`).

    ``u`` ``(2D + 2DA,)``: the text's uniforms as drawn (leak, ratification ``(D, A)``, removal
    ``(D, A)``, binding).

    Outputs ``(n, A)``: ``fout[0]`` values, ``fout[1]`` ratification chances; ``bout[0..4]`` sign,
    accept, removed (voters), refused, unbound; ``iout[0]`` the answers' reasons, ``iout[1]``
    the reasons with the table's overrides, ``iout[2]`` the issue each refusal objects to most
    (:func:`_worst_issue`, against the status quo ``now`` where signed and with the pivot's ideal
    point where the leader was removed, as the engine counts them; 0 elsewhere); ``pout[0]``, ``pout[1]`` ``(n,)`` passed, signed.
    Sums as NumPy orders them (:func:`pairwise_sum`); NaN compares False and propagates through
    ``maximum`` and ``clip`` as in NumPy."""
    n = at.shape[0]
    A = parties.shape[0]
    I = sq.shape[1]  # noqa: E741
    acts = np.arange(A)
    loss = np.empty(I)  # _worst_issue's scratch
    sq_n = np.empty((n, I))
    lo1 = np.empty((n, 1, I))
    hi1 = np.empty((n, 1, I))
    ranged = False  # one flag over every live draw, as the fused utility call tests it
    for r in range(n):
        d = at[r]
        for i in range(I):
            sq_n[r, i] = sq[d, i]
            lo1[r, 0, i] = lo[d, i]
            hi1[r, 0, i] = hi[d, i]
            if hi[d, i] > lo[d, i]:
                ranged = True
    pos_n = pos[at]
    piv_n = piv[at]
    sal_n = sal[at]
    D = sq.shape[0]
    cred_n = np.empty(n)
    imp_n = np.empty(n)
    for r in range(n):
        d = at[r]
        lift = peacekeeping_credibility[d] * (1.0 if peacekeepers[d] else 0.0)
        for j in range(2):
            x = (deferred_credibility[d] if j == 0 else implementation_credibility[d]) + lift
            x = 0.0 if x < 0.0 else x  # np.clip: NaN kept, a bound itself kept (-0.0 stays -0.0)
            x = 1.0 if x > 1.0 else x
            if j == 0:
                cred_n[r] = x
            else:
                imp_n[r] = x
    ul = np.empty((n, 1, A))
    up = np.empty((n, 1, A))
    _utilities_by_text(lo1, hi1, ranged, True, sq_n, pos_n, sal_n, imp_n, acts, acts, ul)
    _utilities_by_text(lo1, hi1, ranged, True, sq_n, piv_n, sal_n, imp_n, acts, acts, up)
    if deferred:
        now1 = np.empty((n, 1, I))
        for r in range(n):
            for i in range(I):
                now1[r, 0, i] = now[at[r], i]
        ul2 = np.empty((n, 1, A))
        up2 = np.empty((n, 1, A))
        _utilities_by_text(now1, now1, False, True, sq_n, pos_n, sal_n, imp_n, acts, acts, ul2)
        _utilities_by_text(now1, now1, False, True, sq_n, piv_n, sal_n, imp_n, acts, acts, up2)
        for r in range(n):
            c = cred_n[r]
            omc = 1.0 - c
            for a in range(A):
                ul[r, 0, a] = c * ul[r, 0, a] + omc * ul2[r, 0, a]
                up[r, 0, a] = c * up[r, 0, a] + omc * up2[r, 0, a]
    # the sponsoring mediators seated, each once, in the order of the sponsors
    ms = np.empty(sponsors.shape[0], dtype=np.int64)
    M = 0
    for j in range(sponsors.shape[0]):
        m = sponsors[j]
        if not seated[m] or parties[m]:  # a sponsoring mediator seated
            continue
        seen = False
        for k in range(M):
            if ms[k] == m:
                seen = True
        if not seen:
            ms[M] = m
            M += 1
    lev = np.zeros(n)
    if M > 0:
        cap = np.empty((n, M))
        row = np.empty(A)
        for r in range(n):
            d = at[r]
            for a in range(A):
                row[a] = flows[d, a] * (1.0 if (seated[a] and not parties[a]) else 0.0)
            s = pairwise_sum(row, A)
            total = s if (s != s or s >= 1e-12) else 1e-12  # np.maximum keeps NaN
            for j in range(M):
                cap[r, j] = mediator_leverage[d] * (flows[d, ms[j]] / total)
        if cheap:
            for r in range(n):
                for j in range(M):
                    lev[r] = lev[r] + cap[r, j]  # talk is cheap: no cost to weigh
        else:
            # the deal and the status quo as two texts, as inducements stacks them
            lo2 = np.empty((n, 2, I))
            hi2 = np.empty((n, 2, I))
            for r in range(n):
                for i in range(I):
                    lo2[r, 0, i] = lo1[r, 0, i]
                    hi2[r, 0, i] = hi1[r, 0, i]
                    lo2[r, 1, i] = sq_n[r, i]
                    hi2[r, 1, i] = sq_n[r, i]
            um = np.empty((n, 2, M))
            ms = ms[:M].copy()
            _utilities_by_text(lo2, hi2, ranged, False, sq_n, pos_n, sal_n, np.ones(n), ms, np.arange(M), um)
            for r in range(n):
                kc = leverage_cost[at[r]]
                for j in range(M):
                    give = cap[r, j] if (um[r, 0, j] - um[r, 1, j]) >= kc * cap[r, j] else 0.0
                    lev[r] = lev[r] + give
    no = np.empty(A, dtype=np.bool_)
    no_org = np.empty(A, dtype=np.bool_)
    block = np.empty(A, dtype=np.bool_)
    for r in range(n):
        d = at[r]
        nz = noise[d]
        mn = nz if (nz != nz or nz >= 1e-9) else 1e-9  # np.maximum keeps NaN
        mg = 0.0 if cheap else margin[d]
        yes = 0
        for a in range(A):
            v = ul[r, 0, a] + lev[r] * (1.0 if parties[a] else 0.0)
            fout[0, r, a] = v
            if ratify and parties[a]:
                rho = r_piv[d, a] + leak_effect[d] * (1.0 if (leaked[d] or leaked_actor[a]) else 0.0)
                z = (up[r, 0, a] - rho) / mn
                if z == z:  # np.clip keeps NaN
                    z = z if z >= -60.0 else -60.0
                    z = z if z <= 60.0 else 60.0
                p = 0.5 * (1.0 + math.tanh(0.5 * z))
            else:
                p = 1.0
            fout[1, r, a] = p
            gain = v - r_lead[d, a]
            sign = p * gain - (1.0 - p) * audience_cost[d, a] >= mg
            g = given[a]
            if g == g:
                sign = g > 0.5
            ratified = u[D + d * A + a] < p
            failed = sign and not ratified
            removed = failed and u[D + D * A + d * A + a] < removal_risk[d, a]
            refused = not sign
            short = refused and gain < mg
            code = 0  # the codes of accord.mechanisms.ratification.REASONS
            if short and u_war[d, a] > u_sq[d, a]:
                code = 2
            if short and u_war[d, a] <= u_sq[d, a]:
                code = 1
            if refused and gain >= mg:
                code = 3
            if failed:
                code = 4
            if removed:
                code = 5
            accept = sign and ratified
            bout[0, r, a] = sign
            bout[1, r, a] = accept
            bout[2, r, a] = removed and voters[a]
            iout[0, r, a] = code
            accept_v = accept or not voters[a]
            no[a] = (not accept_v) and rule_voters[a]
            if accept_v and rule_voters[a]:
                yes += 1
        passed = _rule_passes(no, yes + silent_yes, majority, need)
        conf_d = use_conf and conf[d]
        if conf_d:
            yes_org = 0
            for a in range(A):
                ok = (fout[0, r, a] >= u_sq[d, a] - tolerance[d]) or bout[1, r, a] or not org_voters[a]
                no_org[a] = (not ok) and org_voters[a]
                if ok and org_voters[a]:
                    yes_org += 1
            passed = passed and _rule_passes(no_org, yes_org + org_silent_yes, org_majority, org_need)
        bp = enforcement[d] if peacekeepers[d] else 0.0
        bound = u[D + 2 * D * A + d] < bp
        any_unbound = False
        for a in range(A):
            block[a] = conf_d and no_org[a]
            unbound = no[a] and parties[a] and passed and not bound
            any_unbound = any_unbound or unbound
            bout[3, r, a] = ((not bout[1, r, a]) and voters[a]) or block[a] or unbound
            bout[4, r, a] = unbound
            code = iout[0, r, a]
            if block[a]:
                code = 6
            if unbound:
                code = 7
            iout[1, r, a] = code
        pout[0, r] = passed
        pout[1, r] = passed and not any_unbound
        # the engine counts the refusals once the text applies: against the status quo it leaves
        # where signed, a removed leader's in its successor's name (the pivot's ideal point)
        for a in range(A):
            if bout[3, r, a]:
                iout[2, r, a] = _worst_issue(
                    lo, hi, now if pout[1, r] else sq, piv if bout[2, r, a] else pos, sal, d, a, loss
                )
            else:
                iout[2, r, a] = 0
