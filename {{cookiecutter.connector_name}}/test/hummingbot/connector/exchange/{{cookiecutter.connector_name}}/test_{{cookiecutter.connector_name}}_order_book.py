{%- from "python_imports.j2" import from_import -%}
from unittest import TestCase

{{ from_import("hummingbot.connector.exchange." ~ cookiecutter.connector_name ~ "." ~ cookiecutter.connector_name ~ "_order_book", [cookiecutter.__class_prefix ~ "OrderBook"]) }}
from hummingbot.core.data_type.common import TradeType
from hummingbot.core.data_type.order_book import OrderBook
from hummingbot.core.data_type.order_book_message import OrderBookMessageType


class {{ cookiecutter.__class_prefix }}OrderBookTests(TestCase):
{%- include shape("order_book_source", "test_order_book.tests") %}

    def test_trade_message_from_exchange(self):
        trade_update = {"e": "trade", "E": 1234567890123, "s": "COINALPHAHBOT", "t": 12345, "p": "0.001",
                        "q": "100", "b": 88, "a": 50, "T": 123456785, "m": True, "M": True}

        trade_message = {{ cookiecutter.__class_prefix }}OrderBook.trade_message_from_exchange(
            msg=trade_update,
            metadata={"trading_pair": "COINALPHA-HBOT"}
        )

        self.assertEqual("COINALPHA-HBOT", trade_message.trading_pair)
        self.assertEqual(OrderBookMessageType.TRADE, trade_message.type)
        self.assertEqual(1234567890.123, trade_message.timestamp)
        self.assertEqual(-1, trade_message.update_id)
        self.assertEqual(-1, trade_message.first_update_id)
        self.assertEqual(12345, trade_message.trade_id)
        self.assertEqual(float(TradeType.SELL.value), trade_message.content["trade_type"])

    def test_trade_by_the_taking_buyer_is_a_buy(self):
        trade_message = {{ cookiecutter.__class_prefix }}OrderBook.trade_message_from_exchange(
            msg={"E": 1234567890123, "s": "COINALPHAHBOT", "t": 1, "p": "1", "q": "2", "m": False},
            metadata={"trading_pair": "COINALPHA-HBOT"})

        self.assertEqual(float(TradeType.BUY.value), trade_message.content["trade_type"])
