"""Help → "Report a problem…" and ``mmguide info``: the version block, and a report without patient values.

The report is composed offline for the hospital's clinical safety officer: the app and content
versions, the active database (origin, SHA-256, integrity, signers), the local layer, the
screen, and the reporter's own description. It never takes anything from a screen's state
(calculator inputs, flowchart answers, a patient case): only the screen's name. The reporter's
free text is checked for things that look like patient values or identifiers (a number with a
measurement unit, a date, an age, a long digit run, an identifier label) so that the dialog can
ask for them to be removed; a check of free text cannot be complete (hazard H07 in
``docs/safety/hazards.yaml``).
"""

from __future__ import annotations

import platform
import re
from datetime import date
from typing import Any

from app import __version__

#: no hospital local layer (``shared/contracts/local.md``) is installed
LOCAL_LAYER_NONE = "none"

_UNITS = (
    r"kg|kgs|lb|lbs|pounds?|cm|mm|in(?:ches)?|ft|m(?=\s|$|[.,;])|"
    r"mg/d[lL]|mg/[lL]|g/d[lL]|g/[lL]|[µμu]mol/[lL]|mmol/[lL]|nmol/[lL]|[µμu]g/m[lL]|mcg/m[lL]|"
    r"m[lL]/min(?:/1\.73\s*m²)?|[lL]/min|IU/[lL]|U/[lL]|x\s?10\^?9/[lL]|×\s?10\^?9/[lL]|"
    r"°\s?[CF]|deg\s?[CF]|bpm|mmHg|years?|yrs?|y/o|yo|months? old|%"
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a measurement", re.compile(rf"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:{_UNITS})(?![\w/])", re.IGNORECASE)),
    ("a date", re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")),
    ("an age", re.compile(r"\b(?:aged?|age:)\s*\d{1,3}\b|\b\d{1,3}[- ]?(?:year|yr)s?[- ]old\b|\b\d{1,3}\s?[MF]\b",
                          re.IGNORECASE)),
    ("an identifier number", re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b|\b\d{6,}\b")),
    ("an identifier label", re.compile(r"\b(?:DOB|D\.O\.B\.|date of birth|MRN|NHS\s?(?:no|number)|hospital number|"
                                       r"patient name|surname|first name|born)\b", re.IGNORECASE)),
)


def database_sha256(path: Any) -> str:
    from app.updates.active import sha256_file

    return sha256_file(path)[0]


def version_block(guide: Any) -> dict[str, Any]:
    """The facts that identify what a user saw: the same keys ``mmguide info`` adds for IT."""
    info = guide.info()
    return {
        "app_version": __version__,
        "content_version": info["content_version"],
        "content_date": info["content_date"],
        "schema_version": info["schema_version"],
        "database_source": info["source"],
        "database_sha256": database_sha256(guide.active.path),
        "database_integrity": info["integrity"],
        "signer_key_ids": list(info["signer_key_ids"]),
        "local_layer": local_layer_words(getattr(guide, "data_dir", None)),
        "operating_system": platform.platform(terse=True),
        "python": platform.python_version(),
    }


def local_layer_words(data_dir: Any) -> str:
    """The installed local layer in one line (hospital, layer, date, signers), or ``none``."""
    from app.services.local_layer import summary

    found = summary(data_dir)
    if found is None:
        return LOCAL_LAYER_NONE
    if "error" in found:
        return str(found["error"])
    return (f"{found['hospital']}, layer {found['sequence']}, built {found['created']}, signed by "
            f"{', '.join(found['signers'])}")


def info_with_versions(guide: Any) -> dict[str, Any]:
    """``mmguide info``: the database facts with the version block's extra keys."""
    data = dict(guide.info())
    for key, value in version_block(guide).items():
        data.setdefault(key, value)
    return data


def patient_value_suspects(text: str) -> list[tuple[str, str]]:
    """(what it looks like, the words) for every phrase of ``text`` that may be a patient value."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for what, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append((span[0], what, match.group(0).strip()))
    return [(what, words) for _start, what, words in sorted(found)]


_LABELS = (
    ("app_version", "App version"),
    ("content_version", "Content version"),
    ("content_date", "Content date"),
    ("schema_version", "Database schema"),
    ("database_source", "Database in use"),
    ("database_sha256", "Database SHA-256"),
    ("database_integrity", "Database integrity"),
    ("signer_key_ids", "Signer key ids"),
    ("local_layer", "Local layer"),
    ("operating_system", "Operating system"),
    ("python", "Python"),
    ("qt", "Qt"),
)


def compose_report(
    versions: dict[str, Any],
    *,
    screen: str,
    description: str,
    suspects_confirmed: int = 0,
    today: date | None = None,
) -> str:
    """The plain-text report. ``screen`` is the screen's name only; ``suspects_confirmed``: how
    many phrases the reporter confirmed are not patient values."""
    today = today or date.today()
    lines = [
        "Myeloma Pocket Guide — problem report for the clinical safety officer",
        "=" * 70,
        f"Date: {today.isoformat()}",
        f"Screen: {screen or 'not known'}",
        "",
        "What happened (the reporter's words):",
    ]
    text = description.strip() or "(no description given)"
    lines += [f"  {line}" if line else "" for line in text.splitlines()]
    lines += ["", "Versions:"]
    for key, label in _LABELS:
        if key not in versions:
            continue
        value = versions[key]
        if key == "signer_key_ids":
            value = ", ".join(value) if value else "none (the bundled database is not a signed update)"
        if key == "local_layer" and value == LOCAL_LAYER_NONE:
            value = "none (no hospital local layer is installed)"
        lines.append(f"  {label}: {value}")
    lines += [
        "",
        "This report was composed by the app, offline. It holds the versions above, the name of the screen "
        "and the reporter's description — no calculator inputs, flowchart answers or other patient values.",
    ]
    if suspects_confirmed:
        lines.append(f"The reporter confirmed that {suspects_confirmed} phrase(s) of the description that looked like "
                     "patient values are not patient values.")
    lines.append("Send it to your hospital's clinical safety officer; the app sends nothing itself.")
    return "\n".join(lines) + "\n"
