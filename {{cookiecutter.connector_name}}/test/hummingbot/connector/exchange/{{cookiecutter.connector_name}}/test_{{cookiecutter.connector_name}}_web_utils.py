{%- from "python_imports.j2" import from_import, optional_from_import -%}
import asyncio{%- include shape("ws_compression", "test_web_utils.imports_before_json") %}
import json
import re
{%- include shape("time_synchronizer", "test_web_utils.stdlib_imports") %}
import unittest{%- include shape("ws_compression", "test_web_utils.imports_after_unittest") %}
{%- set mock_names %}{% include shape("ws_ping", "test_web_utils.mock_names") %} {% include shape("ws_compression", "test_web_utils.mock_names") %}{% endset %}
{{- optional_from_import("unittest.mock", mock_names.split() | unique | sort) }}

{% include shape("ws_compression", "test_web_utils.third_party_imports") %}from aioresponses import aioresponses

import hummingbot.connector.exchange.{{ cookiecutter.connector_name }}.{{ cookiecutter.connector_name }}_constants as CONSTANTS
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_web_utils as web_utils"]) }}
from hummingbot.core.api_throttler.async_throttler import AsyncThrottler
{%- include shape("ws_ping", "test_web_utils.data_types_import") %}
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory


class {{ cookiecutter.__class_prefix }}WebUtilsTestCases(unittest.TestCase):

    def async_run_with_timeout(self, coroutine, timeout: float = 1):
        return asyncio.get_event_loop().run_until_complete(asyncio.wait_for(coroutine, timeout))

    def test_public_rest_url(self):
        path_url = "/TEST_PATH"
        domain = CONSTANTS.DEFAULT_DOMAIN
        # TODO({{ cookiecutter.connector_name }}): how the exchange's REST URLs are built (base, version, path).
        expected_url = "{{ cookiecutter.rest_url }}" + CONSTANTS.PUBLIC_API_VERSION + path_url
        self.assertEqual(expected_url, web_utils.public_rest_url(path_url, domain))

    def test_private_rest_url(self):
        path_url = "/TEST_PATH"
        domain = CONSTANTS.DEFAULT_DOMAIN
        expected_url = "{{ cookiecutter.rest_url }}" + CONSTANTS.PRIVATE_API_VERSION + path_url
        self.assertEqual(expected_url, web_utils.private_rest_url(path_url, domain))

    def test_urls_follow_the_domain(self):
        # The shape follows Binance's connector: the domain fills the {} of the base URLs, as "com" and "us" do there.
        self.assertEqual("{{ cookiecutter.rest_url }}", CONSTANTS.REST_URL.format(CONSTANTS.DEFAULT_DOMAIN))
        self.assertEqual("{{ cookiecutter.wss_url }}", CONSTANTS.WSS_URL.format(CONSTANTS.DEFAULT_DOMAIN))
        self.assertEqual(CONSTANTS.REST_URL.format("test") + CONSTANTS.PUBLIC_API_VERSION + "/ping",
                         web_utils.public_rest_url("/ping", domain="test"))
        self.assertEqual(CONSTANTS.REST_URL.format("test") + CONSTANTS.PRIVATE_API_VERSION + "/ping",
                         web_utils.private_rest_url("/ping", domain="test"))

    def test_create_throttler_knows_every_rate_limit(self):
        throttler = web_utils.create_throttler()
        self.assertIsInstance(throttler, AsyncThrottler)
        self.assertEqual({limit.limit_id for limit in CONSTANTS.RATE_LIMITS},
                         {limit.limit_id for limit in throttler._rate_limits})

    def test_build_api_factory(self):
        factory = web_utils.build_api_factory()
        self.assertIsInstance(factory, WebAssistantsFactory)
{%- include shape("time_synchronizer", "test_web_utils.pre_processor_count") %}

    @aioresponses()
    def test_get_current_server_time(self, mock_api):
{%- include shape("time_synchronizer", "test_web_utils.server_time_test") %}
{%- include shape("broker_header_name", "test_web_utils.tests") %}
{%- include shape("testnet_domain", "test_web_utils.tests") %}
{%- include shape("ws_ping", "test_web_utils.tests") %}
{%- include shape("ws_compression", "test_web_utils.tests") %}
