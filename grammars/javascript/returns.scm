; What functions return: `return value;` and an arrow function's expression body.
(return_statement (_) @value) @return

(arrow_function
  body: (_) @value) @arrow

; Every `return`, with or without a value (a bare `return;` answers undefined).
(return_statement) @any_return
