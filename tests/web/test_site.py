"""The reports site (issue 42): each account reads exactly its role's documents, every download
and refusal is logged, and the hostile side (forms without their token, forged or expired
sessions, path tricks in ids, a guessed password) gets nothing."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from core.domain import ReportKind
from core.settings import Settings
from lianjie.web.documents import report_id as document_id
from lianjie.web.passwords import hashed
from lianjie.web.site import site
from models.accounts import add_account
from models.db import ready_engine, session_for
from models.records import access_log
from models.tables import Report, Unit

PASSWORD = "correct horse battery"
REPORTS = [  # kind, unit, what the PDF says
    (ReportKind.unit, "U1", "unit one"),
    (ReportKind.unit, "U2", "unit two"),
    (ReportKind.summary, "", "summary"),
    (ReportKind.confidential, "", "admonition list"),
    (ReportKind.annual, "", "the year"),
]
ACCOUNTS = {"team1": "unit:U1", "org": "organisation", "jiwei": "discipline", "both": "unit:U1,U2"}


@pytest.fixture
def reports(db_url: str, tmp_path: Path) -> dict[str, Report]:
    """A quarter's five reports on disk and in the register, and an account of each role."""
    ready_engine(db_url)
    found = {}
    with session_for(db_url) as session:
        session.add_all([Unit(code="U1", name="第一局"), Unit(code="U2", name="第二局")])
        for kind, unit, text in REPORTS:
            path = tmp_path / "reports" / f"2026Q4-{kind}-{unit}.pdf"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(f"%PDF-1.7 {text}".encode())
            report = Report(
                quarter="2026Q4",
                unit_code=unit,
                kind=kind,
                lang="zh",
                path=str(path),
                sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                generated_at=datetime.now(UTC),
            )
            session.add(report)
            found[text] = report
        for name, role in ACCOUNTS.items():
            kind, _, units = role.partition(":")
            add_account(
                session=session,
                name=name,
                role=kind,
                units=units.split(",") if units else [],
                password_hash=hashed(PASSWORD),
            )
        session.commit()
        for report in found.values():
            session.refresh(report)
            session.expunge(report)
    return found


@pytest.fixture
def waits() -> list[int]:
    return []


@pytest.fixture
def client(reports: dict[str, Report], db_url: str, tmp_path: Path, waits: list[int]) -> TestClient:
    config = Settings(data_dir=tmp_path / "data", database_url=db_url, organisation="示范市")

    def slowdown(failures: int) -> float:
        waits.append(failures)
        return 0

    return TestClient(site(config, slowdown=slowdown), base_url="https://testserver")


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> int:
    form = client.get("/sign-in")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/sign-in",
        data={"name": name, "password": password, "token": token[1]},
        follow_redirects=False,
    )
    return answer.status_code


def listed(client: TestClient) -> set[str]:
    page = client.get("/")
    assert 200 == page.status_code
    return set(re.findall(r'href="/documents/([0-9a-f]{20})"', page.text))


def ids(reports: dict[str, Report], *texts: str) -> set[str]:
    return {document_id(reports[t]) for t in texts}


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("team1", ["unit one"]),
        ("both", ["unit one", "unit two"]),
        ("org", ["unit one", "unit two", "summary", "the year"]),
        ("jiwei", ["admonition list"]),
    ],
)
def test_each_account_sees_exactly_its_documents_and_can_download_them(
    client: TestClient, reports: dict[str, Report], name: str, readable: list[str]
) -> None:
    assert 303 == sign_in(client, name)
    assert ids(reports, *readable) == listed(client)
    for text in readable:
        pdf = client.get(f"/documents/{document_id(reports[text])}")
        assert 200 == pdf.status_code
        assert f"%PDF-1.7 {text}".encode() == pdf.content
        assert "no-store" == pdf.headers["cache-control"]


def test_another_roles_document_is_refused_and_logged(
    client: TestClient, reports: dict[str, Report], db_url: str
) -> None:
    sign_in(client, "team1")
    for text in ("unit two", "admonition list", "summary"):
        refused = client.get(f"/documents/{document_id(reports[text])}")
        assert 403 == refused.status_code
        assert text.encode() not in refused.content
    client.get(f"/documents/{document_id(reports['unit one'])}")
    with session_for(db_url) as session:
        log = access_log(session=session)
    assert [
        ("web:team1", "refused", reports["unit two"].path, False),
        ("web:team1", "refused", reports["admonition list"].path, True),
        ("web:team1", "refused", reports["summary"].path, False),
        ("web:team1", "download", reports["unit one"].path, False),
    ] == [(r["os_user"], r["action"], r["path"], r["confidential"]) for r in log]


def test_the_access_page_is_the_organisations_and_the_discipline_bodys(
    client: TestClient, reports: dict[str, Report]
) -> None:
    sign_in(client, "jiwei")
    client.get(f"/documents/{document_id(reports['admonition list'])}")
    client.post("/sign-out", data={"token": _csrf(client)})
    sign_in(client, "team1")
    assert 403 == client.get("/access").status_code
    client.post("/sign-out", data={"token": _csrf(client)})
    sign_in(client, "org")  # the organisation does not learn who read the confidential list
    assert "admonition" not in client.get("/access").text
    client.post("/sign-out", data={"token": _csrf(client)})
    sign_in(client, "jiwei")
    page = client.get("/access").text
    assert "web:jiwei" in page and "2026Q4-confidential-.pdf" in page


def test_a_form_without_its_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in")
    answer = client.post("/sign-in", data={"name": "org", "password": PASSWORD, "token": "x"})
    assert 403 == answer.status_code
    assert "lianjie_session" not in client.cookies
    sign_in(client, "org")
    assert 403 == client.post("/sign-out", data={}).status_code
    assert 403 == client.post("/sign-out", data={"token": "guessed"}).status_code
    assert 200 == client.get("/").status_code  # still signed in


def test_a_forged_or_expired_session_is_sent_to_sign_in(
    client: TestClient, reports: dict[str, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "team1")
    cookie = client.cookies["lianjie_session"]
    payload, _, signature = cookie.rpartition(".")
    for forged in (f"{payload}.{signature[::-1]}", "W10.abc.def", ""):
        client.cookies.set("lianjie_session", forged, domain="testserver.local")
        client.cookies.clear()
        client.cookies.set("lianjie_session", forged)
        assert "/sign-in" == client.get("/", follow_redirects=False).headers.get("location")
    # made two hours ago: past the hour a session lasts
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 7200)
    old = client.app.state.site.cookies.session("org")[0]  # type: ignore[attr-defined]
    monkeypatch.undo()
    client.cookies.clear()
    client.cookies.set("lianjie_session", old)
    assert 303 == client.get("/", follow_redirects=False).status_code
    pdf = client.get(f"/documents/{document_id(reports['summary'])}", follow_redirects=False)
    assert 303 == pdf.status_code


@pytest.mark.parametrize(
    "doc_id",
    [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "0123456789ABCDEF0123",  # the right length, the wrong letters
        "0123456789abcdef0123",  # the right shape, no such document
        "x" * 5000,
    ],
)
def test_path_tricks_in_ids_serve_nothing(client: TestClient, doc_id: str, db_url: str) -> None:
    sign_in(client, "org")
    answer = client.get(f"/documents/{doc_id}")
    assert answer.status_code in (403, 404)  # our refusal, or the router's for a path
    assert b"root:" not in answer.content
    with session_for(db_url) as session:  # refused by the id's shape, or by the router first
        assert {"refused"} >= {r["action"] for r in access_log(session=session)}


def test_a_report_changed_on_disk_since_its_run_is_not_served(
    client: TestClient, reports: dict[str, Report]
) -> None:
    Path(reports["summary"].path).write_bytes(b"%PDF-1.7 something else")
    sign_in(client, "org")
    assert 403 == client.get(f"/documents/{document_id(reports['summary'])}").status_code


def test_ten_wrong_passwords_lock_the_account_and_each_answer_comes_slower(
    client: TestClient, waits: list[int]
) -> None:
    answers = [sign_in(client, "org", "wrong password!") for _ in range(10)]
    assert [401] * 10 == answers  # locked or wrong: one answer, not telling which
    assert list(range(1, 11)) == waits  # and the wait keeps growing
    assert 401 == sign_in(client, "org")  # the right password, while locked
    waits.clear()
    # unknown names wait as a real account's failures would: the time tells nothing either
    assert [401, 401, 401] == [sign_in(client, "nobody", "guess") for _ in range(3)]
    assert [1, 2, 3] == waits


def test_a_disabled_account_is_signed_out_at_once(client: TestClient, db_url: str) -> None:
    from models.accounts import account_named

    sign_in(client, "org")
    with session_for(db_url) as session:
        account = account_named(session=session, name="org")
        assert account is not None
        account.disabled = True
        session.add(account)
        session.commit()
    assert 303 == client.get("/", follow_redirects=False).status_code
    assert 401 == sign_in(client, "org")


def test_the_site_speaks_chinese_and_english(client: TestClient) -> None:
    assert "登录" in client.get("/sign-in").text
    client.get("/lang/en")
    assert "Sign in" in client.get("/sign-in").text


def _csrf(client: TestClient) -> str:
    token = re.search(r'name="token" value="([^"]+)"', client.get("/").text)
    assert token is not None
    return token[1]


def test_signing_out_ends_the_session_and_a_copy_of_its_cookie(client: TestClient) -> None:
    sign_in(client, "org")
    copied = client.cookies["lianjie_session"]
    assert (
        303
        == client.post(
            "/sign-out", data={"token": _csrf(client)}, follow_redirects=False
        ).status_code
    )
    client.cookies.set("lianjie_session", copied)
    assert 303 == client.get("/", follow_redirects=False).status_code


def test_what_the_discipline_body_does_is_kept_from_the_organisation(
    client: TestClient, reports: dict[str, Report], db_url: str
) -> None:
    """Its refusal of a unit's report would tell the organisation which unit it looks at."""
    sign_in(client, "jiwei")
    assert 403 == client.get(f"/documents/{document_id(reports['unit two'])}").status_code
    with session_for(db_url) as session:
        [row] = access_log(session=session)
    assert ("web:jiwei", "refused", True) == (row["os_user"], row["action"], row["confidential"])


def test_every_answer_carries_the_sites_headers(client: TestClient) -> None:
    for answer in (
        client.get("/sign-in"),
        client.get("/", follow_redirects=False),
        client.post("/sign-out", data={}),
        client.get("/no-such-page"),
    ):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "no-store" == answer.headers["cache-control"]


def test_a_link_followed_signed_out_leads_back_to_its_document(
    client: TestClient, reports: dict[str, Report]
) -> None:
    """A Prefect UI link or an e-mail names a document: once signed in, the reader gets it, not
    the list; an address elsewhere given as where to go after is not followed."""
    wanted = f"/documents/{document_id(reports['unit one'])}"
    first = client.get(wanted, follow_redirects=False)
    assert f"/sign-in?after={wanted}" == first.headers["location"]
    form = client.get(first.headers["location"]).text
    assert f'name="after" value="{wanted}"' in form
    token = re.search(r'name="token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/sign-in",
        data={"name": "team1", "password": PASSWORD, "token": token[1], "after": wanted},
        follow_redirects=False,
    )
    assert wanted == answer.headers["location"]
    assert b"unit one" in client.get(wanted).content
    client.post("/sign-out", data={"token": _csrf(client)})
    form = client.get("/sign-in?after=https://evil.example/x").text
    assert 'name="after" value="/"' in form


def test_nothing_the_discipline_body_does_reaches_the_organisations_log(
    client: TestClient, db_url: str
) -> None:
    """Not its failed sign-ins, nor the pages refused to it: the organisation reads the log."""
    sign_in(client, "jiwei", "wrong password")
    sign_in(client, "jiwei")
    assert 403 == client.get("/hand-in").status_code
    assert 403 == client.get("/status").status_code
    with session_for(db_url) as session:
        rows = access_log(session=session)
    assert {(r["action"], r["path"]) for r in rows} == {
        ("sign-in failed", "/sign-in"),
        ("refused", "/hand-in"),
        ("refused", "/status"),
    }
    assert all(r["confidential"] for r in rows)


def test_a_page_refused_to_a_unit_account_is_logged(client: TestClient, db_url: str) -> None:
    sign_in(client, "team1")
    assert 403 == client.get("/status").status_code
    with session_for(db_url) as session:
        [row] = access_log(session=session)
    assert ("web:team1", "refused", "/status", False) == (
        row["os_user"],
        row["action"],
        row["path"],
        row["confidential"],
    )


def test_a_strangers_file_is_refused_before_it_is_read(client: TestClient) -> None:
    """Only a signed-in session may send a file's worth: anyone else is stopped at 64 KB, from
    the length the request declares, before any of it is spooled."""
    file = {"file": ("roster.csv", b"x" * (1024 * 1024), "text/csv")}
    form = {"kind": "roster", "quarter": "2026Q4", "token": "t"}
    assert 413 == client.post("/hand-in", data=form, files=file).status_code
    client.cookies.set("lianjie_session", "forged.cookie.value")
    assert 413 == client.post("/hand-in", data=form, files=file).status_code
    client.cookies.clear()
    sign_in(client, "org")
    assert 413 != client.post("/hand-in", data=form, files=file).status_code
