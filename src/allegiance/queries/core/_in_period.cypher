// Rules 1, 2 and 6: known by --known-at, overlapping the --as-of period.
{{r}}.known <= $known_at AND {{r}}.lo <= $as_of_hi AND {{r}}.hi >= $as_of_lo
