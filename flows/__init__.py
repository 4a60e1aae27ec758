"""The quarterly rhythm as Prefect flows: cycle, dispatch, collect, reports."""
