"""Pure rules from the education policy: tracks, schedules, reminders. No database, no Prefect."""
