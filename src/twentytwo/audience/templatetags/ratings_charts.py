"""Charts of the ratings dashboard as inline SVG, drawn on the server.

The strict CSP allows no inline style or script, so the charts use SVG presentation
attributes and classes of static/audience/ratings.css; each has a title, a description and a
table with the same numbers beside it."""

from django import template

from twentytwo.web.charts import bars_layout, nice_ceiling

register = template.Library()

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32
BAR_LABEL = 140


@register.inclusion_tag("audience/charts/line.html")
def line_chart(points, key: str, title: str, unit: str = "", chart_id: str = ""):
    values = [float(getattr(p, key)) for p in points]
    top = nice_ceiling(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    marks = []
    for i, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + (i * step if len(values) > 1 else inner_w / 2)
        y = TOP + inner_h - value / top * inner_h
        marks.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "tick": point.period.tick,
                "name": point.period.name,
                "value": value,
            }
        )
    # Label at most about eight points on the axis so the labels never overlap.
    every = max(1, len(marks) // 8 + (len(marks) % 8 > 0))
    return {
        "id": chart_id or key,
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
        "labelled": [m for i, m in enumerate(marks) if i % every == 0],
        "path": " ".join(f"{m['x']},{m['y']}" for m in marks),
        "low": min(values, default=0),
        "high": max(values, default=0),
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
