"""Operator commands: ``flask --app app users create|list|end-sessions``, ``tokens``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from services import users
from services.errors import ServiceError

users_cli = AppGroup("users", help="Manage accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


@users_cli.command("create")
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
def create_user(name: str, password_stdin: bool) -> None:
    """Create the account NAME (the first account is an administrator)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        account = users.create_user(name, password)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    role = "administrator" if account.is_admin else "user"
    click.echo(f"Created {role} {account.username}.", err=True)


@users_cli.command("list")
def list_users() -> None:
    """List the accounts."""
    for account in users.list_accounts():
        flags = " (admin)" if account.is_admin else ""
        click.echo(f"{account.id}\t{account.username}{flags}")


@users_cli.command("end-sessions")
@click.argument("name")
def end_sessions(name: str) -> None:
    """Sign NAME out everywhere: every session cookie issued so far stops working."""
    account = users.find_account(name)
    if account is None:
        raise click.ClickException(f"There is no user “{name}”.")
    users.end_sessions(account.id)
    click.echo(f"Ended every session of {account.username}.", err=True)


@tokens_cli.command("create")
@click.argument("name")
@click.option("--label", default="api", help="What the token is for.")
def create_token(name: str, label: str) -> None:
    """Issue an API token for the user NAME and print it alone on stdout."""
    try:
        click.echo(users.create_token(name, label))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
