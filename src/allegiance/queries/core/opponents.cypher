// name: opponents
// question: Who opposes an actor, and whom does it oppose?
// param actor: actor           the actor (id, name or alias)
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
MATCH (s:Actor)-[r:OPPOSES]->(o:Actor)
WHERE (s.id = $actor OR o.id = $actor)
  AND r.known <= $known_at AND r.lo <= $as_of_hi AND r.hi >= $as_of_lo
WITH s, o,
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null ELSE r.hi_key END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, 'opposes' AS relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
ORDER BY subject_name, object_name
