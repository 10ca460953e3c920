"""The "Kilde" of each rule as one kommune shows it: the law, and the kommune's own MED-aftale
by its name (`Kommune.med_agreement_name`) and the paragraph HR recorded for the rule
(`RuleSetting.local_reference`). Never another kommune's agreement; two queries per kommune."""

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
    references = dict(
        RuleSetting.objects.filter(kommune_id=kommune_id)
        .exclude(local_reference="")
        .values_list("rule", "local_reference")
    )
    return {
        rule.code: rule.source_for(agreement, references.get(rule.code, ""))
        for rule in registry.all()
    }


def request_sources(request) -> dict[str, str]:
    """`rule_sources` of the request's kommune, once per request."""
    if not hasattr(request, "_rule_sources"):
        request._rule_sources = rule_sources(request.kommune) if request.kommune else {}
    return request._rule_sources
