"""A released report as a file: CSV, JSON or PDF, each holding exactly what the portal shows.

Every format is written from the Report (partners/figures.py), that is from released figures
alone: a suppressed cell is written as "< 11" and nothing else of it."""

from __future__ import annotations

import csv
import io
import json
from importlib import import_module
from pathlib import Path

from django.utils.translation import gettext as _

from twentytwo.partners.figures import COLUMNS, Figure, Report

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}
EXPORT_FORMAT = "22tracks-partner-report/1"
FONTS = Path(__file__).parent / "fonts"
NOISE_NOTE = "released with noise"


def sections(report: Report) -> list[tuple[str, list[Figure]]]:
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
    for section, figures in sections(report):
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
            for section, figures in sections(report)
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


def cell_text(figure: Figure, name: str, suppressed: str) -> str:
    value = _shown(figure, name, suppressed)
    return value if isinstance(value, str) else _number(value)


def pdf_of(report: Report, *, organisation: str) -> bytes:
    """The report as PDF (partners/pdf.py). fpdf, with the font and image libraries it
    brings, takes about 45 MB of a process: it is loaded with the first PDF one makes."""
    return import_module("twentytwo.partners.pdf").pdf_of(report, organisation=organisation)
