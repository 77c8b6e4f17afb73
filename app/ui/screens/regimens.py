"""Regimens & dosing: every regimen the guideline names, filterable, with its detail and the
pharmacist's dosing notes (the guideline's renal statements for its drugs; lenalidomide's EU SmPC
starting doses with the US label beside them; carfilzomib's BSA cap; label notes with sources).

Regimens the guideline discusses but does not recommend (KPd, IsaKRd, DaraKRd…) say so in a
banner above everything else, with the verbatim reason and where it stands.

The screen only draws: the regimen's dossier (components, the boxes of Figs. 1–3 that list it
with tier and evidence as printed, statements, trials, dosing notes) is built by
:func:`app.services.regimen_dossier.regimen_dossier`.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QGuiApplication, QKeyEvent, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.dosing_notes import DosingNotes, StatementRef
from app.services.regimen_dossier import RegimenDossier, regimen_dossier
from app.ui.calc_form import export_pdf_dialog, html_document, html_table
from app.ui.context import UiContext
from app.ui.dosing_card import CardArea, CardController
from app.ui.local_note import MARK, local_unavailable
from app.ui.regimen_columns import ColumnFitter
from app.ui.screens.base import Screen
from app.ui.theme import Colours, current_colours, follow_theme, print_colours, relative_font, styled
from app.ui.widgets import approvals_html, badge_html, muted_html, name_clear_button, screen_words, trials_html

Index = QModelIndex | QPersistentModelIndex
ABBR_ROLE = Qt.ItemDataRole.UserRole
NOT_RECOMMENDED = "Discussed in the guideline but not recommended"
LOCAL_UNAVAILABLE = f"{MARK} not on the local formulary"


def banner_style(c: Colours) -> str:
    return (
        f"QFrame#notRecommended {{ background: {c.danger.bg}; border: 3px solid {c.danger.border};"
        " border-radius: 4px; }"
        f" QFrame#notRecommended QLabel {{ color: {c.danger.fg}; background: transparent; }}"
    )


def _esc(text: Any) -> str:
    return html.escape(str(text))


# --------------------------------------------------------------------------------------------
# The list model
# --------------------------------------------------------------------------------------------


class RegimenTableModel(QAbstractTableModel):
    """Regimens as rows: abbreviation; drug names with their classes on a second line; status (the classes
    share the names' cell so that the names have room to wrap readably at 1366×768, h8-58)."""

    HEADERS = ("Regimen", "Drugs and classes", "Status")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._regimens: list[Any] = []
        #: case-folded regimen id → why it is not on the installed local layer's formulary
        self.local_unavailable: dict[str, str] = {}

    def set_local_unavailable(self, reasons: dict[str, str]) -> None:
        """The regimens the hospital's local layer marks as not on its formulary (⌂ in the Status column)."""
        if reasons != self.local_unavailable:
            self.local_unavailable = dict(reasons)
            if self._regimens:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._regimens) - 1, len(self.HEADERS) - 1))

    def local_reason(self, regimen: Any) -> str | None:
        for name in (regimen.abbr, *regimen.aliases):
            reason = self.local_unavailable.get(name.casefold())
            if reason is not None:
                return reason
        return None

    def set_regimens(self, regimens: list[Any]) -> None:
        self.beginResetModel()
        self._regimens = list(regimens)
        self.endResetModel()

    def regimen(self, row: int) -> Any:
        return self._regimens[row]

    def row_of(self, abbr: str) -> int:
        key = abbr.casefold()
        for i, r in enumerate(self._regimens):
            if r.abbr.casefold() == key or key in (a.casefold() for a in r.aliases):
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._regimens)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._regimens)):
            return None
        r = self._regimens[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return r.abbr
            if column == 1:
                return f"{r.name}\n{', '.join(r.classes)}" if r.classes else r.name
            status = "recommended" if r.recommended else "⚠ not recommended"
            return f"{status} · {LOCAL_UNAVAILABLE}" if self.local_reason(r) else status
        if role == Qt.ItemDataRole.ToolTipRole:
            status = "recommended in the guideline" if r.recommended else NOT_RECOMMENDED.lower()
            reason = self.local_reason(r)
            local = f"\n{MARK} Local formulary: {reason[:1].upper() + reason[1:]}" if reason else ""
            return f"{r.abbr}: {r.name}\nClasses: {', '.join(r.classes) or '—'}\n{status}{local}"
        if role == ABBR_ROLE:
            return r.abbr
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and not r.recommended:
            from PySide6.QtGui import QColor

            return QColor(current_colours().error)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return str(section + 1) if orientation == Qt.Orientation.Vertical else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class RegimenFilter(QSortFilterProxyModel):
    """Matches the text in the abbreviation, name, classes, aliases and drug names; and the status."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._status = "all"
        self._drug_names: dict[str, str] = {}

    def _refilter(self, change: Any) -> None:
        """Apply ``change`` and re-run the filter (Qt ≥ 6.10 API; older: invalidateFilter)."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateFilter()

    def set_drug_names(self, names: dict[str, str]) -> None:
        self._refilter(lambda: setattr(self, "_drug_names", names))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_needle", text.strip().casefold()))

    def set_status(self, status: str) -> None:
        self._refilter(lambda: setattr(self, "_status", status))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RegimenTableModel):
            return True
        r = model.regimen(source_row)
        if self._status == "recommended" and not r.recommended:
            return False
        if self._status == "not-recommended" and r.recommended:
            return False
        if not self._needle:
            return True
        haystack = " ".join(
            [
                r.abbr,
                r.name,
                *r.classes,
                *r.aliases,
                *r.components,
                *(self._drug_names.get(c, "") for c in r.components),
            ]
        ).casefold()
        return all(word in haystack for word in self._needle.split())


# --------------------------------------------------------------------------------------------
# HTML and text of the detail
# --------------------------------------------------------------------------------------------


def _statements_html(items: tuple[StatementRef, ...]) -> str:
    if not items:
        return "<p><i>None.</i></p>"
    out = []
    for s in items:
        notes = "".join(f"<br><i>Note: {_esc(screen_words(n))}</i>" for n in s.notes)
        badges = " ".join(badge_html(e) for e in s.evidence)
        out.append(f"<p>• {badges} {_esc(s.text)}<br>{muted_html(_esc(s.location))}{notes}</p>")
    return "".join(out)


def appearances_html(d: RegimenDossier) -> str:
    """Every box of Figs. 1–3 that lists the regimen, with its tier and evidence as printed for that leaf."""
    if not d.appearances:
        return "<p><i>Not listed in Figs. 1–3.</i></p>"
    rows = []
    for leaf in d.appearances:
        href = f"node:{_esc(leaf.figure_id)}:{_esc(leaf.node_id)}"
        where = f"<a href='{href}'>{_esc(leaf.figure_label)} › {_esc(leaf.node_title)}</a>"
        instead = f" · instead of {_esc(leaf.substitutes_for)}" if leaf.substitutes_for else ""
        rows.append(f"<li>{where}: {_esc(leaf.evidence_text)} · {_esc(leaf.tier_text)}{instead}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def banner_html(regimen: Any) -> str:
    if regimen.recommended:
        return ""
    reason = regimen.not_recommended_reason
    quote = f"<br>“{_esc(reason.quote)}” <i>({_esc(reason.location)})</i>" if reason is not None else ""
    box = current_colours().danger
    return (
        f"<table width='100%' cellpadding='6' border='2' style='border-color:{box.border}; border-style:solid'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'><b>⚠ {NOT_RECOMMENDED}</b>{quote}</td></tr></table>"
    )


def detail_html(d: RegimenDossier, *, with_banner: bool = True) -> str:
    r = d.regimen
    out = [f"<h2>{_esc(r.abbr)} <span style='font-weight:normal'>— {_esc(r.name)}</span></h2>"]
    if with_banner:
        out.append(banner_html(r))
    if r.recommended:
        out.append("<p><b>Status:</b> recommended in the guideline (see the statements below for where and how).</p>")
    if d.dosing.maintenance is not None:
        out.append(f"<p><b>⚠ Lenalidomide dose:</b> {_esc(MAINTENANCE_FLAG)}</p>")
    out.append("<h3>Components</h3>")
    out.append(html_table(("Drug", "Class"), [(c.name, ", ".join(c.classes) or "—") for c in d.components]))
    drug_links = ", ".join(f"<a href='drug:{_esc(c.id)}'>{_esc(c.name)}</a>" for c in d.components)
    out.append(f"<p><b>Each drug's page:</b> {drug_links}<br><b>Classes:</b> {_esc(', '.join(r.classes) or '—')}")
    if r.aliases:
        out.append(f"<br><b>Also written:</b> {_esc(', '.join(r.aliases))}")
    out.append("</p>")
    out.append("<h3>In the flowcharts</h3>")
    out.append(appearances_html(d))
    out.append("<h3>What the guideline says about it</h3>")
    out.append(_statements_html(d.statements))
    out.append(approvals_html(r.approval_notes))
    out.append(trials_html(d.trials, d.missing_trials))
    if r.notes:
        out.append("<h3>Notes</h3><ul>" + "".join(f"<li>{_esc(n)}</li>" for n in r.notes) + "</ul>")
    out.append(dosing_html(d.dosing))
    return "".join(out)


REGION_NAMES = {"eu": "EU SmPC", "us": "US label"}
MAINTENANCE_FLAG = (
    "given here as maintenance after ASCT — see “Maintenance after ASCT” in the dosing notes below; the 25 mg "
    "(Rd) starting-dose table does not apply."
)
RD_COLUMNS = ("Creatinine clearance", "EU SmPC (followed)", "US label", "EU vs US")


def _fact_source(f: dict[str, Any]) -> str:
    src = f["source"]
    return (
        f"{src['document']}, {src['section']}; revision: {src['revision']}; read in: {src['retrieved_from']}; "
        f"checked {src['checked']}"
    )


def _facts_html(facts: list[dict[str, Any]]) -> str:
    """Each label fact as a block: region · topic, status, what the guide shows, the label's words, source."""
    out = []
    for f in facts:
        status = f["status"]
        error = current_colours().error
        flag = f"<b style='color:{error}'>⚠ {status}</b>" if status != "CONFIRMED" else f"<b>{status}</b>"
        quote = f"<br>Label text: “{_esc(f['quote'])}”" if f["quote"] else ""
        out.append(
            f"<p style='margin-bottom:6px'>• <b>{_esc(REGION_NAMES[f['region']])} · {_esc(f['topic'])}</b> "
            f"[{flag}]: {_esc(f['shown'])}{quote}<br>"
            f"{muted_html('Source: ' + _esc(_fact_source(f)))}</p>"
        )
    return "".join(out)


def _maintenance_html(m: dict[str, Any]) -> str:
    use = m["use"] or {}
    out = [f"<h3>Lenalidomide — {_esc(m['heading'])}</h3>"]
    if use.get("setting"):
        out.append(f"<p><b>This regimen:</b> {_esc(use['setting'])}</p>")
    box = current_colours().warning
    out.append(
        f"<table width='100%' cellpadding='6' border='2' style='border-color:{box.border}; border-style:solid'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'>"
        f"<b>⚠ Not the 25 mg table.</b> {_esc(m['not_the_25_mg_table'])}</td></tr></table>"
    )
    out.append(_facts_html(m["dose"]))
    out.append("<h4>Renal impairment during maintenance</h4>")
    out.append(_facts_html(m["renal"]))
    out.append(f"<p><small>{_esc(m['followed'])}.</small></p>")
    if use.get("partner_note"):
        out.append(f"<p><b>Partner drug:</b> {_esc(use['partner_note'])}</p>")
    if use.get("other_uses"):
        out.append("<p><b>Other uses of this regimen:</b></p><ul>")
        out += [f"<li>{_esc(u)}</li>" for u in use["other_uses"]]
        out.append("</ul>")
    return "".join(out)


def dosing_html(d: DosingNotes) -> str:
    out = ["<h2>Dosing notes for the pharmacist</h2>"]
    if d.maintenance is not None:
        out.append(_maintenance_html(d.maintenance))
    out.append("<h3>The guideline's renal statements for these drugs</h3>")
    out.append(_statements_html(d.renal))
    if d.lenalidomide_rows:
        out.append(f"<h3>Lenalidomide — {_esc(d.rd_table_heading)}</h3>")
        out.append(html_table(RD_COLUMNS, d.lenalidomide_rows))
        out.append("<ul>" + "".join(f"<li><small>{_esc(n)}</small></li>" for n in d.lenalidomide_notes) + "</ul>")
    elif d.rd_table_hidden:
        out.append(f"<p><b>Lenalidomide — </b>{_esc(d.rd_table_hidden)}</p>")
    if d.carfilzomib_cap:
        out.append(
            f"<h3>Carfilzomib BSA cap</h3><p>{_esc(d.carfilzomib_cap.text)}<br>"
            f"<small>Source: {_esc(d.carfilzomib_cap.source)}</small></p>"
        )
    if d.label_notes:
        out.append("<h3>Label notes</h3>")
        out.append(html_table(("Drug", "Note", "Status", "Source"), d.label_notes))
    if d.step_up:
        links = ", ".join(f"<a href='stepup:{_esc(s)}'>{_esc(s)}</a>" for s in d.step_up)
        out.append(
            "<h3>Step-up schedule</h3><p>Weight-based step-up doses, monitoring and premedication (EU SmPC or "
            f"US label): open the bispecific step-up helper for {links}.</p>"
        )
    if d.has_label_facts:
        out.append(f"<p><small>{_esc(d.checked_line)}</small></p>")
    return "".join(out)


def dosing_text(d: DosingNotes) -> list[str]:
    """The dosing notes as plain text, with every heading and qualifier of the screen."""
    lines = ["Dosing notes for the pharmacist"]
    if d.maintenance is not None:
        m = d.maintenance
        use = m["use"] or {}
        lines.append(f"Lenalidomide — {m['heading']}")
        if use.get("setting"):
            lines.append(f"  This regimen: {use['setting']}")
        lines.append(f"  !! Not the 25 mg table: {m['not_the_25_mg_table']}")
        for f in m["dose"]:
            lines += _fact_text(f)
        lines.append("  Renal impairment during maintenance:")
        for f in m["renal"]:
            lines += _fact_text(f)
        lines.append(f"  {m['followed']}.")
        if use.get("partner_note"):
            lines.append(f"  Partner drug: {use['partner_note']}")
        lines += [f"  Other use: {u}" for u in use.get("other_uses", [])]
    lines.append("The guideline's renal statements for these drugs:")
    lines += [f"  - {s.text} ({s.location})" for s in d.renal] or ["  (none)"]
    if d.lenalidomide_rows:
        lines.append(f"Lenalidomide — {d.rd_table_heading}")
        lines.append("  " + " | ".join(RD_COLUMNS))
        lines += [
            f"  {band}: EU SmPC (followed) {eu} | US label {us} | EU vs US: {cmp}"
            for band, eu, us, cmp in d.lenalidomide_rows
        ]
        lines += [f"  - {n}" for n in d.lenalidomide_notes]
    elif d.rd_table_hidden:
        lines.append(f"Lenalidomide — {d.rd_table_hidden}")
    if d.carfilzomib_cap:
        lines.append(f"Carfilzomib BSA cap: {d.carfilzomib_cap.text} Source: {d.carfilzomib_cap.source}")
    if d.label_notes:
        lines.append("Label notes (drug [status]: note; source):")
        lines += [f"  - {drug} [{status}]: {note} Source: {source}" for drug, note, status, source in d.label_notes]
    if d.step_up:
        lines.append(
            "Step-up schedule: weight-based step-up doses, monitoring and premedication (EU SmPC or US label) — "
            f"see the bispecific step-up helper for {', '.join(d.step_up)}."
        )
    if d.has_label_facts:
        lines.append(d.checked_line)
    return lines


def _fact_text(f: dict[str, Any]) -> list[str]:
    out = [f"  - [{REGION_NAMES[f['region']]} · {f['topic']} · {f['status']}] {f['shown']}"]
    if f["quote"]:
        out.append(f"      label text: “{f['quote']}”")
    out.append(f"      source: {_fact_source(f)}")
    return out


def detail_text(d: RegimenDossier, stamp: str) -> str:
    r = d.regimen
    lines = [f"{r.abbr} — {r.name}"]
    if not r.recommended:
        lines.append(f"!! {NOT_RECOMMENDED}")
        if r.not_recommended_reason is not None:
            lines.append(f"   “{r.not_recommended_reason.quote}” ({r.not_recommended_reason.location})")
    else:
        lines.append("Status: recommended in the guideline")
    if d.dosing.maintenance is not None:
        lines.append(f"!! Lenalidomide dose: {MAINTENANCE_FLAG}")
    lines.append(
        "Components: " + ", ".join(f"{c.name} ({', '.join(c.classes)})" if c.classes else c.name for c in d.components)
    )
    if r.aliases:
        lines.append("Also written: " + ", ".join(r.aliases))
    if d.appearances:
        lines.append("")
        lines.append("In the flowcharts:")
        lines += [
            f"  - {a.figure_label} › {a.node_title}: {a.evidence_text} · {a.tier_text}"
            + (f" · instead of {a.substitutes_for}" if a.substitutes_for else "")
            for a in d.appearances
        ]
    if d.statements:
        lines.append("")
        lines.append("What the guideline says:")
        lines += [f"  - {s.text} ({s.location})" for s in d.statements]
    if r.approval_notes:
        lines.append("")
        lines.append("Approval notes:")
        lines += [f"  - {a.text} — {a.as_of} (“{a.source.quote}”, {a.source.location})" for a in r.approval_notes]
    if d.trials:
        lines.append("")
        lines.append("Trials:")
        for t in d.trials:
            facts = [f"phase {t.phase}"] + ([f"n = {t.n}"] if t.n is not None else [])
            facts += [f"comparator: {t.comparator}"] if t.comparator else []
            facts += [f"follow-up: {t.follow_up}"] if t.follow_up else []
            lines.append(f"  - {t.name}: {'; '.join(facts)}")
            for x in t.results:
                comp = f" vs {x.comparator_value}" if x.comparator_value else ""
                eff = f" ({x.effect})" if x.effect else ""
                lines.append(f"      {x.endpoint}: {x.value}{comp}{eff}")
            lines.append(f"      “{t.source.quote}” ({t.source.location})")
    if r.notes:
        lines.append("")
        lines.append("Notes:")
        lines += [f"  - {n}" for n in r.notes]
    lines.append("")
    lines += dosing_text(d.dosing)
    lines += ["", stamp]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The screen
# --------------------------------------------------------------------------------------------


class TabLeavingBrowser(QTextBrowser):
    """A text browser that Tab leaves: QTextBrowser walks every link with Tab, whatever
    ``tabChangesFocus`` says, so the buttons after a card with many links were out of reach.
    Its links stay reachable by keyboard: Ctrl+Tab / Ctrl+Shift+Tab move between them, Enter opens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt override
        return QWidget.focusNextPrevChild(self, next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            backwards = event.key() == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            QTextBrowser.focusNextPrevChild(self, not backwards)  # the next (previous) link of the card
            return
        super().keyPressEvent(event)


class RegimensScreen(Screen):
    title = "Regimens & dosing"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Regimens and dosing")
        self.detail: RegimenDossier | None = None
        self._statements: list[Any] = []

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter: abbreviation, drug or class (e.g. dara, CAR-T)")
        self.filter.setAccessibleName("Filter regimens")
        self.filter.setAccessibleDescription("Type part of a regimen abbreviation, a drug name or a drug class")
        name_clear_button(self.filter, "Clear the filter")
        self.status = QComboBox(self)
        self.status.addItem("All regimens", "all")
        self.status.addItem("Recommended", "recommended")
        self.status.addItem("Not recommended", "not-recommended")
        self.status.setAccessibleName("Show regimens by status")

        self.model = RegimenTableModel(self)
        self.proxy = RegimenFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Regimens")
        self.table.setAccessibleDescription("One row per regimen: abbreviation, drug names and classes, status")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        # names and classes wrap (never "dara…"): each row as tall as its longest cell
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.table.horizontalHeader()
        header.setAccessibleName("Regimen table columns")
        header.setAccessibleDescription("Regimen, Drugs and classes, Status")
        self.columns = ColumnFitter(self.table)  # names readable at 1366×768, 100 % and 200 % text
        self.count = QLabel("", self)
        self.count.setAccessibleName("Number of regimens shown")

        self.filter.textChanged.connect(self._on_filter)
        self.status.currentIndexChanged.connect(lambda _i: self._on_filter(self.filter.text()))
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        self.banner = QFrame(self)
        self.banner.setObjectName("notRecommended")
        styled(self.banner, banner_style)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        self.banner_heading = QLabel(f"⚠ {NOT_RECOMMENDED}", self.banner)
        self.banner_heading.setWordWrap(True)
        relative_font(self.banner_heading, 1.2, bold=True)
        self.banner_text = QLabel("", self.banner)
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner_layout.addWidget(self.banner_heading)
        banner_layout.addWidget(self.banner_text)
        self.banner.setAccessibleName(NOT_RECOMMENDED)
        self.banner.setVisible(False)

        self.card_area = CardArea(self)
        self.card = CardController(self.card_area)
        self.card_area.fields.changed.connect(self._on_card_input)
        self.card_area.fields.use_calc.clicked.connect(lambda: self.card.use_calculators(self.window()))

        self.browser = TabLeavingBrowser(self)
        self.browser.setAccessibleName("Regimen detail")
        self.browser.setOpenLinks(False)
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.anchorClicked.connect(self._on_link)

        self.copy_button = QPushButton("Copy as text", self)
        self.copy_button.setAccessibleDescription("Copy this regimen's detail and dosing notes as plain text")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.plain_text()))
        self.pdf_button = QPushButton("Export PDF…", self)
        self.pdf_button.setAccessibleDescription("Export this regimen's detail and dosing notes to a PDF file")
        self.pdf_button.clicked.connect(
            lambda: export_pdf_dialog(
                self, self.document(), context.stamp(), f"{self.detail.regimen.abbr if self.detail else 'regimen'}.pdf"
            )
        )

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("Regimens", left)
        relative_font(self.heading, bold=True)
        left_layout.addWidget(self.heading)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.status)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.card_area)
        right_layout.addWidget(self.browser, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        right_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 620])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        fields = self.card_area.fields
        # filter → status → table → the dose fields in reading order → card text → Copy → Export PDF
        order: list[QWidget] = [
            self.filter, self.status, self.table, fields.region, fields.weight, fields.weight_unit,
            fields.height_edit, fields.height_unit, fields.age, fields.sex, fields.creatinine,
            fields.creatinine_unit, fields.crcl, fields.dialysis, fields.bsa, fields.use_calc, fields.clear_button,
            self.browser, self.copy_button, self.pdf_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.filter)  # Alt+8 lands in the filter: typing "KRd" filters at once
        follow_theme(self, self._rerender)
        if context.guide is not None:
            self.on_guide_ready()

    #: below this many average characters of width the list goes above the detail
    SIDE_BY_SIDE_CHARS = 110

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._orient()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._orient()

    def _orient(self) -> None:
        """List beside the detail when there is room, above it at a large text size or a narrow window
        (the names stay readable instead of one word a line)."""
        narrow = self.width() < self.fontMetrics().averageCharWidth() * self.SIDE_BY_SIDE_CHARS
        want = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != want:
            self.splitter.setOrientation(want)
            # stacked, the list needs its rows more than a heading the window title already says
            self.heading.setVisible(want == Qt.Orientation.Horizontal)
            QTimer.singleShot(0, self, self._share)

    def _share(self) -> None:
        horizontal = self.splitter.orientation() == Qt.Orientation.Horizontal
        total = self.splitter.width() if horizontal else self.splitter.height()
        # stacked: half each, so the list shows several regimens at 200 % text on a 768-pixel screen
        self.splitter.setSizes([total * 9 // 20, total * 11 // 20] if horizontal else [total // 2, total - total // 2])

    def _rerender(self) -> None:
        """The detail again in the new theme's colours (they are written into its HTML)."""
        if self.detail is not None:
            position = self.browser.verticalScrollBar().value()
            self.browser.setHtml(self._html())
            self.browser.verticalScrollBar().setValue(position)

    def _html(self, *, with_banner: bool = False) -> str:
        """The dosing card first (the main content), then what the guideline says and the dosing notes."""
        assert self.detail is not None
        return self.card.html() + "<hr>" + detail_html(self.detail, with_banner=with_banner)

    def _on_card_input(self) -> None:
        if self.detail is not None:
            self.card.refresh()
            self._rerender()

    # -- filling ----------------------------------------------------------------------------
    def on_guide_ready(self) -> None:
        self.model.set_local_unavailable(local_unavailable(self.context))
        if self.model.rowCount():
            if self.detail is not None:  # a new guide: the regimen shown, with the local layer now installed
                self.show_regimen(self.detail.regimen.abbr)
            return
        guide = self.context.guide
        if guide is None:
            return
        repo = guide.repo
        self._statements = repo.statements()
        self.proxy.set_drug_names({d.id: d.name for d in repo.drugs()})
        self.model.set_regimens(repo.regimens())
        self._update_count()
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def _update_count(self) -> None:
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} regimens")

    def _on_filter(self, text: str) -> None:
        shown = self.detail.regimen.abbr if self.detail is not None else None
        blocker = self.table.selectionModel().blockSignals(True)
        try:
            self.proxy.set_text(text)
            self.proxy.set_status(self.status.currentData())
        finally:
            self.table.selectionModel().blockSignals(blocker)
        self._update_count()
        if not self.proxy.rowCount():
            return
        row = self.model.row_of(shown) if shown else -1
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()
        if not index.isValid():
            index = self.proxy.index(0, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self._on_row(self.table.currentIndex(), QModelIndex())

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        abbr = self.proxy.data(current, ABBR_ROLE)
        if abbr and (self.detail is None or self.detail.regimen.abbr != abbr):
            self.show_regimen(abbr)

    def show_regimen(self, abbr: str) -> None:
        guide = self.context.guide
        if guide is None:
            return
        self.detail = regimen_dossier(guide, abbr, self._statements)
        r = self.detail.regimen
        if r.recommended:
            self.banner.setVisible(False)
        else:
            reason = r.not_recommended_reason
            self.banner_text.setText(f"“{reason.quote}” ({reason.location})" if reason else "")
            self.banner.setAccessibleDescription(self.banner_text.text())
            self.banner.setVisible(True)
        self.card.set_regimen(guide, r.abbr)
        self.browser.setHtml(self._html())

    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("stepup:"):
            self.context.navigate.emit("crs", text)
        elif text.startswith("node:"):
            _scheme, figure, node = text.split(":", 2)
            self.context.navigate.emit(figure, node)
        elif text.startswith("drug:"):
            self.context.navigate.emit("drug", text.removeprefix("drug:"))

    # -- Screen API -------------------------------------------------------------------------
    def open_item(self, payload: Any) -> None:
        """Select a regimen by abbreviation or alias (clears a filter that would hide it)."""
        if not payload:
            return
        row = self.model.row_of(str(payload))
        guide = self.context.guide
        if row < 0:
            if guide is None:
                return
            try:
                row = self.model.row_of(guide.repo.regimen(str(payload)).abbr)
            except KeyError:
                return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            self.filter.clear()
            self.status.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        self.table.scrollTo(index)

    def plain_text(self) -> str:
        if self.detail is None:
            return ""
        card = self.card.text()
        return (card + "\n\n" if card else "") + detail_text(self.detail, self.context.stamp())

    def document(self) -> QTextDocument | None:
        if self.detail is None:
            return None
        with print_colours():
            body = self._html(with_banner=True)
        return html_document(body, f"{self.detail.regimen.abbr} — Myeloma Pocket Guide")
