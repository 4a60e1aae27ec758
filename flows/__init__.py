"""The quarterly rhythm as Prefect flows: cycle, dispatch, collect, reports."""

# Prefect loads a deployment's entrypoint by path and puts flows/ on sys.path, so no module here
# may share a name with a top-level package (reports, models, policy, intake, delivery).

import gc

# Python's cycle collector runs after every 700 new objects and, every hundred runs, walks every
# object alive. A province's quarter keeps millions alive (records, send keys, rows to store),
# and those walks were a fifth of planning its messages and of importing its roster; what a
# stage makes is nearly never a cycle. Every process that runs a flow imports this package
# (flow modules import flows.common), and the report renderers it forks inherit the setting.
gc.set_threshold(100_000, 50, 50)
