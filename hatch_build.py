"""Build step: compile pipeline/_native.c into a shared library beside it.

The library is optional. Without a C compiler (or when compiling fails) the package is
built without it and pdf_pdfium.py makes the same PDFium calls from Python, slower; the
build says so on stderr. Set PIPELINE_NO_C=1 to build without it on purpose.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "pipeline/_native.c"
LIBRARY = "pipeline/_native.so"  # loaded by ctypes, not imported: no Python API


def _compiler() -> list[str] | None:
    configured = (sysconfig.get_config_var("CC") or "").split()
    for candidate in (configured, [os.environ.get("CC", "")], ["cc"], ["gcc"], ["clang"]):
        if candidate and candidate[0] and shutil.which(candidate[0]):
            return candidate
    return None


def compile_loops(root: Path) -> Path | None:
    """Compile the loops into root/LIBRARY; return its path, or None (with the reason on
    stderr) when there is no compiler or it fails."""
    source, library = root / SOURCE, root / LIBRARY
    compiler = _compiler()
    if compiler is None:
        print(
            f"note: no C compiler found; {SOURCE} not built (slower PDF reading)", file=sys.stderr
        )
        return None
    command = [
        *compiler,
        "-O2",
        "-ffp-contract=off",
        "-shared",
        "-fPIC",
        "-o",
        str(library),
        str(source),
        "-lm",
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"note: compiling {SOURCE} failed; built without it:\n{detail}", file=sys.stderr)
        return None
    return library


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or os.environ.get("PIPELINE_NO_C") == "1":
            return
        library = compile_loops(Path(self.root))
        if library is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install reads it from the source tree
            build_data["force_include"][str(library)] = LIBRARY
