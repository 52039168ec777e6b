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
