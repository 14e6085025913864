// Rule 3: a new holder of an exclusive relation ends another's open hold the day before; `hi`
// is the edge's last day after that. Successors are matched on the exclusive types' labels,
// from the vocabulary: an untyped pattern pairs every edge with every other into the node.
OPTIONAL MATCH (b:Actor)-[r2:{{exclusive}}]->(o)
WHERE r.exclusive AND NOT r.negated AND r2.relation = r.relation AND b.id <> s.id
  AND NOT r2.negated AND r2.known <= $known_at AND r2.lo > r.lo
WITH s, o, r, min(r2.lo) AS next_lo
WITH s, o, r, CASE WHEN next_lo IS NOT NULL AND next_lo <= r.hi THEN next_lo - 1 ELSE r.hi END AS hi
