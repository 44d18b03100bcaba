; Scopes: where `let` binds names (blocks), and which function a node belongs to. A closure or an
; async block is a body of its own: a `return` in it leaves only it.
(function_item) @function
(closure_expression) @lambda
(async_block) @lambda
(block) @block
