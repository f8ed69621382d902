"""Find model fields that look as if they hold personal data.

A field looks personal by its type (an e-mail or IP address, free text, a JSON blob, a link
to an account) or by a word in its name. The net is wide on purpose: a field it catches
must be declared in a personal_data module, or listed there as not personal with the
reason, so that a new table with an IP address, a user agent or a name cannot arrive
unnoticed."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models

from twentytwo.privacy.declarations import Declarations

# Words that, anywhere in a field's name (split on "_"), make it look personal.
PERSONAL_NAME_WORDS = frozenset(
    {
        "email",
        "mail",
        "ip",
        "address",
        "name",
        "username",
        "first",
        "last",
        "token",
        "secret",
        "password",
        "key",
        "uid",
        "phone",
        "mobile",
        "agent",
        "referrer",
        "referer",
        "listener",
        "visitor",
        "consent",
        "session",
        "cookie",
        "login",
        "birth",
        "dob",
        "age",
        "avatar",
        "photo",
        "picture",
        "bio",
        "note",
        "comment",
        "message",
        "text",
        "body",
        "description",
        "data",
        "contact",
        "location",
        "requester",
        "subject",
        "guardian",
        "user",
        "account",
        "device",
        "fingerprint",
    }
)
# Types that hold personal data often enough to be looked at every time.
PERSONAL_FIELD_TYPES = (
    models.EmailField,
    models.GenericIPAddressField,
    models.TextField,
    models.JSONField,
)


def _points_at_a_user(model_field: models.Field) -> bool:
    related = getattr(model_field, "related_model", None)
    if related is None:
        return False
    # Unresolved while the app registry is still loading, or in an isolated one.
    label = related if isinstance(related, str) else related._meta.label
    return label.lower() == settings.AUTH_USER_MODEL.lower()


def field_looks_personal(model_field: models.Field) -> bool:
    """Say whether a concrete or many-to-many field of a model looks like personal data."""
    if isinstance(model_field, PERSONAL_FIELD_TYPES) or _points_at_a_user(model_field):
        return True
    return bool(set(model_field.name.lower().split("_")) & PERSONAL_NAME_WORDS)


def model_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the fields a model stores itself: columns and many-to-many links."""
    return [
        f for f in model._meta.get_fields() if f.concrete or (f.many_to_many and not f.auto_created)
    ]


def personal_looking_fields(
    models_to_check: list[type[models.Model]] | None = None,
) -> list[tuple[str, str]]:
    """Return (model label, field name) of every field that looks personal.

    Many-to-many link tables made by Django are left out: the field that made them is
    checked on its own model."""
    found = []
    for model in models_to_check or apps.get_models():
        for model_field in model_fields(model):
            if field_looks_personal(model_field):
                found.append((model._meta.label, model_field.name))
    return found


def undeclared_personal_fields(
    declared: Declarations, models_to_check: list[type[models.Model]] | None = None
) -> list[str]:
    """Return "label.field" of each personal-looking field neither declared nor excused."""
    return [
        f"{label}.{name}"
        for label, name in personal_looking_fields(models_to_check)
        if not declared.is_declared(label, name) and (label, name) not in declared.not_personal
    ]
