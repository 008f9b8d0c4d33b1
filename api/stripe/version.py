"""The Stripe API version the sandbox renders: the one stripe-python 16.1 pins
(`stripe.api_version`). Its events carry it (`api_version`), and an answer that was not
asked for a version says it (`Stripe-Version`). The SDKs read it, never check it."""

API_VERSION = "2026-10-28.endive"
