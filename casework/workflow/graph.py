"""Mermaid text of a flow, drawn by transitions' GraphMachine (no graphviz binaries)."""

from __future__ import annotations

from casework.workflow.definition import STAY, FlowDef


class _Drawing:
    """The single model a GraphMachine needs to draw; used for nothing else."""


def mermaid(flow: FlowDef) -> str:
    from transitions.extensions import GraphMachine

    model = _Drawing()
    machine = GraphMachine(
        model=model,
        states=list(flow.states),
        initial=flow.initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{flow.name} {flow.title}",
        show_state_attributes=False,
    )
    drawn = set()
    for m in flow.moves:  # branches of one move share an arrow
        key = (m.name, m.sources, m.dest)
        if key not in drawn:
            drawn.add(key)
            machine.add_transition(m.name, list(m.sources), None if m.dest == STAY else m.dest)
    text: str = model.get_graph().draw(None)  # type: ignore[attr-defined]  # GraphMachine adds get_graph to its model at run time
    # Name each state in Chinese too, for the clerks who read the diagram.
    for s in flow.states.values():
        text = text.replace(f'state "{s.name}" as', f'state "{s.name} {s.label}" as')
    return text
