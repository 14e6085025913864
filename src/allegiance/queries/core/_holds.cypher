  AND NOT {{r}}.negated AND
// include: _in_period r={{r}}
