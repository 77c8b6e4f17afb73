"""The one place a local note's words are made: its JSON under a ``local`` key, its GUI label and its
LOCAL text line (issue 13; contract shared/contracts/local.md, "Where local material appears").

Every command, screen, copy and export reads these, so a note is labelled the same everywhere:
"Local — <hospital>, approved <date>", followed by what its status asks for ("review overdue";
"the guideline changed under this note — review" when the guideline content under it changed or
disappeared, issue 13 "Survives guideline updates").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.core.local.model import InstalledLayer, LocalNote, LocalUnavailable, NoteStatus

#: a note's status in words (issue 13: "review overdue"; a changed or vanished anchor is "flagged
#: 'the guideline changed under this note — review'")
STATUS_WORDS: dict[str, str] = {
    "ok": "ok",
    "review-overdue": "review overdue",
    "anchor-changed": "the guideline changed under this note — review",
    "anchor-missing": "the guideline changed under this note — review",
}


def note_json(layer: InstalledLayer, note: LocalNote, status: NoteStatus) -> dict[str, Any]:
    """One note as it appears under a ``local`` key: the contract's ``id``, ``text``, ``hospital``,
    ``approved``, ``review_by``, ``status``, then where it attaches, who wrote and approved it, its
    local reference and the layer's sequence number."""
    return {
        "id": note.id,
        "text": note.text,
        "hospital": layer.hospital,
        "approved": note.approved.isoformat(),
        "review_by": note.review_by.isoformat(),
        "status": status,
        "anchor": note.anchor.key,
        "author": note.author,
        "approver": note.approver,
        "reference": note.reference,
        "layer_sequence": layer.sequence,
    }


def status_flag(note: Mapping[str, Any]) -> str:
    """What the note's status adds to its label ("" when it stands)."""
    status = str(note.get("status"))
    return "" if status == "ok" else STATUS_WORDS.get(status, "")


def label(note: Mapping[str, Any]) -> str:
    """The label every note carries: "Local — <hospital>, approved <date>" (· its status flag)."""
    text = f"Local — {note['hospital']}, approved {note['approved']}"
    flag = status_flag(note)
    return f"{text} · {flag}" if flag else text


def text_line(note: Mapping[str, Any]) -> str:
    """One line for ``--text``, copied text and PDFs: "LOCAL — <hospital>, approved <date>: <text>"."""
    flag = status_flag(note)
    shown = f" [{flag}]" if flag else ""
    ref = f" ({note['reference']})" if note.get("reference") else ""
    return f"LOCAL — {note['hospital']}, approved {note['approved']}{shown}: {note['text']}{ref}"


def text_lines(notes: Iterable[Mapping[str, Any]] | None) -> list[str]:
    return [text_line(n) for n in notes or []]


def layer_label(layer: InstalledLayer) -> str:
    """The layer as a whole: "Local — <hospital>, layer N, signed <date the package was signed>" (the
    package date is when it was signed, not when its notes were approved: each note has its own)."""
    return f"Local — {layer.hospital}, layer {layer.sequence}, signed {layer.created.isoformat()}"


def formulary_when(layer: InstalledLayer, entry: LocalUnavailable) -> str:
    """"approved <date>" when the entry carries its own approval date, else "signed <package date>"."""
    if entry.approved is not None:
        return f"approved {entry.approved.isoformat()}"
    return f"signed {layer.created.isoformat()}"


def formulary_reason(layer: InstalledLayer, entry: LocalUnavailable) -> str:
    """Why a regimen is off the local formulary, in the flowcharts' words (issue 13): "not on the local
    formulary (<hospital>, layer N, approved <date>): <reason>" — "signed <date>" without an approval date."""
    return (f"not on the local formulary ({layer.hospital}, layer {layer.sequence}, "
            f"{formulary_when(layer, entry)}): {entry.reason}")


# -- a refused local package: one line of what to do, per family of refusal codes --------------------------

_TAMPERED = ("bad_signature", "layer_hash_mismatch", "length_mismatch", "manifest_mismatch", "bad_manifest",
             "invalid_layer", "corrupt_zip", "malformed_package", "malformed_signatures", "not_zip", "truncated",
             "empty", "unexpected_member", "missing_member", "duplicate_member", "directory_member",
             "symlink_member", "compressed_member", "encrypted_member", "unsupported_zip", "unsafe_name",
             "path_traversal", "absolute_path", "too_many_members", "oversized_member", "oversized_package",
             "zip_bomb", "duplicate_signature")
_UNTRUSTED = ("untrusted_signer", "below_threshold")
_ADVICE_FAMILIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (_TAMPERED, "Do not install it: the package was altered or damaged after it was signed. Get a fresh copy "
                "from the pharmacy and tell IT security."),
    (_UNTRUSTED, "Do not install it: it is not signed by enough of this hospital's keys. Get a fresh copy from "
                 "the pharmacy and tell IT security."),
    (("older_sequence",), "A newer local layer is already installed here; nothing needs doing. Ask the pharmacy "
                          "if you expected this one to be the newest."),
    (("replayed_sequence",), "This layer number is already installed (or was before); nothing needs doing. A "
                             "changed layer must be rebuilt with a higher sequence number."),
    (("guideline_package",), "This is a guideline update, not a local layer: install it with File → Install "
                             "update."),
    (("wrong_product",), "This package is for another product: ask the pharmacy for this guide's local layer."),
    (("no_local_trust_root",), "This installation has no local trust root, so no local layer can be checked. IT "
                               "installs one first with `mmguide admin init-local-trust --key H1.pub "
                               "[--key H2.pub …] --threshold N`."),
    (("invalid_local_trust_root",), "This installation's local trust root is damaged: tell IT, who set it again "
                                    "with `mmguide admin init-local-trust`."),
    (("package_not_found", "unreadable_package"), "Check that the file exists and can be read, then try again."),
)
DEFAULT_ADVICE = "Do not install it; ask the pharmacy for a fresh copy and tell IT."


def refusal_advice(code: str) -> str:
    """One line of what to do about a refused local package, by the family of its refusal code."""
    for codes, advice in _ADVICE_FAMILIES:
        if code in codes:
            return advice
    return DEFAULT_ADVICE
