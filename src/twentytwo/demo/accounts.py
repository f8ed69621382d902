"""A curator's account for the demo: sign in with "Demo login" as `curator` and see the
ratings of that curator's genres, as a real curator would once staff link their account."""

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import transaction

from twentytwo.catalog import services
from twentytwo.catalog.models import Curator

DEMO_PROVIDER_ID = "demo"  # the "Demo login" app in settings
DEMO_CURATOR_SUBJECT = "curator"


def demo_curator_account_seed(
    *, provider_id: str = DEMO_PROVIDER_ID, subject: str = DEMO_CURATOR_SUBJECT
) -> Curator | None:
    """Link the account that signs in as `subject` to the first curator with a genre.

    The account is made as a first sign-in would make it, so signing in finds it; the age
    question still comes at that first sign-in. Running it again changes nothing."""
    curator = Curator.objects.filter(genres__isnull=False).order_by("pk").distinct().first()
    if curator is None:
        return None
    with transaction.atomic():
        account = SocialAccount.objects.filter(provider=provider_id, uid=subject).first()
        if account is None:
            user = get_user_model().objects.create_user(username=f"demo-{subject}")
            account = SocialAccount.objects.create(user=user, provider=provider_id, uid=subject)
        if not curator.accounts.filter(pk=account.user_id).exists():
            services.curator_accounts_set(
                curator=curator, accounts=[*curator.accounts.all(), account.user]
            )
    return curator
