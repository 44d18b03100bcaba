use super::{
    authorizer_response, config, error_handling, handler_link, permission, proxy_response, startup,
    status_mapping, throttle, timeout, Rule,
};

/// Every rule, in code order. Adding a rule adds its file and one line here.
pub static REGISTRY: &[&Rule] = &[
    &proxy_response::unknown_key::RULE,
    &proxy_response::missing_status_code::RULE,
    &proxy_response::not_a_proxy_response::RULE,
    &proxy_response::invalid_status_code::RULE,
    &proxy_response::string_status_code::RULE,
    &proxy_response::non_string_body::RULE,
    &proxy_response::scalar_body::RULE,
    &proxy_response::bytes_body::RULE,
    &proxy_response::invalid_header_value::RULE,
    &proxy_response::numeric_header_value::RULE,
    &proxy_response::invalid_multi_value_headers::RULE,
    &proxy_response::non_boolean_base64_flag::RULE,
    &proxy_response::payload_format_mismatch::RULE,
    &proxy_response::no_proxy_response::RULE,
    &proxy_response::buffered_handler_streamed::RULE,
    &authorizer_response::context_value::RULE,
    &authorizer_response::malformed_policy::RULE,
    &authorizer_response::simple_response::RULE,
    &permission::missing_permission::RULE,
    &permission::principal::RULE,
    &permission::source_arn::RULE,
    &timeout::function_timeout::RULE,
    &timeout::integration_timeout::RULE,
    &timeout::slow_code::RULE,
    &timeout::untimed_call::RULE,
    &status_mapping::undeclared_status::RULE,
    &status_mapping::error_pattern::RULE,
    &throttle::zero_concurrency::RULE,
    &throttle::burst_exceeds_concurrency::RULE,
    &error_handling::uncaught_exception::RULE,
    &handler_link::handler_not_found::RULE,
    &handler_link::code_uri_not_found::RULE,
    &startup::missing_module::RULE,
    &startup::module_format::RULE,
    &config::UNREADABLE_FILE,
    &config::UNPARSABLE_FILE,
    &config::RULE_PANICKED,
    &config::INVALID_CONFIG,
    &config::UNUSED_SUPPRESSION,
    &config::UNKNOWN_RULE_CODE,
];

/// Finds a rule by code (`GL105`) or name (`non-string-body`), case-insensitively.
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|rule| {
        rule.meta.code.eq_ignore_ascii_case(code_or_name)
            || rule.meta.name.eq_ignore_ascii_case(code_or_name)
    })
}
