"""The HST admin is for operators: it loads fast, shows no content and changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messages_hst.models import Delivery, HSTMessage, InboundMessage
from tests.messages_hst.factories import DeliveryFactory, HSTMessageFactory, InboundMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_row(ncb_fr, ncb_de, officer_fr):
    def add(model):
        message = HSTMessageFactory(sender_ncb=ncb_fr, created_by=officer_fr)
        if model is HSTMessage:
            return message
        if model is Delivery:
            return DeliveryFactory(message=message, recipient_ncb=ncb_de)
        return InboundMessageFactory(recipient_ncb=ncb_de, sender_code="FR")

    return add


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


MODELS = [HSTMessage, Delivery, InboundMessage]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelists_run_the_same_queries_whatever_the_rows(
    model, add_row, client_for, admin_user
):
    # given
    client = client_for(admin_user)
    url = reverse(f"admin:messages_hst_{model._meta.model_name}_changelist")
    add_row(model)
    few = queries_for(client, url)
    for _ in range(4):
        add_row(model)

    # when
    more = queries_for(client, url)

    # then
    assert more == few


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_rows_are_read_only_and_show_no_message_content(model, add_row, client_for, admin_user):
    # given
    client = client_for(admin_user)
    row = add_row(model)
    name = model._meta.model_name

    # when
    change = client.get(reverse(f"admin:messages_hst_{name}_change", args=[row.pk]))
    add = client.get(reverse(f"admin:messages_hst_{name}_add"))

    # then
    assert change.status_code == 200
    assert add.status_code == 403
    assert "DURAND-TEST" not in change.content.decode()
    assert 'type="submit"' not in change.content.decode().split('id="content-main"')[1]
