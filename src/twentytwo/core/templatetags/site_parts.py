"""`{% site_stylesheets %}`, `{% site_scripts %}` and `{% site_slot "name" %}`: what the
installed apps add to every page (core/site_parts.py)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from twentytwo.core.site_parts import SLOTS, page_parts

register = template.Library()
UNKNOWN_SLOT = "There is no page slot {name!r}; the slots are: {names}."


@register.simple_tag
def site_stylesheets() -> SafeString:
    return format_html_join(
        "\n  ",
        '<link rel="stylesheet" href="{}">',
        ((static(p),) for p in page_parts().stylesheets),
    )


@register.simple_tag
def site_scripts() -> SafeString:
    paths = page_parts().scripts
    return format_html_join(
        "\n  ", '<script src="{}" defer></script>', ((static(p),) for p in paths)
    )


@register.simple_tag(takes_context=True)
def site_slot(context, name: str) -> SafeString:
    """Draw every installed app's templates for the slot, with the context of this place."""
    if name not in SLOTS:
        raise template.TemplateSyntaxError(UNKNOWN_SLOT.format(name=name, names=", ".join(SLOTS)))
    engine = context.template.engine
    drawn = []
    for template_name in page_parts().slots[name]:
        with context.push():
            drawn.append(engine.get_template(template_name).render(context))
    return mark_safe("".join(drawn))  # noqa: S308 (templates rendered with autoescaping)
