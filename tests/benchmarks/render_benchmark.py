"""
Benchmarks of the template, measured in one run (`make benchmark`; not a test):

(a) render time of the full default template next to cookiecutter's floor: a template generated on the fly with the
    same cookiecutter.json and the same file paths, tiny contents and no hooks. Each render is the `cookiecutter
    --no-input` command as a user runs it (process start, hooks and all). Median of N renders each; the ratio.
(b) the rendered suite's time per test: the default render's own pytest run once, wall time / number of tests; then
    per shape (every combination of the shape answers, tests/golden_renders.py's VARIANTS): the suite's time per test
    and its line coverage of the connector package (a second run, under coverage with the workspace's .coveragerc).
(c) order book diff messages per second through the rendered connector's parse-and-apply path
    (<Prefix>APIOrderBookDataSource._parse_order_book_diff_message -> OrderBook.apply_diffs, the path the order book
    tracker runs) next to hummingbot's own Binance connector on the same messages; the ratio (target >= 0.95).

Usage: python tests/benchmarks/render_benchmark.py [--runs N] [--messages M] [--rounds R] [--no-shapes] [--write-docs]
"""
import argparse
import asyncio
import copy
import gc
import gzip
import importlib
import importlib.util
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

TESTS_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS_DIR))
sys.path.insert(0, str(TESTS_DIR.parent))  # the template's own tooling (spot_connector), which rendering imports

from golden_renders import VARIANTS, variant_id  # noqa: E402
from rendering import (  # noqa: E402
    DEFAULT_CONNECTOR_NAME,
    TEMPLATE_ROOT,
    _isolated_cookiecutter_config,
    clean_template,
    MIN_LINE_COVERAGE,
    render as render_template,
    run_rendered_suite,
)

from spot_connector.answers import ORDER_BOOK_SOURCE_CHOICES, holds_template_syntax, rendered_defaults  # noqa: E402

DOCS_PAGE = TEMPLATE_ROOT / "docs" / "benchmarks.md"
SYMBOL = "COINALPHAHBOT"
PAIR = "COINALPHA-HBOT"
TARGET_RATIO = 0.95
DEFAULT_SOURCE, SNAPSHOT_DELTA, FULL_BOOK = ORDER_BOOK_SOURCE_CHOICES
# One render per order_book_source value, each under its own connector name: all of them load side by side with
# hummingbot's Binance connector in one process (the default's is the default render).
SOURCE_CONNECTOR_NAMES = {DEFAULT_SOURCE: DEFAULT_CONNECTOR_NAME, SNAPSHOT_DELTA: "acme_delta", FULL_BOOK: "acme_full"}
FULL_BOOK_DEPTH = 50


# ---------------------------------------------------------------------------------------------------- (a) render
def floor_template(template: Path, folder: Path) -> Tuple[Path, int]:
    """Plain cookiecutter's floor: the template's prompts and file paths, tiny contents, no hooks."""
    floor = folder / "floor-template"
    floor.mkdir(parents=True)
    # The prompts without the template's own machinery: its Jinja extension (which checks the answers) and the
    # values derived through that extension's filters are the template's cost, not cookiecutter's.
    prompts = json.loads((template / "cookiecutter.json").read_text())
    floor_prompts = {key: value for key, value in prompts.items()
                     if key != "_extensions" and not (key.startswith("__") and key != "__prompts__")}
    # Defaults derived from the name go through those filters too: the floor takes them already rendered.
    rendered = rendered_defaults()
    floor_prompts.update({key: rendered[key] for key, value in floor_prompts.items()
                          if isinstance(value, str) and holds_template_syntax(value)})
    (floor / "cookiecutter.json").write_text(json.dumps(floor_prompts, indent=2))
    files = 0
    for source in sorted(template.glob("{{cookiecutter.connector_name}}/**/*")):
        if source.is_file():
            target = floor / source.relative_to(template)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x\n")
            files += 1
    return floor, files


def template_file_count(template: Path) -> int:
    return sum(1 for path in template.glob("{{cookiecutter.connector_name}}/**/*") if path.is_file())


def time_renders(template: Path, work: Path, runs: int) -> List[float]:
    """Wall time of `cookiecutter --no-input` as a user runs it: the command, its hooks and its process start."""
    config_file = _isolated_cookiecutter_config(work)
    command = str(Path(sys.executable).parent / "cookiecutter")
    timings = []
    for run in range(runs):
        output = work / f"render-{run}"
        started = time.perf_counter()
        subprocess.run([command, "--no-input", "--config-file", str(config_file), "--output-dir", str(output),
                        str(template)], check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
        shutil.rmtree(output)
    return timings


def benchmark_render(runs: int) -> Dict[str, Any]:
    template = clean_template()
    with tempfile.TemporaryDirectory(prefix="render-benchmark-") as folder:
        work = Path(folder)
        floor, floor_files = floor_template(template, work)
        # Interleaved so both see the same machine state; the first render of each warms caches and is discarded.
        time_renders(template, work / "warm-template", 1)
        time_renders(floor, work / "warm-floor", 1)
        template_times, floor_times = [], []
        for run in range(runs):
            template_times += time_renders(template, work / f"template-{run}", 1)
            floor_times += time_renders(floor, work / f"floor-{run}", 1)
    template_median, floor_median = statistics.median(template_times), statistics.median(floor_times)
    return {"files": template_file_count(template), "floor_files": floor_files, "runs": runs,
            "template_s": template_median, "floor_s": floor_median, "ratio": template_median / floor_median}


# ---------------------------------------------------------------------------------------------------- (b) suite
def benchmark_suite(workspace: Path) -> Dict[str, Any]:
    started = time.perf_counter()
    counts = run_rendered_suite(workspace)
    wall = time.perf_counter() - started
    tests = counts["passed"] + counts["failed"] + counts["errors"] + counts["skipped"]
    return {"wall_s": wall, "tests": tests, "passed": counts["passed"], "failed": counts["failed"] + counts["errors"],
            "per_test_ms": wall / tests * 1e3 if tests else float("nan"), "output": counts["output"]}


def benchmark_shapes(folder: Path) -> List[Dict[str, Any]]:
    """Each shape combination: its suite's time per test (a plain run) and its line coverage (a run under coverage)."""
    shapes = []
    for answers in VARIANTS:
        workspace = render_template(folder / variant_id(answers), **answers)
        timing = benchmark_suite(workspace)
        covered = run_rendered_suite(workspace, coverage=True)
        shapes.append({"shape": variant_id(answers), "tests": timing["tests"], "failed": timing["failed"],
                       "wall_s": timing["wall_s"], "per_test_ms": timing["per_test_ms"],
                       "line_coverage": covered["line_coverage"], "covered_lines": covered["covered_lines"],
                       "statements": covered["statements"]})
        print(f"    {shapes[-1]['shape']}: {timing['tests']} tests, {timing['per_test_ms']:.0f} ms per test, "
              f"{covered['line_coverage']:.2f}% line coverage", flush=True)
    return shapes


def shapes_table(shapes: List[Dict[str, Any]]) -> str:
    header = ("Shape (time sync, user stream, extra keys, balance)", "Tests", "Suite", "Per test", "Line coverage")
    rows = [(shape["shape"], str(shape["tests"]) + ("" if not shape["failed"] else f" ({shape['failed']} failed)"),
             f"{shape['wall_s']:.1f} s", f"{shape['per_test_ms']:.0f} ms",
             f"{shape['line_coverage']:.2f}% ({shape['covered_lines']}/{shape['statements']})") for shape in shapes]
    return markdown_table(header, rows)


def markdown_table(header: Tuple[str, ...], rows: List[Tuple[str, ...]]) -> str:
    widths = [max(len(row[column]) for row in rows + [header]) for column in range(len(header))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths)) + " |",
             "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    lines += ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- (c) diffs
def diff_messages(count: int, seed: int = 11) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """A snapshot and `count` depthUpdate events as the exchange streams them (absolute amounts, 0 removes)."""
    rng = random.Random(seed)
    snapshot = {"lastUpdateId": 1000,
                "bids": [[f"{100 - level * 0.01:.8f}", f"{rng.randint(1, 900) / 10:.8f}"] for level in range(1, 200)],
                "asks": [[f"{100 + level * 0.01:.8f}", f"{rng.randint(1, 900) / 10:.8f}"] for level in range(1, 200)]}
    messages, update_id = [], 1000
    for _ in range(count):
        def levels(sign: int) -> List[List[str]]:
            return [[f"{100 + sign * rng.randint(1, 250) * 0.01:.8f}",
                     "0.00000000" if rng.random() < 0.3 else f"{rng.randint(1, 900) / 10:.8f}"]
                    for _ in range(rng.randint(1, 6))]
        messages.append({"e": "depthUpdate", "E": 1700000000000 + update_id, "s": SYMBOL, "U": update_id + 1,
                         "u": update_id + 2, "b": levels(-1), "a": levels(1)})
        update_id += 2
    return snapshot, messages


def source_messages(source: str, snapshot: Dict[str, Any],
                    messages: List[Dict[str, Any]]) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """
    The same market in another order book source's shape: the REST snapshot as that source's exchange answers it, and
    the same level changes as Bybit-like deltas (one update id each) or, for BitMart-like full books, the whole book
    at FULL_BOOK_DEPTH after each change.
    """
    if source == DEFAULT_SOURCE:
        return snapshot, messages
    first_id = snapshot["lastUpdateId"]
    if source == SNAPSHOT_DELTA:
        return ({"retCode": 0, "result": {"s": SYMBOL, "b": snapshot["bids"], "a": snapshot["asks"], "u": first_id,
                                          "seq": first_id, "ts": 1700000000000}},
                [{"topic": f"orderbook.200.{SYMBOL}", "type": "delta", "ts": message["E"],
                  "data": {"s": SYMBOL, "b": message["b"], "a": message["a"], "u": first_id + number,
                           "seq": first_id + number}}
                 for number, message in enumerate(messages, start=1)])
    book = {"bids": {float(price): amount for price, amount in snapshot["bids"]},
            "asks": {float(price): amount for price, amount in snapshot["asks"]}}
    books = []
    for number, message in enumerate(messages, start=1):
        for side, key in (("bids", "b"), ("asks", "a")):
            for price, amount in message[key]:
                if float(amount) == 0:
                    book[side].pop(float(price), None)
                else:
                    book[side][float(price)] = amount
        levels = {side: [[f"{price:.8f}", book[side][price]]
                         for price in sorted(book[side], reverse=side == "bids")[:FULL_BOOK_DEPTH]]
                  for side in ("bids", "asks")}
        books.append({"table": "spot/depth50", "data": [{"symbol": SYMBOL, "ms_t": first_id + number, **levels}]})
    return {"code": 1000, "data": {"ts": str(first_id), "symbol": SYMBOL, "bids": snapshot["bids"],
                                   "asks": snapshot["asks"]}}, books


def load_workspace_connector(workspace: Path, name: str):
    """Makes the rendered connector importable (the workspace's conftest does it, as for its tests)."""
    spec = importlib.util.spec_from_file_location("workspace_conftest", workspace / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prefix = "".join(part.capitalize() for part in name.split("_"))
    exchange_module = importlib.import_module(f"hummingbot.connector.exchange.{name}.{name}_exchange")
    order_book_module = importlib.import_module(f"hummingbot.connector.exchange.{name}.{name}_order_book")
    return getattr(exchange_module, f"{prefix}Exchange"), getattr(order_book_module, f"{prefix}OrderBook")


def make_exchange(exchange_class, name: str):
    from bidict import bidict
    exchange = exchange_class(**{f"{name}_api_key": "key", f"{name}_api_secret": "secret"},
                              trading_pairs=[PAIR], trading_required=False)
    exchange._set_trading_pair_symbol_map(bidict({SYMBOL: PAIR}))
    return exchange


async def diffs_per_second(exchange, order_book_class, snapshot: Dict[str, Any],
                           messages: List[Any], full_books: bool = False,
                           decode: Optional[Callable[[bytes], Awaitable[Dict[str, Any]]]] = None,
                           last_update_id: Optional[int] = None) -> float:
    """
    The tracker's path for one diff: the data source parses the raw event, the order book applies it. With
    `full_books`, each message is a whole book: the data source parses it as a snapshot, and the book is restored
    from it as the tracker does with a snapshot. With `decode`, each message is a compressed frame the websocket
    post-processor decodes first (`last_update_id` is then the last diff's).
    """
    data_source = exchange._orderbook_ds
    # The rendered sequence check remembers the last update id of the book: every run replays the same stream.
    getattr(data_source, "_last_update_ids", {}).clear()
    order_book = order_book_class()
    snapshot_message = order_book_class.snapshot_message_from_exchange(
        copy.deepcopy(snapshot), time.time(), metadata={"trading_pair": PAIR})
    order_book.apply_snapshot(snapshot_message.bids, snapshot_message.asks, snapshot_message.update_id)
    batch = copy.deepcopy(messages)  # parsing adds the trading pair to each event: every run gets fresh ones
    queue: asyncio.Queue = asyncio.Queue()
    if full_books:
        started = await _time_full_books(data_source, order_book, batch, queue)
        assert order_book.snapshot_uid == messages[-1]["data"][0]["ms_t"]
        return len(batch) / started
    parse = data_source._parse_order_book_diff_message
    # The garbage collector is kept out of the timed loop: the deep copy above would otherwise make the first
    # contender of a round pay for collections the second does not.
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for raw_message in batch:
            if decode is not None:
                raw_message = await decode(raw_message)
            await parse(raw_message=raw_message, message_queue=queue)
            diff = queue.get_nowait()
            order_book.apply_diffs(diff.bids, diff.asks, diff.update_id)
        elapsed = time.perf_counter() - started
    finally:
        gc.enable()
    if last_update_id is None:
        last_update_id = messages[-1].get("u", messages[-1].get("data", {}).get("u"))
    assert order_book.last_diff_uid == last_update_id
    return len(batch) / elapsed


async def _time_full_books(data_source, order_book, batch: List[Dict[str, Any]], queue: asyncio.Queue) -> float:
    parse = data_source._parse_order_book_snapshot_message
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for raw_message in batch:
            await parse(raw_message=raw_message, message_queue=queue)
            book = queue.get_nowait()
            order_book.restore_from_snapshot_and_diffs(book, [])
        elapsed = time.perf_counter() - started
    finally:
        gc.enable()
    return elapsed


def book_levels(order_book) -> Tuple[list, list]:
    return ([(row.price, row.amount) for row in order_book.bid_entries()],
            [(row.price, row.amount) for row in order_book.ask_entries()])


async def benchmark_diffs_async(workspaces: Dict[str, Path], message_count: int, rounds: int) -> Dict[str, Any]:
    """Every order book source's render given (order_book_source -> workspace) and hummingbot's Binance, one run."""
    from hummingbot.connector.exchange.binance.binance_exchange import BinanceExchange
    from hummingbot.connector.exchange.binance.binance_order_book import BinanceOrderBook

    snapshot, messages = diff_messages(message_count)
    # label -> (exchange, order book class, snapshot, messages, whole books)
    contenders: Dict[str, Tuple[Any, Callable, Dict[str, Any], List[Dict[str, Any]], bool]] = {
        "binance": (make_exchange(BinanceExchange, "binance"), BinanceOrderBook, snapshot, messages, False)}
    for source, workspace in workspaces.items():
        name = SOURCE_CONNECTOR_NAMES[source]
        exchange_class, book_class = load_workspace_connector(workspace, name)
        contenders[source] = (make_exchange(exchange_class, name), book_class,
                              *source_messages(source, snapshot, messages), source == FULL_BOOK)
    rates: Dict[str, List[float]] = {key: [] for key in contenders}
    for exchange, book_class, source_snapshot, source_stream, full_books in contenders.values():  # warm-up
        await diffs_per_second(exchange, book_class, source_snapshot, source_stream[:2000], full_books)
    for round_number in range(rounds):
        # Interleaved rounds, the order reversed every other round: the contenders see the same machine state.
        order = list(contenders.items())
        for key, (exchange, book_class, source_snapshot, source_stream, full_books) in (
                order if round_number % 2 == 0 else reversed(order)):
            rates[key].append(await diffs_per_second(exchange, book_class, source_snapshot, source_stream, full_books))
    binance_rate = statistics.median(rates["binance"])
    binance_levels = levels_per_message(messages)
    sources = {source: {"per_s": statistics.median(rates[source]),
                        "ratio": statistics.median(rates[source]) / binance_rate,
                        "levels_ratio": statistics.median(rates[source]) / binance_rate
                        * levels_per_message(contenders[source][3]) / binance_levels} for source in workspaces}
    return {"messages": message_count, "rounds": rounds, "template_per_s": sources[DEFAULT_SOURCE]["per_s"],
            "binance_per_s": binance_rate, "ratio": sources[DEFAULT_SOURCE]["ratio"], "sources": sources}


def levels_per_message(messages: List[Dict[str, Any]]) -> float:
    """The price levels a message carries, on average: a whole book carries its depth, a diff the levels changed"""
    books = [message.get("data", message) for message in messages]
    books = [book[0] if isinstance(book, list) else book for book in books]
    return statistics.mean(sum(len(book.get(key, [])) for key in ("b", "a", "bids", "asks")) for book in books)


def benchmark_diffs(workspaces: Dict[str, Path], message_count: int, rounds: int) -> Dict[str, Any]:
    return asyncio.run(benchmark_diffs_async(workspaces, message_count, rounds))


def render_order_book_sources(default_workspace: Path, folder: Path) -> Dict[str, Path]:
    """The default render and one render of each other order_book_source value, under its own connector name"""
    return {DEFAULT_SOURCE: default_workspace, **{
        source: render_template(folder / source, connector_name=SOURCE_CONNECTOR_NAMES[source],
                                order_book_source=source)
        for source in ORDER_BOOK_SOURCE_CHOICES if source != DEFAULT_SOURCE}}


# ---------------------------------------------------------------------------------------------------- (d) frames
# One render per compressed ws_compression value, each under its own connector name.
COMPRESSED_CONNECTOR_NAMES = {"gzip": "acme_gzip", "deflate": "acme_deflate"}


def compressed_frame(compression: str, message: Dict[str, Any]) -> bytes:
    """A message as the exchange of that compression sends it (BingX's gzip, BitMart's raw deflate)"""
    data = json.dumps(message).encode()
    if compression == "gzip":
        return gzip.compress(data)
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def hummingbot_frame_decoder(compression: str) -> Callable[[bytes], Awaitable[Dict[str, Any]]]:
    """How hummingbot's connectors decode such frames: the gzip post-processor of bitrue and htx, bitmart's inflate"""
    from hummingbot.connector.exchange.bitmart.bitmart_utils import decompress_ws_message
    from hummingbot.connector.utils import GZipCompressionWSPostProcessor
    from hummingbot.core.web_assistant.connections.data_types import WSResponse
    gzip_post_processor = GZipCompressionWSPostProcessor()

    async def decode_gzip(frame: bytes) -> Dict[str, Any]:
        return (await gzip_post_processor.post_process(WSResponse(data=frame))).data

    async def decode_deflate(frame: bytes) -> Dict[str, Any]:
        return json.loads(decompress_ws_message(frame))

    return decode_gzip if compression == "gzip" else decode_deflate


def rendered_frame_decoder(name: str) -> Callable[[bytes], Awaitable[Dict[str, Any]]]:
    """The render's own decoder: its web_utils' websocket post-processor"""
    from hummingbot.core.web_assistant.connections.data_types import WSResponse
    web_utils = importlib.import_module(f"hummingbot.connector.exchange.{name}.{name}_web_utils")
    post_processor = web_utils.DecompressingWSPostProcessor()

    async def decode(frame: bytes) -> Dict[str, Any]:
        return (await post_processor.post_process(WSResponse(data=frame))).data

    return decode


async def benchmark_frames_async(workspaces: Dict[str, Path], message_count: int, rounds: int) -> Dict[str, Any]:
    """
    Compressed diff frames: each compressed render (decode with its post-processor, parse, apply) beside hummingbot's
    Binance connector reading the same frames with hummingbot's own decoder for that compression, in one run.
    """
    from hummingbot.connector.exchange.binance.binance_exchange import BinanceExchange
    from hummingbot.connector.exchange.binance.binance_order_book import BinanceOrderBook

    snapshot, messages = diff_messages(message_count)
    binance = make_exchange(BinanceExchange, "binance")
    # label -> (exchange, order book class, frames, decoder)
    contenders: Dict[str, Tuple[Any, Callable, List[bytes], Callable]] = {}
    for compression, workspace in workspaces.items():
        name = COMPRESSED_CONNECTOR_NAMES[compression]
        exchange_class, book_class = load_workspace_connector(workspace, name)
        frames = [compressed_frame(compression, message) for message in messages]
        contenders[compression] = (make_exchange(exchange_class, name), book_class, frames,
                                   rendered_frame_decoder(name))
        contenders[f"binance+{compression}"] = (binance, BinanceOrderBook, frames,
                                                hummingbot_frame_decoder(compression))
    last_update_id = messages[-1]["u"]
    rates: Dict[str, List[float]] = {key: [] for key in contenders}
    for exchange, book_class, frames, decode in contenders.values():  # warm-up
        await diffs_per_second(exchange, book_class, snapshot, frames[:2000], decode=decode,
                               last_update_id=messages[1999]["u"] if len(messages) >= 2000 else last_update_id)
    for round_number in range(rounds):
        order = list(contenders.items())
        for key, (exchange, book_class, frames, decode) in order if round_number % 2 == 0 else reversed(order):
            rates[key].append(await diffs_per_second(exchange, book_class, snapshot, frames, decode=decode,
                                                     last_update_id=last_update_id))
    return {compression: {"per_s": statistics.median(rates[compression]),
                          "binance_per_s": statistics.median(rates[f"binance+{compression}"]),
                          "ratio": statistics.median(rates[compression])
                          / statistics.median(rates[f"binance+{compression}"])}
            for compression in workspaces}


def benchmark_frames(workspaces: Dict[str, Path], message_count: int, rounds: int) -> Dict[str, Any]:
    return asyncio.run(benchmark_frames_async(workspaces, message_count, rounds))


def render_compressions(folder: Path) -> Dict[str, Path]:
    return {compression: render_template(folder / compression, connector_name=name, ws_compression=compression)
            for compression, name in COMPRESSED_CONNECTOR_NAMES.items()}


# ---------------------------------------------------------------------------------------------------- report
def table(render: Dict[str, Any], suite: Dict[str, Any], diffs: Dict[str, Any]) -> str:
    rows = [
        ("Render, full default template", f"{render['template_s'] * 1e3:.0f} ms",
         f"median of {render['runs']}, {render['files']} files, hooks included"),
        ("Render, cookiecutter floor", f"{render['floor_s'] * 1e3:.0f} ms",
         f"median of {render['runs']}, same {render['floor_files']} paths, tiny contents, no hooks"),
        ("Render ratio (template / floor)", f"{render['ratio']:.2f}x", ""),
        ("Rendered suite, wall time", f"{suite['wall_s']:.1f} s",
         f"{suite['tests']} tests ({suite['passed']} passed, {suite['failed']} failed)"),
        ("Rendered suite, time per test", f"{suite['per_test_ms']:.0f} ms", "wall time / tests, one run"),
        ("Diff messages/s, rendered connector", f"{diffs['template_per_s']:,.0f}",
         f"median of {diffs['rounds']} rounds of {diffs['messages']:,} messages"),
        ("Diff messages/s, hummingbot Binance", f"{diffs['binance_per_s']:,.0f}", "same messages, same rounds"),
        ("Diff throughput ratio (rendered / Binance)", f"{diffs['ratio']:.3f}",
         f"target >= {TARGET_RATIO}: {'met' if diffs['ratio'] >= TARGET_RATIO else 'NOT met'}"),
        *((f"Order book messages/s, order_book_source={source}", f"{figures['per_s']:,.0f}",
           f"{figures['ratio']:.3f} of Binance's in the same run (target >= {TARGET_RATIO}: "
           f"{'met' if figures['ratio'] >= TARGET_RATIO else 'NOT met'}); price levels/s "
           f"{figures['levels_ratio']:.2f} of Binance's")
          for source, figures in diffs.get("sources", {}).items() if source != DEFAULT_SOURCE),
        *((f"Compressed diff frames/s, ws_compression={compression}", f"{figures['per_s']:,.0f}",
           f"{figures['ratio']:.3f} of Binance's reading the same frames with hummingbot's own {compression} decoder "
           f"({figures['binance_per_s']:,.0f}/s; target >= {TARGET_RATIO}: "
           f"{'met' if figures['ratio'] >= TARGET_RATIO else 'NOT met'})")
          for compression, figures in diffs.get("frames", {}).items()),
    ]
    return markdown_table(("Measure", "Value", "Notes"), rows)


def docs_page(figures: str, environment: str, shapes: str) -> str:
    return f"""# Benchmarks

Figures from one run of `make benchmark` (`python tests/benchmarks/render_benchmark.py --write-docs`), {environment}.

{figures}

## The rendered suite per shape

Each combination of the shape answers (connector `acme_pro`): its own suite's time per test, and the line coverage
of its connector package by that suite, as the workspace's `make coverage` measures it (hummingbot's coverage
settings; hummingbot merges at 80%, the template's tests require {MIN_LINE_COVERAGE:.0f}% of every shape).

{shapes}

## Method

- **Render time.** The full default template (a clean copy, as a fresh clone has it) is rendered by
  the `cookiecutter --no-input` command as a user runs it, process start and hooks included (the
  post-generation hook's first git commit of the workspace takes about 0.1 s of it). The floor is
  plain cookiecutter on a
  template generated on the fly: the same prompts (without the template's Jinja extension and the values derived
  through it), the same file paths, a two-byte body per file and no hooks. The two are rendered alternately after
  one discarded warm-up render each; the figure is the median.
  The ratio is the price of the template's real contents and hooks over cookiecutter's own cost.
- **Rendered suite.** The default render's own `python -m pytest` (as `make demo` runs it) is run once; the
  wall time, interpreter start-up and collection included, is divided by the number of tests.
- **Per shape.** Each shape combination is rendered and its suite run twice: once plainly, for the wall time per
  test (as above), and once under coverage with the workspace's own `.coveragerc`, for the share of the connector
  package's measured lines that the suite runs (what diff-cover counts; the package's lines are all new in a pull
  request that adds the connector).
- **Order book diffs.** The same synthetic stream of `depthUpdate` events (1 to 6 price levels per side,
  30% removals, consecutive update ids) goes through the path the order book tracker runs for each diff:
  the data source's `_parse_order_book_diff_message` (symbol to trading pair through the exchange's symbol map,
  then `<Prefix>OrderBook.diff_message_from_exchange`) and `OrderBook.apply_diffs` on a book built from a
  snapshot. The rendered connector and hummingbot's Binance connector (installed package) run in the same
  process, after a warm-up, in rounds whose order alternates, with the garbage collector held off during the timed
  loop (the fresh copies of the events each round needs would otherwise bill one contender for the other's
  garbage); the figure is the median messages per second. A ratio near 1.0 is expected: the
  rendered path has Binance's shape, so the figure guards against the template adding work per message (its
  sequence check included).
- **Per order book source.** The same market and level changes in each other `order_book_source` value's shape, in
  the same run and rounds as Binance's: Bybit-like deltas (one update id each) through the data source's delta
  parser and sequence check, and BitMart-like whole books of {FULL_BOOK_DEPTH} levels per side, each parsed as a
  snapshot and restored into the book as the tracker restores a snapshot. A whole book carries far more levels than
  a diff, so its figure is messages, not levels, per second.

- **Compressed frames.** The same `depthUpdate` stream, each event gzip- or raw-deflate-compressed as BingX and
  BitMart send it, through each compressed render's path (its `DecompressingWSPostProcessor`, then the diff parse
  and apply above), beside hummingbot's Binance connector reading the same frames with hummingbot's own decoder for
  that compression (the `GZipCompressionWSPostProcessor` bitrue and htx use; bitmart's inflate), in the same run.

Figures vary with the machine; the ratios are what to compare between runs.
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=7, help="renders of each template (median)")
    parser.add_argument("--messages", type=int, default=20000, help="diff messages per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the diff benchmark (median)")
    parser.add_argument("--workspace", type=Path, help="measure (b) and (c) on this existing default render")
    parser.add_argument("--no-shapes", action="store_true", help="skip the per-shape suite runs (16 renders)")
    parser.add_argument("--write-docs", action="store_true", help=f"write the figures to {DOCS_PAGE}")
    args = parser.parse_args(argv)

    print(f"(a) rendering the template and its floor, {args.runs} times each ...", flush=True)
    render = benchmark_render(args.runs)
    with tempfile.TemporaryDirectory(prefix="render-benchmark-suite-") as folder:
        config_folder = Path(folder)
        workspace = args.workspace or render_template(config_folder / "out")
        print("(b) running the default render's own test suite ...", flush=True)
        suite = benchmark_suite(workspace)
        if suite["tests"] == 0:
            print(suite["output"], file=sys.stderr)
        print(f"(c) {args.rounds} rounds of {args.messages:,} order book diffs, rendered connector and Binance ...",
              flush=True)
        sources = render_order_book_sources(workspace, config_folder / "sources")
        diffs = benchmark_diffs(sources, args.messages, args.rounds)
        print(f"(d) {args.rounds} rounds of {args.messages:,} compressed diff frames, each compressed render and "
              f"Binance with hummingbot's decoder ...", flush=True)
        diffs["frames"] = benchmark_frames(render_compressions(config_folder / "compressions"), args.messages,
                                           args.rounds)
        shapes = []
        if not args.no_shapes:
            print(f"(b) per shape: {len(VARIANTS)} renders, each suite run plainly and under coverage ...", flush=True)
            shapes = benchmark_shapes(config_folder / "shapes")

    figures = table(render, suite, diffs)
    print()
    print(figures)
    per_shape = shapes_table(shapes) if shapes else ""
    if per_shape:
        print()
        print(per_shape)
    low = [shape["shape"] for shape in shapes if shape["line_coverage"] < MIN_LINE_COVERAGE]
    if low:
        print(f"\nWARNING: below {MIN_LINE_COVERAGE}% line coverage: {', '.join(low)}", file=sys.stderr)
    for source, figures in [*diffs["sources"].items(), *diffs["frames"].items()]:
        if figures["ratio"] < TARGET_RATIO:
            print(f"\nWARNING: {source} handles messages at {figures['ratio']:.3f} of Binance's "
                  f"diff rate (target {TARGET_RATIO}).", file=sys.stderr)
    if args.write_docs:
        environment = f"Python {sys.version.split()[0]} on {sys.platform}"
        DOCS_PAGE.parent.mkdir(parents=True, exist_ok=True)
        if not per_shape:
            parser.error("--write-docs needs the per-shape figures (drop --no-shapes)")
        DOCS_PAGE.write_text(docs_page(figures, environment, per_shape))
        print(f"\nWrote {DOCS_PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
