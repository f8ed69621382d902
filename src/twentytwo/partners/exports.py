"""A released report as a file: CSV, JSON or PDF, each holding exactly what the portal shows.

Every format is written from the Report (partners/figures.py), that is from released figures
alone: a suppressed cell is written as "< 11" and nothing else of it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from twentytwo.partners.figures import COLUMNS, Figure, Report

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}
EXPORT_FORMAT = "22tracks-partner-report/1"
FONTS = Path(__file__).parent / "fonts"
NOISE_NOTE = "released with noise"


def _sections(report: Report) -> list[tuple[str, list[Figure]]]:
    return [
        ("total", [report.total]),
        ("tracks", report.tracks),
        ("periods", report.periods),
        ("genres", report.genres),
    ]


def _shown(figure: Figure, name: str, suppressed: str):
    if figure.suppressed:
        return suppressed if name == "listeners" else None
    return figure.value(name)


def filename(report: Report, organisation: str, extension: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in organisation.lower()).strip("-")
    return f"22tracks-{safe}-{report.first}-{report.last}-{report.key[:8]}.{extension}"


def csv_of(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    names = [name for name, _label in COLUMNS]
    writer.writerow(["section", "key", "name", "from", "to", *names, "note"])
    suppressed = report.suppressed_label
    for section, figures in _sections(report):
        for f in figures:
            writer.writerow(
                [
                    section,
                    f.key,
                    f.label,
                    f.first.isoformat() if f.first else "",
                    f.last.isoformat() if f.last else "",
                    *("" if (v := _shown(f, n, suppressed)) is None else v for n in names),
                    _("suppressed: fewer than %(n)d listeners") % {"n": report.min_listeners}
                    if f.suppressed
                    else NOISE_NOTE,
                ]
            )
    return out.getvalue()


def _figure_dict(f: Figure, suppressed: str) -> dict:
    shown = {"key": f.key, "name": f.label}
    if f.first:
        shown |= {"from": f.first.isoformat(), "to": f.last.isoformat()}
    if f.suppressed:
        return shown | {"suppressed": True, "listeners": suppressed}
    return shown | {"suppressed": False} | {name: f.value(name) for name, _label in COLUMNS}


def json_of(report: Report, *, organisation: str) -> dict:
    suppressed = report.suppressed_label
    return {
        "format": EXPORT_FORMAT,
        "organisation": organisation,
        "view": report.key,
        "released_at": report.released_at.isoformat(),
        "city": report.city,
        "daypart": report.daypart,
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "step": report.step,
        "method": report.method,
        **{
            section: [_figure_dict(f, suppressed) for f in figures]
            for section, figures in _sections(report)
        },
    }


def json_text(report: Report, *, organisation: str) -> str:
    return json.dumps(json_of(report, organisation=organisation), indent=2, ensure_ascii=False)


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _text(figure: Figure, name: str, suppressed: str) -> str:
    value = _shown(figure, name, suppressed)
    return value if isinstance(value, str) else _number(value)


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
    for section, figures in _sections(report):
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
            _pdf_row(pdf, widths, [label, *(_text(f, name, suppressed) for name, _l in COLUMNS)])
    return bytes(pdf.output())
