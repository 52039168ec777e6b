"""``flask --app webapp users create --email ... --name ... --role ...``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webapp.auth.services import AccountError, create_user
from webapp.extensions import db
from webapp.models import Role

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The e-mail address used to log in.")
@click.option("--name", required=True, help="The name shown to colleagues.")
@click.option(
    "--role",
    type=click.Choice([Role.FACILITATOR.value, Role.ORGANISER.value, Role.ADMINISTRATOR.value]),
    default=Role.FACILITATOR.value,
    show_default=True,
    help="What the account may do; the default has the fewest rights.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)
def create_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account. The password is prompted for (twice), never an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email=email, name=name, role=Role(role), password=password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {role} account {user.id}.")


mfa_cli = AppGroup("mfa", help="The keys under which TOTP secrets are stored.")


@mfa_cli.command("new-key")
@click.option(
    "--derived",
    is_flag=True,
    help="Print the key derived from SECRET_KEY (used while MFA_KEYS is unset) instead.",
)
def new_key_command(derived: bool) -> None:
    """Print a key for MFA_KEYS: put it first, keep the old keys after it, then `mfa rotate`."""
    from cryptography.fernet import Fernet
    from flask import current_app

    from webapp.encryption import derived_key

    if derived:
        click.echo(derived_key(str(current_app.config["SECRET_KEY"])).decode())
    else:
        click.echo(Fernet.generate_key().decode())


@mfa_cli.command("rotate")
def rotate_command() -> None:
    """Encrypt every stored TOTP secret again under the first key of MFA_KEYS."""
    from webapp.auth.mfa import rotate_stored_secrets
    from webapp.encryption import EncryptionKeyError

    try:
        count = rotate_stored_secrets()
    except EncryptionKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{count} TOTP secrets encrypted under the first key of MFA_KEYS.")
