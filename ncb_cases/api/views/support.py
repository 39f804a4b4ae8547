"""`/cases/{case_id}/referrals/`: victims' support referrals of a case.

A case the caller may not see is a 404 for everything under it (SRB monitors included).
Holders of the case's victim-identity permission list, read and write referrals; every other
reader of the case gets the counts by status with an empty page, and a 404 for a single
referral or any write, as for a missing one. Reads are recorded in the audit trail.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ncb_cases import permissions as case_permissions
from ncb_cases.api.schema import CASE_ID, DETAIL_ERRORS, PAGE_SIZE, WRITE_ERRORS, path_id
from ncb_cases.api.serializers.support import (
    ReferralCountsSerializer,
    ReferralInputSerializer,
    ReferralListSerializer,
    ReferralSerializer,
    ReferralStatusInputSerializer,
    ReferralUpdateSerializer,
    RepatriationStepInputSerializer,
)
from ncb_cases.api.views._common import CaseChildViewSet, CaseDataAccess, validated
from ncb_cases.audit import audit_record
from ncb_cases.choices import AuditAction
from ncb_cases.models.support import SupportReferral
from ncb_cases.selectors import support as support_selectors
from ncb_cases.selectors.access import victim_identity_permitted
from ncb_cases.services import support as support_services

REFERRAL_ID = path_id("referral_id", _("referral"))


class ReferralDataAccess(CaseDataAccess):
    """The case API's role gate, except that a signed-in user whose role reads no case data
    (an SRB monitor, a user of no NCB) goes on to the selectors, which find no case for them:
    the same 404 as for a missing case (issue 6). Analysts still get 403 for writes."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if user.is_authenticated and not case_permissions.can_read_cases(user):
            return True
        return super().has_permission(request, view)


def _write(request, response, code=200, **more):
    return extend_schema(request=request, responses={code: response, **WRITE_ERRORS}, **more)


@extend_schema(parameters=[CASE_ID])
@extend_schema_view(
    list=extend_schema(
        summary=_("List a case's support referrals"),
        description=_(
            "With the case's victim-identity permission: a page of referrals, victims by "
            "pseudonym. Without it: `identity_permitted` false, an empty page and only the "
            "counts by status. Organisations never come with an address."
        ),
        parameters=[PAGE_SIZE],
        responses={200: ReferralListSerializer, **DETAIL_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("A support referral"),
        description=_(
            "Needs the case's victim-identity permission (404 otherwise). Every read is "
            "recorded in the audit trail."
        ),
        parameters=[REFERRAL_ID],
        responses={200: ReferralSerializer, **DETAIL_ERRORS},
    ),
    create=_write(
        ReferralInputSerializer,
        ReferralSerializer,
        201,
        summary=_("Refer a victim to a support organisation"),
        description=_(
            "Only a victim or possible victim of this case. Refused without the victim's "
            "consent (its day and scope), except for a child referred by a supervisor who "
            "gives `consent_override_reason`. Needs to change the case and the case's "
            "victim-identity permission (404 otherwise)."
        ),
    ),
    partial_update=_write(
        ReferralUpdateSerializer,
        ReferralSerializer,
        summary=_("Change a referral's services, court role or notes"),
        parameters=[REFERRAL_ID],
    ),
)
class ReferralViewSet(CaseChildViewSet):
    """Victims referred to shelters, NGOs, IOM offices, legal aid and health services."""

    serializer_class = ReferralSerializer
    permission_classes = [ReferralDataAccess]
    lookup_url_kwarg = "referral_id"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.fake_schema_view():
            return SupportReferral.objects.none()
        return support_selectors.referral_list_for_case(
            user=self.request.user, case=self.get_case()
        )

    def list(self, request, case_id):
        case = self.get_case()
        permitted = victim_identity_permitted(user=request.user, case=case)
        counts = support_selectors.referral_counts_for_case(user=request.user, case=case)
        referrals = self.get_queryset() if permitted else SupportReferral.objects.none()
        page = self.paginate_queryset(referrals)
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW_VICTIM_IDENTITY if permitted else AuditAction.VIEW,
                obj=case,
                ip=self.ip,
                details={"read": "support_referrals" if permitted else "support_counts"},
            )
        return Response(
            {
                "identity_permitted": permitted,
                "counts": ReferralCountsSerializer(counts).data,
                "count": self.paginator.page.paginator.count,
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                "results": ReferralSerializer(page, many=True).data,
            }
        )

    def retrieve(self, request, case_id, referral_id):
        self.get_case()
        referral = support_selectors.referral_detail_for_user(
            user=request.user, referral_id=referral_id, ip=self.ip
        )
        self.check_in_case(referral.case_id)
        return Response(ReferralSerializer(referral).data)

    def create(self, request, case_id):
        case = self.get_case()
        data = validated(ReferralInputSerializer(data=request.data))
        referral = support_services.referral_create(actor=request.user, case=case, data=data)
        return Response(self._reread(referral), status=status.HTTP_201_CREATED)

    def partial_update(self, request, case_id, referral_id):
        referral = self._referral(referral_id)
        data = validated(ReferralUpdateSerializer(data=request.data, partial=True))
        support_services.referral_update(actor=request.user, referral=referral, data=data)
        return Response(self._reread(referral))

    @_write(
        ReferralStatusInputSerializer,
        ReferralSerializer,
        summary=_("Change a referral's care status"),
        description=_(
            "Referred → accepted → in care → closed, one step at a time (an open referral "
            "may be closed at any time), dated neither in the future nor before the previous "
            "change."
        ),
        parameters=[REFERRAL_ID],
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, case_id, referral_id):
        referral = self._referral(referral_id)
        data = validated(ReferralStatusInputSerializer(data=request.data))
        support_services.referral_change_status(actor=request.user, referral=referral, **data)
        return Response(self._reread(referral))

    @_write(
        RepatriationStepInputSerializer,
        ReferralSerializer,
        summary=_("Record the next repatriation step"),
        description=_(
            "Requested (with the receiving country) → risk assessed → travel arranged → "
            "returned → re-integrated: only the next step, dated not before the previous one "
            "and not in the future."
        ),
        parameters=[REFERRAL_ID],
    )
    @action(detail=True, methods=["post"], url_path="repatriation", url_name="repatriation")
    def repatriation(self, request, case_id, referral_id):
        referral = self._referral(referral_id)
        data = validated(RepatriationStepInputSerializer(data=request.data))
        support_services.referral_repatriation_step(actor=request.user, referral=referral, **data)
        return Response(self._reread(referral))

    def _referral(self, referral_id) -> SupportReferral:
        self.get_case()
        referral = support_selectors.referral_get_for_user(
            user=self.request.user, referral_id=referral_id
        )
        self.check_in_case(referral.case_id)
        return referral

    def _reread(self, referral: SupportReferral) -> dict:
        # Re-read through the selector: the answer shows what the caller may still see.
        return ReferralSerializer(self._referral(referral.public_id)).data
