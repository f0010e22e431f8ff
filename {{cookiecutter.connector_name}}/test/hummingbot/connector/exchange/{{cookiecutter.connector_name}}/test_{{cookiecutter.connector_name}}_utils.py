{%- from "python_imports.j2" import from_import -%}
{%- include shape("auth_scheme", "test_utils.first_imports") %}
{%- include shape("auth_scheme", "test_utils.pydantic_imports") %}

{%- include shape("testnet_domain", "test_utils.imports") %}
{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name, [cookiecutter.connector_name ~ "_utils as utils"]) }}


class {{ cookiecutter.__class_prefix }}UtilTestCases(unittest.TestCase):

    # TODO({{ cookiecutter.connector_name }}): symbol entries in the exchange's shape (status and permission fields).
    def test_is_exchange_information_valid(self):
        self.assertFalse(utils.is_exchange_information_valid({"status": "BREAK", "permissionSets": [["MARGIN"]]}))
        self.assertFalse(utils.is_exchange_information_valid({"status": "BREAK", "permissionSets": [["SPOT"]]}))
        self.assertFalse(utils.is_exchange_information_valid({"status": "TRADING", "permissionSets": [["MARGIN"]]}))
        self.assertFalse(utils.is_exchange_information_valid({"status": "TRADING"}))
        self.assertTrue(utils.is_exchange_information_valid({"status": "TRADING", "permissionSets": [["SPOT"]]}))
        self.assertTrue(utils.is_exchange_information_valid(
            {"status": "TRADING", "permissionSets": [["MARGIN"], ["TRD_GRP_002", "SPOT"]]}))

    def test_default_fees(self):
        self.assertEqual(Decimal("{{ cookiecutter.maker_fee }}"), utils.DEFAULT_FEES.maker_percent_fee_decimal)
        self.assertEqual(Decimal("{{ cookiecutter.taker_fee }}"), utils.DEFAULT_FEES.taker_percent_fee_decimal)
        self.assertTrue(utils.DEFAULT_FEES.buy_percent_fee_deducted_from_returns)

    def test_example_pair_is_a_hummingbot_trading_pair(self):
        base, quote = utils.EXAMPLE_PAIR.split("-")
        self.assertTrue(base and quote)
        self.assertTrue(utils.CENTRALIZED)

    def test_keys_declare_every_credential_as_a_secure_connect_key(self):
        expected_fields = [
{%- for credential in cookiecutter.__api_credentials.split(",") %}
            "{{ cookiecutter.connector_name }}_{{ credential }}",
{%- endfor %}
        ]
        config_map = utils.KEYS
        self.assertEqual("{{ cookiecutter.connector_name }}", config_map.connector)
        for field_name in expected_fields:
            field = type(config_map).model_fields[field_name]
            self.assertEqual(SecretStr, field.annotation)
            extra = field.json_schema_extra
            self.assertTrue(extra["is_secure"])
            self.assertTrue(extra["is_connect_key"])
            self.assertTrue(extra["prompt_on_new"])
            self.assertIn("{{ cookiecutter.__display_name }}", extra["prompt"](config_map))
        self.assertEqual(expected_fields, [name for name in type(config_map).model_fields if name != "connector"])
{%- include shape("auth_scheme", "test_utils.scheme_tests") %}
{%- include shape("testnet_domain", "test_utils.tests") %}
