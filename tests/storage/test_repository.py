"""Read-only access and verification, and the repository's round trip to core models."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from app.core.content.bundle import ContentBundle
from app.core.content.models import Regimen
from app.storage import schema
from app.storage.database import (
    GuideDatabaseError,
    connect_readonly,
    database_uri,
    open_engine,
    verify_database,
)
from app.storage.repository import EvidenceFilter, GuideRepository, parse_evidence_filter

from .conftest import AWKWARD_DIR

# --- opening read-only ---------------------------------------------------------------------------


def test_awkward_path_opens_the_real_file(synthetic_db: Path, repo: GuideRepository) -> None:
    assert AWKWARD_DIR in str(synthetic_db) and "#" in synthetic_db.name and "%" in synthetic_db.name
    assert " " in str(synthetic_db)
    assert repo.meta().content_version == "2025.0.1-test"
    uri = database_uri(synthetic_db)
    assert uri.startswith("file://") and uri.endswith("?mode=ro") and "%23" in uri and "%25" in uri
    assert database_uri(synthetic_db, immutable=True).endswith("?mode=ro&immutable=1")


@pytest.mark.parametrize("immutable", [False, True])
def test_readonly_connection_cannot_write(synthetic_db: Path, immutable: bool) -> None:
    before = synthetic_db.read_bytes()
    conn = connect_readonly(synthetic_db, immutable=immutable)
    try:
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("CREATE TABLE t (x)")
    finally:
        conn.close()
    assert synthetic_db.read_bytes() == before


def test_engine_cannot_write(synthetic_db: Path) -> None:
    engine = open_engine(synthetic_db)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM statements")).scalar_one() > 0
            with pytest.raises(sqlalchemy.exc.OperationalError) as info:
                conn.execute(text("INSERT INTO meta (key, value) VALUES ('x', 'y')"))
            assert isinstance(info.value.orig, sqlite3.OperationalError)
    finally:
        engine.dispose()


def test_missing_file_is_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "no #such% file.sqlite"
    with pytest.raises(GuideDatabaseError) as info:
        open_engine(missing)
    assert info.value.code == "missing"
    with pytest.raises(sqlite3.OperationalError):
        connect_readonly(missing)
    with pytest.raises(GuideDatabaseError):
        GuideRepository(missing)
    assert not missing.exists()


# --- verification --------------------------------------------------------------------------------


def test_verify_good_database(synthetic_db: Path, synthetic_bundle: ContentBundle) -> None:
    info = verify_database(synthetic_db)
    assert info.application_id == schema.APPLICATION_ID
    assert info.schema_version == schema.SCHEMA_VERSION
    assert info.integrity == "ok"
    assert info.content_version == synthetic_bundle.meta.content_version
    assert info.content_date == synthetic_bundle.meta.content_date
    assert info.source_hash == "0" * 64
    assert info.size_bytes == synthetic_db.stat().st_size
    assert verify_database(synthetic_db, quick=True, immutable=True) == info


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.sqlite"
    shutil.copyfile(src, dst)
    return dst


def _expect(path: Path, code: str) -> None:
    with pytest.raises(GuideDatabaseError) as info:
        verify_database(path)
    assert info.value.code == code, str(info.value)
    assert str(info.value)


def test_verify_rejects_non_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"not a database at all" * 20)
    _expect(path, "not-sqlite")
    path.write_bytes(b"")
    _expect(path, "not-sqlite")
    _expect(tmp_path / "absent.sqlite", "missing")


def _set_pragma(path: Path, pragma: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(pragma)
    conn.commit()
    conn.close()


def test_verify_rejects_foreign_application(tmp_path: Path, synthetic_db: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    _set_pragma(path, "PRAGMA application_id = 1234")
    _expect(path, "wrong-application")


def test_verify_rejects_unsupported_schema(tmp_path: Path, synthetic_db: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    _set_pragma(path, "PRAGMA user_version = 99")
    _expect(path, "unsupported-schema")


def test_verify_rejects_wal(tmp_path: Path, synthetic_db: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    _set_pragma(path, "PRAGMA journal_mode = WAL")
    _expect(path, "wal")


def test_verify_rejects_missing_meta(tmp_path: Path, synthetic_db: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    _set_pragma(path, "DELETE FROM meta WHERE key = 'source_hash'")
    _expect(path, "meta")


def test_verify_rejects_corruption(tmp_path: Path, synthetic_db: Path) -> None:
    path = _copy(synthetic_db, tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(2 * page, len(data) - page, page):  # scribble over every other page body
        data[i + 8 : i + 400] = b"\xa5" * 392
    path.write_bytes(bytes(data))
    with pytest.raises(GuideDatabaseError) as info:
        verify_database(path)
    assert info.value.code in {"integrity", "corrupt", "meta"}


# --- the repository --------------------------------------------------------------------------------


def test_round_trip_equals_bundle(repo: GuideRepository, synthetic_bundle: ContentBundle) -> None:
    assert repo.bundle() == synthetic_bundle


def test_each_accessor(repo: GuideRepository, synthetic_bundle: ContentBundle) -> None:
    b = synthetic_bundle
    assert repo.meta() == b.meta
    assert repo.evidence_scale() == b.evidence_scale
    assert repo.sections() == b.sections
    assert repo.statements() == b.statements
    assert repo.regimens() == b.glossary.regimens
    assert repo.drugs() == b.glossary.drugs
    assert repo.glossary() == b.glossary
    assert repo.trials() == b.trials
    assert repo.table1() == b.table1
    assert repo.box1() == b.box1 and list(repo.box1().footnotes) == ["b", "a"]
    assert repo.box2() == b.box2
    assert repo.box3() == b.box3
    assert repo.toxicity() == b.toxicity
    assert repo.errata() == b.errata
    assert repo.conflicts() == b.conflicts
    assert repo.figures() == b.figures
    assert repo.figure("fig2") == b.figure("fig2")
    assert repo.statement("rrmm-darakd") == b.statement("rrmm-darakd")
    assert repo.source_hash() == "0" * 64


def test_missing_ids_raise_key_error(repo: GuideRepository) -> None:
    for call in (
        lambda: repo.statement("nope"),
        lambda: repo.regimen("NoSuchRegimen"),
        lambda: repo.drug("nope"),
        lambda: repo.trial("nope"),
        lambda: repo.figure("fig9"),
        lambda: repo.toxicity_panel("crs", 7),
    ):
        with pytest.raises(KeyError):
            call()


def test_statements_by_section(repo: GuideRepository) -> None:
    ids = [s.id for s in repo.statements(section="ndmm-recs")]
    assert ids == ["ndmm-te-quad", "ndmm-te-vrd"]
    assert [s.id for s in repo.statements(section="ndmm")] == ids, "subsections are included"
    assert repo.statements(section="ndmm", subsections=False) == []
    assert {s.id for s in repo.statements(section="supportive")} == {
        "box3-toci",
        "box3-icans",
        "box3-ocular",
        "box2-bone",
    }
    assert repo.statements(section="nowhere") == []


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ("I, A", {"ndmm-te-quad", "rrmm-darakd", "rrmm-cilta", "box2-bone"}),
        ("[I, A]", {"ndmm-te-quad", "rrmm-darakd", "rrmm-cilta", "box2-bone"}),
        ("i,a", {"ndmm-te-quad", "rrmm-darakd", "rrmm-cilta", "box2-bone"}),
        ("II, B", {"ndmm-te-vrd", "box3-ocular"}),
        ("panel consensus", {"box3-toci", "box3-icans"}),
        ("Panel consensus; IV, C", {"box3-icans"}),
        ("PC · V, C", {"box3-toci"}),
        ("IV", {"box3-icans"}),
        ("C", {"box3-toci", "box3-icans"}),
        ("III, B", {"diag-hotel"}),
        ("V, E", set()),
    ],
)
def test_statements_by_evidence(repo: GuideRepository, evidence: str, expected: set[str]) -> None:
    assert {s.id for s in repo.statements(evidence=evidence)} == expected


def test_statements_by_section_and_evidence(repo: GuideRepository) -> None:
    assert [s.id for s in repo.statements(section="rrmm", evidence="I, A")] == ["rrmm-darakd", "rrmm-cilta"]


@pytest.mark.parametrize("bad", ["", "VI, A", "I, F", "grade A please", "A, I"])
def test_bad_evidence_filter(repo: GuideRepository, bad: str) -> None:
    with pytest.raises(ValueError, match="evidence filter"):
        repo.statements(evidence=bad)


def test_parse_evidence_filter() -> None:
    assert parse_evidence_filter("II, B") == EvidenceFilter(level="II", grade="B")
    assert parse_evidence_filter("[panel consensus; V, C]") == EvidenceFilter(
        level="V", grade="C", panel_consensus=True
    )
    assert parse_evidence_filter("panel consensus") == EvidenceFilter(panel_consensus=True)


@pytest.mark.parametrize(
    ("name", "abbr"),
    [
        ("DaraVRd", "DaraVRd"),
        ("daravrd", "DaraVRd"),
        ("DARA-VRD", "DaraVRd"),
        ("cilta-cel", "cilta-cel"),
        ("Ciltacel", "cilta-cel"),
        ("cilta cel", "cilta-cel"),
        ("ciltacabtagene autoleucel", "cilta-cel"),
        ("bortezomib, lenalidomide, dexamethasone", "VRd"),
    ],
)
def test_regimen_lookup(repo: GuideRepository, name: str, abbr: str) -> None:
    found = repo.regimen(name)
    assert isinstance(found, Regimen) and found.abbr == abbr


def test_drug_and_trial_lookup(repo: GuideRepository) -> None:
    assert repo.drug("zoledronic-acid").name == "zoledronic acid"
    assert repo.drug("Zoledronic acid").id == "zoledronic-acid"
    assert repo.drug("CILTACEL").id == "ciltacabtagene-autoleucel"
    assert repo.trial("candor").name == "CANDOR"
    assert repo.trial("CANDOR").id == "candor"


def test_toxicity(repo: GuideRepository) -> None:
    assert [p.grade for p in repo.toxicity("icans")] == [1, 2, 3, 4]
    assert [p.grade for p in repo.toxicity("CRS")] == [1, 2, 3, 4]
    (panel,) = repo.toxicity("crs", 2)
    assert panel.doses[0].drug == "tocilizumab" and panel.conflicts == ["toci-interval"]
    assert repo.toxicity_panel("icans", 2).box3 == ["box3-icans"]
    assert len(repo.toxicity()) == 8


def test_links(repo: GuideRepository) -> None:
    (link,) = repo.links_for_statement("rrmm-darakd")
    assert (link.figure, link.node, link.regimen, link.via) == ("fig2", "len-refr", "DaraKd", "item")
    assert repo.links_for_statement("box2-bone") == []
    assert [lk.statement_id for lk in repo.links_for_node("fig2", "len-refr")] == [
        "rrmm-darakd",
        "rrmm-cilta",
    ]
    assert len(repo.links_for_node("fig2")) == 3


def test_verified_repository_keeps_info(synthetic_db: Path) -> None:
    with GuideRepository(synthetic_db, verify=True, immutable=True) as repository:
        assert repository.info is not None and repository.info.integrity == "ok"
        assert repository.regimen("VRd").abbr == "VRd"


# --- the real content ------------------------------------------------------------------------------


def test_real_round_trip(real_repo: GuideRepository, real_bundle: ContentBundle) -> None:
    assert real_repo.bundle() == real_bundle


def test_real_every_regimen_resolves(real_repo: GuideRepository, real_bundle: ContentBundle) -> None:
    for regimen in real_bundle.glossary.regimens:
        assert real_repo.regimen(regimen.abbr) == regimen
        for alias in regimen.aliases:
            assert real_repo.regimen(alias).abbr == regimen.abbr, f"alias {alias!r} of {regimen.abbr} is shadowed"


def test_real_evidence_filters(real_repo: GuideRepository, real_bundle: ContentBundle) -> None:
    ia = real_repo.statements(evidence="I, A")
    assert ia and all(any(e.level == "I" and e.grade == "A" for e in s.evidence) for s in ia)
    pc = real_repo.statements(evidence="panel consensus")
    assert pc and all(any(e.panel_consensus for e in s.evidence) for s in pc)
