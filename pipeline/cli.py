"""Command line: thin wrappers over the library (progress on stderr, data to files or stdout)."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

# Exit codes (sysexits.h where one fits). Cron and systemd alert on anything but 0.
EXIT_OK = 0  # no file failed for the first time in this run
EXIT_SOME_FAILED = 1  # finished, and some file failed for the first time
EXIT_USAGE = 2  # usage or configuration error (bad job file, unknown skill, not a folder)
EXIT_CANTCREAT = 73  # the output folder or files cannot be written
EXIT_TEMPFAIL = 75  # another run holds the store; nothing was done
EXIT_TERMINATED = 143  # stopped by SIGTERM; finished files are kept, the next run goes on

FORMATS = "PDF (text or scanned), DOCX, DOC, RTF, ODT, HTML, PNG/JPEG/TIFF images and plain text"

app = typer.Typer(
    name="resume-screening",
    help=(
        f"Screen resumes ({FORMATS}) against a job definition and write a ranked, explained "
        "shortlist.\n\n"
        "Every file ends either scored (with an explained score) or failed with a reason "
        "code.\n\n"
        "Exit codes: 0 no file failed for the first time, 1 some file failed for the first "
        "time, 2 usage or configuration error, 73 outputs cannot be written, 75 another run "
        "holds the store, 143 stopped by SIGTERM."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from .version import __version__

        print(f"resume-screening {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Screen resumes against a job definition."""


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

OcrOption = Annotated[
    bool,
    typer.Option(
        "--ocr/--no-ocr",
        help="OCR pages that have no text layer with Tesseract (when installed). With --no-ocr, "
        "or without Tesseract, such files fail with no_text_layer_ocr_unavailable.",
    ),
]

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The date 'Present' and 'current' mean, YYYY-MM-DD, for years of experience and "
        "months of skill use [default: today]. Fix it to reproduce a run exactly.",
    ),
]

PdfEngineOption = Annotated[
    PdfEngine,
    typer.Option("--pdf-engine", help="PDF text engine: pdfium (fast, default) or pdfplumber."),
]


def _as_of(value: str | None):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of must be a date like 2026-12-01, not {value!r}") from None


def _console(quiet: bool):
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


def _fail(message: str) -> typer.Exit:
    from rich.markup import escape

    _console(False).print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


@app.command()
def screen(
    input_dir: Annotated[
        Path, typer.Argument(help="Folder of resumes: every entry is screened (not recursive).")
    ],
    job: Annotated[
        list[Path],
        typer.Option(
            "--job",
            metavar="JOB",
            help="Job definition YAML (see examples/jobs/), or a job posting as text: its "
            "derived definition is printed and saved as OUT/job.yaml for review. Repeat it, or "
            "give a folder of YAML files, to screen for several jobs in one run: each file is "
            "parsed once, OUT/<job>/ gets each shortlist and OUT/matrix.csv the scores of every "
            "candidate for every job.",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output folder for the shortlist and run report.")
    ],
    top: Annotated[
        int, typer.Option("--top", min=1, help="How many candidates to shortlist.")
    ] = 10,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="SQLite store of applicants (default: OUT/screening.sqlite3). "
            "Files already in it are not parsed again.",
        ),
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Parse files that failed in earlier runs again.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Parsing processes, each isolated with memory, CPU and time limits "
            "(default: one per core); 0 parses in this process.",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Wall-clock seconds allowed per file.")
    ] = 60.0,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", min=200, help="Memory cap of each parsing worker (MB).")
    ] = 1024,
    backend: Annotated[
        str, typer.Option("--backend", help="local (worker processes here) or dask (a cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    pdf_engine: PdfEngineOption = PdfEngine.pdfium,
    docx_engine: DocxEngineOption = DocxEngine.lxml,
    ocr: OcrOption = True,
    as_of: AsOfOption = None,
    blind: Annotated[
        bool,
        typer.Option(
            "--blind",
            help="Blind review: outputs name files by candidate id and take names, contacts, "
            "places, ages, graduation years, pronouns and gendered words out of the evidence. "
            "Scores do not change; the store keeps the file names for contacting.",
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Rank every resume in INPUT_DIR against --job; write report.html (for people),
    shortlist.csv, shortlist.json and run_report.json/.txt in --out.

    Runs are incremental: applicants are kept in a SQLite store keyed by the file's sha256, so a
    rerun parses only new files, re-scores stored profiles when the job changed, and rebuilds
    the shortlist of the folder as it is now (a changed file supersedes its old version, a
    removed file leaves the shortlist). Files of one person (same e-mail or phone, or
    near-identical text) are one candidate: the latest is ranked, the others are listed as
    the same applicant.

    Exit codes: 0 no file failed for the first time, 1 some file failed for the first time,
    2 usage error, 73 outputs cannot be written, 75 another run holds the store, 143 stopped
    by SIGTERM.
    """
    import sqlite3

    from .errors import JobDefinitionError, LexiconError
    from .run.incremental import Interrupted, OutputError
    from .run.lock import StoreLocked
    from .run.nightly import Screening
    from .run.workers import Limits
    from .score.job import load_job

    console = _console(quiet)
    as_of_date = _as_of(as_of)
    if not input_dir.exists():
        raise _fail(f"input folder not found: {input_dir}")
    if not input_dir.is_dir():
        raise _fail(f"not a folder: {input_dir} (give the folder that holds the resumes)")
    job_files = _job_files(job)
    slugs = _job_slugs(job_files)
    jobs = {}
    try:
        for slug, path in zip(slugs, job_files, strict=True):
            if path.suffix.lower() in (".yaml", ".yml"):
                jobs[slug] = load_job(path)
            else:  # a posting as text: derive the definition, show it and save it for review
                jobs[slug] = _job_from_posting(path, out if len(job_files) == 1 else out / slug,
                                               quiet)  # fmt: skip
    except (JobDefinitionError, LexiconError) as exc:
        raise _fail(str(exc)) from None
    job_def = next(iter(jobs.values()))
    if backend not in ("local", "dask"):
        raise _fail("--backend must be local or dask")
    if backend == "dask" and not scheduler:
        raise _fail("--backend dask needs --scheduler ADDRESS")
    limits = Limits(memory_mb=memory_mb, cpu_seconds=max(1, int(timeout)), timeout=timeout)
    screening = Screening(
        job_def,
        out,
        store=store,
        top=top,
        workers=workers,
        limits=limits,
        backend=backend,  # type: ignore[arg-type]
        scheduler=scheduler,
        pdf_engine=pdf_engine.value,
        docx_engine=docx_engine.value,
        ocr=ocr,
        as_of=as_of_date,
        retry_failed=retry_failed,
        blind=blind,
    )
    try:
        with screening:
            if len(jobs) > 1:
                reports = _run_with_progress(console, quiet, screening, input_dir, jobs)
            else:
                report = _run_with_progress(console, quiet, screening, input_dir)
    except StoreLocked:
        _console(False).print(
            f"[yellow]another screening run holds {screening.store_path}; nothing was done[/yellow]"
        )
        raise typer.Exit(EXIT_TEMPFAIL) from None
    except OutputError as exc:
        _console(False).print(f"[red]error:[/red] {_escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_CANTCREAT) from None
    except Interrupted as exc:
        _console(False).print(
            f"[yellow]stopped by SIGTERM: {_escape(str(exc))}; the next run goes on[/yellow]"
        )
        raise typer.Exit(EXIT_TERMINATED) from None
    except sqlite3.OperationalError as exc:  # disk full, I/O error: the last commit stands
        _console(False).print(
            f"[red]error:[/red] cannot write the store {_escape(str(screening.store_path))}: "
            f"{_escape(str(exc))}; what was committed before is kept",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_CANTCREAT) from None
    except OSError as exc:  # the store's folder or file cannot be used
        raise _fail(f"cannot use store {screening.store_path}: {exc.strerror or exc}") from None
    if len(jobs) > 1:
        for slug, report in reports.items():
            rendered = screening.runners[slug].rendered
            assert rendered is not None
            _summary(console, report, rendered, out / slug)
        console.print(f"wrote {_escape(str(out / 'matrix.csv'))} (candidates x {len(jobs)} jobs)")
        # A failure is new in the first job's report only: its run parsed the files.
        failed = any(r.counts.failed for r in reports.values())
        raise typer.Exit(EXIT_SOME_FAILED if failed else EXIT_OK)
    assert screening.runner is not None and screening.runner.rendered is not None
    _summary(console, report, screening.runner.rendered, out)
    raise typer.Exit(EXIT_SOME_FAILED if report.counts.failed else EXIT_OK)


def _job_files(given: list[Path]) -> list[Path]:
    """The job files of --job: files as given, a folder's *.yaml/*.yml in name order."""
    files: list[Path] = []
    for path in given:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
            if not found:
                raise _fail(f"no job files (*.yaml) in folder {path}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise _fail(f"job file not found: {path}")
    if not files:
        raise _fail("give a job with --job")
    return files


def _job_slugs(files: list[Path]) -> list[str]:
    """A folder name per job from its file name ("ML Engineer.yaml" -> ml-engineer), unique."""
    import re

    slugs: list[str] = []
    for path in files:
        base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "job"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.append(slug)
    return slugs


def _job_from_posting(path: Path, out: Path, quiet: bool):
    """Derive a job definition from a posting, print it and save it as OUT/job.yaml."""
    from .run.report import atomic_write, make_private_dir
    from .score.jobtext import load_posting

    definition, yaml_text = load_posting(path)
    make_private_dir(out)
    atomic_write(out / "job.yaml", yaml_text)
    if not quiet:
        sys.stderr.write(yaml_text + f"(saved as {out / 'job.yaml'})\n")
    return definition


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _run_with_progress(console, quiet, screening, input_dir, jobs=None):
    run = screening.run if jobs is None else (
        lambda folder, **kw: screening.run_jobs(folder, jobs, **kw)
    )  # fmt: skip
    if quiet or not console.is_terminal:
        return run(input_dir)
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
        task = progress.add_task("screen", total=None)
        return run(
            input_dir,
            progress=lambda _name: progress.advance(task),
            on_total=lambda n: progress.update(task, total=n),
        )


def _summary(console, report, rendered, out: Path) -> None:
    from rich.table import Table

    from .errors import REASONS

    table = Table(title=f"Shortlist: {_escape(report.job_title)}")
    for column in ("#", "file", "score", "missing", "flags"):
        table.add_column(column, overflow="fold")
    for rank, row in rendered.shortlisted:
        table.add_row(
            str(rank),
            _escape(row.files[0]),
            f"{row.score:.1f}",
            _escape(row.missing) or "-",
            _escape(row.flags) or "-",
        )
    console.print(table)
    flagged = sum(
        "hidden_text_dropped" in row.flags or "keyword_stuffing" in row.flags
        for _, row in rendered.shortlisted
    )
    if flagged:
        console.print(
            f"[yellow]{flagged} shortlisted resume(s) carry hidden text or keyword stuffing "
            "flags: look at them before deciding[/yellow]"
        )
    for f in report.failed:
        known = "" if f.first_time else " (known from an earlier run)"
        console.print(
            f"[yellow]failed[/yellow] {_escape(f.file)}: {f.reason} "
            f"({REASONS.get(f.reason, '')}){known}"
        )
    console.print(_escape(report.summary_text().rstrip()))
    if rendered.counts["disqualified"]:
        console.print(
            f"{rendered.counts['disqualified']} candidate(s) lack a must-have requirement and are "
            "ranked last (their scores and explanations are still in the files)"
        )
    console.print(
        f"wrote {_escape(str(out / 'report.html'))} (open it in a browser), shortlist.csv, "
        "shortlist.json and run_report.txt"
    )


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Resume files and/or folders.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file (JSON Lines).")
    ] = False,
    pdf_engine: PdfEngineOption = PdfEngine.pdfium,
    docx_engine: DocxEngineOption = DocxEngine.lxml,
    ocr: OcrOption = True,
    as_of: AsOfOption = None,
) -> None:
    """Print the skills, competencies, sections, contacts, job timeline and education found in
    each file, with evidence, per-skill months of use and flags (OCR, hidden text, stuffing)."""
    from .run.report import outcome_record
    from .run.screener import Screener, list_inputs

    files: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found = list_inputs(path)
            if not found:
                raise _fail(f"no files in folder {path}")
            files.extend(found)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise _fail(f"no such file or folder: {path}")
    screener = Screener(
        pdf_engine=pdf_engine.value, docx_engine=docx_engine.value, ocr=ocr, as_of=_as_of(as_of)
    )
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
    named = sum(1 for s in record["skills"] if s["count"])
    implied = len(record["skills"]) - named
    print(
        f"{record['file']}: {named} skills"
        + (f" (+{implied} implied by them)" if implied else "")
        + (f", {years:g} years of experience" if years is not None else "")
    )
    present = [cid for cid, c in record["competencies"].items() if c["present"]]
    print(f"  competencies: {', '.join(present) or 'none'}")
    names = [
        s["name"] + (f" ({s['months']} mo, last {s['last_used']})" if s["months"] else "")
        for s in record["skills"]
        if s["count"]
    ]
    print(f"  skills: {', '.join(names) or 'none'}")
    print(f"  sections: {', '.join(record['sections']) or 'none'}")
    for job in record["timeline"]:
        end = "present" if job["current"] else job["end"]
        what = " at ".join(x for x in (job["title"], job["organisation"]) if x) or "(untitled)"
        print(f"  job: {job['start']} – {end}  {what}")
    for edu in record["education"]:
        parts = (edu["degree"], edu["field"], edu["institution"], edu["end_year"])
        print("  education: " + ", ".join(str(x) for x in parts if x))
    flags = [
        f"{record['hidden_text_dropped']} hidden words dropped"
        if record["hidden_text_dropped"]
        else "",
        "keyword stuffing: " + ", ".join(record["keyword_stuffing"])
        if record["keyword_stuffing"]
        else "",
        f"OCR on {record['ocr_pages']} page(s)" if record["ocr"] else "",
    ]
    if any(flags):
        print(f"  flags: {'; '.join(f for f in flags if f)}")


@app.command()
def forget(
    store: Annotated[Path, typer.Option("--store", help="The SQLite store to erase from.")],
    sha256: Annotated[
        list[str] | None,
        typer.Option(
            "--sha256",
            "--id",
            help="Applicant to erase: the candidate id printed in the shortlist, or the full "
            "sha256 (a unique prefix). May be repeated.",
        ),
    ] = None,
    file: Annotated[
        list[str] | None,
        typer.Option("--file", help="A file name the applicant was seen under. May be repeated."),
    ] = None,
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days",
            min=1,
            help="Also erase applicants first seen more than N days ago (N >= 1).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be erased; erase nothing.")
    ] = False,
) -> None:
    """Erase applicants (right to erasure, retention) and rewrite the last outputs without them.

    Removes the applicant, every profile, score and file name, and their lines in run reports;
    the database is rewritten and the WAL truncated so nothing of theirs remains in either
    file. Prints exactly the ids erased. An id or file that matches nothing is an error (exit
    2) and nothing is erased.
    """
    from .records import candidate_id
    from .run.lock import StoreLocked
    from .run.nightly import forget as erase

    if not (sha256 or file or retention_days is not None):
        raise _fail("give --sha256/--id, --file or --retention-days")
    try:
        result = erase(store, sha256 or (), file or (), retention_days, dry_run)
    except FileNotFoundError:
        raise _fail(f"no store at {store}") from None
    except StoreLocked:
        _console(False).print(f"[yellow]another run holds {store}; nothing was done[/yellow]")
        raise typer.Exit(EXIT_TEMPFAIL) from None
    except (LookupError, ValueError) as exc:
        raise _fail(f"{exc}; nothing was erased") from None
    verb = "would erase" if result.dry_run else "erased"
    for sha in result.erased:
        print(f"{verb} {candidate_id(sha)}")
    message = f"{len(result.erased)} applicant(s) {verb}"
    if result.outputs_rewritten is not None:
        message += f"; outputs in {result.outputs_rewritten} rewritten"
    _console(False).print(_escape(message))


@app.command()
def report(
    store: Annotated[Path, typer.Option("--store", help="The SQLite store.")],
    since_last_run: Annotated[
        bool, typer.Option("--since-last-run", help="Only the applicants new in the last run.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Print the report of the last finished run kept in a store."""
    from .run.runreport import RunReport
    from .run.store import Store

    if not store.is_file():
        raise _fail(f"no store at {store}")
    db = Store(store)
    last = db.last_run()
    db.close()
    if last is None or last["report"] is None:
        raise _fail("the store has no finished run yet")
    run = RunReport.from_dict(last["report"])
    if as_json:
        data = run.to_dict()
        payload = data["new_since_last_run"] if since_last_run else data
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(run.new_text() if since_last_run else run.text())


@app.command()
def train(
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="Labelled CSV: id, split, text, one 0/1 "
            "column per competency (see models/training/).",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for model.skops, meta.json, card.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="word_lr, word_char_lr or word_char_svm; default: compare "
            "all on the dev split and keep the best",
        ),
    ] = None,
    version: Annotated[str, typer.Option("--version", help="Model version to record.")] = "1.0.0",
) -> None:
    """Train the competency classifier on your own labelled sentences."""
    from .skills.classify import ModelError
    from .skills.lexicon import default_lexicon
    from .skills.modelcard import write_card
    from .skills.train import CANDIDATES
    from .skills.train import train as run_training

    if kind is not None and kind not in CANDIDATES:
        raise _fail(f"--kind must be one of {', '.join(CANDIDATES)}")
    if not data.is_file():
        raise _fail(f"no such file: {data}")
    try:
        meta = run_training(data, out, default_lexicon(), kind=kind, version=version)
    except ModelError as exc:
        raise _fail(str(exc)) from None
    write_card(out, meta)
    test = meta["metrics"]["test"]
    _console(False).print(
        f"trained {meta['kind']} on {meta['rows']['train']} sentences; test macro-F1: "
        f"combined {test['combined']['macro']['f1']:.3f}, matcher only "
        f"{test['matcher_only']['macro']['f1']:.3f}; wrote {out}"
    )


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="A model folder (with meta.json).")],
    data: Annotated[Path, typer.Option("--data", help="Labelled CSV in the training format.")],
    split: Annotated[
        str | None, typer.Option("--split", help="Only rows of this split (train, dev, test).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Per-competency precision, recall and F1 of a model (and of the matcher alone)."""
    from .skills.classify import ModelError, load_model
    from .skills.lexicon import default_lexicon
    from .skills.train import evaluate as run_evaluation
    from .skills.train import metrics_table

    try:
        loaded = load_model(model)
        metrics = run_evaluation(loaded, data, default_lexicon(), split=split)
    except ModelError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
    else:
        sys.stdout.write(f"{metrics['rows']} rows\n{metrics_table(metrics)}\n")


@app.command()
def explain(
    candidate: Annotated[str, typer.Argument(help="Candidate id (or sha256, or a unique prefix).")],
    store: Annotated[Path, typer.Option("--store", help="The SQLite store of the runs.")],
    run: Annotated[
        int | None, typer.Option("--run", help="A run number [default: the last that ranked it].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Show a recorded decision: the run, its versions and job, the candidate's score and the
    evidence for each requirement, re-scored from the stored profile to show it reproduces."""
    from .run.explain import explain as explain_decision

    try:
        found = explain_decision(store, candidate, run)
    except (FileNotFoundError, LookupError, ValueError) as exc:
        raise _fail(str(exc).strip("'\"")) from None
    if as_json:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(found.text())
    if found.reproduced is False:
        raise typer.Exit(1)


job_app = typer.Typer(
    help="Job definitions: derive one from a job posting.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(job_app, name="job")


@job_app.command("from-text")
def job_from_text_command(
    posting: Annotated[Path, typer.Argument(help="A job posting as plain text.")],
) -> None:
    """Print the job definition a posting asks for (YAML, for a person to review): its
    requirements and nice-to-haves, skills from the lexicon, years, and the role title."""
    from .errors import JobDefinitionError, LexiconError
    from .score.jobtext import load_posting

    try:
        _, yaml_text = load_posting(posting)
    except (JobDefinitionError, LexiconError) as exc:
        raise _fail(str(exc)) from None
    sys.stdout.write(yaml_text)


audit_app = typer.Typer(
    help="Fairness audits: counterfactual rewrites of resumes, adverse impact by group.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(audit_app, name="audit")


@audit_app.command("counterfactual")
def audit_counterfactual(
    input_dir: Annotated[Path, typer.Argument(help="Folder of resumes to rewrite and rescore.")],
    job: Annotated[Path, typer.Option("--job", help="Job definition YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="The date 'Present' means, YYYY-MM-DD [default: today]."),
    ] = None,
) -> None:
    """Rewrite each resume with other names, pronouns, gendered words, graduation years and
    addresses, score every version, and report any change of score, rank or competency.
    Exits 1 when anything changed."""
    from .audit.counterfactual import run_counterfactual
    from .errors import JobDefinitionError
    from .score.job import load_job

    if not input_dir.is_dir():
        raise _fail(f"not a folder: {input_dir}")
    try:
        definition = load_job(job)
    except JobDefinitionError as exc:
        raise _fail(str(exc)) from None
    report = run_counterfactual(input_dir, definition, as_of=_as_of(as_of))
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(report.text())
    if report.changes:
        raise typer.Exit(1)


@audit_app.command("impact")
def audit_impact(
    results: Annotated[
        Path, typer.Option("--results", help="An output folder of `screen` (shortlist.json).")
    ],
    demographics: Annotated[
        Path,
        typer.Option(
            "--demographics",
            help="CSV: candidate_id or file, then self-reported columns (e.g. sex, "
            "race_ethnicity). Read for this audit only; never stored.",
        ),
    ],
    min_group: Annotated[
        int, typer.Option("--min-group", min=1, help="Groups smaller than this are not rated.")
    ] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the audit as JSON.")] = False,
) -> None:
    """Selection and scoring rates per group and intersection, impact ratios against the
    most selected group, the four-fifths flag and Fisher's exact p."""
    from .audit.impact import AuditInputError, impact_audit

    try:
        audit = impact_audit(results, demographics, min_group=min_group)
    except AuditInputError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        sys.stdout.write(json.dumps(audit.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(audit.text())


def main() -> None:
    """Console-script entry point; usage errors exit 2."""
    os.umask(0o077)  # everything written (store, WAL, reports) holds applicants' data
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
