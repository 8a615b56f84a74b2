"""A plain, loop-based EUM (one game, one actor pair at a time), written straight from the
equations of Scholz, Calbert & Smith (2011), to check the vectorized kernel against.

Deliberately naive: every vote, utility and offer is its own Python statement."""

from __future__ import annotations

from accord.models.eum import EUMOptions


def _wmedian(x: list[float], w: list[float]) -> float:
    pairs = sorted(zip(x, w, strict=True), key=lambda p: p[0])
    total = sum(w)
    run = 0.0
    for xi, wi in pairs:
        run += wi
        if run >= 0.5 * total * (1 - 1e-12):
            return xi
    return pairs[-1][0]


def _center(x: list[float], w: list[float], rule: str) -> float:
    if rule == "median":
        return _wmedian(x, w)
    return sum(a * b for a, b in zip(x, w, strict=True)) / sum(w)


def reference_eum(
    c: list[float], x: list[float], s: list[float], rounds: int, o: EUMOptions
) -> tuple[list[list[float]], list[float]]:
    """Positions per round and median per round for one game (all actors active)."""
    n = len(x)
    w = [c[i] * s[i] for i in range(n)]
    lo, hi = min(x), max(x)
    span = hi - lo if hi > lo else 1.0
    y = [round((xi - lo) / span, 12) + 0.0 for xi in x]
    history = [list(x)]
    medians = [_center(x, w, o.median)]
    for _ in range(rounds):
        if o.scale == "round":
            xs = [lo + yi * span for yi in y]
            lo, hi = min(xs), max(xs)
            span = hi - lo if hi > lo else 1.0
            y = [round((xi - lo) / span, 12) + 0.0 for xi in xs]
        mu = _center(y, w, o.median)

        prob = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if i == j or y[i] == y[j]:
                    continue
                pro = against = 0.0
                for k in range(n):
                    if o.exclude_pair and k in (i, j):
                        continue
                    v = w[k] * (abs(y[k] - y[j]) - abs(y[k] - y[i]))
                    if v > 0:
                        pro += v
                    else:
                        against -= v
                total = pro + against
                num = pro if o.probability == "positive" else max(pro - against, 0.0)
                prob[i][j] = num / total if total > 0 else 0.0

        def utilities(r: list[float], y: list[float], mu: float, prob: list[list[float]]) -> list[list[float]]:
            eu = [[0.0] * n for _ in range(n)]
            for i in range(n):
                for j in range(n):
                    if i == j:
                        continue
                    d = abs(y[i] - y[j])
                    e = abs(y[i] - mu)
                    us = 2 - 4 * (0.5 - 0.5 * d) ** r[i]
                    uf = 2 - 4 * (0.5 + 0.5 * d) ** r[i]
                    usq = 2 - 4 * 0.5 ** r[i]
                    sal = s[j] if o.salience == "target" else s[i]
                    p = prob[i][j]
                    val = sal * (p * us + (1 - p) * uf) + (1 - sal) * us - o.q * usq
                    if o.q < 1:
                        ub = 2 - 4 * max(0.5 - 0.25 * (e + d), 0.0) ** r[i]
                        uw = 2 - 4 * (0.5 + 0.25 * (e + d)) ** r[i]
                        val -= (1 - o.q) * (o.t * ub + (1 - o.t) * uw)
                    eu[i][j] = val
            return eu

        r = [1.0] * n
        if o.risk == "security":
            eu1 = utilities(r, y, mu, prob)
            sec = [sum(eu1[j][i] for j in range(n)) for i in range(n)]
            smax, smin = max(sec), min(sec)
            for i in range(n):
                big_r = (2 * sec[i] - smax - smin) / (smax - smin) if smax > smin else 0.0
                r[i] = (1 - big_r / 3) / (1 + big_r / 3)
        eu = utilities(r, y, mu, prob)

        new_y = list(y)
        for j in range(n):  # receiver
            options = []
            for i in range(n):
                if i == j or eu[i][j] <= 0 or y[i] == y[j]:
                    continue
                ui, uj = eu[i][j], eu[j][i]
                if o.challenge == "stronger" and not ui > uj:
                    continue
                if uj > 0:
                    # conflict: the one expecting less gives way, fully or by |uj/ui|
                    if uj >= ui:
                        target = y[j]
                    elif o.conflict == "full":
                        target = y[i]
                    else:
                        target = y[j] + (y[i] - y[j]) * uj / ui
                elif abs(uj) < ui:
                    target = y[j] + (y[i] - y[j]) * abs(uj) / ui  # compromise
                else:
                    target = y[i]  # capitulation
                options.append((i, ui, abs(y[i] - y[j]), target))
            if not options:
                continue
            if o.offer == "max_eu":
                top = max(opt[1] for opt in options)
                pick = min((opt for opt in options if opt[1] == top), key=lambda opt: (opt[2], opt[0]))
            elif o.offer == "nearest":
                pick = min(options, key=lambda opt: (opt[2], opt[0]))
            else:
                pick = min(options, key=lambda opt: (abs(opt[3] - y[j]), opt[0]))
            new_y[j] = pick[3]
        y = [round(v, 12) + 0.0 for v in new_y]
        xs = [lo + yi * span for yi in y]
        history.append(xs)
        medians.append(_center(xs, w, o.median))
    return history, medians
