"""Fixtures shared by the message tests (the authoring ones live in `authoring_fixtures`)."""

from tests.messages_hst.authoring_fixtures import (  # noqa: F401
    case_fr,
    child_victim,
    compose,
    follow_up,
    identity_holder,
)
