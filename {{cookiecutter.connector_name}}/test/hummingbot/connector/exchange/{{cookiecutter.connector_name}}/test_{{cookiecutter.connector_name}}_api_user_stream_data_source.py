{%- from "python_imports.j2" import from_import %}
{%- set name = cookiecutter.connector_name %}
{%- set prefix = cookiecutter.__class_prefix %}
{%- set listen_key = cookiecutter.user_stream == "listen_key" %}
{%- set extra_credentials = cookiecutter.__api_credentials.split(",")[2:] -%}
import asyncio
{%- if not listen_key %}
import hashlib
import hmac
{%- endif %}
import json
{%- if listen_key %}
import re
{%- endif %}
from test.isolated_asyncio_wrapper_test_case import IsolatedAsyncioWrapperTestCase
from typing import Any, Dict, Optional
from unittest.mock import AsyncMock, MagicMock, patch

{% if listen_key -%}
from aioresponses import aioresponses
{% endif -%}
from bidict import bidict

{{ from_import("hummingbot.connector.exchange." ~ name, [name ~ "_constants as CONSTANTS", name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_api_user_stream_data_source", [prefix ~ "APIUserStreamDataSource"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_auth", [prefix ~ "Auth"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_exchange", [prefix ~ "Exchange"]) }}
from hummingbot.connector.test_support.network_mocking_assistant import NetworkMockingAssistant

DATA_SOURCE_PATH = ("hummingbot.connector.exchange.{{ name }}.{{ name }}_api_user_stream_data_source."
                    "{{ prefix }}APIUserStreamDataSource")


class {{ prefix }}UserStreamDataSourceUnitTests(IsolatedAsyncioWrapperTestCase):
    # the level is required to receive logs from the data source logger
    level = 0

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.base_asset = "COINALPHA"
        cls.quote_asset = "HBOT"
        cls.trading_pair = f"{cls.base_asset}-{cls.quote_asset}"
        cls.ex_trading_pair = cls.base_asset + cls.quote_asset
        cls.domain = CONSTANTS.DEFAULT_DOMAIN
        cls.listen_key = "TEST_LISTEN_KEY"

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.log_records = []
        self.listening_task: Optional[asyncio.Task] = None
        self.mocking_assistant = NetworkMockingAssistant(self.local_event_loop)

        self.mock_time_provider = MagicMock()
        self.mock_time_provider.time.return_value = 1000
        self.auth = {{ prefix }}Auth(
            api_key="TEST_API_KEY",
            secret_key="TEST_SECRET",
{%- for credential in extra_credentials %}
            {{ credential }}="TEST_{{ credential | upper }}",
{%- endfor %}
{%- if cookiecutter.time_synchronizer %}
            time_provider=self.mock_time_provider,
{%- endif %}
        )
{%- if not cookiecutter.time_synchronizer %}
        self.auth._time = self.mock_time_provider.time
{%- endif %}

        self.connector = {{ prefix }}Exchange(
            {{ name }}_api_key="",
            {{ name }}_api_secret="",
{%- for credential in extra_credentials %}
            {{ name }}_{{ credential }}="",
{%- endfor %}
            trading_pairs=[],
            trading_required=False,
            domain=self.domain)
        self.connector._web_assistants_factory._auth = self.auth

        self.data_source = {{ prefix }}APIUserStreamDataSource(
            auth=self.auth,
            trading_pairs=[self.trading_pair],
            connector=self.connector,
            api_factory=self.connector._web_assistants_factory,
            domain=self.domain
        )
        self.data_source.logger().setLevel(1)
        self.data_source.logger().addHandler(self)

        self.resume_test_event = asyncio.Event()
        self.connector._set_trading_pair_symbol_map(bidict({self.ex_trading_pair: self.trading_pair}))

    def tearDown(self) -> None:
        self.listening_task and self.listening_task.cancel()
        super().tearDown()

    def handle(self, record):
        self.log_records.append(record)

    def _is_logged(self, log_level: str, message: str) -> bool:
        return any(record.levelname == log_level and record.getMessage() == message for record in self.log_records)

    def _create_exception_and_unlock_test_with_event(self, exception):
        self.resume_test_event.set()
        raise exception

    def _create_return_value_and_unlock_test_with_event(self, value):
        self.resume_test_event.set()
        return value

    async def _wait_for_test_event(self):
        await asyncio.wait_for(self.resume_test_event.wait(), timeout=5)

    def _error_response(self) -> Dict[str, Any]:
        return {"code": "ERROR CODE", "msg": "ERROR MESSAGE"}

    def _user_update_event(self) -> Dict[str, Any]:
        return {"e": "executionReport", "E": 1499405658658, "s": self.ex_trading_pair, "c": "OID1", "x": "NEW",
                "X": "NEW", "i": 4293153}
{%- if listen_key %}

    def _listen_key_url_regex(self) -> re.Pattern:
        url = web_utils.public_rest_url(path_url=CONSTANTS.{{ name | upper }}_USER_STREAM_PATH_URL, domain=self.domain)
        return re.compile(f"^{url}".replace(".", r"\.").replace("?", r"\?"))

    def _mock_listen_key_creation(self, mock_api):
        mock_api.post(self._listen_key_url_regex(), body=json.dumps({"listenKey": self.listen_key}))

    @aioresponses()
    @patch(f"{DATA_SOURCE_PATH}._sleep")
    async def test_get_listen_key_log_exception(self, mock_api, _):
        mock_api.post(self._listen_key_url_regex(), status=400, body=json.dumps(self._error_response()), repeat=True)

        with self.assertRaises(IOError):
            await self.data_source._get_listen_key()
        self.assertTrue(any(record.levelname == "WARNING" and "Retry 1/" in record.getMessage()
                            for record in self.log_records))

    @aioresponses()
    async def test_get_listen_key_successful(self, mock_api):
        self._mock_listen_key_creation(mock_api)

        result: str = await self.data_source._get_listen_key()

        self.assertEqual(self.listen_key, result)
        request = next(calls[0] for (method, _), calls in mock_api.requests.items() if method == "POST")
        self.assertEqual("TEST_API_KEY", request.kwargs["headers"]["X-MBX-APIKEY"])

    @aioresponses()
    async def test_ping_listen_key_log_exception(self, mock_api):
        mock_api.put(self._listen_key_url_regex(), status=400, body=json.dumps(self._error_response()))
        self.data_source._current_listen_key = self.listen_key

        result: bool = await self.data_source._ping_listen_key()

        self.assertTrue(self._is_logged(
            "WARNING", f"Failed to refresh the listen key {self.listen_key}: {self._error_response()}"))
        self.assertFalse(result)

    @aioresponses()
    async def test_ping_listen_key_successful(self, mock_api):
        mock_api.put(self._listen_key_url_regex(), body=json.dumps({}))
        self.data_source._current_listen_key = self.listen_key

        result: bool = await self.data_source._ping_listen_key()

        self.assertTrue(result)
        put_url = next(url for method, url in mock_api.requests if method == "PUT")
        self.assertEqual(self.listen_key, put_url.query["listenKey"])

    @patch(f"{DATA_SOURCE_PATH}._ping_listen_key", new_callable=AsyncMock)
    async def test_manage_listen_key_task_loop_keep_alive_failed(self, mock_ping_listen_key):
        mock_ping_listen_key.side_effect = (lambda *args, **kwargs:
                                            self._create_return_value_and_unlock_test_with_event(False))
        self.data_source._current_listen_key = self.listen_key
        self.data_source._listen_key_initialized_event.set()
        self.data_source._last_listen_key_ping_ts = 0  # the keep-alive interval has passed

        self.listening_task = self.local_event_loop.create_task(self.data_source._manage_listen_key_task_loop())
        await self._wait_for_test_event()

        self.assertTrue(self._is_logged("ERROR", f"Failed to refresh listen key {self.listen_key}. Getting a new key..."))
        self.assertIsNone(self.data_source._current_listen_key)
        self.assertFalse(self.data_source._listen_key_initialized_event.is_set())

    @patch(f"{DATA_SOURCE_PATH}._ping_listen_key", new_callable=AsyncMock)
    async def test_manage_listen_key_task_loop_keep_alive_successful(self, mock_ping_listen_key):
        mock_ping_listen_key.side_effect = (lambda *args, **kwargs:
                                            self._create_return_value_and_unlock_test_with_event(True))
        self.data_source._current_listen_key = self.listen_key
        self.data_source._listen_key_initialized_event.set()
        self.data_source._last_listen_key_ping_ts = 0  # the keep-alive interval has passed

        self.listening_task = self.local_event_loop.create_task(self.data_source._manage_listen_key_task_loop())
        await self._wait_for_test_event()

        self.assertTrue(self._is_logged("INFO", f"Successfully refreshed listen key {self.listen_key}"))
        self.assertGreater(self.data_source._last_listen_key_ping_ts, 0)
        self.assertEqual(self.listen_key, self.data_source._current_listen_key)

    @aioresponses()
    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_get_listen_key_successful_with_user_update_event(self, mock_api, mock_ws):
        self._mock_listen_key_creation(mock_api)
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, json.dumps(self._user_update_event()))
        msg_queue = asyncio.Queue()

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_user_stream(msg_queue))
        msg = await asyncio.wait_for(msg_queue.get(), timeout=5)

        self.assertEqual(self._user_update_event(), msg)
        self.assertEqual(f"{web_utils.wss_url(self.domain)}/{self.listen_key}", mock_ws.call_args.args[0])

    @aioresponses()
    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_does_not_queue_empty_payload(self, mock_api, mock_ws):
        self._mock_listen_key_creation(mock_api)
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, "")
        msg_queue = asyncio.Queue()

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_user_stream(msg_queue))
        await self.mocking_assistant.run_until_all_aiohttp_messages_delivered(mock_ws.return_value)

        self.assertEqual(0, msg_queue.qsize())

    @aioresponses()
    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_connection_failed(self, mock_api, mock_ws):
        self._mock_listen_key_creation(mock_api)
        mock_ws.side_effect = lambda *arg, **kwargs: self._create_exception_and_unlock_test_with_event(
            Exception("TEST ERROR."))

        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_user_stream(asyncio.Queue()))
        await self._wait_for_test_event()

        self.assertTrue(self._is_logged(
            "ERROR", "Unexpected error while listening to user stream. Retrying after 5 seconds..."))

    @aioresponses()
    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_iter_message_throws_exception(self, mock_api, mock_ws):
        self._mock_listen_key_creation(mock_api)
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        mock_ws.return_value.receive.side_effect = (lambda *args, **kwargs:
                                                    self._create_exception_and_unlock_test_with_event(
                                                        Exception("TEST ERROR")))

        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_user_stream(asyncio.Queue()))
        await self._wait_for_test_event()

        self.assertTrue(self._is_logged(
            "ERROR", "Unexpected error while listening to user stream. Retrying after 5 seconds..."))

    async def test_on_user_stream_interruption_drops_the_listen_key(self):
        self.data_source._current_listen_key = self.listen_key
        self.data_source._listen_key_initialized_event.set()
        keep_alive_task = self.local_event_loop.create_task(asyncio.sleep(10))
        self.data_source._manage_listen_key_task = keep_alive_task
        websocket = AsyncMock()

        await self.data_source._on_user_stream_interruption(websocket_assistant=websocket)
        await asyncio.sleep(0)

        self.assertTrue(keep_alive_task.cancelled())
        self.assertIsNone(self.data_source._manage_listen_key_task)
        self.assertIsNone(self.data_source._current_listen_key)
        self.assertFalse(self.data_source._listen_key_initialized_event.is_set())
        websocket.disconnect.assert_awaited_once()

    async def test_ensure_listen_key_task_running_starts_one_task(self):
        self.assertIsNone(self.data_source._manage_listen_key_task)
        with patch(f"{DATA_SOURCE_PATH}._manage_listen_key_task_loop", new_callable=AsyncMock):
            await self.data_source._ensure_listen_key_task_running()
            first_task = self.data_source._manage_listen_key_task
            await self.data_source._ensure_listen_key_task_running()

        self.assertIsNotNone(first_task)
        self.assertIs(first_task, self.data_source._manage_listen_key_task)
{%- else %}

    def _subscription_answer(self, status: int = 200) -> Dict[str, Any]:
        return {"id": "sub-id", "status": status, "result": {"subscriptionId": 0}}

    def _wrapped(self, event: Dict[str, Any]) -> Dict[str, Any]:
        return {"subscriptionId": 0, "event": event}

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_subscribe_request_is_signed(self, mock_ws):
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, json.dumps(self._subscription_answer()))

        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_user_stream(asyncio.Queue()))
        await self.mocking_assistant.run_until_all_aiohttp_messages_delivered(mock_ws.return_value)

        self.assertEqual(web_utils.wss_api_url(self.domain), mock_ws.call_args.args[0])
        sent = self.mocking_assistant.json_messages_sent_through_websocket(mock_ws.return_value)
        self.assertEqual(1, len(sent))
        self.assertEqual(CONSTANTS.USER_STREAM_SUBSCRIBE_METHOD, sent[0]["method"])
        params = sent[0]["params"]
        self.assertEqual("TEST_API_KEY", params["apiKey"])
        self.assertEqual(1000 * 1e3, params["timestamp"])
        payload = "&".join(f"{key}={value}" for key, value in sorted(params.items()) if key != "signature")
        expected = hmac.new(b"TEST_SECRET", payload.encode("utf8"), hashlib.sha256).hexdigest()
        self.assertEqual(expected, params["signature"])
        self.assertTrue(self._is_logged("INFO", "Successfully subscribed to user data stream via WebSocket API"))

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_subscribe_failure_is_logged_and_retried(self, mock_ws):
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(
            mock_ws.return_value, json.dumps(self._subscription_answer(status=401)))

        with patch(f"{DATA_SOURCE_PATH}._sleep", new_callable=AsyncMock) as sleep_mock:
            sleep_mock.side_effect = lambda *args: self._create_exception_and_unlock_test_with_event(
                asyncio.CancelledError())
            self.listening_task = self.local_event_loop.create_task(
                self.data_source.listen_for_user_stream(asyncio.Queue()))
            await self._wait_for_test_event()

        self.assertTrue(self._is_logged(
            "ERROR", "Unexpected error while listening to user stream. Retrying after 5 seconds..."))

    async def test_subscribe_channels_raises_on_rejected_subscription(self):
        websocket = AsyncMock()
        websocket.receive.return_value = MagicMock(data=self._subscription_answer(status=400))

        with self.assertRaises(IOError):
            await self.data_source._subscribe_channels(websocket)

    async def test_events_are_unwrapped_and_answers_skipped(self):
        queue = asyncio.Queue()

        await self.data_source._process_event_message(self._subscription_answer(), queue)
        await self.data_source._process_event_message({}, queue)
        await self.data_source._process_event_message(self._wrapped(self._user_update_event()), queue)

        self.assertEqual(1, queue.qsize())
        self.assertEqual(self._user_update_event(), queue.get_nowait())

    async def test_stream_termination_raises_to_reconnect(self):
        terminated = self._wrapped({"e": CONSTANTS.USER_STREAM_TERMINATED_EVENT_TYPE, "E": 1})
        with self.assertRaises(ConnectionError):
            await self.data_source._process_event_message(terminated, asyncio.Queue())

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_queues_unwrapped_events(self, mock_ws):
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, json.dumps(self._subscription_answer()))
        self.mocking_assistant.add_websocket_aiohttp_message(
            mock_ws.return_value, json.dumps(self._wrapped(self._user_update_event())))
        msg_queue = asyncio.Queue()

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_user_stream(msg_queue))
        msg = await asyncio.wait_for(msg_queue.get(), timeout=5)

        self.assertEqual(self._user_update_event(), msg)

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_reconnects_and_subscribes_again_after_termination(self, mock_ws):
        first, second = self.mocking_assistant.create_websocket_mock(), self.mocking_assistant.create_websocket_mock()
        mock_ws.side_effect = [first, second]
        self.mocking_assistant.add_websocket_aiohttp_message(first, json.dumps(self._subscription_answer()))
        self.mocking_assistant.add_websocket_aiohttp_message(
            first, json.dumps(self._wrapped({"e": CONSTANTS.USER_STREAM_TERMINATED_EVENT_TYPE, "E": 1})))
        self.mocking_assistant.add_websocket_aiohttp_message(second, json.dumps(self._subscription_answer()))
        self.mocking_assistant.add_websocket_aiohttp_message(
            second, json.dumps(self._wrapped(self._user_update_event())))
        msg_queue = asyncio.Queue()

        with patch(f"{DATA_SOURCE_PATH}._sleep", new_callable=AsyncMock):
            self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_user_stream(msg_queue))
            msg = await asyncio.wait_for(msg_queue.get(), timeout=5)

        self.assertEqual(self._user_update_event(), msg)
        self.assertEqual(2, mock_ws.call_count)
        self.assertEqual(1, len(self.mocking_assistant.json_messages_sent_through_websocket(second)))

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_does_not_queue_empty_payload(self, mock_ws):
        mock_ws.return_value = self.mocking_assistant.create_websocket_mock()
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, json.dumps(self._subscription_answer()))
        self.mocking_assistant.add_websocket_aiohttp_message(mock_ws.return_value, "")
        msg_queue = asyncio.Queue()

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_user_stream(msg_queue))
        await self.mocking_assistant.run_until_all_aiohttp_messages_delivered(mock_ws.return_value)

        self.assertEqual(0, msg_queue.qsize())

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_user_stream_connection_failed(self, mock_ws):
        mock_ws.side_effect = lambda *arg, **kwargs: self._create_exception_and_unlock_test_with_event(
            Exception("TEST ERROR."))

        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_user_stream(asyncio.Queue()))
        await self._wait_for_test_event()

        self.assertTrue(self._is_logged(
            "ERROR", "Unexpected error while listening to user stream. Retrying after 5 seconds..."))
{%- endif %}
