"""Two versions of the pipeline side by side in one process: this tree and an older checkout.

Prints figures; it is not a test. The older tree's `pipeline` package is imported under
another name (its imports are relative, so it runs as it is) and the two screeners take turns
every ten files (throughput.py's `interleaved`), so both see the machine as it is within a
second of each other: on a shared machine whose speed drifts by a third, runs made one after
the other cannot show a change of a few per cent. Optionally, milliseconds per resume in named
functions of both trees. Each side says whether its compiled loops loaded: build the older
tree's own (a library of another version is not loaded, and its Python twins would run).

    git worktree add /tmp/old <commit>
    cc -O2 -ffp-contract=off -shared -fPIC -o /tmp/old/pipeline/_native.so \
        /tmp/old/pipeline/_native.c -lm
    python benchmarks/compare_trees.py /tmp/old --kind pdf --passes 3 \
        --time read.pdf_pdfium:read_words --time run.screener:Screener.extract

Uses ../shared/data/livecareer for PDFs (generated PDFs without it) and generated DOCX.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import SHARED, generated_docx, generated_pdfs, interleaved, sample  # noqa: E402

OLD_NAME = "pipeline_old"


def load_old(tree: Path):
    """The older tree's package as `pipeline_old`, through a folder holding only a link to it."""
    package = tree / "pipeline"
    if not (package / "__init__.py").is_file():
        raise SystemExit(f"{tree} holds no pipeline package")
    links = Path(tempfile.mkdtemp())
    (links / OLD_NAME).symlink_to(package.resolve())
    sys.path.insert(0, str(links))
    # spaCy keeps one registry of pipeline components: the second tree's "skill_matcher"
    # factory is not registered again (the screeners do not use it).
    from spacy.language import Language

    register = Language.factory.__func__

    def once(cls, name, *args, **kwargs):
        if Language.has_factory(name):
            return lambda function: function
        return register(cls, name, *args, **kwargs)

    Language.factory = classmethod(once)
    return importlib.import_module(OLD_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="a checkout of the older tree")
    parser.add_argument("--kind", choices=("pdf", "docx"), default="pdf")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument(
        "--time",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="a function to time in both trees, e.g. read.layout:order_page or "
        "run.screener:Screener.extract (repeatable)",
    )
    args = parser.parse_args()

    import pipeline

    old = load_old(args.old)
    tmp = tempfile.TemporaryDirectory()
    livecareer = SHARED / "livecareer" / "pdf"
    if args.kind == "docx":
        files = generated_docx(Path(tmp.name), args.files)
    elif livecareer.is_dir():
        files = sample(list(livecareer.glob("*/*.pdf")), args.files)
    else:
        print("../shared/data absent: generated PDFs")
        files = generated_pdfs(Path(tmp.name), args.files)

    spent: dict[tuple[str, str], float] = {}

    def timed(side: str, name: str, function):
        def wrapper(*a, **k):
            began = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                key = (side, name)
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - began

        return wrapper

    screeners = {}
    for side, package in (("old", old), ("new", pipeline)):
        for name in args.time:
            module_name, attribute = name.split(":")
            owner = importlib.import_module(f"{package.__name__}.{module_name}")
            *path, last = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            setattr(owner, last, timed(side, name, getattr(owner, last)))
        job = package.load_job(ROOT / "examples" / "jobs" / "ml-engineer.yaml")
        screener = package.Screener(job, ocr=False)
        for path in files[:20]:  # warm caches
            screener.score(screener.extract(path))
        screeners[side] = screener
        compiled = importlib.import_module(f"{package.__name__}.native").library() is not None
        print(f"{side} tree: compiled loops {'loaded' if compiled else 'not loaded'}")
    spent.clear()

    def screen_with(side: str):
        screener = screeners[side]
        return lambda path: screener.score(screener.extract(path))

    old_rates, new_rates = interleaved([screen_with("old"), screen_with("new")], files, args.passes)
    ratios = [b / a for a, b in zip(old_rates, new_rates, strict=True)]
    for a, b, ratio in zip(old_rates, new_rates, ratios, strict=True):
        print(f"old {a:.1f}/s, new {b:.1f}/s: new / old {ratio:.3f}")
    print(f"median new / old over {args.passes} passes: {statistics.median(ratios):.3f}")
    resumes = len(files) * args.passes
    for name in args.time:
        before = 1000 * spent.get(("old", name), 0.0) / resumes
        after = 1000 * spent.get(("new", name), 0.0) / resumes
        print(f"  {name:<45} old {before:7.2f}  new {after:7.2f} ms per resume")
    tmp.cleanup()


if __name__ == "__main__":
    main()
