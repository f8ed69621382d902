"""Who belongs to an organisation: invitations by a signed, single-use, expiring link, and
removals, each change recorded."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client

from tests.partners.conftest import person
from twentytwo.partners.models import Invitation, Membership, MembershipEvent
from twentytwo.partners.services.people import SALT

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client, **fields) -> str:
    response = client.post(
        "/partners/orbit/people/", {"action": "invite", "role": "viewer", **fields}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["link"]


def test_an_admin_invites_by_mail_and_the_link_makes_a_member_once(
    world, orbit_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link = invite(signed_in(orbit_admin), email="new@orbit.example")
    (message,) = mail.outbox
    assert message.to == ["new@orbit.example"] and link in message.body
    path = link.removeprefix("http://testserver")

    newcomer = signed_in(person("nina", email="nina@elsewhere.example"))
    page = newcomer.get(path)
    assert page.status_code == 200 and "Join Orbit Records" in page.content.decode()
    assert not Membership.objects.filter(user__username="nina").exists()  # GET is safe
    joined = newcomer.post(path)
    assert joined.status_code == 302 and joined["Location"] == "/partners/orbit/"
    assert Membership.objects.get(user__username="nina").role == "viewer"

    # A replayed link, by anyone, is refused and changes nothing.
    for client in (newcomer, signed_in(person("eve"))):
        replay = client.post(path)
        assert replay.status_code == 410
        assert "already been used" in replay.content.decode()
    assert Membership.objects.filter(organisation=world.orbit).count() == 2
    actions = list(MembershipEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["invited", "joined"]


def test_expired_forged_and_withdrawn_links_are_refused(world, orbit_admin):
    admin = signed_in(orbit_admin)
    path = invite(admin).removeprefix("http://testserver")
    outsider = signed_in(person("eve"))

    assert outsider.get("/partners/join/forged-token/").status_code == 404
    forged = signing.dumps("0" * 32, salt=SALT)
    assert outsider.get(f"/partners/join/{forged}/").status_code == 404

    Invitation.objects.update(expires_at=Invitation.objects.get().created_at)
    expired = outsider.post(path)
    assert expired.status_code == 410 and "expired" in expired.content.decode()

    Invitation.objects.update(expires_at=Invitation.objects.get().created_at + timedelta(days=1))
    invitation = Invitation.objects.get()
    admin.post("/partners/orbit/people/", {"action": "revoke", "invitation": invitation.pk})
    withdrawn = outsider.post(path)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.content.decode()
    assert not Membership.objects.filter(user__username="eve").exists()


def test_an_admin_removes_people_but_not_the_last_admin(world, orbit_admin, orbit_viewer):
    admin = signed_in(orbit_admin)
    viewer = Membership.objects.get(user=orbit_viewer)
    me = Membership.objects.get(user=orbit_admin)

    refused = admin.post("/partners/orbit/people/", {"action": "remove", "membership": me.pk})
    assert refused.status_code == 400 and "only admin" in refused.content.decode()
    admin.post("/partners/orbit/people/", {"action": "remove", "membership": viewer.pk})
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    event = MembershipEvent.objects.get(action="removed")
    assert (event.member, event.actor) == (orbit_viewer, orbit_admin)
    assert signed_in(orbit_viewer).get("/partners/orbit/").status_code == 404


def test_an_admin_cannot_touch_another_organisations_people(world, orbit_admin, zenith_admin):
    theirs = Membership.objects.get(user=zenith_admin)
    response = signed_in(orbit_admin).post(
        "/partners/orbit/people/", {"action": "remove", "membership": theirs.pk}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()
    bogus = signed_in(orbit_admin).post(
        "/partners/orbit/people/", {"action": "remove", "membership": "x"}
    )
    assert bogus.status_code == 404


def test_a_bad_address_is_refused(world, orbit_admin):
    response = signed_in(orbit_admin).post(
        "/partners/orbit/people/", {"action": "invite", "role": "viewer", "email": "nope"}
    )
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_staff_invite_from_the_admin(world, admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/partners/organisation/{world.zenith.pk}/invite/",
            {"role": "admin", "email": "boss@zenith.example"},
        )
    assert response.status_code == 200
    (link,) = re.findall(r"http://testserver/partners/join/[^<\s]+", response.content.decode())
    assert mail.outbox[0].to == ["boss@zenith.example"]
    boss = signed_in(person("boss"))
    boss.post(link.removeprefix("http://testserver"))
    joined = Membership.objects.get(organisation=world.zenith, user__username="boss")
    assert joined.role == "admin"
    assert MembershipEvent.objects.filter(action="invited", actor__is_staff=True).exists()


def test_an_admin_cannot_withdraw_another_organisations_invitation(
    world, orbit_admin, zenith_admin
):
    signed_in(zenith_admin).post("/partners/zenith/people/", {"action": "invite", "role": "viewer"})
    theirs = Invitation.objects.get(organisation=world.zenith)
    for invitation in (theirs.pk, "x", ""):
        response = signed_in(orbit_admin).post(
            "/partners/orbit/people/", {"action": "revoke", "invitation": invitation}
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
