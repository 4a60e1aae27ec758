"""Column names other tools rely on, where more than one output writes them: the outstanding
export's, which a unit report's embedded standings also use."""

OUTSTANDING_COLUMNS = [
    "employee_id",
    "name",
    "unit_code",
    "track",
    "programme",
    "standing",
    "due_on",
    "placed",
]
