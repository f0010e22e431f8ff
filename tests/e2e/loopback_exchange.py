"""
A small exchange on 127.0.0.1 that speaks the Binance-shaped API the template renders by default.

It is a real aiohttp server (REST + websockets on a random free port), so a rendered connector talks to it over real
sockets exactly as it would talk to the exchange. It keeps real state: an order book per symbol, balances, orders and
trades. The test drives it through plain methods (`push_diffs`, `fill_order`, ...) and through failure hooks
(`drop_websockets`, `answer_next_request_with_429`, `answer_next_signed_request_with_timestamp_error`).

What it checks, like the exchange does:
- every signed REST request (HMAC-SHA256 over the url-encoded parameters without the signature, query string first,
  then body) with the configured secret: a bad signature is answered 401 with a Binance-shaped error body;
- the API key header of signed requests and of the listen key endpoint;
- the request timestamp against the server clock and `recvWindow` (-1021 when outside);
- the websocket API's `userDataStream.subscribe.signature` (parameters sorted by name, joined as key=value with "&",
  signature excluded).

With `auth_scheme` other than Binance's `hmac_sha256_query` it checks instead, as an exchange of that family does
(HEADER_SCHEMES), the API key, timestamp and signature headers of every signed request, the listen key endpoints
included: the signature over the scheme's prehash of the request as received (method, path, raw query string, raw
body), and the timestamp header against the clock. The websocket API subscription is then a login: apiKey, timestamp
and the signature of the scheme's login prehash.

With `auth_scheme="ed25519"` it checks, as Backpack does (Ed25519Family), the API key, timestamp, window and signature
headers of every signed request, the listen key calls included: the base64 Ed25519 signature of
instruction=<the request's instruction>&<its parameters sorted by name>&timestamp=<ms>&window=<ms>, verified with the
public key that is the API key. The secret is then the base64 seed of an Ed25519 key derived from `api_secret`, and the
API key its public key, as Backpack issues them. The websocket API subscription carries Backpack's signature array
[API key, signature, timestamp, window] of the instruction `subscribe`.

With `ws_ping` it keeps its websockets alive as the rendered shape of that name expects: `client_ping` answers the
connector's text "ping" with "pong" on every stream (and stops answering while `answer_pings` is False, as a dead
exchange would); `server_ping` sends {"ping": <n>} every `server_ping_interval` seconds on every stream (the websocket
API's once subscribed) and counts the {"pong": <n>} answers that echo a ping it sent. `protocol` leaves it to
aiohttp's protocol pings.

The other private streams of the template's user_stream answer, each as its exchange speaks it:
- ws_login (OKX's shape) on the websocket API's path: {"op": "login", "args": [<the login parameters the websocket API
  subscription carries, checked the same way>]} answered {"event": "login", "code": "0"} or an error event; then
  {"op": "subscribe", "args": [{"channel": ...}]}, refused before a login; events as {"arg": ..., "data": [event]};
- signed_subscribe (Gate.io's shape) on the same path: one subscribe message per channel whose auth carries the
  signature of channel=<channel>&event=<event>&time=<seconds> in the scheme's digest (Gate.io: hex HMAC-SHA512), a
  wrong one answered with an error; events as {"channel": ..., "event": "update", "result": [event]};
- rest_token (KuCoin's shape): a signed POST /bullet-private answers a token and the websocket server; the websocket
  /ws-token?token=<token> refuses an unknown token, says welcome, acknowledges topic subscriptions, and sends events as
  {"type": "message", "topic": ..., "data": event}.

It only ever binds 127.0.0.1. Standard library + aiohttp only (the `cryptography` package too for ed25519, as the
connector it checks needs it), so it can be copied next to a rendered workspace.
"""
import asyncio
import base64
import gzip
import hashlib
import hmac
import itertools
import json
import random
import secrets
import socket
import time
import zlib
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qsl, unquote_plus, urlencode

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v3"
USER_STREAM_TOKEN_PATH = "/bullet-private"
SIGNED_PATHS = {"/order", "/account", "/myTrades", "/openOrders", USER_STREAM_TOKEN_PATH}
# The channel (or topic) each private event travels on, by the event's type, for each user stream that subscribes to
# channels: the rendered constants' USER_STREAM_CHANNELS (ws_login, signed_subscribe) and USER_STREAM_TOPICS.
EXECUTION_REPORT = "executionReport"
PRIVATE_CHANNELS = {
    "ws_login": {EXECUTION_REPORT: "orders", "outboundAccountPosition": "account"},
    "signed_subscribe": {EXECUTION_REPORT: "spot.orders", "outboundAccountPosition": "spot.balances"},
    "rest_token": {EXECUTION_REPORT: "/spotMarket/tradeOrders", "outboundAccountPosition": "/account/balance"},
}
API_KEY_HEADER = "X-MBX-APIKEY"
EIGHT_PLACES = Decimal("0.00000001")

# The order book sources the exchange speaks (the template's order_book_source answers): Binance's REST snapshot and
# diffs with first and last update ids; Bybit's snapshot pushed on subscription and deltas, one update id each;
# BitMart's whole book at a depth in every message.
REST_SNAPSHOT_WS_DIFF, WS_SNAPSHOT_DELTA, WS_FULL_BOOK = "rest_snapshot_ws_diff", "ws_snapshot_delta", "ws_full_book"
FULL_BOOK_DEPTH = 50
ERROR_TIMESTAMP = (-1021, "Timestamp for this request is outside of the recvWindow.")
ERROR_SIGNATURE = (-1022, "Signature for this request is not valid.")
ERROR_MANDATORY = (-1102, "Mandatory parameter '{}' was not sent, was empty/null, or malformed.")
ERROR_TOO_MANY_REQUESTS = (-1003, "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. "
                                  "Please use WebSocket Streams for live updates to avoid polling the API.")
ERROR_API_KEY = (-2015, "Invalid API-key, IP, or permissions for action.")
ERROR_UNKNOWN_ORDER = (-2011, "Unknown order sent.")
ERROR_ORDER_NOT_EXIST = (-2013, "Order does not exist.")
ERROR_INSUFFICIENT_BALANCE = (-2010, "Account has insufficient balance for requested action.")
ERROR_INVALID_SYMBOL = (-1121, "Invalid symbol.")
ERROR_LISTEN_KEY = (-1125, "This listenKey does not exist.")
# The keep-alive frames of the rendered ws_ping shapes' defaults: client_ping's text ping and pong, server_ping's
# ping field and the pong field that echoes it.
CLIENT_PING, CLIENT_PONG = "ping", "pong"
SERVER_PING_FIELD, SERVER_PONG_FIELD = "ping", "pong"
WS_PING_SHAPES = ("protocol", "client_ping", "server_ping")


class HeaderScheme:
    """How an exchange of one family reads a signed request: header names, timestamp unit, prehash, digest."""

    def __init__(self, key_header: str, signature_header: str, timestamp_header: str, units_per_second: int,
                 digest: str, base64_encoded: bool, extra_headers: Optional[Dict[str, str]] = None):
        self.key_header = key_header
        self.signature_header = signature_header
        self.timestamp_header = timestamp_header
        self.units_per_second = units_per_second
        self.digest = digest
        self.base64_encoded = base64_encoded
        self.extra_headers = extra_headers or {}

    def sign(self, secret: str, prehash: str) -> str:
        digest = hmac.new(secret.encode("utf8"), prehash.encode("utf8"), getattr(hashlib, self.digest))
        return base64.b64encode(digest.digest()).decode() if self.base64_encoded else digest.hexdigest()


class OkxFamily(HeaderScheme):
    """OKX, KuCoin, Bitget: timestamp + METHOD + path?query + body, base64 HMAC-SHA256; the passphrase header too."""
    WS_LOGIN = ("GET", "/users/self/verify")

    def __init__(self):
        super().__init__("OK-ACCESS-KEY", "OK-ACCESS-SIGN", "OK-ACCESS-TIMESTAMP", 1000, "sha256", True,
                         extra_headers={"X-PASSPHRASE": "e2e-passphrase"})

    def prehash(self, method: str, path: str, query: str, body: str, timestamp: str, api_key: str) -> str:
        return f"{timestamp}{method.upper()}{path}{'?' + query if query else ''}{body}"

    def ws_prehash(self, timestamp: str, api_key: str) -> str:
        return self.prehash(*self.WS_LOGIN, "", "", timestamp, api_key)


class BybitFamily(HeaderScheme):
    """Bybit: timestamp + API key + receive window + (body or query string), hex HMAC-SHA256."""
    RECV_WINDOW = "5000"

    def __init__(self):
        super().__init__("X-BAPI-API-KEY", "X-BAPI-SIGN", "X-BAPI-TIMESTAMP", 1000, "sha256", False,
                         extra_headers={"X-BAPI-RECV-WINDOW": self.RECV_WINDOW})

    def prehash(self, method: str, path: str, query: str, body: str, timestamp: str, api_key: str) -> str:
        return f"{timestamp}{api_key}{self.RECV_WINDOW}{body or query}"

    def ws_prehash(self, timestamp: str, api_key: str) -> str:
        return f"{timestamp}{api_key}{self.RECV_WINDOW}"


class GateFamily(HeaderScheme):
    """Gate.io v4: METHOD, path, query, hex SHA-512 of the body, timestamp (seconds), newline-joined; HMAC-SHA512."""
    WS_LOGIN = ("GET", "/ws/v4/")

    def __init__(self):
        super().__init__("KEY", "SIGN", "Timestamp", 1, "sha512", False)

    def prehash(self, method: str, path: str, query: str, body: str, timestamp: str, api_key: str) -> str:
        return "\n".join([method.upper(), path, query, hashlib.sha512(body.encode()).hexdigest(), timestamp])

    def ws_prehash(self, timestamp: str, api_key: str) -> str:
        return self.prehash(*self.WS_LOGIN, "", "", timestamp, api_key)


class Ed25519Family:
    """Backpack: the base64 Ed25519 signature of instruction, sorted parameters, timestamp and window, in headers."""
    KEY_HEADER = "X-API-Key"
    SIGNATURE_HEADER = "X-Signature"
    TIMESTAMP_HEADER = "X-Timestamp"
    WINDOW_HEADER = "X-Window"
    WS_INSTRUCTION = "subscribe"
    # The instruction of each signed request, by method and path (Backpack's names; the listen key calls' are the
    # template's, Backpack having none).
    INSTRUCTIONS = {
        ("GET", "/account"): "balanceQuery",
        ("GET", "/myTrades"): "fillHistoryQueryAll",
        ("GET", "/order"): "orderQuery",
        ("POST", "/order"): "orderExecute",
        ("DELETE", "/order"): "orderCancel",
        ("POST", "/userDataStream"): "listenKeyCreate",
        ("PUT", "/userDataStream"): "listenKeyKeepAlive",
        ("POST", USER_STREAM_TOKEN_PATH): "userStreamToken",
    }

    @staticmethod
    def seed(secret: str) -> str:
        """The base64 seed of the Ed25519 key a secret names: the secret itself when it is one, else derived from it"""
        try:
            if len(base64.b64decode(secret, validate=True)) == 32:
                return secret
        except ValueError:
            pass
        return base64.b64encode(hashlib.sha256(secret.encode("utf8")).digest()).decode()

    @staticmethod
    def public_key(seed: str) -> str:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        private_key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))
        return base64.b64encode(private_key.public_key().public_bytes_raw()).decode()

    @staticmethod
    def signing_string(instruction: str, params: Dict[str, Any], timestamp: str, window: str) -> str:
        fields = [f"instruction={instruction}"]
        fields += [f"{key}={str(value).lower() if isinstance(value, bool) else value}"
                   for key, value in sorted(params.items())]
        return "&".join(fields + [f"timestamp={timestamp}", f"window={window}"])

    @staticmethod
    def verify(api_key: str, signature: str, message: str) -> bool:
        """Whether `signature` (base64) is the signature of `message` by the private key of the public key `api_key`"""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(api_key)).verify(
                base64.b64decode(signature), message.encode("utf8"))
        except (InvalidSignature, ValueError):
            return False
        return True


ED25519 = "ed25519"
HEADER_SCHEMES = {
    "hmac_sha256_base64_headers": OkxFamily,
    "hmac_sha256_hex_headers": BybitFamily,
    "hmac_sha512_headers": GateFamily,
}


def fmt(value: Decimal) -> str:
    """Binance prints amounts with eight decimals."""
    return format(Decimal(value).quantize(EIGHT_PLACES), "f")


def now_ms(offset_ms: int = 0) -> int:
    return int(time.time() * 1e3) + offset_ms


class Market:
    def __init__(self, symbol: str, base: str, quote: str, mid_price: Decimal, tick_size: Decimal,
                 step_size: Decimal, min_qty: Decimal, min_notional: Decimal, status: str = "TRADING"):
        self.symbol = symbol
        self.base = base
        self.quote = quote
        self.mid_price = mid_price
        self.tick_size = tick_size
        self.step_size = step_size
        self.min_qty = min_qty
        self.min_notional = min_notional
        self.status = status
        self.bids: Dict[Decimal, Decimal] = {}
        self.asks: Dict[Decimal, Decimal] = {}
        self.last_update_id = 1000
        self.last_price = mid_price

    def info(self) -> Dict[str, Any]:
        return {
            "symbol": self.symbol,
            "status": self.status,
            "baseAsset": self.base,
            "baseAssetPrecision": 8,
            "quoteAsset": self.quote,
            "quotePrecision": 8,
            "quoteAssetPrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
            "icebergAllowed": True,
            "ocoAllowed": True,
            "isSpotTradingAllowed": True,
            "isMarginTradingAllowed": False,
            "filters": [
                {"filterType": "PRICE_FILTER", "minPrice": fmt(self.tick_size), "maxPrice": "1000000.00000000",
                 "tickSize": fmt(self.tick_size)},
                {"filterType": "LOT_SIZE", "minQty": fmt(self.min_qty), "maxQty": "9000000.00000000",
                 "stepSize": fmt(self.step_size)},
                {"filterType": "NOTIONAL", "minNotional": fmt(self.min_notional), "applyMinToMarket": True,
                 "maxNotional": "9000000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
            ],
            "permissions": [],
            "permissionSets": [["SPOT"]],
        }

    def levels(self, side: str) -> List[Tuple[Decimal, Decimal]]:
        book = self.bids if side == "bids" else self.asks
        return sorted(book.items(), reverse=(side == "bids"))


class Order:
    def __init__(self, order_id: int, market: Market, client_order_id: str, side: str, order_type: str,
                 quantity: Decimal, price: Decimal, time_in_force: str, created_ms: int):
        self.order_id = order_id
        self.market = market
        self.client_order_id = client_order_id
        self.side = side
        self.order_type = order_type
        self.quantity = quantity
        self.price = price
        self.time_in_force = time_in_force
        self.created_ms = created_ms
        self.updated_ms = created_ms
        self.executed = Decimal("0")
        self.cumulative_quote = Decimal("0")
        self.status = "NEW"

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.executed

    def as_rest(self) -> Dict[str, Any]:
        return {
            "symbol": self.market.symbol,
            "orderId": self.order_id,
            "orderListId": -1,
            "clientOrderId": self.client_order_id,
            "price": fmt(self.price),
            "origQty": fmt(self.quantity),
            "executedQty": fmt(self.executed),
            "cummulativeQuoteQty": fmt(self.cumulative_quote),
            "status": self.status,
            "timeInForce": self.time_in_force,
            "type": self.order_type,
            "side": self.side,
            "stopPrice": "0.00000000",
            "icebergQty": "0.00000000",
            "time": self.created_ms,
            "updateTime": self.updated_ms,
            "isWorking": True,
            "workingTime": self.created_ms,
            "origQuoteOrderQty": "0.00000000",
            "selfTradePreventionMode": "NONE",
        }


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


# How each ws_compression answer's exchange encodes its frames (BingX's gzip on every frame, BitMart's raw deflate).
FRAME_COMPRESSORS: Dict[str, Optional[Callable[[bytes], bytes]]] = {
    "none": None, "gzip": gzip.compress, "deflate": raw_deflate}


class LoopbackExchange:
    """The exchange. `await start()` binds a free port on 127.0.0.1; `await stop()` closes everything."""

    RECV_WINDOW_MS = 5000
    COMMISSION_RATE = Decimal("0.001")

    def __init__(self, api_key: str = "e2e-api-key", api_secret: str = "e2e-api-secret",
                 balances: Optional[Dict[str, Tuple[str, str]]] = None, seed: int = 7,
                 auth_scheme: str = "hmac_sha256_query", order_book_source: str = REST_SNAPSHOT_WS_DIFF,
                 ws_ping: str = "protocol", ws_compression: str = "none"):
        assert ws_ping in WS_PING_SHAPES, ws_ping
        self.api_key = api_key
        self.order_book_source = order_book_source
        self.api_secret = api_secret
        self.auth_scheme = auth_scheme
        self.compress_frame = FRAME_COMPRESSORS[ws_compression]
        if auth_scheme == ED25519:  # Backpack's key pair: the secret is a key's seed, the API key its public key
            self.api_secret = Ed25519Family.seed(api_secret)
            self.api_key = Ed25519Family.public_key(self.api_secret)
        self.header_scheme: Optional[HeaderScheme] = HEADER_SCHEMES[auth_scheme]() if auth_scheme in HEADER_SCHEMES \
            else None
        self.clock_offset_ms = 0  # the server clock runs this many milliseconds ahead of the local clock
        self.markets: Dict[str, Market] = {}
        self.balances: Dict[str, List[Decimal]] = {}
        for asset, (free, locked) in (balances or {"COINALPHA": ("100", "0"), "HBOT": ("10000", "0")}).items():
            self.balances[asset] = [Decimal(free), Decimal(locked)]
        self.orders: Dict[int, Order] = {}
        self.trades: List[Dict[str, Any]] = []
        self.listen_keys: Set[str] = set()
        self.request_log: List[Dict[str, Any]] = []
        self.subscriptions: List[Dict[str, Any]] = []  # every SUBSCRIBE / user stream subscription received
        self.ws_ping = ws_ping
        self.answer_pings = True  # client_ping: whether the connector's pings get their pong
        self.pings_received = {"public": 0, "user": 0, "ws_api": 0}
        self.server_ping_interval = 0.2  # server_ping: seconds between the exchange's pings on a connection
        self.pongs_received = {"public": 0, "user": 0, "ws_api": 0}
        self.wrong_pongs: List[Any] = []  # server_ping: pongs that echo no ping of their connection
        self._pings_sent: Dict[web.WebSocketResponse, Set[int]] = {}
        self._ping_ids = itertools.count(1)
        self._pinger_tasks: Set[asyncio.Task] = set()
        # Connections opened, by kind; a ws_login or signed_subscribe connection counts once its stream is accepted.
        self.connections_opened = {"public": 0, "user": 0, "ws_api": 0, "ws_login": 0, "signed_subscribe": 0,
                                   "rest_token": 0}
        self.logins = 0  # accepted websocket logins (ws_login)
        self.user_stream_tokens: List[str] = []  # every token the token endpoint gave, in order
        self.tokens_connected: List[str] = []  # the token of every tokened websocket connection, in order
        # The private channels of each connection, by user stream: what _send_user sends each event to.
        self._private_channels: Dict[str, Dict[web.WebSocketResponse, Set[str]]] = {
            kind: {} for kind in PRIVATE_CHANNELS}
        self._logged_in: Set[web.WebSocketResponse] = set()
        self._counted: Set[web.WebSocketResponse] = set()  # connections counted in connections_opened
        self._public_ws: Dict[web.WebSocketResponse, Set[str]] = {}
        self._user_ws: Set[web.WebSocketResponse] = set()
        self._ws_api_subscribed: Dict[web.WebSocketResponse, int] = {}
        self._all_ws: Set[web.WebSocketResponse] = set()
        self._ids = itertools.count(1)
        self._trade_ids = itertools.count(5000)
        self._subscription_ids = itertools.count(0)
        self._random = random.Random(seed)
        self._answer_429: List[Optional[str]] = []
        self._answer_timestamp_error: int = 0
        self._runner: Optional[web.AppRunner] = None
        self.port: Optional[int] = None
        self.add_market("COINALPHAHBOT", "COINALPHA", "HBOT", mid_price=Decimal("100"))
        # A market that is not trading: the connector must leave it out of its trading pairs and rules.
        self.add_market("COINBETAHBOT", "COINBETA", "HBOT", mid_price=Decimal("10"), status="BREAK")

    # ------------------------------------------------------------------ lifecycle
    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def wss_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def wss_api_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws-api/v3"

    async def start(self) -> int:
        app = web.Application()
        app.router.add_route("*", API_PREFIX + "/{endpoint:.*}", self._rest)
        app.router.add_get("/ws", self._public_stream)
        app.router.add_get("/ws/{listen_key}", self._user_stream)
        app.router.add_get("/ws-api/v3", self._ws_api)
        app.router.add_get("/ws-token", self._token_stream)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self.port

    async def stop(self):
        for task in list(self._pinger_tasks):
            task.cancel()
        await self.drop_websockets()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ test hooks
    def add_market(self, symbol: str, base: str, quote: str, mid_price: Decimal, status: str = "TRADING"):
        market = Market(symbol, base, quote, mid_price, tick_size=Decimal("0.01"), step_size=Decimal("0.001"),
                        min_qty=Decimal("0.001"), min_notional=Decimal("1"), status=status)
        for level in range(1, 21):
            market.bids[mid_price - level * market.tick_size * 5] = Decimal(level)
            market.asks[mid_price + level * market.tick_size * 5] = Decimal(level)
        self.markets[symbol] = market
        for asset in (base, quote):
            self.balances.setdefault(asset, [Decimal("0"), Decimal("0")])

    def answer_next_request_with_429(self, path: Optional[str] = None, count: int = 1):
        """The next `count` requests (to `path`, e.g. "/order", when given) are answered 429 Too Many Requests."""
        self._answer_429.extend([path] * count)

    def a_wrong_secret(self) -> str:
        """A secret other than the server's that the connector can still sign with: an Ed25519 key for ed25519"""
        return Ed25519Family.seed("not-the-secret") if self.auth_scheme == ED25519 else "not-the-secret"

    def answer_next_signed_request_with_timestamp_error(self, count: int = 1):
        self._answer_timestamp_error += count

    async def drop_websockets(self) -> int:
        """Closes every open websocket (public, user stream, websocket API), as an exchange restart would."""
        sockets = [ws for ws in self._all_ws if not ws.closed]
        await asyncio.gather(*(ws.close(code=1001, message=b"going away") for ws in sockets),
                             return_exceptions=True)
        return len(sockets)

    def open_connections(self, kind: str) -> int:
        if kind == "public":
            return sum(1 for ws in self._public_ws if not ws.closed)
        if kind == "user":
            return sum(1 for ws in self._user_ws if not ws.closed)
        if kind in self._private_channels:  # connections subscribed to every private channel
            every_channel = set(PRIVATE_CHANNELS[kind].values())
            return sum(1 for ws, channels in self._private_channels[kind].items()
                       if not ws.closed and channels >= every_channel)
        return sum(1 for ws in self._ws_api_subscribed if not ws.closed)

    def subscribed_streams(self) -> Set[str]:
        return set().union(*(streams for ws, streams in self._public_ws.items() if not ws.closed)) \
            if self._public_ws else set()

    def book(self, symbol: str) -> Dict[str, List[Tuple[float, float]]]:
        """The order book as (price, amount) floats, best first: what the connector's OrderBook must hold."""
        market = self.markets[symbol]
        depth = FULL_BOOK_DEPTH if self.order_book_source == WS_FULL_BOOK else None
        return {side: [(float(price), float(amount)) for price, amount in market.levels(side)[:depth]]
                for side in ("bids", "asks")}

    async def push_diffs(self, symbol: str, count: int) -> int:
        """Changes the book `count` times at random and streams each change in the order book source's shape (a
        depthUpdate, a delta, the whole book); returns the last update id."""
        market = self.markets[symbol]
        for _ in range(count):
            await self._apply_and_stream_diff(market, self._random_changes(market))
        return market.last_update_id

    async def skip_updates(self, symbol: str, count: int = 1) -> int:
        """Changes the book `count` times without streaming the changes: the sequence gap of lost messages."""
        market = self.markets[symbol]
        for _ in range(count):
            await self._apply_and_stream_diff(market, self._random_changes(market), stream=False)
        return market.last_update_id

    def book_stream(self, symbol: str) -> str:
        """The stream a connector subscribes to for the symbol's book, as the order book source names it"""
        return {REST_SNAPSHOT_WS_DIFF: f"{symbol.lower()}@depth", WS_SNAPSHOT_DELTA: f"orderbook.200.{symbol}",
                WS_FULL_BOOK: f"spot/depth50:{symbol}"}[self.order_book_source]

    def _random_changes(self, market: Market) -> Dict[str, Dict[Decimal, Decimal]]:
        changes = {"bids": {}, "asks": {}}
        for side in ("bids", "asks"):
            for _ in range(self._random.randint(1, 3)):
                ticks = self._random.randint(1, 120)
                price = (market.mid_price - ticks * market.tick_size if side == "bids"
                         else market.mid_price + ticks * market.tick_size)
                amount = (Decimal("0") if self._random.random() < 0.3
                          else Decimal(self._random.randint(1, 50000)) * market.step_size)
                changes[side][price] = amount
        return changes

    async def set_level(self, symbol: str, side: str, price: str, amount: str) -> int:
        market = self.markets[symbol]
        await self._apply_and_stream_diff(market, {side: {Decimal(price): Decimal(amount)},
                                                   "asks" if side == "bids" else "bids": {}})
        return market.last_update_id

    async def push_trade(self, symbol: str, price: str, amount: str, buyer_is_maker: bool = False):
        market = self.markets[symbol]
        market.last_price = Decimal(price)
        event_time = now_ms(self.clock_offset_ms)
        await self._send_public(market, "trade", {
            "e": "trade", "E": event_time, "s": symbol, "t": next(self._trade_ids), "p": fmt(Decimal(price)),
            "q": fmt(Decimal(amount)), "T": event_time, "m": buyer_is_maker, "M": True,
        })

    async def fill_order(self, client_order_id: str, amount: Optional[str] = None) -> Dict[str, Any]:
        """Matches (part of) a resting limit order at its price and pushes executionReport + outboundAccountPosition."""
        order = self._find_order(client_order_id=client_order_id)
        if order is None or order.status not in ("NEW", "PARTIALLY_FILLED"):
            raise ValueError(f"No open order {client_order_id}")
        fill_amount = order.remaining if amount is None else min(Decimal(amount), order.remaining)
        return await self._execute(order, fill_amount, order.price, is_maker=True)

    def order_by_client_id(self, client_order_id: str) -> Optional[Order]:
        return self._find_order(client_order_id=client_order_id)

    def requests_to(self, path: str, method: Optional[str] = None) -> List[Dict[str, Any]]:
        return [entry for entry in self.request_log
                if entry["path"] == path and (method is None or entry["method"] == method)]

    def balance(self, asset: str) -> Tuple[Decimal, Decimal]:
        free, locked = self.balances[asset]
        return free, locked

    # ------------------------------------------------------------------ matching and user stream
    async def _execute(self, order: Order, fill_amount: Decimal, fill_price: Decimal, is_maker: bool):
        market = order.market
        quote_amount = fill_amount * fill_price
        base_balance, quote_balance = self.balances[market.base], self.balances[market.quote]
        if order.side == "BUY":
            commission, commission_asset = fill_amount * self.COMMISSION_RATE, market.base
            if order.order_type == "MARKET":
                quote_balance[0] -= quote_amount
            else:
                quote_balance[1] -= quote_amount
            base_balance[0] += fill_amount - commission
        else:
            commission, commission_asset = quote_amount * self.COMMISSION_RATE, market.quote
            if order.order_type == "MARKET":
                base_balance[0] -= fill_amount
            else:
                base_balance[1] -= fill_amount
            quote_balance[0] += quote_amount - commission
        event_time = now_ms(self.clock_offset_ms)
        order.executed += fill_amount
        order.cumulative_quote += quote_amount
        order.updated_ms = event_time
        order.status = "FILLED" if order.remaining <= 0 else "PARTIALLY_FILLED"
        market.last_price = fill_price
        trade = {
            "symbol": market.symbol, "id": next(self._trade_ids), "orderId": order.order_id, "orderListId": -1,
            "price": fmt(fill_price), "qty": fmt(fill_amount), "quoteQty": fmt(quote_amount),
            "commission": fmt(commission), "commissionAsset": commission_asset, "time": event_time,
            "isBuyer": order.side == "BUY", "isMaker": is_maker, "isBestMatch": True,
        }
        self.trades.append(trade)
        await self._send_user(self._execution_report(order, "TRADE", event_time, last_qty=fill_amount,
                                                     last_price=fill_price, commission=commission,
                                                     commission_asset=commission_asset, trade_id=trade["id"],
                                                     is_maker=is_maker))
        await self._send_balances([market.base, market.quote], event_time)
        return trade

    def _execution_report(self, order: Order, execution_type: str, event_time: int, last_qty: Decimal = Decimal(0),
                          last_price: Decimal = Decimal(0), commission: Decimal = Decimal(0),
                          commission_asset: Optional[str] = None, trade_id: int = -1, is_maker: bool = False,
                          cancel_client_order_id: str = "") -> Dict[str, Any]:
        return {
            "e": "executionReport", "E": event_time, "s": order.market.symbol,
            # On a cancel "c" is the cancel request's id and "C" the cancelled order's client id.
            "c": cancel_client_order_id or order.client_order_id,
            "S": order.side, "o": order.order_type, "f": order.time_in_force, "q": fmt(order.quantity),
            "p": fmt(order.price), "P": "0.00000000", "F": "0.00000000", "g": -1,
            "C": order.client_order_id if cancel_client_order_id else "",
            "x": execution_type, "X": order.status, "r": "NONE", "i": order.order_id, "l": fmt(last_qty),
            "z": fmt(order.executed), "L": fmt(last_price), "n": fmt(commission), "N": commission_asset,
            "T": event_time, "t": trade_id, "I": next(self._ids), "w": order.status == "NEW", "m": is_maker,
            "M": False, "O": order.created_ms, "Z": fmt(order.cumulative_quote), "Y": fmt(last_qty * last_price),
            "Q": "0.00000000", "W": order.created_ms, "V": "NONE",
        }

    async def _send_balances(self, assets: List[str], event_time: int):
        await self._send_user({
            "e": "outboundAccountPosition", "E": event_time, "u": event_time,
            "B": [{"a": asset, "f": fmt(self.balances[asset][0]), "l": fmt(self.balances[asset][1])}
                  for asset in assets],
        })

    async def _send_user(self, event: Dict[str, Any]):
        for ws in list(self._user_ws):
            if not ws.closed:
                await self._send(ws, event)
        for ws, subscription_id in list(self._ws_api_subscribed.items()):
            if not ws.closed:
                await self._send(ws, {"subscriptionId": subscription_id, "event": event})
        for kind, connections in self._private_channels.items():
            channel = PRIVATE_CHANNELS[kind].get(event.get("e"))
            envelope = {
                "ws_login": lambda: {"arg": {"channel": channel}, "data": [event]},
                "signed_subscribe": lambda: {"time": int(time.time()), "channel": channel, "event": "update",
                                             "result": [event]},
                "rest_token": lambda: {"type": "message", "topic": channel, "subject": event.get("e"),
                                       "data": event},
            }[kind]()
            for ws, channels in list(connections.items()):
                if not ws.closed and channel in channels:
                    await self._send(ws, envelope)

    async def _apply_and_stream_diff(self, market: Market, changes: Dict[str, Dict[Decimal, Decimal]],
                                     stream: bool = True):
        for side, side_changes in changes.items():
            book = market.bids if side == "bids" else market.asks
            for price, amount in side_changes.items():
                if amount > 0:
                    book[price] = amount
                else:
                    book.pop(price, None)
        first_update_id = market.last_update_id + 1
        # Binance's diffs may span several update ids; Bybit's deltas and BitMart's books take one each.
        market.last_update_id += self._random.randint(1, 3) if self.order_book_source == REST_SNAPSHOT_WS_DIFF else 1
        if not stream:
            return
        bids = [[fmt(price), fmt(amount)] for price, amount in changes.get("bids", {}).items()]
        asks = [[fmt(price), fmt(amount)] for price, amount in changes.get("asks", {}).items()]
        if self.order_book_source == REST_SNAPSHOT_WS_DIFF:
            await self._send_public(market, "depth", {
                "e": "depthUpdate", "E": now_ms(self.clock_offset_ms), "s": market.symbol, "U": first_update_id,
                "u": market.last_update_id, "b": bids, "a": asks})
        elif self.order_book_source == WS_SNAPSHOT_DELTA:
            await self._send_book(market, self._book_event(market, "delta", bids, asks))
        else:
            await self._send_book(market, self._full_book_event(market))

    def _levels(self, market: Market, side: str, depth: Optional[int] = None) -> List[List[str]]:
        return [[fmt(price), fmt(amount)] for price, amount in market.levels(side)[:depth]]

    def _book_event(self, market: Market, kind: str, bids: List[List[str]], asks: List[List[str]]) -> Dict[str, Any]:
        """A Bybit-like order book message: the snapshot pushed on subscription, or a delta"""
        return {"topic": self.book_stream(market.symbol), "type": kind, "ts": now_ms(self.clock_offset_ms),
                "data": {"s": market.symbol, "b": bids, "a": asks, "u": market.last_update_id,
                         "seq": market.last_update_id}}

    def _full_book_event(self, market: Market) -> Dict[str, Any]:
        """A BitMart-like message: the whole book at its depth, its update id in place of the time"""
        return {"table": "spot/depth50", "data": [{
            "symbol": market.symbol, "ms_t": market.last_update_id,
            "bids": self._levels(market, "bids", FULL_BOOK_DEPTH),
            "asks": self._levels(market, "asks", FULL_BOOK_DEPTH)}]}

    async def _send_book(self, market: Market, event: Dict[str, Any]):
        for ws, streams in list(self._public_ws.items()):
            if not ws.closed and self.book_stream(market.symbol) in streams:
                await self._send(ws, event)

    async def _send_public(self, market: Market, channel: str, event: Dict[str, Any]):
        prefix = f"{market.symbol.lower()}@{channel}"
        for ws, streams in list(self._public_ws.items()):
            if not ws.closed and any(stream.startswith(prefix) for stream in streams):
                await self._send(ws, event)

    def _find_order(self, client_order_id: Optional[str] = None, order_id: Optional[int] = None) -> Optional[Order]:
        for order in self.orders.values():
            if (client_order_id is not None and order.client_order_id == client_order_id) or \
                    (order_id is not None and order.order_id == order_id):
                return order
        return None

    # ------------------------------------------------------------------ REST
    @staticmethod
    def _error(status: int, error: Tuple[int, str], headers: Optional[Dict[str, str]] = None) -> web.Response:
        code, message = error
        return web.json_response({"code": code, "msg": message}, status=status, headers=headers)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["endpoint"]
        body = await request.text()
        params = self._request_params(request, body)
        entry = {"method": request.method, "path": path, "params": params, "time": time.time()}
        self.request_log.append(entry)
        response = await self._answer(request, path, params, body)
        entry["status"] = response.status
        entry["response"] = response.text
        return response

    @staticmethod
    def _request_params(request: web.Request, body: str) -> Dict[str, str]:
        params = dict(parse_qsl(request.query_string, keep_blank_values=True))
        if body:
            stripped = body.strip()
            if stripped.startswith("{"):
                params.update({key: str(value) for key, value in json.loads(stripped).items()})
            else:
                params.update(dict(parse_qsl(stripped, keep_blank_values=True)))
        return params

    async def _answer(self, request: web.Request, path: str, params: Dict[str, str], body: str) -> web.Response:
        if path in self._answer_429 or None in self._answer_429:
            self._answer_429.remove(path if path in self._answer_429 else None)
            return self._error(429, ERROR_TOO_MANY_REQUESTS, headers={"Retry-After": "1"})
        if path in SIGNED_PATHS or (self.auth_scheme != "hmac_sha256_query" and path == "/userDataStream"):
            rejection = self._check_signed(request, params, body)
            if rejection is not None:
                return rejection
        handler = {
            ("GET", "/ping"): self._ping,
            ("GET", "/time"): self._time,
            ("GET", "/exchangeInfo"): self._exchange_info,
            ("GET", "/depth"): self._depth,
            ("GET", "/ticker/price"): self._ticker_price,
            ("GET", "/ticker/24hr"): self._ticker_24hr,
            ("GET", "/ticker/bookTicker"): self._book_ticker,
            ("GET", "/account"): self._account,
            ("POST", "/order"): self._create_order,
            ("DELETE", "/order"): self._cancel_order,
            ("GET", "/order"): self._order_status,
            ("GET", "/openOrders"): self._open_orders,
            ("GET", "/myTrades"): self._my_trades,
            ("POST", "/userDataStream"): self._create_listen_key,
            ("PUT", "/userDataStream"): self._keep_alive_listen_key,
            ("DELETE", "/userDataStream"): self._close_listen_key,
            ("POST", USER_STREAM_TOKEN_PATH): self._create_user_stream_token,
        }.get((request.method, path))
        if handler is None:
            return web.json_response({"code": -1100, "msg": f"Unknown endpoint {request.method} {path}"}, status=404)
        return await handler(request, params)

    def _check_signed(self, request: web.Request, params: Dict[str, str], body: str) -> Optional[web.Response]:
        if self.auth_scheme == ED25519:
            return self._check_signed_ed25519(request, params, body)
        if self.header_scheme is not None:
            return self._check_signed_headers(request, body)
        if request.headers.get(API_KEY_HEADER) != self.api_key:
            return self._error(401, ERROR_API_KEY)
        for mandatory in ("timestamp", "signature"):
            if not params.get(mandatory):
                return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format(mandatory)))
        # The signed payload is the parameters exactly as sent (query string, then body), signature left out.
        parts = [part for part in request.query_string.split("&") if part]
        stripped = body.strip()
        if stripped.startswith("{"):
            parts.append(urlencode({key: value for key, value in json.loads(stripped).items()}))
        elif stripped:
            parts.extend(part for part in stripped.split("&") if part)
        signed = "&".join(part for part in parts if unquote_plus(part.split("=", 1)[0]) != "signature")
        expected = hmac.new(self.api_secret.encode("utf8"), signed.encode("utf8"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, params["signature"]):
            return self._error(401, ERROR_SIGNATURE)
        if self._answer_timestamp_error > 0:
            self._answer_timestamp_error -= 1
            return self._error(400, ERROR_TIMESTAMP)
        if not self._timestamp_in_window(params["timestamp"], params.get("recvWindow")):
            return self._error(400, ERROR_TIMESTAMP)
        return None

    def _check_signed_headers(self, request: web.Request, body: str) -> Optional[web.Response]:
        scheme = self.header_scheme
        headers = request.headers
        if headers.get(scheme.key_header) != self.api_key or any(
                headers.get(name) != value for name, value in scheme.extra_headers.items()):
            return self._error(401, ERROR_API_KEY)
        for mandatory in (scheme.timestamp_header, scheme.signature_header):
            if not headers.get(mandatory):
                return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format(mandatory)))
        timestamp = headers[scheme.timestamp_header]
        prehash = scheme.prehash(request.method, request.path, request.query_string, body, timestamp, self.api_key)
        if not hmac.compare_digest(scheme.sign(self.api_secret, prehash), headers[scheme.signature_header]):
            return self._error(401, ERROR_SIGNATURE)
        if self._answer_timestamp_error > 0:
            self._answer_timestamp_error -= 1
            return self._error(400, ERROR_TIMESTAMP)
        if not self._timestamp_in_window(self._header_timestamp_ms(timestamp), None):
            return self._error(400, ERROR_TIMESTAMP)
        return None

    def _check_signed_ed25519(self, request: web.Request, params: Dict[str, str], body: str) -> Optional[web.Response]:
        headers = request.headers
        if headers.get(Ed25519Family.KEY_HEADER) != self.api_key:
            return self._error(401, ERROR_API_KEY)
        for mandatory in (Ed25519Family.TIMESTAMP_HEADER, Ed25519Family.WINDOW_HEADER, Ed25519Family.SIGNATURE_HEADER):
            if not headers.get(mandatory):
                return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format(mandatory)))
        instruction = Ed25519Family.INSTRUCTIONS.get((request.method, "/" + request.match_info["endpoint"]))
        if instruction is None:
            return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format("instruction")))
        # The signed parameters: the JSON body's fields when there is a body, the query parameters otherwise.
        stripped = body.strip()
        if stripped.startswith("{"):
            signed = json.loads(stripped)
        else:
            signed = dict(parse_qsl(request.query_string, keep_blank_values=True))
        timestamp, window = headers[Ed25519Family.TIMESTAMP_HEADER], headers[Ed25519Family.WINDOW_HEADER]
        message = Ed25519Family.signing_string(instruction, signed, timestamp, window)
        if not Ed25519Family.verify(self.api_key, headers[Ed25519Family.SIGNATURE_HEADER], message):
            return self._error(401, ERROR_SIGNATURE)
        if self._answer_timestamp_error > 0:
            self._answer_timestamp_error -= 1
            return self._error(400, ERROR_TIMESTAMP)
        if not self._timestamp_in_window(timestamp, window):
            return self._error(400, ERROR_TIMESTAMP)
        return None

    def _header_timestamp_ms(self, timestamp: str) -> str:
        """A timestamp in the scheme's unit, in milliseconds; one in whole seconds may lag the clock by up to 1 s."""
        try:
            return str(int(timestamp) * 1000 // self.header_scheme.units_per_second)
        except ValueError:
            return ""

    def _timestamp_in_window(self, timestamp: str, recv_window: Optional[str]) -> bool:
        # The exchange's rule: not more than 1 s ahead of its clock, not older than recvWindow.
        server_time = now_ms(self.clock_offset_ms)
        window = int(recv_window or self.RECV_WINDOW_MS)
        try:
            timestamp_ms = int(float(timestamp))
        except ValueError:
            return False
        return timestamp_ms < server_time + 1000 and server_time - timestamp_ms <= window

    def _market_or_error(self, params: Dict[str, str]) -> Tuple[Optional[Market], Optional[web.Response]]:
        market = self.markets.get(params.get("symbol", ""))
        if market is None:
            return None, self._error(400, ERROR_INVALID_SYMBOL)
        return market, None

    async def _ping(self, request, params):
        return web.json_response({})

    async def _time(self, request, params):
        return web.json_response({"serverTime": now_ms(self.clock_offset_ms)})

    async def _exchange_info(self, request, params):
        return web.json_response({
            "timezone": "UTC", "serverTime": now_ms(self.clock_offset_ms), "rateLimits": [], "exchangeFilters": [],
            "symbols": [market.info() for market in self.markets.values()],
        })

    async def _depth(self, request, params):
        market, error = self._market_or_error(params)
        if error:
            return error
        limit = int(params.get("limit", 100))
        bids, asks = self._levels(market, "bids", limit), self._levels(market, "asks", limit)
        if self.order_book_source == WS_SNAPSHOT_DELTA:
            return web.json_response({"retCode": 0, "result": {
                "s": market.symbol, "b": bids, "a": asks, "u": market.last_update_id, "seq": market.last_update_id,
                "ts": now_ms(self.clock_offset_ms)}})
        if self.order_book_source == WS_FULL_BOOK:
            return web.json_response({"code": 1000, "data": {
                "ts": str(market.last_update_id), "symbol": market.symbol, "bids": bids, "asks": asks}})
        return web.json_response({"lastUpdateId": market.last_update_id, "bids": bids, "asks": asks})

    async def _ticker_price(self, request, params):
        if "symbol" in params:
            market, error = self._market_or_error(params)
            return error or web.json_response({"symbol": market.symbol, "price": fmt(market.last_price)})
        return web.json_response([{"symbol": market.symbol, "price": fmt(market.last_price)}
                                  for market in self.markets.values()])

    async def _ticker_24hr(self, request, params):
        def ticker(market: Market) -> Dict[str, Any]:
            return {"symbol": market.symbol, "lastPrice": fmt(market.last_price), "openPrice": fmt(market.mid_price),
                    "highPrice": fmt(market.last_price), "lowPrice": fmt(market.last_price), "volume": "0",
                    "quoteVolume": "0", "count": len(self.trades)}
        if "symbol" in params:
            market, error = self._market_or_error(params)
            return error or web.json_response(ticker(market))
        return web.json_response([ticker(market) for market in self.markets.values()])

    async def _book_ticker(self, request, params):
        tickers = []
        for market in self.markets.values():
            (bid, bid_qty), (ask, ask_qty) = market.levels("bids")[0], market.levels("asks")[0]
            tickers.append({"symbol": market.symbol, "bidPrice": fmt(bid), "bidQty": fmt(bid_qty),
                            "askPrice": fmt(ask), "askQty": fmt(ask_qty)})
        return web.json_response(tickers)

    async def _account(self, request, params):
        return web.json_response({
            "makerCommission": 10, "takerCommission": 10, "buyerCommission": 0, "sellerCommission": 0,
            "canTrade": True, "canWithdraw": True, "canDeposit": True, "brokered": False,
            "updateTime": now_ms(self.clock_offset_ms), "accountType": "SPOT", "permissions": ["SPOT"],
            "balances": [{"asset": asset, "free": fmt(free), "locked": fmt(locked)}
                         for asset, (free, locked) in self.balances.items()],
        })

    async def _create_order(self, request, params):
        market, error = self._market_or_error(params)
        if error:
            return error
        for mandatory in ("side", "type", "quantity"):
            if not params.get(mandatory):
                return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format(mandatory)))
        side, order_type = params["side"], params["type"]
        quantity = Decimal(params["quantity"])
        if order_type == "MARKET":
            book_side = market.levels("asks" if side == "BUY" else "bids")
            price = book_side[0][0] if book_side else market.last_price
        else:
            if not params.get("price"):
                return self._error(400, (ERROR_MANDATORY[0], ERROR_MANDATORY[1].format("price")))
            price = Decimal(params["price"])
        asset, needed = (market.quote, quantity * price) if side == "BUY" else (market.base, quantity)
        if self.balances[asset][0] < needed:
            return self._error(400, ERROR_INSUFFICIENT_BALANCE)
        created = now_ms(self.clock_offset_ms)
        order = Order(next(self._ids), market, params.get("newClientOrderId") or secrets.token_hex(8), side,
                      order_type, quantity, price, params.get("timeInForce", "GTC"), created)
        self.orders[order.order_id] = order
        if order_type != "MARKET":
            self.balances[asset][0] -= needed
            self.balances[asset][1] += needed
        await self._send_user(self._execution_report(order, "NEW", created))
        if order_type == "MARKET":
            await self._execute(order, quantity, price, is_maker=False)
        else:
            await self._send_balances([asset], created)
        answer = order.as_rest()
        answer["transactTime"] = created
        answer["fills"] = []
        return web.json_response(answer)

    async def _cancel_order(self, request, params):
        market, error = self._market_or_error(params)
        if error:
            return error
        order = self._find_order(client_order_id=params.get("origClientOrderId"),
                                 order_id=int(params["orderId"]) if params.get("orderId") else None)
        if order is None or order.market is not market or order.status not in ("NEW", "PARTIALLY_FILLED"):
            return self._error(400, ERROR_UNKNOWN_ORDER)
        event_time = now_ms(self.clock_offset_ms)
        order.status, order.updated_ms = "CANCELED", event_time
        asset, released = ((market.quote, order.remaining * order.price) if order.side == "BUY"
                           else (market.base, order.remaining))
        self.balances[asset][0] += released
        self.balances[asset][1] -= released
        cancel_id = params.get("newClientOrderId") or f"cancel{secrets.token_hex(6)}"
        await self._send_user(self._execution_report(order, "CANCELED", event_time,
                                                     cancel_client_order_id=cancel_id))
        await self._send_balances([asset], event_time)
        answer = order.as_rest()
        answer.update({"origClientOrderId": order.client_order_id, "clientOrderId": cancel_id,
                       "transactTime": event_time})
        return web.json_response(answer)

    async def _order_status(self, request, params):
        market, error = self._market_or_error(params)
        if error:
            return error
        order = self._find_order(client_order_id=params.get("origClientOrderId"),
                                 order_id=int(params["orderId"]) if params.get("orderId") else None)
        if order is None or order.market is not market:
            return self._error(400, ERROR_ORDER_NOT_EXIST)
        return web.json_response(order.as_rest())

    async def _open_orders(self, request, params):
        return web.json_response([order.as_rest() for order in self.orders.values()
                                  if order.status in ("NEW", "PARTIALLY_FILLED")
                                  and order.market.symbol == params.get("symbol", order.market.symbol)])

    async def _my_trades(self, request, params):
        market, error = self._market_or_error(params)
        if error:
            return error
        trades = [trade for trade in self.trades if trade["symbol"] == market.symbol]
        if params.get("orderId"):
            trades = [trade for trade in trades if str(trade["orderId"]) == params["orderId"]]
        if params.get("startTime"):
            trades = [trade for trade in trades if trade["time"] >= int(params["startTime"])]
        return web.json_response(trades)

    async def _create_listen_key(self, request, params):
        if self.auth_scheme == "hmac_sha256_query" and request.headers.get(API_KEY_HEADER) != self.api_key:
            return self._error(401, ERROR_API_KEY)
        listen_key = secrets.token_hex(32)
        self.listen_keys.add(listen_key)
        return web.json_response({"listenKey": listen_key})

    async def _keep_alive_listen_key(self, request, params):
        if self.auth_scheme == "hmac_sha256_query" and request.headers.get(API_KEY_HEADER) != self.api_key:
            return self._error(401, ERROR_API_KEY)
        if params.get("listenKey") not in self.listen_keys:
            return self._error(400, ERROR_LISTEN_KEY)
        return web.json_response({})

    async def _close_listen_key(self, request, params):
        self.listen_keys.discard(params.get("listenKey"))
        return web.json_response({})

    async def _create_user_stream_token(self, request, params):
        token = secrets.token_hex(16)
        self.user_stream_tokens.append(token)
        return web.json_response({"code": "200000", "data": {"token": token, "instanceServers": [
            {"endpoint": f"ws://127.0.0.1:{self.port}/ws-token", "encrypt": False, "protocol": "websocket",
             "pingInterval": 18000, "pingTimeout": 10000}]}})

    # ------------------------------------------------------------------ websockets
    async def _send(self, ws: web.WebSocketResponse, message: Dict[str, Any]):
        """Every frame to the connector goes out here: JSON text, or binary compressed as the exchange compresses."""
        text = json.dumps(message)
        if self.compress_frame is None:
            await ws.send_str(text)
        else:
            await ws.send_bytes(self.compress_frame(text.encode()))

    async def _open(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._all_ws.add(ws)
        return ws

    async def _public_stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = await self._open(request)
        self.connections_opened["public"] += 1
        self._public_ws[ws] = set()
        self._start_pinging(ws, "public")
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT or await self._handled_keep_alive(ws, "public", message.data):
                    continue
                payload = json.loads(message.data)
                method, streams = payload.get("method"), payload.get("params", [])
                if method == "SUBSCRIBE":
                    self._public_ws[ws].update(streams)
                    self.subscriptions.append({"kind": "public", "streams": list(streams), "time": time.time()})
                elif method == "UNSUBSCRIBE":
                    self._public_ws[ws].difference_update(streams)
                await self._send(ws, {"result": None, "id": payload.get("id")})
                if method == "SUBSCRIBE" and self.order_book_source == WS_SNAPSHOT_DELTA:
                    for market in self.markets.values():
                        if self.book_stream(market.symbol) in streams:  # the snapshot a subscription gets first
                            await self._send(ws, self._book_event(
                                market, "snapshot", self._levels(market, "bids"), self._levels(market, "asks")))
        finally:
            self._public_ws.pop(ws, None)
            self._pings_sent.pop(ws, None)
            self._all_ws.discard(ws)
        return ws

    async def _user_stream(self, request: web.Request):
        if request.match_info["listen_key"] not in self.listen_keys:
            return self._error(400, ERROR_LISTEN_KEY)
        ws = await self._open(request)
        self.connections_opened["user"] += 1
        self._user_ws.add(ws)
        self.subscriptions.append({"kind": "user", "time": time.time()})
        self._start_pinging(ws, "user")
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:  # the user stream is one-way but for keep-alive frames
                    await self._handled_keep_alive(ws, "user", message.data)
        finally:
            self._user_ws.discard(ws)
            self._pings_sent.pop(ws, None)
            self._all_ws.discard(ws)
        return ws

    def ws_signature(self, params: Dict[str, Any]) -> str:
        if self.header_scheme is not None:  # a login: the scheme's login prehash of the timestamp
            timestamp = str(params.get("timestamp", ""))
            return self.header_scheme.sign(self.api_secret, self.header_scheme.ws_prehash(timestamp, self.api_key))
        payload = "&".join(f"{key}={value}" for key, value in sorted(params.items()) if key != "signature")
        return hmac.new(self.api_secret.encode("utf8"), payload.encode("utf8"), hashlib.sha256).hexdigest()

    async def _ws_api(self, request: web.Request) -> web.WebSocketResponse:
        ws = await self._open(request)
        self.connections_opened["ws_api"] += 1
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT or await self._handled_keep_alive(ws, "ws_api", message.data):
                    continue
                if message.data == "ping":
                    await ws.send_str("pong")
                    continue
                payload = json.loads(message.data)
                if "op" in payload:  # ws_login
                    answers = self._ws_login_answers(ws, payload)
                elif "channel" in payload:  # signed_subscribe
                    answers = [self._signed_subscribe_answer(ws, payload)]
                else:
                    answers = [self._ws_api_answer(ws, payload)]
                for answer in answers:
                    await self._send(ws, answer)
                if ws in self._ws_api_subscribed and ws not in self._pings_sent:
                    # Pings start once subscribed: the connector reads the subscription's answer as the next frame.
                    self._start_pinging(ws, "ws_api")
        finally:
            self._ws_api_subscribed.pop(ws, None)
            self._pings_sent.pop(ws, None)
            self._logged_in.discard(ws)
            for connections in self._private_channels.values():
                connections.pop(ws, None)
            self._all_ws.discard(ws)
        return ws

    def _ws_api_answer(self, ws: web.WebSocketResponse, payload: Dict[str, Any]) -> Dict[str, Any]:
        request_id, method, params = payload.get("id"), payload.get("method"), payload.get("params") or {}

        def error(status: int, error: Tuple[int, str]) -> Dict[str, Any]:
            return {"id": request_id, "status": status, "error": {"code": error[0], "msg": error[1]}}

        if method == "ping":
            return {"id": request_id, "status": 200, "result": {}}
        if method != "userDataStream.subscribe.signature":
            return error(400, (-1100, f"Unknown method {method}"))
        refusal = self._ws_login_refusal(params)
        if refusal is not None:
            return error(*refusal)
        return self._ws_api_subscribe(ws, request_id)

    def _ws_login_refusal(self, params: Dict[str, Any]) -> Optional[Tuple[int, Tuple[int, str]]]:
        """Why the signed login parameters (the websocket API subscription's, or ws_login's) are refused, if they are"""
        if params.get("apiKey") != self.api_key:
            return 401, ERROR_API_KEY
        if self.auth_scheme == ED25519:  # Backpack's signature array: [API key, signature, timestamp, window]
            signature = params.get("signature")
            if not isinstance(signature, list) or len(signature) != 4 or signature[0] != self.api_key:
                return 401, ERROR_API_KEY
            _, signature, timestamp, window = (str(item) for item in signature)
            message = Ed25519Family.signing_string(Ed25519Family.WS_INSTRUCTION, {}, timestamp, window)
            if not Ed25519Family.verify(self.api_key, signature, message):
                return 401, ERROR_SIGNATURE
            if not self._timestamp_in_window(timestamp, window):
                return 400, ERROR_TIMESTAMP
            return None
        if not params.get("signature") or not hmac.compare_digest(self.ws_signature(params), params["signature"]):
            return 401, ERROR_SIGNATURE
        timestamp = str(params.get("timestamp", ""))
        if self.header_scheme is not None:
            if params.get("passphrase", "e2e-passphrase") != "e2e-passphrase":
                return 401, ERROR_API_KEY
            timestamp = self._header_timestamp_ms(timestamp)
        if not self._timestamp_in_window(timestamp, params.get("recvWindow")):
            return 400, ERROR_TIMESTAMP
        return None

    def _ws_login_answers(self, ws: web.WebSocketResponse, payload: Dict[str, Any]) -> List[Dict[str, Any]]:
        """OKX's private websocket: a signed login first, then channel subscriptions"""
        operation, args = payload.get("op"), payload.get("args") or []
        if operation == "login":
            refusal = self._ws_login_refusal(args[0] if args and isinstance(args[0], dict) else {})
            if refusal is not None:
                return [{"event": "error", "code": "60009", "msg": f"Login failed: {refusal[1][1]}"}]
            self._logged_in.add(ws)
            self.logins += 1
            return [{"event": "login", "code": "0", "msg": ""}]
        if operation != "subscribe":
            return [{"event": "error", "code": "60012", "msg": f"Invalid request: {operation}"}]
        if ws not in self._logged_in:  # subscribing before the login's answer is refused, as OKX does
            return [{"event": "error", "code": "60011", "msg": "Please log in"}]
        channels = self._private_channels["ws_login"].setdefault(ws, set())
        channels.update(arg.get("channel") for arg in args)
        self._count_subscribed("ws_login", ws)
        return [{"event": "subscribe", "arg": arg} for arg in args]

    def ws_channel_signature(self, channel: str, event: str, timestamp: Any) -> str:
        """The signature of one channel's subscription (Gate.io's string), in the scheme's digest; not for ed25519"""
        signed = f"channel={channel}&event={event}&time={timestamp}"
        if self.header_scheme is not None:
            return self.header_scheme.sign(self.api_secret, signed)
        return hmac.new(self.api_secret.encode("utf8"), signed.encode("utf8"), hashlib.sha256).hexdigest()

    def _signed_subscribe_answer(self, ws: web.WebSocketResponse, payload: Dict[str, Any]) -> Dict[str, Any]:
        """Gate.io's private channels: each subscribe message carries the signature of its channel"""
        channel, event, timestamp = payload.get("channel"), payload.get("event"), payload.get("time")
        auth = payload.get("auth") or {}
        answer = {"time": int(time.time()), "channel": channel, "event": event}

        def refused(message: str) -> Dict[str, Any]:
            return {**answer, "error": {"code": 2, "message": message}, "result": None}

        if event != "subscribe" or auth.get("KEY") != self.api_key:
            return refused("Invalid key or request")
        signature, signed = str(auth.get("SIGN", "")), f"channel={channel}&event={event}&time={timestamp}"
        if self.auth_scheme == ED25519:
            valid = Ed25519Family.verify(self.api_key, signature, signed)
        else:
            valid = hmac.compare_digest(self.ws_channel_signature(channel, event, timestamp), signature)
        if not valid:
            return refused("Signature mismatch")
        if not isinstance(timestamp, int) or not self._timestamp_in_window(str(timestamp * 1000), None):
            return refused("Invalid time")
        self._private_channels["signed_subscribe"].setdefault(ws, set()).add(channel)
        self._count_subscribed("signed_subscribe", ws)
        return {**answer, "error": None, "result": {"status": "success"}}

    def _count_subscribed(self, kind: str, ws: web.WebSocketResponse):
        """A connection counts as opened, and its subscription as made, once it has every private channel"""
        if self._private_channels[kind].get(ws, set()) >= set(PRIVATE_CHANNELS[kind].values()):
            if ws not in self._counted:
                self._counted.add(ws)
                self.connections_opened[kind] += 1
                self.subscriptions.append({"kind": kind, "time": time.time()})

    async def _token_stream(self, request: web.Request):
        """KuCoin's private websocket: the token of the token endpoint in the URL, then topic subscriptions"""
        token = request.query.get("token")
        if token not in self.user_stream_tokens:
            return web.json_response({"code": "401003", "msg": "Invalid token"}, status=401)
        ws = await self._open(request)
        self.tokens_connected.append(token)
        self._private_channels["rest_token"][ws] = set()
        try:
            await self._send(ws, {"id": token, "type": "welcome"})
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(message.data)
                if payload.get("type") == "ping":
                    await self._send(ws, {"id": payload.get("id"), "type": "pong"})
                    continue
                if payload.get("type") != "subscribe" or not payload.get("privateChannel"):
                    await self._send(ws, {"id": payload.get("id"), "type": "error", "code": 400,
                                          "data": "invalid request"})
                    continue
                self._private_channels["rest_token"][ws].add(payload.get("topic"))
                self._count_subscribed("rest_token", ws)
                await self._send(ws, {"id": payload.get("id"), "type": "ack"})
        finally:
            self._private_channels["rest_token"].pop(ws, None)
            self._all_ws.discard(ws)
        return ws

    def _ws_api_subscribe(self, ws: web.WebSocketResponse, request_id: Any) -> Dict[str, Any]:
        subscription_id = next(self._subscription_ids)
        self._ws_api_subscribed[ws] = subscription_id
        self.subscriptions.append({"kind": "ws_api", "subscriptionId": subscription_id, "time": time.time()})
        return {"id": request_id, "status": 200, "result": {"subscriptionId": subscription_id},
                "rateLimits": []}

    # ------------------------------------------------------------------ keep-alive (ws_ping)
    async def _handled_keep_alive(self, ws: web.WebSocketResponse, kind: str, data: str) -> bool:
        """Whether a frame the connector sent is a keep-alive frame of the ws_ping shape (answered here if need be)."""
        if self.ws_ping == "client_ping" and data == CLIENT_PING:
            self.pings_received[kind] += 1
            if self.answer_pings:
                await ws.send_str(CLIENT_PONG)
            return True
        if self.ws_ping == "server_ping" and SERVER_PONG_FIELD in data:
            try:
                payload = json.loads(data)
            except ValueError:
                return False
            if isinstance(payload, dict) and list(payload) == [SERVER_PONG_FIELD]:
                sent = self._pings_sent.get(ws, set())
                if payload[SERVER_PONG_FIELD] in sent:
                    sent.discard(payload[SERVER_PONG_FIELD])
                    self.pongs_received[kind] += 1
                else:
                    self.wrong_pongs.append(payload)
                return True
        return False

    def _start_pinging(self, ws: web.WebSocketResponse, kind: str):
        if self.ws_ping == "server_ping":
            self._pings_sent[ws] = set()
            task = asyncio.ensure_future(self._ping_until_closed(ws))
            self._pinger_tasks.add(task)
            task.add_done_callback(self._pinger_tasks.discard)

    async def _ping_until_closed(self, ws: web.WebSocketResponse):
        while not ws.closed:
            await asyncio.sleep(self.server_ping_interval)
            ping_id = next(self._ping_ids)
            if ws.closed or ws not in self._pings_sent:
                return
            self._pings_sent[ws].add(ping_id)
            try:
                await self._send(ws, {SERVER_PING_FIELD: ping_id})
            except (ConnectionError, RuntimeError):
                return  # the connection went away between the check and the send

    def unanswered_pings(self) -> int:
        """server_ping: pings sent on open connections that no pong has echoed yet."""
        return sum(len(sent) for ws, sent in self._pings_sent.items() if not ws.closed)
