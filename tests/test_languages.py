"""Documents in the partner's language: every shipped language complete for every built-in string,
the agenda and memo (PDF and Word) in it with its dates and month names, user rule packs that carry
their own translations, the bilingual memo, and Chinese and Japanese fonts."""

from __future__ import annotations

import io
import logging
import re
from datetime import date

import pytest
from babel.dates import get_month_names

import workshop
from workshop.formatting import long_date
from workshop.i18n import SHIPPED, Language, _, catalog, check_language, language, speaking

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, normalise, pdf_pages, pdf_text

ROOT = EXAMPLES.parent
NON_ENGLISH = [tag for tag in SHIPPED if tag != "en"]

# Words of the agenda's and memo's own text (not of the example profiles' data) that must not be left in
# English in another language; English month names are added where the language names a month otherwise.
ENGLISH_WORDS = ["Joint planning session", "What we want to achieve", "Attendees", "Topic", "Led by", "Please bring",
                 "Questions we would like", "After the session", "To be agreed", "Your team", "Operating",
                 "Agreement", "prepared", "Confidential", "Starts", "Ends", "Commitments", "Review cadence",
                 "Term and changes", "name and title", "Both parties", "The Vendor", "The Partner", "will",
                 "quarter", "quarters", "deal", "deals", "forecast", "Align to", "Shared quarter-end", "FY2028",
                 "the", "and", "of", "to", "by", "from", "on"]


def english_left(text: str, locale: str) -> list[str]:
    """The English words of ENGLISH_WORDS (and English month names the language does not share) in `text`."""
    own = set(get_month_names("wide", locale=locale).values())
    months = [m for m in get_month_names("wide", locale="en").values() if m not in own]
    # Japanese writes fiscal years "FY2028" too: 2028年度 would name the year by its start, which a year
    # named for its end (April 2027 to March 2028 as FY2028) is not.
    words = [w for w in ENGLISH_WORDS if not (w == "FY2028" and locale.startswith("ja"))]
    return [w for w in words + months if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.fixture(scope="module")
def rheinwerk():
    return workshop.load_profile(EXAMPLES / "rheinwerk.yaml")


def _render(vendor, settings, partner, tag, document, **options):
    plan = workshop.plan_partnership(vendor, partner, settings, language=tag)
    return plan, workshop.render_document(plan, document, settings.replace(**options) if options else settings)


def _texts(files):
    return normalise(pdf_text(files["pdf"])), normalise(docx_text(files["docx"]))


# --- the catalogs ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted():
    """{(context, msgid)} of every translatable string in the sources, as `pybabel extract -F babel.cfg` finds them."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    found = set()
    for _filename, _line, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}):
        if any(part.startswith((".venv", "tests")) for part in _filename.split("/")):
            continue
        found.add((context, message if isinstance(message, str) else tuple(message)))
    return found


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_languages_every_catalog_is_complete(extracted, tag):
    from babel.messages.pofile import read_po

    from workshop.i18n import catalog_file

    with catalog_file(tag).open("rb") as stream:
        po = read_po(stream)
    translated = {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m for m in po if m.id}
    missing = sorted(str(key) for key in extracted if key not in translated
                     or not all(translated[key].string if isinstance(translated[key].string, tuple)
                                else [translated[key].string]) or translated[key].fuzzy)
    assert missing == [], f"untranslated in {tag}: {missing[:5]}"
    assert sorted(set(translated) - extracted) == [], "obsolete entries: run pybabel update"
    broken = [(message.id, str(error)) for message, errors in po.check() for error in errors]
    assert broken == []  # every %(name)s placeholder kept


@pytest.mark.parametrize("tag", NON_ENGLISH)
def test_languages_translations_keep_markup_and_rule_templates(tag):
    """Each translation keeps its message's HTML tags, and a rule text stays a template over the same facts."""
    from babel.messages.pofile import read_po
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from workshop.i18n import catalog_file, jinja_filters

    environment = ImmutableSandboxedEnvironment()
    environment.filters.update(jinja_filters())
    with catalog_file(tag).open("rb") as stream:
        po = read_po(stream)
    for message in po:
        if not message.id or not isinstance(message.id, str):
            continue
        assert re.findall(r"</?\w+>", message.string) == re.findall(r"</?\w+>", message.id), message.id
        if "{{" in message.id or "{%" in message.id:
            names = lambda text: set(re.findall(r"\b(?:item|facts|partner|vendor|recommended|runner_up|previous|"  # noqa: E731
                                                r"not_offered|recommendation)\b[\w.\[\]\"'-]*", text))
            environment.parse(message.string)
            assert names(message.string) <= names(message.id) | {"h", "hs", "p", "w", "new"}, message.id


def test_languages_validated_as_bcp47_known_to_babel(write):
    assert check_language("de-ch") == "de-CH" and check_language("zh-hans") == "zh-Hans"
    for tag, says in (("xx", "that Babel knows"), ("de_DE", "written with a hyphen: 'de-DE'"),
                      ("deutsch", "that Babel knows"), ("und", "that Babel knows")):
        with pytest.raises(ValueError, match=says):
            check_language(tag)
    path = write("acme.yaml", "name: Acme\nfiscal_calendar: {first_month: 4}\nlanguage: de_DE\n")
    with pytest.raises(workshop.ProfileError, match=r"acme.yaml:3: language: .*written with a hyphen: 'de-DE'"):
        workshop.load_profile(path)


def test_languages_cli_language_must_be_shipped(invoke, profiles, tmp_path):
    result = invoke("memo", "rheinwerk", "--profiles", profiles, "--language", "it", "--out", tmp_path)
    assert result.exit_code == 2
    assert "documents cannot be written in 'it' yet; the languages are: en, de, fr, es, ja, zh-Hans" in result.output


def test_languages_a_partner_language_without_catalog_gets_english_with_one_warning(vendor, settings, caplog):
    partner = workshop.Profile.model_validate({"name": "Milano SpA", "country": "IT", "language": "it",
                                               "fiscal_calendar": {"first_month": 1}})
    with caplog.at_level(logging.WARNING):
        first = workshop.plan_partnership(vendor, partner, settings)
        workshop.plan_partnership(vendor, partner, settings)
    assert first.language == "en" and first.locale == "en_IT"  # English, dated as in Italy
    assert [r.getMessage() for r in caplog.records].count(
        "no translation into 'it' ships with workshop (there are: en, de, fr, es, ja, zh-Hans); writing its "
        "documents in English") <= 1


def test_languages_region_of_dates_follows_the_reader(vendor, settings):
    def plan(country, tag=None, audience="partner"):
        partner = workshop.Profile.model_validate({"name": "P", "country": country, "language": tag,
                                                   "fiscal_calendar": {"first_month": 1}})
        return workshop.plan_partnership(vendor, partner, settings, audience=audience)

    assert plan("CH", "de").locale == "de_CH" and plan("AT", "de").locale == "de_AT"
    assert plan("AU").locale == "en_AU" and plan("US").locale == "en_US"
    assert plan("CN", "zh").locale == "zh_Hans_CN" and plan("CN", "zh").language == "zh-Hans"
    assert plan("CH", "de", "vendor").locale == "en_GB"  # the briefing: ours, dated by vendor.yaml's locale
    assert plan("DE", "de-CH").locale == "de_CH"  # a region in the tag wins


# --- agenda and memo in every language ------------------------------------------------------------------

@pytest.mark.parametrize("tag", SHIPPED)
def test_languages_agenda_and_memo_in_every_language(vendor, settings, rheinwerk, tag):
    for document in ("agenda", "memo"):
        plan, files = _render(vendor, settings, rheinwerk, tag, document)
        assert plan.language == tag
        with speaking(plan.speaks):
            headings = {"agenda": [_("Joint planning session"), _("Attendees"), _("After the session")],
                        "memo": [_("Mutual Operating Period Agreement"), _("Commitments and review"),
                                 _("Signatures")]}[document]
            page = _("Page %(page)s of %(pages)s") % {"page": 1, "pages": pdf_pages(files["pdf"])}
        for text in _texts(files):
            for heading in headings:
                assert normalise(heading) in text, (tag, document, heading)
            # Dates it prints, with the language's month names: each option's span in the agenda, each
            # period's start and end in the memo.
            spans = ([(o.start, o.end) for o in plan.options] if document == "agenda"
                     else [(p.start, p.end) for p in plan.memo.periods])
            for day in (day for span in spans for day in span):
                assert normalise(long_date(day, plan.locale)) in text, (tag, document, day)
            if tag != "en":
                assert english_left(text, plan.locale) == [], (tag, document)
        assert normalise(page) in _texts(files)[0]
        if document == "memo":
            assert pdf_pages(files["pdf"]) == 1


def test_languages_kit_writes_each_document_in_its_readers_language(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    assert invoke("kit", "rheinwerk", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                  "--format", "pdf", "--jobs", "1").exit_code == 0
    folder = out / "FY2028" / "rheinwerk"
    assert "Briefing pack: Rheinwerk" in pdf_text((folder / "rheinwerk-FY2028-briefing.pdf").read_bytes())
    assert "Gemeinsame Planungssitzung" in pdf_text((folder / "rheinwerk-FY2028-agenda.pdf").read_bytes())
    memo = pdf_text((folder / "rheinwerk-FY2028-memo.pdf").read_bytes())
    assert "Vereinbarung über die gemeinsame Geschäftsperiode (MOP)" in memo and "31. März 2027" in memo
    assert "Monatlicher Pipeline-Termin der Channel-Manager" in memo  # vendor.yaml's review cadence, in German
    calendar = (folder / "rheinwerk-FY2028-mop.ics").read_bytes().decode("utf-8")
    assert "SUMMARY:Gemeinsames Pipeline-Review (MOP Q1)" in calendar
    assert '"language": "en"' in (folder / "rheinwerk-FY2028-plan.json").read_text()  # ours, like `workshop plan`


def test_languages_holiday_and_season_names_in_the_document_language(vendor, settings):
    german = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), settings)
    assert {"Karfreitag", "Ostermontag", "Fronleichnam"} <= {h.name for h in german.facts.partner.holidays}
    japanese = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    assert "昭和の日" in {h.name for h in japanese.facts.partner.holidays}
    assert "ゴールデンウィーク" in {s.name for s in japanese.facts.partner.seasons}


def test_languages_year_chart_labels_and_months(vendor, settings, monkeypatch):
    from PIL import ImageDraw

    from workshop.documents.chart import year_chart_png

    drawn = []
    original = ImageDraw.ImageDraw.text
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", lambda self, xy, text, *a, **k: (drawn.append(text),
                                                                                         original(self, xy, text, *a, **k)))
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), settings)
    with speaking(plan.speaks):
        year_chart_png(plan)
    assert "März 2027" in drawn and "Vorgeschlagene MOP" in drawn and not any("Mar" in t for t in drawn)


# --- rule packs of a user -------------------------------------------------------------------------------

def test_languages_user_rule_pack_with_german_text_in_a_german_agenda(vendor, settings, write, caplog):
    pack = write("rules/ours.yaml", """
        rules:
          - id: our-own-check
            when: "true"
            severity: medium
            section: close
            finding: {en: "We check {{ partner.name }}.", de: "Wir prüfen {{ partner.name }}."}
            questions:
              - en: "Who confirms the order for {{ partner.name }}?"
                de: "Wer bestätigt den Auftrag für {{ partner.name }}?"
          - id: our-english-only
            when: "true"
            severity: low
            section: close
            finding: "Only in English for {{ partner.name }}."
            questions: ["Shall we review {{ partner.name }} monthly?"]
    """)
    plan_settings = settings.replace(rule_paths=(pack,))
    with caplog.at_level(logging.WARNING, logger="workshop.rules"):
        plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), plan_settings)
        workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), plan_settings)
    findings = {f.rule: f.text for f in plan.findings}
    assert findings["our-own-check"] == "Wir prüfen Rheinwerk IT-Systemhaus GmbH."
    assert findings["our-english-only"] == "Only in English for Rheinwerk IT-Systemhaus GmbH."  # never empty
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "rule our-english-only has no de text" in warnings[0], warnings
    text = pdf_text(workshop.render_document(plan, "agenda", settings, ["pdf"])["pdf"])
    assert "Wer bestätigt den Auftrag für Rheinwerk IT-Systemhaus GmbH?" in text


def test_languages_user_rule_pack_needs_its_fallback_text(write):
    pack = write("rules/bad.yaml", """
        rules:
          - {id: no-english, when: "true", severity: low, section: close, finding: {de: "Nur Deutsch."}}
    """)
    with pytest.raises(workshop.RuleError, match=r"rule no-english: finding: no text in en"):
        workshop.plan_partnership(workshop.load_vendor(EXAMPLES / "vendor.yaml"),
                                  workshop.load_profile(EXAMPLES / "rheinwerk.yaml"),
                                  workshop.load_settings(EXAMPLES / "vendor.yaml", as_of=AS_OF, rules=[pack]))


# --- the bilingual memo ---------------------------------------------------------------------------------

@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("partner", ["rheinwerk", "lumiere", "sakura"])
def test_languages_bilingual_memo_fits_one_page(vendor, settings, partner, paper):
    both = settings.replace(bilingual=True, paper=paper)
    plans = workshop.plan_languages(vendor, workshop.load_profile(EXAMPLES / f"{partner}.yaml"), both)
    assert plans.counterpart is not None and plans.counterpart.language == "en"
    files = workshop.render_memo(plans.partner, both, counterpart=plans.counterpart)
    assert pdf_pages(files["pdf"]) == 1
    for text in _texts(files):
        for plan in (plans.partner, plans.counterpart):
            with speaking(plan.speaks):
                assert normalise(_("Commitments and review")) in text
                assert normalise(plan.memo.commitments[0].text[1:40]) in text
        assert "If the two versions differ, the English version prevails." in text
        if partner == "lumiere":  # French and English both say "Signatures": said once
            assert "Signatures / Signatures" not in text and "Signature / Signature" not in text


def test_languages_memo_is_bilingual_only_where_the_languages_differ(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    assert invoke("memo", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                  "--format", "pdf", "--bilingual").exit_code == 0
    german = pdf_text((out / "FY2028" / "rheinwerk" / "rheinwerk-FY2028-memo.pdf").read_bytes())
    assert "Verpflichtungen und Überprüfung" in german and "Commitments and review" in german
    english = pdf_text((out / "FY2028" / "bluewater" / "bluewater-FY2028-memo.pdf").read_bytes())
    assert "prevails" not in english


# --- Chinese and Japanese ------------------------------------------------------------------------------

def _fonts(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize(("tag", "face", "other"), [("ja", "notosanscjkjp", "notosanscjksc"),
                                                     ("zh-Hans", "notosanscjksc", "notosanscjkjp")])
def test_languages_cjk_memo_takes_han_characters_from_its_languages_face(vendor, settings, tag, face, other):
    # Han characters look different in Japan and China: a Japanese memo's come from the Japanese face of Noto
    # Sans CJK (the only font in it with Han glyphs: Liberation Sans has none), a Chinese memo's from the
    # Simplified Chinese face.
    fonts = {re.sub(r"[^a-z]", "", f.lower()) for f in _fonts(
        _render(vendor, settings, workshop.load_profile(EXAMPLES / "sakura.yaml"), tag, "memo", formats=("pdf",))[1]["pdf"])}
    if not any("notosanscjk" in f for f in fonts):
        pytest.skip("Noto Sans CJK is not installed")
    assert any(f.startswith(face) for f in fonts) and not any(f.startswith(other) for f in fonts), fonts
    assert {f for f in fonts if "cjk" not in f} <= {"liberationsans", "liberationsansbold"}, fonts


def test_languages_word_files_carry_east_asian_font_and_language(vendor, settings):
    _, files = _render(vendor, settings, workshop.load_profile(EXAMPLES / "sakura.yaml"), "ja", "memo")
    styles = docx_part(files["docx"], "word/styles.xml")
    assert 'w:eastAsia="Noto Sans CJK JP"' in styles and 'w:eastAsia="ja-JP"' in styles
    assert 'w:name="Noto Sans CJK JP"' in docx_part(files["docx"], "word/fontTable.xml")
    _, german = _render(vendor, settings, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), "de", "memo")
    assert '<w:lang w:val="de-DE"' in docx_part(german["docx"], "word/styles.xml")  # spelling checked in German


def test_languages_page_numbers_in_word_are_fields_among_the_languages_words(vendor, settings):
    _, files = _render(vendor, settings, workshop.load_profile(EXAMPLES / "sakura.yaml"), "ja", "memo")
    footer = docx_part(files["docx"], "word/footer1.xml")
    assert "PAGE" in footer and "NUMPAGES" in footer and "ページ" in footer and "Page" not in footer


def test_languages_catalogs_load_from_the_po_files_of_a_checkout():
    # A checkout holds no .mo files (a wheel carries them compiled, hatch_build.py): the .po is compiled in memory.
    assert not list((ROOT / "workshop" / "locale").rglob("*.mo"))
    assert catalog("de").gettext("Signatures") == "Unterschriften"
    assert language("zh-CN").tag == "zh-Hans" and language("ja").locale == "ja"


def test_languages_date_lists_say_the_year_where_the_language_puts_it():
    from workshop.agenda import CommitmentDate, _dates_text

    days = [CommitmentDate(day=d, period="") for d in
            (date(2027, 6, 23), date(2027, 9, 22), date(2027, 12, 21), date(2028, 3, 24))]
    # English says each year after its last day; Japanese and Chinese write the year first, so with its first.
    with speaking(Language("en", "en_GB")):
        assert _dates_text(days) == "23 Jun, 22 Sept, 21 Dec 2027, 24 Mar 2028"
    with speaking(Language("ja", "ja_JP")):
        assert _dates_text(days) == "2027年6月23日、9月22日、12月21日、2028年3月24日"
