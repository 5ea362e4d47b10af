"""Build step: compile pipeline/_native.c into a shared library beside it, and
pipeline/_objects.c into an extension module beside it.

Both are optional. Without a C compiler (or the Python headers, for _objects.c; or when
compiling fails) the package is built without them and their Python twins run, slower; the
build says so on stderr. Set PIPELINE_NO_C=1 to build without them on purpose.
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
OBJECTS_SOURCE = "pipeline/_objects.c"
OBJECTS_MODULE = "pipeline/_objects"  # + the interpreter's extension suffix; imported


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
    command = [*compiler, *_FLAGS, "-o", str(library), str(source), "-lm"]
    return library if _ran(command, SOURCE) else None


# -ffp-contract=off: no fused multiply-adds, so floating point rounds as numpy and Python do.
_FLAGS = ("-O2", "-ffp-contract=off", "-shared", "-fPIC")


def _ran(command: list[str], source: str) -> bool:
    """Run a compiler command; False, with its message on stderr, when it fails."""
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"note: compiling {source} failed; built without it:\n{detail}", file=sys.stderr)
        return False
    return True


def compile_objects(root: Path) -> Path | None:
    """Compile _objects.c into an extension module of this interpreter (root/OBJECTS_MODULE
    plus its suffix); return its path, or None (with the reason on stderr)."""
    source = root / OBJECTS_SOURCE
    module = root / (OBJECTS_MODULE + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    compiler = _compiler()
    include = sysconfig.get_paths().get("include", "")
    if compiler is None or not (Path(include) / "Python.h").is_file():
        print(
            f"note: no C compiler or no Python headers; {OBJECTS_SOURCE} not built "
            "(slower PDF reading and layout)",
            file=sys.stderr,
        )
        return None
    command = [*compiler, *_FLAGS, f"-I{include}"]
    if sys.platform == "darwin":  # the interpreter's symbols are found when it loads the module
        command += ["-undefined", "dynamic_lookup"]
    command += ["-o", str(module), str(source)]
    return module if _ran(command, OBJECTS_SOURCE) else None


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or os.environ.get("PIPELINE_NO_C") == "1":
            return
        root = Path(self.root)
        built = [path for path in (compile_loops(root), compile_objects(root)) if path]
        if not built:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install reads them from the source tree
            for path in built:
                build_data["force_include"][str(path)] = str(path.relative_to(root))
