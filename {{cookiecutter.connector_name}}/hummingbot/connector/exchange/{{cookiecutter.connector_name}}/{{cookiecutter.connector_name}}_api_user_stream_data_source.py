{%- from "python_imports.j2" import from_import %}
import asyncio
{%- if cookiecutter.user_stream == "listen_key" %}
import time
{%- else %}
import uuid
{%- endif %}
from typing import TYPE_CHECKING, {% if cookiecutter.user_stream == "ws_api" %}Any, Dict, {% endif %}List, Optional

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS", cookiecutter.connector_name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_auth", [cookiecutter.__class_prefix ~ "Auth"]) }}
from hummingbot.core.data_type.user_stream_tracker_data_source import UserStreamTrackerDataSource
{%- if cookiecutter.user_stream == "listen_key" %}
from hummingbot.core.utils.async_utils import safe_ensure_future
from hummingbot.core.web_assistant.connections.data_types import RESTMethod
{%- else %}
from hummingbot.core.web_assistant.connections.data_types import WSJSONRequest, WSResponse
{%- endif %}
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory
from hummingbot.core.web_assistant.ws_assistant import WSAssistant
from hummingbot.logger import HummingbotLogger

if TYPE_CHECKING:
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_exchange", [cookiecutter.__class_prefix ~ "Exchange"], indent="    ") }}
{%- set user_stream_path = cookiecutter.connector_name | upper ~ "_USER_STREAM_PATH_URL" %}


class {{ cookiecutter.__class_prefix }}APIUserStreamDataSource(UserStreamTrackerDataSource):
{%- if cookiecutter.user_stream == "listen_key" %}
    """
    The private stream is a websocket whose URL carries a listen key: the key is created over REST, kept alive with a
    PUT every LISTEN_KEY_KEEP_ALIVE_INTERVAL seconds, and dropped whenever the stream is interrupted.
    """

    LISTEN_KEY_KEEP_ALIVE_INTERVAL = CONSTANTS.LISTEN_KEY_KEEP_ALIVE_INTERVAL
    LISTEN_KEY_RETRY_INTERVAL = 5.0
    MAX_RETRIES = 3
{%- else %}
    """
    The private stream is a subscription on the exchange's websocket API, signed with the API secret. Events arrive
    wrapped as {"subscriptionId": N, "event": {...}}; the wrapper is removed before they are queued.
    """
{%- endif %}

    _logger: Optional[HummingbotLogger] = None

    def __init__(self,
                 auth: {{ cookiecutter.__class_prefix }}Auth,
                 trading_pairs: List[str],
                 connector: '{{ cookiecutter.__class_prefix }}Exchange',
                 api_factory: WebAssistantsFactory,
                 domain: str = CONSTANTS.DEFAULT_DOMAIN):
        super().__init__()
        self._auth: {{ cookiecutter.__class_prefix }}Auth = auth
        self._domain = domain
        self._api_factory = api_factory
        self._connector = connector
{%- if cookiecutter.user_stream == "listen_key" %}
        self._current_listen_key: Optional[str] = None
        self._last_listen_key_ping_ts: Optional[int] = None
        self._manage_listen_key_task: Optional[asyncio.Task] = None
        self._listen_key_initialized_event = asyncio.Event()
{%- endif %}

    async def _get_ws_assistant(self) -> WSAssistant:
        # A new assistant per connection: a dropped one must not be reused.
        return await self._api_factory.get_ws_assistant()
{%- if cookiecutter.user_stream == "listen_key" %}

    async def _get_listen_key(self, max_retries: int = MAX_RETRIES) -> str:
        """
        Creates a listen key, retrying with an exponential backoff.

        :param max_retries: how many times a failed request is retried before giving up
        :return: the listen key
        """
        retry_count = 0
        backoff_time = 1.0
        rest_assistant = await self._api_factory.get_rest_assistant()
        while True:
            try:
                data = await rest_assistant.execute_request(
                    url=web_utils.public_rest_url(path_url=CONSTANTS.{{ user_stream_path }}, domain=self._domain),
                    method=RESTMethod.POST,
                    throttler_limit_id=CONSTANTS.{{ user_stream_path }},
                    headers=self._auth.header_for_authentication(),
                    timeout=5.0,
                )
                # TODO({{ cookiecutter.connector_name }}): the field of the answer that holds the listen key.
                return data["listenKey"]
            except asyncio.CancelledError:
                raise
            except Exception as exception:
                retry_count += 1
                if retry_count > max_retries:
                    raise IOError(f"Error fetching user stream listen key after {max_retries} retries. "
                                  f"Error: {exception}")
                self.logger().warning(f"Retry {retry_count}/{max_retries} fetching user stream listen key. "
                                      f"Error: {exception!r}")
                await self._sleep(backoff_time)
                backoff_time *= 2

    async def _ping_listen_key(self) -> bool:
        """
        Keeps the current listen key alive.

        :return: True if the exchange accepted the keep-alive, False otherwise
        """
        rest_assistant = await self._api_factory.get_rest_assistant()
        try:
            data = await rest_assistant.execute_request(
                url=web_utils.public_rest_url(path_url=CONSTANTS.{{ user_stream_path }}, domain=self._domain),
                params={"listenKey": self._current_listen_key},
                method=RESTMethod.PUT,
                return_err=True,
                throttler_limit_id=CONSTANTS.{{ user_stream_path }},
                headers=self._auth.header_for_authentication(),
            )
            if "code" in data:
                self.logger().warning(f"Failed to refresh the listen key {self._current_listen_key}: {data}")
                return False
        except asyncio.CancelledError:
            raise
        except Exception as exception:
            self.logger().warning(f"Failed to refresh the listen key {self._current_listen_key}: {exception}")
            return False
        return True

    async def _manage_listen_key_task_loop(self):
        """
        Obtains a listen key when there is none and refreshes it every LISTEN_KEY_KEEP_ALIVE_INTERVAL seconds; a failed
        refresh drops the key, so the next round (and the next connection) gets a new one.
        """
        while True:
            try:
                now = int(time.time())
                if self._current_listen_key is None:
                    self._current_listen_key = await self._get_listen_key()
                    self._last_listen_key_ping_ts = now
                    self._listen_key_initialized_event.set()
                    self.logger().info(f"Successfully obtained listen key {self._current_listen_key}")

                if now - self._last_listen_key_ping_ts >= self.LISTEN_KEY_KEEP_ALIVE_INTERVAL:
                    if await self._ping_listen_key():
                        self.logger().info(f"Successfully refreshed listen key {self._current_listen_key}")
                        self._last_listen_key_ping_ts = now
                    else:
                        self.logger().error(f"Failed to refresh listen key {self._current_listen_key}. "
                                            f"Getting a new key...")
                        self._drop_listen_key()
                await self._sleep(self.LISTEN_KEY_RETRY_INTERVAL)
            except asyncio.CancelledError:
                self._drop_listen_key()
                raise
            except Exception as exception:
                self.logger().error(f"Error occurred renewing listen key ... {exception}")
                self._drop_listen_key()
                await self._sleep(self.LISTEN_KEY_RETRY_INTERVAL)

    def _drop_listen_key(self):
        self._current_listen_key = None
        self._listen_key_initialized_event.clear()

    async def _ensure_listen_key_task_running(self):
        if self._manage_listen_key_task is not None and not self._manage_listen_key_task.done():
            return
        self._manage_listen_key_task = safe_ensure_future(self._manage_listen_key_task_loop())

    async def _connected_websocket_assistant(self) -> WSAssistant:
        """
        Connects to the user stream once the listen key management task has obtained a key.
        """
        await self._ensure_listen_key_task_running()
        await self._listen_key_initialized_event.wait()

        ws = await self._get_ws_assistant()
        url = f"{web_utils.wss_url(self._domain)}/{self._current_listen_key}"
        await ws.connect(ws_url=url, ping_timeout=CONSTANTS.WS_HEARTBEAT_TIME_INTERVAL)
        self.logger().info("Successfully connected to user stream")
        return ws

    async def _subscribe_channels(self, websocket_assistant: WSAssistant):
        """
        Nothing to send: the listen key in the connection URL selects the account's stream, and the exchange pushes
        every order, trade and balance event on it.

        :param websocket_assistant: the websocket assistant connected to the user stream
        """
        self.logger().info("User stream connected with its listen key: no channel subscription is needed")

    async def _on_user_stream_interruption(self, websocket_assistant: Optional[WSAssistant]):
        """
        Stops refreshing the listen key and drops it, so the next connection uses a fresh one.
        """
        if self._manage_listen_key_task is not None:
            self._manage_listen_key_task.cancel()
            self._manage_listen_key_task = None
        self._drop_listen_key()
        websocket_assistant and await websocket_assistant.disconnect()
{%- else %}

    async def _connected_websocket_assistant(self) -> WSAssistant:
        ws = await self._get_ws_assistant()
        await ws.connect(ws_url=web_utils.wss_api_url(self._domain), ping_timeout=CONSTANTS.WS_HEARTBEAT_TIME_INTERVAL)
        return ws

    async def _subscribe_channels(self, websocket_assistant: WSAssistant):
        """
        Sends the signed user data stream subscription and checks the exchange accepted it.

        :param websocket_assistant: the websocket assistant connected to the websocket API
        """
        try:
            payload = {
                "id": str(uuid.uuid4()),
                "method": CONSTANTS.USER_STREAM_SUBSCRIBE_METHOD,
                "params": self._auth.generate_ws_subscribe_params(),
            }
            await websocket_assistant.send(WSJSONRequest(payload=payload))

            response: WSResponse = await websocket_assistant.receive()
            data = response.data
            # TODO({{ cookiecutter.connector_name }}): how the exchange acknowledges the subscription.
            if not isinstance(data, dict) or data.get("status") != 200:
                raise IOError(f"Error subscribing to user stream (response: {data})")
            self.logger().info("Successfully subscribed to user data stream via WebSocket API")
        except IOError:
            raise
        except asyncio.CancelledError:
            raise
        except Exception:
            self.logger().exception("Unexpected error subscribing to user data stream")
            raise

    async def _process_event_message(self, event_message: Dict[str, Any], queue: asyncio.Queue):
        if not isinstance(event_message, dict) or len(event_message) == 0:
            return
        if "id" in event_message and "status" in event_message:
            return  # the answer to a request of ours, not an account event
        if "event" in event_message and "subscriptionId" in event_message:
            event_message = event_message["event"]
        if event_message.get("e") == CONSTANTS.USER_STREAM_TERMINATED_EVENT_TYPE:
            # Raising makes the base class's listen loop reconnect and subscribe again.
            raise ConnectionError("User data stream subscription terminated by server")
        queue.put_nowait(event_message)

    async def _on_user_stream_interruption(self, websocket_assistant: Optional[WSAssistant]):
        websocket_assistant and await websocket_assistant.disconnect()
{%- endif %}
