"""deploy/: the files parse, set only real settings and query only exposed metrics.

No Docker engine runs here, so the topology itself is not started by these tests.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from services.telemetry import metrics

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
YAML_FILES = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
JSON_FILES = sorted(DEPLOY.rglob("*.json"))
SERIES_SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
}


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def _queries() -> list[str]:
    """Every PromQL expression of the dashboards and the alert rules."""
    found = []
    for path in JSON_FILES:
        for panel in json.loads(path.read_text())["panels"]:
            found += [target["expr"] for target in panel["targets"]]
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    found += [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    return found


def test_there_is_something_to_check() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in [*YAML_FILES, *JSON_FILES]}
    assert {
        "compose.yaml",
        "prometheus/prometheus.yml",
        "prometheus/alerts.yml",
        "grafana/dashboards/forecast-studio.json",
    } <= names


@pytest.mark.parametrize("path", YAML_FILES + JSON_FILES, ids=lambda p: p.name)
def test_every_file_parses(path: Path) -> None:
    text = path.read_text()
    parsed = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    assert isinstance(parsed, dict) and parsed


def test_every_app_variable_is_a_real_setting() -> None:
    settings = tomllib.loads((ROOT / "settings.toml").read_text())["default"]
    services = _compose()["services"]
    variables = {
        name
        for service in services.values()
        for name in (service.get("environment") or {})
        if name.startswith("FORECAST_STUDIO_")
    }
    assert "FORECAST_STUDIO_METRICS_TOKEN" in variables
    unknown = {
        v
        for v in variables
        if v.removeprefix("FORECAST_STUDIO_").lower() not in settings
    }
    assert not unknown


def test_the_topology_has_its_parts_and_shares_the_data_volume() -> None:
    compose = _compose()
    services = compose["services"]
    assert {
        "web",
        "worker",
        "redis",
        "postgres",
        "mlflow",
        "prometheus",
        "grafana",
    } <= set(services)
    assert services["worker"]["command"] == ["flask", "--app", "app", "jobs", "worker"]
    assert services["web"]["command"][0] == "gunicorn"
    for name in ("web", "worker"):
        assert "data:/data" in services[name]["volumes"], name
        assert services[name]["environment"]["FORECAST_STUDIO_JOB_BACKEND"] == "celery"
    assert int(services["web"]["environment"]["FORECAST_STUDIO_WEB_PROCESSES"]) > 1
    mounted = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith(".")
    }
    assert mounted == set(compose["volumes"])  # every volume named, none left over
    assert "postgres" in " ".join(services["mlflow"]["command"])
    for service in services.values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def test_prometheus_scrapes_metrics_with_the_token() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    [scrape] = config["scrape_configs"]
    assert scrape["metrics_path"] == "/metrics"
    assert scrape["authorization"]["credentials_file"] == "/run/secrets/metrics_token"
    assert "metrics_token" in _compose()["services"]["prometheus"]["secrets"]
    assert _compose()["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}


def test_every_queried_metric_is_exposed(database: None) -> None:
    exposed = {
        family.name + suffix
        for family in text_string_to_metric_families(metrics.exposition().decode())
        for suffix in SERIES_SUFFIXES.get(family.type, ("",))
    }
    queries = _queries()
    assert len(queries) >= 10
    queried = {name for q in queries for name in re.findall(r"forecast_studio_\w+", q)}
    assert {
        "forecast_studio_http_requests_total",
        "forecast_studio_http_request_duration_seconds_bucket",
        "forecast_studio_job_queue_depth",
        "forecast_studio_jobs",
    } <= queried
    assert queried - exposed == set()
