"""The report, its PDF, and "you said, we did": exactly the reviewed themes, quotes only
from residents who agreed, saved versions that stay as they were, nothing personal on
the public page."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from survey_app import storage
from survey_app.storage.doors import Knock
from tests.conftest import soup
from tests.workspace.conftest import Q, copy_of, rows, send, signed_in
from tests.workspace.reviewed import Reviewed, review, withdraw_quote_consent
from tests.workspace.test_exports import response

R = "/en/analysis/what-matters/report"
W = "/en/analysis/what-matters/you-said-we-did"


def save_report(client: FlaskClient, lang: str = "en", **form: object) -> str:
    data = {
        "title": "What residents told us",
        "introduction": "Written by the Isle of Dogs team.\n\nThank you to every volunteer.",
        "sections": ["gathering", "engagement", "themes", "breakdowns", "involvement", "method"],
        **form,
    }
    reply = client.post(R.replace("/en/", f"/{lang}/"), data=data)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:3000]
    location = reply.headers["Location"]
    assert re.search(r"/report/\d+$", location)
    return location


def pdf_text(client: FlaskClient, page_url: str) -> str:
    reply = client.get(page_url + ".pdf")
    assert reply.status_code == 200
    assert reply.data.startswith(b"%PDF")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(reply.data)).pages)


def pin_new(team: Flask, client: FlaskClient, text: str, lang: str, gloss: str) -> str:
    """A new answer, placed by a person into the first reviewed theme and pinned there."""
    send(team, [response(text, lang, gloss=gloss)])
    rid = rows(team, "SELECT response_id FROM answers WHERE value = ?", (text,))[0][0]
    (theme_id,) = rows(team, "SELECT id FROM themes WHERE reviewed = 1 ORDER BY id")[0]
    reply = client.post(f"{Q}/answers/{rid}/move", data={"target": theme_id})
    assert reply.status_code == 302
    assert rows(team, "SELECT count(*) FROM theme_members WHERE response_id = ?", (rid,)) == [(1,)]
    (version,) = rows(team, "SELECT version FROM themes WHERE id = ?", (theme_id,))[0]
    reply = client.post(f"{Q}/themes/{theme_id}/pin/{rid}", data={"version": version})
    assert reply.status_code == 302
    return rid


def knock(team: Flask, door: str) -> None:
    """A door on the staff round, logged as a volunteer's tablet logs it."""
    with team.app_context():
        storage.doors.log(
            storage.get_db(),
            Knock(
                id=str(uuid.uuid4()),
                event_id=team.config["STAFF_ROUND"],
                street="Manchester Road",
                door=door,
                outcome="no_answer",
                knocked_at="2026-12-02T11:00:00Z",
            ),
            None,
        )


def show_with_update(client: FlaskClient, theme_id: str, text: str) -> None:
    """Show a theme on the public page, with one dated update, as the team does."""
    assert client.post(f"{W}/{theme_id}/show", data={"public": "1"}).status_code == 302
    reply = client.post(W, data={"theme_id": theme_id, "text": text, "happened_on": "2027-01-15"})
    assert reply.status_code == 302


@pytest.fixture(scope="module")
def reviewed_once(
    team_file: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Reviewed, int]:
    """One analysis and review for the module, kept in a file each test gets a copy of."""
    database = tmp_path_factory.mktemp("reviewed") / "team.sqlite"
    app = copy_of(*team_file, database)
    done = review(app, signed_in(app, "analyst@example.org"))
    return database, done, team_file[1]


@pytest.fixture
def team(reviewed_once: tuple[Path, Reviewed, int], tmp_path: Path) -> Flask:
    """The reviewed team's app on a copy of its own."""
    template, _done, staff_round = reviewed_once
    return copy_of(template, staff_round, tmp_path / "team.sqlite")


@pytest.fixture
def reviewed(
    team: Flask, reviewed_once: tuple[Path, Reviewed, int]
) -> tuple[FlaskClient, Reviewed]:
    return signed_in(team, "analyst@example.org"), reviewed_once[1]


def test_the_report_holds_exactly_the_reviewed_themes_and_consented_pinned_quotes(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    first, second = list(done.pinned)
    withdraw_quote_consent(team, done.pinned[second])
    knock(team, "Flat 7B")
    page = soup(client.get(save_report(client)))
    names = [h.get_text(strip=True) for h in page.select("[data-testid=report-theme] h3")]
    assert sorted(names) == sorted(done.named.values())
    unreviewed = rows(team, "SELECT label FROM themes WHERE reviewed = 0")
    assert unreviewed and not any(label in names for (label,) in unreviewed)
    quotes = [q.blockquote.get_text(strip=True) for q in page.select("[data-testid=report-quote]")]
    assert quotes == [" ".join(done.pinned_text[first].split())] or quotes == [
        done.pinned_text[first].strip()
    ]
    html = str(page)
    assert done.pinned_text[second] not in html
    # The quote carries its own language and direction.
    block = page.select_one("[data-testid=report-quote] blockquote")
    assert block is not None and block["lang"] and block["dir"] in ("ltr", "rtl")
    # A number of people who offered to get involved, never who they are.
    assert page.select_one("[data-testid=report-involved]") is not None
    # Every chart has its data beside it as a table: responses, and doors knocked.
    for measure in ("responses", "doors"):
        chart = page.select_one(f"[data-testid=report-chart-{measure}]")
        assert chart is not None and chart.svg is not None
        table = chart.find_next_sibling("table")
        assert table is not None and "the chart's data" in table.caption.get_text()
    # A door's label never reaches the report.
    assert "Flat 7B" not in html


def test_a_saved_report_stays_as_it_was(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    first_url = save_report(client)
    theme_id = next(iter(done.named))
    (version,) = rows(team, "SELECT version FROM themes WHERE id = ?", (theme_id,))[0]
    client.post(
        f"{Q}/themes/{theme_id}/rename",
        data={"version": version, "name": "Renamed later", "description": ""},
    )
    send(team, [response("One more answer about the park")])
    old = client.get(first_url).get_data(as_text=True)
    assert done.named[theme_id] in old and "Renamed later" not in old
    new = client.get(save_report(client, title="Second version")).get_data(as_text=True)
    assert "Renamed later" in new
    versions = soup(client.get(R)).select("[data-testid=report-versions] li")
    assert len(versions) == 2
    assert rows(team, "SELECT count(*) FROM reports") == [(2,)]


def test_chosen_sections_only_and_a_clear_message_when_none(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, _done = reviewed
    page = soup(client.get(save_report(client, sections=["themes"])))
    assert page.select("[data-testid=report-theme]")
    assert page.select_one("#r-gathering") is None and page.select_one("#r-method") is None
    reply = client.post(R, data={"title": "No sections", "introduction": ""})
    assert reply.status_code == 200
    assert "Choose at least one section." in reply.get_data(as_text=True)
    assert rows(team, "SELECT count(*) FROM reports") == [(1,)]


ARABIC = "نحتاج إلى حديقة نظيفة ومكان آمن للأطفال"
URDU = "ہمیں پارک کی ضرورت ہے"
CHINESE = "我们需要公园和更近的诊所"
BENGALI = "আমাদের এলাকায় পার্ক দরকার"


def test_the_pdf_has_the_quotes_as_written_and_no_unconsented_quote(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    _first, second = list(done.pinned)
    for text, lang in ((ARABIC, "ar"), (URDU, "ur"), (CHINESE, "zh_Hans")):
        pin_new(team, client, text, lang, "We need a park")
    url = save_report(client)
    text = pdf_text(client, url)
    assert "What residents told us" in text
    for name in done.named.values():
        assert name in text
    for quote in (ARABIC, URDU, CHINESE):
        assert quote in text
    # Withdrawn consent: a new version leaves the quote out of the PDF too.
    withdraw_quote_consent(team, done.pinned[second])
    withdraw_quote_consent(
        team, rows(team, "SELECT response_id FROM answers WHERE value = ?", (ARABIC,))[0][0]
    )
    later_url = save_report(client)
    later = pdf_text(client, later_url)
    assert ARABIC not in later and CHINESE in later
    assert done.pinned_text[second].split(" (")[0] not in later
    assert rows(team, "SELECT what, format FROM export_log") == [
        (f"report {url.rsplit('/', 1)[1]}", "pdf"),
        (f"report {later_url.rsplit('/', 1)[1]}", "pdf"),
    ]


def test_the_pdf_sets_bengali_in_a_bengali_font(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, _done = reviewed
    pin_new(team, client, BENGALI, "bn", "We need a park in our area")
    url = save_report(client, lang="bn")
    reply = client.get(url + ".pdf")
    assert reply.status_code == 200
    reader = PdfReader(io.BytesIO(reply.data))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # The Bengali headings, figures and quote are set in a Bengali font, not boxes.
    assert any("Bengali" in f for f in fonts), fonts
    # The quote itself is on the page as written (and copies out of the PDF as written:
    # test_report_pdf_text.py).
    assert BENGALI in client.get(url).get_data(as_text=True)


def test_a_report_opens_in_the_language_it_was_written_in(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, _done = reviewed
    url = save_report(client, lang="ar")
    assert url.startswith("/ar/")
    english = url.replace("/ar/", "/en/")
    reply = client.get(english)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(url)
    page = soup(client.get(url))
    assert page.html["dir"] == "rtl"


def test_a_report_and_its_pdf_are_made_in_every_language(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    for lang in team.config["LANGUAGES"]:
        tag = lang.replace("_", "-")
        url = save_report(client, lang=tag)
        assert url.startswith(f"/{tag}/")
        page = client.get(url)
        assert page.status_code == 200
        assert len(soup(page).select("[data-testid=report-theme]")) == len(done.named)
        assert pdf_text(client, url)


def test_you_said_we_did_shows_only_chosen_reviewed_themes_and_nothing_personal(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    send(
        team,
        [
            response(
                "Call me about the park",
                get_involved="yes",
                contact_consent="yes",
                contact_name="Amina Rahman",
                contact_phone="07700 900123",
                contact_email="amina@example.org",
            )
        ],
    )
    knock(team, "Flat 7B")
    team_page = soup(client.get(W))
    # A QR code for posters, pointing at the public page (the address is not set here,
    # so the team is warned before printing).
    assert team_page.select_one(".qr-box svg[role=img]") is not None
    assert team_page.select_one("[data-testid=public-address-warning]") is not None
    assert "/en/you-said/what-matters" in team_page.get_text()
    public = team.test_client()  # a resident: nobody signed in
    assert "nothing-yet" in public.get("/en/you-said/what-matters").get_data(as_text=True)
    first, second = list(done.pinned)
    assert client.post(f"{W}/{first}/show", data={"public": "1"}).status_code == 302
    reply = client.post(
        W,
        data={
            "theme_id": first,
            "text": "New benches from the council",
            "happened_on": "2027-01-15",
        },
    )
    assert reply.status_code == 302
    assert rows(team, "SELECT theme_id, text, happened_on FROM theme_actions") == [
        (first, "New benches from the council", "2027-01-15")
    ]
    # Bad input changes nothing and says why.
    reply = client.post(W, data={"theme_id": first, "text": "", "happened_on": "soon"})
    assert reply.status_code == 200 and "Write what was done." in reply.get_data(as_text=True)
    assert rows(team, "SELECT count(*) FROM theme_actions") == [(1,)]
    assert (
        client.post(
            W, data={"theme_id": "nope", "text": "x", "happened_on": "2027-01-01"}
        ).status_code
        == 404
    )
    for lang in ("en", "ar", "bn"):
        reply = public.get(f"/{lang}/you-said/what-matters")
        html, page = reply.get_data(as_text=True), soup(reply)
        assert [h.get_text(strip=True) for h in page.select("[data-testid=public-theme] h2")] == [
            done.named[first]
        ]
        assert "New benches from the council" in html
        assert done.pinned_text[first].split("\n")[0] in html
        for personal in ("Amina", "07700", "amina@example.org", "analyst", "Round"):
            assert personal not in html
        doors = rows(team, "SELECT door, street FROM doors")
        assert doors == [("Flat 7B", "Manchester Road")]
        assert "Flat 7B" not in html and "Manchester Road" not in html
    # A quote whose resident later withdrew consent leaves the public page.
    withdraw_quote_consent(team, done.pinned[first])
    html = public.get("/en/you-said/what-matters").get_data(as_text=True)
    assert done.pinned_text[first].split("\n")[0] not in html
    # Residents cannot write to it, volunteers cannot either.
    assert public.post(
        W, data={"theme_id": first, "text": "x", "happened_on": "2027-01-01"}
    ).status_code in (302, 401)
    volunteer = signed_in(team, "volunteer@example.org")
    assert volunteer.post(f"{W}/{first}/show", data={"public": "0"}).status_code == 403
    assert rows(team, "SELECT public FROM themes WHERE id = ?", (first,)) == [(1,)]


def test_the_public_page_in_residents_languages(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    first = next(iter(done.pinned))
    show_with_update(client, first, "New benches")
    ((action_id,),) = rows(team, "SELECT id FROM theme_actions")
    team_page = soup(client.get(W))
    links = [a["href"] for a in team_page.select("[data-testid=translate-links] a")]
    assert f"{W}/in/bn" in links and f"{W}/in/en" not in links
    # A Bengali-speaking volunteer translates; a volunteer cannot write Arabic they don't speak.
    rina = signed_in(team, "bengali@example.org")
    assert rina.get(f"{W}/in/ar").status_code == 403
    page = soup(rina.get(f"{W}/in/bn"))
    assert page.select_one(f"[name='theme:{first}:name']") is not None
    too_long = {f"theme:{first}:name": "বাড়ি", f"action:{action_id}": "ক" * 2001}
    reply = rina.post(f"{W}/in/bn", data=too_long)
    assert reply.status_code == 200
    assert soup(reply).select_one("[data-testid=error-summary]") is not None
    assert rows(team, "SELECT count(*) FROM public_texts") == [(0,)]  # all or nothing
    reply = rina.post(
        f"{W}/in/bn",
        data={f"theme:{first}:name": "বাড়ি", f"action:{action_id}": "নতুন বেঞ্চ"},
    )
    assert reply.status_code == 302
    assert sorted(rows(team, "SELECT item, language, text FROM public_texts")) == [
        (f"action:{action_id}", "bn", "নতুন বেঞ্চ"),
        (f"theme:{first}:name", "bn", "বাড়ি"),
    ]
    public = team.test_client()
    bengali = soup(public.get("/bn/you-said/what-matters"))
    heading = bengali.select_one("[data-testid=public-theme] h2")
    assert heading is not None and heading.get_text(strip=True) == "বাড়ি"
    assert heading.get("lang") is None  # in the page's own language
    assert "নতুন বেঞ্চ" in bengali.get_text() and "New benches" not in bengali.get_text()
    # Where nobody translated, the team's words show, marked as English for screen readers.
    arabic = soup(public.get("/ar/you-said/what-matters"))
    heading = arabic.select_one("[data-testid=public-theme] h2")
    assert heading is not None and heading.get_text(strip=True) == done.named[first]
    assert heading["lang"] == "en" and heading["dir"] == "ltr"
    # Removing an update removes its translations.
    client.post(f"{W}/actions/{action_id}/remove")
    assert rows(team, "SELECT item FROM public_texts") == [(f"theme:{first}:name",)]


def test_a_double_click_saves_one_version_and_adds_one_update(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    page = soup(client.get(R))
    field = page.select_one("input[name=request_id]")
    assert field is not None and field["value"]
    first = save_report(client, request_id=field["value"])
    again = save_report(client, request_id=field["value"])
    assert first == again
    assert rows(team, "SELECT count(*) FROM reports") == [(1,)]
    theme = next(iter(done.named))
    team_page = soup(client.get(W))
    ids = {
        i["value"] for i in team_page.select("[data-testid=said-did-theme] input[name=request_id]")
    }
    assert len(ids) == len(done.named)  # one per theme's form
    form = {"theme_id": theme, "text": "New benches", "happened_on": "2027-01-15"}
    for _ in range(2):
        reply = client.post(W, data={**form, "request_id": "same-click"})
        assert reply.status_code == 302
    assert rows(team, "SELECT count(*) FROM theme_actions") == [(1,)]


def test_undoing_a_review_decision_keeps_a_themes_public_page_updates(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    first = next(iter(done.pinned))
    show_with_update(client, first, "New benches")
    (version,) = rows(team, "SELECT version FROM themes WHERE id = ?", (first,))[0]
    client.post(
        f"{Q}/themes/{first}/rename",
        data={"version": version, "name": "Renamed by mistake", "description": ""},
    )
    (entry,) = rows(
        team, "SELECT id FROM review_log WHERE action = 'rename' ORDER BY id DESC LIMIT 1"
    )[0]
    assert client.post(f"{Q}/history/{entry}/undo").status_code == 302
    assert rows(team, "SELECT name, public, name_language FROM themes WHERE id = ?", (first,)) == [
        (done.named[first], 1, "en")
    ]
    assert rows(team, "SELECT text FROM theme_actions WHERE theme_id = ?", (first,)) == [
        ("New benches",)
    ]
    page = soup(team.test_client().get("/en/you-said/what-matters"))
    assert "New benches" in page.get_text()


def test_a_merged_themes_updates_go_on_with_the_merged_theme(
    team: Flask, reviewed: tuple[FlaskClient, Reviewed]
) -> None:
    client, done = reviewed
    a, b = list(done.named)
    client.post(W, data={"theme_id": b, "text": "Park cleaned", "happened_on": "2027-02-01"})
    va, vb = (rows(team, "SELECT version FROM themes WHERE id = ?", (t,))[0][0] for t in (a, b))
    reply = client.post(
        f"{Q}/merge", data={"theme": [a, b], f"version_{a}": va, f"version_{b}": vb}
    )
    assert reply.status_code == 302
    assert rows(team, "SELECT count(*) FROM themes WHERE id = ?", (b,)) == [(0,)]
    assert rows(team, "SELECT theme_id, text FROM theme_actions") == [(a, "Park cleaned")]
