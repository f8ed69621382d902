"""The export as files: the data as JSON, the same as a page a person can read, in one zip.

The zip is written as it is sent, a piece at a time, into a sink that cannot seek (zipfile
then writes each entry's sizes after its data), so the first bytes leave before the last
row is formatted and no copy of the whole archive is ever held."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from twentytwo.privacy.export_contents import ExportSection

EXPORT_FORMAT = "22tracks-my-data/1"
JSON_NAME = "my-data.json"
HTML_NAME = "my-data.html"
# Rows are formatted this many at a time before their bytes are handed on.
ROWS_PER_PIECE = 500


@dataclass
class Export:
    """Everything read for one export, ready to be written out."""

    account: int
    produced_at: dt.datetime
    policy_version: int | None
    sections: list[ExportSection]
    # (what, why) for what is held about the listener elsewhere or not at all.
    not_included: list[tuple[str, str]] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"22tracks-my-data-{timezone.localtime(self.produced_at):%Y-%m-%d}.zip"


def _json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def export_json_pieces(export: Export) -> Iterator[str]:
    """Yield the JSON document in pieces; joined, they are one valid document."""
    head = {
        "format": EXPORT_FORMAT,
        "account": export.account,
        "produced_at": export.produced_at.isoformat(),
        "policy_version": export.policy_version,
        "not_included": [{"what": what, "why": why} for what, why in export.not_included],
    }
    yield _json_line(head)[:-1] + ', "sections": ['
    for index, section in enumerate(export.sections):
        about = {
            "table": section.model_label,
            "title": section.title,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "category": f.category,
                    "purpose": f.purpose,
                    "legal_basis": f.legal_basis,
                    "retention": f.retention,
                    **({"withheld": f.withheld} if f.withheld else {}),
                    **({"note": f.note} if f.note else {}),
                }
                for f in section.fields
            ],
        }
        yield ("," if index else "") + "\n" + _json_line(about)[:-1] + ', "rows": ['
        for start in range(0, len(section.rows), ROWS_PER_PIECE):
            chunk = section.rows[start : start + ROWS_PER_PIECE]
            yield ("," if start else "") + ",".join("\n" + _json_line(row) for row in chunk)
        yield "]}"
    yield "\n]}\n"


def _cell(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict) and "id" in value and set(value) <= {"id", "text"}:
        return escape(value.get("text") or f"#{value['id']}")
    if isinstance(value, list):
        return escape(", ".join(str(item) for item in value))
    if isinstance(value, dict):
        return f"<code>{escape(_json_line(value))}</code>"
    return escape(value)


def _html_section(section: ExportSection) -> Iterator[str]:
    shown = section.shown_fields
    yield f"<section>\n<h2>{escape(section.title)}</h2>\n<dl>\n"
    for f in section.fields:
        state = escape(_("left out: %(why)s") % {"why": f.withheld}) if f.withheld else ""
        yield (
            f"<dt>{escape(f.label)}</dt><dd>{escape(f.category)}. {escape(f.purpose)}. "
            f"{escape(f.legal_basis)}. {escape(f.retention)}."
            + (f" <strong>{state}</strong>" if state else "")
            + (f" ({escape(f.note)})" if f.note else "")
            + "</dd>\n"
        )
    yield "</dl>\n"
    if not section.rows:
        yield f"<p>{escape(_('Nothing of yours is in this table.'))}</p>\n</section>\n"
        return
    header = "".join(f'<th scope="col">{escape(f.label)}</th>' for f in shown)
    yield f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>\n"
    for start in range(0, len(section.rows), ROWS_PER_PIECE):
        yield "".join(
            "<tr>" + "".join(f"<td>{_cell(row.get(f.name))}</td>" for f in shown) + "</tr>\n"
            for row in section.rows[start : start + ROWS_PER_PIECE]
        )
    yield "</tbody>\n</table>\n</section>\n"


def export_html_pieces(export: Export) -> Iterator[str]:
    """Yield a self-contained page (no scripts, no styles, nothing fetched) in pieces."""
    title = _("Everything 22tracks holds about account %(number)s") % {"number": export.account}
    produced = timezone.localtime(export.produced_at)
    yield (
        f'<!doctype html>\n<html lang="{escape(get_language() or "en")}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{escape(title)}</title>\n</head>\n<body>\n'
        f"<h1>{escape(title)}</h1>\n<p>"
        + escape(
            _(
                "Made on %(when)s under version %(version)s of the privacy policy. Each table "
                "says what its columns are, why we keep them, on what legal basis and for how "
                "long. The same data is in my-data.json, for other programs to read."
            )
            % {"when": f"{produced:%Y-%m-%d %H:%M %Z}", "version": export.policy_version or "—"}
        )
        + "</p>\n"
    )
    yield f"<h2>{escape(_('What is not in this file'))}</h2>\n<dl>\n"
    for what, why in export.not_included:
        yield f"<dt>{escape(what)}</dt><dd>{escape(why)}</dd>\n"
    yield "</dl>\n"
    for section in export.sections:
        yield from _html_section(section)
    yield "</body>\n</html>\n"


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until it is taken; cannot seek, so zipfile streams."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def export_zip_stream(export: Export) -> Iterator[bytes]:
    """Yield the zip with both files, piece by piece."""
    sink = _Sink()
    stamp = timezone.localtime(export.produced_at).timetuple()[:6]
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in (
            (JSON_NAME, export_json_pieces(export)),
            (HTML_NAME, export_html_pieces(export)),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, mode="w") as entry:
                for piece in pieces:
                    entry.write(piece.encode())
                    if data := sink.take():
                        yield data
    yield sink.take()
