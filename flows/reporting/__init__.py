"""The reports stage: a quarter's accountability reports, from the plan to the PDFs in the
operator's hands. Its calls go one way, top to bottom:

- `accountability` — the accountability-reports deployment: the quarter's moment, the plan,
  rendering here or on the pool, recording and queueing the reports for their readers;
- `published` — what the run shows in the Prefect UI: its summary, a table, a link per report;
- `fanout` — the units in chunks, each a render-reports run on the work pool, retried and
  watched (`chunks` decides each next step, knowing nothing of Prefect);
- `render_chunk` — the render-reports deployment: one chunk of units;
- `parts` — the plan and each part's facts, loaded once;
- `rendering` — one chunk rendered and recorded.
"""
