"""The labelled real-resume development set: which files, where their text comes from.

The resumes themselves stay in the shared data folder (third-party, not redistributable);
the repo holds their ids, sha256 and labels (models/devset/). This module selects the files,
reads a resume's text back from the shared folder and checks it is the file that was
labelled.

    python -m pipeline.skills.devset select            # writes models/devset/resumes.csv
    python -m pipeline.skills.devset dump OUT_DIR      # one text file per resume, for labelling
    python -m pipeline.skills.devset units OUT_DIR     # sample real sentences/bullets for labelling
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
DEVSET_DIR = ROOT / "models" / "devset"
FOLDS = 5
PER_OTHER_CATEGORY = 3  # livecareer files from each category other than IT and engineering
ALL_OF = ("INFORMATION-TECHNOLOGY", "ENGINEERING")
# The same person twice in layouts/ (a DOCX and a PDF, or two versions): one group, so
# both land in the same cross-validation fold.
_SAME_PERSON = {
    "Arjun_Krishnamurthy_Java_Developer_Resume.pdf": "arjun-krishnamurthy",
    "Arjun_Krishnamurthy_Java_Developer_Resume_v2.docx": "arjun-krishnamurthy",
    "Python_Developer_Resume.pdf": "python-developer",
    "Python_Developer_Resume_.docx": "python-developer",
    "Rahul_Venkataraman_Data_Engineer_Resume.docx": "rahul-venkataraman",
    "Rahul_Venkataraman_Data_Engineer_Resume.pdf": "rahul-venkataraman",
    "08_Ravi_Shankar_Full_Resume.docx": "ravi-shankar",
    "08_Ravi_Shankar_Telecom_Data_Engineer.docx": "ravi-shankar",
    "resume_01_alex_morgan_engineering_director.docx": "alex-morgan",
    "alex_morgan_engineering_director.docx": "alex-morgan",
    "chrono_04_Sofia_Ricci_Timeline_Ruled.docx": "sofia-ricci",
    "resume_04_Sofia_Ricci.docx": "sofia-ricci",
    "chrono_06_Aisha_Patel_Clean_Minimal.docx": "aisha-patel",
    "resume_06_Aisha_Patel.docx": "aisha-patel",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One resume of the development set."""

    id: str  # "kg-<id>", "lc-<id>" or "ly-<sha256 prefix>"
    source: str  # kaggle-resumes, livecareer or layouts
    path: str  # relative to the shared data folder ("resumes.csv#<id>" for kaggle)
    category: str
    sha256: str  # of the file's bytes (of the resume text for kaggle)
    group: str  # the person: entries of one group share a fold
    fold: int


_GLUED_HEADING = re.compile(r"(\S)((?:Company|Education|Skill|Project) Details)[ \t]*$", re.M)


def shared_data() -> Path | None:
    """The shared data folder ($PIPELINE_SHARED_DATA, or ../shared/data beside the repo)."""
    configured = os.environ.get("PIPELINE_SHARED_DATA")
    folder = Path(configured) if configured else ROOT.parent / "shared" / "data"
    return folder if folder.is_dir() else None


def fold_of(group: str) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % FOLDS


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kaggle_rows(data: Path) -> dict[str, dict[str, str]]:
    with open(data / "kaggle-resumes" / "resumes.csv", encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def select(data: Path) -> list[Entry]:
    """Every kaggle resume, every livecareer IT and engineering resume plus
    PER_OTHER_CATEGORY of each other category (the lowest sha256 of the id, so not picked by
    hand), and every layouts file."""
    entries: list[Entry] = []
    for rid, row in sorted(kaggle_rows(data).items()):
        digest = hashlib.sha256(row["resume"].encode("utf-8")).hexdigest()
        eid = f"kg-{rid}"
        path = f"kaggle-resumes/resumes.csv#{rid}"
        entries.append(Entry(eid, "kaggle-resumes", path, row["category"], digest, eid, 0))
    with open(data / "livecareer" / "labels.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    for category, members in sorted(by_category.items()):
        if category not in ALL_OF:
            members = sorted(members, key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
            members = members[:PER_OTHER_CATEGORY]
        for row in sorted(members, key=lambda r: r["id"]):
            resume_path = data / "livecareer" / row["file"]
            eid = f"lc-{row['id']}"
            entries.append(
                Entry(eid, "livecareer", f"livecareer/{row['file']}", category,
                      _sha256_file(resume_path), eid, 0)
            )  # fmt: skip
    with open(data / "layouts" / "files.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in sorted(rows, key=lambda r: r["file"]):
        name = Path(row["file"]).name
        eid = f"ly-{row['sha256'][:12]}"
        group = _SAME_PERSON.get(name, eid)
        kind = Path(name).suffix.lstrip(".").lower()
        entries.append(
            Entry(eid, "layouts", f"layouts/{row['file']}", kind, row["sha256"], group, 0)
        )
    return [
        Entry(e.id, e.source, e.path, e.category, e.sha256, e.group, fold_of(e.group))
        for e in entries
    ]


def write_entries(entries: list[Entry], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "source", "path", "category", "sha256", "group", "fold"])
        for e in entries:
            writer.writerow([e.id, e.source, e.path, e.category, e.sha256, e.group, e.fold])


def read_entries(path: Path | None = None) -> list[Entry]:
    path = path or DEVSET_DIR / "resumes.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Entry(r["id"], r["source"], r["path"], r["category"], r["sha256"], r["group"],
                  int(r["fold"]))
            for r in csv.DictReader(handle)
        ]  # fmt: skip


class Texts:
    """Reads development-set resumes from the shared data folder, checking each one is the
    file that was labelled (sha256). Parsed documents are cached for the process."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self._kaggle: dict[str, dict[str, str]] | None = None

    def kaggle(self, rid: str) -> str:
        if self._kaggle is None:
            self._kaggle = kaggle_rows(self.data)
        return self._kaggle[rid]["resume"]

    def path(self, entry: Entry) -> Path:
        return self.data / entry.path

    def text(self, entry: Entry) -> str:
        """The resume's text as the parser reads it (kaggle rows are text already)."""
        return self.document(entry).text

    def document(self, entry: Entry, check: bool = True):
        from ..read import parse
        from ..records import Document, Line
        from ..text.normalize import normalize_line

        if entry.source == "kaggle-resumes":
            text = self.kaggle(entry.path.split("#", 1)[1])
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != entry.sha256:
                raise ValueError(f"{entry.id}: the kaggle row changed since it was labelled")
            # The Kaggle export lost the line break before some of its section headings
            # ("...24 monthsCompany Details"); put it back so the heading is a line.
            text = _GLUED_HEADING.sub(r"\1\n\2", text)
            normalised = (normalize_line(line) for line in text.splitlines())
            lines = tuple(Line(text=line) for line in normalised if line)
            return Document(entry.id, entry.sha256, "text", "text", lines)
        document = parse(self.path(entry))
        if check and document.sha256 != entry.sha256:
            raise ValueError(f"{entry.id}: the file changed since it was labelled")
        return document


UNITS_CSV = ROOT / "models" / "training" / "real_units.csv"
UNITS_FROM_OTHER_FILES = 80  # per livecareer category, from files outside the dev set
UNITS_PER_DEV_DOC = 4  # at most, from each dev-set resume (half of them naming a skill)


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence or bullet of a real resume: where it is, and a hash to check it."""

    id: str  # "<doc id>:<start>"
    doc: str  # dev-set id, or "lc-<id>" of a livecareer file outside the dev set
    path: str  # relative to the shared data folder
    sha256: str  # of the file (or kaggle text)
    start: int  # char offsets into the document's analysed text
    end: int
    digest: str  # sha1 of the unit's whitespace-collapsed text, first 12 hex digits
    fold: int  # the dev-set fold of its document, -1 when the document is not in the set


def unit_text(layout_text: str, start: int, end: int) -> str:
    return " ".join(layout_text[start:end].split())


def unit_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def document_units(document) -> list[tuple[int, int, str]]:
    """(start, end, text) of the units the competency classifier sees in a document."""
    from ..understand.segment import analyse

    layout = analyse(document)
    out = []
    for a, b in zip(layout.unit_starts, layout.unit_ends, strict=True):
        text = unit_text(layout.text, a, b)
        if len(text) >= 3 and any(ch.isalpha() for ch in text):
            out.append((a, b, text))
    return out


def sample_units(data: Path) -> list[tuple[Unit, str]]:
    """Real units to label: UNITS_FROM_OTHER_FILES per livecareer category from files outside
    the dev set (mostly other professions: hard negatives), and up to UNITS_PER_DEV_DOC from
    each dev-set resume, half of them naming a skill of the lexicon. Chosen by hash order."""
    from .lexicon import default_lexicon
    from .matcher import SkillMatcher

    matcher = SkillMatcher(default_lexicon())
    texts = Texts(data)
    dev = read_entries()
    in_dev = {e.path for e in dev}

    def key(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()

    def usable(text: str) -> bool:
        return 15 <= len(text) <= 400 and len(text.split()) >= 3

    out: list[tuple[Unit, str]] = []
    with open(data / "livecareer" / "labels.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if f"livecareer/{r['file']}" not in in_dev]
    by_category: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    for _category, members in sorted(by_category.items()):
        taken = 0
        for row in sorted(members, key=lambda r: key(r["id"])):
            if taken >= UNITS_FROM_OTHER_FILES:
                break
            path = f"livecareer/{row['file']}"
            entry = Entry(f"lc-{row['id']}", "livecareer", path, row["category"], "", "", -1)
            try:
                document = texts.document(entry, check=False)
            except Exception:  # no text layer or damaged: not a source of sentences
                continue
            units = [u for u in document_units(document) if usable(u[2])]
            for a, b, text in sorted(units, key=lambda u: key(f"{entry.id}:{u[0]}"))[:4]:
                unit = Unit(f"{entry.id}:{a}", entry.id, path, document.sha256, a, b,
                            unit_digest(text), -1)  # fmt: skip
                out.append((unit, text))
                taken += 1
    for entry in dev:
        document = texts.document(entry)
        units = [u for u in document_units(document) if usable(u[2])]
        units.sort(key=lambda u: key(f"{entry.id}:{u[0]}"))
        with_skill = [u for u in units if matcher.find(u[2])]
        chosen = with_skill[: UNITS_PER_DEV_DOC // 2]
        chosen += [u for u in units if u not in chosen][: UNITS_PER_DEV_DOC - len(chosen)]
        for a, b, text in sorted(chosen):
            unit = Unit(f"{entry.id}:{a}", entry.id, entry.path, entry.sha256, a, b,
                        unit_digest(text), entry.fold)  # fmt: skip
            out.append((unit, text))
    return out


def write_units(units: list[Unit], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["id", "doc", "path", "sha256", "start", "end", "digest", "fold"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        for u in units:
            writer.writerow([getattr(u, f) for f in fields])


def read_units(path: Path | None = None) -> list[Unit]:
    with open(path or UNITS_CSV, encoding="utf-8", newline="") as handle:
        return [
            Unit(r["id"], r["doc"], r["path"], r["sha256"], int(r["start"]), int(r["end"]),
                 r["digest"], int(r["fold"]))
            for r in csv.DictReader(handle)
        ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = shared_data()
    if data is None:
        print("the shared data folder is absent (set PIPELINE_SHARED_DATA)", file=sys.stderr)
        return 2
    if args[:1] == ["select"]:
        entries = select(data)
        write_entries(entries, DEVSET_DIR / "resumes.csv")
        print(f"{len(entries)} resumes written to {DEVSET_DIR / 'resumes.csv'}")
        return 0
    if args[:1] == ["dump"] and len(args) == 2:
        out = Path(args[1])
        out.mkdir(parents=True, exist_ok=True)
        texts = Texts(data)
        for entry in read_entries():
            (out / f"{entry.id}.txt").write_text(texts.text(entry), encoding="utf-8")
        print(f"texts written to {out}")
        return 0
    if args[:1] == ["units"] and len(args) == 2:
        out = Path(args[1])
        out.mkdir(parents=True, exist_ok=True)
        sampled = sample_units(data)
        write_units([u for u, _ in sampled], UNITS_CSV)
        with open(out / "units.tsv", "w", encoding="utf-8") as handle:
            for unit, text in sampled:
                handle.write(f"{unit.id}\t{text}\n")
        print(f"{len(sampled)} units written to {UNITS_CSV} (texts in {out / 'units.tsv'})")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
