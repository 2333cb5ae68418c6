"""plan.json: the plan as `workshop plan --json` prints it, for scripts and the kit index."""

from __future__ import annotations

from ..plan import Plan
from ..settings import Settings
from . import PlanWriter


def render(plan: Plan, settings: Settings) -> bytes:
    return plan.to_json().encode("utf-8")


WRITER = PlanWriter("json", "plan.json", render)
