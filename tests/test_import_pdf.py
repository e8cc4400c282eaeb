"""Importing PDFs: paragraphs rejoined across line breaks, hyphenation and page breaks;
running heads and page numbers left out; where each page begins kept in the catalog; and
the PDFs that cannot be read (encrypted, no text layer, damaged) listed with the reason.
The PDFs are made here with fpdf2, line by line, so the expected text is known."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fpdf import FPDF

from tuireader.core.importing.document import Unreadable, article_text
from tuireader.core.importing.pdf import extract_pdf
from tuireader.core.importing.plan import plan_import
from tuireader.core.importing.run import run_import
from tuireader.core.workspace import Workspace

TITLE = "Water Quality in the Lower Valley"
# Each page: paragraphs, each a list of the lines written (a page may end mid-paragraph).
PAGES = [
    [
        [
            "Samples were taken at twelve sites along the river between March and Septem-",
            "ber, and each was tested for nitrates, phosphates and dissolved oxygen.",
        ],
        [
            "Nitrate levels rose after heavy rain at every site downstream of the treatment",
            "works, which suggests that the overflow was the main source of the pollution in",
            "the survey period.",
        ],
        ["The second survey, in August, found that the results were not what the"],
    ],
    [
        ["survey team had expected: oxygen levels were higher than in March."],
        ["The council has agreed to fund monthly testing for a further two years."],
    ],
    [["Appendix: the twelve sites are listed in the council's register of monitoring points."]],
]
PARAGRAPHS = [
    TITLE,
    "Samples were taken at twelve sites along the river between March and September, and "
    "each was tested for nitrates, phosphates and dissolved oxygen.",
    "Nitrate levels rose after heavy rain at every site downstream of the treatment works, "
    "which suggests that the overflow was the main source of the pollution in the survey "
    "period.",
    "The second survey, in August, found that the results were not what the survey team had "
    "expected: oxygen levels were higher than in March.",
    "The council has agreed to fund monthly testing for a further two years.",
    "Appendix: the twelve sites are listed in the council's register of monitoring points.",
]


class _Report(FPDF):
    """A report with a running head and "Page N of M" at the foot of every page."""

    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, "Valley Water Report 2023", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, f"Page {self.page_no()} of 3")


def report_pdf(title_in_info: str | None = TITLE) -> bytes:
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(False)
    if title_in_info:
        pdf.set_title(title_in_info)
    pdf.set_author("Hanna Virtanen; Olli Koskinen")
    pdf.set_creation_date(datetime(2023, 6, 1, 12, 0, tzinfo=UTC))
    for number, paragraphs in enumerate(PAGES):
        pdf.add_page()
        if number == 0:
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 10, TITLE, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        for lines in paragraphs:
            for line in lines:
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    return bytes(pdf.output())


def test_paragraphs_are_rejoined_across_lines_hyphens_and_pages() -> None:
    extracted = extract_pdf(report_pdf(), "report.pdf")
    assert extracted.paragraphs == PARAGRAPHS
    text = "\n".join(extracted.paragraphs)
    assert "Valley Water Report" not in text  # the running head
    assert "Page 2 of 3" not in text  # the page numbers


def test_the_facts_come_from_the_document_information() -> None:
    facts = extract_pdf(report_pdf(), "report.pdf").facts
    assert facts == {
        "title": TITLE,
        "authors": ["Hanna Virtanen", "Olli Koskinen"],
        "issued": "2023-06-01",
        "type": "report",
    }


def test_a_title_the_document_information_lacks_is_the_large_first_line() -> None:
    facts = extract_pdf(report_pdf(title_in_info="Microsoft Word - draft3.docx"), "r.pdf").facts
    assert facts["title"] == TITLE


def test_where_each_page_begins_is_kept_in_the_text() -> None:
    article = article_text(extract_pdf(report_pdf(), "report.pdf"))
    starts = article.page_starts
    assert starts is not None and len(starts) == 3
    assert starts[0] == 0
    # Page 2 begins inside the paragraph left open at the foot of page 1.
    assert article.text[starts[1] :].startswith("survey team had expected")
    assert article.text[starts[2] :].startswith("Appendix: the twelve sites")


def test_an_imported_pdf_records_its_pages_and_source_in_the_catalog(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    pdf = tmp_path / "Lower Valley report.pdf"
    pdf.write_bytes(report_pdf())
    run_import(plan_import(root, [pdf]))
    workspace = Workspace.open(root)
    article = workspace.articles["lower-valley-report"]
    assert [p.text for p in article.paragraphs] == PARAGRAPHS
    entry = workspace.catalog["lower-valley-report"]
    assert entry["source"] == "sources/lower-valley-report.pdf"
    assert article.text[entry["pages"][2] :].startswith("Appendix")
    assert workspace.load_warnings == []


def _encrypted(user_password: str) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(report_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf_that_needs_a_password_is_unreadable() -> None:
    with pytest.raises(Unreadable, match="encrypted: a password is needed"):
        extract_pdf(_encrypted("secret"), "locked.pdf")


def test_a_pdf_encrypted_only_against_editing_is_read() -> None:
    assert extract_pdf(_encrypted(""), "restricted.pdf").paragraphs == PARAGRAPHS


def test_a_scanned_pdf_without_text_layer_is_unreadable() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")  # a picture of a page, no text
    pdf.add_page()
    with pytest.raises(Unreadable, match="no text layer"):
        extract_pdf(bytes(pdf.output()), "scan.pdf")


def test_a_damaged_pdf_is_unreadable() -> None:
    with pytest.raises(Unreadable, match="not a PDF that can be read"):
        extract_pdf(b"%PDF-1.4\n1 0 obj << /Type /Catalog", "damaged.pdf")


def test_unreadable_pdfs_are_listed_and_the_rest_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-locked.pdf").write_bytes(_encrypted("secret"))
    pdf = FPDF()
    pdf.add_page()
    (folder / "b-scan.pdf").write_bytes(bytes(pdf.output()))
    (folder / "c-report.pdf").write_bytes(report_pdf())
    (folder / "d-notes.docx").write_bytes(b"PK\x03\x04 a word document")
    report = run_import(plan_import(root, [folder]))
    statuses = [(f.path.name, f.status) for f in report.plan.files]
    assert statuses == [
        ("a-locked.pdf", "unreadable"),
        ("b-scan.pdf", "unreadable"),
        ("c-report.pdf", "new"),
        ("d-notes.docx", "unreadable"),
    ]
    reasons = [f.reason for f in report.plan.files]
    assert "password" in reasons[0] and "no text layer" in reasons[1]
    assert "unknown type (.docx)" in reasons[3]
    seeds = sorted(p.name for p in (root / "seeds").iterdir() if not p.name.startswith("."))
    assert seeds == ["c-report.txt", "catalog.yaml"]
    assert sorted(p.name for p in (root / "sources").iterdir()) == ["c-report.pdf"]


def test_a_quote_in_an_imported_pdf_is_cited_by_its_page(tmp_path: Path) -> None:
    from tuireader.core.annotations.locators import page_at
    from tuireader.core.export.documents import pandoc_citation
    from tuireader.core.export.quotes import QuoteItem
    from tuireader.core.export.references import quote_text

    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf())
    run_import(plan_import(root, [pdf]))
    workspace = Workspace.open(root)
    text = workspace.articles["report"].text
    pages = workspace.catalog["report"]["pages"]
    assert page_at(pages, text.index("Nitrate levels rose")) == 1
    assert page_at(pages, text.index("the results were not what")) == 1
    assert page_at(pages, text.index("oxygen levels were higher")) == 2
    assert page_at(pages, text.index("register of monitoring")) == 3
    assert page_at(None, 10) is None and page_at(pages, None) is None

    quote = "oxygen levels were higher than in March"
    item = QuoteItem("a1", "report", "virtanen2023water", quote, paragraph=3, page=2)
    assert quote_text(item) == f"“{quote}” (p. 2)"
    assert pandoc_citation(item.key, item.paragraph, item.page) == "[@virtanen2023water, p. 2]"
    # An article without pages keeps its paragraph locator.
    assert pandoc_citation("roe2020", 3) == "[@roe2020, para. 3]"


def test_an_export_of_a_highlight_in_an_imported_pdf_cites_its_page(tmp_path: Path) -> None:
    from tuireader.cli import main

    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf())
    run_import(plan_import(root, [pdf]))
    quote = "oxygen levels were higher than in March"  # on page 2 of the PDF (report_pdf)
    assert main(["--workspace", str(root), "annotate", "report", "--quote", quote]) == 0
    out = tmp_path / "quotes.md"
    assert main(["--workspace", str(root), "export", "--format", "md", "-o", str(out)]) == 0
    exported = out.read_text(encoding="utf-8")
    assert ", p. 2]" in exported and "para." not in exported, exported
