"""The scopes a credential can hold; the only place their names are spelled."""

PAYMENTS_READ = "payments:read"
PAYMENTS_WRITE = "payments:write"
REFUNDS_WRITE = "refunds:write"
WEBHOOKS_MANAGE = "webhooks:manage"
API_ADMIN = "api:admin"

ALL = (PAYMENTS_READ, PAYMENTS_WRITE, REFUNDS_WRITE, WEBHOOKS_MANAGE, API_ADMIN)
CHOICES = [(scope, scope) for scope in ALL]
