"""Apply every declared retention period: delete the rows, empty the fields, say how many.

Rules come from the personal_data declarations. A rule on a model deletes its rows once
their time has passed; a rule on a field empties that field; a rule that names its own
function (`applied_by`) is left to the owning app, which knows its safeguards (audience
keeps events its rollup has not read yet). Rows are deleted in batches, each in its own
transaction, so a large backlog never holds one long lock."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.module_loading import import_string

from twentytwo.privacy.declarations import Declarations, RetentionRule, declarations

logger = logging.getLogger(__name__)

DELETE_BATCH = 2000


@dataclass
class RetentionOutcome:
    """What one run removed: rows per model (cascades included), fields emptied, and rules
    that could not run, with the reason."""

    removed: Counter = field(default_factory=Counter)
    cleared: Counter = field(default_factory=Counter)
    blocked: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "removed": dict(sorted(self.removed.items())),
            "cleared": dict(sorted(self.cleared.items())),
            "blocked": dict(sorted(self.blocked.items())),
        }

    def __str__(self) -> str:
        lines = [f"removed {n} from {label}" for label, n in sorted(self.removed.items()) if n]
        lines += [f"emptied {n} × {label}" for label, n in sorted(self.cleared.items()) if n]
        lines += [f"could not apply to {label}: {why}" for label, why in self.blocked.items()]
        return "\n".join(lines) or "nothing was due"


def _expired(model: type[models.Model], rule: RetentionRule, now: datetime) -> models.QuerySet:
    return model._default_manager.filter(
        **{f"{rule.after}__lt": rule.cutoff(now)}, **dict(rule.where)
    )


def _rows_delete(queryset: models.QuerySet, outcome: RetentionOutcome) -> None:
    model = queryset.model
    while ids := list(queryset.values_list("pk", flat=True)[:DELETE_BATCH]):
        with transaction.atomic():
            _total, per_model = model._default_manager.filter(pk__in=ids).delete()
        outcome.removed.update(per_model)


def _field_empty_value(model_field: models.Field):
    if model_field.null:
        return None
    if isinstance(model_field, models.JSONField):
        return model_field.get_default()
    return ""


def _model_rules_apply(label, model, rules, now, outcome) -> None:
    for rule in rules:
        if not rule.is_timed:
            continue
        if rule.applied_by:
            outcome.removed[label] += import_string(rule.applied_by)(now=now)
        else:
            _rows_delete(_expired(model, rule, now), outcome)


def _field_rules_apply(declared: Declarations, now: datetime, outcome: RetentionOutcome) -> None:
    for declaration in declared.fields():
        if not declaration.own_retention:
            continue
        model = declared.models[declaration.model_label].model
        model_field = model._meta.get_field(declaration.name)
        empty = _field_empty_value(model_field)
        for rule in declaration.retention:
            if not rule.is_timed:
                continue
            with transaction.atomic():
                emptied = (
                    _expired(model, rule, now)
                    .exclude(**{declaration.name: empty} if empty is not None else {})
                    .exclude(**{f"{declaration.name}__isnull": True} if model_field.null else {})
                    .update(**{declaration.name: empty})
                )
            outcome.cleared[declaration.label] += emptied


def retention_apply(
    *, now: datetime | None = None, declared: Declarations | None = None
) -> RetentionOutcome:
    """Apply every declared retention period as of `now`; return what was removed.

    A model whose expired rows are still protected by another table's rows is tried again
    after all the others, since those rows may have gone in the meantime; if they are
    still there, the model is reported as blocked and the run goes on."""
    now = now or timezone.now()
    declared = declared or declarations()
    outcome = RetentionOutcome()
    _field_rules_apply(declared, now, outcome)
    deferred = []
    for label, declaration in declared.models.items():
        try:
            _model_rules_apply(label, declaration.model, declaration.retention, now, outcome)
        except (ProtectedError, RestrictedError):
            deferred.append((label, declaration))
    for label, declaration in deferred:
        try:
            _model_rules_apply(label, declaration.model, declaration.retention, now, outcome)
        except (ProtectedError, RestrictedError) as error:
            outcome.blocked[label] = str(error.args[0])
    # Unary plus drops the models with nothing removed.
    outcome.removed, outcome.cleared = +outcome.removed, +outcome.cleared
    logger.info("Retention applied: %s", str(outcome).replace("\n", "; "))
    return outcome
