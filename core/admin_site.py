"""The HR admin site: Django's admin, bound to the kommune the staff member works in."""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, path, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.directory import directory
from core.tenancy import SESSION_KEY

# Admin views that work before a kommune is chosen: they read no tenant data.
KOMMUNE_FREE_VIEWS = {
    "index",
    "logout",
    "password_change",
    "password_change_done",
    "i18n_javascript",
    "choose_kommune",
}


def staff_kommuner(request) -> list:
    """The kommuner this user may administer (a subset of the ones they may log in to)."""
    if request.user.is_superuser:
        return list(request.available_kommuner)
    ids = directory().staff_kommune_ids(request.user)
    return [k for k in request.available_kommuner if k.pk in ids]


def staff_role(request):
    """The user's HR role in the request's kommune (None for superusers/outsiders)."""
    if not hasattr(request, "_staff_role"):
        request._staff_role = None
        if request.kommune is not None and request.user.is_authenticated:
            request._staff_role = directory().staff_role(request.user, request.kommune)
    return request._staff_role


def is_kommune_staff(request) -> bool:
    if request.kommune is None:
        return False
    return request.user.is_superuser or staff_role(request) is not None


@contextmanager
def permissions_answered_once(user):
    """The user's permissions without an object, answered from their permission set while the
    app list is built. Django asks some 45 admins for four permissions each, and every question
    goes through each authentication backend, loaded afresh per question; without an object
    the answer is the same as `perm in user.get_all_permissions()` for an active user (Django's
    model backend; guardian's and axes' have no answers without an object), which
    tests/test_admin_access.py checks for every permission."""
    if not user.is_authenticated:
        yield
        return
    if user.is_active and user.is_superuser:
        granted = None
    else:
        granted = user.get_all_permissions() if user.is_active else set()
    has_perm = user.has_perm

    def answer_perm(perm, obj=None):
        if obj is not None:
            return has_perm(perm, obj)
        return granted is None or perm in granted

    def answer_module(app_label):
        return granted is None or any(p.partition(".")[0] == app_label for p in granted)

    user.has_perm, user.has_module_perms = answer_perm, answer_module
    try:
        yield
    finally:
        del user.has_perm
        del user.has_module_perms


class HRAdminSite(admin.AdminSite):
    site_header = gettext_lazy("MED & arbejdsmiljø – HR")
    site_title = gettext_lazy("MED & arbejdsmiljø")
    index_title = gettext_lazy("Administration")
    index_template = "admin/hr_index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra_views: list = []
        self._urls: dict = {}  # `_admin_url`

    def login(self, request, extra_context=None):
        """One login page for the whole product (settings.LOGIN_URL): its SSO rules and second
        factor apply to the admin too; the admin's own password form would skip both."""
        from django.contrib.auth.views import redirect_to_login

        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url)

    def register_view(self, route: str, view, name: str, title) -> None:
        """An extra admin page (structural checks, compliance overview…) shown on the index."""
        self._extra_views.append((route, view, name, title))

    def has_permission(self, request) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        if request.kommune is None:
            # Enough to reach the kommune chooser; every tenant view redirects there first.
            return request.user.is_superuser or bool(staff_kommuner(request))
        return is_kommune_staff(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        name = getattr(view, "__name__", "")

        def guarded(request, *args, **kwargs):
            if (
                name not in KOMMUNE_FREE_VIEWS
                and request.user.is_authenticated
                and request.kommune is None
            ):
                return redirect("admin:choose_kommune")
            return inner(request, *args, **kwargs)

        guarded.__name__ = name
        return guarded

    def get_urls(self):
        urls = [
            path("kommune/", self.admin_view(self.choose_kommune), name="choose_kommune"),
        ]
        for route, view, name, _title in self._extra_views:
            urls.append(path(route, self.admin_view(view), name=name))
        return urls + super().get_urls()

    def _build_app_dict(self, request, label=None):
        """Django's (django/contrib/admin/sites.py), with the permissions answered once
        (`permissions_answered_once`) and the admin's addresses looked up once per process
        and language (`_admin_url`) instead of some 90 times on every admin page."""
        app_dict = {}
        with permissions_answered_once(request.user):
            for model, model_admin in self._registry.items():
                app_label = model._meta.app_label
                if label and app_label != label:
                    continue
                has_module_perms = model_admin.has_module_permission(request)
                if not has_module_perms:
                    continue
                perms = model_admin.get_model_perms(request)
                if True not in perms.values():
                    continue
                info = f"{app_label}_{model._meta.model_name}"
                model_dict = {
                    "model": model,
                    # Names as text: Django sorts the list by them, translating each lazy
                    # name at every comparison.
                    "name": str(capfirst(model._meta.verbose_name_plural)),
                    "object_name": model._meta.object_name,
                    "perms": perms,
                    "admin_url": None,
                    "add_url": None,
                }
                if perms.get("change") or perms.get("view"):
                    model_dict["view_only"] = not perms.get("change")
                    model_dict["admin_url"] = self._admin_url(f"{info}_changelist")
                if perms.get("add"):
                    model_dict["add_url"] = self._admin_url(f"{info}_add")
                if app_label in app_dict:
                    app_dict[app_label]["models"].append(model_dict)
                else:
                    app_dict[app_label] = {
                        "name": str(apps.get_app_config(app_label).verbose_name),
                        "app_label": app_label,
                        "app_url": self._admin_url("app_list", app_label=app_label),
                        "has_module_perms": has_module_perms,
                        "models": [model_dict],
                    }
        return app_dict

    def _admin_url(self, name: str, **kwargs) -> str | None:
        key = (name, tuple(kwargs.items()), get_language(), get_script_prefix(), get_urlconf())
        if key not in self._urls:
            try:
                self._urls[key] = reverse(
                    f"{self.name}:{name}", kwargs=kwargs, current_app=self.name
                )
            except NoReverseMatch:
                self._urls[key] = None
        return self._urls[key]

    def each_context(self, request):
        context = super().each_context(request)
        context["current_kommune"] = getattr(request, "kommune", None)
        context["extra_admin_views"] = [
            (reverse(f"admin:{name}"), title) for _r, _v, name, title in self._extra_views
        ]
        return context

    def choose_kommune(self, request):
        choices = staff_kommuner(request)
        if request.method == "POST":
            wanted = request.POST.get("kommune")
            for kommune in choices:
                if str(kommune.pk) == wanted:
                    request.session[SESSION_KEY] = kommune.pk
                    messages.success(
                        request, _("Du arbejder nu i %(kommune)s.") % {"kommune": kommune}
                    )
                    return HttpResponseRedirect(reverse("admin:index"))
            messages.error(request, _("Vælg en kommune, du har adgang til."))
        context = {
            **self.each_context(request),
            "title": _("Vælg kommune"),
            "choices": choices,
        }
        return TemplateResponse(request, "admin/choose_kommune.html", context)

    def index(self, request, extra_context=None):
        # Django's index, with the app list built once: `each_context` builds the same list
        # for the navigation sidebar (which the index does not show), and building it asks
        # every registered admin for its four permissions.
        context = self.each_context(request)
        context.update(
            {
                "title": self.index_title,
                "subtitle": None,
                "app_list": context["available_apps"],
                "kommune_choices": staff_kommuner(request),
                **(extra_context or {}),
            }
        )
        request.current_app = self.name
        return TemplateResponse(request, self.index_template or "admin/index.html", context)


site = HRAdminSite(name="admin")
