{#- The module's first lines: this partial's lines are not preceded by a newline, so none comes before them. #}
{%- include shape("ws_ping", "web_utils.first_imports") %}
{%- include shape("time_synchronizer", "web_utils.first_imports") %}

import hummingbot.connector.exchange.{{ cookiecutter.connector_name }}.{{ cookiecutter.connector_name }}_constants as CONSTANTS
{%- include shape("time_synchronizer", "web_utils.connector_imports") %}
from hummingbot.core.api_throttler.async_throttler import AsyncThrottler
from hummingbot.core.web_assistant.auth import AuthBase
{%- include shape("time_synchronizer", "web_utils.web_assistant_imports") %}
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory
{%- include shape("ws_ping", "web_utils.ws_assistant_import") %}
{%- include shape("ws_compression", "web_utils.post_processor_base_import") %}
{%- include shape("broker_header_name", "web_utils.pre_processor") %}
{%- include shape("ws_compression", "web_utils.post_processor") %}
{%- include shape("testnet_domain", "web_utils.base_urls") %}


def public_rest_url(path_url: str, domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """
    Creates a full URL for provided public REST endpoint
    :param path_url: a public REST endpoint
    :param domain: the domain to connect to (it fills the {} of CONSTANTS.REST_URL). The default value is "{{ cookiecutter.default_domain }}"
    :return: the full URL to the endpoint
    """
    # TODO({{ cookiecutter.connector_name }}): adapt if public endpoints live under another base or version.
{%- include shape("testnet_domain", "web_utils.public_rest_url_return") %}


def private_rest_url(path_url: str, domain: str = CONSTANTS.DEFAULT_DOMAIN) -> str:
    """
    Creates a full URL for provided private REST endpoint
    :param path_url: a private REST endpoint
    :param domain: the domain to connect to (it fills the {} of CONSTANTS.REST_URL). The default value is "{{ cookiecutter.default_domain }}"
    :return: the full URL to the endpoint
    """
{%- include shape("testnet_domain", "web_utils.private_rest_url_return") %}
{%- include shape("time_synchronizer", "web_utils.api_factory") %}


def create_throttler() -> AsyncThrottler:
    return AsyncThrottler(CONSTANTS.RATE_LIMITS)


async def get_current_server_time(
        throttler: Optional[AsyncThrottler] = None,
        domain: str = CONSTANTS.DEFAULT_DOMAIN,
) -> float:
{%- include shape("time_synchronizer", "web_utils.server_time_body") %}
{%- include shape("ws_ping", "web_utils.functions") %}
