"""Reads for the My data page."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from twentytwo.accounts.models import PROFILE_SOURCE_SELF, ProfileFact
from twentytwo.accounts.selectors import profile_facts_for_user


@dataclass(frozen=True)
class ProfileField:
    """One kind of profile fact: every value held of it, and the one to offer for editing."""

    kind: str
    label: str
    facts: list[ProfileFact]

    @property
    def value(self) -> str:
        return self.facts[0].value if self.facts else ""


def profile_fields_for_user(user: AbstractBaseUser) -> list[ProfileField]:
    """Return every kind of profile fact, held or not, in the order the profile shows them."""
    facts = list(profile_facts_for_user(user))
    return [
        ProfileField(
            kind=kind,
            label=str(label),
            # The listener's own correction first: it is the value in use.
            facts=sorted(
                (fact for fact in facts if fact.kind == kind),
                key=lambda fact: fact.source != PROFILE_SOURCE_SELF,
            ),
        )
        for kind, label in ProfileFact.Kind.choices
    ]
