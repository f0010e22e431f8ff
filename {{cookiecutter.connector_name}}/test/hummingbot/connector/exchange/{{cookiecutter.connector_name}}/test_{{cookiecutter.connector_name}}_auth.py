{%- from "python_imports.j2" import from_import -%}
{%- include shape("auth_scheme", "test_auth.first_imports") %}

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS"]) }}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_auth", [cookiecutter.__class_prefix ~ "Auth"]) }}
from hummingbot.core.web_assistant.connections.data_types import RESTMethod, RESTRequest, WSJSONRequest
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) %}


class {{ cookiecutter.__class_prefix }}AuthTests(TestCase):

    def setUp(self) -> None:
        self._api_key = "testApiKey"
{%- include shape("auth_scheme", "test_auth.secret") %}
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
{%- include shape("auth_scheme", "test_auth.scheme_tests") %}

    def test_ws_authenticate_passes_request_through(self):
        request = WSJSONRequest(payload={"method": "SUBSCRIBE"}, is_auth_required=True)
        configured_request = self.async_run_with_timeout(self.auth.ws_authenticate(request))

        self.assertIs(request, configured_request)
        self.assertEqual({"method": "SUBSCRIBE"}, configured_request.payload)
{%- for credential in extra_credentials %}

    def test_{{ credential }}_is_sent_with_private_requests(self):
{%- include shape("auth_scheme", "test_auth.credential_request") %}
        configured_request = self.async_run_with_timeout(self.auth.rest_authenticate(request))

        self.assertEqual(self._{{ credential }}, configured_request.headers[CONSTANTS.{{ credential | upper }}_HEADER])
{%- endfor %}{%- include shape("user_stream", "test_auth.tests") %}
