// One row per subject, relation and object; the slot `hi` names each edge's last day (_affirming).
WITH s, r.relation AS relation, o,
// include: _evidence hi={{hi}}
WHERE affirmed > 0
RETURN s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
