"""System checks: every app's site parts name a known slot, a template and static files that
exist (core/site_parts.py)."""

from django.contrib.staticfiles import finders
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from twentytwo.core.site_parts import SLOTS, declared_site_parts


@checks.register(checks.Tags.templates)
def site_parts_exist(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for label, parts in declared_site_parts():
        for slot, names in parts.slots.items():
            if slot not in SLOTS:
                errors.append(
                    checks.Error(
                        f"{label} adds to the unknown page slot {slot!r}.",
                        hint=f"Use one of: {', '.join(SLOTS)}.",
                        id="core.E001",
                    )
                )
            for name in names:
                try:
                    get_template(name)
                except TemplateDoesNotExist:
                    errors.append(
                        checks.Error(f"{label}'s site part {name} is no template.", id="core.E002")
                    )
        for path in (*parts.stylesheets, *parts.scripts):
            if finders.find(path) is None:
                errors.append(
                    checks.Error(f"{label}'s site part {path} is no static file.", id="core.E003")
                )
    return errors
