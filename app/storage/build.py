"""Compile the validated content into the read-only guide database, deterministically.

    python -m app.storage.build [--content resources/content] [--out db/guide.sqlite]

Same source → same bytes (with the same SQLite library): the database is written with the
stdlib ``sqlite3`` into a temporary file beside the target, in a fixed insertion order and
without wall-clock timestamps, then VACUUMed and atomically moved over the target.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from app.core.calculators.base import REGISTRY
from app.core.content.bundle import ContentBundle
from app.core.content.models import Drug, Regimen, Statement, TableCell, ToxicityPanel
from app.core.flowchart.model import Figure, RecommendationNode
from app.core.text import fold, quote_key
from app.core.tools import TOOLS, describe
from app.storage import schema
from app.storage.search import KEYWORD_SEP
from app.storage.validate import DatabaseUnusable, validate_database

_CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_CONTENT = _CHECKOUT / "resources" / "content"
DEFAULT_OUT = _CHECKOUT / "db" / "guide.sqlite"

_TABLE1_COLUMNS = ("At diagnosis", "At response", "At follow-up", "At relapse")
CARD_WORDS = ("dose", "doses", "dosing", "dosing card", "schedule", "label", "SmPC")
_SYNDROME_NAMES = {
    "crs": "Cytokine release syndrome (CRS)",
    "icans": "Immune effector cell-associated neurotoxicity syndrome (ICANS)",
}


def canonical_json(model: BaseModel) -> str:
    """The stored form of a content object: JSON of its fields (aliases, no computed fields).

    Keys follow the model's field order (deterministic), not ``sort_keys``: the only mapping in
    the content, Box 1's footnotes, keeps the printed order that way.
    """
    data = model.model_dump(mode="json", by_alias=True, exclude_computed_fields=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SearchDoc:
    """One row of ``search_docs``. ``title`` is the heavily weighted heading text; ``label`` is
    what a hit shows as its title (the heading unless given)."""

    kind: str
    ref_id: str
    title: str
    body: str
    section: str | None
    extra: str
    label: str | None = None


@dataclass(frozen=True)
class StatementLink:
    statement_id: str
    figure: str
    node: str
    regimen: str
    via: str  # "item" or "substitute"


def build_database(bundle: ContentBundle, out: Path, source_hash: str) -> None:
    """Write the guide database for ``bundle`` to ``out`` (replaced atomically).

    The new file must pass :func:`app.storage.validate.validate_database` (the checks an
    update gets at apply and at start-up) before it replaces ``out``; otherwise
    :class:`~app.storage.validate.DatabaseUnusable` is raised and ``out`` is left as it was.
    """
    if bundle.meta.schema_version != schema.SCHEMA_VERSION:
        raise ValueError(
            f"content declares schema_version {bundle.meta.schema_version}, "
            f"this builder writes schema {schema.SCHEMA_VERSION}"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _write(conn, bundle, source_hash)
        finally:
            conn.close()
        validate_database(tmp)  # the builder never writes a database the app would refuse
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; the database is meant to be shared
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        with contextlib.suppress(OSError):
            Path(f"{tmp}-journal").unlink()
        raise


def _write(conn: sqlite3.Connection, bundle: ContentBundle, source_hash: str) -> None:
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("PRAGMA encoding = 'UTF-8'")
    conn.execute("PRAGMA auto_vacuum = NONE")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    conn.execute("BEGIN")
    for ddl in schema.DDL:
        conn.execute(ddl)
    _insert_content(conn, bundle, source_hash)
    _insert_search(conn, search_documents(bundle))
    conn.execute("COMMIT")
    conn.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('optimize')")
    conn.execute("VACUUM")
    conn.execute("PRAGMA journal_mode = DELETE")
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise RuntimeError(f"integrity check of the new database failed: {result}")


def _insert_content(conn: sqlite3.Connection, bundle: ContentBundle, source_hash: str) -> None:
    meta = bundle.meta
    values = {
        "content_version": meta.content_version,
        "content_date": meta.content_date.isoformat(),
        "schema_version": str(schema.SCHEMA_VERSION),
        "source_hash": source_hash,
        "title": meta.title,
        "citation": meta.citation,
        "doi": meta.doi,
        "text_followed": meta.text_followed,
        "intended_use": meta.intended_use,
        "disclaimer": meta.disclaimer,
        "literature_cutoff": meta.literature_cutoff.isoformat(),
    }
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [(k, values[k]) for k in schema.META_KEYS]
    )
    conn.executemany(
        "INSERT INTO docs (name, json) VALUES (?, ?)",
        [(name, canonical_json(getattr(bundle, name))) for name in schema.DOC_NAMES],
    )
    conn.executemany(
        "INSERT INTO sections (id, ord, parent, title, json) VALUES (?, ?, ?, ?, ?)",
        [(s.id, i, s.parent, s.title, canonical_json(s)) for i, s in enumerate(bundle.sections)],
    )
    conn.executemany(
        "INSERT INTO statements (id, section, kind, ord, json) VALUES (?, ?, ?, ?, ?)",
        [(s.id, s.section, s.kind, i, canonical_json(s)) for i, s in enumerate(bundle.statements)],
    )
    conn.executemany(
        "INSERT INTO statement_evidence (statement_id, ord, level, grade, panel_consensus, text)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (s.id, j, e.level, e.grade, int(e.panel_consensus), e.text)
            for s in bundle.statements
            for j, e in enumerate(s.evidence)
        ],
    )
    glossary = bundle.glossary
    conn.executemany(
        "INSERT INTO regimens (abbr, ord, name, recommended, json) VALUES (?, ?, ?, ?, ?)",
        [(r.abbr, i, r.name, int(r.recommended), canonical_json(r)) for i, r in enumerate(glossary.regimens)],
    )
    conn.executemany(
        "INSERT INTO drugs (id, ord, name, json) VALUES (?, ?, ?, ?)",
        [(d.id, i, d.name, canonical_json(d)) for i, d in enumerate(glossary.drugs)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO names (key, kind, ref_id) VALUES (?, ?, ?)",
        list(_name_rows(glossary.regimens, glossary.drugs)),
    )
    conn.executemany(
        "INSERT INTO trials (id, ord, name, json) VALUES (?, ?, ?, ?)",
        [(t.id, i, t.name, canonical_json(t)) for i, t in enumerate(bundle.trials)],
    )
    conn.executemany(
        "INSERT INTO errata (id, ord, json) VALUES (?, ?, ?)",
        [(e.id, i, canonical_json(e)) for i, e in enumerate(bundle.errata)],
    )
    conn.executemany(
        "INSERT INTO conflicts (id, ord, json) VALUES (?, ?, ?)",
        [(c.id, i, canonical_json(c)) for i, c in enumerate(bundle.conflicts)],
    )
    conn.executemany(
        "INSERT INTO figures (id, ord, title, json) VALUES (?, ?, ?, ?)",
        [(f.id, i, f.title, canonical_json(f)) for i, f in enumerate(bundle.figures)],
    )
    conn.executemany(
        "INSERT INTO toxicity (syndrome, grade, ord, json) VALUES (?, ?, ?, ?)",
        [(p.syndrome, p.grade, i, canonical_json(p)) for i, p in enumerate(bundle.toxicity)],
    )
    conn.executemany(
        "INSERT INTO statement_links (ord, statement_id, figure, node, regimen, via)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (i, link.statement_id, link.figure, link.node, link.regimen, link.via)
            for i, link in enumerate(statement_links(bundle))
        ],
    )


def _name_rows(regimens: Sequence[Regimen], drugs: Sequence[Drug]) -> Iterator[tuple[str, str, str]]:
    """Lookup keys; canonical abbreviations and ids first, so no alias can shadow them."""
    entries = [("regimen", r.abbr, r.aliases, r.name) for r in regimens]
    entries += [("drug", d.id, d.aliases, d.name) for d in drugs]
    for kind, ref, _, _ in entries:
        yield schema.name_key(ref), kind, ref
    for kind, ref, aliases, _ in entries:
        for alias in aliases:
            yield schema.name_key(alias), kind, ref
    for kind, ref, _, name in entries:
        yield schema.name_key(name), kind, ref


# --- statement links -------------------------------------------------------------------------


def statement_links(bundle: ContentBundle) -> list[StatementLink]:
    """Which statement each flowchart item and substitute rests on.

    An item's explicit ``statement`` wins; otherwise the first statement (in content order)
    whose quote contains the item's quote (compared with :func:`quote_key`); failing that,
    every statement whose quote lies inside the item's quote (an item quoting a whole bullet).
    """
    keyed = [(s.id, quote_key(s.source.quote)) for s in bundle.statements]
    found: list[StatementLink] = []
    seen: set[tuple[str, str, str, str]] = set()
    for fig in bundle.figures:
        for node in fig.nodes:
            if not isinstance(node, RecommendationNode):
                continue
            for item in node.items:
                uses = [(item.regimen, item.source.quote, item.statement, "item")]
                uses += [(s.regimen, s.source.quote, s.statement, "substitute") for s in item.substitutes]
                for regimen, quote, explicit, via in uses:
                    for sid in [explicit] if explicit else _statements_for(quote, keyed):
                        key = (sid, fig.id, node.id, regimen)
                        if key not in seen:
                            seen.add(key)
                            found.append(StatementLink(sid, fig.id, node.id, regimen, via))
    return found


def _statements_for(quote: str, keyed: Sequence[tuple[str, str]]) -> list[str]:
    key = quote_key(quote)
    if not key:
        return []
    for sid, skey in keyed:
        if key in skey:
            return [sid]
    return [sid for sid, skey in keyed if skey and skey in key]


# --- search documents ------------------------------------------------------------------------


def _join(parts: Iterable[str | None], sep: str = " · ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def _cell(cell: TableCell) -> str:
    if cell.qualifier and cell.qualifier not in cell.printed:
        return f"{cell.printed} ({cell.qualifier})"
    return cell.printed


def _tags(statement: Statement) -> str:
    return " ".join(e.text for e in statement.evidence)


def search_documents(bundle: ContentBundle) -> list[SearchDoc]:
    """Every searchable thing of the content, in a fixed order (the FTS rowids follow it)."""
    sections = {s.id: s for s in bundle.sections}
    regimens = {r.abbr: r for r in bundle.glossary.regimens}
    drugs = {d.id: d for d in bundle.glossary.drugs}

    def section_path(sid: str | None) -> str:
        titles: list[str] = []
        while sid is not None and sid in sections and len(titles) < 10:
            titles.append(sections[sid].title)
            sid = sections[sid].parent
        return " › ".join(reversed(titles))

    def known(sid: str) -> str | None:
        return sid if sid in sections else None

    def regimen_words(abbrs: Iterable[str]) -> list[str]:
        words: list[str] = []
        for abbr in abbrs:
            words.append(abbr)
            if abbr in regimens:
                words += regimens[abbr].aliases
        return words

    def drug_words(ids: Iterable[str]) -> list[str]:
        words: list[str] = []
        for did in ids:
            drug = drugs.get(did)
            words += [did] if drug is None else [drug.name, *drug.aliases]
        return words

    #: a regimen with a dosing card is found by the words people type for it ("DaraRd dose")
    carded = {c.regimen for c in bundle.dosing.cards}
    docs: list[SearchDoc] = []
    for s in bundle.statements:
        # The heading of a statement is its tag; its place goes with the keywords, so that a
        # statement printed under "Box 3 › ICANS › Grade 2" does not outrank the "ICANS grade 2" panel.
        docs.append(
            SearchDoc(
                "statement",
                s.id,
                _tags(s),
                s.source.quote,
                s.section,
                _join(
                    [
                        s.source.location,
                        " ".join(regimen_words(s.regimens)),
                        " ".join(drug_words(s.drugs)),
                        " ".join(t.replace("-", " ") for t in s.topics),
                        section_path(s.section),
                        s.id,
                    ],
                    " ",
                ),
                label=_join([s.source.location, _tags(s)], " "),
            )
        )
    for r in bundle.glossary.regimens:
        components = [drugs[c].name if c in drugs else c for c in r.components]
        docs.append(
            SearchDoc(
                "regimen",
                r.abbr,
                r.abbr if r.name == r.abbr else f"{r.abbr} — {r.name}",
                _join(
                    [
                        r.name,
                        ", ".join(c for c in components if fold(c) not in fold(r.name)),
                        ", ".join(r.classes),
                        None if r.recommended else "not recommended by the guideline",
                        r.not_recommended_reason.quote if r.not_recommended_reason else None,
                        *(f"{n.text} ({n.as_of})" for n in r.approval_notes),
                        *r.notes,
                    ]
                ),
                None,
                _join([*r.aliases, *r.components, *r.trials, *(CARD_WORDS if r.abbr in carded else ())], " "),
            )
        )
    for d in bundle.glossary.drugs:
        used_in = [r.abbr for r in bundle.glossary.regimens if d.id in r.components]
        docs.append(
            SearchDoc(
                "drug",
                d.id,
                d.name,
                _join(
                    [
                        ", ".join(d.classes),
                        ", ".join(d.aliases),
                        "in " + ", ".join(used_in) if used_in else None,
                    ]
                ),
                None,
                _join([d.id, d.letter, *d.aliases], " "),
            )
        )
    docs += calculator_documents()
    docs += tool_documents({d.id: d.name for d in bundle.glossary.drugs})
    for panel in bundle.toxicity:
        docs.append(_toxicity_doc(panel, known("box3")))
    for fig in bundle.figures:
        docs.append(_figure_doc(fig))
    for i, row in enumerate(bundle.table1.rows):
        cells = zip(
            _TABLE1_COLUMNS, [row.diagnosis, row.at_response, row.at_follow_up, row.at_relapse], strict=True
        )
        docs.append(
            SearchDoc(
                "table1",
                str(i),
                f"Table 1 · {row.test}",
                _join(f"{col}: {_cell(c)}" for col, c in cells),
                known("table1"),
                _join([row.group, "examinations tests"], " "),
            )
        )
    for c in bundle.box1.criteria:
        docs.append(
            SearchDoc(
                "box1",
                c.id,
                f"Box 1 · {c.printed}",
                _join([c.printed, c.logic, *(bundle.box1.footnotes.get(f, f) for f in c.footnotes)]),
                known("box1"),
                _join([c.id, "high risk", bundle.box1.title, *c.errata], " "),
            )
        )
    for t in bundle.trials:
        docs.append(
            SearchDoc(
                "trial",
                t.id,
                t.name,
                _join(
                    [
                        f"phase {t.phase}",
                        f"n = {t.n}" if t.n is not None else None,
                        t.population,
                        ", ".join(t.regimens),
                        f"vs {t.comparator}" if t.comparator else None,
                        t.follow_up,
                        *(_join([r.endpoint, r.value, r.comparator_value, r.effect], " ") for r in t.results),
                        t.source.quote,
                    ]
                ),
                None,
                _join([t.id, *regimen_words(t.regimens), "trial"], " "),
            )
        )
    for e in bundle.errata:
        docs.append(
            SearchDoc(
                "erratum",
                e.id,
                e.title,
                _join([f"Printed: {e.printed}", f"Reading: {e.reading}", e.basis, e.location]),
                None,
                _join([e.id, *e.applies_to, "erratum error"], " "),
            )
        )
    for conflict in bundle.conflicts:
        docs.append(
            SearchDoc(
                "conflict",
                conflict.id,
                conflict.title,
                _join([*(f"{side.location}: {side.quote}" for side in conflict.sides), conflict.note]),
                None,
                _join([conflict.id, "conflict"], " "),
            )
        )
    scale = bundle.evidence_scale
    method = known("methods")
    for level in scale.levels:
        docs.append(
            SearchDoc(
                "evidence",
                f"level-{level.code}",
                f"Level {level.code}",
                level.meaning,
                method,
                "evidence level",
            )
        )
    for grade in scale.grades:
        docs.append(
            SearchDoc(
                "evidence",
                f"grade-{grade.code}",
                f"Grade {grade.code}",
                grade.meaning,
                method,
                "evidence grade recommendation",
            )
        )
    docs.append(
        SearchDoc(
            "evidence", "panel-consensus", "Panel consensus", scale.panel_consensus.quote, method, "evidence"
        )
    )
    docs.append(
        SearchDoc(
            "evidence",
            "grading-system",
            "Grading system",
            _join([scale.grading_system.quote, scale.source_note]),
            method,
            "evidence levels grades",
        )
    )
    for sec in bundle.sections:
        docs.append(
            SearchDoc("section", sec.id, sec.title, section_path(sec.id), sec.id, sec.id.replace("-", " "))
        )
    return docs


def calculator_documents() -> list[SearchDoc]:
    """One document per calculator, taken from the registry: its title and keywords are the
    heading, its title and reference the body (the snippet); ``extra`` is the keywords and, as a
    last part, its id and input fields, separated by KEYWORD_SEP (app.storage.search ranks a
    calculator first when the query is one of its keywords)."""
    from app.core.calculators.all import ORDER

    ids = [i for i in ORDER if i in REGISTRY] + sorted(set(REGISTRY) - set(ORDER))
    docs = []
    for calc in (REGISTRY[i] for i in ids):
        fields = " ".join(name.replace("_", " ") for name in calc.input_model.model_fields)
        docs.append(
            SearchDoc(
                "calculator",
                calc.id,
                _join([calc.title, *calc.keywords], " · "),
                _join([calc.title, calc.reference]),
                None,
                _join([*calc.keywords, _join([calc.id, "calculator", fields], " ")], KEYWORD_SEP),
                label=calc.title,
            )
        )
    return docs


def tool_documents(drug_names: dict[str, str]) -> list[SearchDoc]:
    """One document per tool of :mod:`app.core.tools` (grader panels, dose helpers, tables).
    Its keywords go only into ``extra`` (laid out as for calculators), so that a calculator
    outranks the tool that embeds it."""
    return [
        SearchDoc(
            "tool",
            t.id,
            t.title,
            _join(describe(t)),
            None,
            _join([*t.keywords, _join([t.id, "tool", *(drug_names.get(d, d) for d in t.drugs)], " ")], KEYWORD_SEP),
            label=t.title,
        )
        for t in TOOLS
    ]


def _toxicity_doc(panel: ToxicityPanel, section: str | None) -> SearchDoc:
    """The panel's doses and cautions; its statements are searchable on their own, so their
    quotes would only lengthen (and so demote) the panel."""
    return SearchDoc(
        "toxicity",
        f"{panel.syndrome}-{panel.grade}",
        f"{panel.syndrome.upper()} grade {panel.grade}",
        _join([*(f"{d.drug}: {d.dose}" for d in panel.doses), *(c.quote for c in panel.cautions)]),
        section,
        _join([_SYNDROME_NAMES[panel.syndrome], *panel.conflicts], " "),
    )


def _figure_doc(fig: Figure) -> SearchDoc:
    parts: list[str] = [fig.caption.quote]
    for node in fig.nodes:
        if isinstance(node, RecommendationNode):
            parts.append(_join([node.title, ", ".join(i.regimen for i in node.items)], ": "))
            parts += [f"{s.regimen} if unavailable" for i in node.items for s in i.substitutes]
        else:
            parts.append(_join([node.prompt, " / ".join(o.label for o in node.options)], " "))
    parts += [n.text for n in fig.notes]
    number = fig.id.removeprefix("fig")
    return SearchDoc(
        "figure", fig.id, fig.title, _join(parts), None, f"{fig.id} Fig {number} figure flowchart"
    )


def _insert_search(conn: sqlite3.Connection, docs: Sequence[SearchDoc]) -> None:
    conn.executemany(
        "INSERT INTO search_docs (rowid, kind, ref_id, label, title, body, section, extra, kind_rank)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                d.kind,
                d.ref_id,
                d.label or d.title,
                d.title,
                d.body,
                d.section,
                d.extra,
                schema.SEARCH_KINDS.index(d.kind),
            )
            for i, d in enumerate(docs, start=1)
        ],
    )
    conn.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('rebuild')")


# --- command line ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from app.storage.source import load_bundle, source_hash

    parser = argparse.ArgumentParser(
        prog="python -m app.storage.build", description="Compile resources/content into the guide database."
    )
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT, help="content source folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="database file to write")
    args = parser.parse_args(argv)
    try:
        bundle = load_bundle(args.content)
    except (OSError, ValidationError, ValueError, KeyError, TypeError) as exc:
        print(f"content in {args.content} does not load: {exc}", file=sys.stderr)
        return 1
    digest = source_hash(args.content)
    try:
        build_database(bundle, args.out, digest)
    except DatabaseUnusable as exc:
        print(f"the built database would be refused ({exc.code}): {exc.message}; {args.out} is unchanged",
              file=sys.stderr)
        return 1
    size = args.out.stat().st_size
    meta = bundle.meta
    print(
        f"wrote {args.out} ({size} bytes): content {meta.content_version} of {meta.content_date}, "
        f"schema {schema.SCHEMA_VERSION}, {len(bundle.statements)} statements, "
        f"{len(bundle.glossary.regimens)} regimens, {len(bundle.figures)} figures; source sha256 {digest}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
