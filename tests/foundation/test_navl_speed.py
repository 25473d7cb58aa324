"""The cheaper navl ``_validate`` gives exactly CKAN's results (CKAN 2.11, 2.12).

CKAN 2.12 flattens with the schema (``flatten_dict(data, schema=schema)``:
lists of dicts are flattened only where the schema expects them); the property
test feeds ``_validate`` both flattenings where the installed CKAN has both.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import ckan.lib.navl.dictization_functions as df
import pytest
from ckan.lib.navl import validators as v
from ckan.tests.lib.navl import test_dictization_functions as ckan_navl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.opendata_collectivites.compat import navl_speed

ORIGINALS = getattr(df, "_collectivites_original_navl", {})
ORIGINAL = ORIGINALS.get("_validate")
FLATTEN_READS_SCHEMA = "schema" in inspect.signature(df.flatten_dict).parameters


def test_applied_with_the_extension():
    assert navl_speed.has_defect(), "pinned CKAN 2.11 has the original _validate"
    assert navl_speed.is_applied() and df._validate is navl_speed._validate
    assert ORIGINAL is not None and ORIGINAL.__module__ == df.__name__
    assert navl_speed.has_defect("2.12.0") and not navl_speed.has_defect("2.13.0")
    assert df.flattened_order_key is navl_speed.order_key


@given(st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=6))
def test_same_sort_key(key):
    original = ORIGINALS["flattened_order_key"]
    assert navl_speed.order_key(tuple(key)) == original(tuple(key))
    assert navl_speed.order_key(key) == original(key)


# -- CKAN's own navl tests, run against the replacement --------------------------


@pytest.fixture(autouse=True)
def _ckan_tests_use_ours(monkeypatch):
    monkeypatch.setattr(ckan_navl, "_validate", navl_speed._validate)


TestCkanValidate = (ckan_navl.TestValidate)
TestCkanDictizationError = (ckan_navl.TestDictizationError)
TestCkanDictization = (ckan_navl.TestDictization)


# -- random schemas and data: same converted data, errors, calls, exceptions ----


def _log(key: Any, data: Any, errors: Any, context: Any) -> None:
    context["calls"].append((key, data.get(key)))


def _stop(key: Any, data: Any, errors: Any, context: Any) -> None:
    context["calls"].append(("stop", key))
    raise df.StopOnError


def _invalid(value: Any) -> Any:
    raise df.Invalid("valeur refusée")


def _upper(value: Any, context: Any) -> Any:
    return str(value).upper()


CONVERTERS = [_log, _stop, _invalid, _upper, v.ignore_missing, v.not_empty, v.ignore]
LEAVES = ["a", "b", "c", "__before", "__after", "__extras", "__junk"]

# each key's run starts with _log: the calls record the order keys are run in
converters = st.lists(st.sampled_from(CONVERTERS), max_size=3).map(
    lambda found: [_log, *found]
)
scalars = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["", "x", "Été"]))


def _nested(leaf: Any, child: Any, name: str) -> Any:
    """``leaf`` dicts, sometimes with ``child`` under ``name``."""

    def build(d: dict, sub: Any) -> dict:
        return d if sub is None else {**d, name: sub}

    return st.builds(build, leaf, st.one_of(child, child, st.none()))  # mostly nested


leaf_schema = st.dictionaries(st.sampled_from(LEAVES), converters, max_size=5)
schemas = _nested(leaf_schema, _nested(leaf_schema, leaf_schema, "t"), "s")
leaf_data = st.dictionaries(st.sampled_from(["a", "b", "x", "__extras"]), scalars)


def _values(items: Any) -> Any:
    lists = st.lists(items, min_size=1, max_size=3)
    return st.one_of(lists, lists, scalars, st.just([]))  # mostly lists


data_dicts = _nested(
    leaf_data, _values(_nested(leaf_data, _values(leaf_data), "t")), "s"
)


def _outcome(fn: Any, flat: dict, schema: dict) -> Any:
    context: dict[str, Any] = {"calls": []}
    try:
        converted, errors = fn(copy.deepcopy(flat), schema, context)
    except Exception as e:  # the same exception, with the same message
        return type(e), str(e), context["calls"]
    return converted, list(converted), errors, list(errors), context["calls"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, data=data_dicts)
def test_same_results_as_ckan(schema, data):
    flats = [df.flatten_dict(data)]
    if FLATTEN_READS_SCHEMA:  # CKAN 2.12's validate() flattens with the schema
        flats.append(df.flatten_dict(data, schema=schema))
    for flat in flats:
        assert _outcome(navl_speed._validate, flat, schema) == _outcome(
            ORIGINAL, flat, schema
        )
