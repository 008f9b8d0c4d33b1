"""The suite's fixtures are plugins of tests/support/ (helpers are imported from there too)."""

pytest_plugins = ["tests.support.fixtures", "tests.support.databases"]
