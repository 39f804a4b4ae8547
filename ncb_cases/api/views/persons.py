"""`/api/v1/cases/{case_id}/persons/`: persons of a case, pseudonymised, and the identity reveal.

A person is always answered as a `PersonView` masked for protected persons (victims,
possible victims, children): their identity comes only from `/identity/`, which needs the
case's victim-identity permission and a stated purpose (`X-Purpose`), and is audited.
Reading one person is audited too (`selectors.person_detail_for_user`). The audited selectors
run first, so that refused attempts are recorded as well; a person asked for under another
case's URL is then a 404 (its read is on record, as it did happen).
"""

from collections import defaultdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ncb_cases import matching, selectors, services
from ncb_cases.api.schema import (
    CASE_ID,
    DETAIL_ERRORS,
    PAGE_SIZE,
    PURPOSE_HEADER,
    VALIDATION_ERROR,
    WRITE_ERRORS,
    X_PURPOSE,
)
from ncb_cases.api.serializers.persons import PersonSerializer
from ncb_cases.api.views._common import CaseChildViewSet, validated
from ncb_cases.models import Case, Person
from ncb_cases.pseudonyms import person_view, person_views


def matches_by_person(*, user, case: Case) -> dict:
    """Cross-case matches of every person of `case`, keyed by the person's public id.

    One `case_matches_for_user` call (about ten queries whatever the number of persons) and
    one query for the vehicles, whose matches belong to their holder.
    """
    holders = {
        vehicle.public_id: vehicle.holder.public_id
        for vehicle in selectors.vehicle_list_for_case(user=user, case=case)
        if vehicle.holder_id
    }
    grouped: dict = defaultdict(list)
    for match in matching.case_matches_for_user(user=user, case=case):
        owner = holders.get(match.source_public_id, match.source_public_id)
        grouped[owner].append(match)
    return grouped


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List the persons of a case"),
        description=_(
            "Protected persons (victims, possible victims, children) appear under their "
            "pseudonym with their identity fields empty. Each person carries the other cases "
            "you may see where they, a phone, a document or a vehicle of theirs appear."
        ),
        parameters=[PAGE_SIZE],
        responses={200: PersonSerializer, **DETAIL_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A person of a case"),
        description=_("Masked like the list; every read is recorded in the audit trail."),
        responses={200: PersonSerializer, 400: VALIDATION_ERROR, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary=_("Add a person to a case"),
        description=_(
            "With phones and identity documents. Refused with every error at once, nested "
            "ones by path (`documents.0.mrz`): unknown codes, impossible dates, bad MRZ check "
            "digits, invalid phone numbers. The answer is masked like any read."
        ),
        request=PersonSerializer,
        responses={201: PersonSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Edit a person"),
        description=_(
            "Changes the fields sent; `phones` and `documents`, when sent, replace the lists."
        ),
        request=PersonSerializer(partial=True),
        responses={200: PersonSerializer, **WRITE_ERRORS},
    ),
)
class PersonViewSet(CaseChildViewSet):
    """Persons of a case, through `ncb_cases.pseudonyms`."""

    serializer_class = PersonSerializer

    def get_queryset(self):
        if self.fake_schema_view():
            return Person.objects.none()
        return selectors.person_list_for_case(user=self.request.user, case=self.get_case())

    def list(self, request, case_id):
        page = self.paginate_queryset(self.get_queryset())
        matches = matches_by_person(user=request.user, case=self.get_case())
        body = PersonSerializer(
            person_views(page, identity_visible=False), many=True, context={"matches": matches}
        ).data
        return self.get_paginated_response(body)

    def retrieve(self, request, case_id, public_id):
        # The audited selector first: it records every attempt, refused ones included.
        view = selectors.person_detail_for_user(user=request.user, person_id=public_id, ip=self.ip)
        person = self._person(public_id)
        matches = matching.person_matches_for_user(user=request.user, person=person)
        return Response(
            PersonSerializer(view, context={"matches": {view.public_id: matches}}).data
        )

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(PersonSerializer(data=request.data))
        person = services.person_create(actor=request.user, case=case, data=_service_data(data))
        return Response(self._masked(person), status=status.HTTP_201_CREATED)

    def partial_update(self, request, case_id, public_id):
        person = self._person(public_id)
        data = validated(PersonSerializer(data=request.data, partial=True))
        person = services.person_update(
            actor=request.user, person=person, data=_service_data(data)
        )
        return Response(self._masked(person))

    @extend_schema(
        summary=_("Reveal a person's identity"),
        description=_(
            "The full identity of a protected person, for holders of the case's "
            "victim-identity permission who state why in the `X-Purpose` header; everyone "
            "else gets 404. Every attempt, refused or not, is recorded with its purpose. "
            "Without a purpose: 400 naming `X-Purpose`."
        ),
        parameters=[X_PURPOSE],
        responses={200: PersonSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def identity(self, request, case_id, public_id):
        # The selector first: it records every attempt, refused ones included.
        try:
            view = selectors.victim_identity_reveal(
                user=request.user,
                person_id=public_id,
                purpose=request.headers.get(PURPOSE_HEADER, ""),
                ip=self.ip,
            )
        except DjangoValidationError as exc:
            messages = exc.message_dict.get("purpose", exc.messages)
            raise ValidationError({PURPOSE_HEADER: messages}) from exc
        if view.case_public_id != self.get_case().public_id:
            raise Http404
        return Response(PersonSerializer(view).data)

    def _person(self, public_id) -> Person:
        person = selectors.person_get_for_user(user=self.request.user, person_id=public_id)
        self.check_in_case(person.case_id)
        return person

    def _masked(self, person: Person) -> dict:
        # Re-read through the selector: the answer shows what the caller may still see.
        person = selectors.person_get_for_user(user=self.request.user, person_id=person.public_id)
        return PersonSerializer(person_view(person, identity_visible=False)).data


def _service_data(data: dict) -> dict:
    """Validated input as `person_create` / `person_update` take it."""
    for key in ("phones", "documents"):
        if key in data:
            data[key] = [dict(item) for item in data[key] or []]
    return data
