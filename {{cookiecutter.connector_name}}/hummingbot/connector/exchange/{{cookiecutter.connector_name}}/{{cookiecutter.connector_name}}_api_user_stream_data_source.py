{%- from "python_imports.j2" import from_import -%}
import asyncio{%- include shape("user_stream", "user_stream_data_source.imports") %}
from typing import TYPE_CHECKING, {% include shape("user_stream", "user_stream_data_source.typing_imports") %}List, Optional
{%- include shape("user_stream", "user_stream_data_source.connector_imports") %}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_auth", [cookiecutter.__class_prefix ~ "Auth"]) }}
from hummingbot.core.data_type.user_stream_tracker_data_source import UserStreamTrackerDataSource{%- include shape("user_stream", "user_stream_data_source.hummingbot_imports") %}
from hummingbot.core.web_assistant.web_assistants_factory import WebAssistantsFactory
from hummingbot.core.web_assistant.ws_assistant import WSAssistant
from hummingbot.logger import HummingbotLogger

if TYPE_CHECKING:
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_exchange", [cookiecutter.__class_prefix ~ "Exchange"], indent="    ") }}


class {{ cookiecutter.__class_prefix }}APIUserStreamDataSource(UserStreamTrackerDataSource):{%- include shape("user_stream", "user_stream_data_source.class_header") %}

    _logger: Optional[HummingbotLogger] = None

    def __init__(self,
                 auth: {{ cookiecutter.__class_prefix }}Auth,
                 trading_pairs: List[str],
                 connector: '{{ cookiecutter.__class_prefix }}Exchange',
                 api_factory: WebAssistantsFactory,
                 domain: str = CONSTANTS.DEFAULT_DOMAIN):
        super().__init__()
        self._auth: {{ cookiecutter.__class_prefix }}Auth = auth
        self._domain = domain
        self._api_factory = api_factory
        self._connector = connector{%- include shape("user_stream", "user_stream_data_source.init") %}

    async def _get_ws_assistant(self) -> WSAssistant:
        # A new assistant per connection: a dropped one must not be reused.
        return await self._api_factory.get_ws_assistant(){%- include shape("user_stream", "user_stream_data_source.methods") %}
{%- include shape("ws_ping", "user_stream_data_source.methods") %}
