"""The peer pipeline the benchmarks compare with: Word templates of our three documents filled with
docxtpl, converted to PDF by LibreOffice headless in batches — what a Python team would script.

Like for like: each template starts from the theme's reference.docx (the styles our DOCX uses) and
holds what our document holds — running header, footer with page X of Y, the same headings, tables,
lists and paragraphs, the briefing's year chart — filled with the same text from the same Plan.
The chart PNG is handed to the peer ready-made (ours draws it, and that time counts for us), and
the peer renders no plan.json or mop.ics: both in the peer's favour.

Needs `soffice` on PATH and docxtpl, which is not a runtime dependency: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import io
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import workshop
from workshop.documents.theme import add_minutes
from workshop.formatting import long_date, money, month_name, month_year, short_date, your

DOCUMENTS = ("briefing", "agenda", "memo")
PAPER_MM = {"a4": (210, 297), "letter": (215.9, 279.4)}
SEVERITY_TITLES = {"high": "High", "medium": "Medium", "low": "Low", "info": "For information"}
PARTY_WORDS = {"vendor": "The Vendor", "partner": "The Partner", "both": "Both parties"}


def missing() -> str | None:
    """Why the peer cannot run here, or None."""
    try:
        import docxtpl  # noqa: F401
    except ImportError:
        return "docxtpl is not installed (pip install -e '.[bench]')"
    if shutil.which("soffice") is None:
        return "soffice (LibreOffice) is not on PATH"
    return None


class _Template:
    """A Word document being written as a docxtpl template, in the styles of reference.docx."""

    def __init__(self, title: str, paper: str):
        import docx
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm

        from workshop.writers.docx import _add_field

        self.document = docx.Document(str(workshop.Theme().reference_docx))
        body = self.document.element.body
        for child in list(body)[:-1]:  # keep only the section properties
            body.remove(child)
        section = self.document.sections[0]
        section.page_width, section.page_height = (Mm(side) for side in PAPER_MM[paper])
        text_width = section.page_width - section.left_margin - section.right_margin
        header = section.header.paragraphs[0]
        header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        header.style = self.document.styles["Header"]
        header.add_run("{{ vendor }}").bold = True
        header.add_run(f"\t{title}")
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        footer.style = self.document.styles["Footer"]
        footer.add_run("Confidential · FY{{ year }} · prepared {{ prepared }}\tPage ")
        _add_field(footer, "PAGE")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES")

    def paragraph(self, *runs: str, style: str | None = None, bold_first: bool = False):
        paragraph = self.document.add_paragraph(style=style)
        for index, text in enumerate(runs):
            paragraph.add_run(text).bold = (bold_first and index == 0) or None
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        self.paragraph(text, style=f"Heading {level}")

    def tag(self, text: str) -> None:
        """A docxtpl paragraph tag ({%p ... %}): the paragraph is replaced by the loop or condition."""
        self.document.add_paragraph(f"{{%p {text} %}}")

    def each(self, loop: str, *runs: str, style: str | None = None, bold_first: bool = False) -> None:
        """A paragraph repeated for every item of `loop` ("for x in xs")."""
        self.tag(loop)
        self.paragraph(*runs, style=style, bold_first=bold_first)
        self.tag("endfor")

    def grouped(self, groups: str, items: str, style: str) -> None:
        """A level-2 heading per group of `groups` (its `title`) over a list of its `items`."""
        self.tag(f"for group in {groups}")
        self.heading("{{ group.title }}", 2)
        self.each(f"for item in group.{items}", "{{ item }}", style=style)
        self.tag("endfor")

    def table(self, loop: str, cells: list[str], headings: list[str] = (), *, first: str = "Table Text",
              others: str = "Table Text", heading: str = "Table Heading", style: str | None = "Workshop Table") -> None:
        """A table: a heading row if there are `headings`, then the row of `cells` once for every item of
        `loop` ("for x in xs"), its first cell in paragraph style `first` and the others in `others`."""
        document = self.document
        table = document.add_table(rows=(1 if headings else 0) + 3, cols=len(cells))
        if style:
            table.style = document.styles[style]
        rows = iter(table.rows)
        for texts, styles in ([(headings, [heading] * len(cells))] if headings else []) + [
                ([f"{{%tr {loop} %}}"], ["Table Text"]), (cells, [first] + [others] * (len(cells) - 1)),
                (["{%tr endfor %}"], ["Table Text"])]:
            for cell, text, name in zip(next(rows).cells, texts, styles):
                cell.paragraphs[0].text, cell.paragraphs[0].style = text, document.styles[name]
        document.add_paragraph(style="Table Text")

    def save(self, path: Path) -> Path:
        self.document.save(path)
        return path


LABELLED = ("{{ row.label }}", "{{ row.text }}")
"""The cells of a table of (label, text) rows, such as the briefing's snapshot."""


def _briefing(paper: str) -> _Template:
    t = _Template("Briefing pack", paper)
    t.paragraph("Internal · {{ vendor }} team only", style="Draft Mark")
    t.paragraph("Briefing pack: {{ partner }}", style="Title")
    t.paragraph("Joint planning for {{ year_label }} ({{ year_start }} to {{ year_end }}) · prepared {{ prepared }}",
                style="Subtitle")
    t.heading("Summary")
    t.paragraph("{{ summary }}")
    t.paragraph("{{ verdict_label }}", " {{ verdict }}", bold_first=True)
    t.tag("if risks")
    t.paragraph("Top risks", bold_first=True)
    t.tag("endif")
    t.each("for risk in risks", "{{ risk }}", style="List Number")
    t.heading("Partner snapshot")
    t.table("for row in snapshot", list(LABELLED), first="Table Heading")
    t.tag("if notes")
    t.paragraph("{{ notes }}", style="Note")
    t.tag("endif")
    t.heading("Their side of the table")
    t.paragraph("{{ their_side }}")
    t.table("for q in partner_quarters", ["{{ q.label }}", "{{ q.start }}", "{{ q.end }}", "{{ q.push }}"],
            ["Their quarter", "Starts", "Ends", "Closing push from"])
    t.heading("The year at a glance")
    t.paragraph("{{ chart }}")
    t.heading("Quarter ends side by side")
    t.table("for p in pairs", ["{{ p.ours }}", "{{ p.our_end }}", "{{ p.theirs }}", "{{ p.their_end }}", "{{ p.offset }}"],
            ["Our quarter", "Ends", "Their quarter", "Ends", "Offset (days)"])
    t.heading("Findings")
    t.grouped("findings", "lines", "List Bullet")
    t.heading("MOP options compared")
    t.table("for o in options", ["{{ o.title }}", "{{ o.score }}", "{{ o.factors[0] }}", "{{ o.factors[1] }}",
                                 "{{ o.factors[2] }}", "{{ o.factors[3] }}", "{{ o.ends }}"],
            ["Option", "Score", "{{ factors[0] }}", "{{ factors[1] }}", "{{ factors[2] }}", "{{ factors[3] }}",
             "Period ends"])
    t.paragraph("{{ factor_note }}", style="Note")
    t.heading("{{ shown_heading }}")
    t.each("for line in shown_text", "{{ line }}")
    t.table("for p in periods", ["{{ p.name }}", "{{ p.start }}", "{{ p.end }}", "{{ p.days }}"],
            ["Period", "Starts", "Ends", "Days"])
    t.paragraph("{{ handover }}", style="Note")
    t.each("for note in period_notes", "{{ note }}", style="List Bullet")
    t.each("for line in not_offered", "{{ line }}", style="Note")
    t.heading("Questions for the session")
    t.grouped("question_sections", "questions", "List Number")
    t.heading("Contacts")
    t.table("for c in contacts", ["{{ c.name }}", "{{ c.company }}", "{{ c.title }}", "{{ c.role }}", "{{ c.email }}"],
            ["Name", "Company", "Title", "Role", "Email"])
    t.heading("Deals and their quarters")
    t.table("for d in deals", ["{{ d.name }}", "{{ d.amount }}", "{{ d.close }}", "{{ d.ours }}", "{{ d.theirs }}",
                               "{{ d.risk }}"],
            ["Deal", "Amount", "Expected close", "Our quarter", "Their quarter", "Risk"])
    return t


def _agenda(paper: str) -> _Template:
    t = _Template("Joint planning session agenda", paper)
    t.paragraph("Joint planning session", style="Title")
    t.paragraph("{{ vendor }} and {{ partner }} · {{ year_label }} Mutual Operating Period", style="Subtitle")
    t.table("for row in when", list(LABELLED), first="Table Heading")
    t.heading("What we want to achieve together")
    t.each("for goal in objectives", "{{ goal }}", style="List Bullet")
    t.heading("Attendees")
    t.table("for a in attendees", ["{{ a.partner }}", "{{ a.vendor }}"], ["Your team ({{ partner }})", "{{ vendor }}"])
    t.heading("Agenda")
    t.table("for i in agenda", ["{{ i.time }}", "{{ i.topic }}", "{{ i.lead }}"], ["Time", "Topic", "Led by"])
    t.heading("{{ options_heading }}")
    t.each("for o in options", "{{ o.title }}", "{{ o.text }}", style="List Bullet", bold_first=True)
    t.heading("Please bring")
    t.each("for item in prereads", "{{ item }}", style="List Bullet")
    t.heading("Questions we would like to discuss")
    t.grouped("question_sections", "questions", "List Number")
    t.heading("After the session")
    t.table("for row in next_steps", list(LABELLED))
    return t


def _memo(paper: str) -> _Template:
    t = _Template("Mutual Operating Period Agreement", paper)
    t.paragraph("Mutual Operating Period Agreement", style="Title")
    t.paragraph("{{ status }} {{ vendor }} and {{ partner }} · FY{{ year }} · prepared {{ prepared }}", style="Subtitle")
    t.paragraph("{{ vendor }}", " (“the Vendor”) and ", "{{ partner }}",
                " (“the Partner”) agree to run their joint business from {{ start }} to {{ end }} on {{ mop_words }}, "
                "so that pipeline reviews, commit dates and joint plans follow one calendar both sides recognise.")
    t.heading("Mutual Operating Period: {{ title }}")
    t.paragraph("{{ rationale }}")
    t.table("for p in periods", ["{{ p.name }}", "{{ p.start }}", "{{ p.end }}", "{{ p.days }}"],
            ["Period", "Starts", "Ends", "Days"])
    t.paragraph("{{ handover }} A deal counts in a MOP period when the Vendor has booked and accepted its order by "
                "23:59{{ deal_time }} on the period's last day.", style="Note")
    t.heading("Commitments and review")
    t.each("for c in commitments", "{{ c.party }}", "{{ c.owners }} will {{ c.text }}", style="List Bullet",
           bold_first=True)
    t.paragraph("Review cadence:", " {{ cadence }}.", style="List Bullet", bold_first=True)
    t.paragraph("Term and changes:", " this agreement runs from {{ start }} to {{ end }}. Either side may propose a "
                "change at a pipeline review; it applies once the signatories of both sides confirm it in writing.",
                style="List Bullet", bold_first=True)
    t.heading("Signatures")
    t.table("for row in signature_rows", ["{{ row.vendor }}", "{{ row.partner }}"],
            ["For {{ vendor }}", "For {{ partner }}"], first="Signature Line", others="Signature Line",
            heading="Signature Party", style=None)
    return t


def make_templates(folder: Path, paper: str = "a4") -> dict[str, Path]:
    """Write the three Word templates into `folder`; {document: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    builders = {"briefing": _briefing, "agenda": _agenda, "memo": _memo}
    return {name: builders[name](paper).save(folder / f"{name}-template.docx") for name in DOCUMENTS}


def plural(count: int, word: str) -> str:
    """`1 day`, `7 days`: the peer's templates are in English, as the synthetic partners' documents are."""
    return f"{count} {word}" + ("" if count == 1 else "s")


def _common(plan: workshop.Plan) -> dict:
    return {"vendor": plan.vendor.name, "partner": plan.partner.name, "year": plan.fiscal_year,
            "year_label": plan.facts.vendor_year, "prepared": long_date(plan.as_of, plan.locale)}


def _questions(plan: workshop.Plan) -> list[dict]:
    return [{"title": item.title, "questions": item.questions} for item in plan.agenda if item.questions]


def _labelled(rows: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "text": text} for label, text in rows]


def _briefing_context(plan: workshop.Plan, chart) -> dict:
    f, loc, memo = plan.facts, plan.locale, plan.memo
    day = lambda d: long_date(d, loc)  # noqa: E731
    option, agreed = plan.recommended_option, memo.status != "proposed"
    chosen = plan.option(memo.strategy)
    totals: dict[str, float] = {}
    for deal in f.deals:
        totals[deal.currency] = totals.get(deal.currency, 0) + deal.amount
    pipeline = f"{plural(len(f.deals), 'deal')}" + "".join(
        f"{': ' if i == 0 else ', '}{money(amount, cur, loc)}" for i, (cur, amount) in enumerate(sorted(totals.items())))
    their_side = f"{plan.partner.name} runs on a {f.partner.calendar}. While we execute {f.vendor_year}, they are in " \
                 f"{' and '.join(f.partner.fiscal_years)}."
    if f.partner.annual_planning_month:
        their_side += f" They plan their next year in {month_name(f.partner.annual_planning_month, loc)}"
        if f.partner.plan_lock_month:
            their_side += f" and lock the plan in {month_name(f.partner.plan_lock_month, loc)}"
        their_side += "."
    if f.planning.partner_months_into_year is not None:
        their_side += (f" When we start our planning in {month_year(f.planning.vendor_planning_start, loc)}, they are "
                       f"{plural(f.planning.partner_months_into_year, 'month')} into "
                       f"{f.planning.partner_year_at_vendor_planning}.")
    summary = (f"The session{' on ' + day(plan.session.date) if plan.session.date else ''} must agree a Mutual "
               f"Operating Period with {plan.partner.name} for our {f.vendor_year}: they run on a {f.partner.calendar}, "
               f"and our quarter ends are {plural(f.worst_offset_days, 'day')} apart at most.")
    scored = f"It scored {chosen.score:.1f}" + (f"; the recommendation was {option.title} ({option.score:.1f})"
                                                  if memo.strategy != plan.recommended else ", the recommended option")
    shown = memo if agreed else option

    def risk(d) -> str:
        if d.at_risk:
            return f"At risk: {', '.join(d.contacts_away)} away"
        if d.in_vendor_window and not d.in_partner_window:
            return "After their push"
        if d.in_partner_window and not d.in_vendor_window:
            return "Mid-quarter for us"
        return "—"

    return {
        **_common(plan), "chart": chart, "notes": plan.partner.notes, "summary": summary,
        "year_start": day(f.vendor_year_start), "year_end": day(f.vendor_year_end),
        "verdict_label": f"Agreed ({memo.status}):" if agreed else "Recommendation:",
        "verdict": f"{memo.title}, {day(memo.start)} to {day(memo.end)}. {scored}." if agreed else plan.recommendation,
        "risks": [x.text for x in plan.findings if x.severity in ("high", "medium")][:3],
        "snapshot": _labelled([
            ("Partner", plan.partner.name + (f" · {plan.partner.tier} tier" if plan.partner.tier else "")),
            ("Where", " · ".join(filter(None, [plan.partner.region, plan.partner.country, plan.partner.timezone]))
             or "not recorded"),
            ("Fiscal calendar", f"{f.partner.calendar[:1].upper()}{f.partner.calendar[1:]}; closing push in the last "
                                f"{f.partner.urgency_window_weeks} weeks of a quarter"),
            ("Quarter-end offset", f"{f.worst_offset_days} days at worst, {f.mean_offset_days} days on average"),
            ("Agreed MOP" if agreed else "Recommended MOP",
             f"{memo.title} (score {chosen.score})" if agreed else f"{option.title} (score {option.score})"),
            ("Joint pipeline", pipeline)]),
        "their_side": their_side,
        "partner_quarters": [{"label": q.label, "start": day(q.start), "end": day(q.end),
                              "push": day(q.urgency_start) if q.urgency_start else "none"} for q in f.partner.quarters],
        "pairs": [{"ours": p.vendor_quarter, "our_end": day(p.vendor_end), "theirs": p.partner_quarter,
                   "their_end": day(p.partner_end), "offset": f"{p.offset_days:+d}"} for p in f.quarter_pairs],
        "findings": [{"title": title, "lines": [x.text for x in plan.findings if x.severity == severity]}
                     for severity, title in SEVERITY_TITLES.items() if any(x.severity == severity for x in plan.findings)],
        "factors": [factor.heading for factor in plan.factors],
        "options": [{"title": o.title, "score": f"{o.score:.1f}",
                     "factors": [f"{o.factors[factor.key]:.2f}" for factor in plan.factors],
                     "ends": ", ".join(short_date(p.end, loc) for p in o.periods)}
                    for o in sorted(plan.options, key=lambda o: -o.score)],
        "factor_note": "Factors run from 0 (bad) to 1 (good)." + "".join(
            f" {factor.heading}: {factor.description}." for factor in plan.factors),
        "shown_heading": f"Agreed MOP ({memo.status}): {memo.title}" if agreed else f"Recommendation: {option.title}",
        "shown_text": [f"{memo.rationale} It runs from {day(memo.start)} to {day(memo.end)}. As an option it scored "
                       f"{chosen.score:.1f}."] if agreed else [
            plan.recommendation, f"{option.rationale} It runs from {day(option.start)} to {day(option.end)}."
                                 + (f" {option.continuity}" if option.continuity else "")],
        "periods": [{"name": p.name + (" (under way)" if p.status == "running" else ""), "start": day(p.start),
                     "end": day(p.end), "days": (p.end - p.start).days + 1} for p in shown.periods],
        "handover": shown.handover, "period_notes": [p.note for p in shown.periods if p.note],
        "not_offered": [f"Not offered: {s}, because {why}." for s, why in sorted(plan.not_offered.items())],
        "question_sections": _questions(plan),
        "contacts": [{"name": c.name + (" (signs)" if c.signatory else ""), "company": party.name, "title": c.title,
                      "role": c.role, "email": c.email or ""}
                     for party in (plan.partner, plan.vendor) for c in party.contacts],
        "deals": [{"name": d.name, "amount": money(d.amount, d.currency, loc), "close": day(d.expected_close),
                   "ours": d.vendor_quarter, "theirs": d.partner_quarter, "risk": risk(d)} for d in f.deals],
    }


def _agenda_context(plan: workshop.Plan) -> dict:
    s, loc, memo = plan.session, plan.locale, plan.memo
    you, us = plan.partner.name, plan.vendor.name
    person = lambda c: f"{c.name}, {c.title}" if c.title else c.name  # noqa: E731
    ends = lambda periods: ", ".join(short_date(p.end, loc) for p in periods)  # noqa: E731
    left, right = plan.partner.contacts, plan.vendor.contacts
    time_text = f"To be agreed ({s.minutes} minutes)"
    if s.start:
        time_text = f"{s.start}–{s.end}" + (f" {s.zone} ({s.timezone})" if s.zone else "") + f", {s.minutes} minutes"
        if s.vendor_start:
            time_text += f"; {s.vendor_start}–{s.vendor_end} {s.vendor_zone}" + (
                f" on {long_date(s.vendor_date, loc)}" if s.vendor_date != s.date else "") + f" for {us}"
    when = [("Date", long_date(s.date, loc) if s.date else "To be agreed"), ("Time", time_text),
            ("Place", s.place or ("Video call" if s.video else "To be agreed"))] + ([("Video link", s.video)] if s.video else [])
    proposed = memo.status == "proposed"
    options = ([{"title": your(o.title, you, us), "text": f": {long_date(o.start, loc)} to {long_date(o.end, loc)}, "
                                                          f"periods ending {ends(o.periods)}."} for o in plan.options]
               if proposed else [{"title": your(memo.title, you, us), "text": f", {long_date(memo.start, loc)} to "
                                  f"{long_date(memo.end, loc)}: periods ending {ends(memo.periods)}."}])
    return {
        **_common(plan), "when": _labelled(when), "objectives": plan.objectives, "prereads": plan.prereads,
        "attendees": [{"partner": person(left[i]) if i < len(left) else "",
                       "vendor": person(right[i]) if i < len(right) else ""}
                      for i in range(max(len(left), len(right), 1))],
        "agenda": [{"time": add_minutes(s.start, item.start_minute) if s.start else f"+{item.start_minute} min",
                    "topic": f"{item.title} ({item.minutes} min)",
                    "lead": {"vendor": us, "partner": "You", "both": "Both teams"}[item.owner]} for item in plan.agenda],
        "options_heading": "The options we will discuss" if proposed else "The MOP we have agreed", "options": options,
        "question_sections": [{"title": item.title, "questions": [your(q, you, us) for q in item.questions[:2]]}
                              for item in plan.agenda if item.questions],
        "next_steps": _labelled([(long_date(step.day, loc) if step.day else "", step.text) for step in plan.next_steps]),
    }


def _memo_context(plan: workshop.Plan) -> dict:
    memo, loc = plan.memo, plan.locale
    day = lambda d: long_date(d, loc)  # noqa: E731
    line = lambda s: f"Signature · {s.name}, {s.title} · date ____________" if s.title else (  # noqa: E731
        f"Signature · {s.name} · date ____________")
    halves = " and ".join(f"{h.name} from {day(h.start)} to {day(h.end)}, kicked off by {h.kicked_off_by}"
                          for h in memo.halves)
    sides = [[line(s) for s in people] or ["Signature · name and title ____________________ · date ____________"]
             for people in (memo.vendor_signatories, memo.partner_signatories)]
    return {
        **_common(plan), "status": "Signed" if memo.signed else "Draft", "start": day(memo.start),
        "end": day(memo.end), "title": memo.title, "rationale": memo.rationale, "handover": memo.handover,
        "deal_time": f" {plan.vendor.timezone} time" if plan.vendor.timezone else ", the Vendor's local time,",
        "mop_words": f"two Mutual Operating Periods (MOPs): {halves}" if memo.halves
                     else "the Mutual Operating Period (MOP) below",
        "periods": [{"name": p.name, "start": day(p.start), "end": day(p.end), "days": (p.end - p.start).days + 1}
                    for p in memo.periods],
        "commitments": [{"party": PARTY_WORDS[c.party], "owners": f" ({' and '.join(c.owners)})" if c.owners else "",
                         "text": c.text[0].lower() + c.text[1:]} for c in memo.commitments],
        "cadence": memo.review_cadence.rstrip("."),
        "signature_rows": [{"vendor": side[0][i] if i < len(side[0]) else "",
                            "partner": side[1][i] if i < len(side[1]) else ""}
                           for side in [sides] for i in range(max(map(len, sides)))],
    }


def fill(template: Path, document: str, plan: workshop.Plan, out: Path, chart_png: bytes | None = None) -> Path:
    """Fill one Word template with one Plan's text, as the peer does for every document; the file written."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    doc = DocxTemplate(template)
    if document == "briefing":
        chart = InlineImage(doc, io.BytesIO(chart_png or b""), width=Mm(170))
        context = _briefing_context(plan, chart)
    else:
        context = _agenda_context(plan) if document == "agenda" else _memo_context(plan)
    doc.render(context)
    doc.save(out)
    return out


@dataclass
class Cost:
    """Seconds spent (wall and CPU, the latter over every process involved) for some documents."""

    wall: float = 0.0
    cpu: float = 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


FILES_PER_RUN = 200
"""LibreOffice 7 reads only about 250 arguments of a command line: it converted the first 246 of 300 files
and exited 0. A batch is converted in runs of this many files, as a user's script would have to."""


class LibreOffice:
    """`soffice --headless --convert-to pdf` with a profile of its own, created before anything is timed
    (a user's batch job starts from an existing profile)."""

    def __init__(self, folder: Path, sample: Path):
        self.folder = folder
        profile = folder / "lo-profile"
        self.command = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf"]
        self.convert([sample], folder / "warm")

    def convert(self, files: list[Path], outdir: Path) -> Cost:
        """Convert `files`, in as few LibreOffice runs as it allows; their wall and CPU time."""
        start, cpu = time.perf_counter(), _children_cpu()
        for first in range(0, len(files), FILES_PER_RUN):
            chunk = files[first:first + FILES_PER_RUN]
            subprocess.run(self.command + ["--outdir", str(outdir), *map(str, chunk)], check=True, capture_output=True)
        cost = Cost(time.perf_counter() - start, _children_cpu() - cpu)
        made = {p.stem for p in outdir.glob("*.pdf")}
        lost = [f.name for f in files if f.stem not in made]
        if lost:
            raise RuntimeError(f"LibreOffice wrote no PDF for {len(lost)} of {len(files)} files, e.g. {lost[0]}")
        return cost


def run_batch(plans: list[workshop.Plan], charts: list[bytes], folder: Path, paper: str = "a4") -> tuple[Cost, Cost]:
    """The peer for a batch of partners: fill three templates per Plan, then convert every file in one
    LibreOffice run. (fill cost, convert cost) for the whole batch."""
    templates = make_templates(folder / "templates", paper)
    docs = folder / "docx"
    docs.mkdir(parents=True, exist_ok=True)
    office = LibreOffice(folder, fill(templates["memo"], "memo", plans[0], folder / "warm.docx"))
    files: list[Path] = []
    start, cpu = time.perf_counter(), time.process_time()
    for index, (plan, chart) in enumerate(zip(plans, charts)):
        for name in DOCUMENTS:
            files.append(fill(templates[name], name, plan, docs / f"{index:04d}-{name}.docx", chart))
    filled = Cost(time.perf_counter() - start, time.process_time() - cpu)
    return filled, office.convert(files, folder / "pdf")
