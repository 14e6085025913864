"""Pure analysis functions over query rows: the situation report."""
