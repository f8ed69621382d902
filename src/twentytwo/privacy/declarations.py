"""Every field that holds personal data, declared by the app that owns it.

Each app may have a `personal_data` module with two plain dicts and no imports, found here
through the app registry the way the admin finds `admin` modules; so an app declares its
data without depending on privacy (audience must not):

    PERSONAL_DATA = {
        "favorites.Favorite": {
            "owner": "user",              # lookup from a row to its account number; None
                                          # when rows are never tied to an account
            "subjects": ["listeners"],    # keys of vocabulary.SUBJECTS
            "purpose": "favorites",       # key of vocabulary.PURPOSES
            "legal_basis": "contract",    # key of vocabulary.LEGAL_BASES
            "retention": {"while": "account"},   # one rule or a list, see below
            "fields": {
                "user": "online_identifier",     # a category (vocabulary.CATEGORIES) ...
                "track": {"category": "favorites", "note": "..."},  # ... or a dict that may
            },                                   # override purpose, legal basis, retention
        },
    }
    NOT_PERSONAL = {"catalog.City.name": "a city's name"}   # reviewed, with the reason

A retention rule is one of
    {"while": "account"}                      kept while the account exists, gone at erasure
    {"kept": "why"}                           kept without a time limit, for the stated reason
    {"days": 30, "after": "created_at"}       removed this long after the row's (or a
    {"days_setting": "NAME", "after": ...}    related row's) time; the period may come from a
    {"seconds_setting": "NAME", "after": ...} setting, read when the rule is applied
with optional "where" (lookups the rows must also match), "applied_by" (the dotted path of
the owning app's own function, called as f(now=...) and returning the number removed, for
data with safeguards of its own) and "note". On a model, a timed rule deletes rows; on a
field, it empties the field.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _

from twentytwo.privacy.vocabulary import CATEGORIES, LEGAL_BASES, PURPOSES, SUBJECTS

MODULE_NAME = "personal_data"
TIMED_KEYS = ("days", "days_setting", "seconds_setting")
RULE_KEYS = {"while", "kept", *TIMED_KEYS, "after", "where", "applied_by", "note"}
FIELD_KEYS = {"category", "purpose", "legal_basis", "retention", "subjects", "note"}
MODEL_KEYS = {"owner", "subjects", "purpose", "legal_basis", "retention", "fields", "note"}


@dataclass(frozen=True)
class RetentionRule:
    """How long something is kept, and how it goes."""

    while_: str = ""
    kept: str = ""
    days: int | None = None
    days_setting: str = ""
    seconds_setting: str = ""
    after: str = ""
    where: tuple[tuple[str, Any], ...] = ()
    applied_by: str = ""
    note: str = ""

    @property
    def is_timed(self) -> bool:
        return bool(self.after)

    def period(self) -> timedelta:
        """Return the retention period, reading its setting now (never at import)."""
        if self.days_setting:
            return timedelta(days=getattr(settings, self.days_setting))
        if self.seconds_setting:
            return timedelta(seconds=getattr(settings, self.seconds_setting))
        return timedelta(days=self.days or 0)

    def cutoff(self, now: datetime) -> datetime:
        return now - self.period()

    def describe(self) -> str:
        """Say the rule in a sentence for the record of processing."""
        if self.while_:
            text = _("kept while the account exists; erased with it")
        elif self.kept:
            text = _("kept without a time limit: %(reason)s") % {"reason": self.kept}
        else:
            period = self.period()
            if period.days >= 1 and period.seconds == 0:
                amount = _("%(days)d days") % {"days": period.days}
            else:
                amount = _("%(hours)d hours") % {"hours": period.total_seconds() // 3600}
            if period:
                text = _("removed %(amount)s after %(after)s") % {
                    "amount": amount,
                    "after": self.after.replace("__", " → ").replace("_", " "),
                }
            else:
                text = _("removed once %(after)s has passed") % {
                    "after": self.after.replace("_", " ")
                }
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class FieldDeclaration:
    model_label: str
    name: str
    category: str
    purpose: str
    legal_basis: str
    subjects: tuple[str, ...]
    retention: tuple[RetentionRule, ...]
    # True when the field has a retention of its own, applied by emptying the field.
    own_retention: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.model_label}.{self.name}"


@dataclass(frozen=True)
class ModelDeclaration:
    label: str
    declared_in: str
    owner: str | None
    retention: tuple[RetentionRule, ...]
    fields: dict[str, FieldDeclaration] = field(default_factory=dict)
    note: str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


@dataclass(frozen=True)
class Declarations:
    models: dict[str, ModelDeclaration]
    not_personal: dict[tuple[str, str], str]

    def fields(self) -> list[FieldDeclaration]:
        return [f for declaration in self.models.values() for f in declaration.fields.values()]

    def is_declared(self, model_label: str, field_name: str) -> bool:
        declaration = self.models.get(model_label)
        return declaration is not None and field_name in declaration.fields


class DeclarationError(ImproperlyConfigured):
    """A personal_data module says something that cannot be true of the models."""


def _fail(where: str, message: str) -> DeclarationError:
    return DeclarationError(f"{where}: {message}")


def _lookup_path_check(model: type[models.Model], path: str, where: str) -> None:
    """Check that each step of a lookup path ("account__user") is a field."""
    current = model
    for step in path.split("__"):
        if step == "pk":
            return
        try:
            found = current._meta.get_field(step)
        except FieldDoesNotExist:
            raise _fail(where, f"{model._meta.label} has no field path {path!r}") from None
        if found.is_relation and found.related_model is not None:
            current = found.related_model


def _rule(raw: Any, model: type[models.Model], where: str) -> RetentionRule:
    if not isinstance(raw, dict) or not raw:
        raise _fail(where, "a retention rule is a dict")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise _fail(where, f"unknown retention keys {sorted(unknown)}")
    kinds = [k for k in ("while", "kept", *TIMED_KEYS) if k in raw]
    if len(kinds) != 1:
        raise _fail(where, f"say exactly one of while, kept, {', '.join(TIMED_KEYS)}")
    if "while" in raw and raw["while"] != "account":
        raise _fail(where, 'the only "while" is "account"')
    if "kept" in raw and not str(raw["kept"]).strip():
        raise _fail(where, '"kept" needs the reason')
    timed = kinds[0] in TIMED_KEYS
    if timed != ("after" in raw):
        raise _fail(where, 'a period needs "after" (the time it counts from), and only a period')
    if "days" in raw and (not isinstance(raw["days"], int) or raw["days"] < 0):
        raise _fail(where, '"days" is a whole number of days, 0 or more')
    for key in ("days_setting", "seconds_setting"):
        if key in raw and not hasattr(settings, raw[key]):
            raise _fail(where, f"there is no setting {raw[key]!r}")
    if timed:
        _lookup_path_check(model, raw["after"], where)
    where_lookups = raw.get("where", {})
    if not isinstance(where_lookups, dict):
        raise _fail(where, '"where" is a dict of lookups')
    for lookup in where_lookups:
        _lookup_path_check(model, lookup.split("__")[0], where)
    return RetentionRule(
        while_=raw.get("while", ""),
        kept=str(raw.get("kept", "")),
        days=raw.get("days"),
        days_setting=raw.get("days_setting", ""),
        seconds_setting=raw.get("seconds_setting", ""),
        after=raw.get("after", ""),
        where=tuple(sorted(where_lookups.items())),
        applied_by=raw.get("applied_by", ""),
        note=raw.get("note", ""),
    )


def _rules(raw: Any, model: type[models.Model], where: str) -> tuple[RetentionRule, ...]:
    raw_rules = raw if isinstance(raw, list) else [raw]
    return tuple(_rule(r, model, where) for r in raw_rules)


def _vocabulary_check(value: Any, vocabulary: dict, what: str, where: str) -> None:
    if value not in vocabulary:
        raise _fail(where, f"unknown {what} {value!r}; one of {sorted(vocabulary)}")


def _model_declaration(label: str, raw: dict, declared_in: str) -> ModelDeclaration:
    where = f"{declared_in}: {label}"
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise _fail(where, "no such installed model") from None
    unknown = set(raw) - MODEL_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}")
    if "owner" not in raw:
        raise _fail(where, 'say "owner": the lookup to the account, or None')
    if raw["owner"] is not None:
        _lookup_path_check(model, raw["owner"], where)
    model_rules = _rules(raw["retention"], model, where) if "retention" in raw else ()
    fields = {}
    for name, spec in (raw.get("fields") or {}).items():
        field_where = f"{where}.{name}"
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            raise _fail(field_where, "no such field") from None
        spec = {"category": spec} if isinstance(spec, str) else dict(spec)
        if set(spec) - FIELD_KEYS:
            raise _fail(field_where, f"unknown keys {sorted(set(spec) - FIELD_KEYS)}")
        merged = {
            key: spec.get(key, raw.get(key)) for key in ("purpose", "legal_basis", "subjects")
        }
        missing = [key for key in ("purpose", "legal_basis", "subjects") if not merged[key]]
        if not spec.get("category"):
            missing.insert(0, "category")
        if missing:
            raise _fail(field_where, f"missing {missing}")
        _vocabulary_check(spec["category"], CATEGORIES, "category", field_where)
        _vocabulary_check(merged["purpose"], PURPOSES, "purpose", field_where)
        _vocabulary_check(merged["legal_basis"], LEGAL_BASES, "legal basis", field_where)
        for subject in merged["subjects"]:
            _vocabulary_check(subject, SUBJECTS, "subject", field_where)
        field_rules = _rules(spec["retention"], model, field_where) if "retention" in spec else ()
        if not (field_rules or model_rules):
            raise _fail(field_where, "no retention, on the field or its model")
        fields[name] = FieldDeclaration(
            model_label=label,
            name=name,
            category=spec["category"],
            purpose=merged["purpose"],
            legal_basis=merged["legal_basis"],
            subjects=tuple(merged["subjects"]),
            retention=field_rules or model_rules,
            own_retention=bool(field_rules),
            note=spec.get("note", ""),
        )
    if not fields:
        raise _fail(where, "declares no fields")
    return ModelDeclaration(
        label=label,
        declared_in=declared_in,
        owner=raw["owner"],
        retention=model_rules,
        fields=fields,
        note=raw.get("note", ""),
    )


def _personal_data_modules() -> list[Any]:
    found = []
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.{MODULE_NAME}"
        # find_spec, not a try around the import: an ImportError inside the module must show.
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def declarations_load(modules: list[Any] | None = None) -> Declarations:
    """Read and check the declarations of `modules` (every app's personal_data by default)."""
    declared: dict[str, ModelDeclaration] = {}
    not_personal: dict[tuple[str, str], str] = {}
    for module in _personal_data_modules() if modules is None else modules:
        for label, raw in getattr(module, "PERSONAL_DATA", {}).items():
            if label in declared:
                raise _fail(
                    module.__name__, f"{label} is declared in {declared[label].declared_in}"
                )
            declared[label] = _model_declaration(label, raw, module.__name__)
        for dotted, reason in getattr(module, "NOT_PERSONAL", {}).items():
            label, _dot, name = dotted.rpartition(".")
            where = f"{module.__name__}: NOT_PERSONAL {dotted}"
            try:
                apps.get_model(label)._meta.get_field(name)
            except (LookupError, ValueError, FieldDoesNotExist):
                raise _fail(where, "no such field") from None
            if not str(reason).strip():
                raise _fail(where, "give the reason")
            not_personal[(label, name)] = str(reason)
    for label, name in not_personal:
        if label in declared and name in declared[label].fields:
            raise _fail(f"{label}.{name}", "both declared personal and listed as not personal")
    return Declarations(models=declared, not_personal=not_personal)


@cache
def declarations() -> Declarations:
    """Return every app's declarations, read once per process."""
    return declarations_load()
