"""Django admin of the contacts app.

Writes that have rules go through `contacts.services`, as they do from the pages and the API:
contact points (E.164 phones, designation history), NCB membership (group), API tokens
(revocation). Closed designations are history and read-only; nothing here deletes one.
List pages select their relations up front, so their query count does not grow with the page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts import services
from contacts.models import (
    ApiToken,
    ContactPoint,
    Country,
    Language,
    NationalCentralBureau,
    NCBPublicKey,
    Notification,
    Officer,
    ReferenceDataLoad,
    Region,
    SubRegionalBureau,
)
from contacts.models.directory import stale_cutoff
from contacts.validators import normalize_phone, time_zone_choices

# --- Geography ------------------------------------------------------------------------------


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(SubRegionalBureau)
class SubRegionalBureauAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "city", "region")
    list_filter = ("region",)
    search_fields = ("name", "code", "city")
    list_select_related = ("region",)


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "iso2",
        "iso3",
        "region",
        "sub_regional_bureau",
        "capital",
        "is_member",
    )
    list_filter = ("is_member", "region", "sub_regional_bureau")
    search_fields = ("name", "iso2", "iso3", "capital")
    list_select_related = ("region", "sub_regional_bureau")


class NationalCentralBureauAdminForm(forms.ModelForm):
    phone_24_7 = forms.CharField(
        label=_("24/7 phone"), max_length=40, required=False, help_text=_("E.164, e.g. +33…")
    )
    peer_endpoint = forms.URLField(
        label=_("Peer endpoint"),
        required=False,
        assume_scheme="https",  # peers are only ever reached over HTTPS
        help_text=NationalCentralBureau._meta.get_field("peer_endpoint").help_text,
    )

    class Meta:
        model = NationalCentralBureau
        fields = (
            "country",
            "code",
            "name",
            "address",
            "phone_24_7",
            "email",
            "transport",
            "peer_endpoint",
        )

    def clean_phone_24_7(self) -> str:
        country = self.cleaned_data.get("country") or getattr(self.instance, "country", None)
        return normalize_phone(
            self.cleaned_data["phone_24_7"], default_region=country.iso2 if country else None
        )


class NCBPublicKeyInline(admin.TabularInline):
    model = NCBPublicKey
    extra = 0
    fields = ("kid", "public_key", "note", "registered_at", "revoked_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NationalCentralBureau)
class NationalCentralBureauAdmin(admin.ModelAdmin):
    form = NationalCentralBureauAdminForm
    list_display = ("name", "code", "country", "phone_24_7", "transport", "group")
    list_filter = ("transport", "country__region", "country__sub_regional_bureau")
    search_fields = ("name", "code", "country__name")
    list_select_related = ("country", "group")
    autocomplete_fields = ("country",)
    readonly_fields = ("group", "created_at", "updated_at")

    inlines = [NCBPublicKeyInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.ncb_ensure_group(ncb=obj)


class NCBPublicKeyAdminForm(forms.ModelForm):
    class Meta:
        model = NCBPublicKey
        fields = ("ncb", "public_key", "note")

    def clean_public_key(self) -> str:
        services.public_key_raw(self.cleaned_data["public_key"])
        return self.cleaned_data["public_key"].strip()


@admin.register(NCBPublicKey)
class NCBPublicKeyAdmin(admin.ModelAdmin):
    """Partners' signing keys: added through the service (which derives the kid and refuses a
    malformed key), never edited; revoking keeps the row."""

    form = NCBPublicKeyAdminForm
    list_display = ("ncb", "kid", "registered_at", "revoked_at", "note")
    list_filter = ("revoked_at",)
    search_fields = ("ncb__code", "ncb__name", "kid")
    list_select_related = ("ncb",)
    fields = ("ncb", "public_key", "note", "kid", "registered_at", "registered_by", "revoked_at")
    readonly_fields = ("kid", "registered_at", "registered_by", "revoked_at")
    autocomplete_fields = ("ncb",)
    actions = ["revoke_keys"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        key = services.ncb_public_key_register(
            ncb=obj.ncb, public_key=obj.public_key, note=obj.note, actor=request.user
        )
        obj.pk, obj.kid = key.pk, key.kid

    @admin.action(description=_("Revoke the selected keys"))
    def revoke_keys(self, request, queryset):
        for key in queryset:
            services.ncb_public_key_revoke(key=key)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)


# --- The directory --------------------------------------------------------------------------


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class DesignationStatusFilter(admin.SimpleListFilter):
    title = _("designation")
    parameter_name = "designation"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("closed", _("Closed (history)"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(designated_to__isnull=True)
        if self.value() == "closed":
            return queryset.filter(designated_to__isnull=False)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale (current, not verified recently)")), ("no", _("Verified"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.current().stale()
        if self.value() == "no":
            return queryset.filter(last_verified_at__gte=stale_cutoff())
        return queryset


class ContactPointAdminForm(forms.ModelForm):
    """Saves through `contact_point_designate` / `contact_point_update`, whose refusals
    (a malformed phone, an overlapping designation) become this form's errors."""

    # Set per request by ContactPointAdmin.get_form: the services need the acting user.
    actor = None

    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, help_text=_("E.164, e.g. +33…")
    )
    phone_24_7 = forms.CharField(
        label=_("24/7 phone"), max_length=40, help_text=_("E.164, e.g. +33…")
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    designated_from = forms.DateField(
        label=_("Designated from"),
        required=False,
        help_text=_("Today if empty. The current holder of the role is closed that day."),
    )

    class Meta:
        model = ContactPoint
        fields = (
            "ncb",
            "role",
            "designated_from",
            "full_name",
            "title",
            "unit",
            "phone",
            "phone_24_7",
            "secure_email",
            "languages",
            "time_zone",
            "user",
        )

    def _post_clean(self):
        # ModelForm would copy the raw input onto the instance and validate it there; for a
        # contact point the service does both (and the history rules), so it runs here. The
        # admin wraps the request in a transaction, and each service call is atomic itself.
        if self.errors:
            return
        data = self.cleaned_data
        details = services.ContactDetails(
            full_name=data["full_name"],
            title=data.get("title", ""),
            unit=data.get("unit", ""),
            phone=data.get("phone", ""),
            phone_24_7=data["phone_24_7"],
            secure_email=data["secure_email"],
            time_zone=data["time_zone"],
            languages=tuple(language.code for language in data["languages"]),
            user=data.get("user"),
        )
        try:
            if self.instance.pk is None:
                self.instance = services.contact_point_designate(
                    actor=self.actor,
                    ncb=data["ncb"],
                    role=data["role"],
                    details=details,
                    designated_from=data.get("designated_from"),
                )
            else:
                self.instance = services.contact_point_update(
                    actor=self.actor, contact_point=self.instance, details=details
                )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                self.add_error(None, exc)
                return
            for field, errors in exc.error_dict.items():
                if field in self.fields or field == NON_FIELD_ERRORS:
                    self.add_error(field, errors)
                else:  # a field this form does not show: name it in the message
                    label = pretty_name(field)
                    self.add_error(None, [f"{label}: {m}" for e in errors for m in e.messages])


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    form = ContactPointAdminForm
    list_display = (
        "full_name",
        "ncb",
        "role",
        "designated_from",
        "designated_to",
        "last_verified_at",
        "stale",
    )
    list_filter = (
        DesignationStatusFilter,
        StaleFilter,
        "role",
        "ncb__country__region",
        "ncb__country__sub_regional_bureau",
    )
    search_fields = ("full_name", "secure_email", "ncb__name", "ncb__code", "ncb__country__name")
    list_select_related = ("ncb",)
    autocomplete_fields = ("ncb", "languages", "user")
    date_hierarchy = "designated_from"
    actions = ("verify", "end_designation")
    history_fields = (
        "public_id",
        "designated_to",
        "designated_by",
        "last_verified_at",
        "last_verified_by",
        "stale_reminder_sent_at",
        "created_at",
        "updated_at",
    )

    @admin.display(boolean=True, description=_("stale"))
    def stale(self, obj: ContactPoint) -> bool:
        return obj.is_stale

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ncb__country")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # `form` is a class made for this request
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Who holds which role since when is changed by re-designating, not by editing.
        return ("ncb", "role", "designated_from", *self.history_fields)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_current:
            return False  # closed designations are history: view only
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # end a designation instead; its record stays as history

    def save_model(self, request, obj, form, change):
        pass  # saved by the service while the form was validated

    def save_related(self, request, form, formsets, change):
        # Languages were set by the service too; there are no inlines to save.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Mark selected contact points as verified today"))
    def verify(self, request, queryset):
        verified = 0
        for contact in queryset.select_related("ncb"):
            try:
                services.contact_point_verify(actor=request.user, contact_point=contact)
                verified += 1
            except ValidationError as exc:
                self.message_user(request, f"{contact}: {' '.join(exc.messages)}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%d contact point verified.", "%d contact points verified.", verified)
            % verified,
        )

    @admin.action(description=_("End selected designations today (the role becomes vacant)"))
    def end_designation(self, request, queryset):
        ended = 0
        for contact in queryset.select_related("ncb"):
            try:
                services.contact_point_end(actor=request.user, contact_point=contact)
                ended += 1
            except ValidationError as exc:
                self.message_user(request, f"{contact}: {' '.join(exc.messages)}", messages.ERROR)
        self.message_user(
            request, ngettext("%d designation ended.", "%d designations ended.", ended) % ended
        )


# --- People ---------------------------------------------------------------------------------


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "ncb", "role", "sub_regional_bureau")
    list_filter = ("role", "ncb__country__region", "sub_regional_bureau")
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "ncb__name",
        "ncb__code",
    )
    list_select_related = ("user", "ncb", "sub_regional_bureau")
    autocomplete_fields = ("user", "ncb")

    def get_readonly_fields(self, request, obj=None):
        # A membership belongs to its user; to move a user, change the NCB, not the user.
        timestamps = ("created_at", "updated_at")
        return timestamps if obj is None else ("user", *timestamps)

    def has_delete_permission(self, request, obj=None):
        # Leaving an NCB must also leave its group; until a service does both, deactivate
        # the user or move them to another NCB here.
        return False

    def save_model(self, request, obj, form, change):
        officer = services.officer_assign(
            user=obj.user,
            ncb=obj.ncb,
            role=obj.role,
            sub_regional_bureau=obj.sub_regional_bureau,
        )
        obj.pk = officer.pk
        obj._state.adding = False


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Notifications are written by the system; administrators read and may delete them."""

    list_display = ("subject", "recipient", "created_at", "read_at")
    list_filter = (ReadFilter,)
    search_fields = ("subject", "body", "recipient__username")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    fields = ("recipient", "subject", "body", "link", "created_at", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", _("Usable")), ("revoked", _("Revoked")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=timezone.now())
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owner (profile page, `create_api_token`); the key is shown
    once then and its hash never: administrators see what identifies a token and revoke it."""

    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "usable",
    )
    list_filter = (TokenStateFilter,)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    @admin.display(boolean=True, description=_("usable"))
    def usable(self, obj: ApiToken) -> bool:
        return obj.is_usable

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("contacts.change_apitoken")

    @admin.action(permissions=["revoke"], description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            try:
                services.api_token_revoke(user=token.user, token_id=token.pk)
                revoked += 1
            except ApiToken.DoesNotExist:
                pass  # revoked meanwhile
        self.message_user(
            request, ngettext("%d token revoked.", "%d tokens revoked.", revoked) % revoked
        )


@admin.register(ReferenceDataLoad)
class ReferenceDataLoadAdmin(admin.ModelAdmin):
    """Which reference data versions were loaded, and what each load changed (read-only)."""

    list_display = ("version", "loaded_at")
    search_fields = ("version",)
    fields = ("version", "loaded_at", "changes")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The support directory and the legislation tracker register their pages in their own modules.
from contacts import admin_legislation, admin_support  # noqa: E402, F401
