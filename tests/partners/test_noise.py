"""The noise is what the method page says: discrete Laplace of scale sensitivity / ε.

OpenDP draws its noise from the operating system's random source and cannot be seeded, so
the check is a statistical one with a stated tolerance: by the Dvoretzky–Kiefer–Wolfowitz
inequality, the largest gap between the empirical and the true distribution function of
N = 50,000 draws exceeds t = 0.012 with probability at most 2·exp(−2Nt²) ≈ 1.1e-6 when the
mechanism is right. The same draws are far outside that tolerance of the distribution that
twice the ε would give, so the test fails if the noise were too small."""

import math
import random

import pytest

from twentytwo.audience.selectors.bounded import MEASURES
from twentytwo.partners import disclosure, noise

DRAWS = 50_000
TOLERANCE = 0.012


def discrete_laplace_cdf(k: int, scale: float) -> float:
    p = math.exp(-1 / scale)
    return 1 - p ** (k + 1) / (1 + p) if k >= 0 else p ** (-k) / (1 + p)


def largest_gap(draws: list[int], scale: float) -> float:
    draws = sorted(draws)
    gap, below = 0.0, 0
    for k in range(draws[0] - 1, draws[-1] + 1):
        while below < len(draws) and draws[below] <= k:
            below += 1
        gap = max(gap, abs(below / len(draws) - discrete_laplace_cdf(k, scale)))
    return gap


@pytest.mark.parametrize(("sensitivity", "epsilon"), [(13, 1.0), (39, 0.5)])
def test_the_noise_is_discrete_laplace_of_the_stated_scale(sensitivity, epsilon):
    # Fixed-seed true values: the noise must not depend on them.
    rng = random.Random(22)
    values = [rng.randrange(0, 500) for _ in range(DRAWS)]
    noisy = disclosure.noised(values, sensitivity=sensitivity, epsilon=epsilon)
    errors = [n - v for n, v in zip(noisy, values, strict=True)]

    scale = sensitivity / epsilon
    assert largest_gap(errors, scale) < TOLERANCE
    # Twice the ε (half the noise) would be plainly told apart.
    assert largest_gap(errors, scale / 2) > 5 * TOLERANCE
    assert abs(sum(errors) / DRAWS) < 6 * math.sqrt(2) * scale / math.sqrt(DRAWS)


def test_a_view_noises_each_figure_with_its_whole_sensitivity_over_epsilon(monkeypatch, world):
    """Each measure is noised once, over every cell of every group, with the sum of the
    groups' sensitivities: the ε a view states is the ε it spends."""
    calls = []
    real = disclosure.noised

    def recording(values, *, sensitivity, epsilon):
        calls.append((len(values), sensitivity, epsilon))
        return real(values, sensitivity=sensitivity, epsilon=epsilon)

    monkeypatch.setattr(disclosure, "noised", recording)
    query = disclosure.ReportQuery(
        tracks=tuple(world.tracks[n].id for n in ("big", "mid", "tiny")),
        genres=None,
        city_id=None,
        first=world.first,
        last=world.last,
        daypart="all-day",
        step="day",
    )
    figures = disclosure._figures(query, epsilon=0.8, min_listeners=11)

    bounds = disclosure.bounds()
    expected = {m: sum(bounds.sensitivity(g)[m] for g in disclosure.GROUPS) for m in MEASURES}
    assert [(s, e) for _n, s, e in calls] == [(expected[m], 0.8) for m in MEASURES]
    cells = sum(len(group) for group in figures["groups"].values())
    assert {n for n, _s, _e in calls} == {cells}
    assert figures["method"]["sensitivity"] == expected
    assert figures["method"]["scale"] == {m: expected[m] / 0.8 for m in MEASURES}
    assert figures["method"]["epsilon"] == pytest.approx(0.8 * len(MEASURES))
    # 3 tracks, 7 days, 1 genre, the total and the genre's whole listening.
    assert cells == 3 + 7 + 1 + 1 + 1


def test_noise_too_small_for_the_epsilon_claimed_is_refused_before_a_draw(monkeypatch):
    """OpenDP states the privacy loss of the measurement built; noised() holds it to ε."""
    dp = noise._opendp()
    original = dp.m.make_laplace

    def too_little_noise(*args, scale, **kwargs):
        return original(*args, scale=scale / 2, **kwargs)

    monkeypatch.setattr(dp.m, "make_laplace", too_little_noise)
    with pytest.raises(RuntimeError, match="does not give"):
        disclosure.noised([1, 2, 3], sensitivity=13, epsilon=1.0)
