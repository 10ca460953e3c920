"""The PDF renderer: real WeasyPrint PDFs checked by extracting their text; the URL fetcher
reaches only the project's static files."""

from __future__ import annotations

import copy
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from core.pdf import PDF_BASE_URL, BlockedURL, render_pdf, safe_url_fetcher


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def template(tmp_path, settings):
    # A new list (not an in-place change) so the settings fixture restores it afterwards and
    # Django's setting_changed signal rebuilds the template engines.
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    (tmp_path / "t.html").write_text(
        '{% extends "pdf/base.html" %}{% block heading %}Referat – Ærø{% endblock %}'
        "{% block content %}{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}{% endblock %}"
    )
    (tmp_path / "raw.html").write_text(
        '{% extends "pdf/base.html" %}{% block heading %}Rå HTML{% endblock %}'
        "{% block content %}{% for p in paragraphs %}{{ p|safe }}{% endfor %}{% endblock %}"
    )
    return "t.html"


def test_it_renders_danish_text_and_page_numbers(template):
    paragraphs = ["Arbejdsmiljøgruppen drøftede støj på Søndergård."] * 120
    data = render_pdf(template, {"kommune": "Albertslund Kommune", "paragraphs": paragraphs})
    text = pdf_text(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    assert "Referat – Ærø" in text
    assert "støj på Søndergård" in text
    assert f"Side 1 af {len(reader.pages)}" in text
    assert "Albertslund Kommune" in text


class _Recorder(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("name", ["t.html", "raw.html"], ids=["escaped", "unescaped"])
def test_user_text_cannot_fetch_files_or_call_the_network(template, name):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    hostile = [
        "<link rel=attachment href=file:///etc/passwd>",
        f"<img src=http://127.0.0.1:{port}/img.png>",
        f"<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
    ]
    try:
        data = render_pdf(name, {"kommune": "K", "paragraphs": hostile})
    finally:
        server.shutdown()
    reader = PdfReader(io.BytesIO(data))
    assert _Recorder.hits == []
    _Recorder.hits.clear()
    assert not reader.attachments
    assert "root:" not in pdf_text(data)
    if name == "t.html":
        # Escaped, the text is shown as text, not markup.
        assert "rel=attachment" in pdf_text(data)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        f"{PDF_BASE_URL}/static/../../../../etc/passwd",
        f"{PDF_BASE_URL}/media/certificates/x.pdf",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_everything_but_static(url):
    with pytest.raises(BlockedURL):
        safe_url_fetcher(url)


def test_the_fetcher_serves_static_files():
    result = safe_url_fetcher(f"{PDF_BASE_URL}/static/pdf/document.css")
    assert b"DejaVu Sans" in result.read()


def test_it_resolves_a_relative_static_path():
    from core.pdf import _static_path

    path = _static_path("pdf/document.css?v=1")
    assert path is not None and path.name == "document.css"


@pytest.mark.parametrize(
    "relative",
    [
        "ABSOLUTE",  # the absolute path of a real static file
        "/etc/passwd",
        "//etc/passwd",
        "%2Fetc%2Fpasswd",
        "C:/Windows/win.ini",
        "c:\\Windows\\win.ini",
        "pdf\\..\\..\\settings.py",
        "pdf/document.css\x00.png",
        "pdf/%00document.css",
        "pdf/../../config/settings.py",
        "pdf/%2e%2e/%2e%2e/config/settings.py",
        "",
    ],
)
def test_it_rejects_absolute_and_escaping_static_paths(relative):
    """core.pdf checks the path itself instead of relying on the staticfiles finders: an
    absolute path joined to STATIC_ROOT is that absolute path (issue 16 §2)."""
    from core.pdf import _static_path

    real = _static_path("pdf/document.css")
    assert real is not None and real.is_file()
    if relative == "ABSOLUTE":
        relative = str(real.resolve())
    assert _static_path(relative) is None
    with pytest.raises(BlockedURL):
        safe_url_fetcher(f"{PDF_BASE_URL}/static/{relative}")
