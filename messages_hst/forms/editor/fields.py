"""Form fields that speak HST: each knows how a document value becomes its initial value
(`doc_initial`) and how its cleaned value goes back into the document (`doc_value`, where
`ABSENT` means "leave the key out"). Codes come from `messages_hst.codelists`, so the selects
offer exactly what the JSON Schema accepts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ABSENT = object()  # the cleaned value leaves the key out of the document


def code_choices(codes: Iterable[str], *, blank: bool = True) -> list[tuple[str, str]]:
    """Select choices of a code list, spelled as the spec spells them."""
    choices = [
        (code, code.replace("_", " ").capitalize() if code.isupper() else code) for code in codes
    ]
    choices = [(code, label.replace("Interpol", "INTERPOL")) for code, label in choices]
    return [("", "—"), *choices] if blank else choices


class DocumentField:
    """The conversions between a document value and a form value (identity by default)."""

    def doc_initial(self, value: Any) -> Any:
        return value

    def doc_value(self, cleaned: Any) -> Any:
        return ABSENT if cleaned in (None, "", [], ()) else cleaned


class TextField(DocumentField, forms.CharField):
    """Free text; a browser's CR LF line ends become LF, as in the stored document."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class CodeField(DocumentField, forms.ChoiceField):
    """One code of a code list (blank = absent)."""

    def __init__(self, codes: Iterable[str], **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=code_choices(codes), **kwargs)
        self.error_messages["invalid_choice"] = _("“%(value)s” is not a code of this list.")


class CodesField(DocumentField, forms.MultipleChoiceField):
    """Several codes of a code list (none = absent)."""

    def __init__(self, codes: Iterable[str], *, checkboxes: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        widget = forms.CheckboxSelectMultiple if checkboxes else forms.SelectMultiple
        kwargs.setdefault("widget", widget)
        super().__init__(choices=code_choices(codes, blank=False), **kwargs)
        self.error_messages["invalid_choice"] = _("“%(value)s” is not a code of this list.")


class TokensField(DocumentField, forms.CharField):
    """A list of short codes typed on one line, separated by commas or spaces (FRA, D)."""

    def __init__(self, *, pattern: str, example: str, upper: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("Separated by commas, for example %(example)s.") % {"example": example}
        )
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern)
        self.upper = upper
        self.example = example

    def doc_initial(self, value: Any) -> Any:
        return ", ".join(str(item) for item in value) if isinstance(value, list) else value

    def clean(self, value):
        text = super().clean(value) or ""
        tokens = [token for token in re.split(r"[\s,;]+", text) if token]
        if self.upper:
            tokens = [token.upper() for token in tokens]
        wrong = [token for token in tokens if not self.pattern.fullmatch(token)]
        if wrong:
            raise ValidationError(
                _("Not valid here: %(wrong)s (expected codes like %(example)s).")
                % {"wrong": ", ".join(wrong), "example": self.example},
                code="invalid_token",
            )
        return list(dict.fromkeys(tokens))


class LinesField(DocumentField, forms.CharField):
    """A list of texts, one per line (aliases, related offences, MRZ lines)."""

    def __init__(self, *, rows: int = 2, max_item_length: int | None = None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("help_text", _("One per line."))
        super().__init__(**kwargs)
        self.max_item_length = max_item_length

    def doc_initial(self, value: Any) -> Any:
        return "\n".join(str(item) for item in value) if isinstance(value, list) else value

    def clean(self, value):
        text = super().clean(value) or ""
        lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
        lines = [line for line in lines if line]
        if self.max_item_length:
            long = [line for line in lines if len(line) > self.max_item_length]
            if long:
                raise ValidationError(
                    _("A line may hold at most %(n)d characters.") % {"n": self.max_item_length},
                    code="max_length",
                )
        return lines


class DateField(DocumentField, forms.CharField):
    """A calendar date kept as ISO text (YYYY-MM-DD), as the document stores it."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationError(
                _("Enter a date as YYYY-MM-DD (for example 2025-03-14)."), code="invalid_date"
            ) from exc
        return text


class PartialDateField(DocumentField, forms.CharField):
    """A date that may be known to the year or month only (1999, 1999-05, 1999-05-17)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("YYYY, YYYY-MM or YYYY-MM-DD."))
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        if not text:
            return ""
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
        try:
            if not match:
                raise ValueError(text)
            year, month, day = match.groups()
            dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValidationError(
                _("Enter YYYY, YYYY-MM or YYYY-MM-DD (for example 1999 or 1999-05-17)."),
                code="invalid_date",
            ) from exc
        return text


class CountField(DocumentField, forms.IntegerField):
    """A whole number (blank = absent)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


class YesNoField(DocumentField, forms.ChoiceField):
    """A boolean that may also be unstated: "—" leaves the key out, unlike "No"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))], **kwargs)

    def doc_initial(self, value: Any) -> Any:
        return {True: "true", False: "false"}.get(value, "") if isinstance(value, bool) else ""

    def doc_value(self, cleaned: Any) -> Any:
        return {"true": True, "false": False}.get(cleaned, ABSENT)


class RefField(DocumentField, forms.CharField):
    """A local reference (P1, D2 ...); `letters` are the kinds of entity it may point at."""

    def __init__(self, letters: str, **kwargs):
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.letters = letters

    def clean(self, value):
        text = (super().clean(value) or "").strip().upper()
        if text and not re.fullmatch(rf"[{self.letters}][1-9][0-9]{{0,3}}", text):
            examples = ", ".join(f"{letter}1" for letter in self.letters)
            raise ValidationError(
                _("Enter a reference such as %(examples)s.") % {"examples": examples},
                code="invalid_ref",
            )
        return text


# Patterns of the schema's coded strings, for the token lists.
ICAO_CODE = r"D|[A-Z]{3}"
COUNTRY = r"[A-Z]{2}"
NCB_CODE = r"[A-Z]{2}|RB-[A-Z0-9]{2,9}"
PERSON_REF = r"P[1-9][0-9]{0,3}"
ENTITY_REF = r"[ACDEFLOPV][1-9][0-9]{0,3}"
