"""What the server-drawn SVG charts (the ratings and operations dashboards) share."""


def nice_ceiling(value: float) -> float:
    """Return a round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    top = step
    while top < value:
        top += step
    return float(top)


BAR_WIDTH, BAR_TOP, BAR_RIGHT = 640, 16, 16
BAR_HEIGHT, BAR_GAP = 18, 6


def bars_layout(labels: list, values: list[float], *, label_width: int, value_room: int) -> dict:
    """Place horizontal bars: one per label, scaled to a round top, with room on the left for
    the labels and on the right for the values. The context a bar chart template draws."""
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
