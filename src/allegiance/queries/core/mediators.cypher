// name: mediators
// question: Who mediates between whom?
// The subject is the mediator, the object a party.
// include: _relation_columns
MATCH (s:Actor)-[r:MEDIATES]->(o:Actor)
WHERE
// include: _share n=s
// include: _period_rows
ORDER BY subject_name, object_name, subject, object
