"""
Stand-in for hummingbot's `test/isolated_asyncio_wrapper_test_case.py`, which lives in hummingbot's git
repository but not in its PyPI package. The generic exchange connector tests import it from `test`, so a workspace
outside a hummingbot checkout supplies it. Inside a checkout, hummingbot's own module is used instead.
"""
import asyncio
import unittest
from typing import Any, Awaitable, Optional


class IsolatedAsyncioWrapperTestCase(unittest.IsolatedAsyncioTestCase):
    """
    An `IsolatedAsyncioTestCase` that also serves synchronous tests: `setUp` exposes the test's own event loop as
    `local_event_loop` and `run_async_with_timeout` runs a coroutine on it, and the loop that was current before the
    class ran is restored afterwards so that test classes do not leak loops into each other.
    """

    main_event_loop: Optional[asyncio.AbstractEventLoop] = None

    @classmethod
    def setUpClass(cls) -> None:
        try:
            cls.main_event_loop = asyncio.get_event_loop()
        except RuntimeError:
            cls.main_event_loop = asyncio.new_event_loop()
            asyncio.set_event_loop(cls.main_event_loop)
        super().setUpClass()

    def setUp(self) -> None:
        # IsolatedAsyncioTestCase has already created and set this test's own loop when setUp runs.
        self.local_event_loop = asyncio.get_event_loop()
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        self._restore_main_event_loop()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._restore_main_event_loop()

    @classmethod
    def _restore_main_event_loop(cls) -> None:
        if cls.main_event_loop is not None and not cls.main_event_loop.is_closed():
            asyncio.set_event_loop(cls.main_event_loop)
        else:
            asyncio.set_event_loop(asyncio.new_event_loop())

    def run_async_with_timeout(self, coroutine: Awaitable, timeout: float = 1.0) -> Any:
        """Runs a coroutine on the test's event loop and fails it if it takes longer than `timeout` seconds."""
        return self.local_event_loop.run_until_complete(asyncio.wait_for(coroutine, timeout=timeout))
