// Every edge known by --known-at (rule 1), each with its last day `hi` (_resolved, rule 3),
// in shares by its subject `s` (_share): for whole-graph answers over one or two dates.
MATCH (s:Actor)-[r]->(o)
WHERE
// include: _share n=s
      r.known <= $known_at
// include: _resolved
