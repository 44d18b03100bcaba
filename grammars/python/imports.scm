; `import json` (and `import json as something`).
(import_statement name: (dotted_name) @module) @import
(import_statement name: (aliased_import name: (dotted_name) @aliased_module alias: (identifier) @alias)) @import
