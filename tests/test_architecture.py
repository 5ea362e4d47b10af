"""The layout's rules: stages import downwards only, and `import pipeline` stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
# Lower numbers are lower stages; a module may import its own stage and the ones below.
STAGES = {
    "errors": 0,
    "version": 0,
    "native": 0,  # the compiled loops (reading, word model, classifier arithmetic)
    "records": 0,
    "text": 0,
    "read": 1,
    "understand": 2,
    "skills": 3,
    "score": 4,
    "run": 5,
    "audit": 6,  # audits read runs' outputs and may run the screener
    "cli": 7,
    "__main__": 8,
    "__init__": 8,  # the public API re-exports from every stage (lazily)
}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, int]]:
    """(absolute module imported, line) for every pipeline import in a file."""
    package = list(path.relative_to(ROOT).parts[:-1])  # a module's or an __init__'s package
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                if node.module is None:  # from . import x
                    out += [(f"{target}.{a.name}", node.lineno) for a in node.names]
                    continue
            else:
                target = node.module or ""
            if target.startswith("pipeline"):
                out.append((target, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.startswith("pipeline")]
    return out


def test_imports_point_down_only():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        here = STAGES[_stage(module)]
        for target, line in _imports(path):
            if target == "pipeline":
                target = "pipeline.__init__"
            there = STAGES.get(_stage(target))
            assert there is not None, f"{path}:{line} imports unknown {target}"
            if there > here:
                upward.append(f"{path.relative_to(ROOT)}:{line} -> {target}")
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def test_each_stage_says_its_job():
    for stage in ("text", "read", "understand", "skills", "score", "run"):
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert doc and len(doc.splitlines()[0]) > 20, stage


def test_import_pipeline_is_light():
    code = (
        "import sys, pipeline\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'pypdfium2', 'pdfplumber', 'numpy') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
