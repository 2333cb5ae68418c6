"""The rule-pack engine: YAML packs of rules whose sandboxed conditions over the facts add findings
and questions. The built-in packs are in `rulepacks/`; users add their own without touching code.

A rule's texts are in the language of the plan being made. The built-in packs are translated in the
message catalogs (their English texts are the message ids); a user's pack carries its translations
itself, `finding: {en: ..., de: ...}`, and a language it lacks falls back to the pack's own language
(`language:`, English by default) with one warning per rule and language."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Union

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .agenda import SECTION_IDS
from .errors import ProfileError, RuleError
from .i18n import ENGLISH, N_, catalog, check_language, current, jinja_filters, pick
from .readers import load_model
from .sandbox import STOPPED, LimitedSandbox, describe_stop, limits, render
from . import sandbox

log = logging.getLogger(__name__)

SEVERITIES = ("high", "medium", "low", "info")

Text = Union[str, dict[str, str]]
"""A rule text: in the pack's language, or a mapping of language tags (`en`, `de`, `ja`, ...) to texts."""


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
    more: Text | None = None
    """With `each`: the finding for the items past `limit` (a Jinja2 template over the facts, `shown`
    and `rest`, the items listed and not listed), or {language: text}; default: "N more like the 5 above." """
    severity: Literal["high", "medium", "low", "info"]
    """How much the finding matters to the session."""
    section: Literal[SECTION_IDS]  # type: ignore[valid-type]
    """Agenda section the questions belong to."""
    finding: Text
    """Text of the finding (a Jinja2 template over the facts), or {language: text} for each language it is written in."""
    questions: list[Text] = []
    """Questions to ask in the session (Jinja2 templates), each a text or {language: text}."""

    @field_validator("finding", "questions", "more")
    @classmethod
    def _language_tags(cls, value):
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, dict):
                for tag in text:
                    check_language(tag)
        return value

    def texts(self) -> list[tuple[str, Text]]:
        """(part, text) of each translatable text: the finding, each question, and `more` if given."""
        return ([("finding", self.finding)] + [(f"questions[{i}]", q) for i, q in enumerate(self.questions)]
                + ([("more", self.more)] if self.more is not None else []))


class RulePack(_Model):
    """A YAML file of rules."""

    rules: list[Rule]
    """The rules, evaluated in order."""
    description: str = ""
    """What the pack is about."""
    language: str = ENGLISH
    """The language of the pack's plain texts, and of the texts documents in a language the pack lacks fall back to."""

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return check_language(value)

    @model_validator(mode="after")
    def _fallback_present(self) -> RulePack:
        for rule in self.rules:
            for label, text in rule.texts():
                if isinstance(text, dict) and pick(text, self.language) is None:
                    raise ValueError(f"rule {rule.id}: {label}: no text in {self.language} (the pack's `language`), "
                                     f"which documents in other languages fall back to")
        return self


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
    """A rule with its expressions and (per language, when first needed) templates compiled, once per process."""

    rule: Rule
    when: Any
    each: Any | None
    finding: Template
    """The finding in the pack's own language."""
    questions: tuple[Template, ...]
    more: Template
    path: Path = Path()
    pack_language: str = ENGLISH
    builtin: bool = False
    _by_language: dict = field(default_factory=dict, compare=False, repr=False)

    def texts(self, tag: str) -> tuple[Template, tuple[Template, ...], Template]:
        """The finding, question and `more` templates in language `tag` (a shipped language, e.g. `de`)."""
        if tag not in self._by_language:
            self._by_language[tag] = self._compile_in(tag)
        return self._by_language[tag]

    def _compile_in(self, tag: str) -> tuple[Template, tuple[Template, ...], Template]:
        if tag == self.pack_language or tag.split("-")[0] == self.pack_language:
            return self.finding, self.questions, self.more
        missing = []

        def text(label: str, value: Text, builtin: bool) -> str:
            own = value if isinstance(value, str) else pick(value, self.pack_language)
            chosen = pick(value, tag) if isinstance(value, dict) else None
            if chosen is None and builtin:
                chosen = catalog(tag).gettext(own)  # the built-in texts are translated in the catalogs
            if chosen is None:
                missing.append(label)
                chosen = own
            return chosen

        finding = text("finding", self.rule.finding, self.builtin)
        questions = [text(f"questions[{i}]", q, self.builtin) for i, q in enumerate(self.rule.questions)]
        more = text("more", self.rule.more, self.builtin) if self.rule.more is not None else \
            catalog(tag).gettext(DEFAULT_MORE)
        if missing:
            log.warning("%s: rule %s has no %s text for %s; using its %s text", self.path, self.rule.id, tag,
                        " or ".join(missing), self.pack_language)
        compile_ = _template_compiler(self.path, self.rule, tag)
        return (compile_("finding", finding), tuple(compile_(f"questions[{i}]", q) for i, q in enumerate(questions)),
                compile_("more", more))


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
    env.filters.update(jinja_filters())  # dates, months, numbers, money and counted words in the current language
    return env


RULE_ENV = _rule_environment()
DEFAULT_MORE = N_("{{ rest | length }} more like {{ 'the one' if shown | length == 1 else 'the ' ~ shown | length }} "
                  "above.")
"""The finding for the items of an `each` rule past its `limit`, unless the rule says otherwise (`more`)."""


def _template_compiler(path: Path, rule: Rule, tag: str | None = None):
    """Compiles a rule's text; RuleError names the file, the rule, the part (and the language) that is wrong."""
    where = f" ({tag})" if tag else ""

    def template(label: str, source: str) -> Template:
        try:
            return RULE_ENV.from_string(source)
        except TemplateSyntaxError as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}{where}: {exc.message}") from None
        except (RecursionError, MemoryError) as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}{where}: {describe_stop(exc)}") from None

    return template


def _compile(path: Path, rule: Rule, pack_language: str = ENGLISH, builtin: bool = False) -> CompiledRule:
    """Compile every part of a rule; RuleError names the file, the rule and the part that is wrong."""

    def expression(label: str, source: str):
        try:
            return RULE_ENV.compile_expression(source, undefined_to_none=False)
        except TemplateSyntaxError as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {exc.message}") from None
        except (RecursionError, MemoryError) as exc:
            raise RuleError(f"{path}: rule {rule.id}: {label}: {describe_stop(exc)}") from None

    def own(value: Text) -> str:
        return value if isinstance(value, str) else pick(value, pack_language) or ""

    template = _template_compiler(path, rule)
    return CompiledRule(
        rule=rule,
        when=expression("when", rule.when),
        each=expression("each", rule.each) if rule.each is not None else None,
        finding=template("finding", own(rule.finding)),
        questions=tuple(template(f"questions[{i}]", own(q)) for i, q in enumerate(rule.questions)),
        more=template("more", own(rule.more) if rule.more is not None else DEFAULT_MORE),
        path=path, pack_language=pack_language.split("-")[0] if pack_language != "zh-Hans" else pack_language,
        builtin=builtin,
    )


def load_rule_packs(locations: Iterable[Path] = ()) -> list[LoadedPack]:
    """The built-in packs plus those at `locations`; every rule is compiled so errors show up now.

    A bad pack raises RuleError naming the file, the rule id and the problem.
    """
    packs: list[LoadedPack] = []
    seen: dict[str, Path] = {}
    builtin = builtin_rule_dir()
    for path in rule_pack_files([builtin, *locations]):
        try:
            pack = load_model(path, RulePack, what="a rule pack (rules: [...])")
        except ProfileError as exc:
            raise RuleError(str(exc)) from None
        for rule in pack.rules:
            if rule.id in seen:
                raise RuleError(f"{path}: rule {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = path
        own = path.parent == builtin
        packs.append(LoadedPack(path, pack, tuple(_compile(path, rule, pack.language, own) for rule in pack.rules)))
    return packs


@lru_cache(maxsize=16)
def _cached_packs(locations: tuple[Path, ...]) -> tuple[LoadedPack, ...]:
    return tuple(load_rule_packs(locations))


def rule_packs(locations: Iterable[Path] = ()) -> list[LoadedPack]:
    """`load_rule_packs`, loaded and compiled once per process for each list of locations."""
    return list(_cached_packs(tuple(Path(p).resolve() for p in locations)))


def apply_rules(packs: list[LoadedPack], context: dict) -> tuple[list[Finding], list[Question]]:
    """Evaluate every rule against the facts; findings and questions by severity, in rule order within one.
    Their texts are in the current language (`workshop.i18n.speaking`)."""
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
    tag = current().tag
    for loaded in packs:
        for compiled in loaded.compiled or tuple(_compile(loaded.path, r, loaded.pack.language)
                                                 for r in loaded.pack.rules):
            rule = compiled.rule
            part = "when"  # which part of the rule is being evaluated, for the error message
            try:
                if not compiled.when(**context):
                    continue
                part = "each"
                items = list(compiled.each(**context)) if compiled.each is not None else [None]
                shown, rest = items[:rule.limit], items[rule.limit:]
                finding, asked, more = compiled.texts(tag) if items else (None, (), None)
                for item in shown:
                    scope = {**context, "item": item}
                    part = "finding"
                    text = _squash(render(finding, scope))
                    findings.append(Finding(rule=rule.id, severity=rule.severity, section=rule.section, text=text))
                    for index, template in enumerate(asked):
                        part = f"questions[{index}]"
                        questions.append(Question(rule=rule.id, section=rule.section,
                                                  text=_squash(render(template, scope))))
                if rest:
                    part = "more"
                    text = _squash(render(more, {**context, "shown": shown, "rest": rest}))
                    findings.append(Finding(rule=rule.id, severity=rule.severity, section=rule.section, text=text))
            except STOPPED as exc:  # a pack that would hang or exhaust the run: every rule shares one deadline
                raise RuleError(f"{loaded.path}: rule {rule.id}: {part}: stopped: {describe_stop(exc)}") from None
            except SecurityError as exc:
                # A pack reached for Python internals; name the file and rule so the pack can be distrusted.
                raise RuleError(f"{loaded.path}: rule {rule.id}: {part}: blocked by the sandbox "
                                f"(SecurityError): {exc}") from None
            except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError) as exc:
                raise RuleError(f"{loaded.path}: rule {rule.id}: {type(exc).__name__}: {exc}"
                                + (f" (in {tag})" if tag != ENGLISH else "")) from None
    return findings, questions


_FOLDED = re.compile(r"[ \t\r\n]+")


def _squash(text: str) -> str:
    """Whitespace folded to single spaces (none left between Chinese or Japanese characters)."""
    words = _FOLDED.split(text.strip(" \t\r\n"))  # not str.split(): French no-break spaces (U+00A0, U+202F) stay
    if words == [""]:
        return ""
    out = words[0]
    for word in words[1:]:
        out += word if _cjk(out[-1]) and _cjk(word[0]) else " " + word
    return out


def _cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"
