"""Settings: settings.toml defaults, each overridable by FORECAST_STUDIO_<NAME>."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dynaconf import Dynaconf

ROOT = Path(__file__).resolve().parent
# MLflow sends usage telemetry unless told not to; the app tracks users' data and
# phones nowhere. An operator may still set MLFLOW_DISABLE_TELEMETRY=false.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

settings = Dynaconf(
    envvar_prefix="FORECAST_STUDIO",
    settings_files=[str(ROOT / "settings.toml")],
    environments=True,
    env_switcher="FORECAST_STUDIO_ENV",
    load_dotenv=False,
)


def data_dir() -> Path:
    """The folder that holds every user's files, the database and the secret."""
    path = Path(settings.DATA_DIR)
    if not path.is_absolute():
        path = ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """The metadata database: the setting, else a SQLite file in DATA_DIR."""
    return str(
        settings.DATABASE_URL or f"sqlite:///{data_dir() / 'forecast_studio.db'}"
    )


def secret_key() -> str:
    """The session-signing secret: the setting, else one generated into DATA_DIR."""
    if settings.SECRET_KEY:
        return str(settings.SECRET_KEY)
    path = data_dir() / "secret_key"
    if not path.exists():
        # Write aside, then link into place: several processes starting at once
        # agree on one secret and nobody reads a half-written file.
        draft = path.with_name(f"secret_key.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def chronos_model_dir() -> Path | None:
    """The folder holding Chronos-2 weights (CHRONOS_MODEL_DIR), or None when unset.

    Read afresh on every call, so weights an operator adds (and the environment
    variable that points at them) count without a restart.
    """
    value = str(settings.get("CHRONOS_MODEL_DIR", "", fresh=True) or "")
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else ROOT / path
