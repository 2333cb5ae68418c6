"""The command line: click options, exit codes, progress and logging; every command calls the public
API in `workshop` and nothing else. The only module that knows about the terminal."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path

import click

import workshop

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_PROFILES = Path("partner_profiles")


class WorkshopGroup(click.Group):
    """Turns library errors into one clear message and exit code 1 (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except workshop.UsageError as exc:
            if ctx.meta.get("workshop.debug"):
                raise
            raise click.UsageError(str(exc)) from None
        except workshop.WorkshopError as exc:
            if ctx.meta.get("workshop.debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_FAILED)
        except OSError as exc:  # a file we had to write or read: say which, and why
            if ctx.meta.get("workshop.debug"):
                raise
            click.echo(f"error: {exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_FAILED)


@click.group(cls=WorkshopGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(workshop.__version__, prog_name="workshop")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.option("-v", "--verbose", count=True, help="Log more (-v: progress details, -vv: debug).")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: int) -> None:
    """Prepare joint planning sessions with channel partners.

    Reads partner profiles (one YAML, TOML or JSON file per partner, plus vendor.yaml for your own
    company), computes both fiscal calendars, drafts Mutual Operating Period (MOP) options with a
    scored recommendation, and writes the briefing pack, the session agenda and the agreement memo
    as PDF and Word.

    \b
    Typical use:
      workshop validate                              check every profile in ./partner_profiles
      workshop calendar rheinwerk                    one partner's fiscal year, quarter by quarter
      workshop plan rheinwerk                        the MOP options for one partner
      workshop kit --all                             every partner's kit and an index into ./output
      workshop memo --all --date 2026-11-26          memos only, for every partner
      workshop agree sakura --strategy dual-mop      record what was agreed; edit, then sign
      workshop import accounts.csv deals.csv         partner profiles from CRM exports
      workshop verify output/FY2028/sakura/memo.pdf  check a digitally signed memo
    """
    ctx.meta["workshop.debug"] = debug
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # WeasyPrint reports every CSS property it ignores; only our own messages matter unless asked.
    logging.getLogger("weasyprint").setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)
    # pyHanko logs every failed check of a signature with its traceback; verify's own lines say what matters.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL if verbose < 1 else level)


def _parse_date(ctx, param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _parse_formats(ctx, param, value: str | None) -> tuple[str, ...]:
    known = workshop.document_formats()
    if value is None:
        return known
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in known]
    if unknown or not formats:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: expected a comma-separated list of {', '.join(known)}")
    return formats


def _parse_language(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return workshop.check_document_language(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _choice(value: str, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices` (read when the command runs, so registered extensions count)."""
    if value not in choices:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
    return value


def _apply(func, decorators: list):
    """`func` with click decorators applied so that they read (and show in --help) in list order."""
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def planning_options(func):
    """Options shared by every command that plans: where the profiles are, the date, the year, rule packs."""
    return _apply(func, [
        click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=DEFAULT_PROFILES, show_default=True, help="Folder where partner ids are looked up."),
        click.option("--vendor", "vendor_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Vendor profile [default: vendor.yaml beside the partner profile]."),
        click.option("--date", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
                     help="The date the plan is made on; documents carry it [default: today]."),
        click.option("--year", "fiscal_year", type=click.IntRange(1990, 2100), metavar="FY",
                     help="Vendor fiscal year to plan [default: the vendor's next fiscal year after --date]."),
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="A rule pack (YAML) or folder of them, used besides the built-in ones (repeatable)."),
    ])


def document_options(func):
    """PARTNERS, --all and what shapes the documents: --format, --out, --paper, --templates, --pdf-variant."""
    return _apply(func, [
        click.argument("partners", nargs=-1),
        click.option("--all", "all_partners", is_flag=True, help="Every partner profile in --profiles."),
        planning_options,
        click.option("--format", "formats", callback=_parse_formats, metavar="FORMATS",
                     help="Comma-separated output formats, e.g. pdf,docx [default: every format there is]."),
        click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
                     show_default=True, help="Output folder; files go to OUT/FY<year>/<partner-id>/."),
        click.option("--paper", type=click.Choice(["a4", "letter"]),
                     help="Paper size [default: from vendor.yaml, else a4]."),
        click.option("--language", callback=_parse_language, metavar="LANG",
                     help="Write every document in this language (en, de, fr, es, ja, zh-Hans; a region too, e.g. "
                          "de-CH) [default: the partner's language for its documents, yours for the briefing]."),
        click.option("--templates", "template_dirs", multiple=True,
                     type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="A folder of templates searched before the built-in theme (repeatable)."),
        click.option("--pdf-variant", type=click.Choice(workshop.PDF_VARIANTS), metavar="VARIANT",
                     help="Archival or accessible PDF: pdf/a-1b … pdf/a-4u, pdf/ua-1, pdf/ua-2 (passed to WeasyPrint)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1),
                     help="Worker processes [default: one per CPU this process may use]."),
        click.option("--force", is_flag=True, help="Rebuild partners whose inputs did not change."),
    ])


def _settings(vendor_file: Path, as_of: date, fiscal_year: int | None, rule_dirs=(), **options) -> workshop.Settings:
    """The run's settings: the command line over vendor.yaml over the defaults."""
    return workshop.load_settings(vendor_file, as_of=as_of, fiscal_year=fiscal_year, rules=rule_dirs, **options)


def _one_partner(partner: str, profiles_dir: Path, vendor_file: Path | None) -> tuple[Path, Path]:
    partner_file = workshop.resolve_partner(partner, profiles_dir)
    return partner_file, workshop.vendor_file_for([partner_file], vendor_file)


def _partner_files(partners: tuple[str, ...], all_partners: bool, profiles_dir: Path) -> list[Path]:
    """The profile files named by PARTNERS or --all (exactly one of them)."""
    if all_partners == bool(partners):
        raise click.UsageError("name one or more PARTNERS, or pass --all (not both)")
    files = workshop.partner_files(partners, profiles_dir)
    if not files:
        raise click.UsageError(f"no partner profiles in {profiles_dir}")
    return files


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check profiles and agreements and report every problem in every file.

    PATHS are profile files or folders of them [default: ./partner_profiles]. A file named
    vendor.yaml (or .toml/.json) is checked as the vendor profile, a <partner>.agreement.yaml as
    an agreement (its fiscal year against the vendor's calendar in vendor.yaml beside it). Exits 0
    when all are valid, 1 otherwise; each problem names the file, the line and the field.
    """
    report = workshop.validate(list(paths or (DEFAULT_PROFILES,)))
    if not report:
        raise click.UsageError("no profile files found (looked for *.yaml, *.yml, *.toml, *.json)")
    for problems in report.values():
        for problem in problems:
            click.echo(str(problem), err=True)
    click.echo(report.summary(), err=not report.ok)
    sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


@cli.command()
@click.argument("kind", type=click.Choice(["partner", "vendor", "plan", "agreement"]), default="partner")
def schema(kind: str) -> None:
    """Print the JSON Schema of a partner profile, the vendor profile, a plan or an agreement.

    Point your editor at it for completion and checking while you write profiles, e.g. with the
    first line `# yaml-language-server: $schema=../schemas/partner.schema.json`.
    """
    click.echo(json.dumps(workshop.schema(kind), indent=2))  # type: ignore[arg-type]


@cli.command()
@click.argument("profile")
@click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_PROFILES, show_default=True, help="Folder where partner ids are looked up.")
@click.option("--year", "fiscal_year", type=click.IntRange(1990, 2100), metavar="FY",
              help="Fiscal year to show, by the company's own naming [default: the one containing --date].")
@click.option("--date", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Show the fiscal year this day falls in [default: today].")
@click.option("--json", "as_json", is_flag=True,
              help="Print the year as JSON: fiscal_year, start, end, weeks, quarters, periods.")
def calendar(profile: str, profiles_dir: Path, fiscal_year: int | None, as_of: date, as_json: bool) -> None:
    """Show one company's fiscal year: when it starts and ends, its quarters and its periods.

    PROFILE is a partner id (a file name in --profiles, without extension), `vendor` for your own
    company, or a path to a profile file. Use it to check a profile's `fiscal_calendar` against
    the partner's published calendar before planning with it.

    Monthly calendars have quarters of three calendar months. Weekly (52/53-week) calendars end
    every year on the same weekday, so most years have 52 weeks and every fifth or sixth year has
    53; the extra week lengthens the last period of one quarter (`extra_week_quarter`). In JSON,
    `weeks` is null for monthly calendars.

    \b
    Examples:
      workshop calendar ironbridge                    the fiscal year Ironbridge is in today
      workshop calendar ironbridge --year 2028        its FY2028, whatever today is
      workshop calendar vendor --date 2027-03-01      your own fiscal year on that day
      workshop calendar sakura --json                 the same as JSON, for scripts
    """
    profile_file = workshop.resolve_partner(profile, profiles_dir)
    load = workshop.load_vendor if workshop.is_vendor_file(profile_file) else workshop.load_profile
    company = load(profile_file)
    fiscal = workshop.calendar_for(company.fiscal_calendar)
    year = fiscal.year(fiscal_year if fiscal_year is not None else fiscal.year_label_of(as_of))
    if as_json:
        click.echo(json.dumps(year.to_dict(), indent=2))
    else:
        click.echo(year.describe(company.name))


@cli.command()
@click.argument("partner")
@planning_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON instead of a summary.")
def plan(partner: str, profiles_dir: Path, vendor_file: Path | None, as_of: date, fiscal_year: int | None,
         rule_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Show the MOP options and the recommendation for one partner.

    PARTNER is a partner id (a file name in --profiles, without extension) or a path to a profile.
    """
    partner_file, vendor_file = _one_partner(partner, profiles_dir, vendor_file)
    settings = _settings(vendor_file, as_of, fiscal_year, rule_dirs)
    result = workshop.plan_partnership(workshop.load_vendor(vendor_file), workshop.load_profile(partner_file),
                                       settings, audience="vendor")
    if as_json:
        click.echo(result.to_json(), nl=False)
    else:
        click.echo(workshop.plan_summary(result))


def _signing_options(func):
    """--sign, --key and --passphrase-env: the memo command signs its PDFs with them."""
    return _apply(func, [
        click.option("--sign", is_flag=True, help="Sign each PDF digitally (PAdES) in the vendor's signature block."),
        click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.p12",
                     help="PKCS#12 file with the signer's private key and certificate (with --sign)."),
        click.option("--passphrase-env", metavar="VAR",
                     help="Environment variable holding the key's passphrase [default: no passphrase]."),
    ])


def _memo_signer(sign: bool, key_file: Path | None, passphrase_env: str | None):
    """The loaded key for --sign (None without it); a bad key stops the run before anything is written."""
    if not sign:
        if key_file or passphrase_env:
            raise click.UsageError("--key and --passphrase-env only make sense with --sign")
        return None
    if key_file is None:
        raise click.UsageError("--sign needs --key FILE.p12")
    return workshop.MemoSigner.load_with_environment(key_file, passphrase_env)


def _bilingual_option(func):
    """--bilingual: the memo in the partner's language and the vendor's side by side."""
    return click.option("--bilingual/--one-language", default=None,
                        help="Print the memo in the partner's language and yours side by side, when they differ "
                             "[default: vendor.yaml's bilingual_memo, else one language].")(func)


def _run(partners: tuple[str, ...], all_partners: bool, profiles_dir: Path, vendor_file: Path | None, as_of: date,
         fiscal_year: int | None, rule_dirs: tuple[Path, ...], formats: tuple[str, ...], out: Path,
         paper: str | None, language: str | None, template_dirs: tuple[Path, ...], pdf_variant: str | None,
         jobs: int | None, force: bool, *, bilingual: bool | None = None, documents: tuple[str, ...] = (), sign=None,
         files: list[Path] | None = None, prune: bool = False, index: bool = True) -> workshop.Run:
    """Start a run of the pipeline for the partners the options name."""
    files = files if files is not None else _partner_files(partners, all_partners, profiles_dir)
    vendor_file = workshop.vendor_file_for(files, vendor_file)
    settings = _settings(vendor_file, as_of, fiscal_year, rule_dirs, formats=formats, paper=paper,
                         templates=template_dirs, pdf_variant=pdf_variant, language=language, bilingual=bilingual)
    return workshop.build(files, vendor_file, settings, out, documents=documents, jobs=jobs, force=force,
                          sign=sign, every_partner=all_partners, prune=prune, index=index)


def _document_command(doc: workshop.Document):
    """The command that writes one document (PDF and Word) for one or more partners."""

    @document_options
    def command(**options) -> None:
        sign_options = {k: options.pop(k) for k in ("sign", "key_file", "passphrase_env") if k in options}
        if sign_options.get("sign") and "pdf" not in options["formats"]:
            raise click.UsageError("--sign signs the PDF; add pdf to --format")
        signer = _memo_signer(**sign_options) if sign_options else None
        run = _run(**options, documents=(doc.name,), sign=signer.sign if signer else None)
        failed = _report(run)
        sys.exit(EXIT_FAILED if failed else EXIT_OK)

    if doc.signing:
        command = _signing_options(command)
    if doc.bilingual:
        command = _bilingual_option(command)
    command.__doc__ = f"""{doc.summary}

    PARTNERS are partner ids or profile paths; --all takes every profile in --profiles. {doc.details}
    A partner whose profile is invalid is reported and skipped; the others are still written.
    Exits 1 if any partner failed.
    """
    return cli.command(doc.command)(command)


for _doc in workshop.documents():
    _document_command(_doc)


def _parse_shard(ctx, param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        shard, shards = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected K/N, e.g. 2/4") from None
    if not 1 <= shard <= shards:
        raise click.BadParameter(f"{value!r}: expected 1 <= K <= N")
    return shard, shards


@cli.command()
@document_options
@_bilingual_option
@click.option("--shard", callback=_parse_shard, metavar="K/N",
              help="Build only the K-th of N shares of the partners; then run --index-only once.")
@click.option("--index-only", is_flag=True, help="Only rewrite index.html, index.csv and manifest.json from OUT.")
@click.option("--prune", is_flag=True,
              help="With --all: remove the folders of partners whose profile was deleted or given another id.")
def kit(shard: tuple[int, int] | None, index_only: bool, prune: bool, **options) -> None:
    """Write the planning kit of partners: every document, plan.json and mop.ics, plus an index.

    Each kit goes to OUT/FY<year>/<partner-id>/; index.html, index.csv and manifest.json go
    beside them. Partners whose inputs did not change since their last build are skipped (unless
    --force). A partner whose profile is invalid is reported; the others are still built. Exits
    1 if any partner failed. A run with --all also names the partner folders that no profile owns
    any more (deleted, or given another id); --prune removes them.
    """
    if prune and (not options["all_partners"] or shard or index_only):
        raise click.UsageError("--prune needs --all and no --shard or --index-only: only a run over every "
                               "profile knows which partner folders no profile owns")
    if index_only:
        vendor_file = options["vendor_file"] or workshop.find_vendor_file(options["profiles_dir"])
        settings = _settings(vendor_file, options["as_of"], options["fiscal_year"])
        for path in workshop.rewrite_index(vendor_file, settings, options["out"]):
            click.echo(str(path))
        return
    files = _partner_files(options["partners"], options["all_partners"], options["profiles_dir"])
    if shard:
        files = workshop.select_shard(files, *shard)
        options["all_partners"] = False  # a share of the partners cannot tell which folders are stale
    run = _run(**options, files=files, prune=prune, index=shard is None)
    failed = _report(run, incremental=True, by_partner=True)
    for note in run.notes(options["profiles_dir"]):
        click.echo(note, err=True)
    if shard:
        click.echo(f"shard {shard[0]}/{shard[1]} done; when every shard is, run: workshop kit --index-only", err=True)
    elif run.index is not None:
        click.echo(f"index: {run.index}")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@cli.command()
@planning_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"), show_default=True,
              help="Output folder the kits were written to.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON, for scripts.")
def status(profiles_dir: Path, vendor_file: Path | None, as_of: date, fiscal_year: int | None,
           rule_dirs: tuple[Path, ...], out: Path, as_json: bool) -> None:
    """Show every partner's state for the year: the MOP (agreed or recommended), the session, the
    memo's agreement state and the next dated commitment, as the kit index shows them.

    Reads OUT/FY<year> as the last `workshop kit` (or memo, brief, agenda) left it; run a kit first.
    """
    vendor_file = vendor_file or workshop.find_vendor_file(profiles_dir)
    settings = _settings(vendor_file, as_of, fiscal_year, rule_dirs)
    year = workshop.planned_year(workshop.load_vendor(vendor_file), settings)
    rows = workshop.index_rows(out, year)
    if as_json:
        click.echo(json.dumps([row.__dict__ for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"no kits in {workshop.year_folder(out, year)}; run: workshop kit --all", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"FY{year}: {len(rows)} partners in {workshop.year_folder(out, year)}")
    for row in rows:
        if row.status == "failed":
            click.echo(f"  {row.id:<20} FAILED  {row.error.splitlines()[0] if row.error else ''}")
            continue
        click.echo(f"  {row.id:<20} {row.agreement:<7} {row.mop} ({row.mop_start} to {row.mop_end})")
        click.echo(f"  {'':<20} session: {row.session or 'to be agreed'}; next: {row.next_commitment or 'none'}")


@cli.command()
@click.argument("partner")
@planning_options
@click.option("--strategy", required=True, callback=lambda ctx, param, value: _choice(value, workshop.strategy_names()),
              help="The MOP shape both sides chose (it may differ from the recommendation): align-vendor, "
                   "align-partner, shared-quarter-end or dual-mop.")
@click.option("--force", is_flag=True, help="Replace an existing agreement file.")
def agree(partner: str, profiles_dir: Path, vendor_file: Path | None, as_of: date, fiscal_year: int | None,
          rule_dirs: tuple[Path, ...], strategy: str, force: bool) -> None:
    """Write a draft agreement file for a partner from the current plan.

    The file, <partner-id>.agreement.yaml beside the partner profile, holds the chosen strategy's
    periods, the commitments dated from them, the review cadence and both sides' signatories
    (from the profiles, not yet signed). Edit it as agreed, then set the `signed` dates and
    `status: signed`; `workshop memo` prints it. An existing file is kept unless --force.
    """
    partner_file, vendor_file = _one_partner(partner, profiles_dir, vendor_file)
    settings = _settings(vendor_file, as_of, fiscal_year, rule_dirs)
    profile, vendor = workshop.load_profile(partner_file), workshop.load_vendor(vendor_file)
    # The memo's words in the partner's language, and in yours where that differs (for a bilingual memo).
    result = workshop.plan_partnership(vendor, profile, settings)
    yours = workshop.plan_partnership(vendor, profile, settings, audience="vendor")
    path = workshop.write_agreement(workshop.agreement_path(partner_file, profile.id, result.fiscal_year),
                                    workshop.draft_agreement(result, strategy, also=yours), force=force)
    click.echo(str(path))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", type=click.Choice(workshop.import_sources()),
              help="The CRM the exports come from, with its built-in column names [default: the one whose "
                   "columns the files have].")
@click.option("--map", "mapping_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE.yaml", help="A mapping file for any other export: columns, value maps, date and "
                                        "number formats (see README, \"Importing from a CRM\").")
@click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_PROFILES, show_default=True, help="The profiles folder to write into.")
@click.option("--check", is_flag=True, help="Print what would change, per partner and field; write nothing.")
def import_(files: tuple[Path, ...], source: str | None, mapping_file: Path | None, profiles_dir: Path,
            check: bool) -> None:
    """Write or update partner profiles from CRM or spreadsheet exports.

    FILES are exports of accounts (companies), contacts and opportunities (deals) as CSV
    (comma, semicolon or tab separated, as Excel writes it) or Excel .xlsx (every sheet is read);
    which is which is told by their columns. Rows are joined by the CRM's account id, and each
    account's profile is found by its `crm_id` (a new one is named after the account).

    Fields the export fills are updated; everything else in a profile stays as it is: blackouts,
    absences, notes, the session, a weekly calendar, comments and key order. A deal the export
    lists as closed (won or lost) leaves the profile; a partner, contact or deal missing from the
    export is named, never deleted.
    A bad row is reported with its file, row and column and the others are imported.

    Exits 0 when every row was imported, 1 when any failed.

    \b
    Examples:
      workshop import accounts.csv contacts.csv opportunities.csv --check    what would change
      workshop import accounts.csv contacts.csv opportunities.csv            then review: git diff
      workshop import companies.xlsx --source hubspot
      workshop import partners.csv --map import.yaml
    """
    if source and mapping_file:
        raise click.UsageError("pass --source or --map, not both (a mapping file can start from a built-in "
                               "source with `base: salesforce`)")
    report = workshop.import_partners(list(files), profiles_dir, mapping=mapping_file, source=source, check=check)
    if report.tables:
        click.echo(f"{report.source} export: " + "; ".join(
            f"{t.label}: {t.rows} {t.kind}" + (f" ({t.skipped} closed, left out)" if t.skipped else "")
            for t in report.tables), err=True)
    verbs = {"create": "would create" if check else "created", "update": "would update" if check else "updated"}
    for partner in report.partners:
        if partner.action != "unchanged":
            click.echo(f"{verbs[partner.action]} {partner.path} ({partner.name})")
            for change in partner.changes:
                click.echo(f"  {change}")
        for note in partner.notes:
            click.echo(f"note: {partner.path.name}: {note}", err=True)
    for path, name in report.missing:
        click.echo(f"note: {path} ({name}) is not in the accounts export; left as it is", err=True)
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(report.summary(), err=True)
    sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--trust", "trusted", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="CERT.pem", help="Trust signatures that chain to this certificate (repeatable) "
                                       "[default: the signer's own certificate].")
def verify(pdf: Path, trusted: tuple[Path, ...]) -> None:
    """Check the digital signature of a signed memo PDF.

    Reports who signed (the certificate's common name), when (the signing time the signer's
    software recorded), and whether the document is intact. Without --trust the signer's own
    certificate is trusted, which is what self-signed keys allow: the check then shows integrity
    and names the signer, not that the signer is who the certificate says. Exits 0 when every
    signature is intact and trusted, 1 for a modified, unsigned or unreadable file.
    """
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise workshop.SigningError(f"{pdf}: cannot read: {exc.strerror or exc}") from None
    reports = workshop.verify_pdf(data, source=str(pdf), trust=trusted)
    for line, problem in workshop.describe_signatures(reports, str(pdf), len(trusted)):
        click.echo(line, err=problem)
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED)


def _report(run: workshop.Run, *, incremental: bool = False, by_partner: bool = False) -> int:
    """Show progress on stderr, the files written on stdout (or, `by_partner`, one line per partner
    built), and failures; return the number failed.

    Partners skipped because nothing changed are counted when there are any (always for a kit).
    """
    failures, unchanged, finished, total = [], 0, 0, len(run)
    try:
        with click.progressbar(run, length=total, label="Building", file=sys.stderr,
                               item_show_func=lambda r: r.partner_id if r else None) as bar:
            for result in bar:
                finished += 1
                if result.ok:
                    unchanged += result.unchanged
                    if by_partner and result.files:
                        click.echo(f"{result.partner_id}: {len(result.files)} files in {result.files[0].parent}")
                    elif not by_partner:
                        for path in result.files:
                            click.echo(str(path))
                else:
                    failures.append(result)
    except KeyboardInterrupt:
        # Every file is written whole or not at all, and the unfinished partners' temporary files are gone.
        click.echo(f"\ninterrupted after {finished} of {total} partners; the files written are complete. "
                   f"Run the same command again to finish the rest.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    for result in failures:
        click.echo(f"error: {result.error}", err=True)
    built = total - len(failures) - unchanged
    counts = [f"{built} built"] + ([f"{unchanged} unchanged"] if incremental or unchanged else [])
    click.echo(", ".join(counts + [f"{len(failures)} failed"]), err=True)
    return len(failures)


def main() -> None:
    """Entry point of the `workshop` console script."""
    cli(prog_name="workshop")
