// name: mediators
// question: Who mediates between whom?
// The subject is the mediator, the object a party.
// include: _relation_columns
MATCH (s:Actor)-[r:MEDIATES]->(o:Actor)
WHERE
// include: _in_period r=r
// include: _relation_rows hi=r.hi
ORDER BY subject_name, object_name
