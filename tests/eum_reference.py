"""A plain, loop-based EUM (one game, one actor pair at a time), written straight from the
equations of Scholz, Calbert & Smith (2011), and the readings of their code that the options
``normaliser``, ``voter_risk``, ``perspective``, ``offer="scholz"`` and ``capitulation`` select
(see ``accord.models.eum.AMBIGUITIES``), to check the vectorized kernel against.

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


def _vote(y: list[float], w: list[float], k: int, i: int, j: int, rv: list[float]) -> float:
    # voter k's vote for i over j, distances raised to k's exponent
    return w[k] * (abs(y[k] - y[j]) ** rv[k] - abs(y[k] - y[i]) ** rv[k])


def _probabilities(y: list[float], w: list[float], rv: list[float], o: EUMOptions) -> list[list[float]]:
    n = len(y)
    everything = 0.0  # Scholz's global normaliser: all voters, all ordered pairs
    if o.normaliser == "global":
        for k in range(n):
            for a in range(n):
                for b in range(n):
                    everything += abs(_vote(y, w, k, a, b, rv))
    prob = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j or y[i] == y[j]:
                continue
            pro = against = 0.0
            for k in range(n):
                if o.exclude_pair and k in (i, j):
                    continue
                v = _vote(y, w, k, i, j, rv)
                if v > 0:
                    pro += v
                else:
                    against -= v
            total = pro + against if o.normaliser == "pair" else everything
            num = pro if o.probability == "positive" else max(pro - against, 0.0)
            prob[i][j] = num / total if total > 0 else 0.0
    return prob


def _eu(
    y: list[float], s: list[float], mu: float, i: int, j: int, rho: float, prob: list[list[float]], o: EUMOptions
) -> float:
    # i's expected utility of challenging j, utilities shaped by the exponent rho
    d = abs(y[i] - y[j])
    e = abs(y[i] - mu)
    us = 2 - 4 * (0.5 - 0.5 * d) ** rho
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rho
    usq = 2 - 4 * 0.5**rho
    sal = s[j] if o.salience == "target" else s[i]
    p = prob[i][j]
    val = sal * (p * us + (1 - p) * uf) + (1 - sal) * us - o.q * usq
    if o.q < 1:
        ub = 2 - 4 * max(0.5 - 0.25 * (e + d), 0.0) ** rho
        uw = 2 - 4 * (0.5 + 0.25 * (e + d)) ** rho
        val -= (1 - o.q) * (o.t * ub + (1 - o.t) * uw)
    return val


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

        r = [1.0] * n
        prob = _probabilities(y, w, r, o)
        if o.risk == "security":
            sec = [sum(_eu(y, s, mu, j, i, 1.0, prob, o) for j in range(n) if j != i) for i in range(n)]
            smax, smin = max(sec), min(sec)
            for i in range(n):
                big_r = (2 * sec[i] - smax - smin) / (smax - smin) if smax > smin else 0.0
                r[i] = (1 - big_r / 3) / (1 + big_r / 3)
            if o.voter_risk:
                prob = _probabilities(y, w, r, o)

        new_y = list(y)
        strict = o.offer == "scholz"
        for j in range(n):  # receiver
            options = []
            for i in range(n):  # sender
                if i == j or y[i] == y[j]:
                    continue
                # the sender's EU of challenging j and j's of challenging i, with the receiver's
                # exponent for both ("receiver") or each its own ("own")
                ui = _eu(y, s, mu, i, j, r[j] if o.perspective == "receiver" else r[i], prob, o)
                uj = _eu(y, s, mu, j, i, r[j], prob, o)
                if ui <= 0:
                    continue
                if o.challenge == "stronger" and not ui > uj:
                    continue
                if uj > 0:
                    # conflict: the one expecting less gives way, fully or by |uj/ui|
                    if uj >= ui:
                        kind, target = "won", y[j]
                    elif o.conflict == "full":
                        kind, target = "lost", y[i]
                    else:
                        kind, target = "lost", y[j] + (y[i] - y[j]) * uj / ui
                elif (uj < 0 if strict else uj <= 0) and abs(uj) < ui:
                    kind, target = "compromise", y[j] + (y[i] - y[j]) * abs(uj) / ui
                elif abs(uj) > ui if strict else abs(uj) >= ui:
                    if o.capitulation == "as-coded":
                        continue  # Scholz's code tests E_ji < |E_ji|: never true
                    kind, target = "capitulation", y[i]
                else:
                    continue  # strict categories: uj == 0 or |uj| == ui
                point = (abs(uj) * y[j] + ui * y[i]) / (abs(uj) + ui)
                options.append((i, ui, abs(y[i] - y[j]), target, kind, point))
            if strict:
                options = [opt for opt in options if opt[4] != "won"]
            if not options:
                continue
            if o.offer == "max_eu":
                top = max(opt[1] for opt in options)
                pick = min((opt for opt in options if opt[1] == top), key=lambda opt: (opt[2], opt[0]))
            elif o.offer == "nearest":
                pick = min(options, key=lambda opt: (opt[2], opt[0]))
            elif o.offer == "least_move":
                pick = min(options, key=lambda opt: (abs(opt[3] - y[j]), opt[0]))
            else:  # Scholz's code: lost conflicts, then compromises, then capitulations
                lost = [opt for opt in options if opt[4] == "lost"]
                comp = [opt for opt in options if opt[4] == "compromise"]
                if lost:
                    pick = min(lost, key=lambda opt: (opt[2], opt[0]))
                elif comp:
                    pick = min(comp, key=lambda opt: (opt[5], opt[0]))
                else:
                    pick = min(options, key=lambda opt: (opt[2], opt[0]))
            new_y[j] = pick[3]
        y = [round(v, 12) + 0.0 for v in new_y]
        xs = [lo + yi * span for yi in y]
        history.append(xs)
        medians.append(_center(xs, w, o.median))
    return history, medians
