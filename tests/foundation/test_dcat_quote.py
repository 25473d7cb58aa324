"""ckanext-dcat's URI clean-up, one translation instead of 20 passes: same output."""

from __future__ import annotations

from ckanext.dcat.profiles.base import CleanedURIRef
from rdflib import URIRef

from ckanext.opendata_collectivites.compat import dcat_quote

SAMPLES = [
    "".join(chr(i) for i in range(32, 127)),
    "https://example.org/a b/(x)?q=[1,2]&r={é}|^`'\"\\;<>!*$",
    "déjà%20encodé ",
    "",
]


def test_same_string_as_ckanext_dcat_for_every_ascii_character():
    for value in SAMPLES + [chr(i) for i in range(0, 256)]:
        assert dcat_quote.careful_quote(value) == dcat_quote.original(value)


def test_applied_by_the_extension_and_reversible():
    assert dcat_quote.is_applied()
    value = SAMPLES[1]
    fixed = CleanedURIRef(value)
    dcat_quote.revert()
    try:
        assert not dcat_quote.is_applied()
        assert CleanedURIRef(value) == fixed
    finally:
        dcat_quote.apply()
    assert dcat_quote.is_applied()
    assert isinstance(fixed, URIRef) and "%20" in fixed and " " not in fixed
