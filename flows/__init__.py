"""The quarterly rhythm as Prefect flows: cycle, dispatch, collect, reports."""

# Prefect loads a deployment's entrypoint by path and puts flows/ on sys.path, so no module here
# may share a name with a top-level package (reports, models, policy, intake, delivery).
