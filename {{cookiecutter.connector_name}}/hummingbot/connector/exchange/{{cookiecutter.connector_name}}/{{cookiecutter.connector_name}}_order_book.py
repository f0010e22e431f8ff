from typing import Dict, List, Optional

from hummingbot.core.data_type.common import TradeType
from hummingbot.core.data_type.order_book import OrderBook
from hummingbot.core.data_type.order_book_message import OrderBookMessage, OrderBookMessageType


class {{ cookiecutter.__class_prefix }}OrderBook(OrderBook):
{%- include shape("order_book_source", "order_book.message_builders") %}

    def restore_from_snapshot_and_diffs(self, snapshot: OrderBookMessage, diffs: List[OrderBookMessage]):
        """
        Rebuilds the book from a snapshot and replays only the diffs newer than it. hummingbot's OrderBook replays
        every diff the tracker kept (OrderBookMessage ordering puts a snapshot before any diff), which would take
        back levels a resynchronisation snapshot corrected.
        """
        super().restore_from_snapshot_and_diffs(
            snapshot, [diff for diff in diffs if diff.update_id > snapshot.update_id])

    @classmethod
    def trade_message_from_exchange(cls, msg: Dict[str, any], metadata: Optional[Dict] = None):
        """
        Creates a trade message with the information from the trade event sent by the exchange
        :param msg: the trade event details sent by the exchange
        :param metadata: a dictionary with extra information to add to trade message
        :return: a trade message with the details of the trade as provided by the exchange
        """
        if metadata:
            msg.update(metadata)
        ts = msg["E"]
        # "m" is true when the buyer is the maker, which makes the trade a sell from the taker's side.
        return OrderBookMessage(OrderBookMessageType.TRADE, {
            "trading_pair": msg["trading_pair"],
            "trade_type": float(TradeType.SELL.value) if msg["m"] else float(TradeType.BUY.value),
            "trade_id": msg["t"],
            "update_id": ts,
            "price": msg["p"],
            "amount": msg["q"]
        }, timestamp=ts * 1e-3)
