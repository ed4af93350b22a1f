"""`csr config`: the shop name, agent name and other placeholder defaults, and where files live."""

from __future__ import annotations

from typing import Annotated

import typer

from csr_cli import paths
from csr_cli.cases.settings import DATABASE_URL_KEY, describe_database, mask_url
from csr_cli.commands._common import JsonOpt, note, print_json
from csr_cli.config import load_config, set_value, unset_value
from csr_cli.errors import UsageError

config_app = typer.Typer(
    help="Show or change your defaults (shop, agent, …) and where csr keeps its files.",
    add_completion=False,
    invoke_without_command=True,
)


@config_app.callback()
def config_root(ctx: typer.Context) -> None:
    """Show or change your defaults (shop, agent, …) and where csr keeps its files."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@config_app.command("show")
def show(as_json: JsonOpt = False) -> None:
    """Show the saved values."""
    values = _masked(load_config())
    if as_json:
        print_json(values)
    elif not values:
        note("no values saved yet; try: csr config set shop 小美家")
    else:
        for key, value in values.items():
            typer.echo(f"{key} = {value}")


def _masked(values: dict[str, str]) -> dict[str, str]:
    """A database password must never reach the screen, a log or a screenshot."""
    if DATABASE_URL_KEY in values:
        values = {**values, DATABASE_URL_KEY: mask_url(values[DATABASE_URL_KEY])}
    return values


@config_app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="Placeholder name, e.g. shop, agent, threshold.")],
    value: Annotated[str, typer.Argument(help="Its value, e.g. 小美家.")],
) -> None:
    """Save a default value for a placeholder."""
    set_value(key, value)
    note(f"✓ {key} = {_masked({key: value})[key]}")


@config_app.command("unset")
def unset(key: Annotated[str, typer.Argument(help="The key to remove.")]) -> None:
    """Remove a saved value."""
    if not unset_value(key):
        raise UsageError(f"'{key}' is not set; see `csr config show`")
    note(f"✓ removed {key}")


@config_app.command("path")
def path(as_json: JsonOpt = False) -> None:
    """Print where csr keeps its config, personal phrasebook, shop rules, state, cache and cases."""
    locations = {
        "config": str(paths.config_file()),
        "personal_phrasebook": str(paths.personal_phrasebook()),
        "policy": str(paths.personal_policy()),
        "kpi_policy": str(paths.personal_kpi_policy()),
        "tone_rules": str(paths.personal_tone_rules()),
        "team_phrasebooks": [str(p) for p in paths.team_phrasebook_paths()],
        "bundled_phrasebook": str(paths.bundled_phrasebook_dir()),
        "state": str(paths.state_dir()),
        "cache": str(paths.cache_dir()),
        "data": str(paths.data_dir()),
        "cases": describe_database(),
    }
    if as_json:
        print_json(locations)
        return
    for name, location in locations.items():
        shown = ", ".join(location) if isinstance(location, list) else location
        typer.echo(f"{name}: {shown or '(none; set CSR_PHRASEBOOK_PATH)'}")
