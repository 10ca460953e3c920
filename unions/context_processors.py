from django.utils.functional import SimpleLazyObject


def kreds(request):
    """Whether to show the link to the kreds pages (one query, only when a page asks)."""
    from .access import is_kreds_officer

    return {"is_kreds_officer": SimpleLazyObject(lambda: is_kreds_officer(request.user))}
