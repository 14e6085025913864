// name: timeline
// question: What were an actor's relations over time?
// Exclusive relations (controls) end when a successor starts, as in `control`.
// param actor: actor           the actor (id, name or alias), as subject or object
// include: _relation_columns
// order: start, relation, subject, object
// Two parts, each anchored on the actor's id (the actor as subject, then as object), so
// that a store seeks the actor instead of scanning every edge. Their bodies are the same.
// Neither Neo4j nor LadybugDB sorts a UNION as a whole (that would need CALL {}, which
// LadybugDB lacks): the `order` line above makes the runner sort the rows.
MATCH (s:Actor {id: $actor})-[r]->(o)
WHERE r.known <= $known_at
// include: _resolved_rows
UNION ALL
MATCH (s:Actor)-[r]->(o:Actor {id: $actor})
WHERE r.known <= $known_at
// include: _resolved_rows
