"""`python -m lianjie.cli`, as the tests and benchmarks run it."""

import sys

from lianjie.cli import app

sys.exit(app())
