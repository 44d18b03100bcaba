; Reads of the event that only an API Gateway event has: `event.httpMethod`, `event?.body`,
; `event["pathParameters"]`, `const { pathParameters } = event`.
(member_expression
  object: (identifier) @object
  property: (property_identifier) @key) @read

(subscript_expression
  object: (identifier) @object
  index: (string) @key) @read

(variable_declarator
  name: (object_pattern) @pattern
  value: (identifier) @object) @read
