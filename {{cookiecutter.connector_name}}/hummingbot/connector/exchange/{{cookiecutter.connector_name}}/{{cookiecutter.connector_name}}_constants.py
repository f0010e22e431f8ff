from hummingbot.core.api_throttler.data_types import LinkedLimitWeightPair, RateLimit
from hummingbot.core.data_type.in_flight_order import OrderState

DEFAULT_DOMAIN = "{{ cookiecutter.default_domain }}"

# TODO({{ cookiecutter.connector_name }}): the broker/client order id prefix and maximum length the exchange accepts.
HBOT_ORDER_ID_PREFIX = "{{ cookiecutter.client_order_id_prefix }}"
MAX_ORDER_ID_LEN = 32

# TODO({{ cookiecutter.connector_name }}): the headers the exchange reads the API key (and any extra credential) from.
{%- include shape("auth_scheme", "constants.api_key_header") %}
{%- for credential in cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) %}
{{ credential | upper }}_HEADER = "X-{{ credential | upper | replace('_', '-') }}"
{%- endfor %}
{%- include shape("auth_scheme", "constants.auth_parameters") %}
{%- include shape("broker_header_name", "constants.broker_header") %}

# Base URL: the web utils fill {} with the domain
# TODO({{ cookiecutter.connector_name }}): other domains whose URLs differ in more than that need URLs of their own.
REST_URL = "{{ cookiecutter.rest_url | domain_url(cookiecutter.default_domain) }}"
WSS_URL = "{{ cookiecutter.wss_url | domain_url(cookiecutter.default_domain) }}"
{%- include shape("user_stream", "constants.urls") %}
{%- include shape("testnet_domain", "constants.testnet_urls") %}

PUBLIC_API_VERSION = "v3"
PRIVATE_API_VERSION = "v3"

# Public API endpoints
TICKER_PRICE_CHANGE_PATH_URL = "/ticker/24hr"
TICKER_BOOK_PATH_URL = "/ticker/bookTicker"
PRICES_PATH_URL = "/ticker/price"
EXCHANGE_INFO_PATH_URL = "/exchangeInfo"
PING_PATH_URL = "/ping"
SNAPSHOT_PATH_URL = "/depth"
{%- include shape("time_synchronizer", "constants.public_endpoints") %}

# Private API endpoints
ACCOUNTS_PATH_URL = "/account"
MY_TRADES_PATH_URL = "/myTrades"
ORDER_PATH_URL = "/order"
{%- include shape("user_stream", "constants.private_endpoints") %}
{%- include shape("user_stream", "constants.user_stream_parameters") %}
{%- include shape("auth_scheme", "constants.signing_instructions") %}

WS_HEARTBEAT_TIME_INTERVAL = {{ cookiecutter.ws_heartbeat_interval }}
{%- include shape("ws_ping", "constants.keep_alive") %}

# Order book snapshot depth requested over REST
ORDER_BOOK_DEPTH = {{ cookiecutter.order_book_depth }}

# Exchange parameters
SIDE_BUY = "BUY"
SIDE_SELL = "SELL"

TIME_IN_FORCE_GTC = "GTC"  # Good till cancelled
TIME_IN_FORCE_IOC = "IOC"  # Immediate or cancel
TIME_IN_FORCE_FOK = "FOK"  # Fill or kill

# Rate limit types
REQUEST_WEIGHT = "REQUEST_WEIGHT"
ORDERS = "ORDERS"
ORDERS_24HR = "ORDERS_24HR"
RAW_REQUESTS = "RAW_REQUESTS"

# Rate limit time intervals
ONE_MINUTE = 60
ONE_SECOND = 1
ONE_DAY = 86400

MAX_REQUEST = 5000

# TODO({{ cookiecutter.connector_name }}): map every order status the exchange reports to hummingbot's OrderState.
ORDER_STATE = {
    "PENDING": OrderState.PENDING_CREATE,
    "NEW": OrderState.OPEN,
    "FILLED": OrderState.FILLED,
    "PARTIALLY_FILLED": OrderState.PARTIALLY_FILLED,
    "PENDING_CANCEL": OrderState.OPEN,
    "CANCELED": OrderState.CANCELED,
    "REJECTED": OrderState.FAILED,
    "EXPIRED": OrderState.FAILED,
    "EXPIRED_IN_MATCH": OrderState.FAILED,
}

# Websocket event types
{%- include shape("order_book_source", "constants.order_book_events") %}
TRADE_EVENT_TYPE = "trade"
ORDER_TRADE_UPDATE_EVENT_TYPE = "executionReport"
{%- include shape("balance_channel", "constants.event_types") %}

# TODO({{ cookiecutter.connector_name }}): copy the exchange's documented limits and per-endpoint weights.
RATE_LIMITS = [
    # Pools
    RateLimit(limit_id=REQUEST_WEIGHT, limit={{ cookiecutter.rate_limit_request_weight_per_minute }}, time_interval=ONE_MINUTE),
    RateLimit(limit_id=ORDERS, limit={{ cookiecutter.rate_limit_orders_per_10_seconds }}, time_interval=10 * ONE_SECOND),
    RateLimit(limit_id=ORDERS_24HR, limit={{ cookiecutter.rate_limit_orders_per_day }}, time_interval=ONE_DAY),
    RateLimit(limit_id=RAW_REQUESTS, limit={{ cookiecutter.rate_limit_raw_requests_per_5_minutes }}, time_interval=5 * ONE_MINUTE),
    # Weighted limits
    RateLimit(limit_id=TICKER_PRICE_CHANGE_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 2),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=TICKER_BOOK_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 4),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=PRICES_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 4),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=EXCHANGE_INFO_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 20),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=SNAPSHOT_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 100),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
{%- include shape("time_synchronizer", "constants.public_rate_limits") %}
    RateLimit(limit_id=PING_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 1),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=ACCOUNTS_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 20),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
    RateLimit(limit_id=MY_TRADES_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 20),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
{%- include shape("user_stream", "constants.private_rate_limits") %}
    RateLimit(limit_id=ORDER_PATH_URL, limit=MAX_REQUEST, time_interval=ONE_MINUTE,
              linked_limits=[LinkedLimitWeightPair(REQUEST_WEIGHT, 4),
                             LinkedLimitWeightPair(ORDERS, 1),
                             LinkedLimitWeightPair(ORDERS_24HR, 1),
                             LinkedLimitWeightPair(RAW_REQUESTS, 1)]),
]

# Error codes and messages the connector recognises in REST answers
ORDER_NOT_EXIST_ERROR_CODE = -2013
ORDER_NOT_EXIST_MESSAGE = "Order does not exist"
UNKNOWN_ORDER_ERROR_CODE = -2011
UNKNOWN_ORDER_MESSAGE = "Unknown order sent"
{%- include shape("time_synchronizer", "constants.error_codes") %}
