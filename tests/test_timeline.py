"""Date ranges, job entries and education entries from a resume's lines
(pipeline/understand/dates.py, jobs.py, education.py)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from pipeline.records import EducationEntry, JobEntry
from pipeline.understand.dates import DateRange, find_date_ranges, month_ranges, total_months
from pipeline.understand.education import education_entries
from pipeline.understand.jobs import job_entries, job_line_range
from pipeline.understand.segment import heading_section

AS_OF = date(2024, 6, 15)
NOW = "2024-06"


def _sections(lines: list[str]) -> list[str]:
    """Section of each line, the way segment.analyse assigns them."""
    current, out = "header", []
    for line in lines:
        current = heading_section(line) or current
        out.append(current)
    return out


def _lines(text: str) -> tuple[list[str], list[str]]:
    lines = text.split("\n")
    return lines, _sections(lines)


def _ym(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- date ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("Jan 2020 – Mar 2022", "2020-01", "2022-03", False),
        ("January 2020 - Present", "2020-01", NOW, True),
        ("Sept. 2019 - Aug 2020", "2019-09", "2020-08", False),
        ("Mar. 2019 — Jan. 2021", "2019-03", "2021-01", False),
        ("Jan-2019 to Dec-2020", "2019-01", "2020-12", False),
        ("Feb 2021 - Current", "2021-02", NOW, True),
        ("2019 - Now", "2019-01", NOW, True),
        ("2018 to date", "2018-01", NOW, True),
        ("2018 - till date", "2018-01", NOW, True),
        ("Oct 2022 – Ongoing", "2022-10", NOW, True),
        ("01/2020 - 03/2022", "2020-01", "2022-03", False),
        ("1/2020 – 12/2020", "2020-01", "2020-12", False),
        ("12/2019 – Present", "2019-12", NOW, True),
        ("2020.01 - 2022.03", "2020-01", "2022-03", False),
        ("2020-01 - 2022-03", "2020-01", "2022-03", False),
        ("03.2017 - 11.2018", "2017-03", "2018-11", False),
        ("2019-21", "2019-01", "2021-12", False),
        ("1998-02", "1998-01", "2002-12", False),
        ("2019/20", "2019-01", "2020-12", False),
        ("2019–2021", "2019-01", "2021-12", False),
        ("2019 — 2021", "2019-01", "2021-12", False),
        ("'19 – '22", "2019-01", "2022-12", False),
        ("Jan '20 – Mar '22", "2020-01", "2022-03", False),
        ("Summer 2019 – Fall 2020", "2019-06", "2020-09", False),
        ("Spring 2018 - Autumn 2018", "2018-03", "2018-09", False),
        ("Fall 2019 – Winter 2020", "2019-09", "2020-01", False),
        ("Fall 2019 – Winter 2019", "2019-09", "2019-12", False),
        ("Q1 2020 – Q3 2021", "2020-01", "2021-09", False),
        ("15 Jan 2020 – 30 Mar 2022", "2020-01", "2022-03", False),
        ("Jan 15, 2020 - Mar 3, 2022", "2020-01", "2022-03", False),
        ("15/01/2020 - 30/03/2022", "2020-01", "2022-03", False),
        ("1st Feb 2019 to date", "2019-02", NOW, True),
        ("Since 2018", "2018-01", NOW, True),
        ("since March 2021", "2021-03", NOW, True),
        ("2018 – ", "2018-01", NOW, True),
        ("2019 to 2021", "2019-01", "2021-12", False),
        ("2019 until 2021", "2019-01", "2021-12", False),
        ("May 2019 through June 2020", "2019-05", "2020-06", False),
        ("2019 thru 2020", "2019-01", "2020-12", False),
        ("2022 - 2026", "2022-01", NOW, False),  # an end after as_of is clipped
    ],
)
def test_date_range_formats(text: str, start: str, end: str, current: bool) -> None:
    found = find_date_ranges(text, AS_OF)
    assert len(found) == 1, found
    r = found[0]
    assert (_ym(r.start), _ym(r.end), r.current) == (start, end, current)
    assert r.months == r.end - r.start + 1


@pytest.mark.parametrize(
    ("text", "start", "months"),
    [
        ("2021", "2021-01", 12),
        ("May 2021", "2021-05", 1),
        ("Summer 2019", "2019-06", 3),
        ("Q4 2022", "2022-10", 3),
        ("2019-12", "2019-12", 1),  # a year and month, not 2019–2012
        ("2024", "2024-01", 6),  # clipped to as_of
    ],
)
def test_single_dates_only_when_asked(text: str, start: str, months: int) -> None:
    assert find_date_ranges(text, AS_OF) == []
    (r,) = find_date_ranges(text, AS_OF, singles=True)
    assert (_ym(r.start), r.months, r.kind) == (start, months, "single")


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("2022 - 2019", []),  # end before start
        ("1960 - 2020", []),  # more than 50 years
        ("2030 - Present", []),  # starts after as_of
        ("Jan 2026 - Mar 2027", []),
        ("in the 2020s", []),
        ("version 12020", []),
        ("room 2020b", []),
        ("13/2020 - 14/2021", ["2020", "2021"]),  # no month 13 or 14: bare years at most
    ],
)
def test_rejected_ranges(text: str, left: list[str]) -> None:
    assert find_date_ranges(text, AS_OF) == []
    singles = find_date_ranges(text, AS_OF, singles=True)
    assert [text[r.begin : r.stop] for r in singles] == left


def test_month_ranges_on_the_formats_the_first_parser_read() -> None:
    # The values pipeline/experience.py (replaced by this module) gave for this text.
    text = "Jan 2020 - Mar 2022\n01/2015 - 12/2016\n2010 - 2012\nJune 2023 - Present"
    assert month_ranges(text, AS_OF) == [
        (24240, 24266),
        (24180, 24203),
        (24120, 24155),
        (24281, 24293),
    ]


@pytest.mark.parametrize(
    ("line", "is_job"),
    [
        ("Data Analyst, Globex, 2021", True),
        ("Engineer | May 2021", True),
        ("2021", True),
        ("Software Engineer Jan 2020 - Present", True),
        ("Software Engineer    2019 - 2021", True),
        ("Head of Data at Initech (2015 - 2018)", True),
        ("Engineer — Bluefin Labs, Portland, OR 2016 - 2019", True),
        ("Engineer — Bluefin Labs or 2016 - 2019", False),
        ("Saved 2020 hours of manual work a year", False),
        ("Managed a team of 8 from 2019 to 2021", False),
        ("• Led the 2019 - 2021 migration", False),
        ("- Promoted in May 2021", False),
        ("Joined the company in 2019 and grew revenue by 40%.", False),
        ("Worked at Acme since 2018.", False),
        ("Led migration of billing services to the cloud (2019 - 2021)", False),
        ("Teaching assistant, Dept. of physics, 2015 - 2016", True),
        ("Experience", False),
    ],
)
def test_job_line(line: str, is_job: bool) -> None:
    assert (job_line_range(line, AS_OF) is not None) is is_job


def test_total_months_counts_overlaps_once() -> None:
    # Jan 2019–Dec 2020 and Jun 2020–Jun 2021 overlap; Jan 2023–Mar 2023 is apart
    spans = [
        (2019 * 12, 2020 * 12 + 11),
        (2020 * 12 + 5, 2021 * 12 + 5),
        (2023 * 12, 2023 * 12 + 2),
    ]
    assert total_months(spans) == 24 + 6 + 3
    assert total_months([]) == 0
    ranges = find_date_ranges(
        "Jan 2019 – Dec 2020; Jun 2020 – Jun 2021; Jan 2023 – Mar 2023", AS_OF
    )
    assert all(isinstance(r, DateRange) for r in ranges)
    assert total_months(ranges) == 33
    # adjacent ranges join, nested ones add nothing
    assert total_months([(0, 11), (12, 23), (3, 5)]) == 24


def test_total_months_over_job_entries() -> None:
    lines, sections = _lines(
        "Experience\n"
        "Data Engineer, Norra Systems, Jan 2019 – Dec 2021\n"
        "Freelance Consultant, Mar 2021 – Present\n"
        "Teaching Assistant, Riverbend University, 2017 - 2018"
    )
    entries = job_entries(lines, sections, AS_OF)
    assert [e.months for e in entries] == [36, 40, 24]
    # Jan 2019 – Jun 2024 (66) plus 2017–2018 (24); the 2021 overlap counts once
    assert total_months(entries) == 66 + 24


# --- job entries ----------------------------------------------------------------------------

SHAPES = [
    (
        "title, org, years",
        "Experience\nSenior Data Scientist, Brightwave Analytics, 2019 - 2023\n• Built models.",
        [("Senior Data Scientist", "Brightwave Analytics", "2019-01", "2023-12", 1, 2)],
    ),
    (
        "title at org | range",
        "Experience\nML Engineer at Orvalho Labs | Jan 2020 – Present\n• Shipped things.",
        [("ML Engineer", "Orvalho Labs", "2020-01", None, 1, 2)],
    ),
    (
        "org — city, then title<TAB>range",
        "Experience\nTejo Retail — Porto\nData Analyst\tJan 2020 – Mar 2022\n• Dashboards.\n",
        [("Data Analyst", "Tejo Retail", "2020-01", "2022-03", 1, 3)],
    ),
    (
        "title, org, dates on three lines",
        "Experience\nResearch Scientist\nKestrel Dynamics\n2019-21\n• Wrote two papers.",
        [("Research Scientist", "Kestrel Dynamics", "2019-01", "2021-12", 1, 4)],
    ),
    (
        "org line after the job line",
        "Experience\nBackend Engineer | Jan 2020 - Present\nGlobex, Springfield, IL\n• APIs.",
        [("Backend Engineer", "Globex", "2020-01", None, 1, 3)],
    ),
    (
        "title line after the job line",
        "Experience\nInitech LLC\tJun 2018 – Dec 2019\nQA Lead\n• Tests.",
        [("QA Lead", "Initech LLC", "2018-06", "2019-12", 1, 3)],
    ),
    (
        "org, place, title and range",
        "Experience\nGlobex Corporation, Springfield, IL\nBackend Engineer | 2016 – 2018",
        [("Backend Engineer", "Globex Corporation", "2016-01", "2018-12", 1, 2)],
    ),
    (
        "one org, several roles",
        "Work History\nNorthwind Traders — Remote\nSenior Analyst, 2021 – Present\n• Led reporting."
        "\nAnalyst, 2019 – 2021\n• SQL.\n\nContoso Ltd\nIntern, Summer 2018\n",
        [
            ("Senior Analyst", "Northwind Traders", "2021-01", None, 1, 3),
            ("Analyst", "Northwind Traders", "2019-01", "2021-12", 4, 5),
            ("Intern", "Contoso Ltd", "2018-06", "2018-08", 7, 8),
        ],
    ),
    (
        "two spaces as separator",
        "Experience\nSoftware Engineer    Jan 2020 - Present\nMarlow Robotics\n- Built APIs",
        [("Software Engineer", "Marlow Robotics", "2020-01", None, 1, 3)],
    ),
    (
        "parenthesised range, head of",
        "Professional Experience\nHead of Data at Initech (2015 - 2018)\n",
        [("Head of Data", "Initech", "2015-01", "2018-12", 1, 1)],
    ),
    (
        "title by suffix, org and place on one line",
        "Experience\nSenior Biostatistician — Greywillow Clinical Research, Durham, NC Oct 2017 – "
        "Present\n• Trials.",
        [("Senior Biostatistician", "Greywillow Clinical Research", "2017-10", None, 1, 2)],
    ),
    (
        "single year and single month",
        "Experience\nData Analyst, Globex, 2021\nNurse, Lakeside Hospital | May 2020",
        [
            ("Data Analyst", "Globex", "2021-01", "2021-12", 1, 1),
            ("Nurse", "Lakeside Hospital", "2020-05", "2020-05", 2, 2),
        ],
    ),
    (
        "org words beat a title word at the start; skip work-mode parts",
        "Experience\nEngineer, Student Loans Company, 2019 - 2023\n"
        "Analyst | Full Time | Quillfeather | 2017 - 2018",
        [
            ("Engineer", "Student Loans Company", "2019-01", "2023-12", 1, 1),
            ("Analyst", "Quillfeather", "2017-01", "2018-12", 2, 2),
        ],
    ),
    (
        "no title clue: organisation only when alone",
        "Experience\nQuillfeather | 2017 - 2018\nFoo Bar Baz | 2015 - 2016",
        [
            (None, "Quillfeather", "2017-01", "2018-12", 1, 1),
            (None, "Foo Bar Baz", "2015-01", "2016-12", 2, 2),
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
def test_job_entry_shapes(name: str, text: str, expected: list[tuple]) -> None:
    lines, sections = _lines(text)
    got = [
        (e.title, e.organisation, e.start, e.end, e.first_line, e.last_line)
        for e in job_entries(lines, sections, AS_OF)
    ]
    assert got == expected


def test_job_entries_full_resume() -> None:
    lines, sections = _lines(
        "Marta Quintela\n"
        "Senior Data Scientist | Lisbon, Portugal\n"
        "\n"
        "Summary\n"
        "Data scientist since 2018, focused on NLP.\n"
        "\n"
        "Experience\n"
        "Senior Data Scientist, Brightwave Analytics, Jan 2021 – Present\n"  # 7
        "• Built a churn model that saved 2020 hours a year.\n"
        "• Led a team of 4 from 2021 to 2023.\n"
        "\n"
        "Orvalho Labs — Porto\n"  # 11
        "Data Scientist\tMar 2019 – Dec 2021\n"
        "• Shipped forecasting models.\n"
        "\n"
        "Data Analyst\n"  # 15
        "Tejo Retail\n"
        "2017-19\n"
        "• Dashboards in Tableau.\n"
        "\n"
        "Education\n"
        "MSc in Statistics, University of Lisbon, 2016\n"
    )
    entries = job_entries(lines, sections, AS_OF)
    assert [(e.title, e.organisation, e.first_line, e.last_line) for e in entries] == [
        ("Senior Data Scientist", "Brightwave Analytics", 7, 9),
        ("Data Scientist", "Orvalho Labs", 11, 13),
        ("Data Analyst", "Tejo Retail", 15, 18),
    ]
    first = entries[0]
    assert first.current and first.end is None and first.months == 42
    assert first.to_dict() == {
        "title": "Senior Data Scientist",
        "organisation": "Brightwave Analytics",
        "start": "2021-01",
        "end": None,
        "current": True,
        "months": 42,
        "first_line": 7,
        "last_line": 9,
    }
    # Jan 2017 – Jun 2024; "since 2018" in the summary and the bullets' years do not count
    assert total_months(entries) == 90


def test_job_entries_without_experience_section() -> None:
    lines, sections = _lines(
        "Jamie Holt\n"
        "Projects\n"
        "Freelance Developer, 2018 - 2020\n"
        "Built a booking site in 2021\n"
        "Skills\n"
        "Python 2019 - 2024\n"
        "Education\n"
        "BSc Physics, 2015 - 2018"
    )
    entries = job_entries(lines, sections, AS_OF)
    assert [(e.title, e.start, e.end) for e in entries] == [
        ("Freelance Developer", "2018-01", "2020-12")
    ]


def test_no_jobs() -> None:
    assert job_entries([], [], AS_OF) == []
    lines, sections = _lines("Experience\n• Saved 2020 hours.\nWorked on many things.")
    assert job_entries(lines, sections, AS_OF) == []
    assert isinstance(JobEntry, type)


# --- education ------------------------------------------------------------------------------

EDUCATION = [
    (
        "Ph.D. in Physics, Riverbend University (2012–2017)",
        ("Ph.D.", "doctorate", "Physics", "Riverbend University", 2017),
    ),
    (
        "Doctor of Philosophy (PhD) in Computational Biology, 2020",
        ("Doctor of Philosophy", "doctorate", "Computational Biology", None, 2020),
    ),
    ("DPhil, Oxbridge College, 2011", ("DPhil", "doctorate", None, "Oxbridge College", 2011)),
    (
        "Master of Science in Computer Science — Globex Institute of Technology, 2015",
        ("Master of Science", "master", "Computer Science", "Globex Institute of Technology", 2015),
    ),
    (
        "MSc Statistics (Distinction), University of Lisbon, 2016",
        ("MSc", "master", "Statistics", "University of Lisbon", 2016),
    ),
    ("M.S. in Data Science, 2021", ("M.S.", "master", "Data Science", None, 2021)),
    ("MS in Data Science, 2021", ("MS", "master", "Data Science", None, 2021)),
    (
        "MA, History — University of Eastmoor",
        ("MA", "master", "History", "University of Eastmoor", None),
    ),
    (
        "MBA, Northfield Business School, 2019",
        ("MBA", "master", None, "Northfield Business School", 2019),
    ),
    ("MEng Mechanical Engineering, 2014", ("MEng", "master", "Mechanical Engineering", None, 2014)),
    ("Master's in Data Science, 2022", ("Master's", "master", "Data Science", None, 2022)),
    (
        "Master of Statistics, University of Westmoor, 2018 – Present",
        ("Master of Statistics", "master", "Statistics", "University of Westmoor", None),
    ),
    (
        "Bachelor of Science in Computer Science, Springfield College, 2012",
        ("Bachelor of Science", "bachelor", "Computer Science", "Springfield College", 2012),
    ),
    (
        "Bachelor's Degree in Economics, 2010",
        ("Bachelor's Degree", "bachelor", "Economics", None, 2010),
    ),
    (
        "B.S. Computer Science, Springfield College, May 2012",
        ("B.S.", "bachelor", "Computer Science", "Springfield College", 2012),
    ),
    ("BSc Mathematics, 2014", ("BSc", "bachelor", "Mathematics", None, 2014)),
    (
        "BA (Hons) Economics and Finance, 2011",
        ("BA", "bachelor", "Economics and Finance", None, 2011),
    ),
    ("B.Tech in Electronics, 2013", ("B.Tech", "bachelor", "Electronics", None, 2013)),
    ("BEng Civil Engineering", ("BEng", "bachelor", "Civil Engineering", None, None)),
    ("B.Ed. Elementary Education", ("B.Ed.", "bachelor", "Elementary Education", None, None)),
    (
        "Associate of Applied Science in Nursing, Lakeside Community College, 2009",
        (
            "Associate of Applied Science",
            "associate",
            "Nursing",
            "Lakeside Community College",
            2009,
        ),
    ),
    (
        "Postgraduate Diploma in Data Analytics",
        ("Postgraduate Diploma", "diploma", "Data Analytics", None, None),
    ),
    (
        "Certificate in Project Management, 2019",
        ("Certificate", "certificate", "Project Management", None, 2019),
    ),
    (
        "High School Diploma, Springfield High School, 2008",
        ("High School Diploma", "secondary", None, "Springfield High School", 2008),
    ),
    ("GED, 2005", ("GED", "secondary", None, None, 2005)),
    (
        "BSc Physics, Lakeshore Institute of Technology 2014",
        ("BSc", "bachelor", "Physics", "Lakeshore Institute of Technology", 2014),
    ),
]


@pytest.mark.parametrize(("line", "expected"), EDUCATION, ids=[e[0][:40] for e in EDUCATION])
def test_education_line(line: str, expected: tuple) -> None:
    lines, sections = _lines(f"Education\n{line}")
    (entry,) = education_entries(lines, sections)
    assert (entry.degree, entry.level, entry.field, entry.institution, entry.end_year) == expected
    assert entry.line == 1


@pytest.mark.parametrize(
    "line",
    [
        "Tools: MS Excel, MS Office, MS Word",
        "Boston, MA",
        "Springfield, MS 39056",
        "Boston MA 02115",
        "BANANA BAKERY",
        "Certified Scrum Master training",
        "Relevant coursework: Statistics, Machine Learning",
        "Associate Data Scientist",
    ],
)
def test_not_degrees(line: str) -> None:
    lines, sections = _lines(f"Education\n{line}")
    assert education_entries(lines, sections) == []


def test_education_institution_and_year_on_neighbouring_lines() -> None:
    lines, sections = _lines(
        "Education\n"
        "MSc Statistics\n"
        "University of Lisbon, 2014 - 2016\n"
        "BSc Mathematics\n"
        "University of Porto\n"
        "2011 - 2014\n"
    )
    got = [
        (e.degree, e.field, e.institution, e.end_year) for e in education_entries(lines, sections)
    ]
    assert got == [
        ("MSc", "Statistics", "University of Lisbon", 2016),
        ("BSc", "Mathematics", "University of Porto", 2014),
    ]
    lines, sections = _lines(
        "Education\n"
        "Riverbend University — Springfield, IL\n"
        "M.S. in Statistics\tAug 2014 – May 2016\n"
        "• Thesis on survival models\n"
        "Eastmoor College\n"
        "B.A. Mathematics, 2014\n"
    )
    got = [
        (e.degree, e.field, e.institution, e.end_year) for e in education_entries(lines, sections)
    ]
    assert got == [
        ("M.S.", "Statistics", "Riverbend University", 2016),
        ("B.A.", "Mathematics", "Eastmoor College", 2014),
    ]


def test_education_fallback_needs_unambiguous_degrees() -> None:
    lines, sections = _lines(
        "Dr. Ines Varela, PhD\n"
        "Summary\n"
        "PhD in Physics from Riverbend University, 2015.\n"
        "Supervised PhD students and taught MS Excel.\n"
        "Skills\n"
        "MS Office, BA tools\n"
        "Experience\n"
        "Postdoctoral Fellow, Eastmoor Institute, 2015 - 2018\n"
    )
    got = [(e.line, e.degree, e.level, e.field) for e in education_entries(lines, sections)]
    assert got == [(0, "PhD", "doctorate", None), (2, "PhD", "doctorate", "Physics")]
    assert education_entries(lines, sections)[1].institution == "Riverbend University"


def test_education_to_dict() -> None:
    lines, sections = _lines("Education\nBSc Mathematics, University of Porto, 2014")
    (entry,) = education_entries(lines, sections)
    assert isinstance(entry, EducationEntry)
    assert entry.to_dict() == {
        "degree": "BSc",
        "level": "bachelor",
        "field": "Mathematics",
        "institution": "University of Porto",
        "end_year": 2014,
        "line": 1,
    }


def test_fast_enough_on_a_two_page_resume() -> None:
    block = (
        "Senior Data Scientist, Brightwave Analytics, Jan 2021 – Present\n"
        "• Built a churn model that saved 2020 hours a year.\n"
        "• Led a team of 4 and mentored juniors in Python and SQL.\n"
        "\n"
        "Orvalho Labs — Porto\n"
        "Data Scientist\tMar 2019 – Dec 2021\n"
        "• Shipped forecasting models used by 30 stores.\n\n"
    )
    text = "Ana Lopes\nExperience\n" + block * 6 + "Education\nMSc in Statistics, 2016\n"
    lines, sections = _lines(text)
    assert len(lines) > 45
    job_entries(lines, sections, AS_OF)
    t = time.perf_counter()
    for _ in range(20):
        job_entries(lines, sections, AS_OF)
        education_entries(lines, sections)
    assert (time.perf_counter() - t) / 20 < 0.05  # generous: ~1-2 ms on a quiet machine


def test_square_bullet_separates_the_dates() -> None:
    lines = ["EXPERIENCE", "Data Engineer — Example Freight, Memphis ■ Jul 2015 – Mar 2018", "x"]
    (entry,) = job_entries(lines, ["experience"] * 3, date(2024, 1, 1))
    assert (entry.start, entry.end, entry.months) == ("2015-07", "2018-03", 33)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("PRINCIPAL DATA ARCHITECT Northwind Bank — Charlotte, NC ■ Feb 2021 – Present",
         ("PRINCIPAL DATA ARCHITECT", "Northwind Bank")),
        ("SENIOR DATA ENGINEER – LEAD Example CVS Health | Apr 2018 – Jan 2021",
         ("SENIOR DATA ENGINEER", "Example CVS Health")),
        ("DATA ANALYST / ETL DEVELOPER Example Consulting — Chicago, IL | 2013 – 2015",
         ("DATA ANALYST / ETL DEVELOPER", "Example Consulting")),
    ],
)  # fmt: skip
def test_title_in_capitals_then_employer_without_separator(line, expected) -> None:
    lines = ["EXPERIENCE", line, "- Built things."]
    (entry,) = job_entries(lines, ["experience"] * 3, date(2024, 1, 1))
    assert (entry.title, entry.organisation) == expected


def test_date_matches_only_on_year_lines_equal_a_full_scan():
    """find_date_ranges scans only lines that hold a year; the matches must be those of the
    pattern over the whole text (positions, groups), on texts built from date-like pieces."""
    import random

    from pipeline.understand.dates import _DATE, _date_matches

    pieces = [
        "Jan", "2019", "– Present", "to", "'20", "’21", "2019-21", "03/2018", "15", "Q3",
        "Summer", "since", "-", " ", " ", "\n", "\r\n", "\n\n", "x", "(", ")", "Sept.", "2020.01",
        "Present", "till date", "1999", "20", "19", "'", "/", ".", "5%", "MA", "ltd",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        full = [(m.span(), m.groupdict()) for m in _DATE.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _date_matches(text)] == full, text


def test_degree_pattern_with_word_start_guard_finds_what_the_forms_find():
    """_DEGREE puts a look-behind in front of its forms to skip positions inside words; on
    lines built from degree-like pieces it must find exactly what the forms alone find."""
    import random
    import re

    from pipeline.understand.education import _DEGREE, _DEGREE_FORMS

    forms = re.compile(_DEGREE_FORMS, re.X)
    pieces = [
        "MS", "M.S", "MSc", "BS", "B.A", "BA", "PhD", "Ph.D", "Ed.D", "MBA", "LL.M", "GED", "HND",
        "AAS", "A.A", "Bachelor", "master's", "Doctor", "of", "Science", "degree", "diploma",
        "Graduate", "certificate", "High", "School", "A-levels", ".", ",", " ", "  ", "x", "1",
        "_", "é", "Excel", "in", "(", ")", "-",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(4000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = [(m.span(), m.lastgroup) for m in forms.finditer(line)]
        assert [(m.span(), m.lastgroup) for m in _DEGREE.finditer(line)] == expected, line


def test_strict_degrees_looked_for_only_at_part_starts():
    """In strict mode (no education section) `_degree_at` tries the pattern only where a part
    starts (`_part_starts`) of the line, places not yet blanked, before its full search
    (`_first_degree`); on lines built from degree-like pieces, separators, places and blanks
    it returns what the full search returns."""
    import random

    from pipeline.understand import education

    pieces = [
        "MS", "M.S", "MSc", "BS", "B.A", "BA", "PhD", "Ph.D", "MBA", "GED", "HND", "Bachelor",
        "master's", "Doctor", "of", "Science", "degree", "in", "Statistics", "High", "School",
        "students", "Boston, MA", "Leeds", ",", ";", "|", ":", "(", ")", "-", "–", " - ", " ",
        "  ", "\t", "\u2003", "x", "1", "2014", "Example University", "Excel", "Austin, TX 78701",
        "Pune, Maharashtra, India", "Boston, MA, BS", "Leeds, UK", "Springfield, IL", "MA ",
        ", MS", "Cambridge, MA Master of Science", "Dallas, TX, USA",
    ]  # fmt: skip
    rng = random.Random(5)
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    fast = [education._degree_at(line, True) for line in lines]
    assert fast == [education._first_degree(line, True) for line in lines]
    assert sum(hit is not None for hit in fast) > 300
    assert sum(education.place_span(line) is not None for line in lines) > 800
