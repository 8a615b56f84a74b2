"""The named engine parameters a scenario may set under ``parameters:`` (and a format under its own
``parameters:``, which overrides the scenario's value while that format is in use).

Every parameter has a default, a unit, a meaning and either a literature reference or the label
``assumption``. A scenario writes them like any other number, with provenance and optional
uncertainty::

    parameters:
      war_cost: {dist: uniform, low: 0.05, high: 0.3, assumption: costs-unknown}
      hazard_base: {value: 0.02, assumption: coding}

Units. *Utility* is an actor's value of an outcome on a 0-1 scale: 1 at its ideal point, 0 at
the far end of every issue (``u = 1 - Σ_i s_i |x_i - p_i| / (100 Σ_i s_i)``). *Points* are
positions on the 0-100 issue scales. Rates are per year; the engine converts them to the
scenario's step.

The names below are stable: case files are written against them. Unknown names in a scenario
are an error, and so are values outside a parameter's range (see :mod:`accord.scenario.runnable`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from accord.scenario.quantity import Quantity
from accord.scenario.schema import Scenario

__all__ = ["PARAMETERS", "ParameterSpec", "defaults", "unknown_parameters"]


@dataclass(frozen=True)
class ParameterSpec:
    """One named engine parameter.

    Attributes
    ----------
    name: the key under ``parameters:``.
    default: the value used when the scenario does not set it.
    unit: e.g. ``utility``, ``per year``, ``points``, ``share``.
    low, high: the range every value (and every bound of a distribution) must lie in; checked when
        a scenario is loaded (:mod:`accord.scenario.runnable`).
    meaning: what it does in the engine.
    reference: a literature citation, or ``"assumption"`` (with the reason in ``meaning``).
    """

    name: str
    default: float
    unit: str
    low: float
    high: float
    meaning: str
    reference: str


# Rates have finite upper ends: a hazard of 1000 per year is war within hours of every step, and
# 10^6 incidents a year is two a minute; beyond them the numbers only break the arithmetic (a
# Poisson rate of 1e300 cannot be drawn).
_MAX_HAZARD = 1000.0
_MAX_INCIDENTS = 1e6

_SPECS: tuple[ParameterSpec, ...] = (
    # -- war: a contest over the disputed issues (Fearon 1995) ---------------------------
    ParameterSpec(
        "war_cost",
        0.15,
        "utility",
        0.0,
        1.0,
        "Cost of a war to each belligerent, subtracted from its expected war outcome.",
        "Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3) (costs c_A, c_B); value: assumption",
    ),
    ParameterSpec(
        "contest_exponent",
        1.0,
        "1",
        0.0,
        10.0,
        "Exponent m of the ratio contest function P(win) = c_a^m / (c_a^m + c_b^m) on capabilities.",
        "Hirshleifer 1989, 'Conflict and rent-seeking success functions', Public Choice 63; value: assumption",
    ),
    ParameterSpec(
        "war_gain",
        0.8,
        "share",
        0.0,
        1.0,
        "Share of the distance from the status quo to the winner's position that a war moves the status quo, on every disputed issue.",
        "assumption (Fearon 1995 takes all-or-nothing; the 2020 war moved the districts, not every claim)",
    ),
    ParameterSpec(
        "war_duration",
        0.12,
        "years",
        0.0,
        10.0,
        "Length of a war, from onset to the ceasefire or statement that ends it (0.12 = 44 days).",
        "assumption (the 2020 war lasted 44 days, seed 000)",
    ),
    # -- escalation and war onset: a hazard (Fearon 1995; Powell 2006) --------------------
    ParameterSpec(
        "hazard_base",
        0.01,
        "per year",
        0.0,
        _MAX_HAZARD,
        "Baseline hazard of war onset when no party expects to gain from war.",
        "assumption",
    ),
    ParameterSpec(
        "hazard_incentive",
        0.2,
        "per year per utility",
        0.0,
        _MAX_HAZARD,
        "Added war hazard per unit by which a belligerent's war value exceeds its status-quo utility (empty bargaining range).",
        "Fearon 1995 (war when no bargain beats the war lottery); value: assumption",
    ),
    ParameterSpec(
        "hazard_shift",
        1.0,
        "per year per (change in P(win) per year)",
        0.0,
        _MAX_HAZARD,
        "Added war hazard per unit of the yearly shift in a belligerent's win probability: the commitment problem under shifting power.",
        "Powell 2006, 'War as a commitment problem', Int. Organization 60(1); value: assumption",
    ),
    ParameterSpec(
        "escalation_threshold",
        0.0,
        "utility",
        -1.0,
        1.0,
        "A party escalates (logged, raises incidents) when its war value exceeds its status-quo utility by more than this.",
        "Fearon 1995; value: assumption",
    ),
    ParameterSpec(
        "agreement_hazard_factor",
        0.3,
        "share",
        0.0,
        1.0,
        "Multiplier on the war hazard once an agreement is in force.",
        "Fortna 2004, 'Peace Time', Princeton UP (agreements make peace last); value: assumption",
    ),
    # -- ceasefire incidents and monitoring ----------------------------------------------
    ParameterSpec(
        "incident_rate",
        4.0,
        "incidents per year",
        0.0,
        _MAX_INCIDENTS,
        "Expected ceasefire incidents per year at zero tension and zero monitoring (Poisson).",
        "assumption",
    ),
    ParameterSpec(
        "incident_tension",
        20.0,
        "incidents per year per utility",
        0.0,
        _MAX_INCIDENTS,
        "Extra incidents per year per unit of the largest escalation incentive (war value minus status-quo utility).",
        "assumption",
    ),
    ParameterSpec(
        "monitoring_effect",
        0.5,
        "share",
        0.0,
        1.0,
        "Share of incidents prevented at full monitoring capacity (PRCiO); incidents scale by 1 - effect x capacity.",
        "Fortna 2008, 'Does Peacekeeping Work?', Princeton UP; value: assumption (seed 001: 'modest architecture')",
    ),
    ParameterSpec(
        "incident_hazard",
        0.002,
        "per year per incident",
        0.0,
        _MAX_HAZARD,
        "Added war hazard per ceasefire incident in the step.",
        "assumption",
    ),
    ParameterSpec(
        "monitoring_default",
        0.2,
        "share",
        0.0,
        1.0,
        "Monitoring capacity of a format that does not set `monitoring`.",
        "assumption",
    ),
    ParameterSpec(
        "mandate_veto_loss",
        0.25,
        "share per veto year",
        0.0,
        1.0,
        "Share of monitoring capacity lost in a year in which the organisation's mandate/budget/field-office decision is blocked (and at an office closure event).",
        "assumption (seed 001: offices closed 2014-2017 after objections under consensus)",
    ),
    ParameterSpec(
        "mandate_recovery",
        0.1,
        "share per year",
        0.0,
        1.0,
        "Monitoring capacity regained per year, up to the format's level, when the mandate passes.",
        "assumption",
    ),
    # -- two-level game: ratification at home (Putnam 1988) --------------------------------
    ParameterSpec(
        "win_set_default",
        20.0,
        "points",
        0.0,
        100.0,
        "Win-set of an actor without `domestic.win_set`: the largest salience-weighted mean distance from its position it can ratify.",
        "Putnam 1988, 'Diplomacy and domestic politics', Int. Organization 42(3); value: assumption",
    ),
    ParameterSpec(
        "mood_effect",
        0.5,
        "share per unit mood",
        0.0,
        1.0,
        "The win-set is multiplied by 1 + mood_effect x mood (mood -1 hawkish ... +1 conciliatory).",
        "Putnam 1988; value: assumption",
    ),
    ParameterSpec(
        "leak_effect",
        0.5,
        "share",
        0.0,
        1.0,
        "Share of every party's win-set lost in a round whose draft leaks.",
        "Putnam 1988 (publicity shrinks win-sets); seed 001 (2001 leak of the co-chairs' proposals); value: assumption",
    ),
    ParameterSpec(
        "salience_winset",
        0.5,
        "1",
        0.0,
        1.0,
        "How much salience shrinks the win-set: it is divided by 1 + salience_winset x mean salience of the deal's issues.",
        "Putnam 1988 (politicised issues shrink the win-set); value: assumption",
    ),
    ParameterSpec(
        "defiance",
        0.2,
        "probability",
        0.0,
        1.0,
        "Probability a leader signs a deal that beats its reservation value but lies just outside its win-set; it falls linearly to 0 for a deal twice the win-set away.",
        "assumption (Ter-Petrosyan 1998, seed 001)",
    ),
    ParameterSpec(
        "removal_risk_default",
        0.3,
        "probability",
        0.0,
        1.0,
        "Probability a leader who signs beyond the win-set is removed (the signature is then withdrawn), for actors without `domestic.removal_risk`.",
        "Putnam 1988; value: assumption",
    ),
    ParameterSpec(
        "successor_winset",
        0.5,
        "share",
        0.0,
        1.0,
        "A removed or resigned leader's successor has this share of the predecessor's win-set.",
        "assumption (seed 001: Ter-Petrosyan replaced after calling for concessions)",
    ),
    ParameterSpec(
        "acceptance_margin",
        0.01,
        "utility",
        0.0,
        1.0,
        "A party accepts only a proposal that beats its reservation value by at least this much.",
        "assumption",
    ),
    # -- proposals ----------------------------------------------------------------------
    ParameterSpec(
        "deferred_credibility",
        0.5,
        "probability",
        0.0,
        1.0,
        "Probability that deferred terms (phased, principles) are eventually implemented; parties value deferred terms with it.",
        "Fearon 1995 and Walter 2002, 'Committing to Peace', Princeton UP (commitment problems in settlements); value: assumption",
    ),
    ParameterSpec(
        "peacekeeping_credibility",
        0.3,
        "probability",
        0.0,
        1.0,
        "Added credibility of deferred terms when the deal includes the HLPG's peacekeeping force (format parameter `peacekeeping` = 1).",
        "Walter 2002 (third-party guarantees); value: assumption",
    ),
    ParameterSpec(
        "deferral_years",
        5.0,
        "years",
        0.0,
        100.0,
        "When deferred terms with a trigger but no date are settled, counted from the agreement.",
        "assumption",
    ),
    ParameterSpec(
        "proposal_interval",
        1.0,
        "years",
        0.0,
        100.0,
        "How often the format's proposers generate a proposal when none is scheduled (0 = never; scheduled proposals only).",
        "assumption",
    ),
    ParameterSpec(
        "mediator_bias",
        0.3,
        "share",
        0.0,
        1.0,
        "Weight a mediator puts on its own position when it drafts (0 = pure compromise of the parties, 1 = its own ideal point).",
        "Kydd 2003, 'Which side are you on? Bias, credibility, and mediation', AJPS 47(4); value: assumption",
    ),
    ParameterSpec(
        "mediator_noise",
        0.03,
        "utility",
        0.0,
        1.0,
        "Standard deviation of a mediator's error when it estimates a party's reservation value.",
        "Kydd 2003 (mediators are imperfectly informed); value: assumption",
    ),
    ParameterSpec(
        "mediator_leverage",
        0.02,
        "utility",
        0.0,
        1.0,
        "Inducement a mediator adds to a party's value of its own proposals (carrots and sticks), times its capability share among the mediators and the party's trust in it (its utility of the mediator's position).",
        "Kydd 2003; value: assumption",
    ),
    ParameterSpec(
        "joint_drafting",
        0.0,
        "flag",
        0.0,
        1.0,
        "1: the proposers draft one joint text (the capability-weighted mean of their drafts), as the co-chairs' troika did.",
        "assumption (seed 001: co-chairs 'acted more as representatives of their states')",
    ),
    ParameterSpec(
        "nash_proposals",
        1.0,
        "flag",
        0.0,
        1.0,
        "1: besides its own draft, a mediator also tables the Nash bargaining point of the parties when it differs.",
        "Nash 1950, 'The bargaining problem', Econometrica 18(2)",
    ),
    ParameterSpec(
        "peacekeeping",
        0.0,
        "flag",
        0.0,
        1.0,
        "1: a deal can include a planned peacekeeping force (the HLPG); raises the credibility of deferred terms.",
        "assumption (seed 001: HLPG; OSCE Budapest 1994 readiness to provide peacekeepers)",
    ),
    ParameterSpec(
        "conference_signing",
        0.0,
        "flag",
        0.0,
        1.0,
        "1: an agreement is signed at a conference that convenes only by the organisation's decision rule (Minsk Conference); any voter worse off can block.",
        "assumption (seed 001: the Minsk Conference, never convened)",
    ),
    ParameterSpec(
        "conference_tolerance",
        0.05,
        "utility",
        0.0,
        1.0,
        "At a signing conference, a voter of the organisation blocks convening only if the deal leaves it worse than the status quo by more than this.",
        "assumption",
    ),
    ParameterSpec(
        "concession_rate",
        0.02,
        "share per year",
        0.0,
        1.0,
        "Share of the distance to the status quo by which each party's position moves per year (facts on the ground).",
        "assumption",
    ),
    ParameterSpec(
        "history_events",
        1.0,
        "flag",
        0.0,
        1.0,
        "1: the scenario's dated war and statement events are applied as exogenous shocks; 0: wars arise from the hazard only.",
        "assumption",
    ),
)

PARAMETERS: dict[str, ParameterSpec] = {p.name: p for p in _SPECS}
"""Every engine parameter by name."""


def defaults() -> dict[str, float]:
    """Default value of every parameter."""
    return {p.name: p.default for p in _SPECS}


def unknown_parameters(names: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """One message per name that is not an engine parameter, with a suggestion when one is close."""
    out = []
    for n in names:
        if n in PARAMETERS:
            continue
        close = difflib.get_close_matches(n, list(PARAMETERS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        out.append(f"expected a known engine parameter, found {n!r}{hint}")
    return out


def with_parameter(scenario: Scenario, name: str, value: float, why: str) -> Scenario:
    """A copy of ``scenario`` with one engine parameter fixed, labelled as an assumption ``why``.

    Used for counterfactuals, e.g. ``history_events = 0`` so that dated wars are not imposed when
    formats are compared."""
    if name not in PARAMETERS:
        raise KeyError(f"parameters: expected a known parameter, found {name!r}")
    params = dict(scenario.parameters)
    params[name] = Quantity(value=value, assumption=why)
    return scenario.model_copy(update={"parameters": params})
