"""The "Kilde" of each rule as one kommune shows it: the law, and the kommune's own MED-aftale
by its name (`Kommune.med_agreement_name`) and the paragraph HR recorded for the rule
(`RuleSetting.local_reference`). Never another kommune's agreement; two queries per kommune
(one for a request: the middleware has read the kommune)."""

from __future__ import annotations

from organisations.models import Kommune

from .engine import registry
from .models import RuleSetting


def rule_sources(kommune: Kommune | int) -> dict[str, str]:
    kommune_id = getattr(kommune, "pk", kommune)
    agreement = (
        Kommune.objects.filter(pk=kommune_id).values_list("med_agreement_name", flat=True).first()
        or ""
    )
    return sources_from(agreement, _references(kommune_id))


def _references(kommune_id: int) -> dict[str, str]:
    return dict(
        RuleSetting.objects.filter(kommune_id=kommune_id)
        .exclude(local_reference="")
        .values_list("rule", "local_reference")
    )


def sources_from(agreement: str, references: dict[str, str]) -> dict[str, str]:
    return {
        rule.code: rule.source_for(agreement, references.get(rule.code, ""))
        for rule in registry.all()
    }


def request_source_settings(request) -> tuple[str, dict[str, str]]:
    """What the request's kommune's sources are made of (its agreement's name and HR's
    paragraphs), once per request: one query. The middleware read the kommune's row for this
    request (core.tenancy), so its agreement's name is current."""
    if not hasattr(request, "_rule_source_settings"):
        kommune = request.kommune
        request._rule_source_settings = (
            (kommune.med_agreement_name or "", _references(kommune.pk)) if kommune else ("", {})
        )
    return request._rule_source_settings


def request_sources(request) -> dict[str, str]:
    """`rule_sources` of the request's kommune, once per request."""
    if not hasattr(request, "_rule_sources"):
        request._rule_sources = (
            sources_from(*request_source_settings(request)) if request.kommune else {}
        )
    return request._rule_sources
