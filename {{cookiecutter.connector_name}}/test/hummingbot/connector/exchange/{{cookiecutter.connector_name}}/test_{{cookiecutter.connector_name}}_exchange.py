{%- from "python_imports.j2" import from_import -%}
{%- set name = cookiecutter.connector_name %}
{%- set prefix = cookiecutter.__class_prefix %}
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) -%}
import asyncio
import json
import re
{%- include shape("time_synchronizer", "test_exchange.imports") %}
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple
from unittest.mock import AsyncMock, patch

from aioresponses import aioresponses
from aioresponses.core import RequestCall

{{ from_import("hummingbot.connector.exchange." ~ name, [name ~ "_constants as CONSTANTS", name ~ "_web_utils as web_utils"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_exchange", [prefix ~ "Exchange"]) }}
from hummingbot.connector.test_support.exchange_connector_test import AbstractExchangeConnectorTests
from hummingbot.connector.trading_rule import TradingRule
from hummingbot.connector.utils import get_new_client_order_id
from hummingbot.core.data_type.common import OrderType, TradeType
from hummingbot.core.data_type.in_flight_order import InFlightOrder, OrderState
from hummingbot.core.data_type.trade_fee import DeductedFromReturnsTradeFee, TokenAmount, TradeFeeBase
from hummingbot.core.event.events import MarketOrderFailureEvent, OrderFilledEvent


def _regex(url: str) -> re.Pattern:
    """The URL, with or without a query string."""
    return re.compile(f"^{url}".replace(".", r"\.").replace("?", r"\?"))


class {{ prefix }}ExchangeTests(AbstractExchangeConnectorTests.ExchangeConnectorTests):

    @property
    def all_symbols_url(self):
        return web_utils.public_rest_url(path_url=CONSTANTS.EXCHANGE_INFO_PATH_URL, domain=self.exchange._domain)

    @property
    def latest_prices_url(self):
        url = web_utils.public_rest_url(path_url=CONSTANTS.TICKER_PRICE_CHANGE_PATH_URL, domain=self.exchange._domain)
        return f"{url}?symbol={self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset)}"

    @property
    def network_status_url(self):
        return web_utils.private_rest_url(CONSTANTS.PING_PATH_URL, domain=self.exchange._domain)

    @property
    def trading_rules_url(self):
        return web_utils.private_rest_url(CONSTANTS.EXCHANGE_INFO_PATH_URL, domain=self.exchange._domain)

    @property
    def order_creation_url(self):
        return web_utils.private_rest_url(CONSTANTS.ORDER_PATH_URL, domain=self.exchange._domain)

    @property
    def balance_url(self):
        return web_utils.private_rest_url(CONSTANTS.ACCOUNTS_PATH_URL, domain=self.exchange._domain)

    def _symbol_info(self, base: str, quote: str, permissions: List[str], filters: List[Dict[str, Any]],
                     status: str = "TRADING") -> Dict[str, Any]:
        return {
            "symbol": self.exchange_symbol_for_tokens(base, quote),
            "status": status,
            "baseAsset": base,
            "baseAssetPrecision": 8,
            "quoteAsset": quote,
            "quotePrecision": 8,
            "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET"],
            "filters": filters,
            "permissionSets": [permissions],
        }

    @property
    # TODO({{ cookiecutter.connector_name }}): the tick size, lot size and minimum notional fields _format_trading_rules reads.
    def _trading_rule_filters(self) -> List[Dict[str, Any]]:
        return [
            {"filterType": "PRICE_FILTER", "minPrice": "0.00000100", "maxPrice": "100000.00000000",
             "tickSize": "0.00000100"},
            {"filterType": "LOT_SIZE", "minQty": "0.00100000", "maxQty": "100000.00000000",
             "stepSize": "0.00100000"},
            {"filterType": "NOTIONAL", "minNotional": "0.00100000"},
        ]

    @property
    def all_symbols_request_mock_response(self):
        return {"timezone": "UTC", "serverTime": 1639598493658, "rateLimits": [], "exchangeFilters": [],
                "symbols": [self._symbol_info(self.base_asset, self.quote_asset, ["SPOT", "MARGIN"], [])]}

    @property
    def latest_prices_request_mock_response(self):
        return {
            "symbol": self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
            "priceChange": "-94.99999800",
            "lastPrice": str(self.expected_latest_price),
            "lastQty": "200.00000000",
            "bidPrice": "4.00000000",
            "askPrice": "4.00000200",
            "volume": "8913.30000000",
            "openTime": 1499783499040,
            "closeTime": 1499869899040,
        }

    @property
    def all_symbols_including_invalid_pair_mock_response(self) -> Tuple[str, Any]:
        response = {"rateLimits": [], "exchangeFilters": [], "symbols": [
            self._symbol_info(self.base_asset, self.quote_asset, ["MARGIN"], []),
            self._symbol_info("INVALID", "PAIR", ["MARGIN"], []),
        ]}
        return "INVALID-PAIR", response

    @property
    def network_status_request_successful_mock_response(self):
        return {}

    @property
    def trading_rules_request_mock_response(self):
        return {"rateLimits": [], "exchangeFilters": [], "symbols": [
            self._symbol_info(self.base_asset, self.quote_asset, ["SPOT", "MARGIN"], self._trading_rule_filters)]}

    @property
    def trading_rules_request_erroneous_mock_response(self):
        symbol = self._symbol_info(self.base_asset, self.quote_asset, ["SPOT", "MARGIN"], [])
        del symbol["filters"]
        return {"rateLimits": [], "exchangeFilters": [], "symbols": [symbol]}

    @property
    # TODO({{ cookiecutter.connector_name }}): the exchange's answer to an order creation.
    def order_creation_request_successful_mock_response(self):
        return {
            "symbol": self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
            "orderId": self.expected_exchange_order_id,
            "orderListId": -1,
            "clientOrderId": "OID1",
            "transactTime": 1507725176595,
        }

    @property
    # TODO({{ cookiecutter.connector_name }}): the account balances answer (asset, free, locked).
    def balance_request_mock_response_for_base_and_quote(self):
        return {
            "balances": [
                {"asset": self.base_asset, "free": "10.0", "locked": "5.0"},
                {"asset": self.quote_asset, "free": "2000", "locked": "0.00000000"},
            ],
            "permissionSets": [["SPOT"]],
        }

    @property
    def balance_request_mock_response_only_base(self):
        return {"balances": [{"asset": self.base_asset, "free": "10.0", "locked": "5.0"}],
                "permissionSets": [["SPOT"]]}

    @property
    def balance_event_websocket_update(self):
{%- include shape("balance_channel", "test_exchange.balance_event_note") %}
        return {
{%- include shape("balance_channel", "test_exchange.balance_event_type") %}
            "E": 1564034571105,
            "u": 1564034571073,
            "B": [{"a": self.base_asset, "f": "10", "l": "5"}],
        }

    @property
    def expected_latest_price(self):
        return 9999.9

    @property
    def expected_supported_order_types(self):
        return [OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.MARKET]

    @property
    def expected_trading_rule(self):
        filters = self._trading_rule_filters
        return TradingRule(
            trading_pair=self.trading_pair,
            min_order_size=Decimal(filters[1]["minQty"]),
            min_price_increment=Decimal(filters[0]["tickSize"]),
            min_base_amount_increment=Decimal(filters[1]["stepSize"]),
            min_notional_size=Decimal(filters[2]["minNotional"]),
        )

    @property
    def expected_logged_error_for_erroneous_trading_rule(self):
        erroneous_rule = self.trading_rules_request_erroneous_mock_response["symbols"][0]
        return f"Error parsing the trading pair rule {erroneous_rule}. Skipping."

    @property
    def expected_exchange_order_id(self):
        return 28

    @property
    def is_order_fill_http_update_included_in_status_update(self) -> bool:
        return True

    @property
    def is_order_fill_http_update_executed_during_websocket_order_event_processing(self) -> bool:
        return False

    @property
    def expected_partial_fill_price(self) -> Decimal:
        return Decimal(10500)

    @property
    def expected_partial_fill_amount(self) -> Decimal:
        return Decimal("0.5")

    @property
    def expected_fill_fee(self) -> TradeFeeBase:
        return DeductedFromReturnsTradeFee(
            percent_token=self.quote_asset,
            flat_fees=[TokenAmount(token=self.quote_asset, amount=Decimal("30"))])

    @property
    def expected_fill_trade_id(self) -> str:
        return str(30000)

    # TODO({{ cookiecutter.connector_name }}): how the exchange spells a symbol (e.g. BTC_USDT).
    def exchange_symbol_for_tokens(self, base_token: str, quote_token: str) -> str:
        return f"{base_token}{quote_token}"

    def create_exchange_instance(self, domain: str = CONSTANTS.DEFAULT_DOMAIN):
        return {{ prefix }}Exchange(
            {{ name }}_api_key="testAPIKey",
{%- include shape("auth_scheme", "test_exchange.secret_argument") %}
{%- for credential in extra_credentials %}
            {{ name }}_{{ credential }}="test{{ credential | replace('_', '') | capitalize }}",
{%- endfor %}
            trading_pairs=[self.trading_pair],
            domain=domain,
        )

    def validate_auth_credentials_present(self, request_call: RequestCall):
        self._validate_auth_credentials_taking_parameters_from_argument(
            request_call_tuple=request_call,
            params=request_call.kwargs["params"] or request_call.kwargs["data"]
        )

    def validate_order_creation_request(self, order: InFlightOrder, request_call: RequestCall):
{%- include shape("auth_scheme", "test_exchange.order_body") %}
        self.assertEqual(self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset), request_data["symbol"])
        self.assertEqual(order.trade_type.name.upper(), request_data["side"])
        self.assertEqual({{ prefix }}Exchange.{{ name }}_order_type(OrderType.LIMIT), request_data["type"])
        self.assertEqual(Decimal("100"), Decimal(request_data["quantity"]))
        self.assertEqual(Decimal("10000"), Decimal(request_data["price"]))
        self.assertEqual(order.client_order_id, request_data["newClientOrderId"])

    def validate_order_cancelation_request(self, order: InFlightOrder, request_call: RequestCall):
        request_data = dict(request_call.kwargs["params"])
        self.assertEqual(self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset), request_data["symbol"])
        self.assertEqual(order.client_order_id, request_data["origClientOrderId"])

    def validate_order_status_request(self, order: InFlightOrder, request_call: RequestCall):
        request_params = request_call.kwargs["params"]
        self.assertEqual(self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset), request_params["symbol"])
        self.assertEqual(order.client_order_id, request_params["origClientOrderId"])

    def validate_trades_request(self, order: InFlightOrder, request_call: RequestCall):
        request_params = request_call.kwargs["params"]
        self.assertEqual(self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset), request_params["symbol"])
        self.assertEqual(order.exchange_order_id, str(request_params["orderId"]))

    def _configure(self, mock_api: aioresponses, method: str, path_url: str, callback: Callable,
                   response: Any = None, status: int = 200) -> str:
        url = web_utils.private_rest_url(path_url)
        body = json.dumps(response) if response is not None else None
        getattr(mock_api, method)(_regex(url), body=body, status=status, callback=callback)
        return url

    def configure_successful_cancelation_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = self._order_status_response(order, status="CANCELED", executed=Decimal("0"))
        return self._configure(mock_api, "delete", CONSTANTS.ORDER_PATH_URL, callback, response)

    def configure_erroneous_cancelation_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        return self._configure(mock_api, "delete", CONSTANTS.ORDER_PATH_URL, callback, status=400)

    def configure_order_not_found_error_cancelation_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        # TODO({{ cookiecutter.connector_name }}): the exchange's error answer (fields, HTTP status) for an unknown order.
        response = {"code": CONSTANTS.UNKNOWN_ORDER_ERROR_CODE, "msg": f"{CONSTANTS.UNKNOWN_ORDER_MESSAGE}."}
        return self._configure(mock_api, "delete", CONSTANTS.ORDER_PATH_URL, callback, response, status=400)

    def configure_one_successful_one_erroneous_cancel_all_response(
            self, successful_order: InFlightOrder, erroneous_order: InFlightOrder,
            mock_api: aioresponses) -> List[str]:
        return [self.configure_successful_cancelation_response(order=successful_order, mock_api=mock_api),
                self.configure_erroneous_cancelation_response(order=erroneous_order, mock_api=mock_api)]

    def configure_completely_filled_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = self._order_status_response(order, status="FILLED", executed=order.amount)
        return self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, response)

    def configure_canceled_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = self._order_status_response(order, status="CANCELED", executed=Decimal("0"))
        return self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, response)

    def configure_erroneous_http_fill_trade_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        return self._configure(mock_api, "get", CONSTANTS.MY_TRADES_PATH_URL, callback, status=400)

    def configure_open_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = self._order_status_response(order, status="NEW", executed=Decimal("0"))
        return self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, response)

    def configure_http_error_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        return self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, status=401)

    def configure_partially_filled_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = self._order_status_response(order, status="PARTIALLY_FILLED",
                                               executed=self.expected_partial_fill_amount)
        return self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, response)

    def configure_order_not_found_error_order_status_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> List[str]:
        response = {"code": CONSTANTS.ORDER_NOT_EXIST_ERROR_CODE, "msg": f"{CONSTANTS.ORDER_NOT_EXIST_MESSAGE}."}
        return [self._configure(mock_api, "get", CONSTANTS.ORDER_PATH_URL, callback, response, status=400)]

    def configure_partial_fill_trade_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = [self._trade_fill(order, self.expected_partial_fill_price, self.expected_partial_fill_amount)]
        return self._configure(mock_api, "get", CONSTANTS.MY_TRADES_PATH_URL, callback, response)

    def configure_full_fill_trade_response(
            self, order: InFlightOrder, mock_api: aioresponses,
            callback: Optional[Callable] = lambda *args, **kwargs: None) -> str:
        response = [self._trade_fill(order, order.price, order.amount)]
        return self._configure(mock_api, "get", CONSTANTS.MY_TRADES_PATH_URL, callback, response)

    # TODO({{ cookiecutter.connector_name }}): the order update event, with the fields _user_stream_event_listener reads.
    def _execution_report(self, order: InFlightOrder, execution_type: str, status: str,
                          last_filled: Decimal = Decimal("0"), **overrides) -> Dict[str, Any]:
        event = {
            "e": CONSTANTS.ORDER_TRADE_UPDATE_EVENT_TYPE,
            "E": 1499405658658,
            "s": self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
            "c": order.client_order_id,
            "S": order.trade_type.name.upper(),
            "o": order.order_type.name.upper(),
            "f": "GTC",
            "q": str(order.amount),
            "p": str(order.price),
            "C": "",
            "x": execution_type,
            "X": status,
            "r": "NONE",
            "i": order.exchange_order_id,
            "l": str(last_filled),
            "z": str(last_filled),
            "L": str(order.price) if last_filled else "0.00000000",
            "n": "0",
            "N": None,
            "T": 1499405658657,
            "t": -1,
        }
        event.update(overrides)
        return event

    def order_event_for_new_order_websocket_update(self, order: InFlightOrder):
        return self._execution_report(order, "NEW", "NEW")

    def order_event_for_canceled_order_websocket_update(self, order: InFlightOrder):
        # A cancelation carries the canceled order's id under "C" and a new id under "c".
        return self._execution_report(order, "CANCELED", "CANCELED", c="dummyText", C=order.client_order_id)

    def order_event_for_full_fill_websocket_update(self, order: InFlightOrder):
        fee = self.expected_fill_fee.flat_fees[0]
        return self._execution_report(order, "TRADE", "FILLED", last_filled=order.amount,
                                      n=str(fee.amount), N=fee.token, t=1)

    def trade_event_for_full_fill_websocket_update(self, order: InFlightOrder):
        return None  # the order update event carries the fill

    # TODO({{ cookiecutter.connector_name }}): the order status answer; its statuses must be keys of CONSTANTS.ORDER_STATE.
    def _order_status_response(self, order: InFlightOrder, status: str, executed: Decimal) -> Dict[str, Any]:
        return {
            "symbol": self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
            "orderId": order.exchange_order_id or "4",
            "orderListId": -1,
            "clientOrderId": order.client_order_id,
            "price": str(order.price),
            "origQty": str(order.amount),
            "executedQty": str(executed),
            "cummulativeQuoteQty": str(executed * order.price),
            "status": status,
            "timeInForce": "GTC",
            "type": order.order_type.name.upper(),
            "side": order.trade_type.name.upper(),
            "time": 1499827319559,
            "updateTime": 1499827319559,
        }

    def _trade_fill(self, order: InFlightOrder, price: Decimal, amount: Decimal, trade_id: Any = None,
                    order_id: Any = None, commission_asset: Optional[str] = None) -> Dict[str, Any]:
        fee = self.expected_fill_fee.flat_fees[0]
        return {
            "symbol": self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
            "id": trade_id or self.expected_fill_trade_id,
            "orderId": order_id or int(order.exchange_order_id),
            "orderListId": -1,
            "price": str(price),
            "qty": str(amount),
            "quoteQty": str(amount * price),
            "commission": str(fee.amount),
            "commissionAsset": commission_asset or fee.token,
            "time": 1499865549590,
            "isBuyer": True,
            "isMaker": False,
            "isBestMatch": True,
        }

    def _validate_auth_credentials_taking_parameters_from_argument(self, request_call_tuple: RequestCall,
                                                                   params: Dict[str, Any]):
{%- include shape("auth_scheme", "test_exchange.signed_request_checks") %}
        self.assertEqual("testAPIKey", request_headers[CONSTANTS.API_KEY_HEADER])
{%- for credential in extra_credentials %}
        self.assertEqual("test{{ credential | replace('_', '') | capitalize }}",
                         request_headers[CONSTANTS.{{ credential | upper }}_HEADER])
{%- endfor %}

    def _track_order(self, order_id: str = "OID1", exchange_order_id: str = "100234") -> InFlightOrder:
        self.exchange.start_tracking_order(
            order_id=order_id,
            exchange_order_id=exchange_order_id,
            trading_pair=self.trading_pair,
            order_type=OrderType.LIMIT,
            trade_type=TradeType.BUY,
            price=Decimal("10000"),
            amount=Decimal("1"),
        )
        return self.exchange.in_flight_orders[order_id]

    def _poll_due(self):
        self.exchange._set_current_timestamp(1640780000)
        self.exchange._last_poll_timestamp = (self.exchange.current_timestamp
                                              - self.exchange.UPDATE_ORDER_STATUS_MIN_INTERVAL - 1)

    def _process_user_stream_events(self, *events: Dict[str, Any]):
        mock_queue = AsyncMock()
        mock_queue.get.side_effect = [*events, asyncio.CancelledError]
        self.exchange._user_stream_tracker._user_stream = mock_queue
        try:
            self.async_run_with_timeout(self.exchange._user_stream_event_listener())
        except asyncio.CancelledError:
            pass

    def test_name_follows_the_domain(self):
        self.assertEqual("{{ name }}", self.exchange.name)
        other = self.create_exchange_instance(domain="testnet")
        self.assertEqual("{{ name }}_testnet", other.name)
{%- include hummingbot_feature("public_throttler_property", "test_exchange.tests") %}
{%- include shape("time_synchronizer", "test_exchange.tests") %}

    @aioresponses()
    def test_update_order_fills_from_trades_triggers_filled_event(self, mock_api):
        self._poll_due()
        order = self._track_order()
        url = web_utils.private_rest_url(CONSTANTS.MY_TRADES_PATH_URL)
        trade_fill = self._trade_fill(order, Decimal("9999"), Decimal("1"), trade_id=28457)
        trade_fill_non_tracked_order = self._trade_fill(order, Decimal("4.00000100"), Decimal("12"), trade_id=30000,
                                                        order_id=99999, commission_asset="BNB")
        mock_api.get(_regex(url), body=json.dumps([trade_fill, trade_fill_non_tracked_order]))
        self.exchange.add_exchange_order_ids_from_market_recorder(
            {str(trade_fill_non_tracked_order["orderId"]): "OID99"})

        self.async_run_with_timeout(self.exchange._update_order_fills_from_trades())

        request = self._all_executed_requests(mock_api, url)[0]
        self.validate_auth_credentials_present(request)
        self.assertEqual(self.exchange_symbol_for_tokens(self.base_asset, self.quote_asset),
                         request.kwargs["params"]["symbol"])

        fill_event: OrderFilledEvent = self.order_filled_logger.event_log[0]
        self.assertEqual(self.exchange.current_timestamp, fill_event.timestamp)
        self.assertEqual(order.client_order_id, fill_event.order_id)
        self.assertEqual(order.trade_type, fill_event.trade_type)
        self.assertEqual(Decimal(trade_fill["price"]), fill_event.price)
        self.assertEqual(Decimal(trade_fill["qty"]), fill_event.amount)
        self.assertEqual([TokenAmount(trade_fill["commissionAsset"], Decimal(trade_fill["commission"]))],
                         fill_event.trade_fee.flat_fees)

        fill_event: OrderFilledEvent = self.order_filled_logger.event_log[1]
        self.assertEqual(float(trade_fill_non_tracked_order["time"]) * 1e-3, fill_event.timestamp)
        self.assertEqual("OID99", fill_event.order_id)
        self.assertEqual(TradeType.BUY, fill_event.trade_type)
        self.assertEqual(OrderType.LIMIT, fill_event.order_type)
        self.assertEqual(Decimal(trade_fill_non_tracked_order["qty"]), fill_event.amount)
        self.assertEqual([TokenAmount("BNB", Decimal(trade_fill_non_tracked_order["commission"]))],
                         fill_event.trade_fee.flat_fees)
        self.assertTrue(self.is_logged("INFO", f"Recreating missing trade in TradeFill: {trade_fill_non_tracked_order}"))

    @aioresponses()
    def test_update_order_fills_request_parameters(self, mock_api):
        self.exchange._set_current_timestamp(0)
        self.exchange._last_poll_timestamp = -1
        url = web_utils.private_rest_url(CONSTANTS.MY_TRADES_PATH_URL)
        mock_api.get(_regex(url), body=json.dumps([]), repeat=True)

        self.async_run_with_timeout(self.exchange._update_order_fills_from_trades())

        request_params = self._all_executed_requests(mock_api, url)[0].kwargs["params"]
        self.assertNotIn("startTime", request_params)

        self._poll_due()
        self.exchange._last_trades_poll_{{ name }}_timestamp = 10
        self.async_run_with_timeout(self.exchange._update_order_fills_from_trades())

        request_params = self._all_executed_requests(mock_api, url)[1].kwargs["params"]
        self.assertEqual(10 * 1e3, request_params["startTime"])

    @aioresponses()
    def test_update_order_fills_from_trades_with_repeated_fill_triggers_only_one_event(self, mock_api):
        self._poll_due()
        url = web_utils.private_rest_url(CONSTANTS.MY_TRADES_PATH_URL)
        order = self._track_order()
        trade_fill_non_tracked_order = self._trade_fill(order, Decimal("4.00000100"), Decimal("12"), trade_id=30000,
                                                        order_id=99999, commission_asset="BNB")
        mock_api.get(_regex(url), body=json.dumps([trade_fill_non_tracked_order, trade_fill_non_tracked_order]))
        self.exchange.add_exchange_order_ids_from_market_recorder({"99999": "OID99"})

        self.async_run_with_timeout(self.exchange._update_order_fills_from_trades())

        self.assertEqual(1, len(self.order_filled_logger.event_log))
        self.assertEqual("OID99", self.order_filled_logger.event_log[0].order_id)

    @aioresponses()
    def test_update_order_status_when_failed(self, mock_api):
        self._poll_due()
        order = self._track_order()
        url = web_utils.private_rest_url(CONSTANTS.ORDER_PATH_URL)
        order_status = self._order_status_response(order, status="REJECTED", executed=Decimal("0"))
        mock_api.get(_regex(url), body=json.dumps(order_status))

        self.async_run_with_timeout(self.exchange._update_order_status())

        request = self._all_executed_requests(mock_api, url)[0]
        self.validate_auth_credentials_present(request)
        self.assertEqual(order.client_order_id, request.kwargs["params"]["origClientOrderId"])
        failure_event: MarketOrderFailureEvent = self.order_failure_logger.event_log[0]
        self.assertEqual(self.exchange.current_timestamp, failure_event.timestamp)
        self.assertEqual(order.client_order_id, failure_event.order_id)
        self.assertNotIn(order.client_order_id, self.exchange.in_flight_orders)
        self.assertEqual(OrderState.FAILED, order.current_state)

    def test_user_stream_update_for_order_failure(self):
        self.exchange._set_current_timestamp(1640780000)
        order = self._track_order()

        self._process_user_stream_events(self._execution_report(order, "REJECTED", "REJECTED"))

        failure_event: MarketOrderFailureEvent = self.order_failure_logger.event_log[0]
        self.assertEqual(self.exchange.current_timestamp, failure_event.timestamp)
        self.assertEqual(order.client_order_id, failure_event.order_id)
        self.assertNotIn(order.client_order_id, self.exchange.in_flight_orders)
        self.assertTrue(order.is_failure)
        self.assertTrue(order.is_done)
{%- include shape("balance_channel", "test_exchange.tests") %}

    @patch("hummingbot.connector.utils.get_tracking_nonce")
    def test_client_order_id_on_order(self, mocked_nonce):
        mocked_nonce.return_value = 7

        result = self.exchange.buy(
            trading_pair=self.trading_pair,
            amount=Decimal("1"),
            order_type=OrderType.LIMIT,
            price=Decimal("2"),
        )
        expected_client_order_id = get_new_client_order_id(
            is_buy=True,
            trading_pair=self.trading_pair,
            hbot_order_id_prefix=CONSTANTS.HBOT_ORDER_ID_PREFIX,
            max_id_len=CONSTANTS.MAX_ORDER_ID_LEN,
        )
        self.assertEqual(expected_client_order_id, result)

        result = self.exchange.sell(
            trading_pair=self.trading_pair,
            amount=Decimal("1"),
            order_type=OrderType.LIMIT,
            price=Decimal("2"),
        )
        expected_client_order_id = get_new_client_order_id(
            is_buy=False,
            trading_pair=self.trading_pair,
            hbot_order_id_prefix=CONSTANTS.HBOT_ORDER_ID_PREFIX,
            max_id_len=CONSTANTS.MAX_ORDER_ID_LEN,
        )
        self.assertEqual(expected_client_order_id, result)

    def test_client_order_ids_fit_the_exchange_limits(self):
        # Real nonces, both sides: the exchange rejects ids over its maximum length or without the broker prefix.
        with patch.object(self.exchange, "_create_order", AsyncMock()):  # ids only: no order reaches the exchange
            order_ids = [self.place_buy_order(), self.place_sell_order()]
        for order_id in order_ids:
            self.assertTrue(order_id.startswith(CONSTANTS.HBOT_ORDER_ID_PREFIX))
            self.assertLessEqual(len(order_id), CONSTANTS.MAX_ORDER_ID_LEN)
        self.assertEqual(CONSTANTS.HBOT_ORDER_ID_PREFIX, self.exchange.client_order_id_prefix)
        self.assertEqual(CONSTANTS.MAX_ORDER_ID_LEN, self.exchange.client_order_id_max_length)

    @aioresponses()
    def test_place_order_manage_server_overloaded_error_unknown_order(self, mock_api):
        self._poll_due()
        url = web_utils.private_rest_url(CONSTANTS.ORDER_PATH_URL)
        mock_response = {"code": -1003, "msg": "Unknown error, please check your request or try again later."}
        mock_api.post(_regex(url), body=json.dumps(mock_response), status=503)

        exchange_order_id, _ = self.async_run_with_timeout(self.exchange._place_order(
            order_id="test_order_id",
            trading_pair=self.trading_pair,
            amount=Decimal("1"),
            trade_type=TradeType.BUY,
            order_type=OrderType.LIMIT,
            price=Decimal("2"),
        ))
        self.assertEqual("UNKNOWN", exchange_order_id)

    @aioresponses()
    def test_place_order_manage_server_overloaded_error_failure(self, mock_api):
        self._poll_due()
        url = web_utils.private_rest_url(CONSTANTS.ORDER_PATH_URL)
        mock_api.post(_regex(url), body=json.dumps({"code": -1003, "msg": "Service Unavailable."}), status=503)

        self.assertRaises(
            IOError,
            self.async_run_with_timeout,
            self.exchange._place_order(
                order_id="test_order_id",
                trading_pair=self.trading_pair,
                amount=Decimal("1"),
                trade_type=TradeType.BUY,
                order_type=OrderType.LIMIT,
                price=Decimal("2"),
            ))

    def test_format_trading_rules__min_notional_present(self):
        filters = self._trading_rule_filters[:2] + [{"filterType": "MIN_NOTIONAL", "minNotional": "0.00100000"}]
        exchange_info = {"symbols": [self._symbol_info(self.base_asset, self.quote_asset, ["SPOT"], filters)]}

        result = self.async_run_with_timeout(self.exchange._format_trading_rules(exchange_info))

        self.assertEqual(Decimal("0.00100000"), result[0].min_notional_size)

    def test_format_trading_rules__notional_but_no_min_notional_present(self):
        filters = self._trading_rule_filters[:2] + [{
            "filterType": "NOTIONAL",
            "minNotional": "10.00000000",
            "applyMinToMarket": False,
            "maxNotional": "10000.00000000",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        }]
        exchange_info = {"symbols": [self._symbol_info(self.base_asset, self.quote_asset, ["SPOT"], filters)]}

        result = self.async_run_with_timeout(self.exchange._format_trading_rules(exchange_info))

        self.assertEqual(Decimal("10"), result[0].min_notional_size)

    def test_format_trading_rules_skips_pairs_not_tradable_on_spot(self):
        exchange_info = {"symbols": [
            self._symbol_info(self.base_asset, self.quote_asset, ["SPOT"], self._trading_rule_filters, status="BREAK"),
            self._symbol_info(self.base_asset, "USDT", ["MARGIN"], self._trading_rule_filters),
        ]}

        result = self.async_run_with_timeout(self.exchange._format_trading_rules(exchange_info))

        self.assertEqual([], result)
