{%- from "python_imports.j2" import from_import -%}
{%- set name = cookiecutter.connector_name %}
{%- set prefix = cookiecutter.__class_prefix -%}
import asyncio
import json
import re
from test.isolated_asyncio_wrapper_test_case import IsolatedAsyncioWrapperTestCase
from unittest.mock import AsyncMock, MagicMock, patch

from aioresponses.core import aioresponses
from bidict import bidict

{{ from_import("hummingbot.connector.exchange." ~ name, [name ~ "_constants as CONSTANTS", name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_api_order_book_data_source", [prefix ~ "APIOrderBookDataSource"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_exchange", [prefix ~ "Exchange"]) }}
from hummingbot.connector.test_support.network_mocking_assistant import NetworkMockingAssistant
from hummingbot.core.data_type.order_book import OrderBook
from hummingbot.core.data_type.order_book_message import OrderBookMessage, OrderBookMessageType


class {{ prefix }}APIOrderBookDataSourceUnitTests(IsolatedAsyncioWrapperTestCase):
    # logging.Level required to receive logs from the data source logger
    level = 0

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.base_asset = "COINALPHA"
        cls.quote_asset = "HBOT"
        cls.trading_pair = f"{cls.base_asset}-{cls.quote_asset}"
        cls.ex_trading_pair = cls.base_asset + cls.quote_asset
        cls.domain = CONSTANTS.DEFAULT_DOMAIN
        cls.snapshot_update_id = 1027024

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.log_records = []
        self.listening_task = None
        self.mocking_assistant = NetworkMockingAssistant(self.local_event_loop)

        self.connector = {{ prefix }}Exchange(
            {{ name }}_api_key="",
            {{ name }}_{{ cookiecutter.api_secret_field }}="",
{%- for credential in cookiecutter.__api_credentials.split(",")[2:] %}
            {{ name }}_{{ credential }}="",
{%- endfor %}
            trading_pairs=[],
            trading_required=False,
            domain=self.domain)
        self.data_source = {{ prefix }}APIOrderBookDataSource(
            trading_pairs=[self.trading_pair],
            connector=self.connector,
            api_factory=self.connector._web_assistants_factory,
            domain=self.domain)
        self.data_source.logger().setLevel(1)
        self.data_source.logger().addHandler(self)

        self._original_full_order_book_reset_time = self.data_source.FULL_ORDER_BOOK_RESET_DELTA_SECONDS
        self.data_source.FULL_ORDER_BOOK_RESET_DELTA_SECONDS = -1
        self.resume_test_event = asyncio.Event()
        self.connector._set_trading_pair_symbol_map(bidict({self.ex_trading_pair: self.trading_pair}))
        self.past_diffs = []

    def tearDown(self) -> None:
        self.listening_task and self.listening_task.cancel()
        self.data_source.FULL_ORDER_BOOK_RESET_DELTA_SECONDS = self._original_full_order_book_reset_time
        super().tearDown()

    def handle(self, record):
        self.log_records.append(record)

    def _is_logged(self, log_level: str, message: str) -> bool:
        return any(record.levelname == log_level and record.getMessage() == message for record in self.log_records)

    def _create_exception_and_unlock_test_with_event(self, exception):
        self.resume_test_event.set()
        raise exception

    def _snapshot_url_regex(self) -> re.Pattern:
        url = web_utils.public_rest_url(path_url=CONSTANTS.SNAPSHOT_PATH_URL, domain=self.domain)
        return re.compile(f"^{url}".replace(".", r"\.").replace("?", r"\?"))

    # TODO({{ cookiecutter.connector_name }}): a public trade event as the exchange pushes it.
    def _trade_update_event(self):
        return {"e": "trade", "E": 123456789, "s": self.ex_trading_pair, "t": 12345, "p": "0.001", "q": "100",
                "b": 88, "a": 50, "T": 123456785, "m": True, "M": True}

{%- include shape("order_book_source", "test_order_book_data_source.fixtures") %}

    def _track(self, order_book: OrderBook, *messages: OrderBookMessage):
        """What hummingbot's OrderBookTracker does with a book's messages (_order_book_diff_router, _track_single_book)"""
        for message in messages:
            if message.type is OrderBookMessageType.SNAPSHOT:
                order_book.restore_from_snapshot_and_diffs(message, self.past_diffs)
            elif message.update_id >= order_book.snapshot_uid:
                order_book.apply_diffs(message.bids, message.asks, message.update_id)
                self.past_diffs.append(message)

    @staticmethod
    def _book_rows(order_book: OrderBook):
        return ([(row.price, row.amount) for row in order_book.bid_entries()],
                [(row.price, row.amount) for row in order_book.ask_entries()])

    @staticmethod
    def _drain(queue: asyncio.Queue):
        messages = []
        while not queue.empty():
            messages.append(queue.get_nowait())
        return messages

    def _use_message_queue(self, event_type: str, *messages):
        queue = AsyncMock()
        queue.get.side_effect = [*messages, asyncio.CancelledError()]
        self.data_source._message_queue[event_type] = queue

    @aioresponses()
    async def test_get_new_order_book_successful(self, mock_api):
        resp = self._snapshot_response()
        mock_api.get(self._snapshot_url_regex(), body=json.dumps(resp))

        order_book: OrderBook = await self.data_source.get_new_order_book(self.trading_pair)

        expected_update_id = self.snapshot_update_id
        self.assertEqual(expected_update_id, order_book.snapshot_uid)
        bids = list(order_book.bid_entries())
        asks = list(order_book.ask_entries())
        self.assertEqual(1, len(bids))
        self.assertEqual(4, bids[0].price)
        self.assertEqual(431, bids[0].amount)
        self.assertEqual(expected_update_id, bids[0].update_id)
        self.assertEqual(1, len(asks))
        self.assertEqual(4.000002, asks[0].price)
        self.assertEqual(12, asks[0].amount)
        self.assertEqual(expected_update_id, asks[0].update_id)

    @aioresponses()
    async def test_snapshot_request_asks_for_the_configured_depth(self, mock_api):
        mock_api.get(self._snapshot_url_regex(), body=json.dumps(self._snapshot_response()))

        await self.data_source.get_new_order_book(self.trading_pair)

        snapshot_url = next(url for _, url in mock_api.requests if url.path.endswith(CONSTANTS.SNAPSHOT_PATH_URL))
        self.assertEqual({"symbol": self.ex_trading_pair, "limit": str(CONSTANTS.ORDER_BOOK_DEPTH)}, dict(snapshot_url.query))
        self.assertGreaterEqual(CONSTANTS.ORDER_BOOK_DEPTH, 100)

    @aioresponses()
    async def test_get_new_order_book_raises_exception(self, mock_api):
        mock_api.get(self._snapshot_url_regex(), status=400)
        with self.assertRaises(IOError):
            await self.data_source.get_new_order_book(self.trading_pair)

    @aioresponses()
    async def test_get_last_traded_prices(self, mock_api):
        url = web_utils.public_rest_url(path_url=CONSTANTS.TICKER_PRICE_CHANGE_PATH_URL, domain=self.domain)
        mock_api.get(re.compile(f"^{url}".replace(".", r"\.")), body=json.dumps({"lastPrice": "4.2"}))

        prices = await self.data_source.get_last_traded_prices([self.trading_pair])

        self.assertEqual({self.trading_pair: 4.2}, prices)

    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_subscriptions_subscribes_to_trades_and_order_diffs(self, ws_connect_mock):
        ws_connect_mock.return_value = self.mocking_assistant.create_websocket_mock()
        for subscription_id in (1, 2):
            self.mocking_assistant.add_websocket_aiohttp_message(
                websocket_mock=ws_connect_mock.return_value,
                message=json.dumps({"result": None, "id": subscription_id}))

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_subscriptions())
        await self.mocking_assistant.run_until_all_aiohttp_messages_delivered(ws_connect_mock.return_value)

        sent_subscription_messages = self.mocking_assistant.json_messages_sent_through_websocket(
            websocket_mock=ws_connect_mock.return_value)
        self.assertEqual(2, len(sent_subscription_messages))
        self.assertEqual({"method": "SUBSCRIBE", "params": [f"{self.ex_trading_pair.lower()}@trade"], "id": 1},
                         sent_subscription_messages[0])
        self.assertEqual({"method": "SUBSCRIBE", "params": [self._depth_stream(self.ex_trading_pair)], "id": 2},
                         sent_subscription_messages[1])
        self.assertEqual(CONSTANTS.WSS_URL.format(self.domain), ws_connect_mock.call_args.args[0])
        self.assertTrue(self._is_logged("INFO", "Subscribed to public order book and trade channels..."))

    @patch("hummingbot.core.data_type.order_book_tracker_data_source.OrderBookTrackerDataSource._sleep")
    @patch("aiohttp.ClientSession.ws_connect")
    async def test_listen_for_subscriptions_raises_cancel_exception(self, mock_ws, _: AsyncMock):
        mock_ws.side_effect = asyncio.CancelledError
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source.listen_for_subscriptions()

    @patch("hummingbot.core.data_type.order_book_tracker_data_source.OrderBookTrackerDataSource._sleep")
    @patch("aiohttp.ClientSession.ws_connect", new_callable=AsyncMock)
    async def test_listen_for_subscriptions_logs_exception_details(self, mock_ws, sleep_mock):
        mock_ws.side_effect = Exception("TEST ERROR.")
        sleep_mock.side_effect = lambda _: self._create_exception_and_unlock_test_with_event(asyncio.CancelledError())

        self.listening_task = self.local_event_loop.create_task(self.data_source.listen_for_subscriptions())
        await asyncio.wait_for(self.resume_test_event.wait(), timeout=5)

        self.assertTrue(self._is_logged(
            "ERROR", "Unexpected error occurred when listening to order book streams. Retrying in 5 seconds..."))

    async def test_subscribe_channels_raises_cancel_exception(self):
        mock_ws = MagicMock()
        mock_ws.send.side_effect = asyncio.CancelledError
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source._subscribe_channels(mock_ws)

    async def test_subscribe_channels_raises_exception_and_logs_error(self):
        mock_ws = MagicMock()
        mock_ws.send.side_effect = Exception("Test Error")
        with self.assertRaises(Exception):
            await self.data_source._subscribe_channels(mock_ws)
        self.assertTrue(
            self._is_logged("ERROR", "Unexpected error occurred subscribing to order book trading and delta streams..."))

    async def test_listen_for_trades_cancelled_when_listening(self):
        self._use_message_queue(CONSTANTS.TRADE_EVENT_TYPE)
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source.listen_for_trades(self.local_event_loop, asyncio.Queue())

    async def test_listen_for_trades_logs_exception(self):
        self._use_message_queue(CONSTANTS.TRADE_EVENT_TYPE, {"m": 1, "i": 2})
        try:
            await self.data_source.listen_for_trades(self.local_event_loop, asyncio.Queue())
        except asyncio.CancelledError:
            pass
        self.assertTrue(self._is_logged("ERROR", "Unexpected error when processing public trade updates from exchange"))

    async def test_listen_for_trades_successful(self):
        self._use_message_queue(CONSTANTS.TRADE_EVENT_TYPE, self._trade_update_event())
        msg_queue: asyncio.Queue = asyncio.Queue()
        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_trades(self.local_event_loop, msg_queue))

        msg: OrderBookMessage = await asyncio.wait_for(msg_queue.get(), timeout=5)

        self.assertEqual(OrderBookMessageType.TRADE, msg.type)
        self.assertEqual(12345, msg.trade_id)
        self.assertEqual(self.trading_pair, msg.trading_pair)

    async def test_listen_for_trades_skips_subscription_answers(self):
        msg_queue: asyncio.Queue = asyncio.Queue()
        await self.data_source._parse_trade_message({"result": None, "id": 1}, msg_queue)
        self.assertTrue(msg_queue.empty())

    @aioresponses()
    async def test_listen_for_order_book_snapshots_cancelled_when_fetching_snapshot(self, mock_api):
        mock_api.get(self._snapshot_url_regex(), exception=asyncio.CancelledError, repeat=True)
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source.listen_for_order_book_snapshots(self.local_event_loop, asyncio.Queue())

    @aioresponses()
    @patch("hummingbot.connector.exchange.{{ name }}.{{ name }}_api_order_book_data_source"
           ".{{ prefix }}APIOrderBookDataSource._sleep")
    async def test_listen_for_order_book_snapshots_log_exception(self, mock_api, sleep_mock):
        sleep_mock.side_effect = lambda _: self._create_exception_and_unlock_test_with_event(asyncio.CancelledError())
        mock_api.get(self._snapshot_url_regex(), exception=Exception, repeat=True)

        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_order_book_snapshots(self.local_event_loop, asyncio.Queue()))
        await asyncio.wait_for(self.resume_test_event.wait(), timeout=5)

        self.assertTrue(self._is_logged("ERROR", f"Unexpected error fetching order book snapshot for {self.trading_pair}."))

    @aioresponses()
    async def test_listen_for_order_book_snapshots_successful(self, mock_api):
        mock_api.get(self._snapshot_url_regex(), body=json.dumps(self._snapshot_response()))
        msg_queue: asyncio.Queue = asyncio.Queue()
        self.listening_task = self.local_event_loop.create_task(
            self.data_source.listen_for_order_book_snapshots(self.local_event_loop, msg_queue))

        msg: OrderBookMessage = await asyncio.wait_for(msg_queue.get(), timeout=5)

        self.assertEqual(OrderBookMessageType.SNAPSHOT, msg.type)
        self.assertEqual(self.snapshot_update_id, msg.update_id)
{%- include shape("order_book_source", "test_order_book_data_source.tests") %}

    def _add_pair_to_symbol_map(self, trading_pair: str, exchange_symbol: str):
        self.connector._set_trading_pair_symbol_map(
            bidict({self.ex_trading_pair: self.trading_pair, exchange_symbol: trading_pair}))

    async def test_subscribe_to_trading_pair_successful(self):
        self._add_pair_to_symbol_map("ETH-USDT", "ETHUSDT")
        mock_ws = AsyncMock()
        self.data_source._ws_assistant = mock_ws

        result = await self.data_source.subscribe_to_trading_pair("ETH-USDT")

        self.assertTrue(result)
        trade_payload, depth_payload = [call.args[0].payload for call in mock_ws.send.call_args_list]
        self.assertEqual("SUBSCRIBE", trade_payload["method"])
        self.assertEqual(["ethusdt@trade"], trade_payload["params"])
        self.assertEqual("SUBSCRIBE", depth_payload["method"])
        self.assertEqual([self._depth_stream("ETHUSDT")], depth_payload["params"])
        self.assertEqual(trade_payload["id"] + 1, depth_payload["id"])
        self.assertIn("ETH-USDT", self.data_source._trading_pairs)
        self.assertTrue(self._is_logged("INFO", "Subscribed to ETH-USDT order book and trade channels"))

    async def test_subscribe_to_trading_pair_websocket_not_connected(self):
        self.data_source._ws_assistant = None
        self.assertFalse(await self.data_source.subscribe_to_trading_pair("ETH-USDT"))
        self.assertTrue(self._is_logged("WARNING", "Cannot subscribe to ETH-USDT: WebSocket not connected"))

    async def test_subscribe_to_trading_pair_raises_cancel_exception(self):
        self._add_pair_to_symbol_map("ETH-USDT", "ETHUSDT")
        mock_ws = AsyncMock()
        mock_ws.send.side_effect = asyncio.CancelledError
        self.data_source._ws_assistant = mock_ws
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source.subscribe_to_trading_pair("ETH-USDT")

    async def test_subscribe_to_trading_pair_raises_exception_and_logs_error(self):
        self._add_pair_to_symbol_map("ETH-USDT", "ETHUSDT")
        mock_ws = AsyncMock()
        mock_ws.send.side_effect = Exception("Test Error")
        self.data_source._ws_assistant = mock_ws

        self.assertFalse(await self.data_source.subscribe_to_trading_pair("ETH-USDT"))
        self.assertNotIn("ETH-USDT", self.data_source._trading_pairs)
        self.assertTrue(self._is_logged("ERROR", "Unexpected error subscribing to ETH-USDT channels"))

    async def test_unsubscribe_from_trading_pair_successful(self):
        mock_ws = AsyncMock()
        self.data_source._ws_assistant = mock_ws

        result = await self.data_source.unsubscribe_from_trading_pair(self.trading_pair)

        self.assertTrue(result)
        payload = mock_ws.send.call_args_list[0][0][0].payload
        self.assertEqual("UNSUBSCRIBE", payload["method"])
        self.assertEqual([f"{self.ex_trading_pair.lower()}@trade", self._depth_stream(self.ex_trading_pair)],
                         payload["params"])
        self.assertNotIn(self.trading_pair, self.data_source._trading_pairs)
        self.assertTrue(
            self._is_logged("INFO", f"Unsubscribed from {self.trading_pair} order book and trade channels"))

    async def test_unsubscribe_from_trading_pair_websocket_not_connected(self):
        self.data_source._ws_assistant = None
        self.assertFalse(await self.data_source.unsubscribe_from_trading_pair(self.trading_pair))
        self.assertTrue(
            self._is_logged("WARNING", f"Cannot unsubscribe from {self.trading_pair}: WebSocket not connected"))

    async def test_unsubscribe_from_trading_pair_raises_cancel_exception(self):
        mock_ws = AsyncMock()
        mock_ws.send.side_effect = asyncio.CancelledError
        self.data_source._ws_assistant = mock_ws
        with self.assertRaises(asyncio.CancelledError):
            await self.data_source.unsubscribe_from_trading_pair(self.trading_pair)

    async def test_unsubscribe_from_trading_pair_raises_exception_and_logs_error(self):
        mock_ws = AsyncMock()
        mock_ws.send.side_effect = Exception("Test Error")
        self.data_source._ws_assistant = mock_ws

        self.assertFalse(await self.data_source.unsubscribe_from_trading_pair(self.trading_pair))
        self.assertTrue(self._is_logged("ERROR", f"Unexpected error unsubscribing from {self.trading_pair} channels"))

    async def test_subscription_ids_are_unique(self):
        first = self.data_source._get_next_subscribe_id()
        second = self.data_source._get_next_subscribe_id()
        self.assertEqual(first + 1, second)
        self.assertGreaterEqual(first, self.data_source._DYNAMIC_SUBSCRIBE_ID_START)
        self.assertGreater(self.data_source._DYNAMIC_SUBSCRIBE_ID_START, self.data_source.DIFF_STREAM_ID)
{%- include shape("ws_ping", "test_order_book_data_source.tests") %}
