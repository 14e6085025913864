// name: timeline
// question: What were an actor's relations over time?
// Exclusive relations (controls) end when a successor starts, as in `control`.
// param actor: actor           the actor (id, name or alias), as subject or object
// column subject: id
// column subject_name: text
// column relation: text
// column object: id
// column object_name: text
// column start: date
// column end: date
// column kinds: set
// column sources: set
// column statements: set
// column denials: set
// column contested: bool
// order: start, relation, subject, object
// Two parts, each anchored on the actor's id (the actor as subject, then as object), so
// that a store seeks the actor instead of scanning every edge. Their bodies are the same.
// Neither Neo4j nor LadybugDB sorts a UNION as a whole (that would need CALL {}, which
// LadybugDB lacks): the `order` line above makes the runner sort the rows.
MATCH (s:Actor {id: $actor})-[r]->(o)
WHERE r.known <= $known_at
// Successors are looked up on CONTROLS, the one exclusive type (a test keeps it so): an
// untyped pattern here pairs every edge with every other edge into the same node.
OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)
WHERE r.exclusive AND NOT r.negated AND r2.relation = r.relation AND b.id <> s.id
  AND NOT r2.negated AND r2.known <= $known_at AND r2.lo > r.lo
WITH s, o, r, min(r2.lo) AS next_lo
WITH s, o, r, CASE WHEN next_lo IS NOT NULL AND next_lo <= r.hi THEN next_lo - 1 ELSE r.hi END AS hi
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
WITH s, r.relation AS relation, o,
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN hi = r.hi THEN r.hi_key ELSE hi * 4 + 3 END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
UNION ALL
MATCH (s:Actor)-[r]->(o:Actor {id: $actor})
WHERE r.known <= $known_at
// Successors are looked up on CONTROLS, the one exclusive type (a test keeps it so): an
// untyped pattern here pairs every edge with every other edge into the same node.
OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)
WHERE r.exclusive AND NOT r.negated AND r2.relation = r.relation AND b.id <> s.id
  AND NOT r2.negated AND r2.known <= $known_at AND r2.lo > r.lo
WITH s, o, r, min(r2.lo) AS next_lo
WITH s, o, r, CASE WHEN next_lo IS NOT NULL AND next_lo <= r.hi THEN next_lo - 1 ELSE r.hi END AS hi
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
WITH s, r.relation AS relation, o,
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN hi = r.hi THEN r.hi_key ELSE hi * 4 + 3 END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
