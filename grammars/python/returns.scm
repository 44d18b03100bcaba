; What functions return.
(return_statement (_) @value) @return

; Every `return`, with or without a value (a bare `return` answers None).
(return_statement) @any_return
