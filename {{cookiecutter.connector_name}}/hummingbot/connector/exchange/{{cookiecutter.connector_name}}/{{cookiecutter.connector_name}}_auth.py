{%- from "python_imports.j2" import from_import -%}
import hashlib
import hmac
import json{%- include shape("time_synchronizer", "auth.imports") %}
from collections import OrderedDict
from typing import Any, Dict
from urllib.parse import urlencode

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS"]) }}
{%- include shape("time_synchronizer", "auth.hummingbot_imports") %}
from hummingbot.core.web_assistant.auth import AuthBase
from hummingbot.core.web_assistant.connections.data_types import RESTMethod, RESTRequest, WSRequest
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials %}


class {{ cookiecutter.__class_prefix }}Auth(AuthBase):
    """
    Signs private requests with HMAC-SHA256 over the url-encoded parameters, the way the exchange documents it.
    """

    def __init__(self,
                 api_key: str,
                 secret_key: str,
{%- for credential in extra_credentials %}
                 {{ credential }}: str,
{%- endfor %}{%- include shape("time_synchronizer", "auth.auth_arguments") %}
                 ):
        self.api_key = api_key
        self.secret_key = secret_key
{%- for credential in extra_credentials %}
        self.{{ credential }} = {{ credential }}
{%- endfor %}{%- include shape("time_synchronizer", "auth.init") %}

    async def rest_authenticate(self, request: RESTRequest) -> RESTRequest:
        """
        Adds the timestamp and the signature to the request parameters (or body, for POST requests) and the
        API key header.
        :param request: the request to be configured for authenticated interaction
        """
        if request.method == RESTMethod.POST:
            request.data = self.add_auth_to_params(params=json.loads(request.data) if request.data is not None else {})
        else:
            request.params = self.add_auth_to_params(params=request.params)

        headers = {}
        if request.headers is not None:
            headers.update(request.headers)
        headers.update(self.header_for_authentication())
        request.headers = headers

        return request

    async def ws_authenticate(self, request: WSRequest) -> WSRequest:
        """
        Websocket requests are not signed one by one: the private stream is authenticated when it is opened
        (see the user stream data source).
        """
        return request  # pass-through

    def add_auth_to_params(self, params: Dict[str, Any]) -> Dict[str, Any]:
        timestamp = int(self._time() * 1e3)

        request_params = OrderedDict(params or {})
        request_params["timestamp"] = timestamp

        signature = self._generate_signature(params=request_params)
        request_params["signature"] = signature

        return request_params

    def header_for_authentication(self) -> Dict[str, str]:
        headers = {CONSTANTS.API_KEY_HEADER: self.api_key}
{%- for credential in extra_credentials %}
        headers[CONSTANTS.{{ credential | upper }}_HEADER] = self.{{ credential }}
{%- endfor %}
        return headers{%- include shape("user_stream", "auth.methods") %}

    def _time(self) -> float:{%- include shape("time_synchronizer", "auth.time") %}

    def _generate_signature(self, params: Dict[str, Any]) -> str:
        encoded_params_str = urlencode(params)
        digest = hmac.new(self.secret_key.encode("utf8"), encoded_params_str.encode("utf8"), hashlib.sha256).hexdigest()
        return digest
