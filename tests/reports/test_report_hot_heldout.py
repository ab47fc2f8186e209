"""The concentrated-requests grouping judged on held-out titles (tests/data/hot_heldout.toml),
written independently of the word lists' tuning fixtures (tests/reports/test_report_hot.py).

Pairwise scores over every pair of requests: precision = pairs put together that belong together
/ pairs put together; recall = pairs put together that belong together / pairs that belong
together. docs/statistics.md states the figures this test measures (``python -m
tests.reports.test_report_hot_heldout`` prints them) and the floors asserted here.
"""

from __future__ import annotations

import tomllib
from datetime import date
from itertools import combinations
from pathlib import Path

from casework.reports.hot import STOPWORDS, cluster_indices, hot_matters, vectorise
from tests.support.reports import register

HELDOUT = Path(__file__).parent.parent / "data" / "hot_heldout.toml"
PRECISION_FLOOR = 0.75
RECALL_FLOOR = 0.85


def heldout() -> list[tuple[str, str]]:
    with HELDOUT.open("rb") as f:
        return [(r["text"], r["group"]) for r in tomllib.load(f)["requests"]]


def pairwise_scores(truth: list[str], predicted: list[int]) -> tuple[float, float]:
    both = apart_wrongly = together_wrongly = 0
    for i, j in combinations(range(len(truth)), 2):
        same, put = truth[i] == truth[j], predicted[i] == predicted[j]
        both += same and put
        together_wrongly += put and not same
        apart_wrongly += same and not put
    return both / (both + together_wrongly), both / (both + apart_wrongly)


def measure() -> tuple[float, float]:
    data = heldout()
    groups = cluster_indices(vectorise([text for text, _ in data]))
    predicted = [0] * len(data)
    for k, members in enumerate(groups):
        for i in members:
            predicted[i] = k
    return pairwise_scores([group for _, group in data], predicted)


def test_the_held_out_set_is_a_realistic_mix() -> None:
    data = heldout()
    sizes = sorted((sum(g == name for _, g in data) for name in {g for _, g in data}), reverse=True)
    assert 55 <= len(data) <= 70
    assert sum(s >= 3 for s in sizes) >= 10 and sizes.count(1) >= 15


def test_grouping_on_held_out_titles_reaches_the_stated_precision_and_recall() -> None:
    precision, recall = measure()
    assert precision >= PRECISION_FLOOR, precision
    assert recall >= RECALL_FLOOR, recall


def test_keywords_are_never_stop_words(engine) -> None:
    texts = [
        "汉正街片区七日内拆除违建的限期拆除决定",
        "汉正街片区限期拆除决定是否已经送达",
        "汉正街片区违建拆除范围内的房屋名单",
    ]
    for n, text in enumerate(texts):
        register(engine, "N", f"2025-03-{3 + n:02d}", request=text)
    report = hot_matters(engine, date(2025, 3, 1), date(2025, 3, 31), min_size=3)
    assert [c.size for c in report.clusters] == [3]
    keywords = report.clusters[0].keywords
    assert "汉正街" in keywords or "汉正" in keywords
    assert not set(keywords) & STOPWORDS and "内" not in keywords


if __name__ == "__main__":
    p, r = measure()
    print(f"held-out: {len(heldout())} requests; pairwise precision {p:.2f}, recall {r:.2f}")
