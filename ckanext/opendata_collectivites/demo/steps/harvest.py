"""Harvest sources of member communes, one per platform, harvested now.

The catalogues are bundled in ``demo/data/harvest`` and served on
127.0.0.1:5081 by ``harvest.payload_server`` (``scripts/demo.sh`` keeps it
running for the portal's lifetime; if it is not running, this step serves
them itself while it harvests). The demo configuration allows localhost.
"""

from __future__ import annotations

import socket
import time

from ckanext.opendata_collectivites.demo.loader import DemoContext

ORDER = 30
# what a run did, as reported by ``ckan collectivites demo load``
LABELS = {
    "added": "jeux de données moissonnés (ajoutés)",
    "updated": "jeux de données moissonnés (mis à jour)",
    "unchanged": "jeux de données moissonnés (inchangés)",
    "withdrawn": "jeux de données moissonnés (retirés)",
    "errors": "erreurs de moissonnage",
}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def load(ctx: DemoContext) -> None:
    import ckan.plugins.toolkit as tk

    from ckanext.opendata_collectivites.harvest import payload_server as ps
    from ckanext.opendata_collectivites.harvest.run import run_source

    server = None
    for _ in range(20):  # scripts/demo.sh starts it in the background
        if _listening(ps.DEMO_PORT):
            break
        time.sleep(0.2)
    else:
        server = ps.demo_server(ps.DEMO_PORT).start()
    try:
        for mount, org, _file, path in ps.DEMO_SOURCES:
            name = f"moissonnage-{mount}"
            url = f"http://127.0.0.1:{ps.DEMO_PORT}/{mount}{path}"
            try:
                ctx.action("harvest_source_show", id=name)
            except tk.ObjectNotFound:
                owner = ctx.action("organization_show", id=org)
                ctx.action(
                    "harvest_source_create",
                    name=name,
                    url=url,
                    title=f"Catalogue de {owner['title']}",
                    source_type="collectivites",
                    owner_org=owner["id"],
                    frequency="MANUAL",
                    config='{"grace_days": 7}',
                )
                ctx.count("sources de moissonnage")
            summary = run_source(name)
            for key, label in LABELS.items():
                ctx.count(label, summary.counts.get(key, 0))
            for message in summary.gather_errors:
                print(f"    ! {name} : {message}")
    finally:
        if server is not None:
            server.stop()
