"""Server-drawn SVG charts: a line over evenly spaced points and horizontal bars.

The dashboards' template tags pick the values out of their rows and call `line_chart` or
`bar_chart`; the result is the context of core/charts/line.html or bars.html. The strict
CSP allows no inline style or script, so the charts use SVG presentation attributes and the
classes of static/core/charts.css; each has a title and a description, and the dashboards
show a table with the same numbers beside it."""


def nice_ceiling(value: float) -> float:
    """Return a round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    top = step
    while top < value:
        top += step
    return float(top)


LINE_WIDTH, LINE_HEIGHT = 640, 220
LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 16, 16, 32
# Label at most about this many points on the axis so the labels never overlap.
MAX_AXIS_LABELS = 8


def line_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    values: list[float],
    marks: list[dict],
    left: int,
    span: str = "",
    point_radius: int = 3,
) -> dict:
    """Return the context of core/charts/line.html.

    `marks` holds, for each value, its `label` on the axis, its `title` in the point's
    tooltip and its `value` as shown; `span` says what stretch of time the line covers."""
    return {
        "id": chart_id,
        "title": title,
        "unit": unit,
        "span": span,
        "point_radius": point_radius,
        **line_layout(values, marks, left=left),
    }


def line_layout(values: list[float], marks: list[dict], *, left: int) -> dict:
    """Place a line over evenly spaced points, scaled to a round top, with room on the left
    for the axis' values; x and y are added to the marks."""
    top = nice_ceiling(max(values, default=0))
    inner_w, inner_h = LINE_WIDTH - left - LINE_RIGHT, LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    for i, (mark, value) in enumerate(zip(marks, values, strict=True)):
        mark["x"] = round(left + (i * step if len(values) > 1 else inner_w / 2), 1)
        mark["y"] = round(LINE_TOP + inner_h - value / top * inner_h, 1)
    every = max(1, -(-len(marks) // MAX_AXIS_LABELS))
    return {
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "left": left,
        "right": LINE_WIDTH - LINE_RIGHT,
        "top": LINE_TOP,
        "baseline": LINE_TOP + inner_h,
        "top_value": top,
        "mid_value": top / 2,
        "mid_y": LINE_TOP + inner_h / 2,
        "marks": marks,
        "labelled": marks[::every],
        "path": " ".join(f"{m['x']},{m['y']}" for m in marks),
        "low": min(values, default=0),
        "high": max(values, default=0),
    }


BAR_WIDTH, BAR_TOP, BAR_RIGHT = 640, 16, 16
BAR_HEIGHT, BAR_GAP = 18, 6


def bar_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    labels: list,
    values: list[float],
    label_width: int,
    value_room: int,
    empty: str,
) -> dict:
    """Return the context of core/charts/bars.html; `empty` describes a chart with no bars."""
    return {
        "id": chart_id,
        "title": title,
        "unit": unit,
        "empty": empty,
        **bars_layout(labels, values, label_width=label_width, value_room=value_room),
    }


def bars_layout(labels: list, values: list[float], *, label_width: int, value_room: int) -> dict:
    """Place horizontal bars: one per label, scaled to a round top, with room on the left for
    the labels and on the right for the values."""
    top = nice_ceiling(max(values, default=0))
    inner_w = BAR_WIDTH - label_width - BAR_RIGHT - value_room
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = BAR_TOP + i * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "width": round(value / top * inner_w, 1),
                "value_x": round(label_width + value / top * inner_w + 6, 1),
            }
        )
    return {
        "width": BAR_WIDTH,
        "height": BAR_TOP * 2 + len(bars) * (BAR_HEIGHT + BAR_GAP),
        "label_x": label_width - 8,
        "bar_x": label_width,
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }
