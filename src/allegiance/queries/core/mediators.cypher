// name: mediators
// question: Who mediates between whom?
// The subject is the mediator, the object a party.
// include: _relation_columns
MATCH (s:Actor)-[r:MEDIATES]->(o:Actor)
WHERE
// include: _in_period r=r
WITH s, o, r, r.hi AS hi
// include: _relation_rows
ORDER BY subject_name, object_name
