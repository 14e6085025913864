// name: changes
// question: Which relations hold at one date but not at another (added) or the reverse (removed)?
// A relation holds at a date when an affirming statement overlaps that date's span;
// exclusive relations (controls) end when a successor starts, as in `control`.
// param from: date             the earlier date (YYYY, YYYY-MM or YYYY-MM-DD)
// param to: date               the later date
// column change: text           added (holds at `to`, not at `from`) or removed
// Start, end and the evidence are those of the statements at `to` (added) or at `from`
// (removed), and contested means denied at the date that counts.
// include: _relation_columns
// include: _known_edges
WITH s, o, r, hi,
     CASE WHEN r.lo <= $from_hi AND hi >= $from_lo THEN 1 ELSE 0 END AS at_from,
     CASE WHEN r.lo <= $to_hi AND hi >= $to_lo THEN 1 ELSE 0 END AS at_to
WHERE at_from + at_to > 0
// In a changed relation no affirming statement holds at both dates, so the affirming
// statements kept here are exactly those at the date that counts.
WITH s, r.relation AS relation, o,
     sum(CASE WHEN r.negated THEN 0 ELSE at_from END) AS held_from,
     sum(CASE WHEN r.negated THEN 0 ELSE at_to END) AS held_to,
     collect(CASE WHEN r.negated AND at_from = 1 THEN r.statement ELSE null END) AS denied_from,
     collect(CASE WHEN r.negated AND at_to = 1 THEN r.statement ELSE null END) AS denied_to,
// include: _affirming hi=hi
WHERE (held_from = 0 AND held_to > 0) OR (held_from > 0 AND held_to = 0)
WITH s, relation, o, held_to, start, last, kinds, sources, statements,
     CASE WHEN held_to > 0 THEN denied_to ELSE denied_from END AS denials
RETURN CASE WHEN held_to > 0 THEN 'added' ELSE 'removed' END AS change,
       s.id AS subject, s.name AS subject_name, relation, o.id AS object, o.name AS object_name,
       start, last AS `end`, kinds, sources, statements, denials, size(denials) > 0 AS contested
ORDER BY change, relation, subject, object
