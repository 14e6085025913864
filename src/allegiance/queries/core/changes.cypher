// name: changes
// question: Which relations hold at one date but not at another (added) or the reverse (removed)?
// A relation holds at a date when an affirming statement overlaps that date's span;
// exclusive relations (controls) end when a successor starts, as in `control`.
// param from: date             the earlier date (YYYY, YYYY-MM or YYYY-MM-DD)
// param to: date               the later date
// column change: text           added (holds at `to`, not at `from`) or removed
// column subject: id
// column subject_name: text
// column relation: text
// column object: id
// column object_name: text
// column start: date            of the statements at `to` (added) or at `from` (removed)
// column end: date
// column kinds: set
// column sources: set
// column statements: set
// column denials: set
// column contested: bool        denied at the date that counts
MATCH (s:Actor)-[r]->(o)
WHERE r.known <= $known_at
// Successors are looked up on CONTROLS, the one exclusive type (a test keeps it so): an
// untyped pattern here pairs every edge with every other edge into the same node.
OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)
WHERE r.exclusive AND NOT r.negated AND r2.relation = r.relation AND b.id <> s.id
  AND NOT r2.negated AND r2.known <= $known_at AND r2.lo > r.lo
WITH s, o, r, min(r2.lo) AS next_lo
WITH s, o, r, CASE WHEN next_lo IS NOT NULL AND next_lo <= r.hi THEN next_lo - 1 ELSE r.hi END AS hi
WITH s, o, r, hi,
     CASE WHEN r.lo <= $from_hi AND hi >= $from_lo THEN 1 ELSE 0 END AS at_from,
     CASE WHEN r.lo <= $to_hi AND hi >= $to_lo THEN 1 ELSE 0 END AS at_to
WHERE at_from + at_to > 0
// In a changed relation no affirming statement holds at both dates, so the affirming
// statements kept here are exactly those at the date that counts.
WITH s, r.relation AS relation, o,
     sum(CASE WHEN r.negated THEN 0 ELSE at_from END) AS held_from,
     sum(CASE WHEN r.negated THEN 0 ELSE at_to END) AS held_to,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN hi = r.hi THEN r.hi_key ELSE hi * 4 + 3 END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated AND at_from = 1 THEN r.statement ELSE null END) AS denied_from,
     collect(CASE WHEN r.negated AND at_to = 1 THEN r.statement ELSE null END) AS denied_to
WHERE (held_from = 0 AND held_to > 0) OR (held_from > 0 AND held_to = 0)
WITH s, relation, o, held_to, start, last, kinds, sources, statements,
     CASE WHEN held_to > 0 THEN denied_to ELSE denied_from END AS denials
RETURN CASE WHEN held_to > 0 THEN 'added' ELSE 'removed' END AS change,
       s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
ORDER BY change, relation, subject, object
