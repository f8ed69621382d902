"""Charts of the operations dashboard as inline SVG, drawn on the server.

The strict CSP allows no inline style or script, so the charts use SVG presentation
attributes and the classes of static/traffic/ops.css; each has a title and a description,
and a table with the same numbers is next to it."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from twentytwo.web.charts import bars_layout, nice_ceiling

register = template.Library()

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 32
BAR_LABEL = 190
MAX_AXIS_LABELS = 8


@register.inclusion_tag("traffic/charts/time.html")
def time_chart(points, key: str, title: str, unit: str = "", label_format: str = "H:i"):
    """A line over time of `key` of each point (each has `start`)."""
    values = [float(getattr(p, key)) for p in points]
    top = nice_ceiling(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    marks = []
    for i, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + (i * step if len(values) > 1 else inner_w / 2)
        y = TOP + inner_h - value / top * inner_h
        local = timezone.localtime(point.start)
        marks.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "label": date_format(local, label_format),
                "when": date_format(local, "Y-m-d H:i"),
                "value": round(value, 2),
            }
        )
    every = max(1, -(-len(marks) // MAX_AXIS_LABELS))
    return {
        "id": key,
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "baseline": TOP + inner_h,
        "top_value": top,
        "mid_value": top / 2,
        "mid_y": TOP + inner_h / 2,
        "marks": marks,
        "labelled": marks[::every],
        "path": " ".join(f"{m['x']},{m['y']}" for m in marks),
        "low": min(values, default=0),
        "high": max(values, default=0),
    }


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
