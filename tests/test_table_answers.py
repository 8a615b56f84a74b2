"""The fused kernel of a text's answers (``negotiation._verdict``) gives the bits of its NumPy
twin (``negotiation._verdict_numpy``), on random inputs with NaN, infinities, signed zeros and
ties at the thresholds (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.mechanisms.proposals import CompiledProposal
from accord.mechanisms.rules import Consensus, Decision, Majority, Rule
from accord.simulation import negotiation as neg

SETTINGS = settings(max_examples=150, deadline=None)
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, 0.5, 1e-9, 60.0, -60.0])


def _mixed(rng: np.random.Generator, shape: tuple[int, ...], lo: float, hi: float, p: float) -> np.ndarray:
    """Uniform numbers on ``[lo, hi]``, a share ``p`` of them replaced by special values."""
    x = lo + (hi - lo) * rng.random(shape)
    special = rng.random(shape) < p
    x[special] = rng.choice(SPECIALS, size=int(special.sum()))
    return x


def _rule(rng: np.random.Generator, voters: np.ndarray) -> Rule:
    if rng.random() < 0.5:
        return Consensus(voters, int(rng.integers(0, 3)))
    # thresholds that land exactly on a count of votes, and between
    return Majority(voters, int(rng.integers(0, 3)), float(rng.choice([0.5, 2 / 3, 1.0, 0.25, 0.6])))


def _case(seed: int, D: int, A: int, I: int, p: float) -> neg._Text:  # noqa: E741
    rng = np.random.default_rng(seed)
    live = rng.random(D) < 0.7
    live[rng.integers(0, D)] = True
    at = np.flatnonzero(live)
    sq = np.round(rng.random((D, I)) * 100, 1)
    point = np.round(rng.random((D, I)) * 100, int(rng.integers(0, 2)))
    point[rng.random((D, I)) < 0.3] = np.nan  # issues the text says nothing about
    ranged = rng.random() < 0.4
    lo = np.where(rng.random((D, I)) < 0.5, point, np.nan) if ranged else np.full((D, I), np.nan)
    hi = lo + rng.random((D, I)) * 20 if ranged else lo
    deferred = (rng.random(I) < 0.3) if rng.random() < 0.5 else np.zeros(I, dtype=bool)
    sponsors = tuple(int(m) for m in rng.integers(0, A, size=int(rng.integers(0, 4))))  # repeats too
    prop = CompiledProposal("t", "t", "generated", "partial", 0.0, sponsors, point, lo, hi, deferred, np.nan, True)
    out_lo, out_hi = prop.outcome(sq)
    pos = np.round(rng.random((D, A, I)) * 100, 1)
    piv = np.round(rng.random((D, A, I)) * 100, 1)
    sal = rng.random((D, A, I)) * (rng.random((D, A, I)) < 0.8)
    sal[:, rng.integers(0, A)] = 0.0  # an actor with no salience anywhere
    flows = _mixed(rng, (D, A), 0.0, 5.0, p)
    flows[rng.random((D, A)) < 0.2] = 0.0  # no mediator capability: the 1e-12 floor
    flows.flags.writeable = False  # as Context.flows hands it over
    seated = rng.random(A) < 0.8
    parties = rng.random(A) < 0.5
    voters_all = rng.random(A) < 0.7
    voters = voters_all & seated
    noise = _mixed(rng, (D,), 0.0, 0.2, p)
    noise[rng.random(D) < 0.2] = 1e-9 * rng.choice([0.5, 1.0, 2.0])  # at and around the floor
    u_sq = _mixed(rng, (D, A), 0.3, 1.0, p)
    u_war = _mixed(rng, (D, A), 0.3, 1.0, p)
    tie = rng.random((D, A)) < 0.2
    u_war[tie] = u_sq[tie]
    u_war[:, rng.random(A) < 0.2] = -np.inf  # actors who cannot fight
    r_lead = _mixed(rng, (D, A), 0.3, 1.0, p)
    r_piv = _mixed(rng, (D, A), 0.3, 1.0, p)
    margin = _mixed(rng, (D,), -0.05, 0.05, p)
    audience_cost = _mixed(rng, (D, A), 0.0, 0.2, p)
    removal_risk = _mixed(rng, (D, A), 0.0, 1.0, p)
    u = rng.random(2 * D + 2 * D * A)  # leak, ratification (D, A), removal (D, A), binding
    u[rng.random(u.size) < 0.1] = 1.0  # ties with a certain ratification
    dec = rng.choice(np.array([np.nan, 0.0, 1.0, 0.5, np.inf]), size=A) if rng.random() < 0.4 else None
    rule = _rule(rng, voters_all)
    org = _rule(rng, rng.random(A) < 0.6) if rng.random() < 0.6 else None
    conference = (rng.random(D) < 0.6) if org is not None and rng.random() < 0.7 else None
    tolerance = _mixed(rng, (D,), 0.0, 0.1, p) if conference is not None else None
    return neg._Text(
        at=at,
        prop=prop,
        lo=out_lo,
        hi=out_hi,
        sq=sq,
        pos=pos,
        piv=piv,
        sal=sal,
        deferred_credibility=_mixed(rng, (D,), -0.2, 1.2, p),  # clipped to [0, 1]
        peacekeeping_credibility=_mixed(rng, (D,), -0.2, 0.5, p),
        implementation_credibility=_mixed(rng, (D,), -0.2, 1.2, p),
        flows=flows,
        seated=seated,
        parties=parties,
        sponsors=sponsors,
        mediator_leverage=_mixed(rng, (D,), 0.0, 0.3, p),
        leverage_cost=_mixed(rng, (D,), 0.0, 2.0, p),
        cheap=bool(rng.random() < 0.3),
        ratify=bool(rng.random() < 0.7),
        r_piv=r_piv,
        leak_effect=_mixed(rng, (D,), 0.0, 0.2, p),
        leaked=rng.random(D) < 0.3,  # leaked this step
        leaked_actor=rng.random(A) < 0.2,  # actors whose publics learn of drafts
        noise=noise,
        r_lead=r_lead,
        u_sq=u_sq,
        u_war=u_war,
        audience_cost=audience_cost,
        removal_risk=removal_risk,
        margin=margin,
        u=u,
        given=dec,
        voters=voters,
        rule=rule,
        conference=conference,
        org_rule=org,
        tolerance=tolerance,
        peacekeepers=rng.random(D) < 0.5,
        enforcement=rng.choice(np.array([0.0, 0.5, 1.0, np.nan]), size=D),
    )


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """The same numbers (floats: signed zeros told apart, NaN equal to NaN). A NaN's sign bit is
    not compared: where both operands of an operation are NaN, x86 keeps the first one's, and
    the compiler may order a commutative operation's operands either way (NumPy's loops and
    numba's alike). The engine's own inputs are checked bit for bit by the pinned digests."""
    if a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        nan = np.isnan(a)
        return bool(np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a[~nan]), np.signbit(b[~nan])))
    return bool(np.array_equal(a.astype(np.int64), b.astype(np.int64)))


@SETTINGS
@given(
    st.tuples(st.integers(1, 5), st.integers(1, 10), st.integers(1, 10)),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 0.1, 0.4]),
)
def test_table_answers_kernel_is_its_numpy_twin_bit_for_bit(shape, seed, p) -> None:  # type: ignore[no-untyped-def]
    text = _case(seed, *shape, p)
    with np.errstate(all="ignore"):
        want = neg._verdict_numpy(text)
    got = neg._verdict(text)
    for name, x, y in zip(neg._Verdict._fields, got, want, strict=True):
        assert _same(np.asarray(x), np.asarray(y)), name


def test_a_rule_of_another_kind_is_left_to_the_twin() -> None:
    class Everyone(Rule):
        def decide(self, accept: np.ndarray) -> Decision:
            return Consensus(self.voters).decide(accept)

    text = _case(7, 3, 5, 4, 0.1)
    text = text._replace(rule=Everyone(text.rule.voters))
    want = neg._verdict_numpy(text)
    got = neg._verdict(text)
    for x, y in zip(got, want, strict=True):
        assert _same(np.asarray(x), np.asarray(y))
