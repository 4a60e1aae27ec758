"""lianjie: the quarterly integrity-education cycle for cadres."""
