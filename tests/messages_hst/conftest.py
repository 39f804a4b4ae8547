"""Fixtures shared by the message tests (the authoring ones live in `authoring_fixtures`)."""

import pytest

from tests.messages_hst.authoring_fixtures import (  # noqa: F401
    case_fr,
    child_victim,
    compose,
    follow_up,
    identity_holder,
)


@pytest.fixture
def fake_peer(settings):
    """A peer instance's inbox on 127.0.0.1 (`pipeline_support.running_fake_peer`)."""
    from tests.messages_hst.pipeline_support import running_fake_peer

    with running_fake_peer(settings) as peer:
        yield peer


@pytest.fixture
def de_key(ncb_de):
    """DE's own signing key, its public key registered here."""
    from tests.messages_hst.pipeline_support import PartnerKey

    return PartnerKey.register(ncb_de)
