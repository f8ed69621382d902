"""Charts of the ratings dashboard as inline SVG, drawn on the server.

The strict CSP allows no inline style or script, so the charts use SVG presentation
attributes and classes of static/audience/ratings.css; each has a title, a description and a
table with the same numbers beside it."""

from django import template

from twentytwo.web.charts import bars_layout, line_layout

register = template.Library()

LEFT = 48  # room for the axis' values
BAR_LABEL = 140


@register.inclusion_tag("audience/charts/line.html")
def line_chart(points, key: str, title: str, unit: str = "", chart_id: str = ""):
    values = [float(getattr(p, key)) for p in points]
    marks = [
        {"tick": point.period.tick, "name": point.period.name, "value": value}
        for point, value in zip(points, values, strict=True)
    ]
    return {
        "id": chart_id or key,
        "title": title,
        "unit": unit,
        **line_layout(values, marks, left=LEFT),
        "first": points[0].period.first if points else None,
        "last": points[-1].period.last if points else None,
    }


@register.inclusion_tag("audience/charts/bars.html")
def bar_chart(rows, key: str, title: str, unit: str = "", chart_id: str = ""):
    layout = bars_layout(
        [row["genre"] for row in rows],
        [float(row[key]) for row in rows],
        label_width=BAR_LABEL,
        value_room=48,
    )
    return {"id": chart_id or key, "title": title, "unit": unit, **layout}
