"""The rule-pack engine: YAML packs of rules whose sandboxed conditions over the facts add findings
and questions. The built-in packs are in `rulepacks/`; users add their own without touching code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from pydantic import BaseModel, ConfigDict, Field

from .agenda import SECTION_IDS
from .errors import ProfileError, RuleError
from .formatting import jinja_filters
from .readers import load_model
from .sandbox import STOPPED, LimitedSandbox, describe_stop, limits, render
from . import sandbox

SEVERITIES = ("high", "medium", "low", "info")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Rule(_Model):
    """One rule of a rule pack: when its condition holds, it adds a finding and questions."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    """Unique id, e.g. `offset-one-month`."""
    when: str
    """Condition over the facts, a Jinja2 expression evaluated in a sandbox, e.g. `facts.worst_offset_days >= 25`."""
    each: str | None = None
    """Optional expression giving a list; the rule then fires once per item, available as `item`."""
    limit: Annotated[int, Field(ge=1, le=100)] = 5
    """With `each`: at most this many items get a finding and questions of their own, the first in the
    list's order; the others are summed up in one finding (`more`), so 9,000 deals make a readable briefing."""
    more: str | None = None
    """With `each`: the finding for the items past `limit` (a Jinja2 template over the facts, `shown`
    and `rest`, the items listed and not listed); default: "N more like the 5 above." """
    severity: Literal["high", "medium", "low", "info"]
    """How much the finding matters to the session."""
    section: Literal[SECTION_IDS]  # type: ignore[valid-type]
    """Agenda section the questions belong to."""
    finding: str
    """Text of the finding (a Jinja2 template over the facts)."""
    questions: list[str] = []
    """Questions to ask in the session (Jinja2 templates)."""


class RulePack(_Model):
    """A YAML file of rules."""

    rules: list[Rule]
    """The rules, evaluated in order."""
    description: str = ""
    """What the pack is about."""


class Finding(_Model):
    """Something the session should know, from one rule."""

    rule: str
    severity: Literal["high", "medium", "low", "info"]
    section: str
    text: str


class Question(_Model):
    """A question to ask in the session, filed under an agenda section."""

    rule: str
    section: str
    text: str


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its expressions and templates compiled, once per process."""

    rule: Rule
    when: Any
    each: Any | None
    finding: Template
    questions: tuple[Template, ...]
    more: Template


@dataclass(frozen=True)
class LoadedPack:
    """A rule pack read from `path`, its rules compiled."""

    path: Path
    pack: RulePack
    compiled: tuple[CompiledRule, ...] = ()


def builtin_rule_dir() -> Path:
    """The rule packs that ship with workshop."""
    return Path(__file__).resolve().parent / "rulepacks"


def rule_pack_files(locations: Iterable[Path]) -> list[Path]:
    """Rule pack files from files and folders (a folder's *.yaml / *.yml, sorted)."""
    files: list[Path] = []
    for location in locations:
        if location.is_dir():
            files.extend(sorted(p for p in location.iterdir() if p.suffix.lower() in (".yaml", ".yml")))
        elif location.is_file():
            files.append(location)
        else:
            raise RuleError(f"{location}: no such rule pack file or folder")
    return files


def _rule_environment() -> LimitedSandbox:
    env = LimitedSandbox(undefined=StrictUndefined, autoescape=False)
    env.filters.update(jinja_filters())  # dates, months, money and plurals in the vendor's locale
    return env


RULE_ENV = _rule_environment()
DEFAULT_MORE = "{{ rest | length }} more like {{ 'the one' if shown | length == 1 else 'the %d' % shown | length }} above."


def _compile(path: Path, rule: Rule) -> CompiledRule:
    """Compile every part of a rule; RuleError names the file, the rule and the part that is wrong."""

    def expression(label: str, source: str):
        try:
            return RULE_ENV.compile_expression(source, undefined_to_none=False)
        except TemplateSyntaxError as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {exc.message}") from None
        except (RecursionError, MemoryError) as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {describe_stop(exc)}") from None

    def template(label: str, source: str) -> Template:
        try:
            return RULE_ENV.from_string(source)
        except TemplateSyntaxError as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {exc.message}") from None
        except (RecursionError, MemoryError) as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {describe_stop(exc)}") from None

    return CompiledRule(
        rule=rule,
        when=expression("when", rule.when),
        each=expression("each", rule.each) if rule.each is not None else None,
        finding=template("finding", rule.finding),
        questions=tuple(template(f"questions[{i}]", q) for i, q in enumerate(rule.questions)),
        more=template("more", rule.more or DEFAULT_MORE),
    )


def load_rule_packs(locations: Iterable[Path] = ()) -> list[LoadedPack]:
    """The built-in packs plus those at `locations`; every rule is compiled so errors show up now.

    A bad pack raises RuleError naming the file, the rule id and the problem.
    """
    packs: list[LoadedPack] = []
    seen: dict[str, Path] = {}
    for path in rule_pack_files([builtin_rule_dir(), *locations]):
        try:
            pack = load_model(path, RulePack, what="a rule pack (rules: [...])")
        except ProfileError as exc:
            raise RuleError(str(exc)) from None
        for rule in pack.rules:
            if rule.id in seen:
                raise RuleError(f"{path}: rule {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = path
        packs.append(LoadedPack(path, pack, tuple(_compile(path, rule) for rule in pack.rules)))
    return packs


@lru_cache(maxsize=16)
def _cached_packs(locations: tuple[Path, ...]) -> tuple[LoadedPack, ...]:
    return tuple(load_rule_packs(locations))


def rule_packs(locations: Iterable[Path] = ()) -> list[LoadedPack]:
    """`load_rule_packs`, loaded and compiled once per process for each list of locations."""
    return list(_cached_packs(tuple(Path(p).resolve() for p in locations)))


def apply_rules(packs: list[LoadedPack], context: dict) -> tuple[list[Finding], list[Question]]:
    """Evaluate every rule against the facts; findings and questions by severity, in rule order within one."""
    with limits(sandbox.RULES_SECONDS):
        findings, questions = _evaluate(packs, context)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # stable: rule order within a severity
    severity = {c.rule.id: order[c.rule.severity] for loaded in packs for c in loaded.compiled}
    questions.sort(key=lambda q: severity.get(q.rule, len(order)))  # the weightiest first in each section
    return findings, questions


def _evaluate(packs: list[LoadedPack], context: dict) -> tuple[list[Finding], list[Question]]:
    findings: list[Finding] = []
    questions: list[Question] = []
    for loaded in packs:
        for compiled in loaded.compiled or tuple(_compile(loaded.path, r) for r in loaded.pack.rules):
            rule = compiled.rule
            part = "when"  # which part of the rule is being evaluated, for the error message
            try:
                if not compiled.when(**context):
                    continue
                part = "each"
                items = list(compiled.each(**context)) if compiled.each is not None else [None]
                shown, rest = items[:rule.limit], items[rule.limit:]
                for item in shown:
                    scope = {**context, "item": item}
                    part = "finding"
                    text = _squash(render(compiled.finding, scope))
                    findings.append(Finding(rule=rule.id, severity=rule.severity, section=rule.section, text=text))
                    for index, template in enumerate(compiled.questions):
                        part = f"questions[{index}]"
                        questions.append(Question(rule=rule.id, section=rule.section,
                                                  text=_squash(render(template, scope))))
                if rest:
                    part = "more"
                    text = _squash(render(compiled.more, {**context, "shown": shown, "rest": rest}))
                    findings.append(Finding(rule=rule.id, severity=rule.severity, section=rule.section, text=text))
            except STOPPED as exc:  # a pack that would hang or exhaust the run: every rule shares one deadline
                raise RuleError(f"{loaded.path}: rule {rule.id}: {part}: stopped: {describe_stop(exc)}") from None
            except SecurityError as exc:
                # A pack reached for Python internals; name the file and rule so the pack can be distrusted.
                raise RuleError(f"{loaded.path}: rule {rule.id}: {part}: blocked by the sandbox "
                                f"(SecurityError): {exc}") from None
            except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError) as exc:
                raise RuleError(f"{loaded.path}: rule {rule.id}: {type(exc).__name__}: {exc}") from None
    return findings, questions


def _squash(text: str) -> str:
    return " ".join(text.split())
