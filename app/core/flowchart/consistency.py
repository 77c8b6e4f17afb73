"""Combinations of answers that cannot all be true are refused, naming the field and the reason.

Each rule is a small function over validated, canonical facts; a confident answer is never built
on answers that contradict each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.flowchart.exposure import Names
from app.core.flowchart.facts import FactsError

Rule = Callable[[dict[str, Any], Names], None]


def imwg_frailty_age_points(age: int) -> int:
    """Age points of the IMWG frailty score: ≤75 years 0, 76–80 years 1, >80 years 2.

    Palumbo A et al., Blood 2015;125:2068–74 (age cut-offs as in the Facon simplified scale,
    shared/reference/scoring-rules.md §6–7).
    """
    if age > 80:
        return 2
    if age >= 76:
        return 1
    return 0


def frailty_score_below_age_points(facts: dict[str, Any], names: Names) -> None:
    """An IMWG frailty score cannot be lower than the points the patient's age alone gives."""
    age, score = facts.get("age"), facts.get("imwg_frailty_score")
    if age is None or score is None:
        return
    floor = imwg_frailty_age_points(age)
    if score < floor:
        band = "76–80 years" if floor == 1 else "over 80 years"
        raise FactsError(
            "imwg_frailty_score",
            f"imwg_frailty_score: {score} is impossible at age {age}: age {band} alone gives {floor} "
            f"point{'s' if floor > 1 else ''} of the IMWG frailty score (Palumbo 2015), so the score is at "
            f"least {floor}. Check the score or the age.",
        )


def induction_regimen_is_a_regimen(facts: dict[str, Any], names: Names) -> None:
    """The induction given is a regimen (DaraVRd, VRd, …), not a single drug or a class."""
    given = facts.get("induction_regimen")
    if given is None:
        return
    resolved = names.resolve(given)
    if resolved is None or resolved.kind != "regimen":
        raise FactsError(
            "induction_regimen",
            f"induction_regimen: {given!r} is not a regimen of the guideline; give the regimen's abbreviation "
            "(e.g. DaraVRd, IsaVRd, DaraVTd, VRd, VCd)",
        )


def lenalidomide_maintenance_means_exposed(facts: dict[str, Any], names: Names) -> None:
    """A first line with lenalidomide maintenance cannot leave the patient lenalidomide-naive."""
    if facts.get("prior_asct_then_len_maintenance") is True and facts.get("lenalidomide_status") == "naive":
        raise FactsError(
            "lenalidomide_status",
            "lenalidomide_status: 'naive' contradicts prior_asct_then_len_maintenance = true (lenalidomide "
            "maintenance was given); answer 'sensitive' or 'refractory'",
        )


def triple_class_refractory_means_anti_cd38_refractory(facts: dict[str, Any], names: Names) -> None:
    """Triple-class refractory disease is refractory to an anti-CD38 antibody by definition.

    RRMM › Two or more prior lines: triple-class regimens contain "a proteasome inhibitor, an
    immunomodulatory drug and an anti-CD38 antibody".
    """
    status = facts.get("anti_cd38_status")
    if facts.get("triple_class_refractory") is True and status in ("naive", "sensitive"):
        raise FactsError(
            "anti_cd38_status",
            f"anti_cd38_status: {status!r} contradicts triple_class_refractory = true (triple-class refractory "
            "disease is refractory to an anti-CD38 antibody); answer 'refractory' or correct triple_class_refractory",
        )


def ttp_after_asct_needs_asct(facts: dict[str, Any], names: Names) -> None:
    """A time to progression after ASCT needs an ASCT."""
    if facts.get("prior_asct") is False and facts.get("ttp_after_asct_years") is not None:
        raise FactsError(
            "ttp_after_asct_years",
            "ttp_after_asct_years: given, but prior_asct = false; leave it out or correct prior_asct",
        )


def anti_cd38_interval_needs_exposure(facts: dict[str, Any], names: Names) -> None:
    """An anti-CD38-free interval needs a previous anti-CD38 antibody."""
    if facts.get("anti_cd38_status") == "naive" and facts.get("anti_cd38_free_interval_months") is not None:
        raise FactsError(
            "anti_cd38_free_interval_months",
            "anti_cd38_free_interval_months: given, but anti_cd38_status = 'naive' (never received an anti-CD38 "
            "antibody); leave it out or correct anti_cd38_status",
        )


def received_anti_cd38_is_not_naive(facts: dict[str, Any], names: Names) -> None:
    """An anti-CD38 antibody in the treatment history contradicts an anti-CD38-naive status."""
    if facts.get("anti_cd38_status") != "naive":
        return
    anti_cd38 = set(names.agents_of_class("anti-cd38"))
    for i, name in enumerate(facts.get("previously_received") or []):
        resolved = names.resolve(name)
        if resolved is not None and resolved.agents & anti_cd38:
            raise FactsError(
                f"previously_received.{i}",
                f"previously_received[{i}]: {name!r} contains an anti-CD38 antibody, which contradicts "
                "anti_cd38_status = 'naive'; correct one of them",
            )


RULES: tuple[Rule, ...] = (
    frailty_score_below_age_points,
    induction_regimen_is_a_regimen,
    lenalidomide_maintenance_means_exposed,
    triple_class_refractory_means_anti_cd38_refractory,
    ttp_after_asct_needs_asct,
    anti_cd38_interval_needs_exposure,
    received_anti_cd38_is_not_naive,
)


def check_consistency(facts: dict[str, Any], names: Names) -> None:
    """Raise :class:`FactsError` for the first impossible combination of answers."""
    for rule in RULES:
        rule(facts, names)
