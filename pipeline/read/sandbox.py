"""Run an external converter (antiword, LibreOffice, Tesseract) on a resume's bytes, in its own
process group, with a timeout that kills the whole group, dying with the worker that started it.

The bytes are handed over in an anonymous in-memory file (`memfd`, read as /dev/fd/N), or for
tools that need a path, in a private file in memory (/dev/shm): the converter reads exactly the
bytes that were hashed, and no name can be swapped for a link or mislead the tool about the
format.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import ParseError


def die_with_parent(args: list[str]) -> list[str]:
    """Prefix a command with util-linux `setpriv --pdeathsig KILL` when it is installed, so a
    converter or Tesseract dies with the worker that started it (a worker killed for a
    timeout must not leave it running)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *args] if setpriv else args


@contextlib.contextmanager
def bytes_as_fd(data: bytes) -> Iterator[int]:
    """An open, read-only-by-convention descriptor holding `data`, positioned at 0."""
    fd = os.memfd_create("resume", 0)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def bytes_as_file(data: bytes) -> Iterator[Path]:
    """A private file holding `data`, for tools that open a path by name (LibreOffice resolves
    /dev/fd/N to the memfd's pseudo name and cannot open it). It lives in memory (/dev/shm)
    where there is one, in a folder only this user can enter, and is removed afterwards."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="pipeline-", dir=base) as folder:
        os.chmod(folder, 0o700)
        path = Path(folder) / "resume"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        yield path


def run(
    args: list[str],
    timeout: float,
    fd: int | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> tuple[int, bytes, bytes]:
    """Run a tool (reading descriptor `fd`, or `stdin`) in its own process group; the whole
    group is killed on timeout (ParseError "timeout"), and with util-linux setpriv the tool is
    killed if this process dies. Returns (exit status, stdout, stderr)."""
    tool = Path(args[0]).name
    proc = subprocess.Popen(
        die_with_parent(args),
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(fd,) if fd is not None else (),
        start_new_session=True,
        env={**os.environ, **env} if env else None,
    )
    try:
        out, err = proc.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise ParseError("timeout", f"{tool} ran over {timeout:g} s") from None
    except BaseException:
        kill_group(proc)
        raise
    return proc.returncode, out, err


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
