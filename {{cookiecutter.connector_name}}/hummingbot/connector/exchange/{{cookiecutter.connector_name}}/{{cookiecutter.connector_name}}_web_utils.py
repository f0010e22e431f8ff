{%- if not cookiecutter.time_synchronizer %}
import time
{% endif -%}
from typing import Callable, Optional

import hummingbot.connector.exchange.{{ cookiecutter.connector_name }}.{{ cookiecutter.connector_name }}_constants as CONSTANTS
{%- if cookiecutter.time_synchronizer %}
from hummingbot.connector.time_synchronizer import TimeSynchronizer
from hummingbot.connector.utils import TimeSynchronizerRESTPreProcessor
{%- endif %}
from hummingbot.core.api_throttler.async_throttler import AsyncThrottler
from hummingbot.core.web_assistant.auth import AuthBase
{%- if cookiecutter.time_synchronizer %}
from hummingbot.core.web_assistant.connections.data_types import RESTMethod
{%- endif %}
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory


def public_rest_url(path_url: str, domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """
    Creates a full URL for a public REST endpoint
    :param path_url: a public REST endpoint
    :param domain: the domain to connect to (a key of CONSTANTS.REST_URLS)
    :return: the full URL to the endpoint
    """
    # TODO({{ cookiecutter.connector_name }}): adapt if public endpoints live under another base or version.
    return CONSTANTS.REST_URLS[domain] + CONSTANTS.PUBLIC_API_VERSION + path_url


def private_rest_url(path_url: str, domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """
    Creates a full URL for a private REST endpoint
    :param path_url: a private REST endpoint
    :param domain: the domain to connect to (a key of CONSTANTS.REST_URLS)
    :return: the full URL to the endpoint
    """
    return CONSTANTS.REST_URLS[domain] + CONSTANTS.PRIVATE_API_VERSION + path_url


def wss_url(domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """The public market data websocket URL of a domain"""
    return CONSTANTS.WSS_URLS[domain]
{%- if cookiecutter.user_stream == "ws_api" %}


def wss_api_url(domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """The websocket API URL of a domain (the signed user stream subscription goes there)"""
    return CONSTANTS.WSS_API_URLS[domain]
{%- endif %}
{%- if cookiecutter.time_synchronizer %}


def build_api_factory(
        throttler: Optional[AsyncThrottler] = None,
        time_synchronizer: Optional[TimeSynchronizer] = None,
        domain: str = CONSTANTS.DEFAULT_DOMAIN,
        time_provider: Optional[Callable] = None,
        auth: Optional[AuthBase] = None, ) -> WebAssistantsFactory:
    throttler = throttler or create_throttler()
    time_synchronizer = time_synchronizer or TimeSynchronizer()
    time_provider = time_provider or (lambda: get_current_server_time(
        throttler=throttler,
        domain=domain,
    ))
    # Every REST request first makes sure the local clock offset to the server is known and fresh.
    api_factory = WebAssistantsFactory(
        throttler=throttler,
        auth=auth,
        rest_pre_processors=[
            TimeSynchronizerRESTPreProcessor(synchronizer=time_synchronizer, time_provider=time_provider),
        ])
    return api_factory


def build_api_factory_without_time_synchronizer_pre_processor(throttler: AsyncThrottler) -> WebAssistantsFactory:
    api_factory = WebAssistantsFactory(throttler=throttler)
    return api_factory
{%- else %}


def build_api_factory(
        throttler: Optional[AsyncThrottler] = None,
        domain: str = CONSTANTS.DEFAULT_DOMAIN,
        time_provider: Optional[Callable] = None,
        auth: Optional[AuthBase] = None, ) -> WebAssistantsFactory:
    # The exchange accepts local timestamps: no server clock offset is tracked.
    throttler = throttler or create_throttler()
    api_factory = WebAssistantsFactory(throttler=throttler, auth=auth)
    return api_factory
{%- endif %}


def create_throttler() -> AsyncThrottler:
    return AsyncThrottler(CONSTANTS.RATE_LIMITS)


async def get_current_server_time(
        throttler: Optional[AsyncThrottler] = None,
        domain: str = CONSTANTS.DEFAULT_DOMAIN,
) -> float:
{%- if cookiecutter.time_synchronizer %}
    throttler = throttler or create_throttler()
    api_factory = build_api_factory_without_time_synchronizer_pre_processor(throttler=throttler)
    rest_assistant = await api_factory.get_rest_assistant()
    response = await rest_assistant.execute_request(
        url=public_rest_url(path_url=CONSTANTS.SERVER_TIME_PATH_URL, domain=domain),
        method=RESTMethod.GET,
        throttler_limit_id=CONSTANTS.SERVER_TIME_PATH_URL,
    )
    # TODO({{ cookiecutter.connector_name }}): read the server time (in milliseconds) from the exchange's answer.
    server_time = response["serverTime"]
    return server_time
{%- else %}
    # Without server time synchronisation the local clock is the reference (the base polling loop still asks).
    return time.time() * 1e3
{%- endif %}
