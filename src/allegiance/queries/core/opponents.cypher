// name: opponents
// question: Who opposes an actor, and whom does it oppose?
// param actor: actor           the actor (id, name or alias)
// include: _relation_columns
MATCH (s:Actor)-[r:OPPOSES]->(o:Actor)
WHERE (s.id = $actor OR o.id = $actor) AND
// include: _period_rows
ORDER BY subject_name, object_name
