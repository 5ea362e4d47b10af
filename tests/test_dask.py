"""The Dask backend: the same per-file work on a LocalCluster gives the same shortlist."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, pdf_single_column, text_file
from typer.testing import CliRunner

from pipeline.cli import app

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
runner = CliRunner()


def test_local_cluster_matches_local_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        text_file(folder / f"cv-{i}.txt", f"SKILLS\nPython, Pandas, SQL and AWS, team {i}.\n")
    pdf_single_column(folder / "cv.pdf", ["SKILLS", "Python, PyTorch, Docker on AWS"] * 3)
    (folder / "empty.pdf").write_bytes(b"")
    local = tmp_path / "local"
    assert (
        runner.invoke(
            app,
            ["screen", str(folder), "--job", str(JOB), "--out", str(local), "-q", "--workers", "0"],
        ).exit_code
        == 1
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = tmp_path / "dask"
        result = runner.invoke(
            app,
            [
                "screen",
                str(folder),
                "--job",
                str(JOB),
                "--out",
                str(remote),
                "-q",
                "--backend",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
            ],
        )
        assert result.exit_code == 1, result.output
    for name in ("shortlist.json", "shortlist.csv"):
        assert (remote / name).read_bytes() == (local / name).read_bytes()


def test_local_path_does_not_import_dask(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(
        folder / "cv.txt", "SKILLS\nPython, SQL and Pandas for reporting pipelines at a bank.\n"
    )
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pipeline.cli import app\n"
        f"r = CliRunner().invoke(app, ['screen', {str(folder)!r}, '--job', {str(JOB)!r}, "
        f"'--out', {str(tmp_path / 'out')!r}, '-q'])\n"
        "assert r.exit_code == 0, r.output\n"
        # scikit-learn's array-API layer may import dask itself when it is installed;
        # our side must not load the distributed client or the Dask backend.
        "assert 'distributed' not in sys.modules\n"
        "assert 'pipeline.run.dask_backend' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_limits_hold_on_dask_workers(tmp_path, tiny_lexicon, monkeypatch):
    """A file that hangs and one that allocates fail with their reasons on the cluster, as they
    do on local workers; the other files are scored."""
    from pipeline.run.dask_backend import DaskPool
    from pipeline.run.workers import Limits, WorkerConfig

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("good.txt", "hang.txt", "hog.txt"):
        text_file(folder / name, "SKILLS\nPython, Pandas and SQL for data pipelines.\n")
    # tests/faults.py makes these two misbehave inside the isolated worker process.
    monkeypatch.setenv("FAULTS", "hang.txt:hang,hog.txt:memory")
    config = WorkerConfig(
        tiny_lexicon.path, None, "pdfium", "lxml", None, screener_factory="faults:faulty_screener"
    )
    # The timeout leaves room for the isolated child's start-up on a loaded machine (the
    # allocating file must reach its memory cap before the clock runs out).
    limits = Limits(memory_mb=400, cpu_seconds=10, timeout=20)
    paths = sorted(str(p) for p in folder.iterdir())
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        results = dict(DaskPool(cluster.scheduler_address, config, limits).map(paths))
    by_name = {paths[i].rsplit("/", 1)[1]: outcome for i, outcome in results.items()}
    assert by_name["good.txt"].status == "scored"
    assert by_name["hang.txt"].reason == "timeout"
    assert by_name["hog.txt"].reason in ("memory_limit", "worker_killed")
