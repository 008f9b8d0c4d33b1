"""Logs: one line per event, also in development (where Django adds a console handler of its
own that would print every `django.*` line a second time)."""

import logging

from django.utils.log import configure_logging


def handlers_that_print(logger_name: str, level: int = logging.WARNING) -> list:
    record = logging.LogRecord(logger_name, level, __file__, 1, "x", None, None)
    logger, printing = logging.getLogger(logger_name), []
    while logger is not None:
        printing += [h for h in logger.handlers if h.level <= level and h.filter(record)]
        logger = logger.parent if logger.propagate else None
    return printing


def test_a_line_is_printed_once_in_development(settings):
    settings.DEBUG = True
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        for name in ("django.request", "django.server", "api.requests", "payments"):
            assert len(handlers_that_print(name)) == 1, name
    finally:
        settings.DEBUG = False
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
