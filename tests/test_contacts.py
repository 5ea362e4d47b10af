"""Contact details from a resume's lines (pipeline/understand/contacts.py)."""

from __future__ import annotations

import pytest

from pipeline.records import Contacts
from pipeline.understand.contacts import extract_contacts, find_place
from pipeline.understand.segment import heading_section, mask_contacts


def _sections(lines: list[str]) -> list[str]:
    """Section of each line, the way segment.analyse assigns them."""
    current, out = "header", []
    for line in lines:
        current = heading_section(line) or current
        out.append(current)
    return out


def _contacts(text: str) -> Contacts:
    lines = text.split("\n")
    return extract_contacts(lines, _sections(lines))


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("+49 30 12345678", "+493012345678"),
        ("+49 (0)30 1234 5678", "+493012345678"),
        ("+49-30-1234-5678", "+493012345678"),
        ("+91 98765 43210", "+919876543210"),
        ("+1 (555) 123-4567", "+15551234567"),
        ("+1.555.123.4567", "+15551234567"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("+351 912 345 678", "+351912345678"),
        ("(555) 123-4567", "5551234567"),
        ("555-123-4567", "5551234567"),
        ("555.123.4567", "5551234567"),
        ("020 7946 0958", "02079460958"),
        ("030 12345678", "03012345678"),
    ],
)
def test_phone_formats(written: str, normalised: str) -> None:
    c = _contacts(f"Rosa Albers\n{written} | rosa.albers@example.com")
    assert c.phones == (normalised,)
    # the same number is blanked by segment.mask_contacts, so it never reaches the matcher
    masked = mask_contacts(written)
    assert sum(ch.isdigit() for ch in masked) == 0


@pytest.mark.parametrize(
    "line",
    [
        "Data Engineer, Norra Systems, 2017 - 2019",
        "Analyst, Acme Inc, 01/2010 - 05/2012",
        "Engineer 2012.01 - 2014.03",
        "Engineer 03.2012 - 05.2014",
        "Timeline: 2016 2017 2018 2019",
        "Grew revenue to 1200000000 in a year",
        "ISBN 978-3-16-148410-0",
        "Order no. 4417 2231 9981 1234 5678",
        "Call 555-0147",  # seven digits: too short to be sure
    ],
)
def test_not_phones(line: str) -> None:
    assert _contacts(f"Experience\n{line}").phones == ()


def test_phone_with_a_label_anywhere() -> None:
    c = _contacts(
        "Lina Berg\n\nExperience\nEngineer, Acme Inc, 2019 - 2021\n\nContact\nTel 5551234567"
    )
    assert c.phones == ("5551234567",)
    # an unlabelled bare digit run outside the header is not a phone
    assert _contacts("Experience\nTicket 5551234567 closed").phones == ()


def test_emails_deduplicated_in_order() -> None:
    c = _contacts(
        "Tom Hale\n"
        "thomas.hale@example.co.uk, Thomas.Hale@Example.co.uk\n"
        "Experience\n"
        "Wrote to hr-team+jobs@globex.example.org.\n"
    )
    assert c.emails == ("thomas.hale@example.co.uk", "hr-team+jobs@globex.example.org")


def test_links() -> None:
    c = _contacts(
        "Jonas Feldmann\n"
        "https://www.linkedin.com/in/jonas-feldmann/ | https://github.com/jfeldmann\n"
        "Portfolio: https://jonasfeldmann.dev/work, gitlab.com/jfeldmann\n"
        "Projects\n"
        "Forecast kit (github.com/jfeldmann/forecast-kit), demo: www.forecast-demo.example.com."
    )
    assert c.linkedin == "linkedin.com/in/jonas-feldmann"
    assert c.github == "github.com/jfeldmann"
    assert c.websites == (
        "jonasfeldmann.dev/work",
        "gitlab.com/jfeldmann",
        "forecast-demo.example.com",
    )


def test_github_owner_from_a_repository_link() -> None:
    c = _contacts("Ada Ruiz\nhttps://github.com/adaruiz/thesis-code")
    assert c.github == "github.com/adaruiz"
    assert c.websites == ()


def test_bare_domains_only_in_the_header() -> None:
    c = _contacts(
        "Alex Moreno\n"
        "Senior ASP.NET Developer | alexmoreno.io | alex@moreno.example.com\n"
        "Node.js, Vue.js\n"
        "Experience\n"
        "Built shop.example.com for a client\n"
    )
    assert c.websites == ("alexmoreno.io",)
    assert c.emails == ("alex@moreno.example.com",)


@pytest.mark.parametrize(
    ("header", "location"),
    [
        ("Senior Data Scientist | Lisbon, Portugal", "Lisbon, Portugal"),
        ("Austin, TX 78701 | (512) 555-0147 | alex@example.com", "Austin, TX"),
        ("Berlin, Germany · +49 30 12345678", "Berlin, Germany"),
        ("Based in Pune, Maharashtra, India", "Pune, Maharashtra, India"),
        ("Location: Remote", "Remote"),
        ("Location: Toronto, ON", "Toronto, ON"),
        ("Address: Rua das Flores 12, 1200-195 Lisboa, Portugal", "Lisboa, Portugal"),
        ("12 Elm Street, Springfield, IL 62704", "Springfield, IL"),
        ("📍 São Paulo, Brazil", "São Paulo, Brazil"),
        ("London, UK", "London, UK"),
        ("Frankfurt am Main, Germany", "Frankfurt am Main, Germany"),
        ("Data scientist based in Porto, Portugal.", "Porto, Portugal"),
        ("Doe, Jane", None),
        ("City University alumni network", None),
        ("Skills: Python, SQL", None),
        ("Globex Inc, TX", None),
    ],
)
def test_location_in_header(header: str, location: str | None) -> None:
    assert _contacts(f"Casey Jordan\n{header}\n\nSummary\nAnalyst.").location == location


def test_name_line_with_a_credential_is_not_a_place() -> None:
    assert _contacts("Anna Lee, MD\nCardiologist").location is None
    assert _contacts("Anna Lee, MD | Austin, TX\nCardiologist").location == "Austin, TX"


def test_location_not_from_experience_lines() -> None:
    c = _contacts(
        "Casey Jordan\n"
        "casey@example.com\n"
        "Experience\n"
        "Analyst, Globex, Austin, TX, 2019 - 2021\n"
        "Based in Denver, CO for two years\n"
    )
    assert c.location is None


def test_location_under_contact_heading() -> None:
    lines = ["Casey Jordan", "Summary", "Analyst."] + ["filler"] * 12
    lines += ["Contact", "casey@example.com", "Leeds, UK", "Skills", "Madrid, Spain"]
    c = extract_contacts(lines, _sections(lines))
    assert c.location == "Leeds, UK"
    assert c.emails == ("casey@example.com",)


def test_find_place() -> None:
    assert find_place("Austin, TX, USA") == "Austin, TX, USA"
    assert find_place("Rosenheim, Bavaria, Germany") == "Rosenheim, Bavaria, Germany"
    assert find_place("Washington, DC") == "Washington, DC"
    assert find_place("Lisbon") is None
    assert find_place("Python, Java") is None


def test_full_header_and_to_dict() -> None:
    c = _contacts(
        "Marta Quintela\n"
        "Senior Data Scientist | Lisbon, Portugal\n"
        "marta.quintela@example.org | +351 912 345 678 | linkedin.com/in/marta-quintela | "
        "github.com/mquintela\n"
        "https://martaq.dev\n"
        "\n"
        "Experience\n"
        "Senior Data Scientist, Brightwave Analytics, Jan 2021 – Present\n"
        "• Built a churn model that saved 2020 hours a year.\n"
    )
    assert c.to_dict() == {
        "name": "Marta Quintela",
        "emails": ["marta.quintela@example.org"],
        "phones": ["+351912345678"],
        "linkedin": "linkedin.com/in/marta-quintela",
        "github": "github.com/mquintela",
        "websites": ["martaq.dev"],
        "location": "Lisbon, Portugal",
    }


def test_name_beside_the_email_in_a_two_column_header() -> None:
    c = _contacts(
        "CONTACT\n"
        "rafferty.quillon@example.org\n"
        "SKILLS\n"
        "Python, SQL\n"
        "Rafferty Quillon\n"
        "Machine Learning Engineer\n"
    )
    assert c.name == "Rafferty Quillon"
    assert _contacts("Julia Ruby | julia.ruby@example.org | Columbus, OH\n").name == "Julia Ruby"
    # A job-title heading in capitals is not a name.
    assert _contacts("LEAN SIX SIGMA BLACK BELT\nExperience\n").name is None


def test_empty() -> None:
    assert extract_contacts([], []) == Contacts()
    assert Contacts().to_dict()["emails"] == []


def test_identity_lines_are_the_name_and_contact_lines_not_a_headline():
    from pipeline.understand.contacts import identity_lines

    lines = [
        "Julia Ruby",
        "Machine Learning Engineer | Python, PyTorch",
        "julia@example.org | +44 20 7946 0958",
        "12 Python Street, Leeds, UK",
        "EXPERIENCE",
        "Engineer, Contoso, 2020 - Present",
    ]
    sections = ["header"] * 4 + ["experience"] * 2
    assert identity_lines(lines, sections) == {0, 2, 3}
    # A first line that is a headline, not a name, is kept.
    assert 0 not in identity_lines(
        ["Data Scientist", *lines[2:]], ["header"] * 3 + ["experience"] * 2
    )


def test_links_blanked_word_by_word_as_over_the_whole_text():
    """mask_contacts searches e-mails and links only in words that can hold them: the same
    result as the patterns over the whole text."""
    import random

    from pipeline.text.patterns import EMAIL, URL, blank
    from pipeline.understand.segment import _blank_links

    bits = ["a", "@", ".", " ", "\n", "\xa0", "www.", "WWW.", "http://", "HTTPS://", "x.com/",
            "LinkedIn.com/", "-", "+", "é", "1", "/", "\u2028", "_", "github.com", "\t",
            "io"]  # fmt: skip
    rng = random.Random(5)
    for _ in range(30000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 14)))
        assert _blank_links(text) == URL.sub(blank, EMAIL.sub(blank, text)), repr(text)


def test_phones_blanked_run_by_run_as_over_the_whole_text():
    """mask_contacts searches phone numbers only inside runs of the characters they are made
    of: the same result as the pattern over the whole text (look-behind and look-ahead at
    the runs' edges, dates that look like numbers, digits of other scripts)."""
    import random

    from pipeline.text.patterns import PHONE
    from pipeline.understand.segment import _blank_links, _blank_phone

    bits = ["1", "2", "0", "9", "5", " ", "  ", "-", "(", ")", ".", "+", "a", "x", "_", "\n",
            "\xa0", "\u2003", "٣", "²", "/", "2017 - 2019", "01/2010 - 05/2012", "555 123 4567",
            "+1 (555) 123-4567", "Tel:", "é", "'"]  # fmt: skip
    rng = random.Random(8)
    for _ in range(30000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 16)))
        want = PHONE.sub(_blank_phone, _blank_links(text))
        assert mask_contacts(text) == want, repr(text)


def test_lines_passed_over_for_links_hold_none():
    """mask_contacts and extract_contacts run the link pattern only where `may_hold_url` lets
    them; on lines built from link-like pieces, every line it turns away has no link match."""
    import random

    from pipeline.text.patterns import URL, may_hold_url

    pieces = [
        "http", "HTTPS", "://", ":/", "/", "www", "WWW", "wWw", ".", "com", "COM", ".Com/",
        "linkedin", "LinkedIn", "github", "x", "gitlab.com", "twitter", "ſ", "\u212a", " ", "in/",
        "é", "a", "-",
    ]  # fmt: skip
    rng = random.Random(5)
    for _ in range(5000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        if not may_hold_url(line):
            assert URL.search(line) is None, line


def test_segments_split_as_the_pattern_does():
    """`_segments` skips the separator pattern on text without a separator's characters; on
    texts built from separators, blanks of several kinds and words it splits as the pattern."""
    import random

    from pipeline.understand.contacts import _SEGMENT_SPLIT, _segments

    pieces = [
        "Ada", "Lee", "MD", "Leeds, UK", "|", "·", "•", ";", "\t", "-", "–", "—", " ", "  ",
        "   ", "\u00a0", "\u2003", "\u3000", "\n", "x-y", "a–b", "e@x.io", ",",
    ]  # fmt: skip
    rng = random.Random(6)
    whole = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        for maxsplit in (0, 1):
            expected = _SEGMENT_SPLIT.split(text, maxsplit=maxsplit)
            assert _segments(text, maxsplit) == expected, (text, maxsplit)
            whole += expected == [text]
    assert whole > 2000
