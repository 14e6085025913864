// name: who-backs-whom
// question: Who backs whom (as of --as-of, from what was known at --known-at)?
// The subject backs the object; kinds are kinds of support.
// include: _relation_columns
MATCH (s:Actor)-[r:SUPPORTS]->(o:Actor)
WHERE
// include: _share n=s
// include: _period_rows
ORDER BY object_name, subject_name, object, subject
