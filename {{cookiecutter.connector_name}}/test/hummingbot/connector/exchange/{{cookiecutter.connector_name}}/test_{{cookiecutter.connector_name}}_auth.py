{%- from "python_imports.j2" import from_import -%}
import asyncio
import hashlib
import hmac
import json
from typing import Any, Dict
from unittest import TestCase
from unittest.mock import MagicMock{% include shape("time_synchronizer", "test_auth.mock_imports") %}
from urllib.parse import urlencode

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_auth", [cookiecutter.__class_prefix ~ "Auth"]) }}
from hummingbot.core.web_assistant.connections.data_types import RESTMethod, RESTRequest, WSJSONRequest
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials %}


class {{ cookiecutter.__class_prefix }}AuthTests(TestCase):

    def setUp(self) -> None:
        self._api_key = "testApiKey"
        self._secret = "testSecret"
        self._now = 1234567890.000
{%- for credential in extra_credentials %}
        self._{{ credential }} = "test{{ credential | replace('_', ' ') | title | replace(' ', '') }}"
{%- endfor %}{%- include shape("time_synchronizer", "test_auth.clock") %}
        self.auth = self._make_auth(self._secret)

    def _make_auth(self, secret: str) -> {{ cookiecutter.__class_prefix }}Auth:
        return {{ cookiecutter.__class_prefix }}Auth(
            api_key=self._api_key,
            secret_key=secret,
{%- for credential in extra_credentials %}
            {{ credential }}=self._{{ credential }},
{%- endfor %}{%- include shape("time_synchronizer", "test_auth.auth_arguments") %}
        )

    def async_run_with_timeout(self, coroutine, timeout: float = 1):
        return asyncio.get_event_loop().run_until_complete(asyncio.wait_for(coroutine, timeout))

    # TODO({{ cookiecutter.connector_name }}): the exchange's signature: algorithm, what is signed, hex or base64.
    def _expected_signature(self, params: Dict[str, Any]) -> str:
        return hmac.new(self._secret.encode("utf-8"), urlencode(params).encode("utf-8"), hashlib.sha256).hexdigest()

    def _expected_headers(self) -> Dict[str, str]:
        headers = {CONSTANTS.API_KEY_HEADER: self._api_key}
{%- for credential in extra_credentials %}
        headers[CONSTANTS.{{ credential | upper }}_HEADER] = self._{{ credential }}
{%- endfor %}
        return headers

    def test_rest_authenticate(self):
        params = {
            "symbol": "LTCBTC",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": 1,
            "price": "0.1",
        }
        request = RESTRequest(method=RESTMethod.GET, params=dict(params), is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.rest_authenticate(request))

        expected_params = dict(params, timestamp=int(self._now * 1e3))
        self.assertEqual(int(self._now * 1e3), configured_request.params["timestamp"])
        self.assertEqual(self._expected_signature(expected_params), configured_request.params["signature"])
        self.assertEqual(self._expected_headers(), configured_request.headers)

    def test_rest_authenticate_signs_post_body(self):
        body = {"symbol": "LTCBTC", "side": "SELL"}
        request = RESTRequest(method=RESTMethod.POST, data=json.dumps(body), is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.rest_authenticate(request))

        expected_body = dict(body, timestamp=int(self._now * 1e3))
        self.assertEqual(self._expected_signature(expected_body), configured_request.data["signature"])
        self.assertEqual(int(self._now * 1e3), configured_request.data["timestamp"])
        self.assertIsNone(configured_request.params)

    def test_rest_authenticate_keeps_existing_headers(self):
        request = RESTRequest(method=RESTMethod.GET, params={}, headers={"Content-Type": "application/json"},
                              is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.rest_authenticate(request))

        self.assertEqual("application/json", configured_request.headers["Content-Type"])
        self.assertEqual(self._api_key, configured_request.headers[CONSTANTS.API_KEY_HEADER])

    def test_signature_changes_with_the_secret(self):
        other_auth = self._make_auth("anotherSecret")
        params = {"symbol": "LTCBTC"}

        self.assertNotEqual(self.auth.add_auth_to_params(dict(params))["signature"],
                            other_auth.add_auth_to_params(dict(params))["signature"])

    def test_ws_authenticate_passes_request_through(self):
        request = WSJSONRequest(payload={"method": "SUBSCRIBE"}, is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.ws_authenticate(request))

        self.assertIs(request, configured_request)
        self.assertEqual({"method": "SUBSCRIBE"}, configured_request.payload)
{%- for credential in extra_credentials %}

    def test_{{ credential }}_is_sent_with_private_requests(self):
        request = RESTRequest(method=RESTMethod.GET, params={}, is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.rest_authenticate(request))

        self.assertEqual(self._{{ credential }}, configured_request.headers[CONSTANTS.{{ credential | upper }}_HEADER])
{%- endfor %}{%- include shape("user_stream", "test_auth.tests") %}
