"""Checking letter names in flows and every template, before a clerk meets an error."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from casework.errors import CaseworkError, DefinitionError
from casework.letters import numbering
from casework.letters.config import load_letter_settings
from casework.letters.kinds import KINDS, keys, kinds_of_key
from casework.letters.memo import render_escalation_memo
from casework.letters.rendering import Renderer, template_name
from casework.letters.samples import memo_samples, samples
from casework.workflow.apply import Workflow
from casework.workflow.definition import FlowDef


def check_letters(flows: Mapping[str, FlowDef], templates_dir: Path) -> list[str]:
    """Every ``letter`` a flow names: a known kind whose template(s) load and use only the
    names that kind provides. ``letter = "$input"`` must name a declared input."""
    renderer = Renderer(templates_dir)
    problems: list[str] = []
    for flow in flows.values():
        for move in flow.moves:
            if move.letter is None:
                continue
            where = f"{flow.path} 动作 {move.name}"
            if move.letter.startswith("$"):
                if move.letter[1:] not in move.inputs:
                    problems.append(f"{where}: letter 引用了未声明的输入 {move.letter!r}")
                continue
            concrete = kinds_of_key(move.letter)
            if not concrete:
                problems.append(
                    f"{where}: 未知的文书种类 {move.letter!r}（可选：{'、'.join(sorted(keys()))}）"
                )
            for code in concrete:
                kind = KINDS[code]
                if kind.flow != flow.name:
                    problems.append(f"{where}: {code} 是 {kind.flow} 流程的文书")
                    continue
                try:
                    renderer.validate(template_name(code), kind.roots)
                except DefinitionError as err:
                    problems.append(f"{where}: {err}")
    return list(dict.fromkeys(problems))


def check_templates(
    states_dir: Path, templates_dir: Path, wf: Workflow, flows: Mapping[str, FlowDef]
) -> list[str]:
    """letters.toml (number formats included), every template rendered with sample cases, and
    the letters the flows name."""
    try:
        settings = load_letter_settings(states_dir)
        numbering.validate(settings)
    except DefinitionError as err:
        return [str(err)]
    renderer = Renderer(templates_dir)
    problems: list[str] = []
    for kind in KINDS.values():
        try:
            if kind.code == "escalation_memo":
                for memo in memo_samples():
                    render_escalation_memo(memo, templates_dir)
                continue
            for facts in samples(kind, wf, settings):
                renderer.render(template_name(kind.code), kind.roots, facts)
        except CaseworkError as err:
            problems.append(str(err))
    return list(dict.fromkeys([*problems, *check_letters(flows, templates_dir)]))
