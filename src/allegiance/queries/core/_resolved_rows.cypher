// The relation rows over the period, exclusive ones superseded.
// include: _resolved
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
// include: _relation_rows hi=hi
