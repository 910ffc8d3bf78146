"""SPC charts from the cache and from worker processes: the same bytes as drawing them here."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from compiler import pipeline
from compiler.assess.spc import analyse
from compiler.packs.assemble import assemble
from compiler.packs.cqc import with_charts
from compiler.packs.profiles import load_profile
from compiler.render.charts import (CACHE_KIND, PNG_MAGIC, POOL_MIN, chart_key, chart_spec, chart_version,
                                    draw_chart, draw_charts)
from compiler.render.theme import load_theme
from compiler.views.common import Options, chart_data
from compiler.views.cqc import cqc_view
from evidence_store.cache import open_cache

THEME = load_theme()


def month(i: int) -> dt.date:
    return dt.date(2025 + i // 12, i % 12 + 1, 1)


def spec_for(values: list[float], base: int = 8, title: str = "Falls per month", target: float | None = None):
    points = [(month(i), month(i).strftime("%Y-%m"), float(v)) for i, v in enumerate(values)]
    opened = month(base - 1) + dt.timedelta(days=14)
    spc = analyse(points, opened, "lower", target)
    return spc, opened, chart_spec(chart_data(spc, title=title, opened=opened), theme=THEME)


def spc_chart_png(spc, *, title, opened, theme):
    return draw_chart(chart_spec(chart_data(spc, title=title, opened=opened), theme=theme))


BASE = [12, 14, 11, 13, 15, 12, 14, 13, 11, 12, 13, 14]


@pytest.fixture()
def cache(tmp_path):
    with open_cache(tmp_path / "cache") as c:
        yield c


def test_spec_is_plain_json_and_draws_what_spc_chart_png_draws():
    spc, opened, spec = spec_for(BASE + [10, 9, 8, 9, 8, 7], base=12, target=9)
    again = json.loads(json.dumps(spec))          # what a worker process or the cache key sees
    assert again == spec
    assert draw_chart(again) == spc_chart_png(spc, title="Falls per month", opened=opened, theme=THEME)


def test_a_cached_chart_is_byte_identical_to_a_fresh_one(cache):
    spc, opened, spec = spec_for(BASE + [10, 9, 8])
    first = draw_charts([spec], cache=cache)
    cache.flush()
    assert cache.stats["misses"] == 1 and cache.stats["hits"] == 0
    second = draw_charts([spec], cache=cache)
    assert cache.stats["hits"] == 1
    fresh = spc_chart_png(spc, title="Falls per month", opened=opened, theme=THEME)
    assert first == second == [fresh]


def test_a_changed_series_title_or_colour_is_a_new_chart(cache):
    _, _, spec = spec_for(BASE + [10, 9, 8])
    _, _, changed = spec_for(BASE + [10, 9, 9])
    _, _, retitled = spec_for(BASE + [10, 9, 8], title="Falls per week")
    recoloured = json.loads(json.dumps(spec))
    recoloured["colours"]["spc_improvement"] = "#123456"
    keys = {chart_key(s) for s in (spec, changed, retitled, recoloured)}
    assert len(keys) == 4
    assert chart_key(spec) == chart_key(json.loads(json.dumps(spec)))
    (a,) = draw_charts([spec], cache=cache)
    cache.flush()
    (b,) = draw_charts([changed], cache=cache)
    assert a != b
    assert cache.stats["hits"] == 0 and cache.stats["misses"] == 2
    assert b == draw_chart(changed)


@pytest.mark.parametrize("damage", ["not a png", "truncated", "wrong size"])
def test_a_damaged_entry_is_dropped_and_drawn_again(cache, damage):
    _, _, spec = spec_for(BASE + [10, 9, 8])
    good = draw_chart(spec)
    key, version = chart_key(spec), chart_version()
    bad = {"not a png": (b"GIF89a" + good[6:], len(good)),
           "truncated": (good[: len(good) // 2], len(good) // 2),
           "wrong size": (good, len(good) + 1)}[damage]
    cache.put(CACHE_KIND, key, version, {"bytes": bad[1]}, bad[0])
    cache.flush()
    assert draw_charts([spec], cache=cache) == [good]
    assert cache.stats["dropped"] == 1
    cache.flush()
    assert cache.get(CACHE_KIND, key, version) == ({"bytes": len(good)}, good)   # healed


def test_without_a_usable_cache_charts_are_drawn(cache):
    _, _, spec = spec_for(BASE + [10, 9, 8])
    cache.close()
    assert not cache.usable
    assert draw_charts([spec], cache=cache) == [draw_chart(spec)]


def many_specs(n: int) -> list[dict]:
    """n different charts, and the first one again at the end (drawn once, placed twice)."""
    specs = [spec_for(BASE + [10 - k % 4, 9, 8 + k % 3], title=f"Indicator {k}")[2] for k in range(n)]
    return specs + [specs[0]]


def test_parallel_and_serial_give_the_same_bytes_in_the_same_order(monkeypatch):
    notes: list[str] = []
    monkeypatch.setattr("evidence_store.cache.note", notes.append)
    specs = many_specs(POOL_MIN + 1)
    serial = draw_charts(specs, workers=1)
    parallel = draw_charts(specs, workers=2)
    assert notes == []                     # the pool started and drew them
    assert parallel == serial
    assert serial[-1] == serial[0] and len(set(serial)) == len(specs) - 1
    assert all(png.startswith(PNG_MAGIC) for png in parallel)


def test_a_pool_that_cannot_start_falls_back_to_drawing_here(monkeypatch):
    notes: list[str] = []
    monkeypatch.setattr("evidence_store.cache.note", notes.append)

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise OSError("no processes here")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", NoPool)
    specs = many_specs(POOL_MIN)
    assert draw_charts(specs, workers=2) == [draw_chart(s) for s in specs]
    assert notes == ["charts drawn in this process (no processes here)"]


def test_few_charts_are_drawn_here_without_a_pool(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a few charts")

    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    specs = many_specs(POOL_MIN - 2)
    assert draw_charts(specs, workers=4) == [draw_chart(s) for s in specs]


def test_the_cqc_pack_takes_its_charts_from_the_cache(tmp_path):
    assessment = pipeline.check(["examples/plans"], "examples/evidence", dt.date(2026, 11, 20))
    pack = assemble(assessment, load_profile("cqc"))
    view = cqc_view(pack, Options())
    plain = with_charts(view, THEME)
    with open_cache(tmp_path / "cache") as cache:
        cold = with_charts(view, THEME, cache)
        cache.flush()
        drawn = cache.stats["misses"]
        warm = with_charts(view, THEME, cache)
        assert drawn > 0 and cache.stats["hits"] == drawn

    def pngs(ctx):
        return [(a.id, c.indicator, c.png) for a in ctx.actions for c in a.charts]

    assert pngs(plain) and pngs(plain) == pngs(cold) == pngs(warm)
    assert all(c.png is None for a in view.actions for c in a.charts)      # the view holds data, not images

