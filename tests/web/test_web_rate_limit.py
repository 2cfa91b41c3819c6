"""The rate limiter: a sliding window, deterministic given the time."""

from __future__ import annotations

import pytest

from xinyong.web.security import RateLimiter


def test_a_sliding_window_allows_the_limit_in_any_window() -> None:
    limiter = RateLimiter(3, window=60.0)
    assert [limiter.hit("a", t) for t in (0.0, 10.0, 59.0)] == [None, None, None]
    assert limiter.hit("a", 59.5) == pytest.approx(0.5)  # the first hit leaves at 60.0
    assert limiter.hit("b", 59.5) is None, "keys are counted apart"
    assert limiter.hit("a", 60.0) is None
    assert limiter.hit("a", 61.0) == pytest.approx(9.0)  # the hit at 10.0 leaves at 70.0


def test_no_burst_across_a_minute_boundary() -> None:
    limiter = RateLimiter(2, window=60.0)
    allowed = [limiter.hit("a", t) is None for t in (59.0, 59.5, 60.5, 61.0)]
    assert allowed == [True, True, False, False]
