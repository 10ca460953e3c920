from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from core.admin_site import site as admin_site

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    # SSO endpoints and the MFA pages, outside the language prefix: an IdP's ACS and metadata
    # addresses must not change with the language.
    path("konto/", include("accounts.urls")),
]
if settings.BENCHMARK_VIEWS:
    from core.views import floor

    urlpatterns.append(path("_bench/floor/", floor, name="bench_floor"))
urlpatterns += i18n_patterns(
    path("admin/", admin_site.urls),
    path("moeder/", include("meetings.urls")),
    path("apv/", include("apv.urls")),
    path("haendelser/", include("incidents.urls")),
    path("forslag/", include("committees.urls")),
    path("kreds/", include("unions.urls")),
    path("paamindelser/", include("reminders.urls")),
    path("uddannelse/", include("training.urls")),
    path("valg/", include("elections.urls")),
    path("budget/", include("budget.urls")),
    path("frister/", include("deadlines.urls")),
    path("", include("portal.urls")),
    prefix_default_language=False,
)

# No route serves MEDIA_ROOT, in any mode (not even DEBUG): uploads are reached only through views
# that check access (meetings:attachment, meetings:document, training:certificate).
