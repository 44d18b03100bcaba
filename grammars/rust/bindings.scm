; `let name = value;` (and `let mut name: Type = value;`): for resolving identifiers.
(let_declaration
  pattern: (identifier) @target
  value: (_) @value) @binding

; `resp["body"] = value;`: a `json!` response built up after its literal.
(assignment_expression
  left: (index_expression
    (identifier) @item_target
    (string_literal) @item_key)
  right: (_) @value) @item_assignment
