"""Accountability reports: pure context, Jinja templates and WeasyPrint rendering."""
