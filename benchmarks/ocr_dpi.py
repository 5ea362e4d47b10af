"""Which resolution to render scanned PDF pages at for Tesseract: word recall against time.

Fictional resume pages (8-12 pt Helvetica and Times, one page in two columns) are drawn with
reportlab, rasterised with pypdfium2 at a scanner's resolution (200 DPI grey by default), given
a slight skew, a grey paper tone, Gaussian noise and specks, and embedded as the only content of
an image PDF. Each page is then OCRed by `pipeline.read.ocr.ocr_pdf_pages` at 150, 200, 300
and 400 DPI. Word recall is strict: whitespace-separated tokens, punctuation and case kept,
counted as a multiset against the drawn text. Seconds per page are the median of 3 runs on one
core (OMP_THREAD_LIMIT=1, as in the pipeline), rendering included.

Prints figures; it is not a test. The measured figures and the choice they led to are in the
comment on OCR_DPI in pipeline/read/ocr.py.
Needs the dev extras (reportlab, Pillow) and Tesseract.
Run: python benchmarks/ocr_dpi.py [--scan-dpi 200 300] [--repeats 3] [--pages helvetica-7pt]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.read import ocr  # noqa: E402

DPIS = (150, 200, 300, 400)
PAGES = ["helvetica-8pt", "times-9pt", "helvetica-10pt", "times-12pt", "two-column"]
CONFIDENCES = (0, 20, 40, 60, 80)

SKILLS = [
    "Python", "scikit-learn", "PyTorch", "TensorFlow", "Pandas", "NumPy", "SQL", "PostgreSQL",
    "Docker", "Kubernetes", "AWS", "SageMaker", "Airflow", "Spark", "Tableau", "Git", "Linux",
    "FastAPI", "React", "TypeScript", "Java", "C++", "R", "Excel", "MLflow", "Terraform",
]  # fmt: skip
VERBS = [
    "Built", "Designed", "Led", "Shipped", "Maintained", "Automated", "Migrated", "Reduced",
    "Improved", "Deployed", "Trained", "Mentored", "Analysed", "Wrote", "Owned", "Scaled",
]  # fmt: skip
OBJECTS = [
    "a churn model for 2.4M subscribers", "the nightly ETL pipeline", "feature stores",
    "a demand forecasting service", "dashboards for the finance team", "CI checks for models",
    "an NLP classifier for support tickets", "batch scoring jobs", "the recommendation API",
    "data quality alerts", "an A/B testing framework", "model monitoring",
]  # fmt: skip
RESULTS = [
    "cutting latency by 35%", "saving 12 hours a week", "with 99.9% uptime",
    "for three product teams", "raising recall from 0.71 to 0.84", "within budget",
]  # fmt: skip
TITLES = [
    "Senior Machine Learning Engineer", "Data Scientist", "Software Engineer II",
    "Analytics Engineer", "Research Assistant", "Data Engineer",
]  # fmt: skip
EMPLOYERS = ["Northwind Analytics", "Blue Heron Labs", "Contoso Retail", "Fabrikam Health"]


def bullet(rng: random.Random) -> str:
    skill_a, skill_b = rng.sample(SKILLS, 2)
    return (
        f"- {rng.choice(VERBS)} {rng.choice(OBJECTS)} using {skill_a} and {skill_b}, "
        f"{rng.choice(RESULTS)}."
    )


def resume_lines(rng: random.Random, count: int) -> list[tuple[str, bool]]:
    """(text, is_heading) lines of a fictional resume."""
    lines: list[tuple[str, bool]] = [
        ("Jordan Q. Example", True),
        ("Summary", True),
        ("Engineer with 7 years of applied machine learning and data platform work.", False),
        ("Experience", True),
    ]
    year = 2024
    while len(lines) < count - 4:
        lines.append((f"{rng.choice(TITLES)}, {rng.choice(EMPLOYERS)} ({year - 3}-{year})", False))
        year -= 3
        lines.extend((bullet(rng), False) for _ in range(rng.randint(2, 4)))
    lines.append(("Skills", True))
    lines.append((", ".join(rng.sample(SKILLS, 9)), False))
    lines.append(("Education", True))
    lines.append(("M.Sc. Statistics, University of Somewhere, 2016", False))
    return lines


@dataclass
class Page:
    name: str
    size: float  # body font size, 0 for mixed
    truth: list[str]  # drawn tokens


def draw_page(path: Path, name: str, rng: random.Random) -> Page:
    """A text PDF page; returns what was drawn."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    drawn: list[str] = []

    def put(x: float, y: float, text: str, font: str, size: float) -> None:
        c.setFont(font, size)
        c.drawString(x, y, text)
        drawn.append(text)

    if name == "two-column":
        y = 740
        for text in ["Contact", "Berlin, Germany", "Skills", *rng.sample(SKILLS, 12)]:
            heading = text in ("Contact", "Skills")
            put(40, y, text, "Helvetica-Bold" if heading else "Helvetica", 11 if heading else 9)
            y -= 14
        y = 740
        for text, heading in resume_lines(rng, 40):
            while text and y > 50:  # wrap the main column at ~75 characters
                cut = len(text) if len(text) <= 75 else text.rfind(" ", 0, 75)
                font = "Helvetica-Bold" if heading else "Times-Roman"
                put(220, y, text[:cut], font, 12 if heading else 10)
                text = text[cut:].strip()
                y -= 15
        size = 0.0
    else:
        size = float(name.split("-")[-1].removesuffix("pt"))
        font = "Times-Roman" if name.startswith("times") else "Helvetica"
        y = 750.0
        for text, heading in resume_lines(rng, int(620 / (size * 1.45))):
            put(54, y, text, font + ("-Bold" if heading and font == "Helvetica" else ""), size)
            y -= size * 1.45
    c.save()
    return Page(name, size, [t for line in drawn for t in line.split()])


def scan(text_pdf: Path, out_pdf: Path, scan_dpi: int, rng: random.Random) -> None:
    """Rasterise, skew, tone and add noise, then embed as the only content of a PDF page."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    document = pdfium.PdfDocument(str(text_pdf))
    bitmap = document[0].render(scale=scan_dpi / 72, grayscale=True)
    image = bitmap.to_pil()
    document.close()
    image = image.rotate(rng.uniform(-0.6, 0.6), resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float32) * 0.92 + 8  # paper ~243, ink ~8
    noise = np.random.default_rng(rng.randrange(2**32))
    pixels += noise.normal(0, 10, pixels.shape)
    specks = noise.random(pixels.shape) < 0.0003
    pixels[specks] = noise.uniform(0, 120, int(specks.sum()))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    c = canvas.Canvas(str(out_pdf), pagesize=letter, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
    c.save()


def recall_precision(truth: list[str], found: list[str]) -> tuple[float, float]:
    hits = sum((Counter(truth) & Counter(found)).values())
    return hits / len(truth), hits / max(1, len(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scan-dpi", type=int, nargs="+", default=[200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pages", nargs="+", default=PAGES, help="two-column, or FONT-SIZEpt (helvetica, times)"
    )
    args = parser.parse_args()
    if not ocr.available():
        sys.exit("Tesseract is not installed")
    names = args.pages
    captured: list[str] = []
    run_tesseract = ocr._tesseract

    def capture(*a, **k) -> str:  # keep the TSV to re-filter at other confidence thresholds
        captured.append(run_tesseract(*a, **k))
        return captured[-1]

    ocr._tesseract = capture
    with tempfile.TemporaryDirectory() as tmp:
        for scan_dpi in args.scan_dpi:
            rng = random.Random(7)
            pages = []
            for name in names:
                text_pdf, scan_pdf = Path(tmp, f"{name}.pdf"), Path(tmp, f"{name}-scan.pdf")
                pages.append((draw_page(text_pdf, name, rng), scan_pdf))
                scan(text_pdf, scan_pdf, scan_dpi, rng)
            print(f"\nScanned at {scan_dpi} DPI; strict word recall (precision) per page")
            print(f"{'page':<16}{'words':>6}" + "".join(f"{d:>10} DPI" for d in DPIS))
            results: dict[int, list[tuple[float, float, float]]] = {d: [] for d in DPIS}
            tsv: dict[tuple[str, int], str] = {}
            sizes: dict[str, float] = {}
            for page, scan_pdf in pages:
                cells = []
                for dpi in DPIS:
                    seconds = []
                    for _ in range(args.repeats):
                        start = time.perf_counter()
                        words = ocr.ocr_pdf_pages(Path(scan_pdf).read_bytes(), [0], dpi=dpi)[0]
                        seconds.append(time.perf_counter() - start)
                    tsv[page.name, dpi] = captured[-1]
                    recall, precision = recall_precision(page.truth, [w.text for w in words])
                    results[dpi].append((recall, precision, statistics.median(seconds)))
                    cells.append(f"{recall:.3f} ({precision:.2f})")
                    if dpi == ocr.OCR_DPI and words:
                        sizes[page.name] = statistics.median(w.size for w in words)
                print(f"{page.name:<16}{len(page.truth):>6}" + "".join(f"{c:>14}" for c in cells))
            print(f"{'mean recall':<22}" + "".join(f"{_mean(results[d], 0):>14.3f}" for d in DPIS))
            print(
                f"{'mean precision':<22}" + "".join(f"{_mean(results[d], 1):>14.3f}" for d in DPIS)
            )
            print(
                f"{'s/page (median)':<22}" + "".join(f"{_mean(results[d], 2):>14.2f}" for d in DPIS)
            )
            print(f"\nAt {ocr.OCR_DPI} DPI: recall / precision by minimum word confidence")
            keep = ocr.MIN_CONFIDENCE
            for confidence in CONFIDENCES:
                ocr.MIN_CONFIDENCE = confidence
                scores = [
                    recall_precision(
                        page.truth,
                        [
                            w.text
                            for w in ocr._words(
                                tsv[page.name, ocr.OCR_DPI], 72 / ocr.OCR_DPI, lambda _n: 0
                            )
                        ],
                    )
                    for page, _ in pages
                ]
                print(f"  conf >= {confidence:>3}: {_mean(scores, 0):.3f} / {_mean(scores, 1):.3f}")
            ocr.MIN_CONFIDENCE = keep
            print(f"\nEstimated font size (median over words) at {ocr.OCR_DPI} DPI")
            for page, _ in pages:
                if page.size:
                    print(
                        f"  {page.name:<16} drawn {page.size:>4.1f} pt, estimated "
                        f"{sizes.get(page.name, 0):.1f} pt"
                    )


def _mean(rows, column: int) -> float:
    return statistics.fmean(row[column] for row in rows)


if __name__ == "__main__":
    main()
