"""The simulator: a synthetic city, population and incidents, and capacity/system runs."""
