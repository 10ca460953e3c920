"""Sample APV objects for the admin persona tests (discovered by tests/factories.py), and small
builders shared by the APV tests."""

from __future__ import annotations

import datetime

from apv.models import ApvCycle, ApvMajorChange, ChecklistTemplate


def sample_template(org) -> ChecklistTemplate:
    return ChecklistTemplate.objects.create(kommune=org.kommune, name=f"{org.kommune.code} APV")


def sample_cycle(org) -> ApvCycle:
    return ApvCycle.objects.create(
        kommune=org.kommune, committee=org.amg, started_on=datetime.date(2025, 9, 1)
    )


def sample_change(org) -> ApvMajorChange:
    return ApvMajorChange.objects.create(
        kommune=org.kommune,
        committee=org.amg,
        changed_on=datetime.date(2026, 1, 5),
        description="Ny bygning",
    )


SAMPLES = {
    "apv.ChecklistTemplate": sample_template,
    "apv.ApvCycle": sample_cycle,
    "apv.ApvMajorChange": sample_change,
}
