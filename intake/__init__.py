"""Reading roster and completion files, as people send them, into validated rows and rejects."""
