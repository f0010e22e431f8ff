"""make benchmark reports the rendered suite per shape (time per test, line coverage) beside the render figures."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

import render_benchmark  # noqa: E402


def test_the_shapes_table_has_a_row_per_shape_with_time_per_test_and_coverage():
    shapes = [{"shape": "timesync-listen_key-nokeys-balance", "tests": 120, "failed": 0, "wall_s": 5.2,
               "per_test_ms": 43.3, "line_coverage": 96.459, "covered_lines": 600, "statements": 622}]
    table = render_benchmark.shapes_table(shapes).splitlines()
    assert "Per test" in table[0] and "Line coverage" in table[0]
    assert table[2].split("|")[1:-1] == [" timesync-listen_key-nokeys-balance                  ", " 120   ",
                                         " 5.2 s ", " 43 ms    ", " 96.46% (600/622) "]


def test_the_docs_page_carries_both_tables():
    page = render_benchmark.docs_page("| render table |", "Python 3.11", "| shapes table |")
    assert page.index("| render table |") < page.index("## The rendered suite per shape") < page.index(
        "| shapes table |")
