// The relation rows over the period for a type nothing supersedes (each edge r keeps its own
// last day): rules 1, 2 and 6, then one row per relation. After a WHERE or an AND.
// include: _in_period r=r
// include: _relation_rows hi=r.hi
