// name: who-backs-whom
// question: Who backs whom (as of --as-of, from what was known at --known-at)?
// The subject backs the object; kinds are kinds of support.
// include: _relation_columns
// include: _type_rows label=SUPPORTS
ORDER BY object_name, subject_name, object, subject
