"""Tenancy: the kommune is the tenant.

Every tenant-owned model inherits `TenantModel`: it has a `kommune` foreign key and a django-scopes
manager, so a query without an active tenant scope raises `ScopeError` instead of returning another
kommune's rows. The request activates the scope in `TenantMiddleware`; background code enters the
object's scope explicitly with `tenant_scope(kommune)`.

Related-object access (`membership.person`) goes through Django's unscoped base manager by design:
it only follows a foreign key from a row that was itself fetched in scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopeError, get_scope, scope, scopes_disabled
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

__all__ = [
    "ScopeError",
    "TenantModel",
    "TenantMiddleware",
    "scopes_disabled",
    "tenant_history",
    "tenant_scope",
    "current_kommune_id",
    "in_each_kommune",
]

SESSION_KEY = "kommune_id"


@contextmanager
def tenant_scope(kommune: models.Model | int) -> Iterator[None]:
    """Enter one kommune's scope. Refuses None: django-scopes treats None as "no filter"."""
    kommune_id = kommune if isinstance(kommune, int) else getattr(kommune, "pk", None)
    if not kommune_id:
        raise ScopeError("tenant_scope() needs a saved kommune.")
    with scope(kommune=kommune_id):
        yield


def in_each_kommune(kommune_ids, work) -> int:
    """Run `work()` in the scope of each kommune (each once, in id order) and add up what it
    returns: the daily ticks of the procedures, whose work is per kommune."""
    done = 0
    for kommune_id in sorted(set(kommune_ids)):
        with tenant_scope(kommune_id):
            done += work()
    return done


def current_kommune_id() -> int | None:
    value = get_scope().get("kommune")
    return value if isinstance(value, int) else None


def _scoped_manager(queryset_class=None):
    from django_scopes import ScopedManager

    base = (
        models.Manager if queryset_class is None else models.Manager.from_queryset(queryset_class)
    )
    return ScopedManager(_manager_class=base, kommune="kommune")


def scoped_manager(queryset_class):
    """A tenant-scoped manager with a custom queryset class (for `objects = ...`)."""
    return _scoped_manager(queryset_class)


def kommune_pk_index(name: str) -> models.Index:
    """An index on (kommune, id) for a tenant model the API lists: its lists are pages in pk
    order within one kommune (api.drf.Cursor). Without it PostgreSQL walks the primary key and
    skips every other kommune's rows; at the scale of 98 kommuner a page of a kommune whose rows
    come late in the table read thousands of rows to find a hundred."""
    return models.Index(fields=["kommune", "id"], name=name)


def kommune_field(*, db_index: bool = True) -> models.ForeignKey:
    """A tenant row's kommune. A model whose own composite index starts with the kommune may
    leave out the column's single index (`db_index=False`): every insert and update of a row
    pays for each index."""
    return models.ForeignKey(
        "organisations.Kommune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kommune"),
        editable=False,
        db_index=db_index,
    )


class TenantModel(models.Model):
    """Abstract base of every tenant-owned model."""

    kommune = kommune_field()

    objects = _scoped_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Derive the tenant from the active scope so a row can never be saved without one.
        if not self.kommune_id:
            self.kommune_id = current_kommune_id()
            if not self.kommune_id:
                raise ScopeError(f"{type(self).__name__} saved without a kommune or tenant scope.")
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.kommune_id:
            self.kommune_id = current_kommune_id()
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or not field.many_to_one or field.name == "kommune":
                continue
            if not issubclass(field.related_model, TenantModel):
                continue
            target_id = getattr(self, field.attname)
            if target_id is None:
                continue
            target = getattr(self, field.name)
            if target.kommune_id != self.kommune_id:
                errors[field.name] = _("Vælg en gyldig værdi fra din egen kommune.")
        if errors:
            raise ValidationError(errors)


class ScopedHistoryManager(HistoryManager):
    """History of a tenant-owned model follows the same scope rule as the model itself."""

    def get_super_queryset(self):
        queryset = super().get_super_queryset()
        current = get_scope()
        if not current.get("_enabled", True):
            return queryset
        kommune_id = current.get("kommune")
        if not kommune_id:
            raise ScopeError("A tenant scope must be active to read history.")
        return queryset.filter(kommune_id=kommune_id)


class TenantHistoricalModel(models.Model):
    objects = _scoped_manager()

    class Meta:
        abstract = True


def tenant_history(**kwargs) -> HistoricalRecords:
    """django-simple-history for a tenant-owned model, with scoped history rows."""
    kwargs.setdefault("bases", [TenantHistoricalModel])
    kwargs.setdefault("history_manager", ScopedHistoryManager)
    return HistoricalRecords(**kwargs)


# --- request handling --------------------------------------------------------------------------


def kommuner_for_user(user) -> list:
    """The kommuner a user may work in: as HR staff, through a linked person, or all
    (superuser). The organisation answers (core.directory)."""
    from core.directory import directory

    return directory().kommuner_for_user(user)


def resolve_kommune(request):
    available = kommuner_for_user(request.user)
    request.available_kommuner = available
    wanted = request.session.get(SESSION_KEY)
    for kommune in available:
        if kommune.pk == wanted:
            return kommune
    if len(available) == 1:
        request.session[SESSION_KEY] = available[0].pk
        return available[0]
    return None


class TenantMiddleware:
    """Sets `request.kommune` and runs the rest of the request inside that kommune's scope.

    Without a kommune no scope is active, so every tenant query raises: a forgotten check fails
    loudly instead of leaking."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.available_kommuner = []
        request.kommune = None
        if request.user.is_authenticated:
            request.kommune = resolve_kommune(request)
        if request.kommune is None:
            return self.get_response(request)
        with tenant_scope(request.kommune):
            response = self.get_response(request)
            # Template responses render inside the scope too.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response


def kommune_context(request):
    return {
        "current_kommune": getattr(request, "kommune", None),
        "available_kommuner": SimpleLazyObject(lambda: getattr(request, "available_kommuner", [])),
    }


def kommune_required(view):
    """Pages that work in a kommune (the tenant scope): a user linked to several picks one; a
    user with none is shown the project's NO_KOMMUNE_VIEW (the portal's: a union officer is
    sent to the kreds pages, anyone else is told they have no kommune)."""
    from django.contrib.auth.decorators import login_required
    from django.utils.module_loading import import_string

    @login_required
    def wrapper(request, *args, **kwargs):
        if request.kommune is None:
            return import_string(settings.NO_KOMMUNE_VIEW)(request)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper
