"""Per-action latency with and without the plugin-scan fix (issue: CKAN 2.11).

    make bench-db && .venv/bin/python benchmarks/core_actions.py [--repeat 30]

Prints p50/p95 of package_create, package_show, package_search and
organization_show through CKAN's action layer, first with CKAN's own
``find_system_plugins`` (the defect), then with ``compat.plugin_scan``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import uuid

import _ckan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    app = _ckan.boot()
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.opendata_collectivites.compat import plugin_scan

    with app.test_request_context():
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        ctx = lambda: {"user": site_user["name"], "ignore_auth": True}  # noqa: E731
        org = tk.get_action("organization_create")(
            ctx(),
            {
                "name": f"bench-{uuid.uuid4().hex[:8]}",
                "title": "Ville de Vitré",
                "collectivite_type": "commune",
                "siren": "213503600",
                "territory": "commune:35360",
            },
        )
        created: list[str] = []

        def create() -> None:
            pkg = tk.get_action("package_create")(
                ctx(),
                {
                    "name": f"bench-{uuid.uuid4().hex[:12]}",
                    "title": "Délibérations du conseil municipal",
                    "owner_org": org["id"],
                    "notes": "Jeu de données de mesure.",
                    "themes": ["administration"],
                    "license_id": "lov2",
                    "frequency": "MONTHLY",
                    "territories": ["commune:35360"],
                    "resources": [
                        {"url": "https://example.org/a.csv", "format": "CSV"}
                    ],
                },
            )
            created.append(pkg["id"])

        def show() -> None:
            tk.get_action("package_show")(ctx(), {"id": created[0]})

        def search() -> None:
            tk.get_action("package_search")(ctx(), {"q": "délibérations", "rows": 10})

        def org_show() -> None:
            tk.get_action("organization_show")(ctx(), {"id": org["id"]})

        actions = [
            ("package_create", create),
            ("package_show", show),
            ("package_search", search),
            ("organization_show", org_show),
        ]
        create()  # warm-up
        loads = {"n": 0}
        original_load = importlib.metadata.EntryPoint.load

        def counting_load(self):  # type: ignore[no-untyped-def]
            loads["n"] += 1
            return original_load(self)

        importlib.metadata.EntryPoint.load = counting_load  # type: ignore[method-assign]
        results: dict[str, dict[str, str]] = {}
        modes = (
            ("sans correctif", plugin_scan.revert),
            ("avec correctif", plugin_scan.apply),
        )
        # Alternate the two modes so that machine load affects both alike.
        for _ in range(2):
            for label, setup in modes:
                setup()
                for name, fn in actions:
                    fn()  # warm-up
                    loads["n"] = 0
                    samples = _ckan.timed(fn, args.repeat)
                    per_call = loads["n"] / args.repeat
                    results.setdefault(name, {})[label] = (
                        f"{_ckan.summary(samples)}   "
                        f"{per_call:6.1f} EntryPoint.load/appel"
                    )
        importlib.metadata.EntryPoint.load = original_load  # type: ignore[method-assign]
        plugin_scan.apply()
        for pkg_id in created:
            try:
                tk.get_action("dataset_purge")(ctx(), {"id": pkg_id})
            except tk.ObjectNotFound:
                pass
        tk.get_action("organization_purge")(ctx(), {"id": org["id"]})
        model.Session.remove()

    print(f"CKAN {tk.ckan.__version__}, {args.repeat} appels par action")
    for name, by_label in results.items():
        for label, line in by_label.items():
            print(f"{name:18s} {label:15s} {line}")


if __name__ == "__main__":
    main()
