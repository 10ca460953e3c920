"""What the shared layer asks the organisation, without importing it.

Core decides tenancy (which kommune a request works in) and the HR scope (whether the user is
HR of that kommune, and of which units), but the people, the kommuner and the HR grants are the
organisation's data. The organisations app answers these questions by registering a
`Directory` (organisations/directory.py); core only ever calls this interface, so its imports
point down to Django and the libraries alone.
"""

from __future__ import annotations


class Directory:
    def kommune_ids(self) -> list[int]:
        """Every kommune, for the jobs that visit them all."""
        raise NotImplementedError

    def kommuner_for_user(self, user) -> list:
        """The kommuner a user may work in, by name."""
        raise NotImplementedError

    def staff_kommune_ids(self, user) -> set[int]:
        """The kommuner in which the user is HR staff."""
        raise NotImplementedError

    def staff_role(self, user, kommune):
        """The user's HR role (grant) in `kommune`, or None. Called inside its scope."""
        raise NotImplementedError

    def staff_unit_ids(self, user, role) -> list[int] | None:
        """The units an HR role may administer (with everything below them); None for the
        whole kommune."""
        raise NotImplementedError

    def granted_units(self, role) -> list:
        """The units an HR role was granted (to name them)."""
        raise NotImplementedError


_directory: Directory | None = None


def register(directory: type[Directory]) -> type[Directory]:
    global _directory
    _directory = directory()
    return directory


def directory() -> Directory:
    if _directory is None:  # pragma: no cover - the organisations app is not installed
        raise RuntimeError("No organisation directory is registered (organisations app).")
    return _directory
