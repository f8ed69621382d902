"""`{% cookie_purposes_version %}`: the policy version whose cookie purposes are asked now.

The banner carries it, the same for every visitor, and consent.js asks again a browser
whose choice answered an older one."""

from django import template

from twentytwo.privacy.selectors.policy import cookie_purposes_version as _version

register = template.Library()


@register.simple_tag
def cookie_purposes_version() -> int:
    return _version()
