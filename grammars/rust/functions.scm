; Function items (top level, in modules and impls): candidates for handlers and helpers.
(function_item
  name: (identifier) @name
  parameters: (parameters) @parameters) @function
