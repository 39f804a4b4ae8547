"""Browser forms of evidence: the list filters, registering an item, files, custody, dossiers.

The forms check the shape of what a person typed; `evidence.services` decide what is allowed
(the state machine, the legal basis of a cross-border transfer, the receiving party) and raise
`ValidationError`s keyed by field, which `add_service_errors` puts back next to the field.
Each custody action has its own form (`CustodyActionForm.for_action`) with only the fields
that action takes, prefixed by the action so that several fit on one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.forms import ServiceErrorsMixin
from evidence.choices import CustodyAction, EvidenceKind, EvidenceState
from evidence.models import EvidenceFile

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
COUNTRY_ATTRS = {"size": 3, "maxlength": 2, "autocapitalize": "characters"}

# Service error keys that are not form field names, and the form field that shows them.
SERVICE_ERROR_FIELDS = {
    "sha256": "expected_sha256",
    "custodian": "custodian_person",
    "custodian.person": "custodian_person",
    "custodian.agency": "custodian_agency",
    "custodian.country": "custodian_country",
    "to_custodian": "to_person",
    "to_custodian.person": "to_person",
    "to_custodian.agency": "to_agency",
    "to_custodian.country": "to_country",
}


class EvidenceServiceErrors(ServiceErrorsMixin):
    service_error_fields = SERVICE_ERROR_FIELDS


def _custodian(data: Mapping[str, Any], prefix: str) -> dict[str, str] | None:
    """`{"person", "agency", "country"}` from the form's `<prefix>_person` … fields, or None."""
    custodian = {key: data.get(f"{prefix}_{key}") or "" for key in ("person", "agency", "country")}
    return custodian if any(custodian.values()) else None


# --- The list ---------------------------------------------------------------------------------


class EvidenceFilterForm(forms.Form):
    """The filters of the evidence list (`evidence_list_for_user`'s keys)."""

    ORDERINGS = (
        ("", _("Newest first")),
        ("-collected_at", _("Collected, newest first")),
        ("collected_at", _("Collected, oldest first")),
        ("item_number", _("Item number")),
        ("-updated_at", _("Recently changed")),
        ("state", _("State")),
    )

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Item number, description, seal number or storage location."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *EvidenceKind.choices]
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *EvidenceState.choices]
    )
    integrity_failed = forms.ChoiceField(
        label=_("Integrity"),
        required=False,
        choices=[
            ("", _("Any")),
            ("true", _("Integrity failure recorded")),
            ("false", _("No failure recorded")),
        ],
    )
    ordering = forms.ChoiceField(label=_("Order"), required=False, choices=ORDERINGS)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    def selector_filters(self) -> dict[str, str]:
        """The cleaned filters that are set, as `evidence_list_for_user` takes them."""
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}


# --- Items and files --------------------------------------------------------------------------


class EvidenceItemForm(EvidenceServiceErrors, forms.Form):
    """A new evidence item (`evidence_item_create`): what it is, how and where it was seized."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *EvidenceKind.choices])
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the item is, as people will recognise it in court."),
    )
    collected_at = forms.DateTimeField(
        label=_("Collected at"),
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_WIDGET,
        help_text=_("When it was seized or obtained (UTC)."),
    )
    collected_by = forms.CharField(
        label=_("Collected by"),
        max_length=200,
        required=False,
        help_text=_("Name and rank of who seized it; you, if left empty."),
    )
    collected_place = forms.CharField(label=_("Collected where"), max_length=300, required=False)
    legal_authority = forms.CharField(
        label=_("Legal authority"),
        max_length=300,
        required=False,
        help_text=_("Warrant, order or other legal basis of the seizure."),
    )
    seal_number = forms.CharField(label=_("Seal number"), max_length=80, required=False)
    storage_location = forms.CharField(
        label=_("Storage location"),
        max_length=300,
        required=False,
        help_text=_("Evidence room, shelf, server."),
    )
    custodian_person = forms.CharField(label=_("Custodian"), max_length=200, required=False)
    custodian_agency = forms.CharField(
        label=_("Custodian's agency"), max_length=200, required=False
    )
    custodian_country = forms.CharField(
        label=_("Custodian's country"),
        max_length=2,
        required=False,
        widget=forms.TextInput(attrs=COUNTRY_ATTRS),
        help_text=_("ISO code such as FR. Leave the custodian empty to hold the item yourself."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    CUSTODIAN_GROUP = ("custodian_person", "custodian_agency", "custodian_country")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `evidence_item_create`'s `data`."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in self.CUSTODIAN_GROUP and value not in ("", None)
        }
        data["collected_at"] = self.cleaned_data["collected_at"]
        custodian = _custodian(self.cleaned_data, "custodian")
        if custodian is not None:
            data["custodian"] = custodian
        return data


class EvidenceFileForm(EvidenceServiceErrors, forms.Form):
    """A file attached to an item (`evidence_file_add`): an original, or a copy of one."""

    file = forms.FileField(label=_("File"), allow_empty_file=True)
    expected_sha256 = forms.CharField(
        label=_("SHA-256 computed before upload"),
        required=False,
        max_length=64,
        help_text=_("Optional: the server refuses the file if what arrived has another hash."),
        widget=forms.TextInput(attrs={"class": "mono", "spellcheck": "false"}),
    )
    parent = forms.ModelChoiceField(
        label=_("Copy of"),
        queryset=EvidenceFile.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("Nothing: this is an original"),
    )
    derivation_method = forms.CharField(
        label=_("How the copy was made"),
        max_length=500,
        required=False,
        help_text=_("Tool, version and options, for a copy."),
    )

    def __init__(self, *args, files_of_item=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        if files_of_item is not None:
            self.fields["parent"].queryset = files_of_item
            self.fields["parent"].label_from_instance = lambda f: (
                f"{f.original_name or '—'} ({f.sha256[:12]}…)"
            )

    def clean_expected_sha256(self) -> str | None:
        value = self.cleaned_data["expected_sha256"].strip().lower()
        return value or None


# --- Custody actions --------------------------------------------------------------------------

SEAL_CHOICES = (("", _("Not checked")), ("yes", _("Intact")), ("no", _("Broken")))


def _seal_state(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _field_definitions() -> dict[str, forms.Field]:
    """Every field a custody action may take (each action's form picks its own)."""
    return {
        "to_person": forms.CharField(label=_("To (person)"), max_length=200, required=False),
        "to_agency": forms.CharField(label=_("Agency"), max_length=200, required=False),
        "to_country": forms.CharField(
            label=_("Country"),
            max_length=2,
            required=False,
            widget=forms.TextInput(attrs=COUNTRY_ATTRS),
            help_text=_("ISO code such as DE."),
        ),
        "place": forms.CharField(label=_("Place"), max_length=300, required=False),
        "purpose": forms.CharField(label=_("Purpose"), max_length=500, required=False),
        "legal_authority": forms.CharField(
            label=_("Legal authority"), max_length=300, required=False
        ),
        "seal_number": forms.CharField(label=_("Seal number"), max_length=80, required=False),
        "seal_intact": forms.TypedChoiceField(
            label=_("Seal"),
            choices=SEAL_CHOICES,
            coerce=_seal_state,
            empty_value=None,
            required=False,
        ),
        "file_hashes": forms.CharField(
            label=_("SHA-256 of the files on your side"),
            required=False,
            max_length=6500,
            widget=forms.Textarea(attrs={"rows": 2, "class": "mono", "spellcheck": "false"}),
            help_text=_("One hash per line; each must match a file of the item."),
        ),
        "storage_location": forms.CharField(
            label=_("Now stored at"), max_length=300, required=False
        ),
        "claimed_time": forms.DateTimeField(
            label=_("When it happened"),
            required=False,
            input_formats=DATETIME_FORMATS,
            widget=DATETIME_WIDGET,
            help_text=_("Only if not just now (UTC). The server's time is recorded as well."),
        ),
        "notes": forms.CharField(
            label=_("Notes"),
            max_length=4000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
    }


# For each action a person records: its fields, the required ones, its help and its button.
ACTION_FORMS: dict[str, dict[str, Any]] = {
    CustodyAction.SEALED: {
        "fields": ("seal_number", "place", "claimed_time", "notes"),
        "required": ("seal_number",),
        "help": _("A new seal was put on the item."),
        "submit": _("Record the seal"),
    },
    CustodyAction.RELEASED: {
        "fields": (
            "to_person",
            "to_agency",
            "to_country",
            "purpose",
            "legal_authority",
            "seal_intact",
            "place",
            "claimed_time",
            "notes",
        ),
        "required": (),
        "help": _(
            "Hand the item over. It stays in transit until someone of the receiving party "
            "accepts it. A transfer to another country needs its legal basis."
        ),
        "submit": _("Release the item"),
    },
    CustodyAction.SENT_ABROAD: {
        "fields": (
            "to_person",
            "to_agency",
            "to_country",
            "legal_authority",
            "purpose",
            "seal_intact",
            "place",
            "claimed_time",
            "notes",
        ),
        "required": ("to_country", "legal_authority"),
        "help": _(
            "Send the item to another country under a mutual legal assistance request or "
            "letter rogatory; the receiving party accepts it there."
        ),
        "submit": _("Send abroad"),
    },
    CustodyAction.ACCEPTED: {
        "fields": (
            "to_person",
            "seal_intact",
            "file_hashes",
            "storage_location",
            "place",
            "claimed_time",
            "notes",
        ),
        "required": (),
        "help": _("You receive the item: check the seal and, for files, their SHA-256."),
        "submit": _("Accept the item"),
    },
    CustodyAction.TRANSFER_CANCELLED: {
        "fields": ("notes",),
        "required": ("notes",),
        "help": _("Call off the transfer in progress: the giver keeps the item."),
        "submit": _("Cancel the transfer"),
    },
    CustodyAction.EXAMINED: {
        "fields": ("purpose", "seal_intact", "file_hashes", "place", "claimed_time", "notes"),
        "required": (),
        "help": _("The item was examined; the server re-checks the files' hashes."),
        "submit": _("Record the examination"),
    },
    CustodyAction.COPIED: {
        "fields": ("purpose", "place", "claimed_time", "notes"),
        "required": (),
        "help": _(
            "A copy was made. For a digital copy, upload it as a copy of its file instead: "
            "that records this event with both hashes."
        ),
        "submit": _("Record the copy"),
    },
    CustodyAction.PRESENTED_IN_COURT: {
        "fields": ("place", "purpose", "seal_intact", "claimed_time", "notes"),
        "required": ("place",),
        "help": _("The item was shown in court: the court as place, the hearing as purpose."),
        "submit": _("Record the hearing"),
    },
    CustodyAction.RETURNED: {
        "fields": (
            "to_person",
            "to_agency",
            "to_country",
            "seal_intact",
            "place",
            "claimed_time",
            "notes",
        ),
        "required": (),
        "help": _("The item went back to its owner: its chain of custody ends."),
        "submit": _("Record the return"),
    },
    CustodyAction.DESTROYED: {
        "fields": ("legal_authority", "place", "claimed_time", "notes"),
        "required": ("legal_authority",),
        "help": _("The item was destroyed under an order: its chain of custody ends."),
        "submit": _("Record the destruction"),
    },
}


class CustodyActionForm(EvidenceServiceErrors, forms.Form):
    """One custody action's form; build it with `for_action` (fields depend on the action)."""

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", action.lower())
        super().__init__(*args, **kwargs)
        self.action = action
        spec = ACTION_FORMS[action]
        definitions = _field_definitions()
        self.fields = {name: definitions[name] for name in spec["fields"]}
        for name in spec["required"]:
            self.fields[name].required = True
        if action == CustodyAction.ACCEPTED:
            self.fields["to_person"].label = _("Received by")
            self.fields["to_person"].help_text = _("You, if left empty.")
        if action == CustodyAction.RETURNED:
            self.fields["to_person"].label = _("Returned to (person)")
        if action == CustodyAction.SENT_ABROAD:
            self.fields["legal_authority"].help_text = _(
                "MLA request or letter rogatory reference."
            )
        self.help = spec["help"]
        self.submit_label = spec["submit"]

    @property
    def label(self) -> str:
        return str(CustodyAction(self.action).label)

    @property
    def slug(self) -> str:
        """The action as the URL names it (`transfer-cancelled`)."""
        return self.action.lower().replace("_", "-")

    @property
    def html_id(self) -> str:
        return f"custody-{self.slug}"

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `custody_event_append`'s `data` (empty ones left out)."""
        data: dict[str, Any] = {}
        cleaned = self.cleaned_data
        custodian = _custodian(cleaned, "to")
        if custodian is not None:
            data["to_custodian"] = custodian
        for name, value in cleaned.items():
            if name in ("to_person", "to_agency", "to_country"):
                continue
            if name == "seal_intact":
                if value is not None:
                    data[name] = value
            elif value not in ("", None):
                data[name] = value
        return data


# --- Verification and dossiers ----------------------------------------------------------------


class DossierExportForm(EvidenceServiceErrors, forms.Form):
    """A court dossier asked for: why (audited), and whether the files' content goes in."""

    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the dossier is exported (court, proceedings, request). It is audited."),
    )
    include_files = forms.BooleanField(
        label=_("Include the evidence files"),
        required=False,
        help_text=_("Large files make a large dossier; it is built in the background."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "dossier")
        super().__init__(*args, **kwargs)
