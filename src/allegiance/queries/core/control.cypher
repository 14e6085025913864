// name: control
// question: Who holds which place (one place with --param place=...)?
// A new holder ends an earlier, still open hold by someone else the day before it
// starts (controls is exclusive), recomputed from what was known at --known-at.
// param place: place = ""      the place (id, name or alias); all places if left out
// column subject: id            the holder
// column subject_name: text
// column relation: text
// column object: id             the place
// column object_name: text
// column start: date
// column end: date              a superseded hold ends the day before its successor
// column kinds: set
// column sources: set
// column statements: set
// column denials: set
// column contested: bool
MATCH (s:Actor)-[r:CONTROLS]->(o:Place)
WHERE r.known <= $known_at AND ($place = '' OR o.id = $place)
OPTIONAL MATCH (b:Actor)-[r2:CONTROLS]->(o)
WHERE NOT r.negated AND b.id <> s.id AND NOT r2.negated AND r2.known <= $known_at AND r2.lo > r.lo
WITH s, o, r, min(r2.lo) AS next_lo
WITH s, o, r, CASE WHEN next_lo IS NOT NULL AND next_lo <= r.hi THEN next_lo - 1 ELSE r.hi END AS hi
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
WITH s, o,
     sum(CASE WHEN r.negated THEN 0 ELSE 1 END) AS affirmed,
     min(CASE WHEN r.negated THEN null ELSE r.lo_key END) AS start,
     max(CASE WHEN r.negated THEN null WHEN hi = r.hi THEN r.hi_key ELSE hi * 4 + 3 END) AS last,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.kind END) AS kinds,
     collect(DISTINCT CASE WHEN r.negated THEN null ELSE r.source END) AS sources,
     collect(CASE WHEN r.negated THEN null ELSE r.statement END) AS statements,
     collect(CASE WHEN r.negated THEN r.statement ELSE null END) AS denials
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, 'controls' AS relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
ORDER BY object_name, start
