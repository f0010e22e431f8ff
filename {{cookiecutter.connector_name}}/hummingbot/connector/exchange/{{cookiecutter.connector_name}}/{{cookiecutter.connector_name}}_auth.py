{%- from "python_imports.j2" import from_import -%}
{%- include shape("auth_scheme", "auth.first_imports") %}

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_constants as CONSTANTS"]) }}
{%- include shape("time_synchronizer", "auth.hummingbot_imports") %}
from hummingbot.core.web_assistant.auth import AuthBase
{%- include shape("auth_scheme", "auth.data_types_import") %}
{%- set extra_credentials = cookiecutter.extra_api_keys | extra_credentials(cookiecutter.auth_scheme) %}


class {{ cookiecutter.__class_prefix }}Auth(AuthBase):
    """
{%- include shape("auth_scheme", "auth.class_docstring") %}
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
{%- include shape("auth_scheme", "auth.rest_authenticate") %}

    async def ws_authenticate(self, request: WSRequest) -> WSRequest:
        """
        Websocket requests are not signed one by one: the private stream is authenticated when it is opened
        (see the user stream data source).
        """
        return request  # pass-through
{%- include shape("auth_scheme", "auth.request_signing") %}

    def header_for_authentication(self) -> Dict[str, str]:
        headers = {CONSTANTS.API_KEY_HEADER: self.api_key}
{%- for credential in extra_credentials %}
        headers[CONSTANTS.{{ credential | upper }}_HEADER] = self.{{ credential }}
{%- endfor %}
        return headers{%- include shape("user_stream", "auth.methods") %}

    def _time(self) -> float:{%- include shape("time_synchronizer", "auth.time") %}
{%- include shape("auth_scheme", "auth.signature") %}
