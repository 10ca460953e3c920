"""The one PDF renderer (WeasyPrint).

Documents are rendered from Django templates (the same selectors as the pages). The URL fetcher
reaches only the project's own static files: user text can never make the renderer read a
local file or call a network address (`<link rel=attachment href=file:///…>`, `<img src=http://…>`,
`@import` all fail closed)."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# The base URL documents are rendered against; only URLs under it + STATIC_URL are served.
PDF_BASE_URL = "https://pdf.invalid"


class BlockedURL(ValueError):
    pass


def _is_safe_relative(relative: str) -> bool:
    """Whether `relative` can only name a file under a static directory: not empty, no NUL, no
    backslash (a separator on Windows), no drive letter or other colon, not absolute, no `..`.
    Checked here rather than left to the finders: `Path(STATIC_ROOT) / "/etc/passwd"` is
    /etc/passwd, and a finder's own checks may change."""
    if not relative or "\x00" in relative or "\\" in relative or ":" in relative:
        return False
    path = PurePosixPath(relative)
    return not path.is_absolute() and ".." not in path.parts


def _static_path(relative: str) -> Path | None:
    relative = relative.split("?", 1)[0].split("#", 1)[0]
    # Both as written and percent-decoded, whichever form a later step might use.
    if not (_is_safe_relative(relative) and _is_safe_relative(unquote(relative))):
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """WeasyPrint URL fetcher that serves the project's static files and nothing else."""

        def fetch(self, url, headers=None):
            prefix = PDF_BASE_URL + settings.STATIC_URL
            if url.startswith(prefix):
                path = _static_path(url[len(prefix) :])
                if path is not None:
                    mime_type, _encoding = mimetypes.guess_type(path.name)
                    return URLFetcherResponse(
                        url, path.read_bytes(), {"Content-Type": mime_type or "text/plain"}
                    )
            logger.warning("PDF renderer refused to fetch %s", url[:200])
            raise BlockedURL(f"blocked: {url[:200]}")

    return StaticOnlyURLFetcher


def safe_url_fetcher(url: str):
    """Fetch one URL the way the renderer does (for tests and callers outside WeasyPrint)."""
    return _fetcher_class()().fetch(url)


def render_html(template_name: str, context: dict, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(template_name, {"pdf_base_url": PDF_BASE_URL, **context})


def render_pdf(template_name: str, context: dict, language: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(template_name, context, language)
    fetcher = _fetcher_class()(allowed_protocols=("https",), allow_redirects=False)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()
