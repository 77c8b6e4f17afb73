"""Storage fixtures: a small synthetic bundle (always) and the real content (when it validates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.content.bundle import ContentBundle
from app.storage.build import build_database
from app.storage.repository import GuideRepository

ROOT = Path(__file__).resolve().parents[2]
REAL_CONTENT = ROOT / "resources" / "content"

#: A directory name that breaks hand-built sqlite:/// URLs.
AWKWARD_DIR = "guide #1 % 20 dir"


def _ref(quote: str, location: str = "Synthetic › Test") -> dict[str, str]:
    return {"quote": quote, "location": location}


def _stmt(sid: str, section: str, quote: str, kind: str = "recommendation", **extra: Any) -> dict[str, Any]:
    return {"id": sid, "section": section, "kind": kind, "source": _ref(quote, f"{section} › {sid}"), **extra}


Q_QUAD = (
    "Regarding induction therapy before ASCT, DaraVRd and IsaVRd provide the best risk–benefit profile "
    "to date among quadruplets and are recommended as the new SOC regimens [I, A], despite not being "
    "approved yet by the EMA."
)
Q_VRD = "If the above regimens are not available, VRd can be used [II, B]."
Q_DARAKD = "In patients refractory to lenalidomide, DaraKd is recommended [I, A]."
Q_CILTA = "Cilta-cel is recommended for patients with lenalidomide-refractory disease after one prior line [I, A]."
Q_TOCI = "Tocilizumab 8 mg/kg should be given for grade 2 CRS [panel consensus; V, C]."
Q_ICANS = "Dexamethasone 10 mg every 6 h is recommended for grade 2 ICANS [panel consensus; IV, C]."
Q_OCULAR = "Ocular examination before each dose of belantamab mafodotin is recommended [II, B]."
Q_BONE = "Zoledronic acid is recommended for all patients with myeloma bone disease [I, A]."
Q_HOTEL = "At the Hôtel-Dieu frailty clinic, β2-microglobulin is measured in everyone [III, B]."


def synthetic_data() -> dict[str, Any]:
    """Raw content in the shape of ``resources/content`` (as :func:`read_raw` returns it)."""
    sections = [
        ("methods", "Methods", None),
        ("diagnosis", "Diagnosis and staging", None),
        ("table1", "Table 1 | Examinations", "diagnosis"),
        ("box1", "Box 1 | High-risk MM", "diagnosis"),
        ("ndmm", "Newly diagnosed multiple myeloma", None),
        ("ndmm-recs", "Recommendations", "ndmm"),
        ("rrmm", "Relapsed and/or refractory multiple myeloma", None),
        ("rrmm-recs", "Recommendations", "rrmm"),
        ("supportive", "Supportive care", None),
        ("box2", "Box 2 | Management of common complications", "supportive"),
        ("box3", "Box 3 | Management of toxicities derived from novel therapies", "supportive"),
    ]
    drugs = [
        {"id": "daratumumab", "name": "daratumumab", "letter": "Dara", "classes": ["anti-CD38 antibody"]},
        {"id": "isatuximab", "name": "isatuximab", "letter": "Isa", "classes": ["anti-CD38 antibody"]},
        {"id": "bortezomib", "name": "bortezomib", "letter": "V", "classes": ["proteasome inhibitor"]},
        {"id": "carfilzomib", "name": "carfilzomib", "letter": "K", "classes": ["proteasome inhibitor"]},
        {"id": "lenalidomide", "name": "lenalidomide", "letter": "R", "classes": ["IMiD"]},
        {"id": "dexamethasone", "name": "dexamethasone", "letter": "d"},
        {
            "id": "ciltacabtagene-autoleucel",
            "name": "ciltacabtagene autoleucel",
            "classes": ["CAR-T"],
            "aliases": ["ciltacel"],
        },
        {"id": "tocilizumab", "name": "tocilizumab", "classes": ["anti-IL-6R antibody"]},
        {"id": "zoledronic-acid", "name": "zoledronic acid", "classes": ["bisphosphonate"]},
        {
            "id": "belantamab-mafodotin",
            "name": "belantamab mafodotin",
            "classes": ["antibody–drug conjugate"],
        },
    ]
    regimens = [
        {
            "abbr": "DaraVRd",
            "name": "daratumumab, bortezomib, lenalidomide, dexamethasone",
            "components": ["daratumumab", "bortezomib", "lenalidomide", "dexamethasone"],
            "defining_agents": ["daratumumab", "bortezomib", "lenalidomide"],
            "classes": ["quadruplet"],
            "approval_notes": [{"text": "not approved yet by the EMA", "as_of": "2025-05-31", "source": _ref(Q_QUAD)}],
        },
        {
            "abbr": "IsaVRd",
            "name": "isatuximab, bortezomib, lenalidomide, dexamethasone",
            "components": ["isatuximab", "bortezomib", "lenalidomide", "dexamethasone"],
            "defining_agents": ["isatuximab", "bortezomib", "lenalidomide"],
        },
        {
            "abbr": "VRd",
            "name": "bortezomib, lenalidomide, dexamethasone",
            "components": ["bortezomib", "lenalidomide", "dexamethasone"],
            "defining_agents": ["bortezomib", "lenalidomide"],
        },
        {
            "abbr": "DaraKd",
            "name": "daratumumab, carfilzomib, dexamethasone",
            "components": ["daratumumab", "carfilzomib", "dexamethasone"],
            "defining_agents": ["daratumumab", "carfilzomib"],
            "trials": ["candor"],
        },
        {
            "abbr": "cilta-cel",
            "name": "ciltacabtagene autoleucel",
            "components": ["ciltacabtagene-autoleucel"],
            "defining_agents": ["ciltacabtagene-autoleucel"],
            "classes": ["CAR-T"],
            "aliases": ["ciltacel", "Cilta cel"],
        },
        {
            "abbr": "IsaKRd",
            "name": "isatuximab, carfilzomib, lenalidomide, dexamethasone",
            "components": ["isatuximab", "carfilzomib", "lenalidomide", "dexamethasone"],
            "defining_agents": ["isatuximab", "carfilzomib", "lenalidomide"],
            "recommended": False,
            "not_recommended_reason": _ref("IsaKRd is not recommended outside trials [II, C]."),
        },
    ]
    statements = [
        _stmt(
            "ndmm-te-quad",
            "ndmm-recs",
            Q_QUAD,
            regimens=["DaraVRd", "IsaVRd"],
            topics=["induction"],
            notes=["Dated remark."],
        ),
        _stmt("ndmm-te-vrd", "ndmm-recs", Q_VRD, regimens=["VRd"], topics=["fallback"]),
        _stmt(
            "rrmm-darakd",
            "rrmm-recs",
            Q_DARAKD,
            regimens=["DaraKd"],
            drugs=["lenalidomide"],
            topics=["lenalidomide-refractory"],
        ),
        _stmt("rrmm-cilta", "rrmm-recs", Q_CILTA, regimens=["cilta-cel"]),
        _stmt("box3-toci", "box3", Q_TOCI, kind="box", drugs=["tocilizumab"], topics=["crs"]),
        _stmt("box3-icans", "box3", Q_ICANS, kind="box", drugs=["dexamethasone"], topics=["icans"]),
        _stmt("box3-ocular", "box3", Q_OCULAR, kind="box", drugs=["belantamab-mafodotin"]),
        _stmt("box2-bone", "box2", Q_BONE, kind="box", drugs=["zoledronic-acid"], topics=["bone-disease"]),
        _stmt("diag-hotel", "diagnosis", Q_HOTEL, kind="text", topics=["frailty"]),
    ]
    cell = {"printed": "✓", "requirement": "obligatory"}
    toxicity = []
    for syndrome in ("crs", "icans"):
        for grade in (1, 2, 3, 4):
            panel: dict[str, Any] = {
                "syndrome": syndrome,
                "grade": grade,
                "box3": [],
                "text_statements": [],
                "doses": [],
            }
            if (syndrome, grade) == ("crs", 2):
                panel["box3"] = ["box3-toci"]
                panel["doses"] = [
                    {
                        "drug": "tocilizumab",
                        "dose": "8 mg/kg IV over 1 h (max 800 mg)",
                        "source": _ref(Q_TOCI),
                    }
                ]
                panel["conflicts"] = ["toci-interval"]
            if (syndrome, grade) == ("icans", 2):
                panel["box3"] = ["box3-icans"]
                panel["cautions"] = [_ref("Tocilizumab only with co-presence of CRS [V, C].")]
            toxicity.append(panel)
    figure = {
        "id": "fig2",
        "title": "Fig. 2 | Treatment of first relapse",
        "caption": _ref("Treatment algorithm for patients at first relapse."),
        "reconstruction": "Synthetic reconstruction for tests.",
        "facts": [{"name": "len_refractory", "type": "bool", "prompt": "Refractory to lenalidomide?"}],
        "start": "q-len",
        "nodes": [
            {
                "kind": "question",
                "id": "q-len",
                "prompt": "Is the disease refractory to lenalidomide?",
                "facts": ["len_refractory"],
                "options": [
                    {
                        "label": "Yes",
                        "when": {"fact": "len_refractory", "op": "eq", "value": True},
                        "next": "len-refr",
                    },
                    {
                        "label": "No",
                        "when": {"not": {"fact": "len_refractory", "op": "eq", "value": True}},
                        "next": "len-sens",
                    },
                ],
            },
            {
                "kind": "recommendation",
                "id": "len-refr",
                "title": "Lenalidomide-refractory",
                "items": [
                    {
                        "regimen": "DaraKd",
                        "tier": "preferred",
                        "evidence": "I, A",
                        "source": _ref("DaraKd is recommended [I, A]."),
                        "footnotes": ["fn-approval"],
                    },
                    {
                        "regimen": "cilta-cel",
                        "tier": "other",
                        "evidence": "I, A",
                        "source": _ref(Q_CILTA),
                        "substitutes": [
                            {
                                "regimen": "DaraKd",
                                "evidence": "I, A",
                                "source": _ref("refractory to lenalidomide, DaraKd"),
                            }
                        ],
                    },
                ],
            },
            {
                "kind": "recommendation",
                "id": "len-sens",
                "title": "Lenalidomide-sensitive",
                "items": [
                    {
                        "regimen": "VRd",
                        "tier": "preferred",
                        "evidence": "II, B",
                        "source": _ref(Q_VRD),
                        "statement": "ndmm-te-vrd",
                    },
                ],
            },
        ],
        "notes": [
            {
                "id": "fn-approval",
                "kind": "footnote",
                "text": "Approval of quokka regimens varies by country.",
            }
        ],
    }
    return {
        "meta": {
            "content_version": "2025.0.1-test",
            "content_date": date(2025, 7, 7),
            "schema_version": 1,
            "title": "Synthetic guideline",
            "citation": "Test citation.",
            "doi": "10.0000/test",
            "text_followed": "Synthetic.",
            "intended_use": "Tests only.",
            "disclaimer": "Not for use.",
            "literature_cutoff": date(2025, 5, 31),
        },
        "evidence_scale": {
            "source_note": "Standard wording.",
            "levels": [{"code": c, "meaning": f"Level meaning {c} randomised"} for c in ("I", "II", "III", "IV", "V")],
            "grades": [{"code": c, "meaning": f"Grade meaning {c}"} for c in "ABCDE"],
            "panel_consensus": _ref("For panel consensus all authors had to agree on the final recommendation."),
            "grading_system": _ref("adapted from the US Public Health Service Grading System"),
        },
        "sections": [{"id": i, "title": t, "parent": p, "order": n} for n, (i, t, p) in enumerate(sections, 1)],
        "statements": statements,
        "glossary": {"drugs": drugs, "regimens": regimens},
        "trials": [
            {
                "id": "candor",
                "name": "CANDOR",
                "phase": "3",
                "n": 466,
                "population": "relapsed MM after 1–3 prior lines",
                "regimens": ["DaraKd"],
                "comparator": "Kd",
                "results": [{"endpoint": "median PFS", "value": "28.6 months", "comparator_value": "15.2 months"}],
                "source": _ref("In the CANDOR trial, DaraKd prolonged PFS."),
            }
        ],
        "table1": {
            "title": "Table 1 | Examinations",
            "columns": ["Group", "Test", "At diagnosis", "At response", "At follow-up", "At relapse"],
            "rows": [
                {
                    "group": "Blood",
                    "test": "Serum free light chains",
                    "diagnosis": cell,
                    "at_response": cell,
                    "at_follow_up": cell,
                    "at_relapse": cell,
                },
                {
                    "group": "Imaging",
                    "test": "Whole-body PET–CT",
                    "diagnosis": cell,
                    "at_response": {"printed": "(✓)", "requirement": "optional", "qualifier": "if positive"},
                    "at_follow_up": {"printed": "–", "requirement": "not_required"},
                    "at_relapse": cell,
                },
            ],
            "abbreviations": "PET, positron emission tomography.",
            "location": "Table 1",
        },
        "box1": {
            "title": "Box 1 | IMS–IMWG high-risk MM",
            "rule": "Any one criterion",
            "criteria": [
                {
                    "id": "del17p",
                    "printed": "del(17p) in >20% of plasma cells",
                    "logic": "ccf > 20",
                    "footnotes": ["a"],
                },
                {
                    "id": "b2m",
                    "printed": "β2M > 5.5 mg/dl with normal creatinine",
                    "logic": "b2m >= 5.5",
                    "errata": ["box1-b2m-unit"],
                },
            ],
            "footnotes": {"b": "second footnote", "a": "cancer cell fraction by sequencing"},
            "location": "Box 1",
        },
        "box2": {
            "title": "Box 2 | Management of common complications",
            "groups": [{"title": "Bone disease", "statements": ["box2-bone"]}],
            "abbreviations": "",
            "location": "Box 2",
        },
        "box3": {
            "title": "Box 3 | Toxicities",
            "ocular": ["box3-ocular"],
            "abbreviations": "",
            "location": "Box 3",
        },
        "toxicity": toxicity,
        "errata": [
            {
                "id": "box1-b2m-unit",
                "title": "β2M unit printed as mg/dl",
                "printed": "> 5.5 mg/dl",
                "reading": "≥ 5.5 mg/L",
                "location": "Box 1",
                "applies_to": ["box1:b2m"],
                "basis": "IMS–IMWG 2024 definition uses platypus units",
            },
        ],
        "conflicts": [
            {
                "id": "toci-interval",
                "title": "Tocilizumab repeat interval",
                "sides": [
                    _ref("repeat every 8 h", "Box 3"),
                    _ref("repeat after 6 h", "Supportive care text"),
                ],
                "note": "The two places give different wombat intervals.",
            },
        ],
        "figures": [figure],
    }


def make_bundle(data: dict[str, Any] | None = None) -> ContentBundle:
    return ContentBundle.model_validate(data if data is not None else synthetic_data())


def write_content_dir(data: dict[str, Any], folder: Path) -> Path:
    """Write raw content in the file layout that :func:`app.storage.source.read_raw` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statements").mkdir(exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)

    def dump(name: str, value: Any) -> None:
        (folder / name).write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")

    for key in ("meta", "evidence_scale", "sections", "glossary", "trials", "table1", "toxicity"):
        dump(f"{key}.yaml", data[key])
    dump("statements/10-all.yaml", data["statements"])
    dump("boxes.yaml", {"box1": data["box1"], "box2": data["box2"], "box3": data["box3"]})
    dump("errata.yaml", {"errata": data["errata"], "conflicts": data["conflicts"]})
    for fig in data["figures"]:
        dump(f"figures/{fig['id']}.yaml", fig)
    return folder


@pytest.fixture(scope="session")
def synthetic_bundle() -> ContentBundle:
    return make_bundle()


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory, synthetic_bundle: ContentBundle) -> Path:
    """The synthetic database, built into a folder whose name has '#', '%' and spaces."""
    out = tmp_path_factory.mktemp("storage") / AWKWARD_DIR / "guide db #%.sqlite"
    build_database(synthetic_bundle, out, "0" * 64)
    return out


@pytest.fixture(scope="session")
def repo(synthetic_db: Path) -> Any:
    with GuideRepository(synthetic_db) as repository:
        yield repository


@pytest.fixture(scope="session")
def real_bundle() -> ContentBundle:
    from app.storage.source import load_bundle

    try:
        return load_bundle(REAL_CONTENT)
    except Exception as exc:  # the content is still being written: skip, naming why
        first = str(exc).strip().splitlines()[:3]
        pytest.skip(f"real content in resources/content does not validate yet: {type(exc).__name__}: {first}")


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory, real_bundle: ContentBundle) -> Path:
    from app.storage.source import source_hash

    out = tmp_path_factory.mktemp("real") / AWKWARD_DIR / "guide.sqlite"
    build_database(real_bundle, out, source_hash(REAL_CONTENT))
    return out


@pytest.fixture(scope="session")
def real_repo(real_db: Path) -> Any:
    with GuideRepository(real_db, verify=True) as repository:
        yield repository
