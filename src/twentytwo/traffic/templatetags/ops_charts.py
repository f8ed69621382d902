"""Charts of the operations dashboard as inline SVG, drawn on the server.

The strict CSP allows no inline style or script, so the charts use SVG presentation
attributes and the classes of static/traffic/ops.css; each has a title and a description,
and a table with the same numbers is next to it."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from twentytwo.web.charts import bars_layout, line_layout

register = template.Library()

LEFT = 56  # room for the axis' values
BAR_LABEL = 190


@register.inclusion_tag("traffic/charts/time.html")
def time_chart(points, key: str, title: str, unit: str = "", label_format: str = "H:i"):
    """A line over time of `key` of each point (each has `start`)."""
    values = [float(getattr(p, key)) for p in points]
    marks = []
    for point, value in zip(points, values, strict=True):
        local = timezone.localtime(point.start)
        marks.append(
            {
                "label": date_format(local, label_format),
                "when": date_format(local, "Y-m-d H:i"),
                "value": round(value, 2),
            }
        )
    return {"id": key, "title": title, "unit": unit, **line_layout(values, marks, left=LEFT)}


@register.inclusion_tag("traffic/charts/bars.html")
def bar_chart(rows, label: str, key: str, title: str, unit: str = "", chart_id: str = ""):
    """Horizontal bars of `key` of each row, labelled by its `label`."""
    layout = bars_layout(
        [getattr(row, label) for row in rows],
        [round(float(getattr(row, key)), 2) for row in rows],
        label_width=BAR_LABEL,
        value_room=64,
    )
    return {"id": chart_id or key, "title": title, "unit": unit, **layout}
