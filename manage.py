#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Nothing configured at all: a developer's checkout, so the embedded development defaults
    # (as bin/run and bin/test use). Production sets DJANGO_SECRET_KEY (or DJANGO_DEBUG=0
    # explicitly) and then still refuses to start without a secret key.
    if "DJANGO_DEBUG" not in os.environ and "DJANGO_SECRET_KEY" not in os.environ:
        os.environ["DJANGO_DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
