"""A hand-built year for the annual report, with tables 三 and 四 counted by hand.

The year 2025 below has every one of table 三's 25 rows and 7 columns and every one of table
四's 15 columns non-zero. Applicant kinds: N 自然人, B 商业企业, R 科研机构, P 社会公益组织,
L 法律服务机构, O 其他.
"""

from __future__ import annotations

from typing import Any

from tests.support.reports import case, proceeding

# Received 2025-03-03 and concluded in 2025: one case per outcome code (24 codes, 21 rows).
OUTCOMES_2025 = [
    ("P", "withheld_state_secret", "2025-03-20"),
    ("L", "withheld_prohibited", "2025-03-20"),
    ("O", "withheld_security", "2025-03-20"),
    ("N", "withheld_third_party", "2025-03-20"),
    ("B", "withheld_internal", "2025-03-20"),
    ("R", "withheld_process", "2025-03-20"),
    ("P", "withheld_enforcement", "2025-03-20"),
    ("L", "withheld_query", "2025-03-20"),
    ("O", "unable_not_held", "2025-03-20"),
    ("N", "unable_not_responsible", "2025-03-20"),
    ("B", "unable_needs_creating", "2025-03-20"),
    ("R", "unable_unclear", "2025-03-20"),
    ("P", "rejected_petition", "2025-03-20"),
    ("L", "rejected_repeat", "2025-03-20"),
    ("O", "rejected_publication", "2025-03-20"),
    ("N", "rejected_excessive", "2025-03-20"),
    ("B", "rejected_confirmation", "2025-03-20"),
    # correction notice 03-03 with 5 working days: due 03-10, lapsed the day after
    ("R", "other_no_correction", "2025-03-11"),
    # fee notice 03-03, 20 working days to pay: due 03-31, lapsed 04-01
    ("P", "other_fee_unpaid", "2025-04-01"),
    ("L", "other_withdrawn", "2025-03-20"),
    ("O", "other", "2025-03-20"),
]

#            N  B  R  P  L  O  总计
EXPECTED_2025 = {
    1: (3, 4, 3, 4, 4, 5, 23),  # 21 above + B 12-22 + O 12-29
    2: (2, 1, 1, 0, 0, 0, 4),  # N B R received in December 2024, N of 2024-11-04
    3: (1, 1, 0, 0, 0, 0, 2),  # disclosed (N), already public (B)
    4: (0, 0, 1, 0, 0, 0, 1),
    5: (0, 0, 0, 1, 0, 0, 1),
    6: (0, 0, 0, 0, 1, 0, 1),
    7: (0, 0, 0, 0, 0, 1, 1),
    8: (1, 0, 0, 0, 0, 0, 1),
    9: (0, 1, 0, 0, 0, 0, 1),
    10: (0, 0, 1, 0, 0, 0, 1),
    11: (0, 0, 0, 1, 0, 0, 1),
    12: (0, 0, 0, 0, 1, 0, 1),
    13: (1, 0, 0, 0, 0, 1, 2),  # not held (O) + not this agency's (N)
    14: (0, 1, 0, 0, 0, 0, 1),
    15: (0, 0, 1, 0, 0, 0, 1),
    16: (0, 0, 0, 1, 0, 0, 1),
    17: (0, 0, 0, 0, 1, 0, 1),
    18: (0, 0, 0, 0, 0, 1, 1),
    19: (1, 0, 0, 0, 0, 0, 1),
    20: (0, 1, 0, 0, 0, 0, 1),
    21: (0, 0, 1, 0, 0, 0, 1),
    22: (0, 0, 0, 1, 0, 0, 1),
    23: (0, 0, 0, 0, 1, 1, 2),  # withdrawn (L) + other (O)
    24: (4, 4, 4, 4, 4, 4, 24),
    25: (1, 1, 0, 0, 0, 1, 3),  # N of 2024-11-04, B replied 2026, O pending
}
# 维持 纠正 其他 尚未审结 总计, for 行政复议 / 直接起诉 / 复议后起诉
EXPECTED_TABLE4 = (1, 1, 1, 2, 5, 1, 2, 1, 1, 5, 2, 1, 1, 1, 5)


def build_year(engine: Any) -> dict[str, int]:
    """The hand-built cases of 2024–2026; returns the ids the tests refer to."""
    ids = {
        "dec_n": case(engine, "N", "2024-12-16", "disclosed", "2025-01-06"),
        "dec_b": case(engine, "B", "2024-12-17", "already_public", "2025-01-07"),
        "dec_r": case(engine, "R", "2024-12-18", "partially_disclosed", "2025-01-08"),
    }
    for n, (kind, outcome, on) in enumerate(OUTCOMES_2025):
        ids[f"c{n}"] = case(engine, kind, "2025-03-03", outcome, on)
    ids["old_pending"] = case(engine, "N", "2024-11-04")
    ids["late_dec"] = case(engine, "B", "2025-12-22", "disclosed", "2026-01-05")
    ids["pending_dec"] = case(engine, "O", "2025-12-29")
    ids["done_2024"] = case(engine, "N", "2024-03-01", "disclosed", "2024-03-20")
    ids["new_2026"] = case(engine, "L", "2026-01-06")
    parent = ids["c3"]
    for flow, received, outcome, closed, after in [
        # reviews: carried in and upheld, corrected, other, pending (received 2025 and
        # decided 2026), pending; one decided in 2024 does not count
        ("review", "2024-11-10", "upheld", "2025-02-10", None),
        ("review", "2025-03-01", "corrected", "2025-05-01", None),
        ("review", "2025-04-01", "other", "2025-06-01", None),
        ("review", "2025-10-01", None, None, None),
        ("review", "2025-11-01", "corrected", "2026-01-10", None),
        ("review", "2024-06-01", "upheld", "2024-08-01", None),
        # direct lawsuits
        ("lawsuit", "2025-02-01", "upheld", "2025-08-01", False),
        ("lawsuit", "2025-02-02", "corrected", "2025-09-01", False),
        ("lawsuit", "2025-02-03", "corrected", "2025-09-02", False),
        ("lawsuit", "2025-03-01", "other", "2025-07-01", False),
        ("lawsuit", "2024-12-01", None, None, False),
        # lawsuits after review; one received in 2026 does not count
        ("lawsuit", "2025-05-01", "upheld", "2025-10-01", True),
        ("lawsuit", "2025-05-02", "upheld", "2025-10-02", True),
        ("lawsuit", "2025-05-03", "corrected", "2025-11-01", True),
        ("lawsuit", "2025-06-01", "other", "2025-12-01", True),
        ("lawsuit", "2025-12-01", None, None, True),
        ("lawsuit", "2026-01-05", None, None, True),
    ]:
        proceeding(engine, parent, flow, received, outcome, closed, after)
    return ids
