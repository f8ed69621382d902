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
