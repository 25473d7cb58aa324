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


@collectivites.group()
def vocabularies() -> None:
    """Vocabulaires et référentiels (territoires, thèmes, licences…)."""


@vocabularies.command("update")
@click.option(
    "--source",
    type=click.Path(exists=True, file_okay=False),
    help="Dossier du paquet npm @etalab/decoupage-administratif (ou son data/).",
)
@click.option(
    "--schemas",
    type=click.Path(exists=True, dir_okay=False),
    help="Copie téléchargée de https://schema.data.gouv.fr/schemas/schemas.json.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Fichier des territoires à écrire (par défaut : le fichier livré).",
)
@click.option(
    "--schema-files",
    is_flag=True,
    help="Télécharge les versions des schémas SCDL (Table Schema) pas encore "
    "livrées, pour la validation hors ligne des fichiers.",
)
def vocabularies_update(
    source: str | None, schemas: str | None, output: str | None, schema_files: bool
) -> None:
    """Régénère les référentiels (territoires, catalogue des schémas)."""
    from ckanext.opendata_collectivites.vocabularies import build

    if not source and not schemas and not schema_files:
        raise click.UsageError("indiquez --source, --schemas et/ou --schema-files")
    if source:
        path, count = build.build_territories(source, output)
        click.echo(f"{count} territoires écrits dans {path}")
    if schemas:
        try:
            path, count = build.update_schemas(schemas)
        except ValueError as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"{count} versions de schémas écrites dans {path}")
    if schema_files:
        from ckanext.opendata_collectivites.validation import schemas as copies

        try:
            written = copies.refresh_from_site()
        except ValueError as e:
            raise click.ClickException(str(e)) from None
        for ref in written:
            click.echo(f"schéma {ref.name} {ref.version} copié")
        click.echo(f"{len(written)} schéma(s) copié(s) dans {copies.SCHEMAS_DIR}")


@vocabularies.command("check")
def vocabularies_check() -> None:
    """Signale les jeux de données et collectivités sortis des vocabulaires."""
    from ckanext.opendata_collectivites.vocabularies import check

    problems = check.run()
    for pb in problems:
        click.echo(f"{pb.kind} {pb.name} : {pb.field} = {pb.value!r} inconnu")
    click.echo(f"{len(problems)} valeur(s) hors vocabulaire")
    if problems:
        raise SystemExit(1)


@collectivites.group()
def harvest() -> None:
    """Moissonnage des catalogues des collectivités membres."""


@harvest.command("run")
@click.argument("source")
def harvest_run(source: str) -> None:
    """Moissonne maintenant une source (nom ou id) : barre de progression et bilan."""
    from ckanext.opendata_collectivites.harvest import cli_run

    raise SystemExit(cli_run.run(source))


def get_commands() -> list[click.Command]:
    return [collectivites]
