{%- from "python_imports.j2" import from_import -%}
import asyncio
import time
{%- include shape("order_book_source", "order_book_data_source.typing_imports") %}

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS", cookiecutter.connector_name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_order_book", [cookiecutter.__class_prefix ~ "OrderBook"]) }}
from hummingbot.core.data_type.order_book_message import OrderBookMessage
from hummingbot.core.data_type.order_book_tracker_data_source import OrderBookTrackerDataSource
from hummingbot.core.web_assistant.connections.data_types import RESTMethod, WSJSONRequest
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory
from hummingbot.core.web_assistant.ws_assistant import WSAssistant
from hummingbot.logger import HummingbotLogger

if TYPE_CHECKING:
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_exchange", [cookiecutter.__class_prefix ~ "Exchange"], indent="    ") }}


class {{ cookiecutter.__class_prefix }}APIOrderBookDataSource(OrderBookTrackerDataSource):
    HEARTBEAT_TIME_INTERVAL = 30.0
    TRADE_STREAM_ID = 1
    DIFF_STREAM_ID = 2
    ONE_HOUR = 60 * 60
    _DYNAMIC_SUBSCRIBE_ID_START = 100  # Starting ID for dynamic subscriptions

    _logger: Optional[HummingbotLogger] = None
    _next_subscribe_id: int = _DYNAMIC_SUBSCRIBE_ID_START

    def __init__(self,
                 trading_pairs: List[str],
                 connector: '{{ cookiecutter.__class_prefix }}Exchange',
                 api_factory: WebAssistantsFactory,
                 domain: str = CONSTANTS.DEFAULT_DOMAIN):
        super().__init__(trading_pairs)
        self._connector = connector
        self._trade_messages_queue_key = CONSTANTS.TRADE_EVENT_TYPE
{%- include shape("order_book_source", "order_book_data_source.init") %}
        # The update id each book holds up to: what a newer update is checked against.
        self._last_update_ids: Dict[str, int] = {}
        self._domain = domain
        self._api_factory = api_factory
        # The connector's own books: they replay only the diffs newer than a snapshot.
        self._order_book_create_function = {{ cookiecutter.__class_prefix }}OrderBook

    async def get_last_traded_prices(self,
                                     trading_pairs: List[str],
                                     domain: Optional[str] = None) -> Dict[str, float]:
        return await self._connector.get_last_traded_prices(trading_pairs=trading_pairs)

    async def _request_order_book_snapshot(self, trading_pair: str) -> Dict[str, Any]:
        """
        Retrieves a copy of the full order book from the exchange, for a particular trading pair.

        :param trading_pair: the trading pair for which the order book will be retrieved
        :return: the response from the exchange (JSON dictionary)
        """
        params = {
            "symbol": await self._connector.exchange_symbol_associated_to_pair(trading_pair=trading_pair),
            "limit": str(CONSTANTS.ORDER_BOOK_DEPTH),
        }
        rest_assistant = await self._api_factory.get_rest_assistant()
        data = await rest_assistant.execute_request(
            url=web_utils.public_rest_url(path_url=CONSTANTS.SNAPSHOT_PATH_URL, domain=self._domain),
            params=params,
            method=RESTMethod.GET,
            throttler_limit_id=CONSTANTS.SNAPSHOT_PATH_URL,
        )
        return data

{%- include shape("order_book_source", "order_book_data_source.stream_names") %}

    async def _subscribe_channels(self, ws: WSAssistant):
        """
        Subscribes to the trade events and diff orders events through the provided websocket connection.
        :param ws: the websocket assistant used to connect to the exchange
        """
        try:
            trade_params = []
            depth_params = []
            for trading_pair in self._trading_pairs:
                symbol = await self._connector.exchange_symbol_associated_to_pair(trading_pair=trading_pair)
                trade_stream, depth_stream = self._stream_names(symbol)
                trade_params.append(trade_stream)
                depth_params.append(depth_stream)
            payload = {
                "method": "SUBSCRIBE",
                "params": trade_params,
                "id": self.TRADE_STREAM_ID
            }
            subscribe_trade_request: WSJSONRequest = WSJSONRequest(payload=payload)

            payload = {
                "method": "SUBSCRIBE",
                "params": depth_params,
                "id": self.DIFF_STREAM_ID
            }
            subscribe_orderbook_request: WSJSONRequest = WSJSONRequest(payload=payload)

            await ws.send(subscribe_trade_request)
            await ws.send(subscribe_orderbook_request)

            self.logger().info("Subscribed to public order book and trade channels...")
        except asyncio.CancelledError:
            raise
        except Exception:
            self.logger().error(
                "Unexpected error occurred subscribing to order book trading and delta streams...",
                exc_info=True
            )
            raise

    async def _connected_websocket_assistant(self) -> WSAssistant:
        ws: WSAssistant = await self._api_factory.get_ws_assistant()
{%- include shape("testnet_domain", "order_book_data_source.ws_connect") %}
                         ping_timeout=CONSTANTS.WS_HEARTBEAT_TIME_INTERVAL)
        return ws

    async def _order_book_snapshot(self, trading_pair: str) -> OrderBookMessage:
        snapshot: Dict[str, Any] = await self._request_order_book_snapshot(trading_pair)
        snapshot_timestamp: float = time.time()
        snapshot_msg: OrderBookMessage = {{ cookiecutter.__class_prefix }}OrderBook.snapshot_message_from_exchange(
            snapshot,
            snapshot_timestamp,
            metadata={"trading_pair": trading_pair}
        )
        # Updates up to the newest of the snapshot and those already passed on are in the book from now on.
        self._last_update_ids[trading_pair] = max(self._last_update_ids.get(trading_pair, -1), snapshot_msg.update_id)
        return snapshot_msg

    async def _parse_trade_message(self, raw_message: Dict[str, Any], message_queue: asyncio.Queue):
        # Answers to subscription requests carry "result" and are not market events.
        if "result" not in raw_message:
            trading_pair = await self._connector.trading_pair_associated_to_exchange_symbol(symbol=raw_message["s"])
            trade_message = {{ cookiecutter.__class_prefix }}OrderBook.trade_message_from_exchange(
                raw_message, {"trading_pair": trading_pair})
            message_queue.put_nowait(trade_message)
{%- include shape("order_book_source", "order_book_data_source.book_methods") %}

    async def subscribe_to_trading_pair(self, trading_pair: str) -> bool:
        """
        Subscribes to order book and trade channels for a single trading pair on the
        existing WebSocket connection.

        :param trading_pair: the trading pair to subscribe to
        :return: True if subscription was successful, False otherwise
        """
        if self._ws_assistant is None:
            self.logger().warning(
                f"Cannot subscribe to {trading_pair}: WebSocket not connected"
            )
            return False

        try:
            symbol = await self._connector.exchange_symbol_associated_to_pair(trading_pair=trading_pair)
            trade_stream, depth_stream = self._stream_names(symbol)

            # Subscribe to trade stream
            trade_payload = {
                "method": "SUBSCRIBE",
                "params": [trade_stream],
                "id": self._get_next_subscribe_id()
            }
            trade_request: WSJSONRequest = WSJSONRequest(payload=trade_payload)
            await self._ws_assistant.send(trade_request)

            # Subscribe to depth stream
            depth_payload = {
                "method": "SUBSCRIBE",
                "params": [depth_stream],
                "id": self._get_next_subscribe_id()
            }
            depth_request: WSJSONRequest = WSJSONRequest(payload=depth_payload)
            await self._ws_assistant.send(depth_request)

            # Add to trading pairs list
            self.add_trading_pair(trading_pair)

            self.logger().info(f"Subscribed to {trading_pair} order book and trade channels")
            return True

        except asyncio.CancelledError:
            raise
        except Exception:
            self.logger().exception(
                f"Unexpected error subscribing to {trading_pair} channels"
            )
            return False

    async def unsubscribe_from_trading_pair(self, trading_pair: str) -> bool:
        """
        Unsubscribes from order book and trade channels for a single trading pair on the
        existing WebSocket connection.

        :param trading_pair: the trading pair to unsubscribe from
        :return: True if unsubscription was successful, False otherwise
        """
        if self._ws_assistant is None:
            self.logger().warning(
                f"Cannot unsubscribe from {trading_pair}: WebSocket not connected"
            )
            return False

        try:
            symbol = await self._connector.exchange_symbol_associated_to_pair(trading_pair=trading_pair)

            # Unsubscribe from both trade and depth streams in one request
            unsubscribe_payload = {
                "method": "UNSUBSCRIBE",
                "params": list(self._stream_names(symbol)),
                "id": self._get_next_subscribe_id()
            }
            unsubscribe_request: WSJSONRequest = WSJSONRequest(payload=unsubscribe_payload)
            await self._ws_assistant.send(unsubscribe_request)

            # Remove from trading pairs list
            self.remove_trading_pair(trading_pair)

            self.logger().info(f"Unsubscribed from {trading_pair} order book and trade channels")
            return True

        except asyncio.CancelledError:
            raise
        except Exception:
            self.logger().exception(
                f"Unexpected error unsubscribing from {trading_pair} channels"
            )
            return False

    @classmethod
    def _get_next_subscribe_id(cls) -> int:
        """Returns the next subscription ID and increments the counter."""
        current_id = cls._next_subscribe_id
        cls._next_subscribe_id += 1
        return current_id
{%- include shape("ws_ping", "order_book_data_source.methods") %}
