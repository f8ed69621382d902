"""Charts of the operations dashboard (core/charts.py draws them)."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from twentytwo.core.charts import bar_chart as bars
from twentytwo.core.charts import line_chart

register = template.Library()

LEFT = 56  # room for the axis' values
BAR_LABEL = 190


@register.inclusion_tag("core/charts/line.html")
def time_chart(points, key: str, title: str, unit: str = "", label_format: str = "H:i"):
    """A line over time of `key` of each point (each has `start`)."""
    values = [float(getattr(p, key)) for p in points]
    marks = []
    for point, value in zip(points, values, strict=True):
        local = timezone.localtime(point.start)
        marks.append(
            {
                "label": date_format(local, label_format),
                "title": date_format(local, "Y-m-d H:i"),
                "value": round(value, 2),
            }
        )
    # Up to a week of hours: smaller points keep the line readable.
    return line_chart(
        chart_id=key, title=title, unit=unit, values=values, marks=marks, left=LEFT, point_radius=2
    )


@register.inclusion_tag("core/charts/bars.html")
def bar_chart(rows, label: str, key: str, title: str, unit: str = "", chart_id: str = ""):
    """Horizontal bars of `key` of each row, labelled by its `label`."""
    return bars(
        chart_id=chart_id or key,
        title=title,
        unit=unit,
        labels=[getattr(row, label) for row in rows],
        values=[round(float(getattr(row, key)), 2) for row in rows],
        label_width=BAR_LABEL,
        value_room=64,
        empty="No requests in this period.",
    )
