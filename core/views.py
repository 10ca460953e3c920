"""Tiny views of the platform itself, and the helpers the apps' form views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect


def run_service(request, action, success: str, target: str):
    """Call one service and go to `target`: its success message, or each ValidationError shown
    to the user (the service saved nothing then)."""
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return HttpResponseRedirect(target)


def form_errors_to_messages(request, form) -> None:
    """A POST-only form's errors as messages on the page it returns to, each with its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for text in errors:
            messages.error(request, f"{label}: {text}" if label else text)


def floor(request):
    """The benchmark floor: the same middleware stack and one query, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
