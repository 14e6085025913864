// name: mediators
// question: Who mediates between whom?
// The subject is the mediator, the object a party.
// include: _relation_columns
MATCH (s:Actor)-[r:MEDIATES]->(o:Actor)
WHERE r.known <= $known_at AND r.lo <= $as_of_hi AND r.hi >= $as_of_lo
WITH s, o, r, r.hi AS hi
// include: _relation_rows
ORDER BY subject_name, object_name
