"""The dosing card of a regimen on the Regimens & dosing screen: the label facts of the EU SmPC and
the US label side by side (never merged in one line), unconfirmed values marked in place, and the
doses computed for the patient in front of the pharmacist (the verification record).

The patient's values live only in these fields and the window's in-memory patient case (nothing is
stored): with a case open they fill from it and an edit goes back to it (``app.ui.dosing_case``);
"Use calculator values" takes weight, height, age, sex and creatinine from the calculators already
filled in this session (the Calculators screen and the helpers), not from a second store.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.dosing.models import FACT_LISTS, NOT_IN_GUIDE, REGION_NAMES
from app.ui.dosing_case import DosingCaseFill
from app.ui.theme import current_colours, follow_theme, relative_font
from app.ui.widgets import name_clear_button

LEGEND = (
    "CONFIRMED: read in the label text of that region. ⚠ UNCONFIRMED: from a manufacturer or reference page, "
    "another country's label or an older label version — check the current label. ○ Not in this guide: the label "
    "text was not found — check the label."
)
SHORT_TOPICS = {
    "route": "Route",
    "dose": "Dose",
    "schedule": "Schedule",
    "variants": "Subgroups",
    "caps": "Caps",
    "premedication": "Premedication",
    "prophylaxis": "Prophylaxis",
    "monitoring": "Monitoring",
    "renal": "Renal",
    "hepatic": "Hepatic",
    "dose_levels": "Dose changes",
    "strengths": "Strengths",
    "other": "Other",
}
TOPIC_ORDER = FACT_LISTS


def _e(text: Any) -> str:
    return html.escape(str(text))


# --------------------------------------------------------------------------------------------
# HTML of the card
# --------------------------------------------------------------------------------------------


def _flag(v: dict[str, Any]) -> str:
    c = current_colours()
    if not v["found"]:
        return f"<span style='color:{c.muted}'><i>○ {_e(NOT_IN_GUIDE)}</i></span>"
    if v["confirmed"]:
        return f"<span style='color:{c.muted}; font-size:small'>CONFIRMED</span>"
    box = c.warning
    return f"<span style='background-color:{box.bg}; color:{box.fg}; font-weight:bold'>&nbsp;⚠ UNCONFIRMED&nbsp;</span>"


def _source_html(v: dict[str, Any]) -> str:
    src = v["source"]
    muted = current_colours().muted
    if src is None:
        note = f" {_e(v['note'])}" if v.get("note") else ""
        return f"<br><span style='color:{muted}; font-size:small'>{note.strip()}</span>" if note else ""
    text = (
        f"{_e(src['document'])}, section {_e(src['section'])}; revision {_e(src['revision'])}; "
        f"{_e(src['kind_name'])}; checked {_e(src['checked'])}"
    )
    note = f"<br>{_e(v['note'])}" if v.get("note") and not v["confirmed"] else ""
    return f"<br><span style='color:{muted}; font-size:small'>{text}{note}</span>"


def _rows_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    header = current_colours().table_header
    head = "".join(
        f"<th align='left' style='background-color:{header.bg}; color:{header.fg}'>{h}</th>"
        for h in ("", "Cycles / weeks", "Days", "How often", "Dose")
    )
    body = []
    for r in rows:
        when = " · ".join(
            x for x in (f"cycle {r['cycles']}" if r["cycles"] else "", f"week {r['weeks']}" if r["weeks"] else "") if x
        )
        days = ", ".join(str(d) for d in r["days"]) if r["days"] else ""
        if r["days"] and len(r["days"]) > 6 and r["days"] == list(range(r["days"][0], r["days"][-1] + 1)):
            days = f"{r['days'][0]}–{r['days'][-1]}"
        every = " ".join(
            x
            for x in (
                r["every"] or "",
                f"({r['doses']} doses)" if r["doses"] else "",
                f"until {r['until']}" if r["until"] else "",
            )
            if x
        )
        dose = r["dose"]["text"] if r["dose"] else ""
        body.append(
            f"<tr><td>{_e(r['label'] or '')}</td><td>{_e(when.replace('-', '–'))}</td><td>{_e(days)}</td>"
            f"<td>{_e(every)}</td><td>{_e(dose)}</td></tr>"
        )
    return (
        "<table border='1' cellspacing='0' cellpadding='2' style='border-collapse:collapse; margin-top:3px'>"
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


def _facts_cell(views: list[dict[str, Any]]) -> str:
    if not views:
        return f"<span style='color:{current_colours().muted}'>—</span>"
    out = []
    for v in views:
        opt = f"<b>[{_e(v['option'])}]</b> " if v.get("option") else ""
        cond = f"<i>{_e(v['condition'])}:</i> " if v.get("condition") else ""
        text = _e(v["text"]) if v["found"] else ""
        out.append(
            f"<p style='margin:0 0 5px 0'>{opt}{cond}{text} {_flag(v)}{_rows_html(v['schedule'])}{_source_html(v)}</p>"
        )
    return "".join(out)


def _texts(views: list[dict[str, Any]]) -> list[str]:
    return sorted((v.get("option") or "") + (v["text"] if v["found"] else "") for v in views)


def _pair_table(rows: list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]], region: str) -> str:
    """Topic | EU SmPC | US label, one region per column; ≠ marks a topic where they differ."""
    c = current_colours()
    header = c.table_header
    marks = {r: " (doses below)" if r == region else "" for r in ("eu", "us")}
    head = f"<th align='left' width='16%' style='background-color:{header.bg}; color:{header.fg}'>Topic</th>" + "".join(
        f"<th align='left' width='42%' style='background-color:{header.bg}; color:{header.fg}'>"
        f"{_e(REGION_NAMES[r])}{_e(marks[r])}</th>"
        for r in ("eu", "us")
    )
    body = []
    for topic, eu, us in rows:
        if not eu and not us:
            continue
        differ = _texts(eu) != _texts(us)
        mark = f" <span style='color:{c.error}' title='EU and US differ'>≠</span>" if differ else ""
        body.append(
            f"<tr><td valign='top'><b>{_e(topic)}</b>{mark}</td><td valign='top'>{_facts_cell(eu)}</td>"
            f"<td valign='top'>{_facts_cell(us)}</td></tr>"
        )
    return (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


def card_html(eu: dict[str, Any], us: dict[str, Any], region: str = "eu") -> str:
    """The card as HTML: the EU SmPC and US label side by side, then the patient's doses (if any)."""
    c = current_colours()
    chosen = eu if region == "eu" else us
    out = [f"<h2>{_e(eu['regimen'])} <span style='font-weight:normal'>— dosing card</span></h2>"]
    out.append(f"<p><b>{_e(eu['name'])}</b>" + (f"<br>{_e(eu['setting'])}" if eu.get("setting") else "") + "</p>")
    if eu.get("same_as"):
        out.append(f"<p>Each procedure as for <b>{_e(eu['same_as'])}</b>: its facts below.</p>")
    out.append(f"<p style='color:{c.muted}; font-size:small'>{_e(LEGEND)}</p>")
    if chosen.get("patient"):
        out.append(patient_html(chosen["patient"]))
        out.append("<h3>The labels, side by side</h3>")
    out.append(
        _pair_table(
            [("Cycle length", eu["cycle_length"], us["cycle_length"]), ("Duration", eu["duration"], us["duration"])],
            region,
        )
    )
    for ce, cu in zip(eu["components"], us["components"], strict=True):
        role = f" <span style='font-weight:normal'>({_e(ce['role'])})</span>" if ce.get("role") else ""
        out.append(f"<h3>{_e(ce['name'])}{role}</h3>")
        for g in ce["guideline_doses"]:
            box = c.quote
            out.append(
                f"<table width='100%' cellpadding='5' style='background-color:{box.bg}; color:{box.fg}'><tr><td>"
                f"<b>The guideline:</b> {_e(g['text'])}<br>“{_e(g['quote'])}” <i>({_e(g['location'])})</i>"
                "</td></tr></table>"
            )
        rows = [(SHORT_TOPICS[t], ce["facts"][t], cu["facts"][t]) for t in TOPIC_ORDER]
        out.append(_pair_table(rows, region))
        for ae, au in zip(ce["alternatives"], cu["alternatives"], strict=True):
            out.append(f"<p><b>Alternative: {_e(ae['label'])}</b></p>")
            topics = [
                t
                for t in ("route", "dose", "schedule", "strengths", "other")
                if ae["facts"].get(t) or au["facts"].get(t)
            ]
            out.append(
                _pair_table(
                    [(SHORT_TOPICS[t], ae["facts"].get(t, []), au["facts"].get(t, [])) for t in topics],
                    region,
                )
            )
    links = eu.get("guideline_links") or {}
    if links.get("leaves"):
        leaves = "; ".join(
            f"{_e(leaf['figure'].replace('fig', 'Fig. '))} › {_e(leaf['title'])}"
            + (f" (instead of {_e(leaf['instead_of'])})" if leaf.get("instead_of") else "")
            for leaf in links["leaves"]
        )
        out.append(f"<p><b>In the flowcharts:</b> {leaves}</p>")
    if eu["notes"]:
        out.append(
            "<p><b>Notes of this guide</b></p><ul>" + "".join(f"<li>{_e(n)}</li>" for n in eu["notes"]) + "</ul>"
        )
    warnings = chosen["warnings"]
    if warnings:
        box = c.warning
        items = "".join(f"<li>{_e(w)}</li>" for w in warnings)
        out.append(
            f"<table width='100%' cellpadding='6' border='1' style='border-color:{box.border}; border-style:solid'>"
            f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'><b>⚠ {len(warnings)} warnings "
            f"({_e(REGION_NAMES[region])})</b><ul>{items}</ul></td></tr></table>"
        )
    t_eu, t_us = eu["facts_tally"]["region"], us["facts_tally"]["region"]
    out.append(
        f"<p style='color:{c.muted}; font-size:small'>Facts of this card: EU SmPC {t_eu['confirmed']} of "
        f"{t_eu['facts']} "
        f"confirmed in label text ({t_eu['found']} found); US label {t_us['confirmed']} of {t_us['facts']} "
        f"({t_us['found']} found). Label text checked {_e(eu.get('checked') or 'n/a')}. "
        "Not a prescribing system: check "
        "the current SmPC or label and local protocols.</p>"
    )
    return "".join(out)


def patient_html(p: dict[str, Any]) -> str:
    """The verification record: inputs with units, derived values, each dose with its working."""
    c = current_colours()
    header = c.table_header
    inputs = "; ".join(
        f"{_e(i['name'])} {_e(i['value'])}" + (f" {_e(i['unit'])}" if i["unit"] else "") for i in p["inputs"]
    )
    out = [f"<h3>Doses for this patient — {_e(p['region_name'])}</h3>"]
    out.append(f"<p><b>Inputs:</b> {inputs}<br>")
    out.append(
        "<b>BSA:</b> "
        + (_e(p["bsa"]["method"] + ": " + p["bsa"]["formula"]) if p["bsa"] else "needs weight and height")
        + "<br>"
    )
    crcl = p["crcl"]
    out.append(
        f"<b>Creatinine clearance:</b> {_e(crcl['method'] + ': ' + crcl['formula']) if crcl else 'not given'}<br>"
        f"<b>Weight basis:</b> {_e(p['weight_basis'])}. <b>Rounding:</b> {_e(p['rounding'])}. "
        "No patient identifiers.</p>"
    )
    head = "".join(
        f"<th align='left' style='background-color:{header.bg}; color:{header.fg}'>{h}</th>"
        for h in ("Dose", "For this patient", "Working", "Source (document, section, revision)")
    )
    rows = []

    def status_html(status: str) -> str:
        if status in ("CONFIRMED", "GUIDELINE"):
            return _e(status)
        box = c.warning
        return f"<span style='background-color:{box.bg}; color:{box.fg}; font-weight:bold'>⚠ {_e(status)}</span>"

    def line_row(line: dict[str, Any], prefix: str = "", name: str = "") -> str:
        result = line["result"]["text"] if line["result"] else f"needs {', '.join(line['needs']) or 'input'}"
        patient = f"<b>{_e(result)}</b><br>{status_html(line['status'])}"
        if line.get("for_patient") is False:
            patient = (
                f"<span style='color:{c.muted}'>{_e(line['not_for_patient'])}</span>"
                f"<br><span style='font-size:small'>label dose {_e(result)}: {_e(line['status'])}</span>"
            )
        elif line.get("renal_adjusted") or line.get("subgroup_dose"):
            kind = "renal-adjusted" if line.get("renal_adjusted") else "subgroup dose"
            verdict = "for this patient" if line.get("for_patient") is True else "not decided"
            patient = f"<b>{_e(result)}</b><br>{status_html(line['status'])}<br><b>{kind}: {verdict}</b>"
        sub = line.get("subgroup")
        notes = [line.get("combine_note"), line.get("renal_note"), sub and f"{sub['text']} [{sub['status']}]"]
        for note in notes:
            if note:
                patient += f"<br><span style='color:{c.error}'>⚠ {_e(note)}</span>"
        if line.get("subgroup_note"):
            colour = c.error if line.get("for_patient") is None else c.muted
            mark = "⚠ " if line.get("for_patient") is None else ""
            patient += f"<br><span style='color:{colour}'>{mark}{_e(line['subgroup_note'])}</span>"
        working = "<br>".join(
            _e(x)
            for x in (
                line["formula"],
                line["basis"] and f"basis: {line['basis']}",
                line["cap"] and f"cap: {line['cap']}",
                f"rounding: {line['rounding']}",
                line.get("when") and f"when: {line['when']}",
            )
            if x
        )
        warn = f"<br><span style='color:{c.error}'>{_e(line['warning'])}</span>" if line["warning"] else ""
        label = line["label"].removeprefix(f"{name}: ") if name else line["label"]
        return (
            f"<tr><td valign='top' width='22%'>{prefix}{_e(label)}</td>"
            f"<td valign='top' width='16%'>{patient}</td>"
            f"<td valign='top' width='40%'>{working}{warn}</td>"
            f"<td valign='top' width='20%'><span style='font-size:small'>{_e(short_source(line['source']))}</span>"
            "</td></tr>"
        )

    for comp in p["components"]:
        rows.append(f"<tr><td colspan='4'><b>{_e(comp['name'])}</b></td></tr>")
        if not comp["lines"] and not comp["variants"] and not comp["guideline"]:
            rows.append(
                f"<tr><td colspan='4'><span style='color:{c.muted}'><i>○ no dose of this component in the label "
                f"text read — {_e(NOT_IN_GUIDE)}</i></span></td></tr>"
            )
        rows += [line_row(line, name=comp["name"]) for line in comp["lines"]]
        for v in comp["variants"]:
            mark = {True: "APPLIES", False: "does not apply", None: "cannot tell"}[v["applies"]]
            if v.get("line") and not v.get("promoted"):
                rows.append(line_row(v["line"], f"<b>[{_e(mark)}]</b> {_e(v['condition'])}: ", comp["name"]))
            else:
                warn = f" <span style='color:{c.error}'>{_e(v['warning'])}</span>" if v["warning"] else ""
                rows.append(
                    f"<tr><td colspan='3'><b>[{_e(mark)}]</b> {_e(v['condition'])}: {_e(v['text'])} "
                    f"{status_html(v['status'])}{warn}{' → the subgroup dose line above' if v.get('promoted') else ''}"
                    f"</td><td><span style='font-size:small'>{_e(v['source'])}</span></td></tr>"
                )
        rows += [line_row(g) for g in comp["guideline"]]
        r = comp["renal"]
        band = f"{_e(r['band'])} → " if r.get("band") else ""
        extra = "".join(
            f"<br><span style='color:{c.muted}'>{_e(x)}</span>"
            for x in [r.get("other_region"), *(r.get("warnings") or []), *(r.get("guideline") or [])]
            if x
        )
        status = (
            r["status"]
            if r["status"] in ("CONFIRMED", "UNCONFIRMED")
            else ("NOT FOUND" if r["status"] == "NOT FOUND" else "—")
        )
        rows.append(
            f"<tr><td valign='top'>Renal band</td><td colspan='2' valign='top'>{band}{_e(r['text'])} "
            f"{status_html(status) if status != '—' else ''}{extra}</td>"
            f"<td valign='top'><span style='font-size:small'>{_e(r.get('source') or '')}</span></td></tr>"
        )
    out.append(
        "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
        f"<tr>{head}</tr>{''.join(rows)}</table>"
    )
    if p["warnings"]:
        out.append("<ul>" + "".join(f"<li>{_e(w)}</li>" for w in p["warnings"]) + "</ul>")
    return "".join(out)


def short_source(line: str) -> str:
    """A source line without where the copy was read (the document, section, revision and check date stay;
    the verification text keeps the whole line)."""
    if "; read in: " not in line:
        return line
    head, _, rest = line.partition("; read in: ")
    checked = rest.rsplit("; checked ", 1)
    return f"{head}; checked {checked[1]}" if len(checked) == 2 else head


def no_card_html(abbr: str, status: str) -> str:
    muted = current_colours().muted
    return (
        f"<h2>{_e(abbr)} <span style='font-weight:normal'>— no dosing card</span></h2>"
        f"<p style='color:{muted}'>This guide has dosing cards for every regimen recommended in Figs. 1–3, HDM and the "
        f"CAR-T products; {_e(abbr)} is {_e(status)}. Its guideline statements and notes follow.</p>"
    )


# --------------------------------------------------------------------------------------------
# The patient's values and the region
# --------------------------------------------------------------------------------------------


class PatientFields(QWidget):
    """Region, the patient's values (with units) and the card's actions; ``changed`` on every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Dosing card: region and the patient's values")
        self.region = QComboBox(self)
        self.region.addItem("EU SmPC", "eu")
        self.region.addItem("US label", "us")
        self.region.setAccessibleName("Label for the doses")
        self.region.setToolTip("The label whose doses are computed below; both labels are shown side by side")
        self.weight, self.weight_unit = self._quantity("Weight", ("kg", "lb"))
        self.height_edit, self.height_unit = self._quantity("Height", ("cm", "m", "in"))
        self.age = QLineEdit(self)
        self.age.setAccessibleName("Age in years")
        self.age.setPlaceholderText("years")
        self.sex = QComboBox(self)
        for label, value in (("sex —", None), ("female", "female"), ("male", "male")):
            self.sex.addItem(label, value)
        self.sex.setAccessibleName("Sex (for Cockcroft–Gault)")
        self.creatinine, self.creatinine_unit = self._quantity("Creatinine", ("µmol/L", "mg/dL"))
        self.crcl = QLineEdit(self)
        self.crcl.setAccessibleName("Creatinine clearance in mL/min (instead of creatinine)")
        self.crcl.setPlaceholderText("mL/min")
        self.dialysis = QCheckBox("dialysis", self)
        self.bsa = QComboBox(self)
        self.bsa.addItem("BSA: Mosteller", "mosteller")
        self.bsa.addItem("BSA: DuBois", "dubois")
        self.bsa.setAccessibleName("BSA formula")
        self.use_calc = QPushButton("Use calculator values", self)
        self.use_calc.setToolTip(
            "Take weight, height, age, sex and creatinine from the calculators filled in this session"
        )
        self.clear_button = QPushButton("Clear", self)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Dosing card input message")
        follow_theme(self.message, self._colour_message)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        title = QLabel("Doses for:", self)
        relative_font(title, bold=True)
        rows: list[list[QWidget | str]] = [
            [title, self.region, "Weight", self.weight, self.weight_unit, "Height", self.height_edit, self.height_unit],
            ["Age", self.age, self.sex, "Creatinine", self.creatinine, self.creatinine_unit, "or CrCl", self.crcl],
            [self.dialysis, self.bsa, self.use_calc, self.clear_button],
        ]
        for r, items in enumerate(rows):
            line = QHBoxLayout()
            line.setSpacing(6)
            for item in items:
                line.addWidget(QLabel(item, self) if isinstance(item, str) else item)
            line.addStretch(1)
            grid.addLayout(line, r, 0)
        grid.addWidget(self.message, len(rows), 0)
        for edit in (self.weight, self.height_edit, self.age, self.creatinine, self.crcl):
            edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0000.00") + 24)
            edit.textChanged.connect(self.changed)
        for combo in (self.region, self.weight_unit, self.height_unit, self.sex, self.creatinine_unit, self.bsa):
            combo.currentIndexChanged.connect(self.changed)
        self.dialysis.toggled.connect(self.changed)
        self.clear_button.clicked.connect(self.clear)

    def _quantity(self, name: str, units: tuple[str, ...]) -> tuple[QLineEdit, QComboBox]:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        name_clear_button(edit, f"Clear {name.lower()}")
        unit = QComboBox(self)
        unit.addItems(list(units))
        unit.setAccessibleName(f"{name} unit")
        return edit, unit

    def chosen_region(self) -> str:
        return str(self.region.currentData())

    def raw(self) -> dict[str, Any] | None:
        """The patient JSON of the contract (None when nothing was entered)."""
        out: dict[str, Any] = {}
        for key, edit, unit in (
            ("weight", self.weight, self.weight_unit),
            ("height", self.height_edit, self.height_unit),
            ("creatinine", self.creatinine, self.creatinine_unit),
        ):
            if edit.text().strip():
                out[key] = f"{edit.text().strip().replace(',', '.')} {unit.currentText()}"
        if self.crcl.text().strip():
            out["crcl"] = f"{self.crcl.text().strip().replace(',', '.')} mL/min"
        if self.age.text().strip():
            try:
                out["age"] = int(self.age.text().strip())
            except ValueError:
                out["age"] = self.age.text().strip()
        if self.sex.currentData():
            out["sex"] = self.sex.currentData()
        if not out:
            return None
        out["dialysis"] = self.dialysis.isChecked()
        out["bsa_method"] = self.bsa.currentData()
        return out

    def clear(self) -> None:
        for edit in (self.weight, self.height_edit, self.age, self.creatinine, self.crcl):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        for combo in (self.sex, self.bsa):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.dialysis.blockSignals(True)
        self.dialysis.setChecked(False)
        self.dialysis.blockSignals(False)
        self.changed.emit()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setProperty("error", error)
        self._colour_message()
        self.message.setText(text)

    def _colour_message(self) -> None:
        colour = current_colours().error if self.message.property("error") else current_colours().muted
        self.message.setStyleSheet(f"color: {colour};")

    def take(self, values: dict[str, Any]) -> list[str]:
        """Fill the fields from calculator inputs ({"weight": {"value", "unit"}, …}); returns what was taken."""
        taken: list[str] = []
        for key, edit, unit in (
            ("weight", self.weight, self.weight_unit),
            ("height", self.height_edit, self.height_unit),
            ("creatinine", self.creatinine, self.creatinine_unit),
        ):
            q = values.get(key)
            if isinstance(q, dict) and q.get("value") is not None:
                i = unit.findText(str(q.get("unit")))
                if i >= 0:
                    unit.setCurrentIndex(i)
                    edit.setText(f"{float(q['value']):g}")
                    taken.append(key)
        if values.get("age") is not None:
            self.age.setText(f"{int(float(values['age']))}")
            taken.append("age")
        if values.get("sex") in ("female", "male"):
            self.sex.setCurrentIndex(self.sex.findData(values["sex"]))
            taken.append("sex")
        return taken


def calculator_values(root: QWidget) -> dict[str, Any]:
    """Weight, height, age, sex and creatinine from the calculator panels under ``root`` (the window),
    most recent result last; quantities in canonical units. Nothing is stored."""
    from app.ui.calc.panel import CalculatorPanel

    values: dict[str, Any] = {}
    for panel in root.findChildren(CalculatorPanel):
        result = getattr(panel, "result", None)
        if result is None:
            continue
        for key in ("weight", "height", "creatinine", "age", "sex"):
            value = result.inputs.get(key)
            if value is not None:
                values[key] = value
    return values


class CardArea(QWidget):
    """The card's controls above the screen's detail browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields = PatientFields(self)
        layout.addWidget(self.fields)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(), self.sizePolicy().verticalPolicy())
        self.fields.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        #: the fields filled from the window's patient case (None until the case exists)
        self.case_fill: DosingCaseFill | None = None
        self._clear_hooked = False

    def follow_case(self) -> None:
        """Fill from the patient case of the window this card is in, once it has one."""
        if self.case_fill is not None:
            return
        session = getattr(getattr(self.window(), "context", None), "case", None)
        if session is None:
            return
        self.case_fill = DosingCaseFill(self.fields, session, self)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.case_fill.line)
        self.fields.changed.connect(self.case_fill.show_line)
        self.fields.clear_button.clicked.connect(self.case_fill.card_cleared)
        self.case_fill.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.follow_case()
        context = getattr(self.window(), "context", None)
        if context is not None and not self._clear_hooked:
            # Clear patient empties the card even when no case was entered (typed values are the patient's too)
            context.patient_cleared.connect(self.fields.clear)
            self._clear_hooked = True

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if self.case_fill is not None:
            self.case_fill.send_back_all()  # a number still being typed goes back to the case
        super().hideEvent(event)


class CardController:
    """The card of the regimen shown: both regions' views and the patient's doses, for the screen."""

    def __init__(self, area: CardArea) -> None:
        self.area = area
        self.guide: Any = None
        self.abbr: str | None = None
        self.views: dict[str, dict[str, Any]] = {}
        self.status = ""

    def set_regimen(self, guide: Any, abbr: str) -> None:
        self.guide, self.abbr = guide, abbr
        self.area.follow_case()
        self.refresh()

    def refresh(self) -> None:
        """Recompute both regions' cards (and the chosen region's doses) from the fields."""
        from app.services.guide import UnknownItem
        from app.services.regimens import STATUS_WORDS, RegimenInputError, regimen_card, regimen_list

        self.views = {}
        if self.guide is None or self.abbr is None:
            return
        fields = self.area.fields
        region = fields.chosen_region()
        raw = fields.raw()
        self.status = next(
            (STATUS_WORDS.get(r["status"], r["status"]) for r in regimen_list(self.guide) if r["id"] == self.abbr), ""
        )
        try:
            for r in ("eu", "us"):
                self.views[r] = regimen_card(self.guide, self.abbr, r, raw if r == region else None)
        except UnknownItem:
            self.views = {}
            fields.show_message("")
            return
        except RegimenInputError as err:
            for r in ("eu", "us"):
                self.views[r] = regimen_card(self.guide, self.abbr, r, None)
            fields.show_message(f"No doses computed: {err.message}", error=True)
            return
        if raw is None:
            fields.show_message("Enter weight, height, age and creatinine (or CrCl) to compute the doses.")
        else:
            fields.show_message(
                f"Doses computed for the {REGION_NAMES[region]}: inputs are kept only in these fields, never saved."
            )

    def use_calculators(self, root: QWidget) -> None:
        taken = self.area.fields.take(calculator_values(root))
        if self.area.case_fill is not None:
            self.area.case_fill.send_back_all()  # with a case open, the card and the case agree
        if taken:
            self.area.fields.show_message("Taken from the calculators: " + ", ".join(taken) + ".")
        else:
            self.area.fields.show_message("No calculator in this session has weight, height, age or creatinine yet.")

    def html(self) -> str:
        if not self.views:
            return self._local_html() + no_card_html(self.abbr or "", self.status) if self.abbr else ""
        region = self.area.fields.chosen_region()
        return self._local_html() + card_html(self.views["eu"], self.views["us"], region)

    def text(self) -> str:
        """The chosen region's card with its doses (the verification record), as plain text."""
        from app.core.dosing.render import card_text

        if not self.views:
            return ""
        local = self._local_lines()
        return "\n".join([*local, ""] if local else []) + card_text(self.views[self.area.fields.chosen_region()])

    def _local(self) -> tuple[list[dict[str, Any]], str | None]:
        """The hospital's notes on this regimen and why it is not on the local formulary (issue 13)."""
        from app.services.local_notes import local_view

        view = local_view(self.guide) if self.guide is not None and self.abbr else None
        if view is None or self.abbr is None:
            return [], None
        return view.notes("regimen", self.abbr), view.unavailable_reason(self.abbr)

    def _local_html(self) -> str:
        from app.ui.local_note import notes_html, unavailable_html

        notes, unavailable = self._local()
        return (unavailable_html(unavailable) if unavailable else "") + notes_html(notes)

    def _local_lines(self) -> list[str]:
        from app.ui.local_note import notes_text

        notes, unavailable = self._local()
        return ([f"LOCAL — {unavailable}"] if unavailable else []) + notes_text(notes)
