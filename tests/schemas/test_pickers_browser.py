"""The type-ahead pickers in headless Chromium (served over real HTTP)."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from tests.schemas.conftest import ORGS

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(plugins, clean_db, clean_index, page, live_server):  # noqa: F811
    """A page logged in as a sysadmin (API token header).

    CKAN's JavaScript loads its translations from ``ckan.site_url``
    (http://test.ckan.net in test.ini, which does not resolve): such requests are
    sent to the live server instead, otherwise no JS module starts.
    """
    user = factories.SysadminWithToken()
    page.context.set_extra_http_headers({"Authorization": user["token"]})

    def to_live_server(route):
        resp = route.fetch(
            url=route.request.url.replace("http://test.ckan.net", live_server)
        )
        headers = {**resp.headers, "access-control-allow-origin": "*"}
        route.fulfill(response=resp, headers=headers)

    page.route("http://test.ckan.net/**", to_live_server)
    page.admin = user
    yield page
    page.unroute_all(behavior="ignoreErrors")


def _pick(tab, field: str, typed: str, label: str) -> None:
    """Choose ``label`` in a picker: select2 3.5 (CKAN 2.11) or 4.1 (CKAN 2.12)."""
    old = tab.locator(f"#s2id_field-{field}")
    new = tab.locator(f"#field-{field} + .select2-container")
    expect(old.or_(new)).to_be_visible()  # once select2 has started
    if old.count():
        old.click()
    else:  # select2 4: a multiple picker has its search field inline
        inline = new.locator(".select2-search__field")
        (inline if inline.count() else new.locator(".select2-selection")).click()
    # type only once select2 has focused its search field
    search = tab.locator("input.select2-input:focus, .select2-search__field:focus")
    expect(search).to_have_count(1)
    search.press_sequentially(typed, delay=30)
    option = tab.locator(
        ".select2-result-label, .select2-results__option", has_text=label
    ).first
    expect(option).to_be_visible(timeout=10_000)
    option.click()


def test_territory_and_parent_pickers_fill_the_organisation_form(
    admin_page,
    live_server,  # noqa: F811
):
    tab = admin_page
    call_action(
        "organization_create",
        {"user": tab.admin["name"]},
        name="rennes-metropole",
        **ORGS["rennes-metropole"],
    )
    tab.goto(live_server + "/organization/new")
    tab.fill("#field-title", "Ville d'Ajaccio")
    # the slug field is hidden behind CKAN's slug preview: set it directly
    tab.eval_on_selector("#field-name", "el => { el.value = 'ville-d-ajaccio'; }")
    tab.select_option("#field-collectivite_type", "commune")
    _pick(tab, "territory", "ajacc", "Ajaccio (2A004)")
    assert tab.input_value("#field-territory") == "commune:2A004"
    _pick(tab, "parent", "renn", "Rennes Métropole")
    assert tab.input_value("#field-parent") == "rennes-metropole"
    tab.fill("#field-siren", "212000046")
    tab.locator("button[name=save]").click()
    tab.wait_for_url("**/organization/ville-d-ajaccio")
    org = call_action("organization_show", {}, id="ville-d-ajaccio")
    assert (org["territory"], org["parent"], org["population"]) == (
        "commune:2A004",
        "rennes-metropole",
        76320,
    )
    expect(tab.locator(".collectivite-population").first).to_contain_text("76")


def test_multiple_territories_in_the_dataset_form(admin_page, live_server):  # noqa: F811
    tab = admin_page
    call_action(
        "organization_create",
        {"user": tab.admin["name"]},
        name="rennes-metropole",
        **ORGS["rennes-metropole"],
    )
    tab.goto(live_server + "/dataset/new")
    _pick(tab, "territories", "saint-denis", "Saint-Denis (97411)")
    _pick(tab, "territories", "75056", "Paris (75056)")
    assert tab.input_value("#field-territories") == "commune:97411,commune:75056"
