"""Domain-wide primitives with no HTTP in them; every other package may import this one."""
