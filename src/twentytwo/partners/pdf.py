"""A released report as PDF: the same sections and cells as the CSV and JSON files
(partners/exports.py), laid out for print, with DejaVu fonts for every script."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from twentytwo.partners.exports import FONTS, cell_text, sections
from twentytwo.partners.figures import COLUMNS, Report

NAME_WIDTH, NUMBER_WIDTH, ROW_HEIGHT = 80, 27, 5


def _pdf_row(pdf: FPDF, widths, texts) -> None:
    """One table row of single-line cells (fast, unlike fpdf's table for long reports)."""
    for index, (width, text) in enumerate(zip(widths, texts, strict=True)):
        pdf.cell(width, ROW_HEIGHT, text, border="B", align="L" if index == 0 else "R")
    pdf.ln(ROW_HEIGHT)


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with an ellipsis to fit the width."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


class _ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.cell(
            0, 6, _("22tracks partner report · page %(n)d") % {"n": self.page_no()}, align="C"
        )


def pdf_of(report: Report, *, organisation: str) -> bytes:
    pdf = _ReportPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(timezone.now())
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(
        0, 10, f"{organisation}: {report.first} – {report.last}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", size=9)
    method = report.method
    pdf.multi_cell(
        0,
        5,
        _(
            "%(city)s, daypart %(daypart)s, by %(step)s. Every figure is released with noise "
            "(%(mechanism)s, ε %(epsilon)g per figure, by %(library)s); a cell with fewer than "
            "%(n)d listeners is shown as “%(suppressed)s”. Totals are released on their own, "
            "not added up from the rows. View %(key)s, released %(at)s."
        )
        % {
            "city": report.city,
            "daypart": report.daypart,
            "step": report.step,
            "mechanism": method["mechanism"],
            "epsilon": method["epsilon_per_figure"],
            "library": method["library"],
            "n": report.min_listeners,
            "suppressed": report.suppressed_label,
            "key": report.key[:16],
            "at": report.released_at.strftime("%Y-%m-%d %H:%M UTC"),
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    suppressed = report.suppressed_label
    widths = (NAME_WIDTH, *(NUMBER_WIDTH,) * len(COLUMNS))
    for section, figures in sections(report):
        if not figures:
            continue
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, section.capitalize(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 7)
        _pdf_row(pdf, widths, [_("name"), *(label for _name, label in COLUMNS)])
        pdf.set_font("DejaVu", size=7)
        for f in figures:
            label = _fitted(pdf, f.label, NAME_WIDTH - 2)
            _pdf_row(
                pdf, widths, [label, *(cell_text(f, name, suppressed) for name, _l in COLUMNS)]
            )
    return bytes(pdf.output())
