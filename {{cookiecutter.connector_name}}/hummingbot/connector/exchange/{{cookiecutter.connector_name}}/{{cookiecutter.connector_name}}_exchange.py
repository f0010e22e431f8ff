{%- from "python_imports.j2" import from_import -%}
import asyncio
{%- include shape("time_synchronizer", "exchange.imports") %}
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from bidict import bidict

from hummingbot.connector.constants import s_decimal_NaN
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS", cookiecutter.connector_name ~ "_utils", cookiecutter.connector_name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_api_order_book_data_source", [cookiecutter.__class_prefix ~ "APIOrderBookDataSource"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_api_user_stream_data_source", [cookiecutter.__class_prefix ~ "APIUserStreamDataSource"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_auth", [cookiecutter.__class_prefix ~ "Auth"]) }}
from hummingbot.connector.exchange_py_base import ExchangePyBase
from hummingbot.connector.trading_rule import TradingRule
from hummingbot.connector.utils import TradeFillOrderDetails, combine_to_hb_trading_pair
from hummingbot.core.data_type.common import OrderType, TradeType
from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderUpdate, TradeUpdate
from hummingbot.core.data_type.order_book_tracker_data_source import OrderBookTrackerDataSource
from hummingbot.core.data_type.trade_fee import DeductedFromReturnsTradeFee, TokenAmount, TradeFeeBase
from hummingbot.core.data_type.user_stream_tracker_data_source import UserStreamTrackerDataSource
from hummingbot.core.event.events import MarketEvent, OrderFilledEvent
from hummingbot.core.utils.async_utils import safe_gather
from hummingbot.core.web_assistant.connections.data_types import RESTMethod
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory
{%- set name = cookiecutter.connector_name %}
{%- set prefix = cookiecutter.__class_prefix %}
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) %}


class {{ prefix }}Exchange(ExchangePyBase):
    UPDATE_ORDER_STATUS_MIN_INTERVAL = 10.0

    web_utils = web_utils

    def __init__(self,
                 {{ name }}_api_key: str,
                 {{ name }}_{{ cookiecutter.api_secret_field }}: str,
{%- for credential in extra_credentials %}
                 {{ name }}_{{ credential }}: str,
{%- endfor %}
                 balance_asset_limit: Optional[Dict[str, Dict[str, Decimal]]] = None,
                 rate_limits_share_pct: Decimal = Decimal("100"),
                 trading_pairs: Optional[List[str]] = None,
                 trading_required: bool = True,
                 domain: str = CONSTANTS.DEFAULT_DOMAIN,
                 ):
        self.api_key = {{ name }}_api_key
        self.secret_key = {{ name }}_{{ cookiecutter.api_secret_field }}
{%- for credential in extra_credentials %}
        self.{{ credential }} = {{ name }}_{{ credential }}
{%- endfor %}
        self._domain = domain
        self._trading_required = trading_required
        self._trading_pairs = trading_pairs
        self._last_trades_poll_{{ name }}_timestamp = 1.0
        super().__init__(balance_asset_limit, rate_limits_share_pct)
{%- include shape("balance_channel", "exchange.after_base_init") %}

    @staticmethod
    def {{ name }}_order_type(order_type: OrderType) -> str:
        return order_type.name.upper()

    @staticmethod
    def to_hb_order_type({{ name }}_type: str) -> OrderType:
        return OrderType[{{ name }}_type]

    @property
    def authenticator(self):
        return {{ prefix }}Auth(
            api_key=self.api_key,
            secret_key=self.secret_key,
{%- for credential in extra_credentials %}
            {{ credential }}=self.{{ credential }},
{%- endfor %}
{%- include shape("time_synchronizer", "exchange.auth_arguments") %}
        )

    @property
    def name(self) -> str:
        if self._domain == CONSTANTS.DEFAULT_DOMAIN:
            return "{{ name }}"
        else:
            return f"{{ name }}_{self._domain}"

    @property
    def rate_limits_rules(self):
        return CONSTANTS.RATE_LIMITS

    @property
    def domain(self):
        return self._domain

    @property
    def client_order_id_max_length(self):
        return CONSTANTS.MAX_ORDER_ID_LEN

    @property
    def client_order_id_prefix(self):
        return CONSTANTS.HBOT_ORDER_ID_PREFIX

    @property
    def trading_rules_request_path(self):
        return CONSTANTS.EXCHANGE_INFO_PATH_URL

    @property
    def trading_pairs_request_path(self):
        return CONSTANTS.EXCHANGE_INFO_PATH_URL

    @property
    def check_network_request_path(self):
        return CONSTANTS.PING_PATH_URL

    @property
    def trading_pairs(self):
        return self._trading_pairs

    @property
    def is_cancel_request_in_exchange_synchronous(self) -> bool:
        return True

    @property
    def is_trading_required(self) -> bool:
        return self._trading_required

    def supported_order_types(self):
        # TODO({{ name }}): the order types the exchange accepts.
        return [OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.MARKET]

    async def get_all_pairs_prices(self) -> List[Dict[str, str]]:
        pairs_prices = await self._api_get(path_url=CONSTANTS.TICKER_BOOK_PATH_URL)
        return pairs_prices

    def _exchange_time(self) -> float:
        """The current time on the exchange's clock, in seconds."""
{%- include shape("time_synchronizer", "exchange.exchange_time") %}

    def _is_request_exception_related_to_time_synchronizer(self, request_exception: Exception):
{%- include shape("time_synchronizer", "exchange.time_error_detection") %}

    def _is_order_not_found_during_status_update_error(self, status_update_exception: Exception) -> bool:
        return (str(CONSTANTS.ORDER_NOT_EXIST_ERROR_CODE) in str(status_update_exception)
                and CONSTANTS.ORDER_NOT_EXIST_MESSAGE in str(status_update_exception))

    def _is_order_not_found_during_cancelation_error(self, cancelation_exception: Exception) -> bool:
        return (str(CONSTANTS.UNKNOWN_ORDER_ERROR_CODE) in str(cancelation_exception)
                and CONSTANTS.UNKNOWN_ORDER_MESSAGE in str(cancelation_exception))

    def _create_web_assistants_factory(self) -> WebAssistantsFactory:
        return web_utils.build_api_factory(
            throttler=self._throttler,
{%- include shape("time_synchronizer", "exchange.factory_arguments") %}
            auth=self._auth)

    def _create_order_book_data_source(self) -> OrderBookTrackerDataSource:
        return {{ prefix }}APIOrderBookDataSource(
            trading_pairs=self._trading_pairs,
            connector=self,
            domain=self.domain,
            api_factory=self._web_assistants_factory)

    def _create_user_stream_data_source(self) -> UserStreamTrackerDataSource:
        return {{ prefix }}APIUserStreamDataSource(
            auth=self._auth,
            trading_pairs=self._trading_pairs,
            connector=self,
            api_factory=self._web_assistants_factory,
            domain=self.domain,
        )

    def _get_fee(self,
                 base_currency: str,
                 quote_currency: str,
                 order_type: OrderType,
                 order_side: TradeType,
                 amount: Decimal,
                 price: Decimal = s_decimal_NaN,
                 is_maker: Optional[bool] = None) -> TradeFeeBase:
        is_maker = order_type is OrderType.LIMIT_MAKER
        return DeductedFromReturnsTradeFee(percent=self.estimate_fee_pct(is_maker))

    async def _place_order(self,
                           order_id: str,
                           trading_pair: str,
                           amount: Decimal,
                           trade_type: TradeType,
                           order_type: OrderType,
                           price: Decimal,
                           **kwargs) -> Tuple[str, float]:
        symbol = await self.exchange_symbol_associated_to_pair(trading_pair=trading_pair)
        # TODO({{ name }}): the order creation parameters the exchange expects.
        api_params = {"symbol": symbol,
                      "side": CONSTANTS.SIDE_BUY if trade_type is TradeType.BUY else CONSTANTS.SIDE_SELL,
                      "quantity": f"{amount:f}",
                      "type": {{ prefix }}Exchange.{{ name }}_order_type(order_type),
                      "newClientOrderId": order_id}
        if order_type in (OrderType.LIMIT, OrderType.LIMIT_MAKER):
            api_params["price"] = f"{price:f}"
        if order_type == OrderType.LIMIT:
            api_params["timeInForce"] = CONSTANTS.TIME_IN_FORCE_GTC

        try:
            order_result = await self._api_post(
                path_url=CONSTANTS.ORDER_PATH_URL,
                data=api_params,
                is_auth_required=True)
            exchange_order_id = str(order_result["orderId"])
            transact_time = order_result["transactTime"] * 1e-3
        except IOError as error:
            # An overloaded server may have created the order anyway: keep tracking it, the status polling resolves it.
            error_description = str(error)
            is_server_overloaded = ("status is 503" in error_description
                                    and "Unknown error, please check your request or try again later." in error_description)
            if not is_server_overloaded:
                raise
            exchange_order_id = "UNKNOWN"
            transact_time = self._exchange_time()
        return exchange_order_id, transact_time

    async def _place_cancel(self, order_id: str, tracked_order: InFlightOrder):
        symbol = await self.exchange_symbol_associated_to_pair(trading_pair=tracked_order.trading_pair)
        api_params = {
            "symbol": symbol,
            "origClientOrderId": order_id,
        }
        cancel_result = await self._api_delete(
            path_url=CONSTANTS.ORDER_PATH_URL,
            params=api_params,
            is_auth_required=True)
        return cancel_result.get("status") == "CANCELED"

    async def _format_trading_rules(self, exchange_info_dict: Dict[str, Any]) -> List[TradingRule]:
        """
        Reads the trading rules from the exchange information, e.g.:
        {"symbol": "ETHBTC", "status": "TRADING", "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "0.00000100", "maxPrice": "100000.00000000", "tickSize": "0.00000100"},
            {"filterType": "LOT_SIZE", "minQty": "0.00100000", "maxQty": "100000.00000000", "stepSize": "0.00100000"},
            {"filterType": "NOTIONAL", "minNotional": "0.00100000"}]}
        """
        trading_rules = []
        for rule in filter({{ name }}_utils.is_exchange_information_valid, exchange_info_dict.get("symbols", [])):
            try:
                trading_pair = await self.trading_pair_associated_to_exchange_symbol(symbol=rule.get("symbol"))
                # TODO({{ name }}): where the exchange publishes price increment, size limits and minimum notional.
                filters = {item.get("filterType"): item for item in rule.get("filters")}
                price_filter = filters["PRICE_FILTER"]
                lot_size_filter = filters["LOT_SIZE"]
                min_notional_filter = filters.get("NOTIONAL") or filters["MIN_NOTIONAL"]
                trading_rules.append(
                    TradingRule(trading_pair,
                                min_order_size=Decimal(lot_size_filter.get("minQty")),
                                min_price_increment=Decimal(price_filter.get("tickSize")),
                                min_base_amount_increment=Decimal(lot_size_filter.get("stepSize")),
                                min_notional_size=Decimal(min_notional_filter.get("minNotional"))))
            except Exception:
                self.logger().exception(f"Error parsing the trading pair rule {rule}. Skipping.")
        return trading_rules

    async def _status_polling_loop_fetch_updates(self):
        await self._update_order_fills_from_trades()
        await super()._status_polling_loop_fetch_updates()

    async def _update_trading_fees(self):
        """
        The default fees of the utils module apply.
        """
        # TODO({{ name }}): request the account's trading fees if the exchange publishes them.
        self._trading_fees.clear()

    async def _user_stream_event_listener(self):
        """
{%- include shape("balance_channel", "exchange.listener_docstring") %}
        """
        async for event_message in self._iter_user_event_queue():
            try:
                event_type = event_message.get("e")
                # TODO({{ name }}): the fields of the exchange's order update event.
                # A cancelation reports the canceled order's client id under "C"; other events under "c".
                if event_type == CONSTANTS.ORDER_TRADE_UPDATE_EVENT_TYPE:
                    execution_type = event_message.get("x")
                    if execution_type != "CANCELED":
                        client_order_id = event_message.get("c")
                    else:
                        client_order_id = event_message.get("C")

                    if execution_type == "TRADE":
                        tracked_order = self._order_tracker.all_fillable_orders.get(client_order_id)
                        if tracked_order is not None:
                            fee = TradeFeeBase.new_spot_fee(
                                fee_schema=self.trade_fee_schema(),
                                trade_type=tracked_order.trade_type,
                                percent_token=event_message["N"],
                                flat_fees=[TokenAmount(amount=Decimal(event_message["n"]), token=event_message["N"])]
                            )
                            trade_update = TradeUpdate(
                                trade_id=str(event_message["t"]),
                                client_order_id=client_order_id,
                                exchange_order_id=str(event_message["i"]),
                                trading_pair=tracked_order.trading_pair,
                                fee=fee,
                                fill_base_amount=Decimal(event_message["l"]),
                                fill_quote_amount=Decimal(event_message["l"]) * Decimal(event_message["L"]),
                                fill_price=Decimal(event_message["L"]),
                                fill_timestamp=event_message["T"] * 1e-3,
                            )
                            self._order_tracker.process_trade_update(trade_update)

                    tracked_order = self._order_tracker.all_updatable_orders.get(client_order_id)
                    if tracked_order is not None:
                        order_update = OrderUpdate(
                            trading_pair=tracked_order.trading_pair,
                            update_timestamp=event_message["E"] * 1e-3,
                            new_state=CONSTANTS.ORDER_STATE[event_message["X"]],
                            client_order_id=client_order_id,
                            exchange_order_id=str(event_message["i"]),
                        )
                        self._order_tracker.process_order_update(order_update=order_update)
{%- include shape("balance_channel", "exchange.listener_dispatch") %}

            except asyncio.CancelledError:
                raise
            except Exception:
                self.logger().error("Unexpected error in user stream listener loop.", exc_info=True)
                await self._sleep(5.0)

    async def _update_order_fills_from_trades(self):
        """
        A backup to the user stream: polls the account's trades, every UPDATE_ORDER_STATUS_MIN_INTERVAL seconds while
        orders are in flight (every LONG_POLL_INTERVAL otherwise), and turns fills of tracked orders into trade updates
        and fills of orders hummingbot no longer tracks into OrderFilled events.
        """
        small_interval_last_tick = self._last_poll_timestamp / self.UPDATE_ORDER_STATUS_MIN_INTERVAL
        small_interval_current_tick = self.current_timestamp / self.UPDATE_ORDER_STATUS_MIN_INTERVAL
        long_interval_last_tick = self._last_poll_timestamp / self.LONG_POLL_INTERVAL
        long_interval_current_tick = self.current_timestamp / self.LONG_POLL_INTERVAL

        if not (long_interval_current_tick > long_interval_last_tick
                or (self.in_flight_orders and small_interval_current_tick > small_interval_last_tick)):
            return

        query_time = int(self._last_trades_poll_{{ name }}_timestamp * 1e3)
        self._last_trades_poll_{{ name }}_timestamp = self._exchange_time()
        order_by_exchange_id_map = {order.exchange_order_id: order
                                    for order in self._order_tracker.all_fillable_orders.values()}

        tasks = []
        trading_pairs = self.trading_pairs
        for trading_pair in trading_pairs:
            params = {"symbol": await self.exchange_symbol_associated_to_pair(trading_pair=trading_pair)}
            if self._last_poll_timestamp > 0:
                params["startTime"] = query_time
            tasks.append(self._api_get(path_url=CONSTANTS.MY_TRADES_PATH_URL, params=params, is_auth_required=True))

        self.logger().debug(f"Polling for order fills of {len(tasks)} trading pairs.")
        results = await safe_gather(*tasks, return_exceptions=True)

        for trades, trading_pair in zip(results, trading_pairs):
            if isinstance(trades, Exception):
                self.logger().network(
                    f"Error fetching trades update for the order {trading_pair}: {trades}.",
                    app_warning_msg=f"Failed to fetch trade update for {trading_pair}."
                )
                continue
            for trade in trades:
                exchange_order_id = str(trade["orderId"])
                if exchange_order_id in order_by_exchange_id_map:
                    # This is a fill for a tracked order
                    tracked_order = order_by_exchange_id_map[exchange_order_id]
                    fee = TradeFeeBase.new_spot_fee(
                        fee_schema=self.trade_fee_schema(),
                        trade_type=tracked_order.trade_type,
                        percent_token=trade["commissionAsset"],
                        flat_fees=[TokenAmount(amount=Decimal(trade["commission"]), token=trade["commissionAsset"])]
                    )
                    trade_update = TradeUpdate(
                        trade_id=str(trade["id"]),
                        client_order_id=tracked_order.client_order_id,
                        exchange_order_id=exchange_order_id,
                        trading_pair=trading_pair,
                        fee=fee,
                        fill_base_amount=Decimal(trade["qty"]),
                        fill_quote_amount=Decimal(trade["quoteQty"]),
                        fill_price=Decimal(trade["price"]),
                        fill_timestamp=trade["time"] * 1e-3,
                    )
                    self._order_tracker.process_trade_update(trade_update)
                elif self.is_confirmed_new_order_filled_event(str(trade["id"]), exchange_order_id, trading_pair):
                    # A fill of an order registered in the database but no longer tracked
                    self._current_trade_fills.add(TradeFillOrderDetails(
                        market=self.display_name,
                        exchange_trade_id=str(trade["id"]),
                        symbol=trading_pair))
                    self.trigger_event(
                        MarketEvent.OrderFilled,
                        OrderFilledEvent(
                            timestamp=float(trade["time"]) * 1e-3,
                            order_id=self._exchange_order_ids.get(str(trade["orderId"]), None),
                            trading_pair=trading_pair,
                            trade_type=TradeType.BUY if trade["isBuyer"] else TradeType.SELL,
                            order_type=OrderType.LIMIT_MAKER if trade["isMaker"] else OrderType.LIMIT,
                            price=Decimal(trade["price"]),
                            amount=Decimal(trade["qty"]),
                            trade_fee=DeductedFromReturnsTradeFee(
                                flat_fees=[TokenAmount(trade["commissionAsset"], Decimal(trade["commission"]))]
                            ),
                            exchange_trade_id=str(trade["id"])
                        ))
                    self.logger().info(f"Recreating missing trade in TradeFill: {trade}")

    async def _all_trade_updates_for_order(self, order: InFlightOrder) -> List[TradeUpdate]:
        trade_updates = []
        if order.exchange_order_id is not None:
            symbol = await self.exchange_symbol_associated_to_pair(trading_pair=order.trading_pair)
            all_fills_response = await self._api_get(
                path_url=CONSTANTS.MY_TRADES_PATH_URL,
                params={
                    "symbol": symbol,
                    "orderId": int(order.exchange_order_id)
                },
                is_auth_required=True,
                limit_id=CONSTANTS.MY_TRADES_PATH_URL)

            for trade in all_fills_response:
                exchange_order_id = str(trade["orderId"])
                fee = TradeFeeBase.new_spot_fee(
                    fee_schema=self.trade_fee_schema(),
                    trade_type=order.trade_type,
                    percent_token=trade["commissionAsset"],
                    flat_fees=[TokenAmount(amount=Decimal(trade["commission"]), token=trade["commissionAsset"])]
                )
                trade_update = TradeUpdate(
                    trade_id=str(trade["id"]),
                    client_order_id=order.client_order_id,
                    exchange_order_id=exchange_order_id,
                    trading_pair=order.trading_pair,
                    fee=fee,
                    fill_base_amount=Decimal(trade["qty"]),
                    fill_quote_amount=Decimal(trade["quoteQty"]),
                    fill_price=Decimal(trade["price"]),
                    fill_timestamp=trade["time"] * 1e-3,
                )
                trade_updates.append(trade_update)

        return trade_updates

    async def _request_order_status(self, tracked_order: InFlightOrder) -> OrderUpdate:
        symbol = await self.exchange_symbol_associated_to_pair(trading_pair=tracked_order.trading_pair)
        updated_order_data = await self._api_get(
            path_url=CONSTANTS.ORDER_PATH_URL,
            params={
                "symbol": symbol,
                "origClientOrderId": tracked_order.client_order_id},
            is_auth_required=True)

        return OrderUpdate(
            client_order_id=tracked_order.client_order_id,
            exchange_order_id=str(updated_order_data["orderId"]),
            trading_pair=tracked_order.trading_pair,
            update_timestamp=updated_order_data["updateTime"] * 1e-3,
            new_state=CONSTANTS.ORDER_STATE[updated_order_data["status"]],
        )

    async def _update_balances(self):
        local_asset_names = set(self._account_balances.keys())
        remote_asset_names = set()

        account_info = await self._api_get(
            path_url=CONSTANTS.ACCOUNTS_PATH_URL,
            is_auth_required=True)

        for balance_entry in account_info["balances"]:
            asset_name = balance_entry["asset"]
            free_balance = Decimal(balance_entry["free"])
            self._account_available_balances[asset_name] = free_balance
            self._account_balances[asset_name] = free_balance + Decimal(balance_entry["locked"])
            remote_asset_names.add(asset_name)

        for asset_name in local_asset_names.difference(remote_asset_names):
            del self._account_available_balances[asset_name]
            del self._account_balances[asset_name]

    def _initialize_trading_pair_symbols_from_exchange_info(self, exchange_info: Dict[str, Any]):
        mapping = bidict()
        for symbol_data in filter({{ name }}_utils.is_exchange_information_valid, exchange_info["symbols"]):
            mapping[symbol_data["symbol"]] = combine_to_hb_trading_pair(base=symbol_data["baseAsset"],
                                                                        quote=symbol_data["quoteAsset"])
        self._set_trading_pair_symbol_map(mapping)

    async def _get_last_traded_price(self, trading_pair: str) -> float:
        params = {
            "symbol": await self.exchange_symbol_associated_to_pair(trading_pair=trading_pair)
        }
        resp_json = await self._api_request(
            method=RESTMethod.GET,
            path_url=CONSTANTS.TICKER_PRICE_CHANGE_PATH_URL,
            params=params
        )
        return float(resp_json["lastPrice"])
