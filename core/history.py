"""Who did it: history rows written by services carry the acting user."""


def set_history_user(instance, acting_user) -> None:
    """django-simple-history picks `_history_user` up when the instance is saved."""
    if acting_user is not None and getattr(acting_user, "is_authenticated", False):
        instance._history_user = acting_user
