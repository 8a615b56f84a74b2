"""The named engine parameters a scenario may set under ``parameters:`` (and a format under its own
``parameters:``, which overrides the scenario's value while that format is in use).

Every parameter has a default, a unit, a meaning and either a literature reference or the label
``assumption``. A scenario writes them like any other number, with provenance and optional
uncertainty::

    parameters:
      war_cost: {dist: uniform, low: 0.05, high: 0.3, assumption: costs-unknown}
      hazard_gap: {value: 6.0, assumption: coding}

Units. *Utility* is an actor's value of an outcome on a 0-1 scale: 1 at its ideal point, 0 at
the far end of every issue (``u = 1 - Σ_i s_i |x_i - p_i| / (100 Σ_i s_i)``). *Points* are
positions on the 0-100 issue scales. Rates are per year; the engine converts them to the
scenario's step.

The names below are stable: case files are written against them. Unknown names in a scenario
are an error, and so are values outside a parameter's range (see :mod:`accord.scenario.runnable`).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

__all__ = ["FITTED_OVERRIDES", "PARAMETERS", "ParameterSpec", "defaults", "is_fitted", "unknown_parameters"]


@dataclass(frozen=True)
class ParameterSpec:
    """One named engine parameter.

    Attributes
    ----------
    name: the key under ``parameters:``.
    default: the value used when the scenario does not set it; NaN for a parameter that only
    overrides a fitted coefficient (:data:`FITTED_OVERRIDES`).
    unit: e.g. ``utility``, ``per year``, ``points``, ``share``.
    low, high: the finite range every value (and every bound of a distribution) must lie in;
        checked when a scenario is loaded (:mod:`accord.scenario.runnable`).
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


def _p(name: str, default: float, unit: str, low: float, high: float, meaning: str, reference: str) -> ParameterSpec:
    return ParameterSpec(name, default, unit, low, high, meaning, reference)


_FEARON = "Fearon 1995, 'Rationalist explanations for war', Int. Organization 49(3)"
_POWELL = "Powell 2006, 'War as a commitment problem', Int. Organization 60(1)"
_PUTNAM = "Putnam 1988, 'Diplomacy and domestic politics: the logic of two-level games', Int. Organization 42(3)"
_KYDD = "Kydd 2003, 'Which side are you on? Bias, credibility, and mediation', AJPS 47(4)"
_SAVUN = "Savun 2008, 'Information, bias, and mediation success', Int. Studies Quarterly 52(1)"
_FORTNA = "Fortna 2004, Peace Time: Cease-Fire Agreements and the Durability of Peace, Princeton UP"
_UNCAL = "; value: assumption (not fitted: the panel has no matching event, see docs/engine.md)"
_FITTED = float("nan")
_OVERRIDE = (
    "default: the coefficient fitted on the conflict panel (accord.models/data/hazards.json); a value: assumption"
)

# fmt: off
_SPECS: tuple[ParameterSpec, ...] = (
    # -- war: a contest over the disputed issues (Fearon 1995) ---------------------------
    _p("war_cost", 0.15, "utility", 0.0, 1.0,
       "Expected cost of a war to each belligerent, subtracted from its expected war outcome (the war value).",
       f"{_FEARON} (costs c_A, c_B); value: assumption"),
    _p("war_cost_rate", 0.1, "utility per year", 0.0, 10.0,
       "Cost of one more year of fighting, which a side weighs against what fighting on would gain it when a "
       "ceasefire is offered.", f"{_FEARON}; value: assumption"),
    _p("contest_exponent", 1.0, "1", 0.0, 10.0,
       "Exponent m of the ratio contest function P(win) = S_a^m / (S_a^m + S_b^m) on the sides' capability stocks.",
       "Hirshleifer 1989, 'Conflict and rent-seeking success functions', Public Choice 63; value: assumption"),
    _p("war_gain", 0.5, "share per year", 0.0, 10.0,
       "Share of the distance to its leader's position that the side prevailing in a year of fighting takes on "
       "each issue contested by force.", "assumption"),
    _p("stock_depreciation", 0.1, "share per year", 0.01, 1.0,
       "Depreciation rate of the military capital stock accumulated from yearly spending (perpetual inventory: "
       "S_t = (1 - d) S_{t-1} + m_t, started at its steady state m / d).",
       "perpetual inventory method, OECD 2009, Measuring Capital (2nd ed.); value: assumption"),
    _p("anticipation_years", 5.0, "years", 0.0, 50.0,
       "Horizon over which a side projects the balance of capability stocks from current spending (the "
       "anticipated shift of power).", f"{_POWELL}; value: assumption"),
    _p("optimism_default", 0.05, "probability", -0.5, 0.5,
       "How far a belligerent overestimates its probability of winning, when the scenario does not say "
       "(private information about capability and resolve).",
       f"Blainey 1973, The Causes of War; {_FEARON}; value: assumption"),
    _p("information_rate", 0.5, "share per year", 0.0, 10.0,
       "Share of a party's over-optimism a fully credible mediator corrects per year. A mediator is credible to "
       "the side it favours when it warns that side, not to the other.", f"{_KYDD}; {_SAVUN}; value: assumption"),
    # -- war onset: the fitted logit hazards and the engine's own terms on their logit scale ---------
    # The hazards of fighting are the discrete-time logits fitted on the conflict panel
    # (accord.models.hazards, the shipped table; docs/engine.md). These four are terms the panel cannot
    # measure, added to the fitted logit; off (0) by default so the engine's hazard is the fitted one.
    _p("hazard_gap", 0.0, "log-odds per utility", 0.0, 100.0,
       "Offset on the fitted logit per unit of the bargaining gap: the largest amount by which a belligerent's "
       "war value exceeds its value of the status quo (no deal it can get beats fighting). Not fitted: off "
       "unless a scenario sets it.", f"{_FEARON}; value: assumption"),
    _p("hazard_monitoring", 0.0, "log-odds per unit", -10.0, 10.0,
       "Offset on the fitted logit per unit of ceasefire monitoring capacity (0-1). Not fitted: off unless set.",
       f"{_FORTNA} (monitoring); value: assumption"),
    _p("hazard_incidents", 0.0, "log-odds per incident", -10.0, 10.0,
       "Offset on the fitted logit per ceasefire incident per year. Not fitted: off unless set.", "assumption"),
    _p("hazard_commitment", 0.0, "log-odds per utility", 0.0, 100.0,
       "Offset on the fitted logit per unit of the stake-weighted commitment term (a declining side's "
       "anticipated loss of P(win) over anticipation_years times its stake). Off unless set: the fitted "
       "cap_shift_expected terms already measure the anticipated shift.", f"{_POWELL}; value: assumption"),
    _p("hazard_intercept", _FITTED, "log-odds per year", -15.0, 15.0,
       "Overrides the intercept of the fitted hazards (onset, breakdown, fighting; default: fitted).", _OVERRIDE),
    _p("hazard_recency", _FITTED, "log-odds per log-year", -10.0, 10.0,
       "Overrides the fitted hazards' coefficient of log(1 + years since fighting) (default: fitted).",
       f"Hegre 2004, 'The duration and termination of civil war', JPR 41(3); {_OVERRIDE}"),
    _p("hazard_ceasefire", _FITTED, "log-odds", -10.0, 10.0,
       "Overrides the fitted hazards' coefficient of a ceasefire agreement in force (default: fitted).",
       f"{_FORTNA}; {_OVERRIDE}"),
    _p("hazard_process", _FITTED, "log-odds", -10.0, 10.0,
       "Overrides the fitted hazards' coefficients of a process and of a renewal agreement in force (both; "
       "default: fitted).", _OVERRIDE),
    _p("hazard_settlement", _FITTED, "log-odds", -10.0, 10.0,
       "Overrides the fitted hazards' coefficients of a partial, a comprehensive and an implementation agreement "
       "in force (all three; default: fitted).", f"{_FORTNA}; {_OVERRIDE}"),
    _p("hazard_peacekeeping", _FITTED, "log-odds", -10.0, 10.0,
       "Overrides the fitted hazards' coefficient of an agreement in force that provides for peacekeeping "
       "(default: fitted).", f"{_FORTNA} (peacekeeping); {_OVERRIDE}"),
    _p("escalation_threshold", 0.0, "utility", -1.0, 1.0,
       "A belligerent escalates (and blocks the monitoring mandate) when its war value exceeds its status quo "
       "value by more than this.", f"{_FEARON}; value: assumption"),
    # -- incidents and monitoring ---------------------------------------------------------
    _p("incident_rate", 4.0, "per year", 0.0, 1e4,
       "Ceasefire incidents per year on the line of contact with no tension and no monitoring.", "assumption"),
    _p("incident_tension", 20.0, "per year per utility", 0.0, 1e4,
       "Additional incidents per year per unit of the largest war incentive.", "assumption"),
    _p("monitoring_effect", 0.5, "share", 0.0, 1.0,
       "Share of incidents prevented by full monitoring capacity.", f"{_FORTNA}; value: assumption"),
    _p("monitoring_default", 0.2, "share", 0.0, 1.0,
       "Monitoring capacity of a format that does not say.", "assumption"),
    _p("mandate_veto_loss", 0.25, "share per year", 0.0, 1.0,
       "Share of monitoring capacity lost per year while the organisation fails to renew the mandate.", "assumption"),
    _p("mandate_recovery", 0.1, "share per year", 0.0, 1.0,
       "Monitoring capacity regained per year once the mandate is renewed, up to the format's own.", "assumption"),
    # -- ceasefires ----------------------------------------------------------------------
    _p("ceasefire_talks", 1.0, "per year", 0.0, 100.0,
       "Rate at which a broker at a track's table tables a ceasefire while the sides fight.", f"assumption{_UNCAL}"),
    _p("ceasefire_talks_direct", 0.3, "per year", 0.0, 100.0,
       "Rate at which the parties table a ceasefire themselves (no broker) while they fight.", f"assumption{_UNCAL}"),
    # -- ratification (two-level game) ---------------------------------------------------
    _p("ratification_noise", 0.03, "utility", 1e-4, 1.0,
       "Uncertainty about the pivot's reservation value: P(ratified) = logistic((u_pivot(deal) - r_pivot) / "
       "noise). Small: a sharp win-set; large: ratification is a gamble.", f"{_PUTNAM} (uncertainty about win-sets); value: assumption"),
    _p("audience_cost_default", 0.05, "utility", 0.0, 1.0,
       "Utility a leader loses when a deal it signed fails ratification, when the scenario does not say.",
       "Fearon 1994, 'Domestic political audiences and the escalation of international disputes', APSR 88(3); value: assumption"),
    _p("removal_risk_default", 0.3, "probability", 0.0, 1.0,
       "Probability a leader loses office when a deal it signed fails ratification, when the scenario does not say.",
       f"{_PUTNAM}; value: assumption"),
    _p("leak_effect", 0.05, "utility", 0.0, 1.0,
       "Rise in the pivot's reservation value when a draft leaks before it is signed (hardliners mobilise).",
       f"{_PUTNAM} (confidentiality); value: assumption"),
    _p("acceptance_margin", 0.01, "utility", 0.0, 1.0,
       "How much a text must beat a leader's reservation value (status quo or war) to be signed.", "assumption"),
    # -- mediation -----------------------------------------------------------------------
    _p("mediator_bias", 0.3, "share", 0.0, 1.0,
       "Weight a mediator puts on its own utility (vs the worst-off party's gain) when drafting.",
       f"{_KYDD}; value: assumption"),
    _p("mediator_noise", 0.03, "utility", 0.0, 1.0,
       "Error (sd) of a mediator's estimate of each party's reservation value.", f"{_KYDD}; value: assumption"),
    _p("mediator_leverage", 0.02, "utility", 0.0, 1.0,
       "Inducement (aid, guarantees) a mediator can add to a party's value of a text it sponsors, in proportion "
       "to its share of the mediators' capability; it spends it only when the deal is worth the cost to itself.",
       "Beardsley 2011, The Mediation Dilemma, Cornell UP (leverage); value: assumption"),
    _p("leverage_cost", 1.0, "utility per utility", 0.0, 100.0,
       "A mediator's own cost per unit of inducement it gives; it uses leverage only if its gain from the deal "
       "over the status quo exceeds this cost.", "Beardsley 2011, The Mediation Dilemma; value: assumption"),
    _p("proposal_interval", 1.0, "years", 0.0, 100.0,
       "Years between the format's own drafts when no dated proposal is due (0: none).", "assumption"),
    _p("process_duration", 3.0, "years", 0.1, 1000.0,
       "Years a process agreement (a declaration, a commitment to talks) lasts before it must be renewed.",
       "assumption"),
    _p("joint_drafting", 0.0, "flag", 0.0, 1.0,
       "1: the format's proposers draft one joint text (weighted by capability); 0: each drafts its own.", "assumption"),
    _p("nash_proposals", 1.0, "flag", 0.0, 1.0,
       "1: a mediator also tables the Nash bargaining point of the voting parties.",
       "Nash 1950, 'The bargaining problem', Econometrica 18(2)"),
    # -- agreements, deferral and enforcement --------------------------------------------
    _p("deferred_credibility", 0.5, "probability", 0.0, 1.0,
       "Probability a party believes deferred terms will be implemented (without peacekeepers).",
       f"{_FEARON}; Walter 2002, Committing to Peace; value: assumption"),
    _p("peacekeeping_credibility", 0.3, "probability", 0.0, 1.0,
       "Added credibility of a deal's terms (immediate and deferred) when it brings the format's peacekeepers.",
       f"Walter 2002, Committing to Peace; {_FORTNA}; value: assumption"),
    _p("implementation_credibility", 0.5, "probability", 0.0, 1.0,
       "Probability a party believes the other side will carry out what a settlement's immediate terms "
       "concede to it (its own concessions are certain); peacekeepers deployed with the deal add "
       "peacekeeping_credibility.",
       f"Walter 2002, Committing to Peace (most settlements without third-party guarantees fail); {_FEARON}; "
       "value: assumption"),
    _p("deferral_years", 5.0, "years", 0.0, 100.0,
       "Years after signing at which deferred terms fall due when the proposal gives no date.", "assumption"),
    _p("enforcement_peacekeeping", 0.5, "probability", 0.0, 1.0,
       "Probability that peacekeepers deployed with a text hold a party to it against its will (a party "
       "outvoted at the table, or one that would renege on deferred terms).",
       f"Walter 2002, Committing to Peace; {_FORTNA}; value: assumption"),
    _p("peacekeeping", 0.0, "flag", 0.0, 1.0,
       "1: the format deploys peacekeepers with a deal that provides for them (the HLPG's planned force).", "assumption"),
    _p("conference_signing", 0.0, "flag", 0.0, 1.0,
       "1: a comprehensive text is signed only at a conference the organisation must agree to convene (the "
       "Minsk Conference, by consensus).", "assumption"),
    _p("conference_tolerance", 0.05, "utility", 0.0, 1.0,
       "At a signing conference, a voter of the organisation blocks convening only if the deal leaves it worse "
       "than the status quo by more than this.", "assumption"),
)
# fmt: on

PARAMETERS: dict[str, ParameterSpec] = {p.name: p for p in _SPECS}
"""Every engine parameter by name."""

FITTED_OVERRIDES: dict[str, tuple[str, ...]] = {
    "hazard_intercept": ("intercept",),
    "hazard_recency": ("log_years_since_fighting",),
    "hazard_ceasefire": ("in_force_ceasefire",),
    "hazard_process": ("in_force_process", "in_force_renewal"),
    "hazard_settlement": ("in_force_partial", "in_force_comprehensive", "in_force_implementation"),
    "hazard_peacekeeping": ("peacekeeping_in_force",),
}
"""Parameters that override coefficients of the fitted hazards the engine uses (onset, breakdown,
fighting: ``accord.simulation.hazards``), by the coefficient names they set, in all three; unset
(NaN), the fitted value holds. The names are those of
the engine's pre-calibration hazard, so scenarios written for it still load and say what they
override (one hazard's: ``hazards: {onset: {in_force_ceasefire: ...}}``)."""


def is_fitted(spec: ParameterSpec) -> bool:
    """Whether the parameter has no default of its own (the fitted hazard decides unless it is set)."""
    return math.isnan(spec.default)


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
