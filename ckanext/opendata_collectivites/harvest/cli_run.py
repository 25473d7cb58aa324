"""``ckan collectivites harvest run <source>``: progress bar and summary."""
from __future__ import annotations

import click

from ckanext.opendata_collectivites.harvest.run import run_source

LABELS = {
    "added": "ajoutés",
    "updated": "mis à jour",
    "unchanged": "inchangés",
    "withdrawn": "retirés",
    "errors": "en erreur",
}


def run(source: str) -> int:
    """Harvest ``source`` now; returns the exit code (1 if the gather failed)."""
    import ckan.plugins.toolkit as tk

    bar: dict[str, object] = {}

    def on_start(total: int) -> None:
        click.echo(f"{total} objet(s) à importer")
        bar["bar"] = click.progressbar(length=total, label="Import",
                                       show_pos=True, show_eta=True)
        bar["bar"].__enter__()

    def on_object(status: str) -> None:
        bar["bar"].update(1)

    try:
        click.echo(f"Moissonnage de la source « {source} »…")
        summary = run_source(source, on_start=on_start, on_object=on_object)
    except tk.ObjectNotFound:
        click.echo(f"Source de moissonnage introuvable : {source}", err=True)
        return 2
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    for message in summary.gather_errors:
        click.secho(f"Erreur : {message}", fg="red", err=True)
    click.echo("Bilan : " + ", ".join(
        f"{summary.counts.get(key, 0)} {label}" for key, label in LABELS.items()))
    for message in summary.object_errors[:20]:
        click.echo(f"  - {message}")
    if len(summary.object_errors) > 20:
        click.echo(f"  … et {len(summary.object_errors) - 20} autre(s) message(s)")
    return 0 if summary.ok else 1
