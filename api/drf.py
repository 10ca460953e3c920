"""The API's pagination and error answers (named in REST_FRAMEWORK; imported by DRF itself, so
this module imports no views)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.views import exception_handler as drf_exception_handler


class Cursor(pagination.CursorPagination):
    """Cursor pagination: stable under inserts, opaque, no counting of large tables."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Ikke fundet."))
    return drf_exception_handler(exc, context)
