// name: backers
// question: Who backs an actor?
// param actor: actor           the actor backed (id, name or alias)
// The subject is the backer.
// include: _relation_columns
MATCH (s:Actor)-[r:SUPPORTS]->(o:Actor {id: $actor})
WHERE r.known <= $known_at AND r.lo <= $as_of_hi AND r.hi >= $as_of_lo
WITH s, o, r, r.hi AS hi
// include: _relation_rows
ORDER BY subject_name
