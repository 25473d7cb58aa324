"""The language walk's detector (tests/views/language.py) finds what #16 saw
on the portal, and stays quiet on correct pages."""

from __future__ import annotations

import pytest
import yaml

from tests.views.language import HERE, UserContent, other_language


def _page(lang: str, body: str) -> str:
    title = "Portail" if lang == "fr" else "Portal"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head>'
        f"<body><main>{body}</main></body></html>"
    )


# English seen on French pages of the portal before #16
@pytest.mark.parametrize(
    "english",
    [
        "Follow",
        "Follow Dataset",
        "Source type",
        "Username or Email",
        "Changed Package",
        "Click here to login",
        "You can use Markdown formatting here",
        "Toggle navigation",
        "1 harvest found",
    ],
)
def test_english_on_a_french_page_is_found(english):
    html = _page("fr", f"<h1>Jeux de données</h1><p><a href='#'>{english}</a></p>")
    found = other_language(html)
    assert [f.text for f in found] == [english]


def test_english_inside_a_french_sentence_is_found():
    """An activity line half translated: "created the jeu de données"."""
    html = _page(
        "fr",
        "<p><a href='/user/x'>Marie</a> created the jeu de données "
        "<a href='/dataset/y'>Budget</a></p>",
    )
    (finding,) = other_language(html)
    assert set(finding.words) >= {"created", "the"}


@pytest.mark.parametrize(
    "french",
    [
        "Jeux de données",
        "Type de source",
        "Mots-clés",
        "Rechercher des jeux de données",
    ],
)
def test_french_on_an_english_page_is_found(french):
    html = _page("en", f"<h1>Datasets</h1><p>{french}</p>")
    assert [f.text for f in other_language(html)] == [french]


def test_a_correct_page_is_quiet():
    """User content, code, URLs, e-mails, numbers and text marked with its own
    language are not the page's interface."""
    html = _page(
        "fr",
        "<h1>Qualité de l'air</h1>"
        "<p>Publié par <a href='/organization/x'>Ville de Rennes</a> le "
        "5 décembre 2026 sous Licence Ouverte.</p>"
        "<p>Air quality measured every hour by the station</p>"
        "<pre>curl https://example.org/api/3/action/package_show?id=x</pre>"
        "<code>package_search</code><script>var follow = 'the';</script>"
        "<p>Contact : donnees@example.org, https://www.example.org/open-data</p>"
        "<blockquote lang='en'>The dataset of the year</blockquote>"
        "<img alt='Logo du département' src='/logo.png'>"
        "<input type='submit' value='Rechercher'>",
    )
    user = UserContent(["Air quality measured every hour by the station"])
    assert other_language(html, user) == []


def test_user_content_inside_a_ui_string_is_skipped():
    html = _page(
        "fr", "<a title='Aller au jeu de données : Open data of the city'>x</a>"
    )
    assert other_language(html, UserContent(["Open data of the city"])) == []
    assert other_language(html) != []


def test_attributes_are_read():
    html = _page(
        "fr", "<button aria-label='Close'>×</button><input placeholder='Search'>"
    )
    assert {f.text for f in other_language(html)} == {"Close", "Search"}


def test_every_exception_has_a_reason():
    data = yaml.safe_load((HERE / "language_exceptions.yaml").read_text("utf-8"))
    entries = data["english_on_french"] + data["french_on_english"]
    assert len(entries) <= 10
    for entry in entries:
        assert entry["word"] and len(entry["reason"]) > 20, entry
