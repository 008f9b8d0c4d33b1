"""The test settings, but a locked SQLite database is an error after 0.1 s instead of 20 s:
for a worker process that a test locks its database against for a few seconds."""

from config.settings_test import *  # noqa: F403

DATABASES["default"]["OPTIONS"]["timeout"] = 0.1  # noqa: F405
