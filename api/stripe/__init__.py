"""The toolkit of the Stripe format (`/stripe/v1`), shared by every app's `api/stripe/`:
`surface` (the surface, credentials, errors, base viewset, router), `params` (the base of
every body and query string, metadata, booleans, `expand`), `forms` (bracket notation) and
`pagination` (cursor lists)."""
