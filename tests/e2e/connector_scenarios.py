"""
End-to-end scenarios run INSIDE a rendered workspace (copied there as e2e_loopback/test_connector_scenarios.py,
next to loopback_exchange.py, by tests/e2e/test_e2e_connector.py).

The workspace's conftest.py makes the rendered connector importable and discoverable, exactly as for the rendered
unit tests. Each scenario starts the loopback exchange on 127.0.0.1, registers it as the domain "e2e" (URLs in the
constants module, a connector setting for the domain's connector name), creates the exchange with domain="e2e" and
starts it the way hummingbot does: a realtime Clock ticks it, its network check sees the exchange reachable and calls
start_network(). Nothing is mocked: REST and websockets go over real sockets.

Every scenario is bounded: the whole scenario runs under asyncio.wait_for(SCENARIO_TIMEOUT) and every wait is a
bounded poll.
"""
import asyncio
import importlib
import json
import logging
import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, List, Optional

from loopback_exchange import LoopbackExchange

from hummingbot.client.settings import AllConnectorSettings
from hummingbot.connector.exchange_py_base import ExchangePyBase
from hummingbot.core.clock import Clock
from hummingbot.core.clock_mode import ClockMode
from hummingbot.core.data_type.common import OrderType
from hummingbot.core.event.event_logger import EventLogger
from hummingbot.core.event.events import (
    BuyOrderCompletedEvent,
    BuyOrderCreatedEvent,
    MarketEvent,
    MarketOrderFailureEvent,
    OrderCancelledEvent,
    OrderFilledEvent,
    SellOrderCreatedEvent,
)
from hummingbot.core.network_iterator import NetworkStatus
from hummingbot.core.web_assistant.connections.connections_factory import ConnectionsFactory

WORKSPACE = Path(__file__).resolve().parent.parent
NAME = os.environ.get("E2E_CONNECTOR_NAME") or next(
    folder.name for folder in sorted((WORKSPACE / "hummingbot" / "connector" / "exchange").iterdir())
    if folder.is_dir() and (folder / "__init__.py").exists())
PREFIX = "".join(part.capitalize() for part in NAME.split("_"))
PACKAGE = f"hummingbot.connector.exchange.{NAME}"
CONSTANTS = importlib.import_module(f"{PACKAGE}.{NAME}_constants")
UTILS = importlib.import_module(f"{PACKAGE}.{NAME}_utils")
EXCHANGE_CLASS = getattr(importlib.import_module(f"{PACKAGE}.{NAME}_exchange"), f"{PREFIX}Exchange")

DOMAIN = "e2e"
SYMBOL = "COINALPHAHBOT"
PAIR = "COINALPHA-HBOT"
SCENARIO_TIMEOUT = 45.0
WAIT = 15.0
HAS_TIME_SYNCHRONIZER = hasattr(CONSTANTS, "SERVER_TIME_PATH_URL")
WS_API_USER_STREAM = hasattr(CONSTANTS, "WSS_API_URL")
SERVER_TIME_PATH = getattr(CONSTANTS, "SERVER_TIME_PATH_URL", "/time")
# The render's shape answers, written beside this module by tests/e2e/test_e2e_connector.py (shape.json): the loopback
# exchange checks signatures as an exchange of that auth_scheme's family does, opens the private stream of that
# user_stream, publishes the book as that order_book_source and encodes its frames as ws_compression says.
SHAPE_FILE = Path(__file__).with_name("shape.json")
SHAPE = {"auth_scheme": "hmac_sha256_query", "order_book_source": "rest_snapshot_ws_diff", "ws_compression": "none",
         "user_stream": "ws_api" if WS_API_USER_STREAM else "listen_key",
         **(json.loads(SHAPE_FILE.read_text()) if SHAPE_FILE.exists() else {})}
AUTH_SCHEME = SHAPE["auth_scheme"]
ORDER_BOOK_SOURCE = SHAPE["order_book_source"]
USER_STREAM = SHAPE["user_stream"]
# The loopback exchange's kind of connection for each user stream (connections_opened, open_connections).
USER_CONNECTION_KIND = {"listen_key": "user"}.get(USER_STREAM, USER_STREAM)
# The render's ws_ping shape, told by the constants its partials add: the loopback exchange keeps the websockets alive
# the same way.
WS_PING = ("client_ping" if hasattr(CONSTANTS, "WS_PING_PAYLOAD")
           else "server_ping" if hasattr(CONSTANTS, "WS_PING_FIELD") else "protocol")
ALL_EVENTS = [event for event in MarketEvent]


def exchange_of_the_shape() -> LoopbackExchange:
    return LoopbackExchange(auth_scheme=AUTH_SCHEME, order_book_source=ORDER_BOOK_SOURCE, ws_ping=WS_PING,
                            ws_compression=SHAPE["ws_compression"])


logging.basicConfig(level=logging.WARNING)


async def until(condition: Callable[[], Any], timeout: float = WAIT, what: Any = "condition") -> Any:
    """Polls `condition` until it is truthy; fails the scenario after `timeout` seconds (`what` may be a callable)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what() if callable(what) else what}")


class Harness:
    """The loopback exchange, the connector pointed at it, a realtime clock ticking the connector, event loggers."""

    def __init__(self, server: Optional[LoopbackExchange] = None, api_secret: Optional[str] = None):
        self.server = server or exchange_of_the_shape()
        self.api_secret = api_secret  # the connector's secret, when it is not the server's
        self.exchange: Optional[ExchangePyBase] = None
        self.events = EventLogger()
        self._clock: Optional[Clock] = None
        self._clock_task: Optional[asyncio.Task] = None

    async def __aenter__(self) -> "Harness":
        await self.server.start()
        # The loopback URLs have no {} for the domain to fill: every domain, DOMAIN among them, reaches them.
        CONSTANTS.REST_URL = self.server.rest_url
        CONSTANTS.WSS_URL = self.server.wss_url
        if WS_API_USER_STREAM:
            CONSTANTS.WSS_API_URL = self.server.wss_api_url
        self.exchange = EXCHANGE_CLASS(**self._credentials(), trading_pairs=[PAIR], trading_required=True,
                                       domain=DOMAIN)
        self._register_domain_connector_setting()
        for event in ALL_EVENTS:
            self.exchange.add_listener(event, self.events)
        # As hummingbot runs a connector: a realtime clock ticks it; its network check starts the networking.
        self._clock = Clock(ClockMode.REALTIME, tick_size=0.2)
        self._clock.add_iterator(self.exchange)
        self._clock.__enter__()
        self._clock_task = asyncio.ensure_future(self._clock.run())
        return self

    async def __aexit__(self, *exc_info):
        self._clock_task.cancel()
        try:
            await self._clock_task
        except (asyncio.CancelledError, Exception):
            pass
        self._clock.__exit__(None, None, None)
        await self.exchange.stop_network()
        await self.server.stop()
        # hummingbot shares one aiohttp session per process; each scenario runs its own event loop.
        factory = ConnectionsFactory()
        session = factory._shared_client
        if session is not None and not session.closed:
            await session.close()
        factory._shared_client = None

    def _credentials(self):
        credentials = {}
        for field in type(UTILS.KEYS).model_fields:
            if field.startswith(f"{NAME}_"):
                credential = field[len(NAME) + 1:]
                secret = self.api_secret or self.server.api_secret
                credentials[field] = {"api_key": self.server.api_key, "api_secret": secret,
                                      "secret_key": secret}.get(credential, f"e2e-{credential}")
        return credentials

    def _register_domain_connector_setting(self):
        # What utils' OTHER_DOMAINS would do for a real extra domain: fees are looked up under the domain's name.
        settings = AllConnectorSettings.get_connector_settings()
        if self.exchange.name not in settings:
            settings[self.exchange.name] = settings[NAME]._replace(
                name=self.exchange.name, is_sub_domain=True, parent_name=NAME, domain_parameter=DOMAIN)

    async def wait_ready(self, timeout: float = 20.0):
        await until(lambda: self.exchange.ready, timeout,
                    what=lambda: f"connector ready (status: {self.exchange.status_dict})")

    def logged(self, event_type) -> List[Any]:
        return [event for event in self.events.event_log if isinstance(event, event_type)]

    async def wait_event(self, event_type, predicate: Callable[[Any], bool] = lambda event: True,
                         timeout: float = WAIT):
        return await until(lambda: next((e for e in self.logged(event_type) if predicate(e)), None), timeout,
                           what=lambda: f"{event_type.__name__} (events so far: {self.events.event_log})")

    async def place_limit_order(self, is_buy: bool, amount: str, price: str) -> str:
        place = self.exchange.buy if is_buy else self.exchange.sell
        order_id = place(PAIR, Decimal(amount), OrderType.LIMIT, Decimal(price))
        created_event = BuyOrderCreatedEvent if is_buy else SellOrderCreatedEvent
        await self.wait_event(created_event, lambda event: event.order_id == order_id)
        return order_id

    async def wait_book_in_sync(self, last_update_id: int):
        order_book = self.exchange.order_books[PAIR]
        await until(lambda: order_book.last_diff_uid >= last_update_id, what=f"diff {last_update_id} applied")


def subscribed_to(server: LoopbackExchange, channel: str) -> bool:
    """Whether an open public connection is subscribed to the symbol's `channel` stream (coinalphahbot@trade...)."""
    return any(stream.startswith(f"{SYMBOL.lower()}@{channel}") for stream in server.subscribed_streams())


def subscribed_to_the_book(server: LoopbackExchange) -> bool:
    """Whether an open public connection is subscribed to the symbol's book, as the order book source names it."""
    return any(stream.startswith(server.book_stream(SYMBOL)) for stream in server.subscribed_streams())


def client_book(exchange: ExchangePyBase):
    order_book = exchange.order_books[PAIR]
    return {"bids": [(entry.price, entry.amount) for entry in order_book.bid_entries()],
            "asks": [(entry.price, entry.amount) for entry in order_book.ask_entries()]}


def run(scenario: Callable, timeout: float = SCENARIO_TIMEOUT):
    asyncio.run(asyncio.wait_for(scenario(), timeout))


# ---------------------------------------------------------------------------------------------------- scenarios
def test_start_network_loads_trading_rules_pairs_balances_and_prices():
    async def scenario():
        async with Harness() as harness:
            exchange = harness.exchange
            await harness.wait_ready()
            assert exchange.network_status is NetworkStatus.CONNECTED
            # The symbol that is not trading (status BREAK) is left out of the pairs and the rules.
            assert await exchange.all_trading_pairs() == [PAIR]
            assert await exchange.exchange_symbol_associated_to_pair(PAIR) == SYMBOL
            assert list(exchange.trading_rules) == [PAIR]
            rule = exchange.trading_rules[PAIR]
            assert rule.min_order_size == Decimal("0.001")
            assert rule.min_price_increment == Decimal("0.01")
            assert rule.min_base_amount_increment == Decimal("0.001")
            assert rule.min_notional_size == Decimal("1")
            assert exchange.get_balance("COINALPHA") == Decimal("100")
            assert exchange.get_available_balance("HBOT") == Decimal("10000")
            prices = await exchange.get_last_traded_prices([PAIR])
            assert prices[PAIR] == 100.0
            # Every signed request the connector sent passed the server's signature check.
            signed = [entry for entry in harness.server.request_log if entry["path"] in ("/account", "/order")]
            assert signed and all(entry["status"] == 200 for entry in signed), signed
    run(scenario)


def test_order_book_from_snapshot_and_diffs_equals_server_book():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()
            order_book = exchange.order_books[PAIR]
            snapshot_answer = json.loads(server.requests_to("/depth")[-1]["response"])
            assert order_book.snapshot_uid == snapshot_answer["lastUpdateId"]
            await until(lambda: subscribed_to(server, "depth"), what="depth subscription")
            assert client_book(exchange) == server.book(SYMBOL)
            for _ in range(20):
                last_update_id = await server.push_diffs(SYMBOL, 25)
                await asyncio.sleep(0)
            await harness.wait_book_in_sync(last_update_id)
            assert client_book(exchange) == server.book(SYMBOL)
            assert len(client_book(exchange)["bids"]) > 20
            await server.push_trade(SYMBOL, "100.37", "1.5", buyer_is_maker=True)
            await until(lambda: order_book.last_trade_price == 100.37, what="public trade applied")
    run(scenario)


def test_order_book_equals_server_book_after_a_gap_and_a_dropped_connection():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()

            def in_sync() -> bool:
                return client_book(exchange) == server.book(SYMBOL)

            await until(lambda: subscribed_to_the_book(server), what="order book subscription")
            await server.push_diffs(SYMBOL, 10)
            await until(in_sync, what=lambda: f"the book in sync: {client_book(exchange)} != {server.book(SYMBOL)}")
            # A sequence gap: updates the connector never receives, then more that it does.
            await server.skip_updates(SYMBOL, 3)
            await server.push_diffs(SYMBOL, 5)
            await until(in_sync, what=lambda: f"the book after a gap: {client_book(exchange)} != {server.book(SYMBOL)}")
            # A dropped connection: the book moves on while the connector reconnects.
            opened = server.connections_opened["public"]
            assert await server.drop_websockets() >= 1
            await server.skip_updates(SYMBOL, 3)
            await until(lambda: server.connections_opened["public"] > opened and subscribed_to_the_book(server),
                        what="order book subscription on a new connection")
            await server.push_diffs(SYMBOL, 5)
            await until(in_sync, what=lambda: f"the book after reconnecting: {client_book(exchange)} != "
                                              f"{server.book(SYMBOL)}")
    run(scenario)


def test_limit_buy_acknowledged_then_filled_through_user_stream():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()
            order_id = await harness.place_limit_order(is_buy=True, amount="2", price="99.5")
            server_order = server.order_by_client_id(order_id)
            assert server_order is not None and server_order.status == "NEW"
            in_flight = exchange.in_flight_orders[order_id]
            await until(lambda: in_flight.exchange_order_id == str(server_order.order_id), what="exchange order id")
            # The quote locked by the order, as the user stream reported it.
            await until(lambda: exchange.get_available_balance("HBOT") == Decimal("9801"), what="quote locked")
            assert exchange.get_balance("HBOT") == Decimal("10000")

            await server.fill_order(order_id, "0.5")
            partial = await harness.wait_event(OrderFilledEvent, lambda event: event.order_id == order_id)
            assert partial.amount == Decimal("0.5") and partial.price == Decimal("99.5")
            assert partial.trade_fee.flat_fees[0].token == "COINALPHA"
            assert partial.trade_fee.flat_fees[0].amount == Decimal("0.0005")
            await server.fill_order(order_id)
            completed = await harness.wait_event(BuyOrderCompletedEvent, lambda event: event.order_id == order_id)
            assert completed.base_asset_amount == Decimal("2")
            assert completed.quote_asset_amount == Decimal("199")
            fills = [event for event in harness.logged(OrderFilledEvent) if event.order_id == order_id]
            assert sorted(fill.amount for fill in fills) == [Decimal("0.5"), Decimal("1.5")]
            assert order_id not in exchange.in_flight_orders
            # Balances as the exchange pushed them: base bought minus its commission, quote spent.
            await until(lambda: exchange.get_balance("COINALPHA") == Decimal("101.998"), what="base balance")
            assert exchange.get_available_balance("COINALPHA") == Decimal("101.998")
            assert exchange.get_balance("HBOT") == Decimal("9801")
            assert exchange.get_available_balance("HBOT") == Decimal("9801")
            # The private stream the events came on was accepted by the exchange (signed, logged in or tokened).
            assert server.open_connections(USER_CONNECTION_KIND) == 1
    run(scenario)


def test_cancel_of_an_open_order():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()
            order_id = await harness.place_limit_order(is_buy=False, amount="3", price="101")
            await until(lambda: exchange.get_available_balance("COINALPHA") == Decimal("97"), what="base locked")
            exchange.cancel(PAIR, order_id)
            await harness.wait_event(OrderCancelledEvent, lambda event: event.order_id == order_id)
            assert server.order_by_client_id(order_id).status == "CANCELED"
            cancel_requests = server.requests_to("/order", "DELETE")
            assert cancel_requests[-1]["status"] == 200
            assert cancel_requests[-1]["params"]["origClientOrderId"] == order_id
            assert order_id not in exchange.in_flight_orders
            await until(lambda: exchange.get_available_balance("COINALPHA") == Decimal("100"), what="base released")
    run(scenario)


def test_dropped_websockets_reconnect_and_resubscribe():
    async def scenario():
        async with Harness() as harness:
            server = harness.server
            await harness.wait_ready()
            user_kind = USER_CONNECTION_KIND
            await until(lambda: server.open_connections("public") == 1 and server.open_connections(user_kind) == 1,
                        what="public and user streams connected")
            opened = dict(server.connections_opened)
            subscriptions = len(server.subscriptions)

            assert await server.drop_websockets() >= 2
            await until(lambda: server.connections_opened["public"] > opened["public"]
                        and server.connections_opened[user_kind] > opened[user_kind], what="reconnections")
            await until(lambda: subscribed_to_the_book(server) and subscribed_to(server, "trade")
                        and server.open_connections(user_kind) == 1, what="resubscribed streams")
            assert len(server.subscriptions) > subscriptions
            if USER_STREAM == "ws_login":  # the new connection logged in again before it subscribed
                assert server.logins == 2, server.logins
            if USER_STREAM == "rest_token":  # the new connection came with a token of its own
                assert len(server.tokens_connected) == 2 == len(set(server.tokens_connected)), server.tokens_connected
                assert server.tokens_connected == server.user_stream_tokens[-2:]

            # Market data and private events flow on the new connections.
            await book_orders_and_balances_end_right(harness)
    run(scenario)


def test_too_many_requests_answer_fails_the_order_and_the_connector_goes_on():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()
            server.answer_next_request_with_429(path="/order")
            order_id = exchange.buy(PAIR, Decimal("1"), OrderType.LIMIT, Decimal("99"))
            failure = await harness.wait_event(MarketOrderFailureEvent, lambda event: event.order_id == order_id)
            assert failure.order_type is OrderType.LIMIT
            assert [entry["status"] for entry in server.requests_to("/order", "POST")] == [429]
            assert order_id not in exchange.in_flight_orders
            assert server.order_by_client_id(order_id) is None
            # Nothing was retried behind the strategy's back; the next order goes through.
            next_order_id = await harness.place_limit_order(is_buy=True, amount="1", price="99")
            assert server.order_by_client_id(next_order_id).status == "NEW"
            assert exchange.network_status is NetworkStatus.CONNECTED
    run(scenario)


def test_timestamp_error_answer():
    async def scenario():
        async with Harness() as harness:
            server, exchange = harness.server, harness.exchange
            await harness.wait_ready()
            time_requests = len(server.requests_to(SERVER_TIME_PATH))
            server.answer_next_signed_request_with_timestamp_error()
            order_id = exchange.buy(PAIR, Decimal("1"), OrderType.LIMIT, Decimal("99"))
            if HAS_TIME_SYNCHRONIZER:
                # hummingbot's answer: refresh the server time offset, then send the request once more.
                await harness.wait_event(BuyOrderCreatedEvent, lambda event: event.order_id == order_id)
                order_posts = server.requests_to("/order", "POST")
                assert [entry["status"] for entry in order_posts] == [400, 200]
                assert len(server.requests_to(SERVER_TIME_PATH)) > time_requests
                first, retry = order_posts
                assert retry["params"]["timestamp"] != first["params"]["timestamp"]
                time_between = [entry for entry in server.requests_to(SERVER_TIME_PATH)
                                if first["time"] <= entry["time"] <= retry["time"]]
                assert time_between, "the server time was not requested between the failure and the retry"
            else:
                # Without a time synchronizer there is nothing to resynchronise: the order fails.
                await harness.wait_event(MarketOrderFailureEvent, lambda event: event.order_id == order_id)
                assert [entry["status"] for entry in server.requests_to("/order", "POST")] == [400]
                assert len(server.requests_to(SERVER_TIME_PATH)) == time_requests == 0
    run(scenario)


def test_requests_signed_with_a_wrong_secret_are_rejected():
    async def scenario():
        server = exchange_of_the_shape()
        async with Harness(server, api_secret=server.a_wrong_secret()) as harness:
            await until(lambda: [entry for entry in server.requests_to("/account") if "status" in entry],
                        what="a signed /account request")
            answered = [entry for entry in server.requests_to("/account") if "status" in entry]
            assert [entry["status"] for entry in answered] == [401] * len(answered)
            assert json.loads(answered[0]["response"]) == {"code": -1022,
                                                           "msg": "Signature for this request is not valid."}
            assert harness.exchange.get_balance("HBOT") == Decimal("0")
    run(scenario)


def test_signed_requests_follow_a_skewed_server_clock():
    async def scenario():
        server = exchange_of_the_shape()
        # The server clock runs 20 s behind: local timestamps would be rejected (-1021) without synchronisation.
        server.clock_offset_ms = -20000
        async with Harness(server) as harness:
            exchange = harness.exchange
            await harness.wait_ready()
            assert exchange.get_balance("HBOT") == Decimal("10000")
            order_id = await harness.place_limit_order(is_buy=True, amount="1", price="99")
            assert server.order_by_client_id(order_id).status == "NEW"
            signed = [entry for entry in server.request_log if entry["path"] in ("/account", "/order")]
            assert signed and all(entry["status"] == 200 for entry in signed), signed
    if not HAS_TIME_SYNCHRONIZER:
        raise AssertionError("this scenario needs a render with time_synchronizer=True")
    run(scenario)


async def book_orders_and_balances_end_right(harness: Harness):
    """Market data and private events flow: the book equals the server's, a buy fills, the balances follow it."""
    server, exchange = harness.server, harness.exchange
    await server.push_diffs(SYMBOL, 30)
    # Equal books, whatever the order book source: diffs applied, or the last whole book restored.
    await until(lambda: client_book(exchange) == server.book(SYMBOL), what="the book equal to the server's")
    order_id = await harness.place_limit_order(is_buy=True, amount="1", price="99")
    await server.fill_order(order_id)
    await harness.wait_event(BuyOrderCompletedEvent, lambda event: event.order_id == order_id)
    assert order_id not in exchange.in_flight_orders
    # One base bought less its commission; 99 quote spent.
    await until(lambda: exchange.get_balance("COINALPHA") == Decimal("100.999"), what="base balance")
    assert exchange.get_balance("HBOT") == Decimal("9901")
    assert exchange.get_available_balance("HBOT") == Decimal("9901")


def test_client_pings_keep_the_streams_and_a_missing_pong_reconnects():
    async def scenario():
        assert WS_PING == "client_ping", WS_PING
        # A ping every 0.3 s that must be answered within 1 s: the rendered 30 s would outlast the scenario.
        CONSTANTS.WS_HEARTBEAT_TIME_INTERVAL, CONSTANTS.WS_PONG_TIMEOUT = 0.3, 1.0
        async with Harness() as harness:
            server = harness.server
            await harness.wait_ready()
            user_kind = "ws_api" if WS_API_USER_STREAM else "user"
            await until(lambda: server.open_connections("public") == 1 and server.open_connections(user_kind) == 1,
                        what="public and user streams connected")
            opened = dict(server.connections_opened)
            pings = dict(server.pings_received)
            # Answered pings keep both connections.
            await until(lambda: server.pings_received["public"] >= pings["public"] + 5
                        and server.pings_received[user_kind] >= pings[user_kind] + 5,
                        what=lambda: f"pings on both streams (so far {server.pings_received})")
            assert server.connections_opened == opened

            # An exchange that stops answering is left for a new connection, on both streams.
            server.answer_pings = False
            await until(lambda: server.connections_opened["public"] > opened["public"]
                        and server.connections_opened[user_kind] > opened[user_kind], what="reconnections")
            server.answer_pings = True
            await until(lambda: subscribed_to_the_book(server) and subscribed_to(server, "trade")
                        and server.open_connections(user_kind) == 1, what="resubscribed streams")
            await book_orders_and_balances_end_right(harness)
    run(scenario)


def test_server_pings_are_answered_with_their_pongs():
    async def scenario():
        assert WS_PING == "server_ping", WS_PING
        async with Harness() as harness:
            server = harness.server
            await harness.wait_ready()
            user_kind = "ws_api" if WS_API_USER_STREAM else "user"
            await until(lambda: server.pongs_received["public"] >= 5 and server.pongs_received[user_kind] >= 5,
                        what=lambda: f"pongs on both streams (so far {server.pongs_received})")
            assert server.wrong_pongs == []
            opened = dict(server.connections_opened)
            # The pings reach no parser: the book, orders and balances end right on the same connections.
            await book_orders_and_balances_end_right(harness)
            assert server.connections_opened == opened
            assert server.wrong_pongs == []
            # A dropped connection is taken up again, and the new one answers the pings too.
            pongs = dict(server.pongs_received)
            assert await server.drop_websockets() >= 2
            await until(lambda: server.connections_opened["public"] > opened["public"]
                        and server.connections_opened[user_kind] > opened[user_kind], what="reconnections")
            await until(lambda: server.pongs_received["public"] >= pongs["public"] + 3
                        and server.pongs_received[user_kind] >= pongs[user_kind] + 3, what="pongs after reconnection")
            assert server.wrong_pongs == []
    run(scenario)
