"""The data the pipeline keeps: domain records, SQLModel tables and database helpers."""
