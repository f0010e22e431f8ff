"""
End to end: a rendered connector against a loopback exchange over real sockets (127.0.0.1 only).

Each test renders a connector (once per variant), copies the loopback exchange and the scenario module
(connector_scenarios.py) into the workspace, and runs one scenario there with the workspace's own pytest, so the
workspace's conftest.py makes the connector importable and discoverable exactly as for its unit tests. Bounded:
each scenario runs under asyncio.wait_for (45 s) inside pytest-timeout (60 s, the workspace's setup.cfg), and the
subprocess itself is killed after 90 s.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import shutil
import time
from pathlib import Path
from typing import Dict
from urllib.parse import urlencode

import aiohttp
import pytest

from loopback_exchange import LoopbackExchange
from rendering import render, run_in_workspace

E2E_DIR = Path(__file__).resolve().parent
SCENARIOS = "e2e_loopback/test_connector_scenarios.py"
SUBPROCESS_TIMEOUT = 90

VARIANTS: Dict[str, dict] = {
    "default": {},
    # Binance today: the user stream is a signed subscription on the websocket API; a multi-word name and an extra
    # credential on top.
    "ws_api": {"connector_name": "acme_pro", "user_stream": "ws_api", "extra_api_keys": "passphrase"},
    "local_time": {"time_synchronizer": False},
    # Each auth scheme signing in headers, with the user stream whose private requests it signs (the listen key calls,
    # or the websocket API's login) and the secret field's other name.
    "base64_headers": {"auth_scheme": "hmac_sha256_base64_headers", "api_secret_field": "secret_key"},
    "hex_headers": {"auth_scheme": "hmac_sha256_hex_headers", "user_stream": "ws_api", "time_synchronizer": False},
    "sha512_headers": {"auth_scheme": "hmac_sha512_headers", "user_stream": "ws_api", "extra_api_keys": "memo"},
    # Backpack's Ed25519 signatures with each user stream: the listen key calls, and the websocket API subscription's
    # signature array.
    "ed25519": {"auth_scheme": "ed25519"},
    "ed25519_ws_api": {"auth_scheme": "ed25519", "user_stream": "ws_api", "time_synchronizer": False,
                       "api_secret_field": "secret_key", "extra_api_keys": "memo"},
    # Each order book source other than Binance's: Bybit's pushed snapshot and deltas, BitMart's whole books.
    "ws_snapshot_delta": {"order_book_source": "ws_snapshot_delta"},
    "ws_full_book": {"connector_name": "acme_pro", "order_book_source": "ws_full_book"},
    # The ws_ping shapes: the connector's own pings (with each user stream), and the exchange's pings answered.
    "client_ping": {"ws_ping": "client_ping"},
    "client_ping_ws_api": {"connector_name": "acme_pro", "ws_ping": "client_ping", "user_stream": "ws_api",
                           "auth_scheme": "hmac_sha256_base64_headers"},
    "server_ping": {"ws_ping": "server_ping"},
    "server_ping_ws_api": {"ws_ping": "server_ping", "user_stream": "ws_api", "time_synchronizer": False},
    # The other private streams, each with the auth scheme of the exchange it follows: OKX's login, Gate.io's signed
    # channel subscriptions, KuCoin's REST token (signed here by Binance's scheme: the token call's body is signed).
    "ws_login": {"connector_name": "acme_pro", "auth_scheme": "hmac_sha256_base64_headers", "user_stream": "ws_login"},
    "signed_subscribe": {"auth_scheme": "hmac_sha512_headers", "user_stream": "signed_subscribe",
                         "time_synchronizer": False},
    "rest_token": {"user_stream": "rest_token", "extra_api_keys": "passphrase"},
    # Backpack's Ed25519 signature of each channel's subscription.
    "ed25519_signed_subscribe": {"auth_scheme": "ed25519", "user_stream": "signed_subscribe"},
    # Each compression on both websockets: gzip with the websocket API user stream, BitMart's raw deflate with its
    # whole-book order book.
    "gzip": {"ws_compression": "gzip", "user_stream": "ws_api"},
    "deflate": {"ws_compression": "deflate", "order_book_source": "ws_full_book", "time_synchronizer": False},
}
COMPRESSED_VARIANTS = ["gzip", "deflate"]
# The user streams other than listen_key and ws_api: each has the order, balance and reconnection scenarios.
LATER_USER_STREAM_VARIANTS = ["ws_login", "signed_subscribe", "rest_token"]
# The answers the loopback exchange follows (written beside the scenarios as shape.json).
SHAPE_ANSWERS = ("auth_scheme", "user_stream", "order_book_source", "ws_compression")
# The schemes other than Binance's: each signs in headers.
HEADER_SCHEME_VARIANTS = ["base64_headers", "hex_headers", "sha512_headers", "ed25519", "ed25519_ws_api"]

# Each ws_ping shape with each user stream.
WS_PING_VARIANTS = ["client_ping", "client_ping_ws_api", "server_ping", "server_ping_ws_api"]

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(SUBPROCESS_TIMEOUT + 60)]

_workspaces: Dict[str, Path] = {}


def install_scenarios(workspace: Path, answers: dict) -> Path:
    target = workspace / "e2e_loopback"
    target.mkdir(exist_ok=True)
    # The loopback exchange speaks the render's shape (connector_scenarios.SHAPE).
    (target / "shape.json").write_text(json.dumps({answer: answers[answer] for answer in SHAPE_ANSWERS
                                                   if answer in answers}))
    shutil.copyfile(E2E_DIR / "loopback_exchange.py", target / "loopback_exchange.py")
    shutil.copyfile(E2E_DIR / "connector_scenarios.py", target / "test_connector_scenarios.py")
    return workspace


@pytest.fixture
def workspace(request, tmp_path_factory) -> Path:
    variant = request.param
    if variant not in _workspaces:
        rendered = render(tmp_path_factory.mktemp(f"e2e-{variant}") / "out", **VARIANTS[variant])
        _workspaces[variant] = install_scenarios(rendered, VARIANTS[variant])
    return _workspaces[variant]


def run_scenario(workspace: Path, scenario: str):
    result = run_in_workspace(workspace, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:warnings",
                              "-o", "timeout=60", f"{SCENARIOS}::{scenario}", timeout=SUBPROCESS_TIMEOUT)
    assert result.returncode == 0 and "1 passed" in result.stdout, (
        f"scenario {scenario} failed in {workspace}:\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}")


def scenario_cases(*pairs):
    return pytest.mark.parametrize("workspace, scenario", [pytest.param(variant, scenario, id=variant)
                                                           for variant, scenario in pairs], indirect=["workspace"])


@scenario_cases(("default", "test_start_network_loads_trading_rules_pairs_balances_and_prices"),
                ("ws_api", "test_start_network_loads_trading_rules_pairs_balances_and_prices"),
                ("local_time", "test_start_network_loads_trading_rules_pairs_balances_and_prices"),
                *((variant, "test_start_network_loads_trading_rules_pairs_balances_and_prices")
                  for variant in HEADER_SCHEME_VARIANTS + COMPRESSED_VARIANTS))
def test_start_network_loads_trading_rules_pairs_and_balances(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(*((variant, "test_order_book_from_snapshot_and_diffs_equals_server_book")
                  for variant in ["default", "gzip"]))
def test_order_book_built_from_snapshot_and_diffs_equals_the_server_book(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(*((variant, "test_order_book_equals_server_book_after_a_gap_and_a_dropped_connection")
                  for variant in ("default", "ws_snapshot_delta", "ws_full_book", "deflate")))
def test_order_book_equals_the_server_book_after_a_gap_and_a_dropped_connection(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_limit_buy_acknowledged_then_filled_through_user_stream"),
                ("ws_api", "test_limit_buy_acknowledged_then_filled_through_user_stream"),
                ("local_time", "test_limit_buy_acknowledged_then_filled_through_user_stream"),
                *((variant, "test_limit_buy_acknowledged_then_filled_through_user_stream")
                  for variant in HEADER_SCHEME_VARIANTS + LATER_USER_STREAM_VARIANTS + ["ed25519_signed_subscribe"]
                  + COMPRESSED_VARIANTS))
def test_limit_order_is_acknowledged_and_filled_through_the_user_stream(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_cancel_of_an_open_order"),
                *((variant, "test_cancel_of_an_open_order") for variant in HEADER_SCHEME_VARIANTS))
def test_open_order_is_cancelled(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_dropped_websockets_reconnect_and_resubscribe"),
                ("ws_api", "test_dropped_websockets_reconnect_and_resubscribe"),
                *((variant, "test_dropped_websockets_reconnect_and_resubscribe")
                  for variant in WS_PING_VARIANTS + LATER_USER_STREAM_VARIANTS + COMPRESSED_VARIANTS))
def test_dropped_websockets_reconnect_and_resubscribe(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_too_many_requests_answer_fails_the_order_and_the_connector_goes_on"))
def test_too_many_requests_answer_is_handled(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_timestamp_error_answer"),
                ("local_time", "test_timestamp_error_answer"))
def test_timestamp_error_answer_is_handled(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(*((variant, "test_requests_signed_with_a_wrong_secret_are_rejected")
                  for variant in ["default", *HEADER_SCHEME_VARIANTS]))
def test_requests_signed_with_a_wrong_secret_are_rejected(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("default", "test_signed_requests_follow_a_skewed_server_clock"),
                ("base64_headers", "test_signed_requests_follow_a_skewed_server_clock"),
                ("ed25519", "test_signed_requests_follow_a_skewed_server_clock"))
def test_signed_requests_follow_a_skewed_server_clock(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


# ---------------------------------------------------------------------------------------------------- the server
def test_loopback_exchange_checks_signatures_and_answers_like_the_exchange():
    """The checks the scenarios rely on: a wrong HMAC is refused 401, a right one passes, the hooks answer once."""
    def signed(params: dict, secret: str) -> dict:
        params = dict(params, timestamp=int(time.time() * 1e3))
        params["signature"] = hmac.new(secret.encode(), urlencode(params).encode(), hashlib.sha256).hexdigest()
        return params

    async def scenario():
        server = LoopbackExchange()
        await server.start()
        headers = {"X-MBX-APIKEY": server.api_key}
        account_url = f"{server.rest_url}v3/account"
        try:
            async with aiohttp.ClientSession() as session:
                async with session.get(account_url, params=signed({}, server.api_secret), headers=headers) as answer:
                    assert answer.status == 200 and "balances" in await answer.json()
                async with session.get(account_url, params=signed({}, "not-the-secret"), headers=headers) as answer:
                    assert answer.status == 401
                    assert await answer.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
                order = signed({"symbol": "COINALPHAHBOT", "side": "BUY", "type": "LIMIT", "quantity": "1",
                                "price": "99", "timeInForce": "GTC", "newClientOrderId": "e2e-1"}, server.api_secret)
                order["price"] = "98"  # tampered after signing
                async with session.post(f"{server.rest_url}v3/order", data=order, headers=headers) as answer:
                    assert answer.status == 401 and server.order_by_client_id("e2e-1") is None

                server.answer_next_signed_request_with_timestamp_error()
                async with session.get(account_url, params=signed({}, server.api_secret), headers=headers) as answer:
                    assert answer.status == 400 and (await answer.json())["code"] == -1021
                server.answer_next_request_with_429()
                async with session.get(f"{server.rest_url}v3/ping") as answer:
                    assert answer.status == 429 and (await answer.json())["code"] == -1003
                async with session.get(f"{server.rest_url}v3/ping") as answer:
                    assert answer.status == 200

                async with session.ws_connect(server.wss_api_url) as ws:
                    params = {"apiKey": server.api_key, "timestamp": int(time.time() * 1e3)}
                    await ws.send_json({"id": "1", "method": "userDataStream.subscribe.signature",
                                        "params": dict(params, signature="0" * 64)})
                    assert (await ws.receive_json(timeout=5))["status"] == 401
                    await ws.send_json({"id": "2", "method": "userDataStream.subscribe.signature",
                                        "params": dict(params, signature=server.ws_signature(params))})
                    assert (await ws.receive_json(timeout=5))["result"] == {"subscriptionId": 0}
        finally:
            await server.stop()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_loopback_exchange_verifies_ed25519_signatures_with_the_public_key():
    """With ed25519 the API key is the public key: a signature by its private key passes, any other is refused 401."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    def headers(server: LoopbackExchange, seed: str, signing_string: str, timestamp: int) -> dict:
        signature = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed)).sign(signing_string.encode())
        return {"X-API-Key": server.api_key, "X-Timestamp": str(timestamp), "X-Window": "5000",
                "X-Signature": base64.b64encode(signature).decode()}

    async def scenario():
        server = LoopbackExchange(auth_scheme="ed25519")
        await server.start()
        wrong_seed = server.a_wrong_secret()
        assert wrong_seed != server.api_secret and len(base64.b64decode(wrong_seed)) == 32
        try:
            async with aiohttp.ClientSession() as session:
                timestamp = int(time.time() * 1e3)
                signed = f"instruction=balanceQuery&timestamp={timestamp}&window=5000"
                account_url = f"{server.rest_url}v3/account"
                async with session.get(account_url, headers=headers(server, server.api_secret, signed, timestamp)) \
                        as answer:
                    assert answer.status == 200 and "balances" in await answer.json()
                async with session.get(account_url, headers=headers(server, wrong_seed, signed, timestamp)) as answer:
                    assert answer.status == 401
                    assert await answer.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
                order = {"symbol": "COINALPHAHBOT", "side": "BUY", "type": "LIMIT", "quantity": "1", "price": "99",
                         "timeInForce": "GTC", "newClientOrderId": "e2e-1"}
                fields = [f"{key}={value}" for key, value in sorted(order.items())]
                signed = "&".join(["instruction=orderExecute", *fields, f"timestamp={timestamp}", "window=5000"])
                order["price"] = "98"  # tampered after signing
                async with session.post(f"{server.rest_url}v3/order", data=json.dumps(order),
                                        headers=headers(server, server.api_secret, signed, timestamp)) as answer:
                    assert answer.status == 401 and server.order_by_client_id("e2e-1") is None

                async with session.ws_connect(server.wss_api_url) as ws:
                    subscribe = f"instruction=subscribe&timestamp={timestamp}&window=5000"
                    for request_id, seed, status in (("1", wrong_seed, 401), ("2", server.api_secret, 200)):
                        signature = headers(server, seed, subscribe, timestamp)["X-Signature"]
                        await ws.send_json({"id": request_id, "method": "userDataStream.subscribe.signature",
                                            "params": {"apiKey": server.api_key, "signature": [
                                                server.api_key, signature, str(timestamp), "5000"]}})
                        assert (await ws.receive_json(timeout=5))["status"] == status
        finally:
            await server.stop()

    asyncio.run(asyncio.wait_for(scenario(), 30))


@scenario_cases(("client_ping", "test_client_pings_keep_the_streams_and_a_missing_pong_reconnects"),
                ("client_ping_ws_api", "test_client_pings_keep_the_streams_and_a_missing_pong_reconnects"))
def test_client_pings_keep_the_streams_and_a_missing_pong_reconnects(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


@scenario_cases(("server_ping", "test_server_pings_are_answered_with_their_pongs"),
                ("server_ping_ws_api", "test_server_pings_are_answered_with_their_pongs"))
def test_server_pings_are_answered_with_their_pongs(workspace: Path, scenario: str):
    run_scenario(workspace, scenario)


def test_loopback_exchange_speaks_the_later_user_streams():
    """The login handshake, the signed channel subscriptions and the tokened websocket: a wrong signature is refused."""
    async def receive(ws) -> dict:
        return await ws.receive_json(timeout=5)

    async def scenario():
        server = LoopbackExchange()
        await server.start()
        try:
            async with aiohttp.ClientSession() as session:
                # ws_login: nothing before the login; a wrong signature refused; then the channels.
                async with session.ws_connect(server.wss_api_url) as ws:
                    await ws.send_json({"op": "subscribe", "args": [{"channel": "orders"}]})
                    assert (await receive(ws))["code"] == "60011"
                    login = {"apiKey": server.api_key, "timestamp": int(time.time() * 1e3)}
                    await ws.send_json({"op": "login", "args": [dict(login, signature="0" * 64)]})
                    assert (await receive(ws))["event"] == "error" and server.logins == 0
                    await ws.send_json({"op": "login", "args": [dict(login, signature=server.ws_signature(login))]})
                    assert await receive(ws) == {"event": "login", "code": "0", "msg": ""}
                    await ws.send_json({"op": "subscribe", "args": [{"channel": "orders"}, {"channel": "account"}]})
                    assert [(await receive(ws))["event"] for _ in range(2)] == ["subscribe", "subscribe"]
                    assert server.open_connections("ws_login") == 1
                    await server._send_balances(["HBOT"], 1)
                    pushed = await receive(ws)
                    assert pushed["arg"] == {"channel": "account"}
                    assert pushed["data"][0]["e"] == "outboundAccountPosition"

                # signed_subscribe: each channel's signature checked.
                async with session.ws_connect(server.wss_api_url) as ws:
                    now = int(time.time())
                    for channel, signature, error in (
                            ("spot.orders", "0" * 64, {"code": 2, "message": "Signature mismatch"}),
                            ("spot.orders", server.ws_channel_signature("spot.orders", "subscribe", now), None),
                            ("spot.balances", server.ws_channel_signature("spot.balances", "subscribe", now), None)):
                        await ws.send_json({"time": now, "channel": channel, "event": "subscribe",
                                            "auth": {"method": "api_key", "KEY": server.api_key, "SIGN": signature}})
                        assert (await receive(ws))["error"] == error
                    assert server.open_connections("signed_subscribe") == 1

                # rest_token: a signed POST gives the token; the websocket refuses any other.
                params = {"timestamp": int(time.time() * 1e3)}
                params["signature"] = hmac.new(server.api_secret.encode(), urlencode(params).encode(),
                                               hashlib.sha256).hexdigest()
                async with session.post(f"{server.rest_url}v3/bullet-private", data=params,
                                        headers={"X-MBX-APIKEY": server.api_key}) as answer:
                    bullet = (await answer.json())["data"]
                endpoint = bullet["instanceServers"][0]["endpoint"]
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    await session.ws_connect(f"{endpoint}?token=not-the-token")
                async with session.ws_connect(f"{endpoint}?token={bullet['token']}") as ws:
                    assert (await receive(ws))["type"] == "welcome"
                    await ws.send_json({"id": "1", "type": "subscribe", "topic": "/spotMarket/tradeOrders",
                                        "privateChannel": True, "response": True})
                    assert await receive(ws) == {"id": "1", "type": "ack"}
                    assert server.tokens_connected == [bullet["token"]]
        finally:
            await server.stop()

    asyncio.run(asyncio.wait_for(scenario(), 30))
