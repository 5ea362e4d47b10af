"""Generated resumes with known true text, one generator per layout class.

Used by benchmarks/parsing_quality.py. Every person, company and school is fictional; the
content, fonts, sizes, margins and page size of each document come from a seeded RNG so the
measure is not tuned to one file. Each generator returns a `Fixture` whose reference is
the text in reading order:

- `lines`: the visual lines as drawn, in reading order;
- `blocks`: the logical units (a paragraph, a bullet, a table cell) in reading order;
  a bullet wrapped over three visual lines is one block.

Reading order by class:
- single_column / scanned: top to bottom (pages in turn);
- two_column: the full-width header, then the whole left column, then the right column;
- sidebar: the header is part of the main column; sidebar first when the sidebar is on the
  left, main column first when it is on the right (the order a left-to-right reader meets
  the column tops);
- table: text above the table, then the table row by row, left cell before right cell,
  then the text below it;
- docx: header, body (table cells row by row), footer, as Word stores them;
- shuffled_stream: as single_column / two_column; only the content-stream order differs.
"""

from __future__ import annotations

import io
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

CLASSES = (
    "single_column",
    "two_column",
    "sidebar",
    "table",
    "docx",
    "scanned",
    "shuffled_stream",
)

# All text stays inside WinAnsi (Latin-1 plus typographic punctuation): the base-14 fonts
# reportlab draws with have no glyphs for anything else.
FIRST = [
    "Amara", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Ines", "Jonas",
    "Kofi", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Soren", "Tamsin",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoë", "José", "Mireille", "Aoife", "Björn",
]  # fmt: skip
LAST = [
    "Okafor", "Lindqvist", "Moreau", "Castellano", "Haddad", "Novak", "Abernethy", "Tanaka",
    "Brennan", "Ferreira", "Kowalczyk", "Mbeki", "Ramírez", "Søndergaard", "Vance", "Whitlock",
    "Yilmaz", "Zielinski", "Achterberg", "Delacroix", "Gallagher", "Ivanova", "Nakamura",
]  # fmt: skip
CITIES = [
    "Lisbon", "Tampere", "Leeds", "Porto Alegre", "Calgary", "Nairobi", "Osaka", "Brno",
    "Ghent", "Tucson", "Adelaide", "Cork", "Lyon", "Gdynia", "Halifax", "Valparaíso",
]  # fmt: skip
COMPANY_A = [
    "Northwind", "Bluefin", "Copperleaf", "Driftwood", "Emberline", "Foxglove", "Granite Peak",
    "Harbourview", "Ironbark", "Juniper", "Kestrel", "Lumen", "Marigold", "Nettle & Pine",
]  # fmt: skip
COMPANY_B = [
    "Analytics", "Logistics", "Health", "Robotics", "Energy", "Labs", "Insurance", "Media",
    "Foods", "Systems", "Bank", "Mobility",
]  # fmt: skip
ROLES = [
    "Data Engineer", "Machine Learning Engineer", "Backend Developer", "Product Analyst",
    "Site Reliability Engineer", "Data Scientist", "QA Automation Engineer", "Frontend Developer",
    "Platform Engineer", "Research Engineer", "Analytics Engineer", "Mobile Developer",
]  # fmt: skip
SENIORITY = ["", "", "Senior ", "Lead ", "Junior ", "Principal ", "Staff "]
SKILLS = [
    "Python", "SQL", "PostgreSQL", "Docker", "Kubernetes", "Terraform", "PyTorch",
    "scikit-learn", "Pandas", "Airflow", "Spark", "Kafka", "React", "TypeScript", "Go", "Rust",
    "AWS", "GCP", "Azure", "Tableau", "dbt", "Snowflake", "Redis", "GraphQL", "Java", "Linux",
    "Git", "FastAPI", "Django", "Grafana", "Kotlin", "Swift", "Elasticsearch", "Jenkins",
]  # fmt: skip
VERBS = [
    "Built", "Designed", "Migrated", "Automated", "Led", "Rewrote", "Introduced", "Scaled",
    "Maintained", "Launched", "Standardised", "Profiled", "Replaced", "Documented", "Hardened",
]  # fmt: skip
OBJECTS = [
    "the nightly billing pipeline", "a customer churn model", "the internal feature store",
    "a real-time fraud detection service", "the search ranking API", "our on-call runbooks",
    "the warehouse ingestion jobs", "a self-service reporting portal", "the mobile checkout flow",
    "a shared component library", "the model monitoring dashboards", "legacy cron jobs",
    "the experiment tracking setup", "the data quality checks", "the partner onboarding flow",
    "a demand forecasting service", "the event tracking schema", "the release train",
]  # fmt: skip
TOOL_PHRASES = ["with {a} and {b}", "on {a}", "using {a}", "in {a} and {b}", "on top of {a}"]
RESULTS = [
    "cutting run time by {n}%", "saving about {n} engineer hours a month",
    "raising test coverage to {n}%", "serving {n} million requests a day",
    "used by {n} internal teams", "reducing cloud spend by {n}%", "lifting conversion by {n}%",
    "with no downtime over {n} releases", "halving the incident rate within {n} weeks",
]  # fmt: skip
QUALITIES = [
    "clear written communication", "careful testing", "pragmatic architecture",
    "mentoring junior colleagues", "calm incident handling", "close work with product teams",
    "measurable delivery", "tidy documentation",
]  # fmt: skip
DOMAINS = [
    "payments", "logistics", "healthcare data", "online retail", "public transport",
    "energy trading", "insurance pricing", "media streaming",
]  # fmt: skip
GOALS = [
    "grow into a technical lead role", "work on data products with real users",
    "join a team that ships carefully and often", "bring machine learning into production",
]  # fmt: skip
DEGREES = [
    "BSc Computer Science", "MSc Data Science", "BEng Software Engineering", "MA Economics",
    "BSc Mathematics", "MSc Statistics", "BSc Physics", "MEng Electrical Engineering",
]  # fmt: skip
SCHOOLS = [
    "Ridgefield University", "Lakeshore Institute of Technology", "University of North Alder",
    "Marlowe College", "Eastbrook Polytechnic", "Saint Verity University",
]  # fmt: skip
LANGUAGES = [
    "English (native)", "Portuguese (fluent)", "German (B2)", "French (C1)", "Spanish (B1)",
    "Japanese (A2)", "Swahili (fluent)", "Polish (native)",
]  # fmt: skip
CERTS = [
    "AWS Certified Solutions Architect", "Certified Kubernetes Administrator",
    "Google Professional Data Engineer", "Professional Scrum Master I",
    "Azure Data Engineer Associate", "Terraform Associate",
]  # fmt: skip
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FAMILIES = [  # (regular, bold, weight)
    ("Helvetica", "Helvetica-Bold", 5),
    ("Times-Roman", "Times-Bold", 4),
    ("Courier", "Courier-Bold", 1),
]
DARK = [(0.12, 0.2, 0.35), (0.2, 0.22, 0.25), (0.05, 0.33, 0.36), (0.3, 0.12, 0.2)]


# ------------------------------------------------------------------------------ content


@dataclass
class Job:
    title: str
    company: str
    city: str
    dates: str
    bullets: list[str]


@dataclass
class Resume:
    name: str
    title: str
    email: str
    phone: str
    city: str
    summary: str
    jobs: list[Job]
    education: list[tuple[str, str, str]]  # degree, school, year
    skills: list[str]
    languages: list[str]
    certs: list[str]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _bullet(rng: random.Random) -> str:
    a, b = rng.sample(SKILLS, 2)
    tools = rng.choice(TOOL_PHRASES).format(a=a, b=b)
    result = rng.choice(RESULTS).format(n=rng.randint(2, 60))
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {tools}, {result}."


def _dates(rng: random.Random, start: int, end: int | None) -> str:
    style = rng.randrange(3)
    if style == 0:
        return f"{start} – {end if end else 'Present'}"
    m1, m2 = rng.randrange(12), rng.randrange(12)
    if style == 1:
        tail = f"{MONTHS[m2]} {end}" if end else "Present"
        return f"{MONTHS[m1]} {start} – {tail}"
    tail = f"{m2 + 1:02d}/{end}" if end else "now"
    return f"{m1 + 1:02d}/{start} – {tail}"


def make_resume(rng: random.Random, max_jobs: int = 5) -> Resume:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    role = rng.choice(ROLES)
    title = rng.choice(SENIORITY) + role
    years = rng.randint(3, 16)
    summary = (
        f"{role} with {years} years of experience in {rng.choice(DOMAINS)}. "
        f"Known for {rng.choice(QUALITIES)} and {rng.choice(QUALITIES)}. "
        f"Looking to {rng.choice(GOALS)}."
    )
    jobs = []
    end: int | None = None
    year = 2025
    for _ in range(rng.randint(3, max_jobs)):
        start = year - rng.randint(1, 4)
        company = f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"
        jobs.append(
            Job(
                rng.choice(SENIORITY) + rng.choice(ROLES),
                company,
                rng.choice(CITIES),
                _dates(rng, start, end),
                [_bullet(rng) for _ in range(rng.randint(2, 5))],
            )
        )
        end, year = start, start
    education = [
        (rng.choice(DEGREES), rng.choice(SCHOOLS), str(year - rng.randint(0, 3) - 3 * k))
        for k in range(rng.randint(1, 2))
    ]
    slug = _ascii(f"{first}.{last}").lower()
    return Resume(
        name=f"{first} {last}",
        title=title,
        email=f"{slug}@{rng.choice(['example.com', 'mail.example.org', 'post.example.net'])}",
        phone=f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        city=rng.choice(CITIES),
        summary=summary,
        jobs=jobs,
        education=education,
        skills=rng.sample(SKILLS, rng.randint(8, 14)),
        languages=rng.sample(LANGUAGES, rng.randint(1, 3)),
        certs=rng.sample(CERTS, rng.randint(0, 2)),
    )


# -------------------------------------------------------------------------- PDF drawing


@dataclass
class Style:
    regular: str
    bold: str
    body: float  # font size
    heading: float
    name: float
    leading: float  # line height / font size
    margin: float
    pagesize: tuple[float, float]
    upper_headings: bool

    @classmethod
    def pick(cls, rng: random.Random) -> Style:
        regular, bold, _ = rng.choices(FAMILIES, weights=[f[2] for f in FAMILIES])[0]
        body = rng.choice([9.0, 9.5, 10.0, 10.5, 11.0])
        from reportlab.lib.pagesizes import A4, letter

        return cls(
            regular=regular,
            bold=bold,
            body=body,
            heading=body + rng.choice([1.5, 2.0, 3.0]),
            name=rng.choice([16.0, 18.0, 20.0, 24.0]),
            leading=rng.uniform(1.18, 1.45),
            margin=rng.uniform(36, 72),
            pagesize=rng.choice([letter, A4]),
            upper_headings=rng.random() < 0.6,
        )

    def head(self, text: str) -> str:
        return text.upper() if self.upper_headings else text.title()


@dataclass
class _Text:
    page: int
    x: float
    y: float
    text: str
    font: str
    size: float
    colour: tuple[float, float, float]
    align: str = "left"  # "left", "right" or "centre"


@dataclass
class Sheet:
    """Everything to draw, recorded first so the content-stream order can be chosen later."""

    pagesize: tuple[float, float]
    texts: list[_Text] = field(default_factory=list)
    rects: list[tuple[int, float, float, float, float, tuple[float, float, float]]] = field(
        default_factory=list
    )
    rules: list[tuple[int, float, float, float]] = field(default_factory=list)
    tables: list[tuple[int, float, float, object]] = field(default_factory=list)
    pages: int = 1

    def render(self, path: Path, order: str = "column", rng: random.Random | None = None):
        """order: "column" = as recorded; "row" = top to bottom, left to right on each page
        (how Word/HTML exports interleave columns); "shuffled" = random text-object order."""
        from reportlab.pdfgen import canvas

        c = canvas.Canvas(str(path), pagesize=self.pagesize, invariant=1)
        for page in range(self.pages):
            for p, x, y, w, h, colour in self.rects:
                if p == page:
                    c.setFillColorRGB(*colour)
                    c.rect(x, y, w, h, fill=1, stroke=0)
            for p, x0, y, x1 in self.rules:
                if p == page:
                    c.setLineWidth(0.6)
                    c.line(x0, y, x1, y)
            texts = [t for t in self.texts if t.page == page]
            if order == "row":
                texts.sort(key=lambda t: (-round(t.y, 1), t.x))
            elif order == "shuffled":
                (rng or random.Random(0)).shuffle(texts)
            for t in texts:
                c.setFont(t.font, t.size)
                c.setFillColorRGB(*t.colour)
                draw = {"left": c.drawString, "right": c.drawRightString}.get(
                    t.align, c.drawCentredString
                )
                draw(t.x, t.y, t.text)
            for p, x, y, table in self.tables:
                if p == page:
                    table.drawOn(c, x, y)
            c.showPage()
        c.save()
        return path


class Column:
    """Flows text top-down in one column of a Sheet and records its reference text."""

    def __init__(
        self,
        sheet: Sheet,
        x: float,
        width: float,
        top: float,
        bottom: float,
        colour=(0.0, 0.0, 0.0),
        max_pages: int = 1,
        page_top: float | None = None,
    ) -> None:
        self.sheet, self.x, self.width = sheet, x, width
        self.y, self.bottom, self.colour = top, bottom, colour
        self.page = 0
        self.max_pages = max_pages
        self.page_top = top if page_top is None else page_top
        self.full = False
        self.lines: list[str] = []
        self.blocks: list[str] = []

    def _room(self, height: float) -> bool:
        if self.full:
            return False
        if self.y - height >= self.bottom:
            return True
        if self.page + 1 < self.max_pages:
            self.page += 1
            self.sheet.pages = max(self.sheet.pages, self.page + 1)
            self.y = self.page_top
            return True
        self.full = True
        return False

    def gap(self, points: float) -> None:
        self.y -= points

    def para(
        self,
        text: str,
        font: str,
        size: float,
        leading: float,
        bullet: str | None = None,
        align: str = "left",
        colour=None,
    ) -> bool:
        """Wrap and draw one block; False (and the column is closed) when it does not fit."""
        from reportlab.lib.utils import simpleSplit
        from reportlab.pdfbase.pdfmetrics import stringWidth

        indent = stringWidth(f"{bullet} ", font, size) if bullet else 0.0
        # A word wider than the column (a long e-mail in a sidebar) would overflow into the
        # next column; shrink the font as a designer would.
        widest = max((stringWidth(word, font, size) for word in text.split()), default=0.0)
        if widest > self.width - indent:
            size = max(5.0, size * (self.width - indent) / widest - 0.1)
        wrapped = simpleSplit(text, font, size, self.width - indent)
        step = size * leading
        if not self._room(step * len(wrapped)):
            return False
        for i, line in enumerate(wrapped):
            self.y -= step
            shown = f"{bullet} {line}" if bullet and i == 0 else line
            x = self.x + (indent if bullet and i else 0.0)
            if align == "centre":
                x = self.x + self.width / 2
            self._put(x, shown, font, size, align, colour)
            self.lines.append(shown)
        self.blocks.append(f"{bullet} {text}" if bullet else text)
        return True

    def pair(self, left: str, right: str, font: str, size: float, leading: float) -> bool:
        """`left` at the column's left edge and `right` right-aligned on the same line (a job
        title and its dates); the reference line is "left right". Wraps to two lines when the
        two do not fit side by side."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        needed = stringWidth(left, font, size) + stringWidth(right, font, size) + 3 * size
        if needed > self.width:
            return self.para(left, font, size, leading) and self.para(right, font, size, leading)
        step = size * leading
        if not self._room(step):
            return False
        self.y -= step
        self._put(self.x, left, font, size, "left")
        self._put(self.x + self.width, right, font, size, "right")
        self.lines.append(f"{left} {right}")
        self.blocks.append(f"{left} {right}")
        return True

    def rule(self) -> None:
        if self._room(6):
            self.y -= 4
            self.sheet.rules.append((self.page, self.x, self.y, self.x + self.width))
            self.y -= 2

    def _put(self, x, text, font, size, align, colour=None) -> None:
        self.sheet.texts.append(
            _Text(self.page, x, self.y, text, font, size, colour or self.colour, align)
        )


@dataclass
class Fixture:
    cls: str
    path: Path
    lines: list[str]  # visual lines, reading order
    blocks: list[str]  # paragraphs / bullets / cells, reading order
    variant: str = ""


def _header(col: Column, r: Resume, s: Style, rng: random.Random, centred: bool) -> None:
    align = "centre" if centred else "left"
    col.para(r.name, s.bold, s.name, 1.25, align=align)
    col.para(r.title, s.regular, s.body + 1.5, s.leading, align=align)
    sep = rng.choice([" · ", " | ", "  ·  ", ", "])
    col.para(sep.join([r.email, r.phone, r.city]), s.regular, s.body, s.leading, align=align)


def _heading(col: Column, text: str, s: Style, rule: bool) -> bool:
    col.gap(s.body * 0.6)
    ok = col.para(s.head(text), s.bold, s.heading, 1.3)
    if ok and rule:
        col.rule()
    return ok


def _experience(col: Column, r: Resume, s: Style, bullet: str, dates_right: bool) -> None:
    for job in r.jobs:
        col.gap(s.body * 0.3)
        left = f"{job.title}, {job.company}"
        if dates_right:
            ok = col.pair(left, job.dates, s.bold, s.body, s.leading)
        else:
            ok = col.para(left, s.bold, s.body, s.leading) and col.para(
                f"{job.city} · {job.dates}", s.regular, s.body, s.leading
            )
        if not ok:
            return
        for text in job.bullets:
            if not col.para(text, s.regular, s.body, s.leading, bullet=bullet):
                return


def _education(col: Column, r: Resume, s: Style, dates_right: bool) -> None:
    for degree, school, year in r.education:
        if dates_right:
            ok = col.pair(f"{degree}, {school}", year, s.regular, s.body, s.leading)
        else:
            ok = col.para(f"{degree}, {school}, {year}", s.regular, s.body, s.leading)
        if not ok:
            return


def _pick_bullet(rng: random.Random) -> str:
    return rng.choice(["•", "•", "-", "–", "·"]) if rng.random() < 0.85 else ""


# ------------------------------------------------------------------------------ classes


def single_column_sheet(
    rng: random.Random, max_pages: int = 2
) -> tuple[Sheet, list[str], list[str]]:
    r, s = make_resume(rng, max_jobs=8 if max_pages > 1 else 5), Style.pick(rng)
    w, h = s.pagesize
    sheet = Sheet(s.pagesize)
    col = Column(sheet, s.margin, w - 2 * s.margin, h - s.margin, s.margin, max_pages=max_pages)
    bullet = _pick_bullet(rng) or None
    rule = rng.random() < 0.5
    dates_right = rng.random() < 0.7
    _header(col, r, s, rng, centred=rng.random() < 0.5)
    _heading(col, "Summary", s, rule)
    col.para(r.summary, s.regular, s.body, s.leading)
    _heading(col, "Experience", s, rule)
    _experience(col, r, s, bullet, dates_right)
    _heading(col, "Education", s, rule)
    _education(col, r, s, dates_right)
    _heading(col, "Skills", s, rule)
    col.para(", ".join(r.skills), s.regular, s.body, s.leading)
    if r.certs and _heading(col, "Certifications", s, rule):
        for cert in r.certs:
            col.para(cert, s.regular, s.body, s.leading, bullet=bullet)
    return sheet, col.lines, col.blocks


def single_column(path: Path, rng: random.Random) -> Fixture:
    sheet, lines, blocks = single_column_sheet(rng)
    sheet.render(path)
    pages = f"{sheet.pages} page" + ("s" if sheet.pages > 1 else "")
    return Fixture("single_column", path, lines, blocks, pages)


def two_column_sheet(rng: random.Random) -> tuple[Sheet, list[str], list[str]]:
    """Full-width header, then two text columns of similar width (40-60 % split)."""
    r, s = make_resume(rng), Style.pick(rng)
    w, h = s.pagesize
    sheet = Sheet(s.pagesize)
    head = Column(sheet, s.margin, w - 2 * s.margin, h - s.margin, s.margin)
    _header(head, r, s, rng, centred=rng.random() < 0.4)
    head.rule()
    inner = w - 2 * s.margin
    gutter = rng.uniform(18, 36)
    left_w = (inner - gutter) * rng.uniform(0.4, 0.6)
    top = head.y - s.body
    left = Column(sheet, s.margin, left_w, top, s.margin)
    right = Column(sheet, s.margin + left_w + gutter, inner - left_w - gutter, top, s.margin)
    main, other = (left, right) if rng.random() < 0.5 else (right, left)
    bullet = _pick_bullet(rng) or None
    _heading(main, "Experience", s, False)
    _experience(main, r, s, bullet, dates_right=False)
    _heading(other, "Profile", s, False)
    other.para(r.summary, s.regular, s.body, s.leading)
    _heading(other, "Education", s, False)
    _education(other, r, s, dates_right=False)
    _heading(other, "Skills", s, False)
    other.para(", ".join(r.skills), s.regular, s.body, s.leading)
    _heading(other, "Languages", s, False)
    for language in r.languages:
        other.para(language, s.regular, s.body, s.leading)
    # Stream order when drawn column by column: header, then the columns in a random order.
    header = [t for t in sheet.texts if t.y > top]
    in_left = [t for t in sheet.texts if t.y <= top and t.x < right.x - 1]
    in_right = [t for t in sheet.texts if t.y <= top and t.x >= right.x - 1]
    if rng.random() < 0.5:
        in_left, in_right = in_right, in_left
    sheet.texts = header + in_left + in_right
    lines = head.lines + left.lines + right.lines
    blocks = head.blocks + left.blocks + right.blocks
    return sheet, lines, blocks


def two_column(path: Path, rng: random.Random, index: int) -> Fixture:
    sheet, lines, blocks = two_column_sheet(rng)
    order = "row" if index % 2 else "column"
    sheet.render(path, order)
    return Fixture("two_column", path, lines, blocks, f"{order}-drawn")


def sidebar(path: Path, rng: random.Random, index: int) -> Fixture:
    """A shaded sidebar (27-33 % of the page width, white text) beside the main column."""
    r, s = make_resume(rng), Style.pick(rng)
    w, h = s.pagesize
    sheet = Sheet(s.pagesize)
    on_left = index % 2 == 0
    bar_w = w * rng.uniform(0.27, 0.33)
    bar_x = 0.0 if on_left else w - bar_w
    sheet.rects.append((0, bar_x, 0.0, bar_w, h, rng.choice(DARK)))
    pad = rng.uniform(14, 22)
    gap = rng.uniform(20, 32)
    top = h - s.margin * 0.8
    bar = Column(sheet, bar_x + pad, bar_w - 2 * pad, top, s.margin * 0.8, colour=(1, 1, 1))
    if on_left:
        main_x, main_w = bar_w + gap, w - bar_w - gap - s.margin
    else:
        main_x, main_w = s.margin, w - bar_w - gap - s.margin
    main = Column(sheet, main_x, main_w, top, s.margin * 0.8)
    bullet = _pick_bullet(rng) or None
    small = s.body - 0.5
    _heading(bar, "Contact", s, False)
    for item in (r.email, r.phone, r.city):
        bar.para(item, s.regular, small, s.leading)
    _heading(bar, "Skills", s, False)
    if rng.random() < 0.5:
        for skill in r.skills:
            bar.para(skill, s.regular, small, s.leading)
    else:
        bar.para(", ".join(r.skills), s.regular, small, s.leading)
    _heading(bar, "Languages", s, False)
    for language in r.languages:
        bar.para(language, s.regular, small, s.leading)
    _heading(bar, "Education", s, False)
    for degree, school, year in r.education:
        bar.para(f"{degree}, {school}, {year}", s.regular, small, s.leading)
    main.para(r.name, s.bold, s.name, 1.25)
    main.para(r.title, s.regular, s.body + 1.5, s.leading)
    _heading(main, "Profile", s, True)
    main.para(r.summary, s.regular, s.body, s.leading)
    _heading(main, "Experience", s, True)
    _experience(main, r, s, bullet, dates_right=rng.random() < 0.5)
    order = "row" if (index // 2) % 2 else "column"
    if order == "column" and rng.random() < 0.5:  # main column first in the stream
        sheet.texts = [t for t in sheet.texts if t.colour != (1, 1, 1)] + [
            t for t in sheet.texts if t.colour == (1, 1, 1)
        ]
    sheet.render(path, order)
    first, second = (bar, main) if on_left else (main, bar)
    return Fixture(
        "sidebar",
        path,
        first.lines + second.lines,
        first.blocks + second.blocks,
        f"{'left' if on_left else 'right'} sidebar, {order}-drawn",
    )


def table(path: Path, rng: random.Random) -> Fixture:
    """Experience (and education) in a reportlab Table: date cell | description cell."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import Table, TableStyle

    r, s = make_resume(rng), Style.pick(rng)
    w, h = s.pagesize
    sheet = Sheet(s.pagesize)
    inner = w - 2 * s.margin
    col = Column(sheet, s.margin, inner, h - s.margin, s.margin)
    _header(col, r, s, rng, centred=rng.random() < 0.5)
    _heading(col, "Summary", s, False)
    col.para(r.summary, s.regular, s.body, s.leading)
    date_w = inner * rng.uniform(0.18, 0.28)
    pad = rng.uniform(3, 8)
    grid = rng.random() < 0.5
    bullet = _pick_bullet(rng)
    text_w = inner - date_w - 2 * pad

    def cells(date: str, descs: list[str]) -> tuple[list[str], list[str], list[str]]:
        """Pre-wrapped cell lines (so the true lines are known) and the row's blocks."""
        date_lines = simpleSplit(date, s.regular, s.body, date_w - 2 * pad)
        desc_lines, row_blocks = [], [date]
        for k, block in enumerate(descs):
            mark = f"{bullet} " if k and bullet else ""
            row_blocks.append(mark + block)
            for j, line in enumerate(simpleSplit(block, s.regular, s.body, text_w - 12)):
                desc_lines.append(mark + line if j == 0 else ("   " if mark else "") + line)
        return date_lines, desc_lines, row_blocks

    def make_table(rows: list[tuple[str, list[str]]], space: float):
        """The largest leading run of `rows` that fits in `space` points, as a Table."""
        wrapped = [cells(date, descs) for date, descs in rows]
        for count in range(len(wrapped), 0, -1):
            data = [["\n".join(d), "\n".join(x)] for d, x, _ in wrapped[:count]]
            t = Table(data, colWidths=[date_w, inner - date_w])
            commands = [
                ("FONT", (0, 0), (-1, -1), s.regular, s.body, s.body * s.leading),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad + 2),
            ]
            if grid:
                commands.append(("GRID", (0, 0), (-1, -1), 0.5, (0.6, 0.6, 0.6)))
            t.setStyle(TableStyle(commands))
            height = t.wrap(inner, h)[1]
            if height <= space:
                return t, height, wrapped[:count]
        return None, 0.0, []

    exp_rows = [(j.dates, [f"{j.title}, {j.company}, {j.city}", *j.bullets]) for j in r.jobs]
    edu_rows = [(year, [f"{degree}, {school}"]) for degree, school, year in r.education]
    for title, rows in (("Experience", exp_rows), ("Education", edu_rows)):
        if not _heading(col, title, s, rng.random() < 0.5):
            break
        t, height, used = make_table(rows, col.y - col.bottom - 4)
        if t is None:
            col.full = True
            break
        col.y -= height + 4
        sheet.tables.append((0, s.margin, col.y, t))
        for date_lines, desc_lines, row_blocks in used:
            col.lines.extend(date_lines + [x.strip() for x in desc_lines])
            col.blocks.extend(row_blocks)
    _heading(col, "Skills", s, False)
    col.para(", ".join(r.skills), s.regular, s.body, s.leading)
    sheet.render(path)
    return Fixture("table", path, col.lines, col.blocks, "grid" if grid else "no grid")


def docx_resume(path: Path, rng: random.Random) -> Fixture:
    """python-docx: header, body paragraphs and bullets, a date | description table, footer."""
    import docx
    from docx.shared import Pt

    r = make_resume(rng)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = rng.choice(["Calibri", "Arial", "Georgia", "Cambria"])
    normal.font.size = Pt(rng.choice([9.5, 10, 10.5, 11]))
    lines: list[str] = []

    def add(text: str, style: str | None = None, bold: bool = False) -> None:
        p = document.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold = bold
        lines.append(text)

    header = f"{r.name} | {r.email} | {r.phone}"
    document.sections[0].header.paragraphs[0].text = header
    add(r.name, "Title")
    add(r.title, bold=True)
    add("Summary", "Heading 1")
    add(r.summary)
    add("Experience", "Heading 1")
    jobs = list(r.jobs)
    in_table = jobs[len(jobs) // 2 :]
    for job in jobs[: len(jobs) // 2]:
        add(f"{job.title}, {job.company}, {job.city} ({job.dates})", bold=True)
        for text in job.bullets:
            add(text, "List Bullet")
    add("Earlier roles", "Heading 2")
    t = document.add_table(rows=0, cols=2)
    if rng.random() < 0.5:
        t.style = "Table Grid"
    for job in in_table:
        cells = t.add_row().cells
        cells[0].text = job.dates
        lines.append(job.dates)
        cells[1].text = f"{job.title}, {job.company}"
        lines.append(cells[1].text)
        for text in job.bullets[:2]:
            cells[1].add_paragraph(text)
            lines.append(text)
    add("Education", "Heading 1")
    for degree, school, year in r.education:
        add(f"{degree}, {school}, {year}")
    add("Skills", "Heading 1")
    add(", ".join(r.skills))
    footer = rng.choice(["References available on request", f"{r.name} · curriculum vitae"])
    document.sections[0].footer.paragraphs[0].text = footer
    document.save(str(path))
    lines = [header, *lines, footer]
    return Fixture("docx", path, lines, list(lines), "header, table, footer")


def scanned(path: Path, rng: random.Random) -> Fixture:
    """A one-page single-column resume rasterised (150-250 dpi, greyscale) into an image PDF."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    sheet, lines, blocks = single_column_sheet(rng, max_pages=1)
    source = path.with_suffix(".text.pdf")
    sheet.render(source)
    dpi = rng.choice([150, 200, 250])
    document = pdfium.PdfDocument(str(source))
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        page.close()
    finally:
        document.close()
    source.unlink()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=sheet.pagesize, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=sheet.pagesize[0], height=sheet.pagesize[1])
    c.save()
    return Fixture("scanned", path, lines, blocks, f"{dpi} dpi")


def shuffled_stream(path: Path, rng: random.Random, index: int) -> Fixture:
    """Single- (even index) or two-column (odd) page, text objects in random stream order."""
    if index % 2:
        sheet, lines, blocks = two_column_sheet(rng)
        variant = "two-column"
    else:
        sheet, lines, blocks = single_column_sheet(rng, max_pages=1)
        variant = "single column"
    sheet.render(path, "shuffled", rng)
    return Fixture("shuffled_stream", path, lines, blocks, variant)


def generate(cls: str, directory: Path, index: int, seed: int = 0) -> Fixture:
    """Document `index` of class `cls`; the same (cls, index, seed) always gives the same file."""
    rng = random.Random(f"{seed}:{cls}:{index}")
    stem = directory / f"{cls}-{index:02d}"
    if cls == "single_column":
        return single_column(stem.with_suffix(".pdf"), rng)
    if cls == "two_column":
        return two_column(stem.with_suffix(".pdf"), rng, index)
    if cls == "sidebar":
        return sidebar(stem.with_suffix(".pdf"), rng, index)
    if cls == "table":
        return table(stem.with_suffix(".pdf"), rng)
    if cls == "docx":
        return docx_resume(stem.with_suffix(".docx"), rng)
    if cls == "scanned":
        return scanned(stem.with_suffix(".pdf"), rng)
    if cls == "shuffled_stream":
        return shuffled_stream(stem.with_suffix(".pdf"), rng, index)
    raise ValueError(f"unknown class {cls!r}; one of {CLASSES}")
