"""What the export holds, read from the personal-data declarations (DESIGN.md 5.4).

Every declared model whose rows belong to an account is a section; every declared field of
it is a column, labelled with its category, purpose, legal basis and retention as the
record of processing states them. Nothing is listed here by hand: a field declared
tomorrow is exported tomorrow.

Three kinds of field are named in the export but their values left out, and the export
says why: sign-in secrets (a leaked file must not sign anyone in); fields about other
people only (a guardian's address, an authority's officer); and, in a field that names an
account, any account but the listener's own (a staff member who handled a request)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twentytwo.privacy.declarations import FieldDeclaration, ModelDeclaration, declarations
from twentytwo.privacy.vocabulary import CATEGORIES, LEGAL_BASES, PURPOSES

# The people an account can belong to; a field about none of them is someone else's.
ACCOUNT_HOLDERS = frozenset({"listeners", "staff", "browsers", "curators"})
# Sign-in secrets: password hashes, provider tokens, session keys.
SECRET_CATEGORY = "credentials"  # noqa: S105 (a category's name, not a secret)

# Tables whose rows name the account but are answered by the privacy officer, not the
# automatic export, with the reason the export gives.
WITHHELD_MODELS = {
    "privacy.LegalDisclosure": gettext_lazy(
        "Releases to authorities are not part of the automatic export: an authority may "
        "have ordered us to keep a request confidential for a time. Ask us and the privacy "
        "officer answers within a month, as the law allows."
    ),
}
# Audit events of these kinds follow the table they belong to.
WITHHELD_AUDIT_KINDS = ("legal_disclosure",)
WITHHELD_FIELDS = {
    ("admin.LogEntry", "object_repr"): gettext_lazy(
        "how a changed row presents itself, which may be someone else's name"
    ),
    ("admin.LogEntry", "change_message"): gettext_lazy("may name rows of someone else's"),
}


@dataclass(frozen=True)
class ExportField:
    """One declared field as the export presents it."""

    name: str
    label: str
    category: str
    purpose: str
    legal_basis: str
    retention: str
    withheld: str = ""
    note: str = ""


@dataclass
class ExportSection:
    """The rows of one table that belong to the account, with what each column means."""

    model_label: str
    title: str
    fields: list[ExportField]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def shown_fields(self) -> list[ExportField]:
        return [f for f in self.fields if not f.withheld]


@dataclass(frozen=True)
class ExportSource:
    """Where the export reads one section: a declared model and the path to its account.

    The collector interface: the export knows nothing of declarations beyond this."""

    declaration: ModelDeclaration

    @property
    def label(self) -> str:
        return self.declaration.label


def export_sources() -> list[ExportSource]:
    """Return every declared model whose rows belong to an account, in declaration order."""
    return [
        ExportSource(declaration=declaration)
        for declaration in declarations().models.values()
        if declaration.owner is not None and declaration.label not in WITHHELD_MODELS
    ]


def _is_account_reference(model_field: models.Field) -> bool:
    if model_field.is_relation:
        return model_field.related_model is not None and (
            model_field.related_model._meta.label == settings.AUTH_USER_MODEL
        )
    return isinstance(model_field, models.IntegerField) and model_field.name.endswith("user_id")


def _withheld_reason(label: str, declared: FieldDeclaration) -> str:
    if declared.category == SECRET_CATEGORY:
        return _("a sign-in secret: anyone holding the file could use it")
    if not set(declared.subjects) & ACCOUNT_HOLDERS:
        return _("about someone else, not about you")
    return str(WITHHELD_FIELDS.get((label, declared.name), ""))


def _export_field(source: ExportSource, declared: FieldDeclaration) -> ExportField:
    model_field = source.declaration.model._meta.get_field(declared.name)
    return ExportField(
        name=declared.name,
        label=str(getattr(model_field, "verbose_name", declared.name)),
        category=str(CATEGORIES[declared.category]),
        purpose=str(PURPOSES[declared.purpose]),
        legal_basis=str(LEGAL_BASES[declared.legal_basis]),
        retention="; ".join(rule.describe() for rule in declared.retention),
        withheld=_withheld_reason(source.label, declared),
        note=_("only your own account is shown") if _is_account_reference(model_field) else "",
    )


def _plain(value: Any) -> Any:
    """Return `value` as JSON can hold it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _queryset(source: ExportSource, user_id: int, fields: list[ExportField]) -> models.QuerySet:
    model = source.declaration.model
    rows = model._default_manager.filter(**{source.declaration.owner: user_id})
    if source.label == "privacy.AuditEvent":
        rows = rows.exclude(kind__in=WITHHELD_AUDIT_KINDS)
    related = []
    many = []
    for export_field in fields:
        model_field = model._meta.get_field(export_field.name)
        if model_field.many_to_many or model_field.one_to_many:
            many.append(export_field.name)
        elif model_field.is_relation and not _is_account_reference(model_field):
            related.append(export_field.name)
    if related:
        rows = rows.select_related(*related)
    return rows.prefetch_related(*many).order_by("pk")


@cache
def _about_others(model_label: str) -> bool:
    """True when a model's rows hold personal data of people other than account holders,
    beyond what is published on purpose (an artist's name is; a requester's address is not)."""
    declaration = declarations().models.get(model_label)
    return declaration is not None and any(
        not set(declared.subjects) & ACCOUNT_HOLDERS and declared.category != "editorial"
        for declared in declaration.fields.values()
    )


def _value(row: models.Model, model_field: models.Field, user_id: int) -> Any:
    if _is_account_reference(model_field):
        if model_field.many_to_many:
            ids = [other.pk for other in getattr(row, model_field.name).all()]
            return [user_id] if user_id in ids else []
        raw = getattr(row, model_field.attname)
        return raw if raw == user_id else None
    if model_field.many_to_many:
        return [str(other) for other in getattr(row, model_field.name).all()]
    if model_field.is_relation:
        related = getattr(row, model_field.name)
        if related is None:
            return None
        if _about_others(related._meta.label):
            return {"id": related.pk}
        return {"id": related.pk, "text": str(related)}
    return _plain(getattr(row, model_field.attname))


def export_section_read(*, source: ExportSource, user: AbstractBaseUser) -> ExportSection:
    """Read one section: the rows of the source's table that belong to `user`."""
    model = source.declaration.model
    fields = [_export_field(source, d) for d in source.declaration.fields.values()]
    shown = [(f.name, model._meta.get_field(f.name)) for f in fields if not f.withheld]
    rows = [
        {name: _value(row, model_field, user.pk) for name, model_field in shown}
        for row in _queryset(source, user.pk, [f for f in fields if not f.withheld])
    ]
    return ExportSection(
        model_label=source.label,
        title=str(model._meta.verbose_name_plural),
        fields=fields,
        rows=rows,
    )
