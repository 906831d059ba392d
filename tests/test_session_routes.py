"""The sign-in routes serve.py mounts (ui/session_routes.py), over HTTP without a browser: a
one-time code becomes an HttpOnly session cookie once, a made-up or spent code gets none, the
cookie is Secure behind HTTPS, and the way back keeps only a well-formed draft id."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rag.config import get_settings
from rag.factory import open_sign_ins
from ui import session_routes


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLAN_SESSION_HOURS", "2")
    monkeypatch.setattr(session_routes, "SERVED", False)  # restored after the test
    get_settings.cache_clear()
    session_routes._sign_ins.cache_clear()
    app = Starlette(routes=session_routes.routes())
    yield TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    session_routes._sign_ins.cache_clear()
    get_settings.cache_clear()


def test_a_code_becomes_an_httponly_cookie_once(client):
    sign_ins = open_sign_ins(get_settings())
    started = sign_ins.start("alice")
    answer = client.get(session_routes.start_url(started.code, "0123456789ab"))
    assert answer.status_code == 303 and answer.headers["location"] == "/?draft=0123456789ab"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{session_routes.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=7200" in cookie
    assert "Secure" not in cookie
    token = answer.cookies[session_routes.COOKIE]
    assert sign_ins.user(token) == "alice" and sign_ins.user(started.token) is None
    again = client.get(session_routes.start_url(started.code))
    assert again.status_code == 303 and "set-cookie" not in again.headers


def test_a_made_up_code_gets_no_cookie_and_a_bad_draft_id_is_dropped(client):
    answer = client.get("/session/start?code=made-up&draft=../../evil")
    assert answer.headers["location"] == "/" and "set-cookie" not in answer.headers


def test_behind_https_the_cookie_is_secure_and_signing_out_removes_it(client):
    started = open_sign_ins(get_settings()).start("alice")
    https = {"x-forwarded-proto": "https"}
    answer = client.get(session_routes.start_url(started.code), headers=https)
    assert "Secure" in answer.headers["set-cookie"]
    gone = client.get(session_routes.END, headers=https)
    assert gone.headers["location"] == "/"
    assert "Max-Age=0" in gone.headers["set-cookie"] and "HttpOnly" in gone.headers["set-cookie"]
