"""OAuth2 clients, the authorization codes they are granted and the tokens they hold."""

from django.db import models
from django.utils import timezone

from accounts.models import Account


class OAuthClient(models.Model):
    """A registered OAuth2 application; its tokens act for `account`."""

    client_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="oauth_clients")
    secret_hash = models.CharField(
        max_length=256, editable=False,
        help_text="`hmac-sha256$<hex>`: an HMAC of the client secret keyed from SECRET_KEY. "
                  "Rows from before 0007 hold a Django password hash until their next "
                  "successful use re-hashes them.")
    redirect_uris = models.JSONField(default=list, blank=True,
                                     help_text="Exact redirect URIs; no prefix or pattern.")
    allowed_scopes = models.JSONField(default=list, blank=True)
    allowed_grants = models.JSONField(default=list, blank=True)
    require_pkce = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    secret_rotated_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="Tokens issued before this moment no longer authenticate.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "OAuth client"
        permissions = [("rotate_secret_oauthclient", "Can rotate OAuth client secrets")]

    def __str__(self):
        return f"{self.name} ({self.client_id})"

    def trusts(self, issued_at) -> bool:
        """Whether a token issued at `issued_at` still works: none does while the client is
        deactivated, and rotating its secret ends those issued before, for good."""
        return self.is_active and (self.secret_rotated_at is None
                                   or issued_at > self.secret_rotated_at)


class OAuthGrant(models.Model):
    """An authorization code (stored as its hash): single use, short-lived."""

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, related_name="grants")
    redirect_uri = models.CharField(max_length=2048)
    scopes = models.JSONField(default=list)
    code_challenge = models.CharField(max_length=128, blank=True, default="")
    code_challenge_method = models.CharField(max_length=10, blank=True, default="")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "OAuth authorization code"

    def __str__(self):
        return f"code for {self.client.client_id} ({', '.join(self.scopes)})"


class OAuthToken(models.Model):
    """An access token and, usually, its refresh token (both stored as hashes).

    Rotation issues a new row in the same `family`; presenting a rotated refresh token
    again revokes the whole family (refresh-token replay detection, RFC 9700 §4.14.2).
    """

    client = models.ForeignKey(OAuthClient, on_delete=models.CASCADE, related_name="tokens")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    grant = models.ForeignKey(OAuthGrant, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="tokens")
    family = models.UUIDField(db_index=True)
    scopes = models.JSONField(default=list)
    access_hash = models.CharField(max_length=64, unique=True, editable=False)
    access_expires_at = models.DateTimeField()
    refresh_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                    editable=False)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "OAuth token"
        permissions = [("revoke_oauthtoken", "Can revoke OAuth tokens")]

    def __str__(self):
        return f"token of {self.client.client_id} ({', '.join(self.scopes)})"

    @property
    def effective_scopes(self) -> list[str]:
        """Its scopes that its client may still grant: narrowing a client narrows its tokens."""
        return [scope for scope in self.scopes if scope in self.client.allowed_scopes]

    @property
    def access_is_active(self) -> bool:
        return (self.revoked_at is None and self.access_expires_at > timezone.now()
                and self.client.trusts(self.created_at))

    @property
    def refresh_is_active(self) -> bool:
        return (
            self.refresh_hash is not None
            and self.client.trusts(self.created_at)
            and self.revoked_at is None
            and self.refresh_used_at is None
            and self.refresh_expires_at is not None
            and self.refresh_expires_at > timezone.now()
        )
