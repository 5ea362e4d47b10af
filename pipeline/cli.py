"""Command line: thin wrappers over the library (progress on stderr, data to files or stdout)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="resume-screening",
    help=(
        "Screen PDF, DOCX and plain-text resumes against a job definition.\n\n"
        "Every file ends either scored (with an explained score) or failed with a "
        "reason code. Exit codes: 0 all files scored, 1 finished but some files "
        "failed, 2 usage or configuration error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class PdfEngine(StrEnum):
    pdfium = "pdfium"
    pdfplumber = "pdfplumber"


class DocxEngine(StrEnum):
    lxml = "lxml"
    python_docx = "python-docx"


DocxEngineOption = Annotated[
    DocxEngine,
    typer.Option(
        "--docx-engine",
        help="DOCX reader: lxml (reads only the text parts, default) "
        "or python-docx (opens the whole package).",
    ),
]

PdfEngineOption = Annotated[
    PdfEngine,
    typer.Option("--pdf-engine", help="PDF text engine: pdfium (fast, default) or pdfplumber."),
]


def _console(quiet: bool):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


def _fail(message: str) -> typer.Exit:
    from rich.markup import escape

    _console(False).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(EXIT_USAGE)


@app.command()
def screen(
    input_dir: Annotated[Path, typer.Argument(help="Folder of resumes (every entry is screened).")],
    job: Annotated[Path, typer.Option("--job", help="Job definition YAML (see examples/jobs/).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder for shortlist.csv/.json.")],
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many candidates to shortlist.")
    ] = 10,
    pdf_engine: PdfEngineOption = PdfEngine.pdfium,
    docx_engine: DocxEngineOption = DocxEngine.lxml,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Rank every resume in INPUT_DIR against --job; write shortlist.csv and shortlist.json."""
    from .errors import JobDefinitionError, LexiconError
    from .job import load_job
    from .report import write_shortlist
    from .screener import Screener, list_inputs

    console = _console(quiet)
    if not input_dir.is_dir():
        raise _fail(f"input folder not found: {input_dir}")
    try:
        job_def = load_job(job)
    except (JobDefinitionError, LexiconError) as exc:
        raise _fail(str(exc)) from None
    paths = list_inputs(input_dir)
    screener = Screener(
        job_def, pdf_engine=pdf_engine.value, docx_engine=docx_engine.value, top=top
    )
    shortlist = _with_progress(console, quiet, paths, screener)
    try:
        csv_path, json_path = write_shortlist(shortlist, out)
    except OSError as exc:
        raise _fail(f"cannot write to {out}: {type(exc).__name__}") from None
    _summary(console, shortlist, csv_path, json_path)
    raise typer.Exit(EXIT_SOME_FAILED if shortlist.failed else EXIT_OK)


def _with_progress(console, quiet, paths, screener):
    if quiet or not console.is_terminal:
        return screener.screen(paths)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("screen", total=len(paths))
        return screener.screen(paths, progress=lambda _o: progress.advance(task))


def _summary(console, shortlist, csv_path: Path, json_path: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from .errors import REASONS

    counts = shortlist.counts
    table = Table(title=f"Shortlist: {escape(shortlist.job.title)}", show_lines=False)
    for column in ("#", "file", "score", "met", "missing"):
        table.add_column(column, overflow="fold")
    for rank, outcome in enumerate(shortlist.shortlisted(), 1):
        s = outcome.scored
        met = sum(r.status == "met" for r in s.requirements)
        missing = ", ".join(r.requirement for r in s.requirements if r.status == "missing")
        table.add_row(
            str(rank),
            escape(outcome.source),
            f"{s.score:.1f}",
            f"{met}/{len(s.requirements)}",
            escape(missing) or "-",
        )
    console.print(table)
    for outcome in shortlist.failed:
        console.print(
            f"[yellow]failed[/yellow] {escape(outcome.source)}: {outcome.reason} "
            f"({REASONS.get(outcome.reason or '', '')})"
        )
    console.print(
        f"{counts['entries']} files: {counts['scored']} scored, {counts['failed']} failed, "
        f"{counts['shortlisted']} shortlisted"
    )
    disqualified = sum(o.scored.disqualified for o in shortlist.ranked)
    if disqualified:
        console.print(
            f"{disqualified} candidate(s) lack a must-have requirement and are ranked last "
            "(their scores and explanations are still in the files)"
        )
    console.print(f"wrote {escape(str(csv_path))} and {escape(str(json_path))}")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Resume files and/or folders.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file (JSON Lines).")
    ] = False,
    pdf_engine: PdfEngineOption = PdfEngine.pdfium,
    docx_engine: DocxEngineOption = DocxEngine.lxml,
) -> None:
    """Print the skills and competencies found in each file, with evidence."""
    from .report import outcome_record
    from .screener import Screener, list_inputs

    files: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            files.extend(list_inputs(path))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise _fail(f"no such file or folder: {path}")
    screener = Screener(pdf_engine=pdf_engine.value, docx_engine=docx_engine.value)
    failed = 0
    for path in files:
        record = outcome_record(screener.extract(path))
        failed += record["status"] != "scored"
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            _print_record(record)
        sys.stdout.flush()
    raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _print_record(record: dict) -> None:
    if record["status"] != "scored":
        print(f"{record['file']}: FAILED {record['reason']} ({record['message']})")
        return
    years = record["years_experience"]
    print(
        f"{record['file']}: {len(record['skills'])} skills"
        + (f", {years:g} years of experience" if years is not None else "")
    )
    present = [cid for cid, c in record["competencies"].items() if c["present"]]
    print(f"  competencies: {', '.join(present) or 'none'}")
    names = [s["name"] for s in record["skills"] if s["count"]]
    print(f"  skills: {', '.join(names) or 'none'}")


def main() -> None:
    """Console-script entry point; usage errors exit 2."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
