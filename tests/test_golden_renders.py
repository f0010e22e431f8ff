"""Every answer set renders exactly its golden output (tests/golden/): the template's structure may change freely,
its output only on purpose (`make golden`)."""
import pytest

from golden_renders import ANSWER_SETS, differences, golden_files, render_answer_set


@pytest.mark.parametrize("answer_set", sorted(ANSWER_SETS))
def test_the_render_is_byte_identical_to_its_golden_output(answer_set, tmp_path):
    expected = golden_files(answer_set)
    assert expected, f"no golden output for {answer_set}: run make golden"
    assert differences(expected, render_answer_set(answer_set, tmp_path)) == []
