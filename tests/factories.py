"""factory_boy factories for the models every test builds on."""

import factory
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model

from sets.models import Contract, ContractAcceptance, Invitation, LearningSet, Membership, Programme

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Give the account a verified primary address, as allauth expects for sign-in."""
        if create:
            user.save()
            user.emailaddress_set.create(email=user.email, primary=True, verified=True)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Leadership Programme {n}")
    organisation = "Northfield Business School"

    @factory.post_generation
    def admins(programme, create, extracted, **kwargs):
        if create and extracted:
            programme.admins.add(*extracted)


class SetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSet

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Set {n}")
    purpose = "Bring a real work problem; leave with actions."
    status = LearningSet.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    learning_set = factory.SubFactory(SetFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    learning_set = factory.SubFactory(SetFactory)
    version = 1
    text = "What is said in the set stays in the set."


class ContractAcceptanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractAcceptance

    contract = factory.SubFactory(ContractFactory)
    user = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    learning_set = factory.SubFactory(SetFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER


def identity_provider(provider_id="acme", name="Acme sign-in"):
    """An OpenID Connect provider an operator configured in the operator admin
    (docs/sso.md#configuring-an-identity-provider). Nothing here calls it."""
    app, _ = SocialApp.objects.get_or_create(
        provider="openid_connect",
        provider_id=provider_id,
        defaults={
            "name": name,
            "client_id": "als-space",
            "secret": "not-a-real-secret",
            "settings": {"server_url": f"https://login.{provider_id}.example"},
        },
    )
    return app
