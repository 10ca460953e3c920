"""core.urls.address: an address reversed once per language, script prefix and URL conf gives
what `reverse` gives, wherever it is asked from."""

from __future__ import annotations

import uuid

from django.test import override_settings
from django.urls import path, reverse, set_script_prefix
from django.utils import translation

from core.urls import address


def _page(request):  # pragma: no cover - only reversed
    raise AssertionError


urlpatterns = [path("andet/<uuid:pk>/", _page, name="committee")]


def test_it_is_what_reverse_gives_in_each_language():
    committee = uuid.uuid4()
    for language, prefix in (("da", ""), ("en", "/en"), ("da", "")):
        with translation.override(language):
            assert address("training:catalogue") == reverse("training:catalogue")
            assert address("training:catalogue") == f"{prefix}/uddannelse/kurser/"
            assert address("meetings:committee", committee) == reverse(
                "meetings:committee", args=[committee]
            )
            assert str(committee) in address("meetings:committee", committee)
    other = uuid.uuid4()
    assert address("meetings:committee", other).count(str(other)) == 1


def test_it_follows_the_script_prefix_and_the_url_conf():
    committee = uuid.uuid4()
    try:
        set_script_prefix("/med/")
        assert address("training:catalogue") == "/med/uddannelse/kurser/"
    finally:
        set_script_prefix("/")
    assert address("training:catalogue") == "/uddannelse/kurser/"
    with override_settings(ROOT_URLCONF=__name__):
        assert address("committee", committee) == f"/andet/{committee}/"
    assert address("meetings:committee", committee) == reverse(
        "meetings:committee", args=[committee]
    )
