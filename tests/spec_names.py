"""
What the specification's "Build Process" names, as today's hummingbot spells it.

The facts page lists the differences: `is_cancel_request_executed_synchronously_by_server` left the generic test base
in 2023 (not required), several methods live in hummingbot's base classes (found by inheritance), and some newer
abstract members are required on top of the spec's list.
"""

CONSTANTS = ["DEFAULT_DOMAIN", "REST_URL", "RATE_LIMITS", "SERVER_TIME_PATH_URL"]

WEB_UTILS_FUNCTIONS = [
    "public_rest_url", "private_rest_url", "build_api_factory",
    "build_api_factory_without_time_synchronizer_pre_processor", "get_current_server_time", "create_throttler",
]

UTILS_NAMES = ["DEFAULT_FEES", "KEYS", "EXAMPLE_PAIR", "CENTRALIZED"]

ORDER_BOOK_METHODS = ["snapshot_message_from_exchange", "diff_message_from_exchange", "trade_message_from_exchange"]

ORDER_BOOK_DATA_SOURCE_METHODS = [
    "_order_book_snapshot", "_request_order_book_snapshot", "listen_for_subscriptions", "_subscribe_channels",
    "_process_websocket_messages", "listen_for_trades", "_parse_trade_message", "listen_for_order_book_diffs",
    "_parse_order_book_diff_message", "listen_for_order_book_snapshots", "_parse_order_book_snapshot_message",
    # abstract since hummingbot 2.12.0
    "subscribe_to_trading_pair", "unsubscribe_from_trading_pair",
]

AUTH_METHODS = ["rest_authenticate", "add_auth_to_params", "header_for_authentication", "_generate_signature",
                "ws_authenticate"]

USER_STREAM_LISTEN_KEY_METHODS = [
    "_get_listen_key", "_ping_listen_key", "_manage_listen_key_task_loop", "listen_for_user_stream",
    "_connected_websocket_assistant", "_subscribe_channels", "_get_ws_assistant", "_on_user_stream_interruption",
]

EXCHANGE_METHODS = [
    "authenticator", "name", "rate_limits_rules", "domain", "client_order_id_max_length", "client_order_id_prefix",
    "trading_rules_request_path", "trading_pairs_request_path", "check_network_request_path", "trading_pairs",
    "is_cancel_request_in_exchange_synchronous", "is_trading_required", "supported_order_types",
    "_is_request_exception_related_to_time_synchronizer", "_create_web_assistants_factory",
    "_create_order_book_data_source", "_create_user_stream_data_source", "_get_fee", "_place_order", "_place_cancel",
    "_format_trading_rules", "_status_polling_loop_fetch_updates", "_update_trading_fees",
    "_user_stream_event_listener", "_all_trade_updates_for_order", "_request_order_status", "_update_balances",
    "_get_last_traded_price", "_initialize_trading_pair_symbols_from_exchange_info", "_update_time_synchronizer",
    "_update_order_fills_from_trades", "_update_order_status",
    # abstract members the spec does not name
    "_is_order_not_found_during_status_update_error", "_is_order_not_found_during_cancelation_error",
]

EXCHANGE_TEST_METHODS = [
    "all_symbols_request_mock_response", "latest_prices_request_mock_response",
    "all_symbols_including_invalid_pair_mock_response", "network_status_request_successful_mock_response",
    "trading_rules_request_mock_response", "trading_rules_request_erroneous_mock_response",
    "order_creation_request_successful_mock_response", "balance_request_mock_response_for_base_and_quote",
    "balance_request_mock_response_only_base", "balance_event_websocket_update", "expected_latest_price",
    "expected_supported_order_types", "expected_trading_rule", "expected_logged_error_for_erroneous_trading_rule",
    "expected_exchange_order_id", "is_order_fill_http_update_included_in_status_update",
    "is_order_fill_http_update_executed_during_websocket_order_event_processing", "expected_partial_fill_price",
    "expected_partial_fill_amount", "expected_fill_fee", "expected_fill_trade_id", "exchange_symbol_for_tokens",
    "create_exchange_instance", "validate_auth_credentials_present", "validate_order_creation_request",
    "validate_order_cancelation_request", "validate_order_status_request", "validate_trades_request",
    "configure_successful_cancelation_response", "configure_erroneous_cancelation_response",
    "configure_one_successful_one_erroneous_cancel_all_response", "configure_completely_filled_order_status_response",
    "configure_canceled_order_status_response", "configure_erroneous_http_fill_trade_response",
    "configure_open_order_status_response", "configure_http_error_order_status_response",
    "configure_partially_filled_order_status_response", "configure_partial_fill_trade_response",
    "configure_full_fill_trade_response", "order_event_for_new_order_websocket_update",
    "order_event_for_canceled_order_websocket_update", "order_event_for_full_fill_websocket_update",
    "trade_event_for_full_fill_websocket_update",
    # abstract members the spec does not name
    "configure_order_not_found_error_cancelation_response", "configure_order_not_found_error_order_status_response",
]

# Test names per rendered test module (the generic exchange tests are inherited and collected too).
TESTS = {
    "test_{name}_api_order_book_data_source": [
        "test_get_new_order_book_successful", "test_get_new_order_book_raises_exception",
        "test_listen_for_subscriptions_subscribes_to_trades_and_order_diffs",
        "test_listen_for_subscriptions_raises_cancel_exception", "test_listen_for_subscriptions_logs_exception_details",
        "test_subscribe_channels_raises_cancel_exception", "test_subscribe_channels_raises_exception_and_logs_error",
        "test_listen_for_trades_successful", "test_listen_for_trades_cancelled_when_listening",
        "test_listen_for_trades_logs_exception", "test_listen_for_order_book_diffs_successful",
        "test_listen_for_order_book_diffs_cancelled", "test_listen_for_order_book_diffs_logs_exception",
        "test_listen_for_order_book_snapshots_cancelled_when_fetching_snapshot",
        "test_listen_for_order_book_snapshots_log_exception", "test_listen_for_order_book_snapshots_successful",
    ],
    "test_{name}_auth": ["test_rest_authenticate"],
    "test_{name}_api_user_stream_data_source": [
        "test_get_listen_key_log_exception", "test_get_listen_key_successful", "test_ping_listen_key_log_exception",
        "test_ping_listen_key_successful", "test_manage_listen_key_task_loop_keep_alive_failed",
        "test_manage_listen_key_task_loop_keep_alive_successful",
        "test_listen_for_user_stream_get_listen_key_successful_with_user_update_event",
        "test_listen_for_user_stream_does_not_queue_empty_payload", "test_listen_for_user_stream_connection_failed",
        "test_listen_for_user_stream_iter_message_throws_exception",
    ],
    "test_{name}_exchange": [
        "test_update_time_synchronizer_successfully", "test_time_synchronizer_related_request_error_detection",
        "test_update_order_fills_from_trades_triggers_filled_event",
        "test_update_order_fills_from_trades_with_repeated_fill_triggers_only_one_event",
        "test_update_order_status_when_failed", "test_user_stream_update_for_order_failure",
    ],
}
