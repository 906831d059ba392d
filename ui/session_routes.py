"""The two HTTP routes of password sign-in, served beside the app by serve.py (st.App): the
cookie a sign-in survives a refresh with is set and removed here, where a response can carry
it (a page's script cannot). /session/start trades the page's one-time code for the HttpOnly
session cookie; /session/end removes the cookie (the session was revoked by the page).

Without them (`streamlit run app.py`, AppTest) a sign-in lasts as long as the page's session.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from rag.config import get_settings
from rag.errors import PlanError
from rag.factory import open_sign_ins
from rag.plan.store import is_draft_id
from rag.signin import SignIns

COOKIE = "plan_session"
START = "/session/start"
END = "/session/end"
SERVED = False  # True once routes() was called: this server answers START and END


def routes() -> list[Route]:
    """The routes to mount (serve.py); from then on a sign-in asks the browser for the cookie."""
    global SERVED
    SERVED = True
    return [Route(START, _start), Route(END, _end)]


def start_url(code: str, draft: str | None = None) -> str:
    """Where the page sends the browser after a password sign-in (back to `draft` after it)."""
    query = {"code": code} | ({"draft": draft} if is_draft_id(draft) else {})
    return f"{START}?{urlencode(query)}"


@cache
def _sign_ins() -> SignIns:
    return open_sign_ins(get_settings())


def _back_to(request: Request) -> RedirectResponse:
    draft = request.query_params.get("draft")
    response = RedirectResponse(f"/?draft={draft}" if is_draft_id(draft) else "/", 303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def _start(request: Request) -> RedirectResponse:
    response = _back_to(request)
    try:
        token = await run_in_threadpool(_sign_ins().hand_over, request.query_params.get("code", ""))
    except PlanError:  # the database is down: the page asks for the password again and says so
        token = None
    if token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(get_settings().session_hours * 3600),
            path="/",
            secure=_https(request),
            httponly=True,
            samesite="lax",
        )
    return response


async def _end(request: Request) -> RedirectResponse:
    response = _back_to(request)
    response.delete_cookie(COOKIE, path="/", secure=_https(request), httponly=True, samesite="lax")
    return response
