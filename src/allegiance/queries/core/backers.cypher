// name: backers
// question: Who backs an actor?
// param actor: actor           the actor backed (id, name or alias)
// The subject is the backer.
// include: _relation_columns
MATCH (s:Actor)-[r:SUPPORTS]->(o:Actor {id: $actor})
WHERE
// include: _period_rows
ORDER BY subject_name
