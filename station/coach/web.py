"""The board over HTTP (Starlette, served by uvicorn): a page, its static
files (shipped, no CDN), a JSON snapshot and a server-sent event stream.

Read-only: every route is GET; nothing here talks to a station. With a token
configured every request needs it (``?token=`` once, then a cookie, or
``Authorization: Bearer``); without one the board must listen on loopback
only (checked by the config and again by :func:`serve`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from pathlib import Path

from station.coach.board import Board
from station.config.net import is_loopback

STATIC = Path(__file__).with_name("static")
COOKIE = "station_board"
KEEPALIVE_S = 15.0


def _sse(kind: str, data: dict) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def make_app(board: Board, token: str = ""):
    """The Starlette app for ``board``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, StreamingResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    class TokenGate:
        def __init__(self, app) -> None:
            self.app = app

        async def __call__(self, scope, receive, send) -> None:
            if scope["type"] != "http" or not token:
                await self.app(scope, receive, send)
                return
            from starlette.requests import Request

            req = Request(scope)
            given = (req.query_params.get("token") or req.cookies.get(COOKIE)
                     or req.headers.get("authorization", "").removeprefix("Bearer "))
            if not hmac.compare_digest(given.encode(), token.encode()):
                await PlainTextResponse("the board needs its token: open /?token=...",
                                        status_code=401)(scope, receive, send)
                return
            if req.query_params.get("token"):
                async def send_cookie(message) -> None:
                    if message["type"] == "http.response.start":
                        message.setdefault("headers", []).append(
                            (b"set-cookie", f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode()))
                    await send(message)

                await self.app(scope, receive, send_cookie)
                return
            await self.app(scope, receive, send)

    async def index(request):
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def snapshot(request):
        return JSONResponse(await asyncio.to_thread(board.snapshot))

    async def events(request):
        q = board.listen()

        async def stream():
            try:
                yield _sse("board", await asyncio.to_thread(board.snapshot))
                while True:
                    try:
                        kind, data = await asyncio.wait_for(q.get(), KEEPALIVE_S)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    if kind == "resync":
                        kind, data = "board", await asyncio.to_thread(board.snapshot)
                    board.events_sent += 1
                    yield _sse(kind, data)
            finally:
                board.unlisten(q)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    routes = [Route("/", index, methods=["GET"]), Route("/api/board", snapshot, methods=["GET"]),
              Route("/events", events, methods=["GET"]),
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    return Starlette(routes=routes, middleware=[Middleware(TokenGate)])


def check_listen(host: str, token: str) -> None:
    """Refuse a board on a non-loopback address without a token."""
    if not is_loopback(host) and not token:
        raise ValueError(f"the board would listen on {host} without a token: set [coach] token "
                         "(12 or more characters) or listen on 127.0.0.1")


def serve(app, host: str, port: int, token: str) -> None:
    """Run uvicorn until SIGINT/SIGTERM."""
    import uvicorn

    check_listen(host, token)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=1)
