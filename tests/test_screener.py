"""The library API: Screener over files, failures as outcomes, no resume text in errors."""

from __future__ import annotations

import logging
from datetime import date

from conftest import pdf_single_column, text_file

import pipeline
from pipeline import Screener, job_from_dict


def make_job(lexicon):
    return job_from_dict({"title": "ML", "required": ["python", "pytorch"]}, lexicon)


def test_library_screen(tmp_path, tiny_lexicon):
    good = pdf_single_column(tmp_path / "a.pdf", ["SKILLS", "Python, PyTorch, Pandas"] * 3)
    weak = text_file(tmp_path / "b.txt", "Barista who makes very good coffee every morning.\n")
    screener = Screener(make_job(tiny_lexicon), lexicon=tiny_lexicon, top=1, as_of=date(2026, 1, 1))
    shortlist = screener.screen([weak, good])
    assert [o.source for o in shortlist.ranked] == ["a.pdf", "b.txt"]
    assert [o.source for o in shortlist.shortlisted()] == ["a.pdf"]
    assert shortlist.counts == {"entries": 2, "scored": 2, "failed": 0, "shortlisted": 1}
    assert shortlist.versions["lexicon"] == "0.0.1-test"


def test_internal_error_is_contained_and_says_nothing_of_the_text(
    tmp_path, tiny_lexicon, monkeypatch, caplog
):
    import pipeline.read as parsers

    def boom(source, **engines):
        raise RuntimeError("SECRET resume text: Jane Example, 42 Elm Street")

    monkeypatch.setattr(parsers, "parse_source", boom)
    caplog.set_level(logging.DEBUG, logger="pipeline")
    good = text_file(
        tmp_path / "a.txt", "Python developer with PyTorch experience and more text.\n"
    )
    outcome = Screener(make_job(tiny_lexicon), lexicon=tiny_lexicon).extract(good)
    assert outcome.status == "failed" and outcome.reason == "internal_error"
    assert outcome.detail == "RuntimeError"
    assert "SECRET" not in caplog.text and "Elm" not in caplog.text


def test_public_names_resolve():
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None
    assert callable(pipeline.parse) and pipeline.parse.__module__ == "pipeline.read"


def test_write_shortlist_from_the_library_lists_every_name_of_a_copy(tmp_path, tiny_lexicon):
    import json

    folder = tmp_path / "in"
    folder.mkdir()
    good = pdf_single_column(folder / "a.pdf", ["SKILLS", "Python, PyTorch, Pandas"] * 3)
    (folder / "copy-of-a.pdf").write_bytes(good.read_bytes())
    screener = Screener(make_job(tiny_lexicon), lexicon=tiny_lexicon, as_of=date(2026, 1, 1))
    pipeline.write_shortlist(screener.screen(folder), tmp_path / "out")
    data = json.loads((tmp_path / "out" / "shortlist.json").read_text())
    assert [c["files"] for c in data["candidates"]] == [["a.pdf", "copy-of-a.pdf"]]
