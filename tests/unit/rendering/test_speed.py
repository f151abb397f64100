"""Rendering is on the hot path: a streaming reply is re-rendered up to ~20 times a second."""

import time

from pen.rendering import render_markdown
from pen.rendering.highlight import highlight_code


def _median_ms(render, runs: int = 7) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)[runs // 2]


def test_a_4kb_reply_renders_in_a_few_milliseconds(sample_reply):
    # About 6 ms cold and 3 ms with its code blocks cached on the development machine; the bound
    # is loose so a busy CI passes, and still catches a slow path (guess_lexer, no reuse...).
    def cold():
        highlight_code.cache_clear()
        render_markdown(sample_reply)

    assert _median_ms(cold) < 40
    assert _median_ms(lambda: render_markdown(sample_reply)) < 20


def test_hostile_sizes_render_in_linear_time():
    for text in ("[" * 20_000 + "a" + "](" * 20_000, "*a **a " * 5_000, "<" * 40_000, "&amp;" * 10_000):
        assert _median_ms(lambda text=text: render_markdown(text), runs=1) < 2_000
