; Scopes: where names are bound and which function a node belongs to.
(function_definition) @function
(lambda) @lambda
(class_definition) @class
