"""One shared `transitions` Machine per flow, built once; cases are plain objects fired through it.

The machine never holds a model (``model=None``): registering every case would be quadratic
(docs/architecture.md), and a SQLModel row cannot be its model. Each move fires the event on a
throw-away ``FlowToken`` that carries only the state and the guard context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from transitions import Machine
from transitions.core import EventData

from casework.workflow.definition import STAY, FlowDef
from casework.workflow.guards import GUARDS, GuardContext


@dataclass
class FlowToken:
    """The plain object a move is fired on: the case's state, nothing else."""

    state: str


def _condition(name: str) -> Callable[[EventData], bool]:
    check = GUARDS[name].check

    def condition(event: EventData) -> bool:
        ctx: GuardContext = event.args[0]  # type: ignore[index]  # a tuple at run time; the stubs say Iterable
        return check(ctx)

    condition.__name__ = f"guard_{name}"
    return condition


class FlowMachine:
    """A flow definition and its shared machine."""

    def __init__(self, flow: FlowDef) -> None:
        self.flow = flow
        self.machine = Machine(
            model=None,
            states=list(flow.states),
            initial=flow.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for m in flow.moves:
            self.machine.add_transition(
                trigger=m.name,
                source=list(m.sources),
                dest=None if m.dest == STAY else m.dest,
                # Only branch guards: legal guards (`requires`) are judged by apply.prepare,
                # which names the rule that refuses; replay must not judge them again.
                conditions=[_condition(g) for g in m.when],
            )

    def moves_from(self, state: str) -> list[str]:
        """Move names defined from a state, in file order."""
        return list(dict.fromkeys(self.machine.get_triggers(state)))

    def fire(self, state: str, move: str, ctx: GuardContext) -> str:
        """Run the move through the machine and return the resulting state."""
        token = FlowToken(state)
        if not self.machine.events[move].trigger(token, ctx):
            raise RuntimeError(f"branch guards of {move} changed their mind")  # pragma: no cover
        return token.state
