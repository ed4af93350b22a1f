"""`csr import` and `csr export`: move replies between csr and chat clients or spreadsheets."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from csr_cli.commands._common import JsonOpt, note, print_json
from csr_cli.commands.edit import TeamOpt

if TYPE_CHECKING:
    from csr_cli.phrasebook.importing import ImportReport


class Format(str, Enum):
    qianniu = "qianniu-csv"
    csv = "csv"
    yaml = "yaml"
    json = "json"


class Layer(str, Enum):
    bundled = "bundled"
    team = "team"
    personal = "personal"


class Encoding(str, Enum):
    utf8 = "utf-8"
    utf8_bom = "utf-8-sig"
    gbk = "gbk"
    gb18030 = "gb18030"


MAX_WARNINGS = 10
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Write -o FILE even when it is a symbolic link or a special file."
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="File format (default: from the file name or header)."),
]


def import_(
    file: Annotated[Path, typer.Argument(help="The file to import, e.g. 快捷短语.csv.")],
    fmt: FormatOpt = None,
    team: TeamOpt = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace every entry of the target file.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Report what would change; write nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import replies from a quick-phrase sheet, CSV, YAML or JSON, merging without duplicates."""
    from csr_cli.phrasebook.editing import target_file
    from csr_cli.phrasebook.formats import read_sheet
    from csr_cli.phrasebook.importing import import_sheet
    from csr_cli.phrasebook.schema import layer_files, load_all

    sheet = read_sheet(file, fmt.value if fmt else None)
    target = target_file(team)
    # The other layers, parsed directly: the cache covers the target file too, and rebuilding
    # it (with the search index) for a large target would cost more than the import itself.
    own = target.path.resolve()
    others = load_all([f for f in layer_files() if f.path.resolve() != own])
    report = import_sheet(sheet, target, others, replace_all=replace, dry_run=dry_run)
    if as_json:
        print_json(report.to_json())
    else:
        _render_report(report)


def _render_report(report: ImportReport) -> None:
    for kind, outcome in report.in_file_order():
        typer.echo(f"{kind:<8} {outcome.id or '-'}\t{outcome.where}\t{outcome.detail}")
    for warning in report.warnings[:MAX_WARNINGS]:
        note(f"warning: {warning}")
    if len(report.warnings) > MAX_WARNINGS:
        note(f"… and {len(report.warnings) - MAX_WARNINGS} more warnings (--json lists them all)")
    if not (report.added or report.merged):
        action = "nothing to change in"
    else:
        action = "would change" if report.dry_run else "changed"
    note(
        f"{len(report.added)} added, {len(report.merged)} merged, {len(report.skipped)} skipped "
        f"({report.format}, {report.encoding}); {action} {report.target} ({report.layer})"
        + ("; dry run, nothing written" if report.dry_run else "")
    )


def export(
    fmt: FormatOpt = None,
    layer: Annotated[
        Layer | None, typer.Option("--layer", "-l", help="Only this layer (default: all, merged).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    encoding: Annotated[
        Encoding | None,
        typer.Option(
            "--encoding", help="Text encoding (default: utf-8-sig for CSV, utf-8 otherwise)."
        ),
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Export replies for the chat client's quick phrases, a spreadsheet, YAML or JSON."""
    from csr_cli.fileio import check_output, write_output
    from csr_cli.phrasebook import formats
    from csr_cli.phrasebook.cache import open_phrasebook
    from csr_cli.phrasebook.schema import layer_files, load_all

    chosen = fmt.value if fmt else _format_for(output)
    if output is not None:
        check_output(output, force=force, option="-o")  # before the work, not after
    if layer is None:
        entries = list(open_phrasebook().entries())
    else:
        entries = load_all([f for f in layer_files() if f.layer == layer.value])
        if not entries:
            note(f"note: the {layer.value} layer has no entries")
    result = formats.export(entries, chosen)
    default_encoding = "utf-8-sig" if chosen.endswith("csv") else "utf-8"
    data = formats.encode_export(
        entries, result.text, encoding.value if encoding else default_encoding
    )
    for warning in result.warnings:
        note(f"warning: {warning}")
    if output is None:
        stdout = typer.get_binary_stream("stdout")
        stdout.write(data)
        stdout.flush()
        return
    write_output(output, data, force=force, option="-o")
    note(f"✓ wrote {result.rows} {'rows' if chosen.endswith('csv') else 'entries'} to {output}")


def _format_for(output: Path | None) -> str:
    suffix = output.suffix.lower() if output else ""
    return {".yaml": "yaml", ".yml": "yaml", ".json": "json"}.get(suffix, "qianniu-csv")
