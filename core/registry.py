"""Plug-in points: apps register functions (in `AppConfig.ready`) that one place runs, so
that place needs no import of the apps (periodic jobs, test-data resets, demo data)."""

from collections.abc import Callable, Iterator

from django.core.exceptions import ImproperlyConfigured


class Registry:
    """Named functions, run in the order they were registered (INSTALLED_APPS order)."""

    def __init__(self, purpose: str):
        self.purpose = purpose
        self._functions: dict[str, Callable] = {}

    def register(self, name: str, function: Callable) -> None:
        if self._functions.get(name, function) is not function:
            raise ImproperlyConfigured(f"Two {self.purpose}s are named '{name}'.")
        self._functions[name] = function

    def __iter__(self) -> Iterator[tuple[str, Callable]]:
        return iter(list(self._functions.items()))
