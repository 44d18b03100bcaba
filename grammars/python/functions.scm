; Function definitions: candidates for handlers and helpers.
(function_definition
  name: (identifier) @name
  parameters: (parameters) @parameters) @function
