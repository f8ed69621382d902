"""Charts of a released report (core/charts.py draws them), from released figures only.

A suppressed cell has no number to draw: a line leaves it out, and says so."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from twentytwo.core.charts import bar_chart as bars
from twentytwo.core.charts import line_chart as line

register = template.Library()

SUPPRESSED = mark_safe(' class="partners__suppressed"')  # a constant, nothing of the data
LEFT = 56
BAR_LABEL = 240


@register.inclusion_tag("core/charts/line.html")
def period_chart(figures, key: str, title: str, unit: str = "", chart_id: str = ""):
    """A line of `key` over the released periods (suppressed ones left out)."""
    shown = [f for f in figures if not f.suppressed]
    left_out = len(figures) - len(shown)
    if left_out:
        title = f"{title} ({left_out} period{'s' if left_out != 1 else ''} suppressed, left out)"
    values = [float(f.value(key) or 0) for f in shown]
    marks = [
        {"label": f.label, "title": f"{f.first:%Y-%m-%d} to {f.last:%Y-%m-%d}", "value": v}
        for f, v in zip(shown, values, strict=True)
    ]
    span = f"from {shown[0].first:%Y-%m-%d} to {shown[-1].last:%Y-%m-%d}" if shown else ""
    return line(
        chart_id=chart_id or key,
        title=title,
        unit=unit,
        values=values,
        marks=marks,
        left=LEFT,
        span=span,
    )


@register.inclusion_tag("core/charts/bars.html")
def figure_bars(figures, key: str, title: str, unit: str = "", chart_id: str = ""):
    """Horizontal bars of `key` of released figures (top tracks, genres)."""
    shown = [f for f in figures if not f.suppressed and f.value(key) is not None]
    return bars(
        chart_id=chart_id or key,
        title=title,
        unit=unit,
        labels=[f.label[:40] for f in shown],
        values=[float(f.value(key)) for f in shown],
        label_width=BAR_LABEL,
        value_room=64,
        empty="No figure above the threshold in this view.",
    )


@register.simple_tag
def figure_cells(figure, columns, suppressed_label: str):
    """A figure's cells of a table row: for a suppressed one, the threshold in its
    listeners' cell and a dash in every other; one tag, not an include per row."""
    if figure.suppressed:
        cells = [(SUPPRESSED, suppressed_label)] + [(SUPPRESSED, "–")] * (len(columns) - 1)
    else:
        cells = [("", "–" if (v := figure.value(name)) is None else v) for name, _l in columns]
    return format_html_join("", "<td{}>{}</td>", cells)
