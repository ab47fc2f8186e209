"""Concentrated requests on a hand-built set whose clusters are known.

The singles are chosen to be hard: the same kind of request about another place (汉正街 vs
宝丰路 征收补偿方案), the same office's budget for another year, another office's budget.
"""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidInput
from casework.reports.hot import cluster_indices, hot_matters, vectorise
from casework.reports.proactive import judge
from tests.support.reports import register

CLUSTERS = {
    "宝丰路征收": [
        "请公开宝丰路片区房屋征收补偿方案",
        "申请公开宝丰路片区国有土地上房屋征收补偿安置方案及补偿标准",
        "宝丰路片区旧城改造项目房屋征收决定及补偿方案",
        "本人要求获取宝丰路片区房屋征收的补偿标准和征收决定公告",
        "关于宝丰路片区征收项目的补偿方案、征收范围红线图",
    ],
    "财政局2025预算": [
        "2025年区财政局部门预算及“三公”经费预算",
        "申请公开区财政局2025年度部门预算和三公经费预算表",
        "区财政局2025年部门预算公开表及“三公”经费说明",
        "区财政局2025年三公经费预算及公务接待费支出",
    ],
    "汉江湾垃圾站": [
        "汉江湾小区旁垃圾转运站建设项目环境影响评价报告",
        "申请公开汉江湾小区垃圾转运站的环评报告及环评批复",
        "汉江湾垃圾中转站项目环境影响报告表和审批意见",
    ],
    "本人房屋评估": [
        "本人位于古田四路12号的房屋征收评估报告",
        "我家古田四路12号房屋的征收评估结果和补偿协议",
        "申请本人古田四路12号被征收房屋的评估报告及评估机构资质",
    ],
}
SINGLES = [
    "请公开汉正街片区房屋征收补偿方案",
    "2024年区财政局部门决算",
    "2025年区民政局部门预算",
    "2024年区教育局部门决算",
    "区城管委对古田四路占道经营的执法案卷",
    "荣华街道2024年度优抚救济款物发放情况",
    "区人力资源局2025年公务员招录体检名单",
    "硚口区2025年国民经济和社会发展统计公报",
    "长丰大道道路拓宽工程的立项批复",
    "古田二路小学划片招生范围",
    "区房管局公租房轮候名单及分配结果",
    "区安监局对某化工厂生产安全事故的调查报告",
    "古田片区棚户区改造房屋征收补偿标准",
    "长丰村城中村改造征收补偿安置方案",
    "区水务局2024年部门决算和三公经费决算",
    "宗关水厂扩建项目环境影响评价文件",
    "园博园周边道路建设项目环评批复",
    "汉西路地铁施工噪音投诉的处理结果",
    "区审计局2024年度审计工作报告",
]


def test_known_clusters_are_found_and_hard_singles_stay_apart() -> None:
    texts = [t for group in CLUSTERS.values() for t in group] + SINGLES
    found = [sorted(texts[i] for i in g) for g in cluster_indices(vectorise(texts)) if len(g) > 1]
    assert sorted(found) == sorted(sorted(group) for group in CLUSTERS.values())


def test_a_higher_threshold_splits_more() -> None:
    texts = CLUSTERS["宝丰路征收"]
    assert len(cluster_indices(vectorise(texts), threshold=0.3)) == 1
    assert len(cluster_indices(vectorise(texts), threshold=0.95)) == 5


def test_proactive_heuristic() -> None:
    budget = judge(CLUSTERS["财政局2025预算"])
    assert budget.disclosable and budget.rule is not None
    assert "三公" in budget.rule.item and budget.matched == 4
    personal = judge(CLUSTERS["本人房屋评估"])
    assert not personal.disclosable and personal.personal == 3
    other = judge(["汉西路地铁施工噪音投诉的处理结果"] * 3)
    assert not other.disclosable and "未对应" in other.summary


def test_hot_report_over_the_database(engine) -> None:
    units = {"宝丰路征收": ["tcb", "tcb", "fgj", "tcb", "fgj"], "汉江湾垃圾站": ["hbj"] * 3}
    for name, group in CLUSTERS.items():
        for n, text in enumerate(group):
            unit = units.get(name, ["czj"] * len(group))[n]
            register(engine, "N", f"2025-03-{3 + n:02d}", unit=unit, request=text)
    for text in SINGLES:
        register(engine, "B", "2025-04-01", request=text)
    register(engine, "N", "2025-06-02", request=CLUSTERS["汉江湾垃圾站"][0])  # outside

    report = hot_matters(engine, date(2025, 3, 1), date(2025, 5, 31), min_size=3)
    assert report.requests == 15 + len(SINGLES)
    sizes = [c.size for c in report.clusters]
    assert sizes == [5, 4, 3, 3]
    baofeng = report.clusters[0]
    assert baofeng.units == {"区统筹办": 3, "区房管局": 2}
    assert baofeng.first_received == date(2025, 3, 3)
    assert baofeng.last_received == date(2025, 3, 7)
    assert len(baofeng.samples) == 3
    assert {s.text for s in baofeng.samples} <= set(CLUSTERS["宝丰路征收"])
    assert "宝丰" in baofeng.keywords
    assert baofeng.verdict.disclosable
    verdicts = {c.samples[0].text: c.verdict.disclosable for c in report.clusters}
    assert sum(verdicts.values()) == 3  # the personal one is not
    assert [
        c.size
        for c in hot_matters(engine, date(2025, 3, 1), date(2025, 5, 31), min_size=5).clusters
    ] == [5]
    only_hbj = hot_matters(engine, date(2025, 1, 1), date(2025, 12, 31), unit="hbj")
    assert [c.size for c in only_hbj.clusters] == [3]  # the June one went to czj


def test_bad_arguments_are_refused(engine) -> None:
    with pytest.raises(InvalidInput) as size:
        hot_matters(engine, date(2025, 1, 1), date(2025, 12, 31), min_size=1)
    assert size.value.field == "min_size"
    with pytest.raises(InvalidInput):
        hot_matters(engine, date(2025, 1, 1), date(2025, 12, 31), threshold=0)
