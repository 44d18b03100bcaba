; What functions return.
(return_statement (_) @value) @return
