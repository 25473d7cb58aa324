"""Keywords typed with commas in the dataset form become separate tags (#16).

The help text says "separated by commas". CKAN's tag picker (select2) answered
a comma with a simulated Enter (on CKAN 2.11 the comma was swallowed while
suggestions loaded) and emptied its field when its list closed, so the last
keyword typed was lost. Checked in headless Chromium on the real form (select2
4.1 on CKAN 2.12, 3.5 on CKAN 2.11), plus the form POST without JavaScript.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from tests.schemas.conftest import ORGS, full_dataset
from tests.schemas.test_pickers_browser import admin_page  # noqa: F401

FORM = {
    "name": "budget-2024",
    "title": "Budget 2024",
    "notes": "Budget primitif 2024 de Rennes Métropole, par chapitre et fonction.",
    "owner_org": "rennes-metropole",
    "license_id": "lov2",
    "access_rights": "PUBLIC",
    "language": "FRA",
    "save": "continue",
}


def _rennes(user: dict[str, Any]) -> None:
    call_action(
        "organization_create",
        {"user": user["name"]},
        name="rennes-metropole",
        **ORGS["rennes-metropole"],
    )


def _tags(name: str) -> list[str]:
    return sorted(t["name"] for t in call_action("package_show", id=name)["tags"])


@pytest.fixture
def user(plugins, clean_db, clean_index):
    user = factories.SysadminWithToken()
    _rennes(user)
    return user


def test_form_post_splits_keywords_on_commas(app, user):
    headers = {"Authorization": user["token"]}
    field = BeautifulSoup(
        app.get("/dataset/new", headers=headers).body, "html.parser"
    ).find("input", attrs={"name": "tag_string"})
    assert field["data-module"].split() == ["autocomplete", "collectivites-keywords"]
    resp = app.post(
        "/dataset/new",
        data={**FORM, "tag_string": " budget, conseil municipal,vote ,, "},
        headers=headers,
        follow_redirects=False,
    )
    assert resp.status_code == 302
    assert _tags("budget-2024") == ["budget", "conseil municipal", "vote"]
    # the edit form shows them comma-separated and keeps them on save
    page = app.get("/dataset/edit/budget-2024", headers=headers).body
    shown = BeautifulSoup(page, "html.parser").find("input", {"name": "tag_string"})
    assert shown["value"] == "budget, conseil municipal, vote"


def _keyword_field(tab):
    # select2 3.5 (CKAN 2.11) puts its container before the input, 4.1 after it
    picker = tab.locator(
        "#s2id_field-tag_string, #field-tag_string + .select2-container"
    )
    expect(picker).to_be_visible()  # select2 has started
    return picker


def _fill_the_rest(tab) -> None:
    tab.fill("#field-title", "Budget 2024")
    # the slug and licence fields are behind JS widgets: set them directly
    tab.eval_on_selector("#field-name", "el => { el.value = 'budget-2024'; }")
    tab.fill("#field-notes", "Budget primitif 2024 de Rennes Métropole, par chapitre.")
    tab.eval_on_selector("#field-license_id", "el => { el.value = 'lov2'; }")


def _save(tab) -> None:
    """Submit the form; its redirect goes to ckan.site_url, which does not resolve."""
    with tab.expect_response(lambda r: r.request.method == "POST") as resp:
        tab.locator("button[name=save]").first.click()
    assert resp.value.status == 302


@pytest.mark.browser
def test_keywords_typed_with_commas_are_all_saved(admin_page, live_server):  # noqa: F811
    tab = admin_page
    _rennes(tab.admin)
    tab.goto(live_server + "/dataset/new")
    picker = _keyword_field(tab)
    picker.locator(".select2-search__field, input.select2-input").click()
    tab.keyboard.type("budget, conseil municipal, vote", delay=20)
    # leave the field with the mouse, as a user does (select2 3.5 covers the page
    # with a mask while its list is open: that click only closes the list)
    notes = tab.locator("#field-notes")
    notes.scroll_into_view_if_needed()
    box = notes.bounding_box()
    tab.mouse.click(box["x"] + 5, box["y"] + 5)
    expect(
        picker.locator(".select2-selection__choice, .select2-search-choice")
    ).to_have_count(3)
    _fill_the_rest(tab)
    _save(tab)
    assert _tags("budget-2024") == ["budget", "conseil municipal", "vote"]


@pytest.mark.browser
def test_a_chosen_suggestion_is_not_doubled_by_the_typed_text(admin_page, live_server):  # noqa: F811
    tab = admin_page
    _rennes(tab.admin)
    call_action(
        "package_create",
        {"user": tab.admin["name"]},
        **full_dataset("rennes-metropole", tags=[{"name": "votations"}]),
    )
    tab.goto(live_server + "/dataset/new")
    picker = _keyword_field(tab)
    picker.locator(".select2-search__field, input.select2-input").click()
    tab.keyboard.type("budget, votat", delay=30)
    tab.locator(
        ".select2-results__option, .select2-result-label", has_text="votations"
    ).first.click()
    _fill_the_rest(tab)
    _save(tab)
    assert _tags("budget-2024") == ["budget", "votations"]
