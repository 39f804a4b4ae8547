"""`/api/v1/custody/checkpoints/`: the signed checkpoints of the custody log, for watchers.

A partner NCB watches this instance's custody log as Certificate Transparency monitors watch
a log: it keeps the last checkpoint it verified (tree size and root), fetches the latest
one, checks its Ed25519 signature, and asks for a consistency proof from its old size
(`?from=`) to show that the new tree extends the old one: nothing it saw was rewritten or
removed. A checkpoint holds no case data (sizes, roots, a signature), so every reader of
case data may fetch it; SRB monitors and users of no NCB get 403 like everywhere else.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.api.serializers import ErrorSerializer
from evidence import checkpointing
from evidence.api.serializers import CheckpointAnswerSerializer
from evidence.models import CustodyCheckpoint
from ncb_cases import keys
from ncb_cases.api.schema import READ_ERRORS, VALIDATION_ERROR
from ncb_cases.api.views._common import CaseDataAccess

NO_CHECKPOINT = _("No checkpoint of this size has been signed.")
LOG_SHORT = _(
    "The custody log no longer holds every event this checkpoint covers: run verify_custody."
)


def checkpoint_get(*, tree_size: int | None = None) -> CustodyCheckpoint:
    """The checkpoint of `tree_size` (default: the latest), or Http404. One query."""
    if tree_size is None:
        checkpoint = checkpointing.custody_checkpoint_latest()
    else:
        checkpoint = CustodyCheckpoint.objects.filter(tree_size=tree_size).first()
    if checkpoint is None:
        raise Http404(NO_CHECKPOINT)
    return checkpoint


def consistency(from_size: int, to_size: int) -> dict:
    """The consistency proof from `from_size` to `to_size` and the root of `from_size`, from
    one streamed pass over the log (`checkpointing.log_scan`). CustodyLogError when the log
    no longer holds what it held (a hole, or fewer events than `to_size`)."""
    ranges = checkpointing.consistency_proof_ranges(from_size, to_size)
    scan = checkpointing.log_scan(to_size, prefixes={from_size}, ranges=set(ranges))
    return {
        "from_size": from_size,
        "to_size": to_size,
        "from_root": scan.prefix_roots[from_size].hex(),
        "proof": [node.hex() for node in scan.proof(ranges)],
    }


def _whole_number(query_params, name: str) -> int | None:
    value = query_params.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError({name: [_("Give a whole number of events (0 or more).")]})
    return int(value)


def instance_public_key(kid: str) -> str | None:
    """This instance's public key (current or retired) that signed (`kid`), else None."""
    try:
        key = keys.verification_keyring().get(kid)
    except keys.SigningKeyUnavailable:
        return None
    return keys.public_key_text(key) if key is not None else None


class CheckpointView(APIView):
    """The latest (or a given) signed checkpoint, its key, and a consistency proof. GET only."""

    permission_classes = [CaseDataAccess]

    @extend_schema(
        operation_id="custody_checkpoints_retrieve",
        summary=_("A signed checkpoint of the custody log, and a consistency proof"),
        description=_(
            "The latest checkpoint, or the one of `tree_size`, with the public key that "
            "verifies its signature. With `from`, also the RFC 6962 consistency proof that "
            "the log of `from` events (the root you saw then) is a prefix of this one."
        ),
        parameters=[
            OpenApiParameter(
                "tree_size",
                OpenApiTypes.INT,
                description=_("The size of a signed checkpoint (default: the latest)"),
            ),
            OpenApiParameter(
                "from",
                OpenApiTypes.INT,
                description=_(
                    "The tree size you verified before: a consistency proof from it to the "
                    "checkpoint answered (0 … its size)"
                ),
            ),
        ],
        responses={
            200: CheckpointAnswerSerializer,
            400: VALIDATION_ERROR,
            **READ_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description=NO_CHECKPOINT),
            409: OpenApiResponse(ErrorSerializer, description=LOG_SHORT),
        },
    )
    def get(self, request):
        tree_size = _whole_number(request.query_params, "tree_size")
        from_size = _whole_number(request.query_params, "from")
        checkpoint = checkpoint_get(tree_size=tree_size)
        if from_size is not None and from_size > checkpoint.tree_size:
            raise ValidationError(
                {
                    "from": [
                        _("Give a size up to the checkpoint's, %(size)s.")
                        % {"size": checkpoint.tree_size}
                    ]
                }
            )
        body = {
            "checkpoint": checkpoint,
            "public_key": instance_public_key(checkpoint.kid),
            "consistency": None,
        }
        if from_size is not None:
            try:
                body["consistency"] = consistency(from_size, checkpoint.tree_size)
            except checkpointing.CustodyLogError:
                return Response({"detail": str(LOG_SHORT)}, status=409)
        return Response(CheckpointAnswerSerializer(body).data)
