"""Concentrated requests (申请量较集中的事项, seed item 七): applications about the same matter.

How requests are compared (Chinese text, no model download):

1. Each request is cut into words by ``rjieba`` (the Python binding of jieba-rs, a maintained
   Rust port of jieba with its dictionary built in; about 5 MB installed, no data fetched at run
   time). Request boilerplate (申请公开、请提供、本人…), stop-words (内、是否、进行…) and
   punctuation are dropped.
2. Words are weighted TF-IDF over the requests of the period. Words that name a *kind* of
   information or a common administrative subject (方案、预算、报告、征收…, ``GENERIC``) keep a
   third of their weight: unrelated requests share them, while the object of a request (a
   place, a project, an office) is what makes two requests about the same matter.
3. Two requests are linked when their cosine similarity reaches ``threshold``, they share at
   least one word that is neither generic nor a number (the object), and they do not name
   different years (the 2024 and the 2025 budget are two matters).
4. A cluster is a connected group of linked requests (single linkage). One request that names
   two matters can join their clusters; the samples show it.

The weighting is plain arithmetic over the period's few thousand requests, so the only
dependency is the word segmenter; scikit-learn would bring about 200 MB (SciPy, NumPy) and a
one-second import for the same cosine.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casework.errors import InvalidInput
from casework.reports.counting import APPLICATION, Period
from casework.reports.proactive import Verdict, judge
from casework.reports.scope import Scope, resolve_scope, unit_names
from casework.store.tables import CASES

if TYPE_CHECKING:
    from casework.engine import Engine

DEFAULT_THRESHOLD = 0.3
GENERIC_WEIGHT = 1 / 3
SAMPLES = 3
KEYWORDS = 5


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Request boilerplate: dropped before comparing.
BOILERPLATE = _word_set(
    "申请 公开 请 请求 要求 获取 提供 查询 复印 本人 我 我们 的 了 及 和 "
    "与 或 以及 关于 有关 相关 政府信息 信息 对 某 上 旁 周边 等 其 该 之"
)
# Function words and other stop-words (a common Chinese list, cut to what requests use): they
# never name a matter, so they are neither compared nor shown as keywords (范围内 → 范围, not 内).
STOPWORDS = _word_set(
    "内 外 中 下 间 前 后 时 里 为 是 在 于 从 向 由 把 被 将 已 已经 所 个 份 项 件 次 各 每 "
    "这 那 此 这些 那些 其他 其它 其中 如何 是否 什么 哪些 怎样 为何 进行 给 予 地 得 着 过 "
    "也 又 并 且 而 但 就 都 还 均 即 共 多 少 一 一些 一个 有 没有 无 能 可 可以 应 应当 "
    "需 需要 由于 因为 所以 按照 根据 通过 对于 至 到 自 起 止 以 以上 以下 以内 之内 之间 "
    "有无 是否是 全部 所有 具体 内容 方面 问题 事项 事宜 如下 如 若 即可 及其 以及其"
)
# Words naming a kind of information or a common administrative subject.
GENERIC = _word_set(
    "征收 补偿 安置 方案 标准 决定 公告 范围 红线 图 项目 建设 建设项目 改造 "
    "旧城 片区 小区 预算 决算 预算表 部门 三公 经费 支出 安排 情况 报告 "
    "报告表 批复 审批 意见 文件 材料 名单 结果 处理结果 环评 环境影响 评价 表 "
    "年度 年 年区 区 区级 街道 社区 工作 资料 记录 通知 规划 许可 执法 案卷 "
    "处罚 决定书 调查报告 合同 协议 清单 目录 依据 费用 资金 明细 使用 发放 "
    "分配 管理 办法 政策 规定 实施 细则 计划 立项 招标 中标 国有土地 房屋 "
    "土地 道路 工程 说明 公开表"
)
YEAR = re.compile(r"(19|20)\d\d")
PUNCTUATION = re.compile(r"[^\w.]+")


@dataclass(frozen=True)
class Request:
    case_id: int
    unit: str | None
    received_on: date
    text: str


@dataclass(frozen=True)
class Cluster:
    size: int
    keywords: list[str]
    units: dict[str, int]  # unit name -> requests
    first_received: date
    last_received: date
    samples: list[Request]  # the most central requests first
    case_ids: list[int]
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "keywords": self.keywords,
            "units": self.units,
            "first_received": self.first_received.isoformat(),
            "last_received": self.last_received.isoformat(),
            "samples": [
                {"case_id": r.case_id, "received_on": r.received_on.isoformat(), "request": r.text}
                for r in self.samples
            ],
            "case_ids": self.case_ids,
            "proactive": {
                "disclosable": self.verdict.disclosable,
                "summary": self.verdict.summary,
                "item": self.verdict.rule.item if self.verdict.rule else None,
                "source": self.verdict.rule.source if self.verdict.rule else None,
                "matched": self.verdict.matched,
                "personal": self.verdict.personal,
            },
        }


@dataclass(frozen=True)
class HotReport:
    period: Period
    scope: Scope
    min_size: int
    threshold: float
    requests: int
    clusters: list[Cluster]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "scope": self.scope.to_dict(),
            "min_size": self.min_size,
            "threshold": self.threshold,
            "requests": self.requests,
            "clusters": [c.to_dict() for c in self.clusters],
        }


def words(text: str) -> list[str]:
    """The request's words without boilerplate or punctuation."""
    import rjieba

    cleaned = PUNCTUATION.sub(" ", text)
    return [
        w for w in rjieba.cut(cleaned) if w.strip() and w not in BOILERPLATE and w not in STOPWORDS
    ]


def _weights(docs: list[list[str]]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf), generic words down-weighted."""
    n = len(docs)
    df = Counter(w for d in docs for w in set(d))
    vectors = []
    for d in docs:
        v = {
            w: (1 + math.log(c))
            * (math.log((1 + n) / (1 + df[w])) + 1)
            * (GENERIC_WEIGHT if w in GENERIC else 1.0)
            for w, c in Counter(d).items()
        }
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({w: x / norm for w, x in v.items()})
    return vectors


def _is_object(word: str) -> bool:
    return word not in GENERIC and not word.replace(".", "").isdigit()


def _years(v: dict[str, float]) -> set[str]:
    return {w for w in v if YEAR.fullmatch(w)}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def vectorise(texts: list[str]) -> list[dict[str, float]]:
    """The weighted word vector of each request (see the module doc)."""
    return _weights([words(t) for t in texts])


def cluster_indices(
    vectors: list[dict[str, float]], threshold: float = DEFAULT_THRESHOLD
) -> list[list[int]]:
    """Groups of indices of ``vectors`` about the same matter (singletons included)."""
    years = [_years(v) for v in vectors]
    parent = list(range(len(vectors)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Candidate pairs share an object word: an inverted index keeps this far below n².
    postings: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for w in v:
            if _is_object(w):
                postings[w].append(i)
    for ids in postings.values():
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                a, b = root(i), root(j)
                if a == b or (years[i] and years[j] and not years[i] & years[j]):
                    continue
                if _dot(vectors[i], vectors[j]) >= threshold:
                    parent[a] = b
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(vectors)):
        groups[root(i)].append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _summarise(
    members: list[Request], vectors: list[dict[str, float]], names: dict[str, str]
) -> Cluster:
    centroid: dict[str, float] = defaultdict(float)
    for v in vectors:
        for w, x in v.items():
            centroid[w] += x
    ranked = sorted(range(len(members)), key=lambda k: (-_dot(vectors[k], centroid), k))
    units = Counter(names.get(r.unit, r.unit) if r.unit else "（尚未转办）" for r in members)
    keywords = sorted(centroid, key=lambda w: (-centroid[w], w))[:KEYWORDS]
    return Cluster(
        size=len(members),
        keywords=keywords,
        units=dict(units.most_common()),
        first_received=min(r.received_on for r in members),
        last_received=max(r.received_on for r in members),
        samples=[members[k] for k in ranked[:SAMPLES]],
        case_ids=sorted(r.case_id for r in members),
        verdict=judge([r.text for r in members]),
    )


def hot_matters(
    engine: Engine,
    start: date,
    end: date,
    *,
    min_size: int = 3,
    threshold: float = DEFAULT_THRESHOLD,
    unit: str | None = None,
    line: str | None = None,
) -> HotReport:
    """Clusters of at least ``min_size`` applications received in [start, end]."""
    if min_size < 2:
        raise InvalidInput("--min-size 至少为 2", field="min_size", rule="a cluster has 2+")
    if not 0 < threshold <= 1:
        raise InvalidInput("相似度阈值应在 0 与 1 之间", field="threshold", rule="0 < t <= 1")
    scope = resolve_scope(engine, unit=unit, line=line)
    period = Period.between(start, end)
    query = (
        select(CASES.c.id, CASES.c.unit, CASES.c.received_on, CASES.c.request)
        .where(CASES.c.flow == APPLICATION, period.contains(CASES.c.received_on))
        .order_by(CASES.c.received_on, CASES.c.id)
    )
    if scope.units is not None:
        query = query.where(CASES.c.unit.in_(scope.units))
    with engine.db.connect() as conn:
        requests = [Request(*row) for row in conn.execute(query)]
    vectors = vectorise([r.text for r in requests])
    groups = [g for g in cluster_indices(vectors, threshold) if len(g) >= min_size]
    names = unit_names(engine)
    clusters = [
        _summarise([requests[i] for i in g], [vectors[i] for i in g], names) for g in groups
    ]
    return HotReport(period, scope, min_size, threshold, len(requests), clusters)
