"""The deployment files stay consistent with the app (no Docker engine is needed)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_postgres_redis_web_with_migrations_a_celery_worker_and_beat():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert services["beat"]["command"].startswith("celery -A journeymap beat")
    assert services["beat"]["environment"] == services["worker"]["environment"]
    assert "migrate" in services["web"]["command"] and "daphne" in services["web"]["command"]
    assert "journeymap.asgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A journeymap worker")
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["SECRET_KEY"]
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_image_installs_the_fonts_and_libraries_pdfs_need():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "fonts-dejavu-core", "fonts-noto-cjk"):
        assert package in dockerfile


def test_env_example_documents_every_variable_the_readme_lists():
    example = (ROOT / ".env.example").read_text()
    for variable in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
                     "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT", "MEDIA_ROOT", "OPLOG_RETENTION_DAYS",
                     "EXPORT_RETENTION_DAYS", "CHANNEL_LAYER_BACKEND"):
        assert variable in example, variable
