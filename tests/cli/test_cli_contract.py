"""The headless contract (shared/contracts/cli.md) end to end, in process."""

from __future__ import annotations

import json

import pytest


def test_version(run):
    code, out = run("--version")
    assert code == 0
    assert set(out) == {"app_version", "content_version", "content_date", "schema_version"}


def test_info_reports_bundled_database(run):
    code, out = run("info")
    assert code == 0
    assert out["source"] == "bundled"
    assert out["integrity"] == "ok"
    assert out["data_age_days"] >= 0
    assert out["signer_key_ids"] == []


def test_recs_lists_every_statement_with_its_quote(run, bundle):
    code, out = run("recs")
    assert code == 0
    statements = [s for s in out if s["id"] not in ("box1", "table1")]
    assert len(statements) == len(bundle.statements)
    assert all(s["source"]["quote"] and s["evidence"] for s in statements)
    assert {s["id"] for s in out} >= {"box1", "table1"}


def test_recs_filters_by_evidence_and_section(run):
    code, out = run("recs", "--evidence", "panel consensus; V, C")
    assert code == 0 and out
    wanted = ("V", "C")
    assert all(any(e["panel_consensus"] and (e["level"], e["grade"]) == wanted for e in s["evidence"]) for s in out)
    code, out = run("recs", "--section", "rrmm")
    assert code == 0
    assert {s["section"] for s in out} <= {"rrmm", "rrmm-2l", "rrmm-2l-recs", "rrmm-3l", "rrmm-3l-recs"}
    code, out = run("recs", "--evidence", "I, A", "--section", "ndmm")
    assert code == 0 and all(any(e["level"] == "I" and e["grade"] == "A" for e in s["evidence"]) for s in out)


@pytest.mark.parametrize(("args", "field"), [
    (("recs", "--section", "nowhere"), "section"),
    (("recs", "--evidence", "Z, Q"), "evidence"),
    (("flow", "fig9", "--describe"), "figure"),
    (("flow", "fig1", "--facts", '{"asct_eligibel": true}'), "asct_eligibel"),
    (("flow", "fig1", "--facts", '{"age": 150}'), "age"),
    (("flow", "fig2", "--facts", '{"lenalidomide_status": "maybe"}'), "lenalidomide_status"),
    (("flow", "fig2", "--facts", '{"unavailable": ["NotARegimen"]}'), "unavailable.0"),
    (("flow", "fig1", "--facts", "{not json"), "facts"),
    (("toxicity", "crs", "--grade", "5"), "grade"),
    (("search",), "arguments"),
    (("nonsense",), "arguments"),
])
def test_bad_input_exits_2_naming_the_field(run, args, field):
    code, out = run(*args)
    assert code == 2
    assert out["error"]["field"] == field
    assert out["error"]["message"]


def test_flow_list_and_describe(run):
    code, out = run("flow", "--list")
    assert code == 0 and [f["id"] for f in out] == ["fig1", "fig2", "fig3"]
    for fig in ("fig1", "fig2", "fig3"):
        code, out = run("flow", fig, "--describe")
        assert code == 0
        kinds = {n["kind"] for n in out["nodes"]}
        assert kinds == {"question", "recommendation"}
        for node in out["nodes"]:
            for item in node.get("items", []):
                assert item["source"]["quote"]


def test_flow_facts_from_file(run, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"asct_eligible": True}))
    code, out = run("flow", "fig1", "--facts", f"@{path}")
    assert code == 0
    assert out["path"][0] and "asct_eligible" not in out["missing"]


@pytest.mark.parametrize("syndrome", ["crs", "icans"])
def test_toxicity_has_four_grades(run, syndrome):
    code, out = run("toxicity", syndrome)
    assert code == 0
    assert [p["grade"] for p in out] == [1, 2, 3, 4]
    for panel in out:
        assert panel["box3"] or panel["recommendations"]


def test_toxicity_doses_from_the_guideline(run):
    _, crs2 = run("toxicity", "crs", "--grade", "2")
    doses = json.dumps(crs2, ensure_ascii=False)
    assert "500–1,000 ml" in doses and "8 mg/kg" in doses and "10 mg intravenously every 6 h" in doses
    _, crs3 = run("toxicity", "crs", "--grade", "3")
    assert "2 mg/kg daily for 3–5 days" in json.dumps(crs3, ensure_ascii=False)
    _, crs4 = run("toxicity", "crs", "--grade", "4")
    assert "1 g/day" in json.dumps(crs4, ensure_ascii=False)


def test_icans_grade_2_shows_both_dexamethasone_doses(run):
    _, (panel,) = run("toxicity", "icans", "--grade", "2")
    text = json.dumps(panel, ensure_ascii=False)
    assert "10 mg every 12 h" in text and "10 mg every 6 h" in text
    assert panel["conflicts"] and panel["conflicts"][0]["id"] == "icans-g2-dexamethasone"


def test_icans_panels_warn_tocilizumab_only_with_crs(run):
    _, panels = run("toxicity", "icans")
    for panel in panels:
        assert any("co-presence of CRS" in c["quote"] for c in panel["cautions"]), panel["grade"]


@pytest.mark.parametrize("query", ["dara", "cilta", "tocilizumab", "myélome", "sepsis AND (", '"', "*", ""])
def test_search_never_fails(run, query):
    code, out = run("search", query or " ")
    assert code == 0
    assert isinstance(out, list)


def test_search_finds_prefixes(run):
    code, out = run("search", "cilta")
    assert code == 0 and any("cilta" in (h["title"] + h["snippet"]).casefold() for h in out)


def test_text_output(run):
    code, out = run("--text", "flow", "fig2", "--describe")
    assert code == 0 and isinstance(out, str) and "fig2" in out
    code, out = run("--text", "toxicity", "crs", "--grade", "1")
    assert code == 0 and "CRS grade 1" in out


def test_misspelt_field_is_reported_as_unknown(run):
    code, out = run("calc", "iss", "--input", '{"b2m": "3 mg/L", "albumn": "3.5 g/dL"}')
    assert code == 2
    assert out["error"]["code"] == "unknown_field" and out["error"]["field"] == "albumn"


@pytest.mark.parametrize(("argv", "expected"), [
    ([], {"data_dir": None, "exit_after_paint": False, "self_test": False}),
    (["--exit-after-paint"], {"data_dir": None, "exit_after_paint": True, "self_test": False}),
    (["--data-dir", "/d", "--self-test"], {"data_dir": "/d", "exit_after_paint": False, "self_test": True}),
    (["--data-dir=/d"], {"data_dir": "/d", "exit_after_paint": False, "self_test": False}),
    (["info"], None),
    (["--version"], None),
    (["--data-dir"], None),
    (["--self-test", "recs"], None),
])
def test_gui_launch_is_recognised_without_the_full_parser(argv, expected):
    from app.cli.main import _plain_gui_launch

    assert _plain_gui_launch(argv) == expected
