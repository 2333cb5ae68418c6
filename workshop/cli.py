"""The command line: click commands, exit codes, progress and logging. The only module that knows about the terminal."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .agreements import STRATEGIES, agreement_path, agreement_schema, load_agreement
from .documents import FORMATS, PDF_VARIANTS, Theme, theme_for
from .errors import ProfileError, ProfileNotFound, SigningError, WorkshopError
from .fiscal import FiscalYear, calendar_for
from .kits import (
    build_batch,
    build_kit,
    check_writable,
    kit_options,
    prune_partners,
    select_shard,
    stale_partners,
    write_agreement,
    write_index,
    year_folder,
)
from .plan import Plan, default_fiscal_year, draft_agreement, plan_partnership, plan_schema, rule_packs_for
from .profiles import (
    PROFILE_SUFFIXES,
    VENDOR_STEM,
    agreement_files,
    find_vendor_file,
    is_agreement_file,
    load_profile,
    load_vendor,
    profile_files,
    profile_schema,
    resolve_partner,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_PROFILES = Path("partner_profiles")


class WorkshopGroup(click.Group):
    """Turns library errors into one clear message and exit code 1 (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkshopError as exc:
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
@click.version_option(__version__, prog_name="workshop")
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
      workshop verify output/FY2028/sakura/memo.pdf  check a digitally signed memo
    """
    ctx.meta["workshop.debug"] = debug
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # WeasyPrint reports every CSS property it ignores; only our own messages matter unless asked.
    logging.getLogger("weasyprint").setLevel(logging.ERROR if verbose < 2 else logging.DEBUG)


def _parse_date(ctx, param, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _parse_formats(ctx, param, value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: expected a comma-separated list of {', '.join(FORMATS)}")
    return formats


def _apply(func, decorators: list):
    """`func` with click decorators applied so that they read (and show in --help) in list order."""
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def profile_options(func):
    """Options shared by every command that reads a partner and the vendor."""
    options = [
        click.option("--profiles", "profiles_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=DEFAULT_PROFILES, show_default=True,
                     help="Folder where partner ids are looked up."),
        click.option("--vendor", "vendor_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Vendor profile [default: vendor.yaml beside the partner profile]."),
        click.option("--date", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
                     help="The date the plan is made on; documents carry it [default: today]."),
        click.option("--year", "fiscal_year", type=click.IntRange(1990, 2100), metavar="FY",
                     help="Vendor fiscal year to plan [default: the vendor's next fiscal year after --date]."),
    ]
    return _apply(func, options)


def _vendor_for(partner_file: Path, vendor_file: Path | None):
    return load_vendor(vendor_file or find_vendor_file(partner_file.parent))


def _partner_files(partners: tuple[str, ...], all_partners: bool, profiles_dir: Path) -> list[Path]:
    """The profile files named by PARTNERS or --all (exactly one of them)."""
    if all_partners == bool(partners):
        raise click.UsageError("name one or more PARTNERS, or pass --all (not both)")
    files = profile_files(profiles_dir) if all_partners else [resolve_partner(p, profiles_dir) for p in partners]
    if not files:
        raise click.UsageError(f"no partner profiles in {profiles_dir}")
    return files


def _vendor_file_for(files: list[Path], vendor_file: Path | None) -> Path:
    """--vendor, else the vendor profile beside the partners, which must then share one folder."""
    if vendor_file is not None:
        return vendor_file
    if any(f.parent.resolve() != files[0].parent.resolve() for f in files):
        raise click.UsageError("partners come from different folders; pass --vendor FILE")
    return find_vendor_file(files[0].parent)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check profiles and agreements and report every problem in every file.

    PATHS are profile files or folders of them [default: ./partner_profiles]. A file named
    vendor.yaml (or .toml/.json) is checked as the vendor profile, a <partner>.agreement.yaml as
    an agreement (its fiscal year against the vendor's calendar in vendor.yaml beside it). Exits 0
    when all are valid, 1 otherwise; each problem names the file, the line and the field.
    """
    files: list[Path] = []
    for path in paths or (DEFAULT_PROFILES,):
        if path.is_dir():
            vendor = [path / f"{VENDOR_STEM}{s}" for s in PROFILE_SUFFIXES if (path / f"{VENDOR_STEM}{s}").is_file()]
            files.extend(vendor + profile_files(path) + agreement_files(path))
        else:
            files.append(path)
    if not files:
        raise click.UsageError("no profile files found (looked for *.yaml, *.yml, *.toml, *.json)")
    invalid = 0
    for file in files:
        try:
            if is_agreement_file(file):
                load_agreement(file, vendor=_vendor_beside(file))
            else:
                load_profile(file, vendor=file.stem.lower() == VENDOR_STEM)
        except ProfileError as exc:
            invalid += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
    agreements = sum(1 for f in files if is_agreement_file(f))
    profiles = len(files) - agreements
    counted = f"{profiles} profile{'s' * (profiles != 1)}"
    if agreements:
        counted += f" and {agreements} agreement{'s' * (agreements != 1)}"
    if invalid:
        click.echo(f"{invalid} of {counted} invalid", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"{counted} valid")


def _vendor_beside(file: Path):
    """The valid vendor profile in the same folder, or None (an invalid one is reported on its own)."""
    try:
        return load_vendor(find_vendor_file(file.parent))
    except (ProfileError, ProfileNotFound):
        return None


@cli.command()
@click.argument("kind", type=click.Choice(["partner", "vendor", "plan", "agreement"]), default="partner")
def schema(kind: str) -> None:
    """Print the JSON Schema of a partner profile, the vendor profile, a plan or an agreement.

    Point your editor at it for completion and checking while you write profiles, e.g. with the
    first line `# yaml-language-server: $schema=../schemas/partner.schema.json`.
    """
    if kind == "plan":
        document = plan_schema()
    elif kind == "agreement":
        document = agreement_schema()
    else:
        document = profile_schema(kind)  # type: ignore[arg-type]
    click.echo(json.dumps(document, indent=2))


def _print_year(name: str, year: FiscalYear) -> None:
    echo = click.echo
    weekly = year.weeks is not None

    def length(start: date, end: date) -> str:
        days = (end - start).days + 1
        return f"{days // 7} weeks" if weekly else f"{days} days"

    echo(f"{name}: FY{year.label}, {year.start} to {year.end}, {length(year.start, year.end)}")
    echo("")
    echo(f"  {'quarter':<8} {'start':<10}  {'end':<10}  length")
    for quarter in year.quarters:
        echo(f"  Q{quarter.number:<7} {quarter.start}  {quarter.end}  {length(quarter.start, quarter.end)}")
    echo("")
    echo(f"  {'period':<8} {'start':<10}  {'end':<10}  length")
    for period in year.periods:
        echo(f"  P{period.number:<7} {period.start}  {period.end}  {length(period.start, period.end)}")


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
    profile_file = resolve_partner(profile, profiles_dir)
    company = load_profile(profile_file, vendor=profile_file.stem.lower() == VENDOR_STEM)
    fiscal = calendar_for(company.fiscal_calendar)
    year = fiscal.year(fiscal_year if fiscal_year is not None else fiscal.year_label_of(as_of))
    if as_json:
        click.echo(json.dumps(year.to_dict(), indent=2))
    else:
        _print_year(company.name, year)


def _print_plan(plan: Plan) -> None:
    echo = click.echo
    echo(f"{plan.partner.name} and {plan.vendor.name}: vendor FY{plan.fiscal_year} "
         f"({plan.facts.vendor_year_start} to {plan.facts.vendor_year_end}), as of {plan.as_of}")
    echo("")
    echo("Quarter ends")
    for pair in plan.facts.quarter_pairs:
        echo(f"  {pair.vendor_quarter:<10} {pair.vendor_end}   {pair.partner_quarter:<10} {pair.partner_end}"
             f"   {pair.offset_days:+4d} days")
    echo(f"  mean offset {plan.facts.mean_offset_days:g} days, worst {plan.facts.worst_offset_days} days")
    echo("")
    echo("MOP options")
    for option in sorted(plan.options, key=lambda o: -o.score):
        marker = "*" if option.strategy == plan.recommended else " "
        echo(f"{marker} {option.score:5.1f}  {option.strategy:<19} {option.title}")
        factors = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in option.factors.items())
        echo(f"         {factors}")
        for period in option.periods:
            echo(f"         {period.name:<32} {period.start} to {period.end}")
    echo("")
    echo(f"Recommended: {plan.recommendation}")


def _stale_partner_folders(out: Path, fiscal_year: int, files: list[Path], profiles_dir: Path, *,
                           prune: bool) -> None:
    """Name (or with `prune`, remove) the partner folders of OUT/FY<year> that no profile in `files` owns."""
    year = year_folder(out, fiscal_year)
    if prune:
        for partner_id in prune_partners(out, fiscal_year, files):
            click.echo(f"removed {year / partner_id}: no profile in {profiles_dir} owns it", err=True)
    elif stale := stale_partners(out, fiscal_year, files):
        click.echo(f"note: {len(stale)} partner folder(s) in {year} belong to no profile in {profiles_dir} "
                   f"(deleted, or given another id): {', '.join(stale)}; --prune removes them", err=True)


@cli.command()
@click.argument("partner")
@profile_options
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="A rule pack (YAML) or folder of them, used besides the built-in ones (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON instead of a summary.")
def plan(partner: str, profiles_dir: Path, vendor_file: Path | None, as_of: date, fiscal_year: int | None,
         rule_dirs: tuple[Path, ...], as_json: bool) -> None:
    """Show the MOP options and the recommendation for one partner.

    PARTNER is a partner id (a file name in --profiles, without extension) or a path to a profile.
    """
    partner_file = resolve_partner(partner, profiles_dir)
    vendor = _vendor_for(partner_file, vendor_file)
    result = plan_partnership(vendor, load_profile(partner_file), as_of=as_of, fiscal_year=fiscal_year,
                              rule_packs=rule_packs_for(vendor, rule_dirs))
    if as_json:
        click.echo(result.to_json(), nl=False)
    else:
        _print_plan(result)


def batch_options(out_help: str):
    """PARTNERS, --all, the profile options and what shapes the documents: --format, --out, --paper,
    --templates and --pdf-variant; shared by the document commands and kit."""

    def decorate(func):
        options = [
            click.argument("partners", nargs=-1),
            click.option("--all", "all_partners", is_flag=True, help="Every partner profile in --profiles."),
            profile_options,
            click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
                         callback=_parse_formats, help="Comma-separated output formats."),
            click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
                         show_default=True, help=out_help),
            click.option("--paper", type=click.Choice(["a4", "letter"]),
                         help="Paper size [default: from vendor.yaml, else a4]."),
            click.option("--templates", "template_dirs", multiple=True,
                         type=click.Path(file_okay=False, exists=True, path_type=Path),
                         help="A folder of templates searched before the built-in theme (repeatable)."),
            click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), metavar="VARIANT",
                         help="Archival or accessible PDF: pdf/a-1b … pdf/a-4u, pdf/ua-1, pdf/ua-2 (passed to WeasyPrint)."),
        ]
        return _apply(func, options)

    return decorate


def _signing_options(func):
    """--sign, --key and --passphrase-env: the memo command signs its PDFs with them."""
    options = [
        click.option("--sign", is_flag=True, help="Sign each PDF digitally (PAdES) in the vendor's signature block."),
        click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.p12",
                     help="PKCS#12 file with the signer's private key and certificate (with --sign)."),
        click.option("--passphrase-env", metavar="VAR",
                     help="Environment variable holding the key's passphrase [default: no passphrase]."),
    ]
    return _apply(func, options)


def _memo_signer(sign: bool, key_file: Path | None, passphrase_env: str | None):
    """The loaded key for --sign (None without it); a bad key stops the run before anything is written."""
    if not sign:
        if key_file or passphrase_env:
            raise click.UsageError("--key and --passphrase-env only make sense with --sign")
        return None
    if key_file is None:
        raise click.UsageError("--sign needs --key FILE.p12")
    passphrase = None
    if passphrase_env:
        if passphrase_env not in os.environ:
            raise SigningError(f"environment variable {passphrase_env} is not set; it should hold the passphrase of {key_file}")
        passphrase = os.environ[passphrase_env]
    from .signing import MemoSigner

    return MemoSigner.load(key_file, passphrase)


def _document_command(document: str, summary: str, details: str, *, signing: bool = False):
    """A command that writes one document (PDF and Word) for one or more partners."""

    @batch_options("Output folder; files go to OUT/FY<year>/<partner-id>/.")
    def command(partners: tuple[str, ...], all_partners: bool, profiles_dir: Path, vendor_file: Path | None,
                as_of: date, fiscal_year: int | None, formats: tuple[str, ...], out: Path, paper: str | None,
                template_dirs: tuple[Path, ...], pdf_variant: str | None, **sign_options) -> None:
        if sign_options.get("sign") and "pdf" not in formats:
            raise click.UsageError("--sign signs the PDF; add pdf to --format")
        signer = _memo_signer(**sign_options) if signing else None
        files = _partner_files(partners, all_partners, profiles_dir)
        vendor = load_vendor(_vendor_file_for(files, vendor_file))
        check_writable(out)
        results = build_batch(files, vendor, out, as_of=as_of, fiscal_year=fiscal_year, formats=formats,
                              paper=paper, theme=theme_for(vendor, template_dirs, pdf_variant=pdf_variant),
                              documents=(document,), sign_pdf=signer.sign if signer else None)
        failed = _report(results, len(files))
        sys.exit(EXIT_FAILED if failed else EXIT_OK)

    if signing:
        command = _signing_options(command)

    command.__doc__ = f"""{summary}

    PARTNERS are partner ids or profile paths; --all takes every profile in --profiles. {details}
    A partner whose profile is invalid is reported and skipped; the others are still written.
    Exits 1 if any partner failed.
    """
    return command


memo = cli.command("memo")(_document_command(
    "memo", "Write the one-page MOP agreement memo (PDF and Word) for partners.",
    "The memo prints the partner's agreement file (<partner>.agreement.yaml, see `workshop agree`) when there "
    "is one for the year, else the recommended MOP; it is marked DRAFT, with blank signature lines, until the "
    "agreement says `status: signed`. --sign --key FILE.p12 signs the PDF digitally in the vendor's "
    "signature block (check it with `workshop verify`); a bad key or passphrase stops before anything is written.",
    signing=True))
brief = cli.command("brief")(_document_command(
    "briefing", "Write the internal briefing pack (PDF and Word) for partners.",
    "For your own team: findings, the MOP options with their scores, questions, contacts and deals."))
agenda = cli.command("agenda")(_document_command(
    "agenda", "Write the session agenda (PDF and Word) to share with partners.",
    "Timed sections with owners and the questions for each; no internal scores or risk labels."))


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
@batch_options("Output folder; kits go to OUT/FY<year>/<partner-id>/, the index to OUT/FY<year>/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes [default: one per CPU this process may use].")
@click.option("--force", is_flag=True, help="Rebuild partners whose inputs did not change.")
@click.option("--shard", callback=_parse_shard, metavar="K/N",
              help="Build only the K-th of N shares of the partners; then run --index-only once.")
@click.option("--index-only", is_flag=True, help="Only rewrite index.html, index.csv and manifest.json from OUT.")
@click.option("--prune", is_flag=True,
              help="With --all: remove the folders of partners whose profile was deleted or given another id.")
def kit(partners: tuple[str, ...], all_partners: bool, profiles_dir: Path, vendor_file: Path | None, as_of: date,
        fiscal_year: int | None, formats: tuple[str, ...], out: Path, paper: str | None,
        template_dirs: tuple[Path, ...], pdf_variant: str | None, jobs: int | None, force: bool,
        shard: tuple[int, int] | None, index_only: bool, prune: bool) -> None:
    """Write the planning kit of partners: every document, plan.json and mop.ics, plus an index.

    Each kit goes to OUT/FY<year>/<partner-id>/; index.html, index.csv and manifest.json go
    beside them. Partners whose inputs did not change since their last build are skipped (unless
    --force). A partner whose profile is invalid is reported; the others are still built. Exits
    1 if any partner failed. A run with --all also names the partner folders that no profile owns
    any more (deleted, or given another id); --prune removes them.
    """
    if prune and (not all_partners or shard or index_only):
        raise click.UsageError("--prune needs --all and no --shard or --index-only: only a run over every "
                               "profile knows which partner folders no profile owns")
    if index_only:
        vendor = load_vendor(vendor_file or find_vendor_file(profiles_dir))
        year = kit_options(vendor, as_of=as_of, fiscal_year=fiscal_year).fiscal_year
        for path in write_index(out, year):
            click.echo(str(path))
        return
    files = _partner_files(partners, all_partners, profiles_dir)
    vendor_file = _vendor_file_for(files, vendor_file)
    options = kit_options(load_vendor(vendor_file), as_of=as_of, fiscal_year=fiscal_year, formats=formats,
                          paper=paper, template_dirs=template_dirs, pdf_variant=pdf_variant)
    if shard:
        files = select_shard(files, *shard)
    failed = _report(build_kit(files, vendor_file, out, options, jobs=jobs, force=force), len(files), incremental=True)
    if all_partners and shard is None:
        _stale_partner_folders(out, options.fiscal_year, files, profiles_dir, prune=prune)
    if shard is None:
        write_index(out, options.fiscal_year)
    else:
        click.echo(f"shard {shard[0]}/{shard[1]} done; when every shard is, run: workshop kit --index-only", err=True)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)

@cli.command()
@click.argument("partner")
@profile_options
@click.option("--strategy", type=click.Choice(STRATEGIES), required=True,
              help="The MOP shape both sides chose (it may differ from the recommendation).")
@click.option("--force", is_flag=True, help="Replace an existing agreement file.")
def agree(partner: str, profiles_dir: Path, vendor_file: Path | None, as_of: date, fiscal_year: int | None,
          strategy: str, force: bool) -> None:
    """Write a draft agreement file for a partner from the current plan.

    The file, <partner-id>.agreement.yaml beside the partner profile, holds the chosen strategy's
    periods, the commitments dated from them, the review cadence and both sides' signatories
    (from the profiles, not yet signed). Edit it as agreed, then set the `signed` dates and
    `status: signed`; `workshop memo` prints it. An existing file is kept unless --force.
    """
    partner_file = resolve_partner(partner, profiles_dir)
    vendor = _vendor_for(partner_file, vendor_file)
    profile = load_profile(partner_file)
    result = plan_partnership(vendor, profile, as_of=as_of, fiscal_year=fiscal_year)
    path = write_agreement(agreement_path(partner_file, profile.id), draft_agreement(result, vendor, profile, strategy),
                           force=force)
    click.echo(str(path))


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
    from .signing import verify_pdf

    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise SigningError(f"{pdf}: cannot read: {exc.strerror or exc}") from None
    reports = verify_pdf(data, source=str(pdf), trust=trusted)
    basis = "the given certificate" + ("s" if len(trusted) > 1 else "") if trusted else "the signer's own certificate"
    for report in reports:
        when = f" on {report.signed_at:%Y-%m-%d %H:%M:%S %Z}" if report.signed_at else ""
        click.echo(f"{pdf}: signed by {report.signer}{when}")
        if not report.intact:
            click.echo("  MODIFIED: the signed content was changed after signing", err=True)
        elif not report.whole_file:
            click.echo("  MODIFIED: content was added to the file after signing", err=True)
        else:
            click.echo("  intact: the document is unchanged since it was signed")
        if report.intact:
            click.echo(f"  trust: {'trusted' if report.trusted else 'NOT trusted'} by {basis}",
                       err=not report.trusted)
    sys.exit(EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED)


def _report(results, total: int, *, incremental: bool = False) -> int:
    """Show progress on stderr, the files written on stdout, and failures; return the number failed.

    `incremental` runs also count the partners skipped because nothing changed.
    """
    failures, unchanged, finished = [], 0, 0
    try:
        with click.progressbar(results, length=total, label="Building", file=sys.stderr,
                               item_show_func=lambda r: r.partner_id if r else None) as bar:
            for result in bar:
                finished += 1
                if result.ok:
                    unchanged += result.unchanged
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
    counts = [f"{built} built"] + ([f"{unchanged} unchanged"] if incremental else []) + [f"{len(failures)} failed"]
    click.echo(", ".join(counts), err=True)
    return len(failures)


def main() -> None:
    """Entry point of the `workshop` console script."""
    cli(prog_name="workshop")
