"""What changed between two guide databases: statements, figure nodes, regimens, calculators and more.

Used by ``mmguide diff``, the GUI's "What's new in this content" view and the install dialog.
Both sides are read read-only with the stdlib ``sqlite3`` from the stored canonical JSON, so
the comparison is of exactly what the app shows, not of a publisher's summary.

A side is named by ``bundled`` (the database shipped with the app), ``active`` (the one in use),
a content version found among the bundled and installed databases, a database file, or an
update package (``.zip``), which is first verified like ``mmguide update verify`` (signatures,
sequence, expiry, hash, integrity); only a package that would be accepted is compared.

Result (``diff`` JSON)::

    {"from": side, "to": side, "identical": bool, "counts": {kind: {"added", "changed", "removed"}},
     "statements":   {"added": [{"id", "new"}], "changed": [{"id", "old", "new", "fields", ...}],
                      "removed": [{"id", "old"}]},
     "figure_nodes": {...}, "regimens": {...}, "calculators": {...},
     "figures": {...}, "toxicity": {...}, "drugs": {...},
     "other": [{"kind", "added": [ids], "changed": [ids], "removed": [ids]}]}

Changed statements carry ``evidence`` ``{"old": ["[II, B]"], "new": ["[I, A]"]}`` when their
evidence tags differ; changed recommendation nodes carry ``recommendations``: each listed
regimen whose tier or evidence differs, with both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.evidence import find_tags

#: the kinds compared item by item, in the order they are reported
KINDS: tuple[str, ...] = ("statements", "figure_nodes", "regimens", "calculators", "figures", "toxicity", "drugs")
#: tables compared by id only (reported under ``other``)
OTHER_TABLES: tuple[tuple[str, str], ...] = (
    ("errata", "id"), ("conflicts", "id"), ("trials", "id"), ("sections", "id"), ("docs", "name"),
)
#: meta keys that always differ between versions, or are derived: not content changes
_META_SKIP = frozenset({"content_version", "content_date", "source_hash", "schema_version"})

KIND_TITLES: dict[str, str] = {
    "statements": "Statements",
    "figure_nodes": "Flowchart nodes",
    "regimens": "Regimens",
    "calculators": "Calculators",
    "figures": "Figures (caption, questions, notes)",
    "toxicity": "CRS / ICANS panels",
    "drugs": "Drugs",
}


class DiffError(Exception):
    """A side cannot be compared; ``exit_code`` 2 for a bad name, 3 for a refused package."""

    def __init__(self, code: str, message: str, field: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.exit_code = exit_code


@dataclass(frozen=True)
class Side:
    """One database being compared."""

    label: str
    origin: str  # bundled | update | file | package
    path: Path
    content_version: str
    content_date: str
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label, "origin": self.origin, "path": str(self.path),
            "content_version": self.content_version, "content_date": self.content_date, "sha256": self.sha256,
        }


# --- naming a side -----------------------------------------------------------------------------


def _side(path: Path, label: str, origin: str, field: str) -> Side:
    from app.services.updates import database_rules
    from app.updates.active import DatabaseCheckFailed, check_database, sha256_file

    try:
        facts = check_database(path, database_rules(), quick=True)
    except DatabaseCheckFailed as exc:
        raise DiffError("invalid_database", f"{path} cannot be compared: {exc.message}", field) from None
    return Side(label=label, origin=origin, path=Path(path), content_version=facts.content_version,
                content_date=facts.content_date, sha256=sha256_file(path)[0])


def known_databases(data_dir: Path | None, active: tuple[Path, str] | None = None) -> list[Side]:
    """The bundled database, the active one and the installed ones (current, previous) that are on disk."""
    from app.paths import bundled_database

    found: list[Side] = [_side(bundled_database(), "bundled", "bundled", "from")]
    if data_dir is not None:
        from app.updates.active import Layout, PointerUnreadable, read_pointer

        layout = Layout(Path(data_dir))
        try:
            pointer = read_pointer(layout)
        except PointerUnreadable:
            pointer = None
        for name, entry in (("current", pointer.current if pointer else None),
                            ("previous", pointer.previous if pointer else None)):
            if entry is None:
                continue
            path = layout.db_dir / entry.file
            if path.is_file():
                with contextlib.suppress(DiffError):
                    found.append(_side(path, f"installed ({name}, sequence {entry.sequence})", "update", "from"))
    if active is not None:
        path, origin = active
        if not any(s.path.resolve() == Path(path).resolve() for s in found):
            found.append(_side(Path(path), "active", origin, "from"))
    return found


@contextlib.contextmanager
def open_side(
    spec: str, field: str, *, data_dir: Path | None, active: tuple[Path, str]
) -> Iterator[Side]:
    """The database that ``spec`` names (see the module docstring); a package's database lives
    in a temporary folder for the duration of the ``with`` block."""
    path = Path(spec).expanduser()
    if spec == "active":
        active_path, origin = active
        yield _side(Path(active_path), "active", origin, field)
        return
    if spec == "bundled":
        from app.paths import bundled_database

        yield _side(bundled_database(), "bundled", "bundled", field)
        return
    if path.suffix.lower() == ".zip" and path.is_file():
        if data_dir is None:
            raise DiffError("no_data_dir", "a package can only be checked against an installation's trust root "
                            "(--data-dir)", field)
        with tempfile.TemporaryDirectory(prefix="mmguide-diff-") as tmp:
            yield verified_package_side(path, Path(data_dir), Path(tmp), field)
        return
    if path.is_file():
        yield _side(path, path.name, "file", field)
        return
    matches = [s for s in known_databases(data_dir, active) if s.content_version == spec]
    if not matches:
        known = sorted({f"{s.content_version} ({s.label})" for s in known_databases(data_dir, active)})
        raise DiffError(
            "unknown_version",
            f"{field}: {spec!r} is neither a file nor a known content version; accepted: bundled, active, "
            f"a database or package file, or one of {', '.join(known)}",
            field,
        )
    yield matches[-1]


def verified_package_side(package: Path, data_dir: Path, folder: Path, field: str = "to") -> Side:
    """Verify ``package`` as ``update verify`` does, then copy out its database (the bytes whose
    SHA-256 the signed manifest names) into ``folder``; a refused package raises exit 3."""

    from app.services.updates import verify_package
    from app.updates.package import DB_NAME, read_layout

    outcome = verify_package(package, data_dir)
    if not outcome.accepted:
        raise DiffError(outcome.code or "rejected", f"{outcome.plain} ({outcome.message})", field, exit_code=3)
    out = folder / "package-guide.sqlite"
    digest = hashlib.sha256()
    with package.open("rb") as fh, out.open("wb") as dst:
        member = read_layout(fh, os.fstat(fh.fileno()).st_size)[DB_NAME]
        fh.seek(member.offset)
        remaining = member.size
        while remaining:
            chunk = fh.read(min(1 << 20, remaining))
            if not chunk:
                break
            digest.update(chunk)
            dst.write(chunk)
            remaining -= len(chunk)
    if remaining or digest.hexdigest() != outcome.package.get("db_sha256"):
        raise DiffError("db_hash_mismatch", "the package changed while it was read; nothing was compared", field,
                        exit_code=3)
    return _side(out, f"package {package.name}", "package", field)


# --- reading ------------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def _evidence(quote: str) -> list[str]:
    return [e.text for e in find_tags(quote or "")]


def _node_recommendations(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each listed regimen of a recommendation node → its tier and evidence (with any rules)."""
    out: dict[str, dict[str, Any]] = {}
    for item in node.get("items") or []:
        evidence = item.get("evidence")
        rules = [f"{r.get('label')}: {r.get('evidence')}" for r in item.get("evidence_rules") or []]
        out[str(item.get("regimen"))] = {"tier": item.get("tier"), "evidence": evidence, "evidence_rules": rules}
    return out


def read_content(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """kind → id → the stored object (in display order), plus ``other:<table>`` and ``meta``."""
    conn = _connect(path)
    try:
        content: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in KINDS}
        for sid, raw in conn.execute("SELECT id, json FROM statements ORDER BY ord"):
            doc = json.loads(raw)
            doc["evidence"] = _evidence(doc.get("source", {}).get("quote", ""))
            content["statements"][sid] = doc
        for fid, raw in conn.execute("SELECT id, json FROM figures ORDER BY ord"):
            doc = json.loads(raw)
            for node in doc.pop("nodes", []):
                content["figure_nodes"][f"{fid}:{node.get('id')}"] = node
            content["figures"][fid] = doc
        for abbr, raw in conn.execute("SELECT abbr, json FROM regimens ORDER BY ord"):
            content["regimens"][abbr] = json.loads(raw)
        for ref, title, body, extra in conn.execute(
            "SELECT ref_id, title, body, extra FROM search_docs WHERE kind = 'calculator' ORDER BY rowid"
        ):
            content["calculators"][ref] = {"title": title, "description": body, "keywords_and_fields": extra}
        for syndrome, grade, raw in conn.execute("SELECT syndrome, grade, json FROM toxicity ORDER BY ord"):
            content["toxicity"][f"{syndrome}:{grade}"] = json.loads(raw)
        for did, raw in conn.execute("SELECT id, json FROM drugs ORDER BY ord"):
            content["drugs"][did] = json.loads(raw)
        for table, key in OTHER_TABLES:
            order = " ORDER BY ord" if table != "docs" else " ORDER BY name"
            content[f"other:{table}"] = {str(k): json.loads(v) for k, v in
                                         conn.execute(f'SELECT "{key}", json FROM "{table}"{order}')}
        content["meta"] = {str(k): {"value": v} for k, v in conn.execute("SELECT key, value FROM meta")
                           if k not in _META_SKIP}
    finally:
        conn.close()
    return content


# --- comparing ----------------------------------------------------------------------------------


def _compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], kind: str) -> dict[str, list[Any]]:
    added = [{"id": i, "new": v} for i, v in new.items() if i not in old]
    removed = [{"id": i, "old": v} for i, v in old.items() if i not in new]
    changed = []
    for i, v in new.items():
        if i in old and old[i] != v:
            entry: dict[str, Any] = {
                "id": i, "old": old[i], "new": v,
                "fields": sorted(k for k in set(old[i]) | set(v) if old[i].get(k) != v.get(k)),
            }
            if kind == "statements" and old[i].get("evidence") != v.get("evidence"):
                entry["evidence"] = {"old": old[i].get("evidence"), "new": v.get("evidence")}
            if kind == "figure_nodes":
                recs = _recommendation_changes(old[i], v)
                if recs:
                    entry["recommendations"] = recs
            changed.append(entry)
    return {"added": added, "changed": changed, "removed": removed}


def _recommendation_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = _node_recommendations(old), _node_recommendations(new)
    out = []
    for regimen in [*b, *(r for r in a if r not in b)]:
        if a.get(regimen) != b.get(regimen):
            out.append({"regimen": regimen, "old": a.get(regimen), "new": b.get(regimen)})
    return out


def compare(old: Side, new: Side) -> dict[str, Any]:
    """The diff JSON of the module docstring, from ``old`` to ``new``."""
    a, b = read_content(old.path), read_content(new.path)
    out: dict[str, Any] = {"from": old.to_json(), "to": new.to_json()}
    counts: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        result = _compare(a[kind], b[kind], kind)
        out[kind] = result
        counts[kind] = {k: len(v) for k, v in result.items()}
    other = []
    for table, _key in (*OTHER_TABLES, ("meta", "key")):
        name = f"other:{table}" if table != "meta" else "meta"
        result = _compare(a[name], b[name], table)
        if any(result.values()):
            other.append({"kind": table, **{k: [e["id"] for e in v] for k, v in result.items()}})
    out["other"] = other
    out["counts"] = counts
    out["identical"] = not other and all(not any(c.values()) for c in counts.values())
    return out


def diff(
    from_spec: str | None = None,
    to_spec: str | None = None,
    *,
    data_dir: Path | None,
    active: tuple[Path, str],
) -> dict[str, Any]:
    """``mmguide diff``: by default the bundled content → the active content."""
    with contextlib.ExitStack() as stack:
        old = stack.enter_context(open_side(from_spec or "bundled", "from", data_dir=data_dir, active=active))
        new = stack.enter_context(open_side(to_spec or "active", "to", data_dir=data_dir, active=active))
        return compare(old, new)


def package_changes(package: Path, data_dir: Path, active: tuple[Path, str]) -> dict[str, Any]:
    """The install dialog's preview: the active content → the verified package's content."""
    return diff("active", str(package), data_dir=data_dir, active=active)


# --- words ----------------------------------------------------------------------------------------


def summary_line(result: dict[str, Any]) -> str:
    """``Statements: 1 added, 2 changed, 0 removed; Flowchart nodes: …`` (only kinds that changed)."""
    parts = []
    for kind in KINDS:
        c = result["counts"][kind]
        if any(c.values()):
            parts.append(f"{KIND_TITLES[kind]}: {c['added']} added, {c['changed']} changed, {c['removed']} removed")
    for other in result.get("other", []):
        n = sum(len(other[k]) for k in ("added", "changed", "removed"))
        parts.append(f"{other['kind']}: {n} changed")
    return "; ".join(parts) if parts else "no differences in the content"


def item_title(kind: str, value: dict[str, Any] | None) -> str:
    """A short human title of an item (its text, title or name)."""
    if not value:
        return ""
    if kind == "statements":
        return str(value.get("source", {}).get("quote", ""))
    for key in ("title", "name", "prompt", "label"):
        if value.get(key):
            return str(value[key])
    return ""
