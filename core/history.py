"""Who did it: history rows written by services carry the acting user."""


def set_history_user(instance, acting_user) -> None:
    """django-simple-history picks `_history_user` up when the instance is saved."""
    if acting_user is not None and getattr(acting_user, "is_authenticated", False):
        instance._history_user = acting_user


def save_with_history(instance, acting_user, reason: str = "", update_fields=None) -> None:
    """Save a step of a procedure: its history row names the acting user and, in words, the
    step ("Valget er åbnet", "Godkendt af HovedMED")."""
    set_history_user(instance, acting_user)
    if reason:
        instance._change_reason = reason
    instance.save(update_fields=update_fields)
