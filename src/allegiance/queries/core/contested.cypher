// name: contested
// question: Which relations are both affirmed and denied over the period?
// Its sources are those of the denying statements too.
// include: _relation_columns
// include: _known_edges
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
WITH s, r.relation AS relation, o,
     collect(DISTINCT r.source) AS cited,
// include: _evidence hi=hi
WHERE affirmed > 0 AND size(denials) > 0
RETURN s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, cited AS sources, statements, denials, true AS contested
ORDER BY relation, subject_name, object_name, subject, object
