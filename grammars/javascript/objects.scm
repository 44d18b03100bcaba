; Object literals: candidate response objects.
(object) @object
