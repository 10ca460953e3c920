"""Tiny views of the platform itself."""

from django.db import connection
from django.http import HttpResponse


def floor(request):
    """The benchmark floor: the same middleware stack and one query, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
