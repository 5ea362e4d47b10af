"""Share of development-set resumes whose experience, education and skills sections are found.

For every resume of models/devset/resumes.csv (texts read from ../shared/data), the sections
`segment.analyse` assigns; printed per source and file kind, for the reader as it is and, in
the same run, with DOCX paragraph styles and outline levels ignored (the reader before they
were used), so the difference is what styles add. Coverage, not accuracy: there is no
reference saying which sections a resume has; most resumes have all three.

    python benchmarks/sections_found.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WANTED = ("experience", "education", "skills")


def shares(entries, texts) -> dict[str, list[float]]:
    from pipeline.understand.segment import analyse

    found: dict[str, list[set[str]]] = defaultdict(list)
    for entry in entries:
        document = texts.document(entry, check=False)
        group = f"{entry.source} {document.kind}"
        found[group].append(set(analyse(document).line_sections))
    out = {}
    for group, sets in sorted(found.items()):
        row = [sum(w in s for s in sets) / len(sets) for w in WANTED]
        row.append(sum(all(w in s for w in WANTED) for s in sets) / len(sets))
        out[f"{group} ({len(sets)})"] = row
    return out


def main() -> None:
    from pipeline.read import docx as docx_reader
    from pipeline.skills.devset import Texts, read_entries, shared_data

    data = shared_data()
    if data is None:
        sys.exit("../shared/data is absent: the development set's texts are not available")
    entries = read_entries()
    texts = Texts(data)
    with_styles = shares(entries, texts)
    original = docx_reader._paragraph_styles
    docx_reader._paragraph_styles = lambda root: {}
    try:
        without = shares(entries, texts)
    finally:
        docx_reader._paragraph_styles = original
    print("| source, kind (files) | experience | education | skills | all three | "
          "all three, DOCX styles ignored |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for group, row in with_styles.items():
        cells = " | ".join(f"{v:.0%}" for v in row)
        print(f"| {group} | {cells} | {without[group][3]:.0%} |")


if __name__ == "__main__":
    main()
