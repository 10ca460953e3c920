from django.utils.functional import SimpleLazyObject


def kreds(request):
    """Whether to show the link to the kreds pages (one query, only when a page asks)."""
    from .access import officer_kredse_of

    return {"is_kreds_officer": SimpleLazyObject(lambda: bool(officer_kredse_of(request)))}
