"""`{% request_id %}`: the id of the request being answered, for error pages.

Read from the context variable the outermost WSGI layer sets, so it works in templates
rendered without a request, as the 500 page is."""

from django import template

from twentytwo.traffic.request_ids import request_id_current

register = template.Library()


@register.simple_tag
def request_id() -> str:
    return request_id_current() or ""
