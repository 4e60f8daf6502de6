"""REST routes of the fake Discord (API v10): login, application commands, interactions, webhooks, channels.

Route placeholders are named like discord.py's ``Route`` paths, so ``RecordedRequest.route`` and rate-limit paths
read the same as discord.py's own route keys (e.g. ``POST /channels/{channel_id}/messages``).
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from . import payloads
from .gateway import Gateway
from .payloads import EPHEMERAL, JSON, LOADING
from .recorder import EventKind, RecordedFile, Recorder
from .state import CommandRegistry, InteractionState, InteractionStore, MessageStore
from .wire import API_PREFIX, UNHANDLED_ROUTE, body_of, error_response, files_of, json_response, no_content
from .world import FakeChannel, World

# Interaction callback types.
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

#: Which callback types Discord accepts for which interaction type.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    payloads.APPLICATION_COMMAND: frozenset({CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE, MODAL}),
    payloads.MESSAGE_COMPONENT: frozenset(
        {CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL}
    ),
    payloads.APPLICATION_COMMAND_AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    payloads.MODAL_SUBMIT: frozenset(
        {CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}
    ),
}

# Discord JSON error codes.
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_APPLICATION = 10002
UNKNOWN_INTERACTION = 10062
INTERACTION_ALREADY_ACKNOWLEDGED = 40060
INVALID_FORM_BODY = 50035


class RestApi:
    """Request handlers; all state lives in the objects passed in."""

    def __init__(
        self,
        *,
        world: World,
        recorder: Recorder,
        commands: CommandRegistry,
        interactions: InteractionStore,
        messages: MessageStore,
        gateway: Gateway,
        gateway_url: Callable[[], str],
    ) -> None:
        self._world = world
        self._recorder = recorder
        self._commands = commands
        self._interactions = interactions
        self._messages = messages
        self._gateway = gateway
        self._gateway_url = gateway_url

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Register every route, then a catch-all that answers 404 for anything not implemented."""
        p = API_PREFIX
        app_cmds = p + "/applications/{application_id}"
        hook_msg = p + "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
        chan_msg = p + "/channels/{channel_id}/messages/{message_id}"
        router.add_get(p + "/users/@me", self.get_current_user)
        router.add_get(p + "/gateway", self.get_gateway)
        router.add_get(p + "/gateway/bot", self.get_gateway_bot)
        router.add_get(p + "/oauth2/applications/@me", self.get_application)
        router.add_get(p + "/applications/@me", self.get_application)
        router.add_get(app_cmds + "/commands", self.get_commands)
        router.add_put(app_cmds + "/commands", self.put_commands)
        router.add_get(app_cmds + "/guilds/{guild_id}/commands", self.get_commands)
        router.add_put(app_cmds + "/guilds/{guild_id}/commands", self.put_commands)
        router.add_post(p + "/interactions/{webhook_id}/{webhook_token}/callback", self.interaction_callback)
        router.add_post(p + "/webhooks/{webhook_id}/{webhook_token}", self.create_followup)
        router.add_get(hook_msg, self.get_webhook_message)
        router.add_patch(hook_msg, self.edit_webhook_message)
        router.add_delete(hook_msg, self.delete_webhook_message)
        router.add_get(p + "/channels/{channel_id}", self.get_channel)
        router.add_post(p + "/channels/{channel_id}/typing", self.trigger_typing)
        router.add_get(p + "/channels/{channel_id}/messages", self.get_channel_messages)
        router.add_post(p + "/channels/{channel_id}/messages", self.create_channel_message)
        router.add_get(chan_msg, self.get_channel_message)
        router.add_patch(chan_msg, self.edit_channel_message)
        router.add_delete(chan_msg, self.delete_channel_message)
        router.add_route("*", p + "/{tail:.*}", self.not_implemented, name=UNHANDLED_ROUTE)

    # ------------------------------------------------------------------ login
    async def get_current_user(self, request: web.Request) -> web.Response:
        """``GET /users/@me`` (discord.py's login; the middleware already rejected wrong tokens with 401)."""
        return json_response(payloads.bot_user(self._world.bot))

    async def get_gateway(self, request: web.Request) -> web.Response:
        """``GET /gateway``."""
        return json_response({"url": self._gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        """``GET /gateway/bot``."""
        return json_response(payloads.gateway_bot(self._gateway_url(), self._gateway.recommended_shards))

    async def get_application(self, request: web.Request) -> web.Response:
        """``GET /oauth2/applications/@me`` (called by ``Client.login``) and ``GET /applications/@me``."""
        return json_response(payloads.application_info(self._world))

    # ------------------------------------------------------------------ application commands
    async def get_commands(self, request: web.Request) -> web.Response:
        """``GET`` global or guild commands."""
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        return json_response(self._commands.list(scope))

    async def put_commands(self, request: web.Request) -> web.Response:
        """``PUT`` (bulk overwrite) global or guild commands; recorded as ``COMMANDS_SYNCED``."""
        scope = self._command_scope(request)
        if isinstance(scope, web.Response):
            return scope
        body = body_of(request)
        if not isinstance(body, list):
            return error_response(400, INVALID_FORM_BODY, "Invalid Form Body: expected a list of commands")
        registered = self._commands.overwrite(scope, body)
        self._recorder.record(EventKind.COMMANDS_SYNCED, body=body, guild_id=scope)
        return json_response(registered)

    def _command_scope(self, request: web.Request) -> str | None | web.Response:
        if request.match_info["application_id"] != self._world.application_id:
            return error_response(404, UNKNOWN_APPLICATION, "Unknown Application")
        guild_id = request.match_info.get("guild_id")
        if guild_id is not None and guild_id not in {g.id for g in self._world.guilds}:
            return error_response(404, UNKNOWN_GUILD, "Unknown Guild")
        return guild_id

    # ------------------------------------------------------------------ interactions
    async def interaction_callback(self, request: web.Request) -> web.Response:
        """``POST /interactions/{id}/{token}/callback``: the initial response, recorded as ``INTERACTION_CALLBACK``."""
        state = self._interactions.get(request.match_info["webhook_id"])
        if state is None or state.token != request.match_info["webhook_token"]:
            return error_response(404, UNKNOWN_INTERACTION, "Unknown interaction")
        if state.responded:
            return error_response(400, INTERACTION_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        body: JSON = body_of(request) or {}
        callback_type = body.get("type")
        if callback_type not in ALLOWED_CALLBACKS.get(state.type, frozenset()):
            msg = f"Invalid Form Body: callback type {callback_type} is not valid for interaction type {state.type}"
            return error_response(400, INVALID_FORM_BODY, msg)
        data: JSON = body.get("data") or {}
        files: tuple[RecordedFile, ...] = files_of(request)
        message: JSON | None = None
        if callback_type == CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._new_interaction_message(state, data, files)
            state.original_message_id = message["id"]
            await self._echo_create(message)
        elif callback_type == DEFERRED_CHANNEL_MESSAGE:
            loading = {"flags": LOADING | (int(data.get("flags") or 0) & EPHEMERAL)}
            message = self._new_interaction_message(state, loading, ())
            state.original_message_id = message["id"]
            await self._echo_create(message)
        elif callback_type in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            state.original_message_id = state.source_message_id
            if callback_type == UPDATE_MESSAGE and state.source_message_id is not None:
                message = self._messages.update(state.source_message_id, data, payloads.now_iso())
                await self._echo_update(message)
        state.callback_type = callback_type
        self._recorder.record(
            EventKind.INTERACTION_CALLBACK,
            body=body,
            message=message,
            interaction_id=state.id,
            channel_id=state.channel.id,
            files=files,
        )
        ephemeral = bool((message["flags"] if message else int(data.get("flags") or 0)) & EPHEMERAL)
        return json_response(
            payloads.callback_response(
                interaction_id=state.id,
                interaction_type=state.type,
                callback_type=callback_type,
                message=message,
                ephemeral=ephemeral,
            )
        )

    async def create_followup(self, request: web.Request) -> web.Response:
        """``POST /webhooks/{application_id}/{token}``: a followup message, recorded as ``FOLLOWUP``."""
        state = self._interaction_for_webhook(request)
        if state is None or not state.responded:
            return error_response(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        files: tuple[RecordedFile, ...] = files_of(request)
        body: JSON = body_of(request) or {}
        thinking = self._messages.get(state.original_message_id) if state.original_message_id else None
        if thinking is not None and thinking["flags"] & LOADING:
            # Like Discord, the first followup to a deferral resolves its "thinking" message: it becomes that message,
            # public or ephemeral as the deferral was, whatever the followup's own flags say.
            message = self._messages.update(thinking["id"], body, payloads.now_iso())
        else:
            message = self._new_interaction_message(state, body, files)
            state.followup_ids.append(message["id"])
        self._recorder.record(
            EventKind.FOLLOWUP,
            body=body,
            message=message,
            interaction_id=state.id,
            channel_id=state.channel.id,
            files=files,
        )
        if thinking is not None and message["id"] == thinking["id"]:
            await self._echo_update(message)
        else:
            await self._echo_create(message)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message)
        return no_content()

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        """``GET /webhooks/{application_id}/{token}/messages/{id|@original}``."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        return json_response(self._messages.get(found[1]))

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        """``PATCH`` an interaction's original response or followup (``ORIGINAL_EDITED``/``WEBHOOK_MESSAGE_EDITED``)."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        state, message_id = found
        body: JSON = body_of(request) or {}
        message = self._messages.update(message_id, body, payloads.now_iso())
        is_original = request.match_info["message_id"] == "@original"
        self._recorder.record(
            EventKind.ORIGINAL_EDITED if is_original else EventKind.WEBHOOK_MESSAGE_EDITED,
            body=body,
            message=message,
            interaction_id=state.id,
            channel_id=state.channel.id,
            files=files_of(request),
        )
        await self._echo_update(message)
        return json_response(message)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        """``DELETE`` an interaction's original response or followup (``MESSAGE_DELETED``)."""
        found = self._webhook_message(request)
        if isinstance(found, web.Response):
            return found
        state, message_id = found
        await self._delete(message_id, interaction_id=state.id)
        return no_content()

    def _interaction_for_webhook(self, request: web.Request) -> InteractionState | None:
        if request.match_info["webhook_id"] != self._world.application_id:
            return None
        return self._interactions.by_token(request.match_info["webhook_token"])

    def _webhook_message(self, request: web.Request) -> tuple[InteractionState, str] | web.Response:
        state = self._interaction_for_webhook(request)
        if state is None:
            return error_response(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        requested = request.match_info["message_id"]
        message_id = state.original_message_id if requested == "@original" else requested
        own = {state.original_message_id, *state.followup_ids}
        if message_id is None or message_id not in own or self._messages.get(message_id) is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        return state, message_id

    def _new_interaction_message(self, state: InteractionState, body: JSON, files: tuple[RecordedFile, ...]) -> JSON:
        is_command = state.type == payloads.APPLICATION_COMMAND
        return self._messages.add(
            payloads.message(
                self._world,
                body,
                message_id=self._world.new_id(),
                channel_id=state.channel.id,
                author=self._world.bot,
                message_type=payloads.CHAT_INPUT_COMMAND_MESSAGE if is_command else payloads.DEFAULT_MESSAGE,
                attachments=self._attachments(files),
                extra={
                    "webhook_id": self._world.application_id,
                    "application_id": self._world.application_id,
                    "interaction_metadata": payloads.interaction_metadata(
                        state.id, state.type, state.user, state.channel.guild_id or "0"
                    ),
                },
            )
        )

    # ------------------------------------------------------------------ channels
    async def get_channel(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}``."""
        channel = self._channel(request)
        if channel is None:
            return error_response(404, UNKNOWN_CHANNEL, "Unknown Channel")
        return json_response(payloads.channel(channel))

    async def trigger_typing(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/typing``."""
        if self._channel(request) is None:
            return error_response(404, UNKNOWN_CHANNEL, "Unknown Channel")
        return no_content()

    async def get_channel_messages(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages``, newest first, as Discord answers it.

        ``limit`` (1-100, default 50) is honoured; with ``before`` the newest messages older than that id, with
        ``after`` the oldest messages newer than it (still listed newest first).
        """
        channel = self._channel(request)
        if channel is None:
            return error_response(404, UNKNOWN_CHANNEL, "Unknown Channel")
        limit = min(max(int(request.query.get("limit", "50")), 1), 100)
        messages = sorted(self._messages.in_channel(channel.id), key=lambda m: int(m["id"]))  # oldest first
        if "before" in request.query:
            messages = [m for m in messages if int(m["id"]) < int(request.query["before"])][-limit:]
        elif "after" in request.query:
            messages = [m for m in messages if int(m["id"]) > int(request.query["after"])][:limit]
        else:
            messages = messages[-limit:]
        return json_response(list(reversed(messages)))

    async def create_channel_message(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/messages``, recorded as ``CHANNEL_MESSAGE`` and echoed as MESSAGE_CREATE."""
        channel = self._channel(request)
        if channel is None:
            return error_response(404, UNKNOWN_CHANNEL, "Unknown Channel")
        body: JSON = body_of(request) or {}
        files: tuple[RecordedFile, ...] = files_of(request)
        message = self._messages.add(
            payloads.message(
                self._world,
                body,
                message_id=self._world.new_id(),
                channel_id=channel.id,
                author=self._world.bot,
                attachments=self._attachments(files),
            )
        )
        self._recorder.record(EventKind.CHANNEL_MESSAGE, body=body, message=message, channel_id=channel.id, files=files)
        await self._echo_create(message)
        return json_response(message)

    async def get_channel_message(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages/{id}``."""
        message = self._channel_message(request)
        if message is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        return json_response(message)

    async def edit_channel_message(self, request: web.Request) -> web.Response:
        """``PATCH /channels/{id}/messages/{id}``, recorded as ``CHANNEL_MESSAGE_EDITED``."""
        message = self._channel_message(request)
        if message is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        body: JSON = body_of(request) or {}
        updated = self._messages.update(message["id"], body, payloads.now_iso())
        self._recorder.record(
            EventKind.CHANNEL_MESSAGE_EDITED, body=body, message=updated, channel_id=updated["channel_id"]
        )
        await self._echo_update(updated)
        return json_response(updated)

    async def delete_channel_message(self, request: web.Request) -> web.Response:
        """``DELETE /channels/{id}/messages/{id}``, recorded as ``MESSAGE_DELETED``."""
        message = self._channel_message(request)
        if message is None:
            return error_response(404, UNKNOWN_MESSAGE, "Unknown Message")
        await self._delete(message["id"], interaction_id=None)
        return no_content()

    def _channel(self, request: web.Request) -> FakeChannel | None:
        return self._world.get_channel(request.match_info["channel_id"])

    def _channel_message(self, request: web.Request) -> JSON | None:
        message = self._messages.get(request.match_info["message_id"])
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            return None
        return message

    # ------------------------------------------------------------------ fallback
    async def not_implemented(self, request: web.Request) -> web.Response:
        """Anything else: 404, and the request is recorded with ``route=None`` (see ``unhandled_requests``)."""
        return error_response(404, 0, "404: Not Found")

    # ------------------------------------------------------------------ helpers
    def _attachments(self, files: tuple[RecordedFile, ...]) -> list[JSON]:
        return [payloads.attachment(self._world.new_id(), f.filename, len(f.data), f.content_type) for f in files]

    async def _delete(self, message_id: str, *, interaction_id: str | None) -> None:
        message = self._messages.delete(message_id)
        assert message is not None
        self._recorder.record(
            EventKind.MESSAGE_DELETED, message=message, interaction_id=interaction_id, channel_id=message["channel_id"]
        )
        if not message["flags"] & EPHEMERAL:
            deleted = {"id": message_id, "channel_id": message["channel_id"], "guild_id": message.get("guild_id")}
            await self._gateway.dispatch("MESSAGE_DELETE", deleted)

    async def _echo_create(self, message: JSON) -> None:
        """Like Discord, tell the bot about its own (non-ephemeral) message over the gateway."""
        if not message["flags"] & EPHEMERAL:
            await self._gateway.dispatch("MESSAGE_CREATE", message)

    async def _echo_update(self, message: JSON) -> None:
        if not message["flags"] & EPHEMERAL:
            await self._gateway.dispatch("MESSAGE_UPDATE", message)
