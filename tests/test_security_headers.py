"""Content-Security-Policy: the header on every page, and no template needs inline script."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse

CSP = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = {}
    for part in response[CSP].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def test_it_sends_a_strict_policy_on_the_login_page(db):
    response = Client().get(reverse("portal:login"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_it_sends_the_policy_on_portal_and_admin_pages(client, employee_a, hr_a):
    client.force_login(employee_a)
    assert CSP in client.get(reverse("portal:home"))
    client.force_login(hr_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]
    # The admin's scripts are static files, allowed by 'self'.
    assert 'src="/static/admin/js/' in response.content.decode()


def test_it_loads_the_portal_script_instead_of_an_inline_handler(client, employee_a):
    client.force_login(employee_a)
    html = client.get(reverse("portal:home")).content.decode()
    assert "portal/portal.js" in html
    assert "data-autosubmit" in html
    assert "onchange=" not in html
    assert (Path(settings.BASE_DIR) / "static/portal/portal.js").is_file()


def project_templates() -> list[Path]:
    """Every template of the project (templates/ and each of our apps' templates/), not those of
    installed third-party packages."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [base / "templates"]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts:
            roots.append(path / "templates")
    return sorted({p for root in roots if root.is_dir() for p in root.rglob("*.html")})


TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I | re.S)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
# Data blocks (json_script) are not executed and need no nonce.
DATA_TYPE = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.I)


def inline_script_problems(text: str) -> list[str]:
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        if "src=" in attrs or "nonce=" in attrs or DATA_TYPE.search(attrs):
            continue
        problems.append(match.group(0))
    for tag in TAG.findall(text):
        if EVENT_HANDLER.search(tag):
            problems.append(tag)
    problems += re.findall(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", text, re.I)
    return problems


def test_the_template_check_finds_inline_scripts():
    assert inline_script_problems('<select name="x" onchange="this.form.submit()">')
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<a href="javascript:go()">')
    assert not inline_script_problems('<script src="/static/x.js" defer></script>')
    assert not inline_script_problems('<script nonce="{{ request.csp_nonce }}">x()</script>')
    assert not inline_script_problems('<script id="d" type="application/json">{}</script>')
    assert not inline_script_problems('<p class="x" data-one="1">')


def test_no_template_has_an_inline_script_without_a_nonce():
    templates = project_templates()
    assert any(p.name == "base.html" for p in templates)
    assert len(templates) > 20
    problems = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in templates
        if (found := inline_script_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


def test_it_escapes_formulae_in_the_admin_csv_export(client, org_a, hr_a):
    from django.urls import reverse

    from core.tenancy import tenant_scope
    from organisations.models import Person

    from . import factories as f

    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "=HYPERLINK(1)", "Formel", unit=org_a.workplace)
    client.force_login(hr_a)

    response = client.post(
        reverse("admin:organisations_person_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"personresource_{n}": "on" for n in ("first_name", "last_name")},
        },
    )
    body = response.content.decode("utf-8-sig")

    assert response.status_code == 200
    # django-import-export drops the leading "=": the name stays, the formula is gone.
    assert "HYPERLINK(1),Formel" in body
    assert not any(cell.startswith("=") for line in body.splitlines() for cell in line.split(","))
    assert Person  # imported for the model the export reads
