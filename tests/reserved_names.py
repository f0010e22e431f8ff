"""
The names an extra credential must not take, read from renders: every identifier in the rendered connector modules
and every attribute of the hummingbot classes the rendered exchange and auth classes extend (a credential becomes an
argument and a `self.<credential>` attribute there).

    python tests/reserved_names.py --write   # refresh spot_connector/reserved_names.txt (on purpose, after a change)
"""
import ast
import builtins
import sys
import tempfile
from pathlib import Path
from typing import Set

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rendering import CONNECTOR_DIR, render  # noqa: E402

from spot_connector.answers import (  # noqa: E402
    AUTH_SCHEME_CHOICES,
    IMPLIED_CREDENTIALS,
    ORDER_BOOK_SOURCE_CHOICES,
    RESERVED_NAMES_FILE,
    USER_STREAM_CHOICES,
    WS_COMPRESSION_CHOICES,
    WS_PING_CHOICES,
)

# One render per value of each prompt that changes which names the modules use (each auth scheme with the websocket
# API user stream, whose signing adds the most names).
NAME_SHAPING_ANSWERS = [
    {},
    {"user_stream": "ws_api", "time_synchronizer": False, "balance_channel": False},
    *({"user_stream": "ws_api", "auth_scheme": scheme} for scheme in AUTH_SCHEME_CHOICES[1:]),
    *({"order_book_source": source} for source in ORDER_BOOK_SOURCE_CHOICES[1:]),
    *({"ws_ping": ping} for ping in WS_PING_CHOICES[1:]),
    *({"ws_compression": compression} for compression in WS_COMPRESSION_CHOICES[1:]),
    {"broker_header_name": "X-Broker-Id", "broker_header_value": "hummingbot", "user_stream": "ws_api",
     "testnet_domain": "testnet", "testnet_rest_url": "https://api-testnet.acme.com/api/",
     "testnet_wss_url": "wss://stream-testnet.acme.com/ws", "testnet_wss_api_url": "wss://ws-api-testnet.acme.com/ws"},
    # The later user streams with each scheme: the login, the channel signature and the token call are signed by it.
    *({"user_stream": stream, "auth_scheme": scheme}
      for stream in USER_STREAM_CHOICES[2:] for scheme in AUTH_SCHEME_CHOICES),
]
# A credential a scheme implies (the passphrase of the OKX family) is a name its renders use, and one a user may still
# answer for another scheme: extra_credentials() keeps it once.
IMPLIED_NAMES = {name for names in IMPLIED_CREDENTIALS.values() for name in names}


def identifiers_in(source: str) -> Set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def base_class_attributes() -> Set[str]:
    from hummingbot.connector.exchange_py_base import ExchangePyBase
    from hummingbot.core.web_assistant.auth import AuthBase
    return set(dir(ExchangePyBase)) | set(dir(AuthBase))


def names_the_renders_use() -> Set[str]:
    names = base_class_attributes()
    with tempfile.TemporaryDirectory() as scratch:
        for number, answers in enumerate(NAME_SHAPING_ANSWERS):
            workspace = render(Path(scratch) / str(number), **answers)
            name = workspace.name
            for module in (workspace / CONNECTOR_DIR.format(name=name)).glob("*.py"):
                names |= identifiers_in(module.read_text())
    return ({name for name in names if name.isidentifier() and not name.startswith("__")} - set(dir(builtins))
            - IMPLIED_NAMES)


def reserved_names_listed() -> Set[str]:
    return {line.strip() for line in RESERVED_NAMES_FILE.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    header = "# Written by tests/reserved_names.py --write: names an extra credential must not take.\n"
    RESERVED_NAMES_FILE.write_text(header + "".join(f"{name}\n" for name in sorted(names_the_renders_use())))
