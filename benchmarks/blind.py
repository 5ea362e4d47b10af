"""What blind review takes out of the evidence a shortlist shows, and what it must not.

Scores every dev-set resume in ../shared/data (kaggle-resumes, livecareer, layouts; read in
place, nothing copied) and the fictional examples/resumes/ against examples/jobs/ml-engineer.yaml
exactly as the screener does, then compares `candidate_entry(outcome)` with
`candidate_entry(outcome, blind=True)`:

1. identity removal: the name words, e-mails, phones and location the contacts found, present
   in the plain evidence and still present in the blind evidence; and, for names the contacts
   missed, the words of a name-like first line (2-4 capitalised words);
2. skills lost: (resume, skill) pairs whose surface is in the plain evidence and not in the
   blind evidence (target 0), with the placeholder that replaced it;
3. scores unchanged (everything but the evidence must be equal);
4. placeholders used, per kind.

Prints counts, skill surfaces and placeholder names only: never other resume text.
Run: python benchmarks/blind.py [--limit N]
"""

from __future__ import annotations

import argparse
import collections
import difflib
import re
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOB = ROOT / "examples" / "jobs" / "ml-engineer.yaml"
EXAMPLES = ROOT / "examples" / "resumes"
SOURCES = ("examples", "kaggle-resumes", "livecareer", "layouts")
PLACEHOLDER = re.compile(
    r"\[(?:name|e-mail|phone|link|place|pronoun|title|gendered word|date of birth|age|year)\]"
)
CAPITALISED = re.compile(r"[A-Z][A-Za-z'’.\-]*")


@dataclass
class Tally:
    resumes: int = 0
    failed: int = 0
    with_name: int = 0
    # identity strings (resume, string) by kind: present in plain evidence / still in blind
    plain: collections.Counter[str] = field(default_factory=collections.Counter)
    blind: collections.Counter[str] = field(default_factory=collections.Counter)
    blind_word: int = 0  # of those still there, as a whole word (not inside a longer word)
    kept_as_skill: int = 0  # name words still there because they are skills of the resume
    # resumes whose first line looks like a name, and occurrences of its words in the
    # evidence: keyed "found" (the line is the name the contacts found) or "other"
    first_line: collections.Counter[str] = field(default_factory=collections.Counter)
    first_plain: collections.Counter[str] = field(default_factory=collections.Counter)
    first_blind: collections.Counter[str] = field(default_factory=collections.Counter)
    skills_in_evidence: int = 0  # (resume, skill) pairs with a surface in the plain evidence
    skills_lost: int = 0
    mismatches: int = 0  # entries that differ in anything but their evidence
    placeholders: collections.Counter[str] = field(default_factory=collections.Counter)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, collections.Counter):
                getattr(self, name).update(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def evidence_texts(entry: dict) -> list[str]:
    texts = [e for r in entry["requirements"] for e in r["evidence"]]
    texts += [e for c in entry["competencies"].values() for e in c["evidence"]]
    return texts


def without_evidence(entry: dict) -> dict:
    out = dict(entry)
    out["requirements"] = [{**r, "evidence": None} for r in entry["requirements"]]
    out["competencies"] = {k: {**c, "evidence": None} for k, c in entry["competencies"].items()}
    return out


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def identity_strings(contacts) -> list[tuple[str, str]]:
    """(kind, string) the contacts know for one resume."""
    out: list[tuple[str, str]] = []
    for part in (contacts.name or "").replace(",", " ").split():
        part = part.strip(".")
        if len(part) >= 2:
            out.append(("name word", part))
    out += [("e-mail", e) for e in contacts.emails]
    out += [("phone", p) for p in contacts.phones]
    if contacts.location:
        out.append(("location", contacts.location))
    return list(dict.fromkeys(out))


def present(kind: str, value: str, texts: list[str]) -> bool:
    if kind == "phone":
        number = digits(value)
        if value.lower() in " ".join(texts).lower():
            return True
        return len(number) >= 7 and any(number in digits(t) for t in texts)
    return any(value.lower() in t.lower() for t in texts)


def name_like_first_line(document) -> list[str] | None:
    for line in document.lines:
        text = line.text.strip()
        if not text:
            continue
        words = text.split()
        if 2 <= len(words) <= 4 and all(CAPITALISED.fullmatch(w) for w in words):
            return [w.strip(".") for w in words if len(w.strip(".")) >= 2]
        return None
    return None


def replacing(surface: re.Pattern[str], plain: str, blind: str) -> str:
    """The placeholder that stands where `surface` stood in `plain`."""
    ops = difflib.SequenceMatcher(None, plain, blind, autojunk=False).get_opcodes()
    for m in surface.finditer(plain):
        for tag, i1, i2, j1, j2 in ops:
            if tag != "equal" and i1 < m.end() and i2 > m.start():
                found = PLACEHOLDER.findall(blind[max(0, j1 - 20) : j2 + 20])
                return found[0] if found else "(changed, no placeholder)"
    return "(not found)"


def measure(rid: str, document, outcome, tally: Tally, lost: list[tuple]) -> None:
    from pipeline.run.report import candidate_entry

    profile = outcome.profile
    plain = candidate_entry(outcome)
    blind = candidate_entry(outcome, blind=True)
    tally.resumes += 1
    if without_evidence(plain) != without_evidence(blind) or plain["score"] != blind["score"]:
        tally.mismatches += 1
    plain_texts, blind_texts = evidence_texts(plain), evidence_texts(blind)
    for text in blind_texts:
        tally.placeholders.update(PLACEHOLDER.findall(text))

    contacts = profile.contacts
    tally.with_name += bool(contacts.name)
    surfaces = {m.surface.lower() for hit in profile.skills for m in hit.mentions}
    for kind, value in identity_strings(contacts):
        if present(kind, value, plain_texts):
            tally.plain[kind] += 1
            if present(kind, value, blind_texts):
                tally.blind[kind] += 1
                tally.kept_as_skill += kind == "name word" and value.lower() in surfaces
                tally.blind_word += any(word_pattern(value).search(t) for t in blind_texts)

    words = name_like_first_line(document)
    if words:
        found = [w for kind, w in identity_strings(contacts) if kind == "name word"]
        key = "found" if [w.lower() for w in words] == [w.lower() for w in found] else "other"
        tally.first_line[key] += 1
        for word in words:
            pattern = word_pattern(word)
            tally.first_plain[key] += sum(len(pattern.findall(t)) for t in plain_texts)
            tally.first_blind[key] += sum(len(pattern.findall(t)) for t in blind_texts)

    pairs = list(zip(plain_texts, blind_texts, strict=True))
    for hit in profile.skills:
        patterns = {word_pattern(m.surface) for m in hit.mentions if m.surface.strip()}
        in_plain = [p for p in patterns if any(p.search(t) for t in plain_texts)]
        if not in_plain:
            continue
        tally.skills_in_evidence += 1
        if any(p.search(t) for p in in_plain for t in blind_texts):
            continue
        tally.skills_lost += 1
        pattern = in_plain[0]
        plain_text, blind_text = next((a, b) for a, b in pairs if pattern.search(a))
        surface = pattern.search(plain_text).group()
        lost.append((rid, hit.skill_id, surface, replacing(pattern, plain_text, blind_text)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="at most N dev-set resumes")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline import Screener, load_job
    from pipeline.errors import ParseError
    from pipeline.read import PARSER_VERSION, parse
    from pipeline.records import FileOutcome
    from pipeline.run.screener import _renamed
    from pipeline.skills.devset import Texts, read_entries, shared_data
    from pipeline.skills.profile import build_profile

    data = shared_data()
    if data is None:
        print("../shared/data is absent (or $PIPELINE_SHARED_DATA unset): nothing to measure")
        sys.exit(1)
    t0 = time.perf_counter()
    screener = Screener(load_job(str(JOB)))
    texts = Texts(data)
    items: list[tuple[str, str, object]] = [
        ("examples", p.name, p) for p in sorted(EXAMPLES.iterdir()) if p.is_file()
    ]
    entries = read_entries()
    if args.limit:
        entries = entries[: args.limit]
    items += [(e.source, e.id, e) for e in entries]

    tallies = {source: Tally() for source in SOURCES}
    lost: list[tuple] = []
    for source, rid, item in items:
        tally = tallies[source]
        try:
            read = parse if isinstance(item, Path) else partial(texts.document, check=False)
            document = read(item)
        except (ParseError, OSError):
            tally.failed += 1
            continue
        profile = build_profile(
            document, screener.matcher, screener.lexicon, PARSER_VERSION, None, screener.model
        )
        profile = _renamed(profile, rid)
        outcome = screener.score(FileOutcome(rid, document.sha256, "scored", profile=profile))
        measure(rid, document, outcome, tally, lost)
    seconds = time.perf_counter() - t0

    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    columns = [*SOURCES, "overall"]
    rows = [*tallies.values(), total]

    def line(label: str, values) -> None:
        print(f"{label:<44}" + "".join(f"{v:>15}" for v in values))

    def share(removed: int, of: int) -> str:
        return f"{removed / of:.1%}" if of else "-"

    print(f"blind review on {JOB.relative_to(ROOT)}: evidence of candidate_entry(), plain vs blind")
    line("", columns)
    line("resumes scored", [t.resumes for t in rows])
    line("failed to parse", [t.failed for t in rows])
    line("1. resumes with a name found", [t.with_name for t in rows])
    kinds = ("name word", "e-mail", "phone", "location")
    line("   identity strings in plain evidence", [sum(t.plain.values()) for t in rows])
    line("   still in blind evidence", [sum(t.blind.values()) for t in rows])
    line(
        "   share removed",
        [share(sum(t.plain.values()) - sum(t.blind.values()), sum(t.plain.values())) for t in rows],
    )
    for kind in kinds:
        line(f"     {kind}: plain -> blind", [f"{t.plain[kind]} -> {t.blind[kind]}" for t in rows])
    line("     still there as a whole word", [t.blind_word for t in rows])
    line("     name words kept (a skill of the resume)", [t.kept_as_skill for t in rows])
    for key, label in (("found", "= the name found"), ("other", "no/another name found")):
        line(f"   name-like first line, {label}", [t.first_line[key] for t in rows])
        line(
            "     its words in evidence: plain -> blind",
            [f"{t.first_plain[key]} -> {t.first_blind[key]}" for t in rows],
        )
    line("2. skills in plain evidence (resume, skill)", [t.skills_in_evidence for t in rows])
    line("   skills lost in blind evidence", [t.skills_lost for t in rows])
    line("3. score/entry mismatches", [t.mismatches for t in rows])
    line("4. placeholders (blind evidence)", [sum(t.placeholders.values()) for t in rows])
    for kind, _ in total.placeholders.most_common():
        line(f"     {kind}", [t.placeholders[kind] for t in rows])
    if lost:
        shown = min(10, len(lost))
        print(f"first {shown} of {len(lost)} skills lost (resume, skill, surface, by):")
        for rid, skill, surface, by in lost[:10]:
            print(f"  {rid}  {skill}  {surface!r}  {by}")
        by_kind = collections.Counter(by for *_, by in lost)
        print("  lost by placeholder: " + ", ".join(f"{k} {n}" for k, n in by_kind.most_common()))
    print(f"elapsed: {seconds:.1f} s ({len(items)} resumes)")


if __name__ == "__main__":
    main()
