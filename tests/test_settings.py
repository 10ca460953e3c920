"""Production settings come from the environment and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-1234567890",
    "DJANGO_ALLOWED_HOSTS": "med.example.dk",
    "DATABASE_URL": "postgres://med:secret@db:5432/med",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_HOST": "mail",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def run_manage(*args, env_extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SCALE_"))
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV)
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_settings_read_services_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND,"
        " s.ALLOWED_HOSTS)"
    )
    result = run_manage("shell", "-c", code, env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "postgresql" in out and "redis://redis:6379/0" in out
    assert "smtp.EmailBackend" in out and "med.example.dk" in out


def test_embedded_defaults_need_no_server(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)"
    )
    env = {
        "DJANGO_DEBUG": "1",
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = run_manage("shell", "-c", code, env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "sqlite3 filesystem:// " in result.stdout
    assert "filebased.EmailBackend" in result.stdout


def test_the_scale_tools_are_installed_only_when_asked_for():
    """The generator and benchmark add synthetic kommuner: never part of a production install
    by default (issue 17), available with SCALE_TOOLS=1."""
    code = "from django.conf import settings as s; print('scale' in s.INSTALLED_APPS)"
    plain = run_manage("shell", "-c", code, env_extra=PRODUCTION_ENV)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip().splitlines()[-1] == "False"
    assert "generate_scale" not in run_manage("help", env_extra=PRODUCTION_ENV).stdout
    asked = run_manage("shell", "-c", code, env_extra={**PRODUCTION_ENV, "SCALE_TOOLS": "1"})
    assert asked.stdout.strip().splitlines()[-1] == "True"
