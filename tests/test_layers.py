"""The shared layer uses nothing above it (issue 17): no module of core/ imports an app of the
product, at the top of the file or inside a function. What core needs of the organisation it
asks through core.directory; what it needs of an app, the app registers (access deciders,
outboxes, user annotations)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
} - {"core"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_core_imports_no_app_of_the_product():
    assert {"organisations", "committees", "deadlines", "portal", "unions"} <= APPS
    found = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in APPS:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    assert found == []


def test_the_apps_ask_for_a_kommune_through_core_not_the_portal():
    found = []
    for app in sorted(APPS - {"portal", "scale"}):
        for path in sorted((ROOT / app).rglob("*.py")):
            if any(m.split(".")[0] == "portal" for m in imported_modules(path)):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
