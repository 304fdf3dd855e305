"""Where the school data comes from: the SS 12000 connection from settings, overridable per run."""

from __future__ import annotations

from django.conf import settings

from kring.schooldata.client import ClientSettings


class NotConfigured(Exception):
    """No SS 12000 API is configured."""


def client_settings(
    *,
    url: str = "",
    token: str = "",
    token_url: str = "",
    client_id: str = "",
    client_secret: str = "",
    timeout: float | None = None,
) -> ClientSettings:
    """The connection from the arguments, falling back to the KRING_SS12000_* settings."""
    base_url = url or settings.KRING_SS12000_URL
    if not base_url:
        raise NotConfigured("no SS 12000 API: set KRING_SS12000_URL or give --url")
    return ClientSettings(
        base_url=base_url,
        token=token or settings.KRING_SS12000_TOKEN or None,
        token_url=token_url or settings.KRING_SS12000_TOKEN_URL or None,
        client_id=client_id or settings.KRING_SS12000_CLIENT_ID or None,
        client_secret=client_secret or settings.KRING_SS12000_CLIENT_SECRET or None,
        scope=settings.KRING_SS12000_SCOPE or None,
        auth_method=settings.KRING_SS12000_AUTH_METHOD,
        client_cert=settings.KRING_SS12000_CLIENT_CERT or None,
        client_key=settings.KRING_SS12000_CLIENT_KEY or None,
        ca_bundle=settings.KRING_SS12000_CA_BUNDLE or None,
        time_zone=settings.KRING_SS12000_TIME_ZONE,
        timeout=float(timeout if timeout is not None else settings.KRING_SS12000_TIMEOUT),
    )
