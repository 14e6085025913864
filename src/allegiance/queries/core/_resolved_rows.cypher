// The relation rows over the period, exclusive ones superseded. After `_in_period r=r` has
// picked the edges: a successor ends an edge sooner, never later, so no edge outside the
// period comes in, and only the period's edges are resolved (at 1M statements, a third).
// include: _resolved
WHERE r.lo <= $as_of_hi AND hi >= $as_of_lo
// include: _relation_rows hi=hi
