{#- The module's first lines: this partial's lines are not preceded by a newline, so none comes before them. #}
{%- include shape("auth_scheme", "utils.first_imports") %}
{%- include shape("auth_scheme", "utils.pydantic_imports") %}

from hummingbot.client.config.config_data_types import BaseConnectorConfigMap
{%- include shape("auth_scheme", "utils.connector_imports") %}
from hummingbot.core.data_type.trade_fee import TradeFeeSchema

CENTRALIZED = True
EXAMPLE_PAIR = "{{ cookiecutter.example_trading_pair }}"

DEFAULT_FEES = TradeFeeSchema(
    maker_percent_fee_decimal=Decimal("{{ cookiecutter.maker_fee }}"),
    taker_percent_fee_decimal=Decimal("{{ cookiecutter.taker_fee }}"),
    buy_percent_fee_deducted_from_returns=True
)


def is_exchange_information_valid(exchange_info: Dict[str, Any]) -> bool:
    """
    Verifies if a trading pair is enabled to operate with based on its exchange information
    :param exchange_info: the exchange information for a trading pair
    :return: True if the trading pair is enabled, False otherwise
    """
    # TODO({{ cookiecutter.connector_name }}): the fields that say a symbol is a tradable spot market.
    is_trading = exchange_info.get("status", None) == "TRADING"
    is_spot = any("SPOT" in permission_set for permission_set in exchange_info.get("permissionSets", []))
    return is_trading and is_spot


class {{ cookiecutter.__class_prefix }}ConfigMap(BaseConnectorConfigMap):
    connector: str = "{{ cookiecutter.connector_name }}"
{%- for credential in cookiecutter.__api_credentials.split(",") %}
    {{ cookiecutter.connector_name }}_{{ credential }}: SecretStr = Field(
        default=...,
        json_schema_extra={
            "prompt": lambda cm: "Enter your {{ cookiecutter.__display_name }} {{ credential | replace('_', ' ') | replace('api ', 'API ') }}",
            "is_secure": True,
            "is_connect_key": True,
            "prompt_on_new": True,
        }
    )
{%- endfor %}
    model_config = ConfigDict(title="{{ cookiecutter.connector_name }}")
{%- include shape("auth_scheme", "utils.config_validators") %}


KEYS = {{ cookiecutter.__class_prefix }}ConfigMap.model_construct()
{%- include shape("testnet_domain", "utils.other_domains") %}
