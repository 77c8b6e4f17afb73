"""``mmguide regimen``: the regimen dosing cards (contract: cli.md, "Regimen dosing cards").

    mmguide regimen --list
    mmguide regimen ID [--region eu|us] [--patient JSON|@FILE] [--case FILE] [--text]

``--case`` takes the dosing values (age, sex, weight, height, BSA method, creatinine by the case rule)
from a patient case file of ``mmguide case`` instead of typing them again; ``--patient`` values
given as well override them. Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import text as render_local
from app.cli.errors import EXIT_OK, CliError
from app.cli.io import _emit, _read_json
from app.core.dosing.render import card_text, list_text
from app.services.guide import Guide
from app.services.local_notes import add_to_regimen, local_view
from app.services.regimens import STATUS_WORDS, RegimenInputError, patient_from_case, regimen_card, regimen_list


def add_subcommand(sub: Any) -> None:
    cmd = sub.add_parser("regimen", help="regimen dosing cards (EU SmPC / US label), doses for a patient")
    cmd.add_argument("regimen_id", nargs="?", metavar="ID")
    cmd.add_argument("--list", action="store_true", help="every regimen of the glossary, with its status")
    cmd.add_argument("--region", choices=["eu", "us"], default="eu", help="eu (EU SmPC, default) or us (US label)")
    cmd.add_argument(
        "--patient", metavar="JSON", help="weight, height, age, sex, creatinine or crcl, dialysis, bsa_method"
    )
    cmd.add_argument("--case", metavar="FILE", help="take the patient's values from a case file (mmguide case input)")
    cmd.add_argument("--text", action="store_true", default=argparse.SUPPRESS, help="human-readable text output")


def run(guide: Guide, args: argparse.Namespace, as_text: bool) -> int:
    if args.list:
        if args.regimen_id:
            raise CliError("invalid_arguments", "use --list alone, or name a regimen ID", field="list")
        items = regimen_list(guide)
        _emit(items, list_text(items, STATUS_WORDS) if as_text else None)
        return EXIT_OK
    if not args.regimen_id:
        raise CliError("missing_regimen", "name a regimen ID (e.g. DaraRd) or use --list", field="regimen")
    patient: Any = None
    if args.case:
        from app.cli.case_cmd import read_case

        patient = patient_from_case_arg(read_case(args.case))
    if args.patient is not None:
        given = _read_json(args.patient, "patient")
        if not isinstance(given, dict):
            raise CliError("invalid_patient", "patient must be a JSON object", field="patient")
        patient = {**(patient or {}), **given}
    try:
        card = regimen_card(guide, args.regimen_id, args.region, patient)
    except RegimenInputError as err:
        raise CliError(err.code, err.message, field=err.field) from None
    card = add_to_regimen(card, local_view(guide))
    _emit(card, render_local.with_local(card_text(card, _stamp(guide)), card) if as_text else None)
    return EXIT_OK


def patient_from_case_arg(raw: Any) -> dict[str, Any]:
    try:
        return patient_from_case(raw)
    except RegimenInputError as err:
        raise CliError(err.code, err.message, field=err.field) from None


def _stamp(guide: Guide) -> str:
    from datetime import date

    v = guide.version()
    return (
        f"Myeloma Pocket Guide {v['app_version']} · content {v['content_version']} ({v['content_date']}) · "
        f"printed {date.today().isoformat()}"
    )
