"""Charts of the ratings dashboard (core/charts.py draws them)."""

from django import template

from twentytwo.core.charts import bar_chart as bars
from twentytwo.core.charts import line_chart as line

register = template.Library()

LEFT = 48  # room for the axis' values
BAR_LABEL = 140


@register.inclusion_tag("core/charts/line.html")
def line_chart(points, key: str, title: str, unit: str = "", chart_id: str = ""):
    """A line of `key` of each series point, one per day, week or month."""
    values = [float(getattr(p, key)) for p in points]
    marks = [
        {"label": point.period.tick, "title": point.period.name, "value": value}
        for point, value in zip(points, values, strict=True)
    ]
    span = (
        f"from {points[0].period.first:%Y-%m-%d} to {points[-1].period.last:%Y-%m-%d}"
        if points
        else ""
    )
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
def bar_chart(rows, key: str, title: str, unit: str = "", chart_id: str = ""):
    """Horizontal bars of `key` of each genre row."""
    return bars(
        chart_id=chart_id or key,
        title=title,
        unit=unit,
        labels=[row["genre"] for row in rows],
        values=[float(row[key]) for row in rows],
        label_width=BAR_LABEL,
        value_room=48,
        empty="No listening in this period.",
    )
