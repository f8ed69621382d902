"""What the tests of the production stack share: they run once, in the PostgreSQL round."""

import os

import pytest

# The server the stack's own databases are made on (the suite's, in CI).
PG = os.environ.get("TWENTYTWO_TEST_PG", "postgres://postgres@127.0.0.1:5432")

# The stack runs on PostgreSQL whatever the suite's database is, so its tests run in the
# round that has one (DATABASE_URL=postgres://... make test), as CI's second round does.
POSTGRES_ROUND = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the production stack runs in the PostgreSQL round",
    ),
]
