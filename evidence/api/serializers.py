"""Shapes of the evidence API: items, their files, custody events, verification, dossiers and
checkpoints.

Output shapes read what the selectors return; input shapes only check types and formats
(a hash is 64 hexadecimal characters, a time carries its zone) so that a malformed request
is refused before anything is read; the services decide what is allowed (the item's state,
a cross-border transfer's legal authority) and their refusals come back as 400 naming the
field.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from evidence.choices import CustodyAction, DossierStatus, EvidenceKind, EvidenceState
from ncb_cases.api.schema import CodeField

SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
SHA256_MESSAGE = _("A SHA-256 hash is 64 hexadecimal characters.")


def sha256_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        SHA256_PATTERN, error_messages={"invalid": SHA256_MESSAGE}, **kwargs
    )


class CustodianSerializer(serializers.Serializer):
    """Who holds (or held) an item: a person, an agency, or both, and their country."""

    person = serializers.CharField(max_length=200, required=False, allow_blank=True)
    agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        help_text=_("ISO 3166-1 alpha-2 code"),
    )


# --- Items ----------------------------------------------------------------------------------


class EvidenceItemSerializer(serializers.Serializer):
    """An evidence item as listed: what it is, where it stands in its custody."""

    public_id = serializers.UUIDField(read_only=True)
    item_number = serializers.CharField(
        read_only=True, help_text=_("The item's reference: `<case reference>/E-<n>`")
    )
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    kind = CodeField(EvidenceKind, read_only=True)
    description = serializers.CharField(read_only=True)
    collected_at = serializers.DateTimeField(read_only=True)
    collected_by = serializers.CharField(read_only=True)
    collected_place = serializers.CharField(read_only=True)
    legal_authority = serializers.CharField(read_only=True)
    seal_number = serializers.CharField(read_only=True)
    storage_location = serializers.CharField(read_only=True)
    custodian = CustodianSerializer(read_only=True)
    state = CodeField(EvidenceState, read_only=True)
    integrity_failed = serializers.BooleanField(
        read_only=True,
        help_text=_("A file hash mismatch or a broken seal was recorded (never cleared)"),
    )
    last_sequence = serializers.IntegerField(
        read_only=True, help_text=_("Sequence of the item's last custody event")
    )
    head_hash = serializers.CharField(
        read_only=True, help_text=_("Hash of the item's last custody event")
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class EvidenceFileSerializer(serializers.Serializer):
    """A file of an item, stored under its SHA-256; a derived copy names its parent."""

    public_id = serializers.UUIDField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    original_name = serializers.CharField(read_only=True)
    parent = serializers.UUIDField(source="parent.public_id", read_only=True, allow_null=True)
    derivation_method = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class EvidenceItemDetailSerializer(EvidenceItemSerializer):
    """An item with its files and the custody actions the caller may record now."""

    files = EvidenceFileSerializer(source="file_rows", many=True, read_only=True)
    allowed_actions = serializers.ListField(
        source="actions_now",
        child=CodeField(CustodyAction),
        read_only=True,
        help_text=_(
            "Custody actions the item's state allows, if you may change the case (else none)"
        ),
    )


class EvidenceItemCreateSerializer(serializers.Serializer):
    """A new evidence item of a case; its chain opens with a COLLECTED event."""

    case = serializers.UUIDField(help_text=_("Public id of a case you may change"))
    kind = CodeField(EvidenceKind)
    description = serializers.CharField(max_length=4000)
    collected_at = serializers.DateTimeField(
        help_text=_("When the item was seized or obtained (with its time zone)")
    )
    collected_by = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Default: you")
    )
    collected_place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    legal_authority = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("Warrant, order or other legal basis of the collection"),
    )
    seal_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    storage_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    custodian = CustodianSerializer(
        required=False, help_text=_("Who holds the item (default: you, your NCB, its country)")
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class EvidenceItemUpdateSerializer(serializers.Serializer):
    """The corrections an item takes; everything else changes through custody events."""

    description = serializers.CharField(max_length=4000, required=False)
    storage_location = serializers.CharField(max_length=300, required=False, allow_blank=True)


class EvidenceFileUploadSerializer(serializers.Serializer):
    """A file attached to an item (multipart/form-data), streamed into the store."""

    file = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        error_messages={
            "required": _(
                "No complete file arrived: send it as the `file` part (an upload cut off "
                "before its end is discarded)."
            ),
        },
    )
    sha256 = sha256_field(
        required=False,
        help_text=_(
            "The SHA-256 you computed before sending: the upload is refused if what arrived "
            "differs (a cut or changed transfer)"
        ),
    )
    media_type = serializers.CharField(max_length=200, required=False, allow_blank=True)
    parent = serializers.UUIDField(
        required=False, help_text=_("For a derived copy: the file of this item it was made from")
    )
    derivation_method = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("For a derived copy: how it was made (tool, version, options)"),
    )


# --- Custody events -------------------------------------------------------------------------


class FileHashCheckSerializer(serializers.Serializer):
    """A file hash re-computed at a custody event."""

    sha256 = serializers.CharField(help_text=_("The hash on record"))
    actual = serializers.CharField(allow_null=True, help_text=_("The hash computed now"))
    matches = serializers.BooleanField()
    by = serializers.CharField(
        required=False, help_text=_("`server` (re-hashed here) or `reported` (by the receiver)")
    )


class CustodyEventSerializer(serializers.Serializer):
    """One custody event: who, what, when (server and claimed), and its place in the chain."""

    sequence = serializers.IntegerField(read_only=True)
    action = CodeField(CustodyAction, read_only=True)
    from_custodian = serializers.SerializerMethodField()
    to_custodian = serializers.SerializerMethodField()
    occurred_at = serializers.DateTimeField(
        read_only=True, help_text=_("The server's time of the event (what is hashed)")
    )
    claimed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("The time the client said it happened")
    )
    clock_skew_flagged = serializers.BooleanField(
        read_only=True, help_text=_("The claimed time is more than 5 minutes from the server's")
    )
    place = serializers.CharField(read_only=True)
    purpose = serializers.CharField(read_only=True)
    legal_authority = serializers.CharField(read_only=True)
    seal_number = serializers.CharField(read_only=True)
    seal_intact = serializers.BooleanField(read_only=True, allow_null=True)
    file_hashes_rechecked = FileHashCheckSerializer(many=True, read_only=True)
    notes = serializers.CharField(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    log_index = serializers.IntegerField(
        read_only=True, help_text=_("Position in the instance's custody log (checkpoint leaf)")
    )
    prev_hash = serializers.CharField(read_only=True)
    hash = serializers.CharField(
        read_only=True, help_text=_("SHA-256 of `canonical`, 64 hexadecimal characters")
    )
    canonical = serializers.CharField(
        source="canonical_text",
        read_only=True,
        help_text=_("The event exactly as hashed: RFC 8785 canonical JSON"),
    )

    def get_from_custodian(self, event) -> CustodianSerializer(allow_null=True):
        return _custodian(event.from_person, event.from_agency, event.from_country)

    def get_to_custodian(self, event) -> CustodianSerializer(allow_null=True):
        return _custodian(event.to_person, event.to_agency, event.to_country)


def _custodian(person: str, agency: str, country: str) -> dict[str, str] | None:
    if not (person or agency or country):
        return None
    return {"person": person, "agency": agency, "country": country}


class CustodyEventRecordedSerializer(CustodyEventSerializer):
    """The event just recorded, and the integrity failure it revealed, if any."""

    integrity_failure = CustodyEventSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Appended right after when a re-computed file hash did not match or the seal was "
            "found broken; the item is then flagged"
        ),
    )


class CustodyEventCreateSerializer(serializers.Serializer):
    """A custody action to record; which ones the item's state allows: the item's
    `allowed_actions`."""

    action = CodeField(CustodyAction)
    to_custodian = CustodianSerializer(
        required=False,
        allow_null=True,
        help_text=_("Who the item goes to: required to release, send abroad or return"),
    )
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    purpose = serializers.CharField(max_length=500, required=False, allow_blank=True)
    legal_authority = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_(
            "MLA request or letter rogatory reference: required for a transfer to another "
            "country; the order, to destroy"
        ),
    )
    seal_number = serializers.CharField(
        max_length=80, required=False, allow_blank=True, help_text=_("Required to seal")
    )
    seal_intact = serializers.BooleanField(
        required=False, allow_null=True, help_text=_("Was the seal intact? (empty: not checked)")
    )
    claimed_time = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_(
            "When it happened, by your clock; the server's time is recorded beside it and a "
            "difference of more than 5 minutes is flagged"
        ),
    )
    notes = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text=_("Required to cancel a transfer"),
    )
    file_hashes = serializers.ListField(
        child=sha256_field(),
        required=False,
        help_text=_("SHA-256 of each file as the receiver computed it on their side"),
    )
    storage_location = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("Where the item is kept from now on"),
    )


# --- Verification ---------------------------------------------------------------------------


class BrokenLinkSerializer(serializers.Serializer):
    """The first place where a chain does not hold."""

    item_number = serializers.CharField(help_text=_("The item whose chain is broken"))
    sequence = serializers.IntegerField(help_text=_("Sequence of the first broken event"))
    kind = serializers.CharField(
        help_text=_(
            "`content altered`, `event removed`, `reordered`, `prev link broken` or "
            "`head mismatch`"
        )
    )
    expected = serializers.CharField(allow_null=True, help_text=_("The hash expected there"))
    actual = serializers.CharField(allow_null=True, help_text=_("The hash found"))
    detail = serializers.CharField()


class CheckpointProblemSerializer(serializers.Serializer):
    """A checkpoint that no longer holds: its signature, or its root over the stored log."""

    tree_size = serializers.IntegerField()
    timestamp = serializers.CharField()
    kind = serializers.CharField(
        help_text=_("`signature`, `root mismatch`, `log shorter` or `log hole`")
    )
    expected = serializers.CharField(allow_null=True)
    actual = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class CheckpointFindingsSerializer(serializers.Serializer):
    """Whether the latest signed checkpoint still matches the log it covers."""

    ok = serializers.BooleanField()
    checked = serializers.IntegerField(help_text=_("Checkpoints checked (0: none signed yet)"))
    latest_tree_size = serializers.IntegerField(allow_null=True)
    log_size = serializers.IntegerField(help_text=_("Events in the custody log now"))
    problems = CheckpointProblemSerializer(many=True)


class CustodyVerificationSerializer(serializers.Serializer):
    """The outcome of verifying an item's chain and the latest checkpoint."""

    ok = serializers.BooleanField()
    item_number = serializers.CharField(help_text=_("The item verified"))
    events_checked = serializers.IntegerField()
    items_checked = serializers.IntegerField()
    broken_link = BrokenLinkSerializer(allow_null=True)
    checkpoints = CheckpointFindingsSerializer()
    summary = serializers.CharField(help_text=_("The outcome in words"))


# --- Dossiers -------------------------------------------------------------------------------


class DossierRequestSerializer(serializers.Serializer):
    """A court dossier to build: why it is needed, and whether the files go in."""

    purpose = serializers.CharField(
        max_length=1000, help_text=_("Why the dossier is exported (recorded in the audit trail)")
    )
    include_files = serializers.BooleanField(
        required=False, default=False, help_text=_("Put the evidence files in the ZIP")
    )


class DossierExportSerializer(serializers.Serializer):
    """A dossier export and its progress."""

    public_id = serializers.UUIDField()
    status = CodeField(DossierStatus)
    progress = serializers.IntegerField(help_text=_("Percent done"))
    item = serializers.UUIDField(source="item.public_id", allow_null=True)
    case = serializers.UUIDField(source="case.public_id")
    include_files = serializers.BooleanField()
    size = serializers.IntegerField(allow_null=True, help_text=_("Bytes of the finished ZIP"))
    sha256 = serializers.CharField(help_text=_("SHA-256 of the finished ZIP"))
    error = serializers.CharField(help_text=_("What went wrong, for a failed export"))
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.SerializerMethodField()

    def get_status_url(self, export) -> str:
        request = self.context.get("request")
        path = f"/api/v1/dossiers/{export.public_id}/"
        return request.build_absolute_uri(path) if request is not None else path


# --- Checkpoints ----------------------------------------------------------------------------


class CheckpointSerializer(serializers.Serializer):
    """A signed checkpoint (tree head) of the custody log, as RFC 6962 / CT sign them."""

    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text=_("RFC 6962 Merkle root, 64 hexadecimal"))
    timestamp = serializers.DateTimeField()
    ncb_code = serializers.CharField()
    kid = serializers.CharField(help_text=_("Id of the Ed25519 key that signed it"))
    signed = serializers.JSONField(
        source="checkpoint",
        help_text=_(
            "The checkpoint exactly as signed: `format`, `kid`, `ncb_code`, `root_hash`, "
            "`timestamp`, `tree_size` and the base64url Ed25519 `signature` over the RFC 8785 "
            "bytes of the rest"
        ),
    )


class ConsistencyProofSerializer(serializers.Serializer):
    """RFC 6962 proof that the log of `from_size` events is a prefix of the later one."""

    from_size = serializers.IntegerField()
    to_size = serializers.IntegerField()
    from_root = serializers.CharField()
    proof = serializers.ListField(child=serializers.CharField(), help_text=_("Hex hashes"))


class CheckpointAnswerSerializer(serializers.Serializer):
    """A checkpoint, the key that verifies it, and (with `?from=`) a consistency proof."""

    checkpoint = CheckpointSerializer()
    public_key = serializers.CharField(
        allow_null=True,
        help_text=_("The NCB's Ed25519 public key, unpadded base64url of its 32 bytes"),
    )
    consistency = ConsistencyProofSerializer(required=False, allow_null=True)
