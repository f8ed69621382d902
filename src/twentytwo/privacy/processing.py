"""The record of processing activities (GDPR art. 30), built from the declarations.

One activity per purpose: its legal bases, the people concerned, the categories of data
with the fields that hold them, who receives them and how long each is kept. Nothing here
is written by hand, so the record cannot drift from what the tables hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from twentytwo.privacy.declarations import Declarations, FieldDeclaration, declarations
from twentytwo.privacy.vocabulary import CATEGORIES, LEGAL_BASES, PURPOSES, SUBJECTS


@dataclass
class DeclaredField:
    label: str
    name: str
    category: str
    legal_basis: str
    retention: list[str]
    note: str


@dataclass
class ProcessingActivity:
    key: str
    purpose: str
    legal_bases: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    retention: list[str] = field(default_factory=list)
    fields: list[DeclaredField] = field(default_factory=list)


def _field_entry(declaration: FieldDeclaration) -> DeclaredField:
    model = apps.get_model(declaration.model_label)
    model_field = model._meta.get_field(declaration.name)
    verbose = getattr(model_field, "verbose_name", declaration.name)
    return DeclaredField(
        label=declaration.label,
        name=f"{model._meta.verbose_name}: {verbose}",
        category=str(CATEGORIES[declaration.category]),
        legal_basis=str(LEGAL_BASES[declaration.legal_basis]),
        retention=[rule.describe() for rule in declaration.retention],
        note=declaration.note,
    )


def _add_once(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def processing_record(declared: Declarations | None = None) -> list[ProcessingActivity]:
    """Return one activity per declared purpose, in the vocabulary's order."""
    declared = declared or declarations()
    activities = {
        key: ProcessingActivity(key=key, purpose=str(label)) for key, label in PURPOSES.items()
    }
    for declaration in declared.fields():
        activity = activities[declaration.purpose]
        _add_once(activity.legal_bases, str(LEGAL_BASES[declaration.legal_basis]))
        for subject in declaration.subjects:
            _add_once(activity.subjects, str(SUBJECTS[subject]))
        _add_once(activity.categories, str(CATEGORIES[declaration.category]))
        for rule in declaration.retention:
            _add_once(activity.retention, f"{declaration.model_label}: {rule.describe()}")
        activity.fields.append(_field_entry(declaration))
    return [activity for activity in activities.values() if activity.fields]
