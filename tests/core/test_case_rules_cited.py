"""Every clinical rule of the case engine is a small named function whose docstring cites its source."""

from __future__ import annotations

import pytest

from app.core.case import lines, refractoriness, routing, timings

RULES = [
    *lines.RULES, lines.lot5_unknown_reason,
    refractoriness.nonresponsive, refractoriness.refractory_at, refractoriness.car_t_refractory,
    refractoriness.drug_status, refractoriness.anti_cd38_status, refractoriness.triple_class_exposed,
    refractoriness.refractory_to, refractoriness.disease_state,
    timings.prior_asct_then_len_maintenance, timings.initial_remission_months, timings.ttp_after_asct_years,
    timings.anti_cd38_free_interval_months, routing.figure_for,
]
CITES = ("Rajkumar", "CARTITUDE-4", "Guideline", "guideline", "Fig. 2", "IMWG 2016", "clinician")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_rule_docstring_cites_a_source(rule):
    doc = rule.__doc__ or ""
    assert any(c in doc for c in CITES), rule.__name__
