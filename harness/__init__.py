"""Stand-ins for what a quarter talks to, for the tests and the benchmarks: local SMTP and SMS
servers, a Prefect server, a throwaway PostgreSQL cluster, synthetic rosters and quarters, and
the steps of a quarter run without Prefect around them. Never imported by lianjie itself."""
