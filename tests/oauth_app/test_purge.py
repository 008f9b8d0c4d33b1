"""Expired and used codes, and dead tokens, are purged `OAUTH_RETENTION` after they stopped
working, by the periodic jobs; nothing that still works, or may still be replayed, is."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.periodic import PERIODIC_JOBS, run_periodic_jobs
from oauth_app import services
from oauth_app.models import OAuthClient, OAuthGrant, OAuthToken

DAY = timedelta(days=1)


@pytest.fixture
def my_app(demo, settings):
    settings.OAUTH_RETENTION = 7 * DAY
    return OAuthClient.objects.get(client_id="my_app")


def grant(client, name, *, expired=None, used=None):
    row = services.oauth_grant_create(client=client, code=name, redirect_uri="https://x",
                                      scopes=[])
    now = timezone.now()
    OAuthGrant.objects.filter(pk=row.pk).update(
        expires_at=now - expired if expired else row.expires_at,
        used_at=now - used if used else None)
    return name


def token(client, name, *, access_expired=None, refresh=True, refresh_expired=None,
          revoked=None):
    row = services.oauth_token_issue(client=client, scopes=[], access_token=f"tok_{name}",
                                     expires_in=3600,
                                     refresh_token=f"rtok_{name}" if refresh else None)
    now = timezone.now()
    fields = {"family": row.family}
    if access_expired:
        fields["access_expires_at"] = now - access_expired
    if refresh_expired:
        fields["refresh_expires_at"] = now - refresh_expired
    if revoked:
        fields["revoked_at"] = now - revoked
    OAuthToken.objects.filter(pk=row.pk).update(**fields)
    return row.pk


def test_the_jobs_are_registered(demo):
    assert {"oauth_grants_purged", "oauth_tokens_purged"} <= {name for name, _ in PERIODIC_JOBS}


def test_codes_are_purged_after_the_retention(my_app):
    grant(my_app, "old", expired=8 * DAY)
    grant(my_app, "old_and_used", expired=8 * DAY, used=8 * DAY)
    kept = {grant(my_app, "recent", expired=6 * DAY), grant(my_app, "live"),
            grant(my_app, "used_recently", expired=DAY, used=DAY)}
    done = run_periodic_jobs(grace=timedelta(minutes=5))
    assert done["oauth_grants_purged"] == 2
    assert OAuthGrant.objects.count() == len(kept)
    assert run_periodic_jobs()["oauth_grants_purged"] == 0


def test_dead_tokens_are_purged_after_the_retention(my_app):
    purged = {
        token(my_app, "revoked_long_ago", revoked=8 * DAY),
        token(my_app, "expired_no_refresh", access_expired=8 * DAY, refresh=False),
        token(my_app, "both_expired", access_expired=40 * DAY, refresh_expired=8 * DAY),
    }
    kept = {
        token(my_app, "live"),
        token(my_app, "revoked_recently", revoked=DAY),
        token(my_app, "expired_recently", access_expired=6 * DAY, refresh=False),
        # a refresh token still valid (maybe rotated: its replay must still be recognised)
        token(my_app, "refreshable", access_expired=8 * DAY),
        token(my_app, "refresh_expired_recently", access_expired=40 * DAY,
              refresh_expired=6 * DAY),
    }
    assert services.oauth_tokens_purge(grace=timedelta(minutes=5)) == len(purged)
    assert set(OAuthToken.objects.values_list("pk", flat=True)) == kept
    assert services.oauth_tokens_purge(grace=timedelta(minutes=5)) == 0
