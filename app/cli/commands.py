"""The headless commands; each turns service errors into the contract's exit codes."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import text as render
from app.cli.errors import EXIT_OK, CliError
from app.cli.io import _emit, _read_json
from app.core.calculators.base import CalcInputError
from app.core.flowchart.engine import FactsError
from app.services.datadir import resolve_data_dir
from app.services.guide import Guide, UnknownItem
from app.services.local_notes import add_to_calc, add_to_flow, add_to_recs, add_to_toxicity, local_view


def run(args: argparse.Namespace) -> int:
    guide = Guide(data_dir=resolve_data_dir(args.data_dir))
    try:
        return _dispatch(guide, args)
    except UnknownItem as err:
        raise CliError("unknown_" + err.field, err.message, field=err.field) from None
    except CalcInputError as err:
        raise CliError(err.code, err.message, field=err.field) from None
    except FactsError as err:
        raise CliError("invalid_facts", err.message, field=err.field) from None


def _dispatch(guide: Guide, args: argparse.Namespace) -> int:
    as_text = bool(args.text)
    if args.version:
        data = guide.version()
        _emit(data, render.version(data) if as_text else None)
        return EXIT_OK
    cmd = args.command
    if cmd == "info":
        from app.services.local_layer import summary
        from app.services.problem_report import info_with_versions

        info = {**info_with_versions(guide), "local_layer": summary(guide.data_dir)}
        _emit(info, render.info(info) + _local_line(info["local_layer"]) if as_text else None)
    elif cmd == "recs":
        statements = add_to_recs(guide.recs(section=args.section, evidence=args.evidence), local_view(guide))
        _emit(statements, render.recs(statements) if as_text else None)
    elif cmd == "search":
        if args.limit < 1 or args.limit > 500:
            raise CliError("invalid_limit", "--limit must be between 1 and 500", field="limit")
        hits = guide.search(" ".join(args.query), limit=args.limit)
        _emit(hits, render.search(hits) if as_text else None)
    elif cmd == "toxicity":
        panels = add_to_toxicity(guide.toxicity(args.syndrome, args.grade), local_view(guide))
        _emit(panels, render.toxicity(panels) if as_text else None)
    elif cmd == "flow":
        return _flow(guide, args, as_text)
    elif cmd == "calc":
        return _calc(guide, args, as_text)
    elif cmd == "case":
        from app.cli import case_cmd

        return case_cmd.run(guide, args, as_text)
    elif cmd == "regimen":
        from app.cli import regimen_cmd

        return regimen_cmd.run(guide, args, as_text)
    elif cmd == "diff":
        from app.cli import diff_cmd

        return diff_cmd.run(guide, args, as_text)
    return EXIT_OK


def _local_line(layer: dict[str, Any] | None) -> str:
    if layer is None:
        return "\nLocal layer: none"
    if "error" in layer:
        return f"\nLocal layer: {layer['error']}"
    return (f"\nLocal layer: {layer['hospital']}, layer {layer['sequence']}, built {layer['created']}, signed by "
            f"{', '.join(layer['signers'])}")


def _flow(guide: Guide, args: argparse.Namespace, as_text: bool) -> int:
    if args.list:
        data = [{"id": f.id, "title": f.title} for f in guide.figures()]
        _emit(data, "\n".join(f"{d['id']}  {d['title']}" for d in data) if as_text else None)
        return EXIT_OK
    if not args.figure:
        raise CliError("missing_figure", "name a figure (fig1, fig2, fig3) or use --list", field="figure")
    if args.describe:
        described = guide.describe(args.figure)
        _emit(described, render.describe(described) if as_text else None)
        return EXIT_OK
    if args.facts is None:
        raise CliError("missing_mode", "use --describe or --facts JSON", field="facts")
    facts = _read_json(args.facts, "facts")
    if not isinstance(facts, dict):
        raise CliError("invalid_facts", "facts must be a JSON object", field="facts")
    result = add_to_flow(guide.flow(args.figure, facts).model_dump(mode="json"), local_view(guide))
    _emit(result, render.evaluation(result) if as_text else None)
    return EXIT_OK


def _calc(guide: Guide, args: argparse.Namespace, as_text: bool) -> int:
    if args.list:
        data: Any = guide.calculators()
        _emit(data, "\n".join(f"{d['id']:20} {d['title']}" for d in data) if as_text else None)
        return EXIT_OK
    if not args.calc_id:
        raise CliError("missing_calculator", "name a calculator ID or use --list", field="calculator")
    if args.schema:
        _emit(guide.calculator_schema(args.calc_id))
        return EXIT_OK
    if args.input is None:
        raise CliError("missing_mode", "use --schema or --input JSON", field="input")
    raw = _read_json(args.input, "input")
    result = add_to_calc(guide.calculate(args.calc_id, raw).model_dump(mode="json"), local_view(guide))
    _emit(result, render.calc(result) if as_text else None)
    return EXIT_OK
