; Every function-like node: candidates for handlers and helpers, and scopes for name resolution.
[
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (generator_function)
  (arrow_function)
  (method_definition)
] @function
