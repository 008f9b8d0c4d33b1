"""Query ceilings: how many statements a block of code may send, and how many of them touch
data (the "queries per request" of the performance targets)."""

import contextlib

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def data_statements(captured_queries) -> list[str]:
    """The SQL of the captured statements that are not transaction control."""
    return [q["sql"] for q in captured_queries
            if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]


def query_ceilings(django_assert_max_num_queries):
    """`check(statements=, queries=)`: a context manager asserting two ceilings on the block
    (every statement sent, transaction control included; and the data statements among
    them: SELECT, INSERT, UPDATE, DELETE). Yields the captured queries."""

    @contextlib.contextmanager
    def check(*, statements: int, queries: int):
        with django_assert_max_num_queries(statements) as captured:
            yield captured
        data = data_statements(captured.captured_queries)
        assert len(data) <= queries, "\n".join(data)

    return check
