"""`ckan collectivites …` commands; each delegates to the room that owns the work."""
from __future__ import annotations

import click


@click.group(short_help="Commandes du portail des collectivités.")
def collectivites() -> None:
    """Commandes du portail des collectivités."""


@collectivites.group()
def demo() -> None:
    """Données de démonstration."""


@demo.command("load")
def demo_load() -> None:
    """Crée ou met à jour le contenu de démonstration."""
    from ckanext.opendata_collectivites.demo import loader

    click.echo("Chargement des données de démonstration :")
    ctx = loader.load_all()
    for what, n in sorted(ctx.report.items()):
        click.echo(f"  {n} {what}")


def get_commands() -> list[click.Command]:
    return [collectivites]
