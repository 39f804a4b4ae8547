"""Shapes of the directory API: output serializers for reading, input serializers for writing.

Input serializers only check the shape of a request (types, required fields, known choices);
the services decide what is allowed (valid phones for the NCB's country, ISO 639-1 codes, IANA
time zones, designations that do not overlap) and their errors come back as 400 `{field: [...]}`.
Output serializers read only what the selectors fetched, so a page costs a constant number of
queries whatever its size.
"""

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.choices import ContactRole
from contacts.models import (
    ContactPoint,
    Country,
    NationalCentralBureau,
    Region,
    SubRegionalBureau,
)
from contacts.services import ContactDetails

# --- Output ---------------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class SubRegionalBureauSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubRegionalBureau
        fields = ["code", "name", "city"]


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="country-detail", lookup_field="iso2")
    region = RegionSerializer(read_only=True)
    sub_regional_bureau = SubRegionalBureauSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Country
        fields = [
            "iso2",
            "iso3",
            "name",
            "url",
            "capital",
            "is_member",
            "region",
            "sub_regional_bureau",
        ]


class CountrySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["iso2", "iso3", "name"]


class NcbSummarySerializer(serializers.ModelSerializer):
    """The NCB a designation belongs to, as a contact-point row shows it."""

    url = serializers.HyperlinkedIdentityField(view_name="ncb-detail", lookup_field="code")
    country = CountrySummarySerializer(read_only=True)
    region = serializers.CharField(
        source="country.region.code", read_only=True, help_text=_("INTERPOL region code")
    )
    sub_regional_bureau = serializers.CharField(
        source="country.sub_regional_bureau.code",
        read_only=True,
        allow_null=True,
        help_text=_("Sub-regional bureau code"),
    )

    class Meta:
        model = NationalCentralBureau
        fields = ["code", "name", "url", "country", "region", "sub_regional_bureau"]


class CurrentContactSerializer(serializers.ModelSerializer):
    """A current designation as the NCB listing shows it; the full record is at `url`."""

    url = serializers.HyperlinkedIdentityField(
        view_name="contact-point-detail", lookup_field="public_id"
    )
    languages = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text=_("ISO 639-1 codes")
    )
    is_stale = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactPoint
        fields = [
            "public_id",
            "url",
            "role",
            "full_name",
            "title",
            "unit",
            "phone",
            "phone_24_7",
            "secure_email",
            "languages",
            "time_zone",
            "designated_from",
            "last_verified_at",
            "is_stale",
        ]


class NcbSerializer(serializers.ModelSerializer):
    """One row of the directory: an NCB, where it sits, and its current primary and deputy."""

    url = serializers.HyperlinkedIdentityField(view_name="ncb-detail", lookup_field="code")
    country = CountrySummarySerializer(read_only=True)
    region = RegionSerializer(source="country.region", read_only=True)
    sub_regional_bureau = SubRegionalBureauSerializer(
        source="country.sub_regional_bureau", read_only=True, allow_null=True
    )
    primary = serializers.SerializerMethodField(help_text=_("Current primary contact, if any"))
    deputy = serializers.SerializerMethodField(help_text=_("Current deputy contact, if any"))

    class Meta:
        model = NationalCentralBureau
        fields = [
            "code",
            "name",
            "url",
            "country",
            "region",
            "sub_regional_bureau",
            "address",
            "phone_24_7",
            "email",
            "primary",
            "deputy",
        ]

    @extend_schema_field(CurrentContactSerializer(allow_null=True))
    def get_primary(self, ncb: NationalCentralBureau) -> dict | None:
        return self._current(ncb, ContactRole.PRIMARY)

    @extend_schema_field(CurrentContactSerializer(allow_null=True))
    def get_deputy(self, ncb: NationalCentralBureau) -> dict | None:
        return self._current(ncb, ContactRole.DEPUTY)

    def _current(self, ncb: NationalCentralBureau, role: str) -> dict | None:
        # `current_contacts` is prefetched by `selectors.ncb_directory()`: no query per row.
        contact = next((cp for cp in ncb.current_contacts if cp.role == role), None)
        if contact is None:
            return None
        return CurrentContactSerializer(contact, context=self.context).data


class ContactPointSerializer(serializers.ModelSerializer):
    """A designation, current or past. Phones are E.164, languages ISO 639-1 codes."""

    url = serializers.HyperlinkedIdentityField(
        view_name="contact-point-detail", lookup_field="public_id"
    )
    ncb = NcbSummarySerializer(read_only=True)
    languages = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text=_("ISO 639-1 codes")
    )
    is_current = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True, help_text=_("Current and not verified for the configured number of days")
    )
    designated_by = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )
    last_verified_by = serializers.SlugRelatedField(
        read_only=True, slug_field="username", allow_null=True
    )

    class Meta:
        model = ContactPoint
        fields = [
            "public_id",
            "url",
            "ncb",
            "role",
            "full_name",
            "title",
            "unit",
            "phone",
            "phone_24_7",
            "secure_email",
            "languages",
            "time_zone",
            "designated_from",
            "designated_to",
            "designated_by",
            "is_current",
            "is_stale",
            "last_verified_at",
            "last_verified_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """`{"detail": ...}`: what 401, 403, 404, 405 and 429 answers carry."""

    detail = serializers.CharField()


# --- Input ----------------------------------------------------------------------------------


class ContactDetailsInputSerializer(serializers.Serializer):
    """The details of a contact point, for designating or editing one."""

    full_name = serializers.CharField(max_length=150)
    title = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("Rank or function")
    )
    unit = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=_("Office phone, international format; stored in E.164"),
    )
    phone_24_7 = serializers.CharField(
        max_length=40, help_text=_("The number that answers day and night; stored in E.164")
    )
    secure_email = serializers.EmailField(max_length=254)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8),
        help_text=_('ISO 639-1 codes, e.g. ["fr", "en"]'),
    )
    time_zone = serializers.CharField(
        max_length=64, help_text=_("IANA time zone, e.g. Europe/Paris")
    )

    def to_details(self, *, current: ContactPoint | None = None) -> ContactDetails:
        """The validated input as the services take it.

        A partial update (PATCH) keeps `current`'s value for every field it leaves out; a full
        one (PUT, POST) leaves the optional fields it omits blank. The contact's own account
        is not set through the API, so `current`'s is kept.
        """
        data = self.validated_data
        keep_current = self.partial and current is not None

        def value(field: str) -> str:
            if field in data:
                return data[field]
            return getattr(current, field) if keep_current else ""

        if "languages" in data:
            languages = data["languages"]
        elif keep_current:
            languages = [language.code for language in current.languages.all()]
        else:
            languages = []
        return ContactDetails(
            full_name=value("full_name"),
            title=value("title"),
            unit=value("unit"),
            phone=value("phone"),
            phone_24_7=value("phone_24_7"),
            secure_email=value("secure_email"),
            time_zone=value("time_zone"),
            languages=tuple(languages),
            user=current.user if current is not None else None,
        )


class ContactPointDesignateSerializer(ContactDetailsInputSerializer):
    """Designate a person as an NCB's primary or deputy contact."""

    ncb = serializers.CharField(
        min_length=2, max_length=2, help_text=_("The NCB's country, ISO 3166-1 alpha-2 (FR)")
    )
    role = serializers.ChoiceField(choices=ContactRole.choices)
    designated_from = serializers.DateField(
        required=False, help_text=_("First day of the designation; today when omitted")
    )


class ContactPointEndSerializer(serializers.Serializer):
    designated_to = serializers.DateField(
        required=False, help_text=_("Last day of the designation; today when omitted")
    )


class ApiTokenCreateSerializer(serializers.Serializer):
    """Credentials for `/api/v1/auth/token/`, and what to call the token and for how long."""

    username = serializers.CharField()
    password = serializers.CharField(
        trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        write_only=True,
        help_text=_(
            "Required once you have set up an authenticator app: its current six-digit code, "
            "or one of your recovery codes (each works once)"
        ),
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("What the token is for, e.g. “weekly statistics script”"),
    )
    expires_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        help_text=format_lazy(
            _("Validity in days (default {days})"), days=settings.API_TOKEN_DEFAULT_EXPIRY_DAYS
        ),
    )


class ApiTokenSerializer(serializers.Serializer):
    """A new token: the only time its key is ever shown."""

    token = serializers.CharField(help_text=_("Shown once; only its hash is stored"))
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()
