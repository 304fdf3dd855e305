"""The login page's single sign-on buttons."""

from __future__ import annotations

from django import template

from kring.directory.sso.config import SsoProvider, all_providers

register = template.Library()


@register.simple_tag
def sso_login_options() -> list[SsoProvider]:
    return all_providers()
