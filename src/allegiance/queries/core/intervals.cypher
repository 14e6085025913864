// name: intervals
// question: Over which days does each statement hold its relation (exclusive ones superseded)?
// One row per statement known at --known-at, whatever --as-of says: the views that move
// through time (the page's date slider, the GEXF export) filter these spans by date, and a
// relation holds at a date when one of its affirming spans overlaps it (as in `relations`).
// column subject: id
// column relation: text
// column object: id
// column statement: id
// column negated: bool         true: the statement denies the relation
// column first: int            its first day, a day number (0: unknown start)
// column last: int             its last day, the day before a successor's start for an exclusive type (9999999: ongoing)
// column start: date           its start as written (null: unknown)
// column end: date             its end as written, or the day before its successor (null: ongoing)
// column kind: text
// column source: id
MATCH (s:Actor)-[r]->(o)
WHERE r.known <= $known_at
// include: _resolved
RETURN s.id AS subject, r.relation AS relation, o.id AS object, r.statement AS statement, r.negated AS negated,
       r.lo AS first, hi AS last, r.lo_key AS start,
// include: _edge_end hi=hi
       AS `end`, r.kind AS kind, r.source AS source
ORDER BY subject, relation, object, first, statement
