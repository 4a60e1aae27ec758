"""Reading roster and completion files, as people really send them, into validated rows + rejects."""
