"""The operator CLI: ``flask --app app users create`` and ``tokens create``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import config
from services import users


def test_cli_creates_users_and_prints_a_token(server: Any) -> None:
    runner = server.test_cli_runner()
    name = "cli-" + Path(config.data_dir()).name[-6:]
    created = runner.invoke(
        args=["users", "create", name, "--password-stdin"], input="cli password\n"
    )
    assert created.exit_code == 0, created.output
    assert users.authenticate(name, "cli password") is not None
    issued = runner.invoke(args=["tokens", "create", name])
    assert issued.exit_code == 0
    token = issued.stdout.strip()
    assert "\n" not in token and users.account_for_token(token) is not None
    missing = runner.invoke(args=["tokens", "create", "nobody-at-all"])
    assert missing.exit_code != 0 and "no user" in missing.output
