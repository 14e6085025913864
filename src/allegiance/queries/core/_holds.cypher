  AND NOT {{r}}.negated AND {{r}}.known <= $known_at AND {{r}}.lo <= $as_of_hi AND {{r}}.hi >= $as_of_lo
