"""Translations: Danish is the default language; English is served under the /en/ prefix (and
reached through the language switcher); the English catalogue translates every msgid with the
same placeholders; the committed .mo files match their .po files; the HR admin's third-party
screens (django-import-export, django-simple-history ship no Danish) are Danish through our
catalogue. The catalogues are updated with bin/messages."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.tenancy import tenant_scope
from organisations.models import Person

from . import factories as f

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
DA_PO = LOCALE / "da" / "LC_MESSAGES" / "django.po"


# --- a small PO parser (enough for what GNU gettext and makemessages write) ---------------------


def parse_po(path: Path) -> list[dict]:
    """The entries of a PO file (header and obsolete "#~" entries left out). Each entry is a dict
    with msgctxt, msgid, msgid_plural, msgstr (a str) or msgstr_plural ({index: str}), flags."""
    entries: list[dict] = []
    entry: dict = {}
    key: tuple | None = None

    def finish():
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if "msgid" in entry:  # a comment starts the next entry
                finish()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(
                    flag.strip() for flag in line[2:].split(",")
                )
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr_plural":
                entry["msgstr_plural"][key[1]] += value
            else:
                entry[key[0]] += value
            continue
        keyword, _, literal = line.partition(" ")
        value = ast.literal_eval(literal)
        plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if plural:
            key = ("msgstr_plural", int(plural.group(1)))
            entry.setdefault("msgstr_plural", {})[key[1]] = value
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            if keyword in ("msgctxt", "msgid") and keyword in entry and "msgid" in entry:
                finish()
            key = (keyword,)
            entry[keyword] = value
        else:
            raise ValueError(f"{path}: unexpected line {raw!r}")
    finish()
    for e in entries:
        e.setdefault("flags", set())
    return [e for e in entries if e["msgid"] != ""]


# Python %-format placeholders (%(name)s, %s, %d, %%) and str.format ones ({}, {name}).
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^{}]*\}"
)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def translations(entry: dict) -> list[tuple[str, str]]:
    """(source, translation) pairs: msgid/msgstr, or the singular and plural forms."""
    if entry.get("msgid_plural"):
        forms = entry.get("msgstr_plural", {})
        return [
            (entry["msgid"], forms.get(0, "")),
            (entry["msgid_plural"], forms.get(1, "")),
        ]
    return [(entry["msgid"], entry.get("msgstr", ""))]


def test_the_parser_reads_plurals_continuations_and_flags(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py\n#, python-format\n"
        'msgid ""\n"%(n)s lang "\n"tekst"\nmsgstr "%(n)s long text"\n\n'
        'msgid "%(n)s dag"\nmsgid_plural "%(n)s dage"\nmsgstr[0] "%(n)s day"\n'
        'msgstr[1] "%(n)s days"\n\n'
        '#, fuzzy\nmsgid "Gem"\nmsgstr "Safe"\n\n#~ msgid "Gammel"\n#~ msgstr "Old"\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [e["msgid"] for e in entries] == ["%(n)s lang tekst", "%(n)s dag", "Gem"]
    assert entries[0]["msgstr"] == "%(n)s long text" and "python-format" in entries[0]["flags"]
    assert entries[1]["msgstr_plural"] == {0: "%(n)s day", 1: "%(n)s days"}
    assert "fuzzy" in entries[2]["flags"]
    assert placeholders("%(n)s af %(m)s (%(rate)s %%) {} %s") == sorted(
        ["%(n)s", "%(m)s", "%(rate)s", "%%", "{}", "%s"]
    )


# --- the catalogues ----------------------------------------------------------------------------


def test_every_english_msgid_is_translated_with_the_same_placeholders():
    entries = parse_po(EN_PO)
    assert len(entries) > 1000  # the whole product, not a stub
    problems = []
    for e in entries:
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {e['msgid']!r}")
        for source, text in translations(e):
            if not text.strip():
                problems.append(f"untranslated: {source!r}")
            elif placeholders(source) != placeholders(text):
                problems.append(f"placeholders differ: {source!r} -> {text!r}")
    assert problems == [], "\n".join(problems)


def test_english_translations_carry_no_danish_letters():
    """A cheap guard against Danish left in the English catalogue; only names keep æ/ø/å."""
    names = ("OmrådeMED",)  # AfdelingsMED/OmrådeMED is the committee type's name
    leftovers = [
        (e["msgid"], text)
        for e in parse_po(EN_PO)
        for _, text in translations(e)
        if re.search("[æøåÆØÅ]", text) and not any(name in text for name in names)
    ]
    assert leftovers == []


def test_translated_danish_entries_keep_their_placeholders():
    translated = [e for e in parse_po(DA_PO) if any(text for _, text in translations(e))]
    assert translated, "the da catalogue has no third-party translations"
    for e in translated:
        for source, text in translations(e):
            assert placeholders(source) == placeholders(text), (source, text)


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_committed_mo_matches_the_po(language):
    """The .mo files are committed (a clone runs without gettext): they must be compiled from the
    current .po, or the site shows stale text."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with open(po.with_suffix(".mo"), "rb") as fp:
        catalog = gettext.GNUTranslations(fp)
    expected = 0
    for e in parse_po(po):
        if "fuzzy" in e["flags"]:
            continue
        msgid = e["msgid"] if not e.get("msgctxt") else f"{e['msgctxt']}\x04{e['msgid']}"
        if e.get("msgid_plural"):
            forms = e.get("msgstr_plural", {})
            if all(forms.values()):
                expected += 1
                assert catalog.ngettext(msgid, e["msgid_plural"], 1) == forms[0]
                assert catalog.ngettext(msgid, e["msgid_plural"], 2) == forms[1]
        elif e.get("msgstr"):
            expected += 1
            assert catalog.gettext(msgid) == e["msgstr"], msgid
    assert expected > 0


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def amr_user(org_a):
    user = f.user("amr_a")
    with tenant_scope(org_a.kommune):
        person = Person.objects.get(pk=org_a.amr.person.pk)
        person.user = user
        person.save()
    return user


def url(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


def test_the_login_page_is_danish_by_default(client, db):
    assert url("portal:login", "da") == "/login/"
    body = client.get("/login/").content.decode()
    assert '<html lang="da">' in body
    assert "Log ind" in body
    assert "Glemt adgangskode?" in body
    assert "Brugernavn eller e-mail" in body
    assert "Forgotten your password?" not in body


def test_the_login_page_is_english_under_the_en_prefix(client, db):
    assert url("portal:login", "en") == "/en/login/"
    body = client.get("/en/login/").content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Log in</h1>" in body
    assert "Forgotten your password?" in body
    assert "Username or e-mail" in body
    assert "Skip to content" in body
    assert "Glemt adgangskode?" not in body
    assert "Brugernavn eller e-mail" not in body


def test_the_language_switcher_leads_to_the_english_portal_home(client, amr_user):
    client.force_login(amr_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"

    body = client.get("/en/").content.decode()
    assert '<html lang="en">' in body
    assert "Hello Arne" in body
    assert "My deadlines" in body
    assert "My committees and roles" in body
    assert "Working environment representative (AMR)" in body
    assert "Mandatory working environment training (3 days)" in body
    assert "Mine frister" not in body
    assert "Arbejdsmiljørepræsentant (AMR)" not in body


def test_danish_stays_the_default_even_after_choosing_english(client, amr_user):
    """Unprefixed URLs are always Danish (prefix_default_language=False); English lives under /en/."""
    client.force_login(amr_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    body = client.get("/").content.decode()
    assert '<html lang="da">' in body
    assert "Hej Arne" in body
    assert "Mine frister" in body
    assert "Arbejdsmiljørepræsentant (AMR)" in body
    assert "My deadlines" not in body
    # The switcher names each language in its own language.
    assert ">Dansk</option>" in body and ">English</option>" in body


def test_the_hr_import_screen_is_danish(client, org_a, hr_a):
    """django-import-export ships no Danish; locale/da/third_party.po provides it."""
    client.force_login(hr_a)
    body = client.get(reverse("admin:organisations_unit_import")).content.decode()
    assert "Fil der skal importeres" in body
    assert 'value="Send"' in body
    assert "File to import" not in body
    with translation.override("da"):
        assert translation.gettext("Confirm import") == "Bekræft import"
        assert translation.gettext("Change History") == "Ændringshistorik"


def test_the_hr_history_screen_is_danish(client, org_a, hr_a):
    """django-simple-history ships no Danish either."""
    client.force_login(hr_a)
    with tenant_scope(org_a.kommune):
        unit = org_a.workplace
    body = client.get(reverse("admin:organisations_unit_history", args=[unit.pk])).content.decode()
    assert "Ændret af" in body
    assert "Changed by" not in body
