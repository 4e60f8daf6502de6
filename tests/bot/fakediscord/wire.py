"""REST plumbing shared by all routes: JSON responses, request bodies, and the middleware that authenticates,
injects 429s, adds rate-limit headers, records every request and turns crashes of the fake into loud errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from . import payloads
from .holds import Holds
from .ratelimits import OK_HEADERS, RateLimiter, bucket_of, rate_limit_headers
from .recorder import EventKind, RecordedFile, RecordedRequest, Recorder

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
UNHANDLED_ROUTE = "unhandled"
#: Routes authenticated by the interaction/webhook token in the URL rather than the bot token.
TOKEN_AUTHENTICATED_PREFIXES = ("/interactions/", "/webhooks/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Where the middleware leaves the decoded body for the route handlers (typed keys exist since aiohttp 3.13).
if hasattr(web, "RequestKey"):
    _BODY: Any = web.RequestKey("fakediscord_body", object)
    _FILES: Any = web.RequestKey("fakediscord_files", tuple)
else:  # pragma: no cover - older aiohttp
    _BODY, _FILES = "fakediscord_body", "fakediscord_files"


def body_of(request: web.Request) -> Any:
    """The decoded JSON body (``payload_json`` for multipart requests); None if there was none."""
    return request[_BODY]


def files_of(request: web.Request) -> tuple[RecordedFile, ...]:
    """Files uploaded with the request."""
    return request[_FILES]


def json_response(data: object, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    discord.py's ``json_or_text`` compares the header with that exact string; aiohttp's ``web.json_response``
    appends ``; charset=utf-8`` and discord.py would then return the body to the bot as a ``str``.
    """
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={hdrs.CONTENT_TYPE: "application/json", **(headers or {})},
    )


def error_response(status: int, code: int, message: str) -> web.Response:
    """A Discord-style JSON error."""
    return json_response(payloads.error(code, message), status=status)


def no_content() -> web.Response:
    """An empty 204."""
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Any, tuple[RecordedFile, ...]]:
    """Decode a request body: JSON, or discord.py's multipart form (``payload_json`` plus ``files[n]``)."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):  # pragma: no cover - nested multipart is not used
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                data = bytes(await part.read(decode=False))
                files.append(
                    RecordedFile(part.name or "", part.filename or "", part.headers.get(hdrs.CONTENT_TYPE), data)
                )
        return body, tuple(files)
    raw = await request.read()
    return (json.loads(raw) if raw else None), ()


def route_template(request: web.Request) -> str | None:
    """The matched route without the API prefix (e.g. ``/channels/{channel_id}/messages``); None if unhandled."""
    route = request.match_info.route
    if route.name == UNHANDLED_ROUTE or route.resource is None:
        return None
    return route.resource.canonical.removeprefix(API_PREFIX)


class ApiMiddleware:
    """aiohttp middleware (:meth:`handle`) for everything under :data:`API_PREFIX`."""

    def __init__(
        self, *, token: str, recorder: Recorder, rate_limiter: RateLimiter, holds: Holds | None = None
    ) -> None:
        self._token = token
        self._recorder = recorder
        self._rate_limiter = rate_limiter
        self._holds = holds or Holds()
        #: Exceptions raised inside the fake's handlers (answered with a 400 so discord.py does not retry).
        self.server_errors: list[BaseException] = []

    @web.middleware
    async def handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Authenticate, maybe rate-limit, run the handler and record the exchange."""
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)  # the gateway websocket
        path = request.path.removeprefix(API_PREFIX)
        route = route_template(request)
        body: Any = None
        try:
            body, files = await read_body(request)
            request[_BODY], request[_FILES] = body, files
            response = await self._respond(request, handler, path, route)
        except Exception as exc:  # a bug in the fake: make it visible instead of letting discord.py retry a 500
            _log.exception("fake discord handler crashed on %s %s", request.method, path)
            self.server_errors.append(exc)
            response = error_response(400, 0, f"fake discord crashed: {exc!r}")
        self._recorder.record_request(
            RecordedRequest(
                method=request.method,
                path=path,
                route=route,
                query=dict(request.query),
                body=body,
                status=response.status,
                authorization=request.headers.get(hdrs.AUTHORIZATION),
            )
        )
        return response

    async def _respond(
        self, request: web.Request, handler: Handler, path: str, route: str | None
    ) -> web.StreamResponse:
        if route is None:
            _log.warning("fake discord has no route for %s %s", request.method, path)
            return error_response(404, 0, "404: Not Found (route not implemented by the fake Discord)")
        if not route.startswith(TOKEN_AUTHENTICATED_PREFIXES):
            if request.headers.get(hdrs.AUTHORIZATION) != f"Bot {self._token}":
                return error_response(401, 0, "401: Unauthorized")
        bucket = bucket_of(route)
        rule = self._rate_limiter.take(request.method, path)
        if rule is not None:
            self._recorder.record(
                EventKind.RATE_LIMITED,
                extra={"method": request.method, "path": path, "route": route, "retry_after": rule.retry_after},
            )
            body = payloads.rate_limited(rule.retry_after, is_global=rule.is_global)
            return json_response(body, status=429, headers=rate_limit_headers(rule, bucket))
        if not await self._holds.proceed(request.method, path, after_handling=False):
            return error_response(503, 0, "held and abandoned by the test")
        response = await handler(request)
        await self._holds.proceed(request.method, path, after_handling=True)
        response.headers.update({**OK_HEADERS, "X-RateLimit-Bucket": bucket})
        return response
