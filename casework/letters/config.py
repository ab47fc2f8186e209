"""Letter settings (states/letters.toml): issuing units, number formats, remedies, outputs, archive.

Every unit of the organisation directory can issue letters. Its full name and 机关代字 default
from the directory (区财政局 → 武汉市硚口区财政局, 硚财政; a street office gets the district's
name in front) and can be set per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casework.errors import DefinitionError
from casework.letters.kinds import KINDS
from casework.organisation import load_units
from casework.settings import FORMATS_VARIABLE
from casework.tomlfiles import Key, read_toml, strict_table

FILE_NAME = "letters.toml"
FORMATS = ("html", "pdf", "docx")
FAMILIES = frozenset({"disclosed", "partial", "withheld", "unable", "not_processed", "other"})
SERIES = frozenset(k.series for k in KINDS.values())

# The keys of each table of letters.toml and the TOML type of their values.
_TOP = {
    t: Key(dict)
    for t in ("district", "numbers", "series", "output", "remedies", "archive", "units")
}
_DISTRICT = {k: Key(str) for k in ("name", "short", "government", "office_unit", "website")}
_NUMBERS = {"format": Key(str)}
_SERIES = {series: Key(str) for series in sorted(SERIES)}
_OUTPUT = {"formats": Key(list)}
_REMEDIES = {"reconsideration_first": Key(list)}
_ARCHIVE = {"root": Key(str)}
_UNIT = {
    k: Key(str)
    for k in ("name", "code", "format", "contact", "reconsideration_body", "higher_department")
}


@dataclass(frozen=True)
class Issuer:
    """A unit as it appears on its letters."""

    unit: str  # unit code of the directory
    name: str  # full name printed above the seal
    code: str  # 机关代字 used in document numbers
    number_format: str
    contact: str
    reconsideration_body: str  # since 2024 (行政复议法 Art. 24, 27)
    higher_department: str  # before 2024 the applicant could also go to it


@dataclass(frozen=True)
class LetterSettings:
    path: Path
    district: str
    government: str
    office_unit: str
    website: str
    series: dict[str, str]  # series -> 代字 part of the number
    formats: tuple[str, ...]
    reconsideration_first: frozenset[str]  # outcome families told 复议前置 (since 2024)
    issuers: dict[str, Issuer]
    archive_root: Path | None

    def issuer(self, unit: str) -> Issuer:
        return self.issuers[unit]


def _formats(raw: list[str], chosen: tuple[str, ...] | None, path: Path) -> tuple[str, ...]:
    wanted = list(chosen) if chosen is not None else list(raw)
    bad = [f for f in wanted if f not in FORMATS]
    if bad or "html" not in wanted:
        raise DefinitionError(
            f"文书输出格式应取自 {'、'.join(FORMATS)} 且必须含 html，收到 {wanted}",
            path=FORMATS_VARIABLE if chosen is not None else str(path),
            field="formats",
            rule="HTML is always produced",
        )
    return tuple(f for f in FORMATS if f in wanted)


def load_letter_settings(
    states_dir: Path,
    *,
    formats: tuple[str, ...] | None = None,
    archive_root: Path | None = None,
) -> LetterSettings:
    """Read states/letters.toml; the number formats are validated by ``numbering``.

    ``formats`` and ``archive_root`` (from ``Settings``: the environment or the demo) take the
    place of the file's ``[output] formats`` and ``[archive] root``."""
    path = states_dir / FILE_NAME
    raw = strict_table(read_toml(path), _TOP, path, "")
    district = strict_table(raw.get("district", {}), _DISTRICT, path, "[district]")
    numbers = strict_table(raw.get("numbers", {}), _NUMBERS, path, "[numbers]")
    series = strict_table(raw.get("series", {}), _SERIES, path, "[series]")
    missing = sorted(SERIES - set(series))
    if missing:
        raise DefinitionError(
            f"[series] 缺少文号代字：{'、'.join(missing)}", path=str(path), field=missing[0]
        )
    output = strict_table(raw.get("output", {}), _OUTPUT, path, "[output]")
    remedies = strict_table(raw.get("remedies", {}), _REMEDIES, path, "[remedies]")
    first = frozenset(remedies.get("reconsideration_first", ["withheld", "partial"]))
    if not first <= FAMILIES:
        raise DefinitionError(
            f"reconsideration_first 只能取 {'、'.join(sorted(FAMILIES))}",
            path=str(path),
            field="reconsideration_first",
        )
    archive = strict_table(raw.get("archive", {}), _ARCHIVE, path, "[archive]")
    name = str(district.get("name", ""))
    short = str(district.get("short", ""))
    government = str(district.get("government", ""))
    fmt = str(numbers.get("format", "{code}{series}〔{year}〕{n}号"))
    per_unit = raw.get("units", {})
    if not isinstance(per_unit, dict):
        raise DefinitionError("[units] 应为表", path=str(path), field="units")
    directory = {u.code: u for u in load_units(states_dir)}
    strangers = sorted(set(per_unit) - set(directory))
    if strangers:
        raise DefinitionError(
            f"[units.{strangers[0]}] 不是 organisation.toml 中的单位",
            path=str(path),
            field=strangers[0],
        )
    issuers = {}
    for code, unit in directory.items():
        own = strict_table(per_unit.get(code, {}), _UNIT, path, f"[units.{code}]")
        district_unit = unit.name.startswith("区") or unit.group == "street"
        stem = unit.name.removeprefix("区")
        issuers[code] = Issuer(
            unit=code,
            name=str(own.get("name", name + stem if district_unit else unit.name)),
            code=str(own.get("code", short + stem[:2])),
            number_format=str(own.get("format", fmt)),
            contact=str(own.get("contact", "")),
            reconsideration_body=str(own.get("reconsideration_body", government)),
            higher_department=str(own.get("higher_department", "上一级主管部门")),
        )
    office = str(district.get("office_unit", "zfb"))
    if office not in issuers:
        raise DefinitionError(
            f"office_unit {office!r} 不是 organisation.toml 中的单位",
            path=str(path),
            field="office_unit",
        )
    root = archive_root or archive.get("root")
    return LetterSettings(
        path=path,
        district=name,
        government=government,
        office_unit=office,
        website=str(district.get("website", "")),
        series={k: str(v) for k, v in series.items()},
        formats=_formats(output.get("formats", list(FORMATS)), formats, path),
        reconsideration_first=first,
        issuers=issuers,
        archive_root=Path(root) if root else None,
    )
