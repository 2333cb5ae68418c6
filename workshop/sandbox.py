"""The Jinja2 sandbox that rule packs and templates run in: no Python internals, and bounded time, memory and work."""

from __future__ import annotations

import math
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterable, Iterator

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import TemplateRuntimeError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SIZE = 1_000_000
"""Most characters or items one operation may make (`'x' * n`, `list + list`, `center(n)`)."""
MAX_POWER_BITS = 10_000
"""Largest result of `a ** b`, in bits: `9 ** (9 ** 10)` would take hours and gigabytes."""
MAX_ITERATIONS = 2_000_000
"""Loop iterations in one evaluation: nested loops over a range multiply quickly."""
MAX_OUTPUT = 20_000_000
"""Characters one template may render."""
RULES_SECONDS = 10.0
"""Wall-clock time for evaluating every rule of the rule packs against one plan."""
TEMPLATE_SECONDS = 30.0
"""Wall-clock time for rendering one document's template (the built-in ones take well under a second)."""
_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format string


class LimitExceeded(TemplateRuntimeError):
    """A rule or template went beyond the time, size or work it may take."""


@dataclass
class Budget:
    """What one evaluation (a rule pack over a plan, one document's template) may still spend."""

    seconds: float
    deadline: float
    iterations: int = MAX_ITERATIONS


_budget: ContextVar[Budget | None] = ContextVar("workshop_sandbox_budget", default=None)


@contextmanager
def limits(seconds: float) -> Iterator[Budget]:
    """Evaluate sandboxed code within `seconds` of wall-clock time and the size limits above."""
    budget = Budget(seconds, time.monotonic() + seconds)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def check_time() -> Budget | None:
    """Raise LimitExceeded once the current evaluation is past its deadline."""
    budget = _budget.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise LimitExceeded(f"took longer than {budget.seconds:g} seconds (an endless or very large loop?)")
    return budget


def describe_stop(exc: BaseException) -> str:
    """Why evaluation stopped, for a message that names the rule or template."""
    if isinstance(exc, RecursionError):
        return "recursion too deep (a macro, include or import that calls itself?)"
    if isinstance(exc, MemoryError):
        return "ran out of memory"
    return str(exc)


STOPPED = (LimitExceeded, RecursionError, MemoryError)
"""What ends a sandboxed evaluation that went too far; callers report it naming the rule or template."""


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


def _too_big(size: float, what: str) -> None:
    if size > MAX_SIZE:
        raise LimitExceeded(f"{what} would make {size:,.0f} characters or items (the limit is {MAX_SIZE:,})")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        bits = right * math.log2(abs(left))
        if bits > MAX_POWER_BITS:
            raise LimitExceeded(f"{left} ** {right} is too large a number (about {bits:,.0f} bits)")
    elif operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if _size(sequence) is not None and isinstance(count, int):
                _too_big(_size(sequence) * count, "repeating")
    elif operator == "+" and _size(left) is not None and _size(right) is not None:
        _too_big(_size(left) + _size(right), "joining")
    elif operator == "%" and isinstance(left, str):
        arguments = right if isinstance(right, tuple) else (right,)
        if _WIDTH.search(left) or any(isinstance(a, int) and a > MAX_SIZE for a in arguments):
            raise LimitExceeded("a format width or precision that large is not allowed")


def _sized_filter(function: Callable) -> Callable:
    """A filter whose number arguments (a width) may not ask for more than MAX_SIZE characters."""

    @wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        for argument in (*args[1:], *kwargs.values()):
            if isinstance(argument, int) and not isinstance(argument, bool):
                _too_big(argument, f"{function.__name__}({argument})")
        return function(*args, **kwargs)

    return limited


def _limited_loop(iterable: Iterable) -> Iterator:
    """Every loop's items, counted against the budget and the clock."""
    budget = _budget.get()
    for item in iterable:
        if budget is not None:
            budget.iterations -= 1
            if budget.iterations < 0:
                raise LimitExceeded(f"more than {MAX_ITERATIONS:,} loop iterations")
            if budget.iterations % 1000 == 0:
                check_time()
        yield item


def _finalize(value: Any) -> Any:
    check_time()
    return value


def render(template, context: dict[str, Any]) -> str:
    """Render a template of a LimitedSandbox, stopping once its output passes MAX_OUTPUT characters
    (counted as it is made: a loop over constant text prints without any other check)."""
    parts, size = [], 0
    for part in template.generate(context):
        size += len(part)
        if size > MAX_OUTPUT:
            raise LimitExceeded(f"rendered more than {MAX_OUTPUT:,} characters")
        parts.append(part)
    return "".join(parts)


class _Generator(CodeGenerator):
    """Compiles every `{% for %}` to loop through `limited_loop`, and every `~` to a size check."""

    def visit_For(self, node: nodes.For, frame) -> None:
        limited = nodes.Call(nodes.EnvironmentAttribute("limited_loop"), [node.iter], [], None, None, lineno=node.lineno)
        node = nodes.For(node.target, limited, node.body, node.else_, node.test, node.recursive, lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with limits: operators that could make huge values are checked before
    they run (and so are never folded at compile time), loops and calls watch the clock and a count,
    and output is counted. Evaluate inside `limits(seconds)` for a deadline."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _Generator

    def __init__(self, **options: Any):
        super().__init__(finalize=_finalize, **options)
        self.limited_loop = _limited_loop
        for name in ("center", "indent", "wordwrap", "truncate", "batch", "slice"):
            self.filters[name] = _sized_filter(self.filters[name])

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        check_time()
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja2's own signature)
        check_time()
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _WIDTH.search(value.__self__):  # '{:>2000000000}'.format(x)
            def refuse(*args: Any, **kwargs: Any) -> str:
                raise LimitExceeded("a format width or precision that large is not allowed")
            return refuse
        return wrapped

    def getattr(self, obj: Any, attribute: str) -> Any:
        check_time()
        return super().getattr(obj, attribute)

    def checked_concat(self, value: Any) -> Any:
        """The result of `a ~ b`, refused once it grows past MAX_SIZE (doubling in a loop stops at once)."""
        _too_big(len(value), "joining with ~")
        return value
