{%- from "python_imports.j2" import from_import -%}
{%- set name = cookiecutter.connector_name %}
{%- set prefix = cookiecutter.__class_prefix %}
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) -%}
import asyncio{%- include shape("user_stream", "test_user_stream_data_source.imports") %}
import json{%- include shape("user_stream", "test_user_stream_data_source.imports_after_json") %}
from test.isolated_asyncio_wrapper_test_case import IsolatedAsyncioWrapperTestCase
from typing import Any, Dict, Optional
from unittest.mock import AsyncMock, MagicMock, patch
{% include shape("user_stream", "test_user_stream_data_source.third_party_imports") %}
from bidict import bidict
{%- include shape("user_stream", "test_user_stream_data_source.connector_imports") %}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_api_user_stream_data_source", [prefix ~ "APIUserStreamDataSource"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_auth", [prefix ~ "Auth"]) }}
{{ from_import("hummingbot.connector.exchange." ~ name ~ "." ~ name ~ "_exchange", [prefix ~ "Exchange"]) }}
from hummingbot.connector.test_support.network_mocking_assistant import NetworkMockingAssistant

DATA_SOURCE_PATH = ("hummingbot.connector.exchange.{{ name }}.{{ name }}_api_user_stream_data_source."
                    "{{ prefix }}APIUserStreamDataSource")


class {{ prefix }}UserStreamDataSourceUnitTests(IsolatedAsyncioWrapperTestCase):
    # the level is required to receive logs from the data source logger
    level = 0

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.base_asset = "COINALPHA"
        cls.quote_asset = "HBOT"
        cls.trading_pair = f"{cls.base_asset}-{cls.quote_asset}"
        cls.ex_trading_pair = cls.base_asset + cls.quote_asset
        cls.domain = CONSTANTS.DEFAULT_DOMAIN
        cls.listen_key = "TEST_LISTEN_KEY"

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.log_records = []
        self.listening_task: Optional[asyncio.Task] = None
        self.mocking_assistant = NetworkMockingAssistant(self.local_event_loop)

        self.mock_time_provider = MagicMock()
        self.mock_time_provider.time.return_value = 1000
        self.auth = {{ prefix }}Auth(
            api_key="TEST_API_KEY",
{%- include shape("auth_scheme", "test_user_stream_data_source.secret_argument") %}
{%- for credential in extra_credentials %}
            {{ credential }}="TEST_{{ credential | upper }}",
{%- endfor %}{%- include shape("time_synchronizer", "test_user_stream_data_source.auth_arguments") %}
        ){%- include shape("time_synchronizer", "test_user_stream_data_source.auth_clock") %}

        self.connector = {{ prefix }}Exchange(
            {{ name }}_api_key="",
            {{ name }}_{{ cookiecutter.api_secret_field }}="",
{%- for credential in extra_credentials %}
            {{ name }}_{{ credential }}="",
{%- endfor %}
            trading_pairs=[],
            trading_required=False,
            domain=self.domain)
        self.connector._web_assistants_factory._auth = self.auth

        self.data_source = {{ prefix }}APIUserStreamDataSource(
            auth=self.auth,
            trading_pairs=[self.trading_pair],
            connector=self.connector,
            api_factory=self.connector._web_assistants_factory,
            domain=self.domain
        )
        self.data_source.logger().setLevel(1)
        self.data_source.logger().addHandler(self)

        self.resume_test_event = asyncio.Event()
        self.connector._set_trading_pair_symbol_map(bidict({self.ex_trading_pair: self.trading_pair}))

    def tearDown(self) -> None:
        self.listening_task and self.listening_task.cancel()
        super().tearDown()

    def handle(self, record):
        self.log_records.append(record)

    def _is_logged(self, log_level: str, message: str) -> bool:
        return any(record.levelname == log_level and record.getMessage() == message for record in self.log_records)

    def _create_exception_and_unlock_test_with_event(self, exception):
        self.resume_test_event.set()
        raise exception

    def _create_return_value_and_unlock_test_with_event(self, value):
        self.resume_test_event.set()
        return value

    async def _wait_for_test_event(self):
        await asyncio.wait_for(self.resume_test_event.wait(), timeout=5)

    # TODO({{ cookiecutter.connector_name }}): the exchange's error answer (code and message fields).
    def _error_response(self) -> Dict[str, Any]:
        return {"code": "ERROR CODE", "msg": "ERROR MESSAGE"}

    # TODO({{ cookiecutter.connector_name }}): an order update event as the exchange pushes it.
    def _user_update_event(self) -> Dict[str, Any]:
        return {"e": "executionReport", "E": 1499405658658, "s": self.ex_trading_pair, "c": "OID1", "x": "NEW",
                "X": "NEW", "i": 4293153}{%- include shape("user_stream", "test_user_stream_data_source.tests") %}
{%- include shape("ws_ping", "test_user_stream_data_source.tests") %}
