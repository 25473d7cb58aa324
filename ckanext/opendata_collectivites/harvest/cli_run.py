"""``ckan collectivites harvest run <source>``: progress bar and summary."""
from __future__ import annotations

import datetime

import click

from ckanext.opendata_collectivites.harvest.run import JobPending, run_source

LABELS = {
    "added": "ajoutés",
    "updated": "mis à jour",
    "unchanged": "inchangés",
    "withdrawn": "retirés",
    "errors": "en erreur",
}


EXIT_JOB_PENDING = 3


def _when(moment: datetime.datetime | None) -> str:
    return moment.strftime("%d/%m/%Y à %H:%M UTC") if moment else "?"


def pending_message(source: str, pending: JobPending) -> str:
    """Why nothing was started, and what to do, in French."""
    if pending.gather_started is None:
        return (
            f"Une tâche de moissonnage de la source « {source} » attend déjà dans "
            f"la file d'attente (créée le {_when(pending.created)}) : les "
            "processus de moissonnage la traiteront (ckan harvester "
            "gather-consumer et ckan harvester fetch-consumer). "
            "Aucun nouveau moissonnage n'a été lancé."
        )
    return (
        f"Un moissonnage de la source « {source} » est déjà en cours (démarré le "
        f"{_when(pending.gather_started)}) : attendez sa fin. S'il est bloqué, "
        f"arrêtez-le avec : ckan harvester job-abort {source}. "
        "Aucun nouveau moissonnage n'a été lancé."
    )


def run(source: str) -> int:
    """Harvest ``source`` now; returns the exit code (1 if the gather failed,
    2 for an unknown source, 3 if the queue consumers already own a job)."""
    import ckan.plugins.toolkit as tk

    bar: dict[str, object] = {}

    def on_start(total: int) -> None:
        click.echo(f"{total} objet(s) à importer")
        bar["bar"] = click.progressbar(length=total, label="Import",
                                       show_pos=True, show_eta=True)
        bar["bar"].__enter__()

    def on_object(status: str) -> None:
        bar["bar"].update(1)

    def on_job(reused: bool) -> None:
        if reused:
            click.echo("Tâche de moissonnage en attente reprise et lancée maintenant.")

    try:
        click.echo(f"Moissonnage de la source « {source} »…")
        summary = run_source(
            source, on_start=on_start, on_object=on_object, on_job=on_job
        )
    except tk.ObjectNotFound:
        click.echo(f"Source de moissonnage introuvable : {source}", err=True)
        return 2
    except JobPending as pending:
        click.secho(pending_message(source, pending), fg="yellow", err=True)
        return EXIT_JOB_PENDING
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
