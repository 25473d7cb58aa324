"""One adapter per platform; each turns remote records into :class:`Record`."""

from __future__ import annotations

from ckanext.opendata_collectivites.harvest.adapters.base import Adapter, Detected
from ckanext.opendata_collectivites.harvest.adapters.ckan import CkanAdapter
from ckanext.opendata_collectivites.harvest.adapters.dcat import DcatAdapter
from ckanext.opendata_collectivites.harvest.adapters.ods import OdsAdapter
from ckanext.opendata_collectivites.harvest.adapters.scdl import ScdlAdapter
from ckanext.opendata_collectivites.harvest.adapters.udata import UdataAdapter

ADAPTERS: dict[str, Adapter] = {
    "ckan": CkanAdapter(),
    "ods": OdsAdapter(),
    "udata": UdataAdapter(),
    "dcat": DcatAdapter(),
    "scdl": ScdlAdapter(),
}

__all__ = ["ADAPTERS", "Adapter", "Detected"]
