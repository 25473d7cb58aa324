"""Select the search engine and install it behind CKAN's Solr seam.

CKAN builds every Solr connection with ``pysolr.Solr(...)`` (looked up at call
time in ``ckan.lib.search.common.make_connection``, which CKAN core and
ckanext-harvest import by name).  With ``ckanext.collectivites.search.engine =
postgresql`` the engine replaces ``pysolr.Solr`` by a dispatcher returning a
:class:`~.connection.PostgresSolr`; with ``solr`` the dispatcher hands out the
real ``pysolr.Solr`` and CKAN's Solr path is untouched.  The installation is
process-wide and idempotent: it survives CKAN's plugin unload/reload in tests.
``pysolr.SolrError`` stays the real class (CKAN catches it by name).
"""

from __future__ import annotations

from typing import Any

import pysolr

ENGINE_OPTION = "ckanext.collectivites.search.engine"
LANGUAGES_OPTION = "ckanext.collectivites.search.languages"
PLACEHOLDER_URL = "http://postgresql.invalid/ckan-index"  # never contacted
ENGINES = ("postgresql", "solr")

_REAL_SOLR = pysolr.Solr
_state: dict[str, Any] = {"engine": None, "installed": False, "check": None}


def active_engine() -> str | None:
    """The engine in use (``None`` before configuration)."""
    return _state["engine"]


class _SolrDispatcher(_REAL_SOLR):  # type: ignore[misc, valid-type]
    """Stands in for ``pysolr.Solr``: a PostgreSQL connection when the engine is
    ``postgresql``, otherwise the real Solr client (this class is a subclass)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if _state["engine"] == "postgresql":
            from ckanext.opendata_collectivites.search.connection import PostgresSolr

            return PostgresSolr(*args, **kwargs)
        return super().__new__(cls)


def _check_schema_version(schema_file: str | None = None) -> bool:
    """CKAN's Solr schema check, skipped (``False``: does not apply) for PostgreSQL."""
    if _state["engine"] == "postgresql" and schema_file is None:
        return False
    return _state["check"](schema_file)


def _install(config: Any) -> None:
    if _state["installed"]:
        return
    import ckan.lib.search as search
    import ckan.lib.search.common as common

    from ckanext.opendata_collectivites.search import connection, model, rebuild

    pysolr.Solr = _SolrDispatcher  # type: ignore[misc]
    common.Solr = _SolrDispatcher  # type: ignore[attr-defined]
    _state["check"] = search.check_solr_schema_version
    search.check_solr_schema_version = _check_schema_version
    connection.listen_session_events()
    rebuild.install()
    plugins = config.get("ckan.plugins") or []
    model.guard_rebuild(plugins.split() if isinstance(plugins, str) else list(plugins))
    _state["installed"] = True


def configure(config: Any) -> None:
    """Install the engine selected by ``ckanext.collectivites.search.engine``.

    With ``postgresql`` (the default) CKAN needs no ``solr_url``; a placeholder
    keeps CKAN's configuration validation and ``SolrSettings`` satisfied.
    """
    engine = (config.get(ENGINE_OPTION) or "postgresql").strip().lower()
    if engine not in ENGINES:
        raise ValueError(
            "{} must be one of {}, not {!r}".format(
                ENGINE_OPTION, ", ".join(ENGINES), engine
            )
        )
    _state["engine"] = engine
    _install(config)
    if engine != "postgresql":
        return
    from ckanext.opendata_collectivites.search import analysis, writer

    languages = config.get(LANGUAGES_OPTION) or "french"
    if isinstance(languages, str):
        languages = languages.split()
    if analysis.set_languages(languages):
        writer.clear_caches()
    if not config.get("solr_url") or config.get("solr_url") == PLACEHOLDER_URL:
        config["solr_url"] = PLACEHOLDER_URL
