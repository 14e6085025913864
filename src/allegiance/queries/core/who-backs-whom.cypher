// name: who-backs-whom
// question: Who backs whom (as of --as-of, from what was known at --known-at)?
// column subject: id            the backer
// column subject_name: text
// column relation: text
// column object: id             the actor backed
// column object_name: text
// column start: date            earliest start among the statements behind it (null: unknown)
// column end: date              latest end among them (null: ongoing)
// column kinds: set             kinds of support
// column sources: set           sources of the affirming statements
// column statements: set        affirming statements overlapping the period
// column denials: set           denying statements overlapping the period
// column contested: bool        affirmed and denied over the period
MATCH (s:Actor)-[r:SUPPORTS]->(o:Actor)
WHERE r.known <= $known_at AND r.lo <= $as_of_hi AND r.hi >= $as_of_lo
WITH s, o,
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null ELSE r.hi_key END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, 'supports' AS relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
ORDER BY object_name, subject_name
