"""The structured editor of a draft HST message: the mapping document ↔ forms.

`MessageEditor(document)` reads a draft into one form or formset per section; bound to POST
data, `MessageEditor(document, data=...)` validates what was typed (shape only: dates, codes,
refs) and `editor.document()` writes it back over a copy of the original. What the editor does
not show — the system's envelope fields, the thread, the exploitation forms, vehicles,
relationships, attachments, `x_...` extensions, entity handling overrides, the identity of a
protected person the editor may not see — is kept exactly as it was.

After `document()`, `field_id(pointer)` names the input that shows a JSON pointer of the new
document, so that the validation problems (`messages_hst.validation`) link to their field.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .base import ABSENT, DocumentForm, ItemForm, ItemFormSet, node_get, node_remove, node_set
from .crime import ExploitationFormSet, RelationshipFormSet, VehicleFormSet
from .entities import DocumentFormSet, LocationFormSet, PersonFormSet, RouteLegFormSet
from .envelope import EnvelopeForm, InterpolRefFormSet, RecipientFormSet
from .followups import CancellationForm, ClosureForm, ReminderForm
from .handling import HandlingForm
from .network import CommFormSet, FinancialFormSet, OrganisationFormSet
from .requests import OutcomeFormSet, RequestFormSet
from .summary import CaseSummaryForm


@dataclass(frozen=True)
class Section:
    """One part of the editor: a form over an object or a formset over a list."""

    key: str  # the forms' prefix and the page anchor
    title: str | Promise
    node: tuple[str, ...]  # where it lives in the document
    form: type[DocumentForm] | type[ItemFormSet]
    group: str  # the fieldset it is shown in
    only_for: tuple[str, ...] = ()  # shown for these types, or when the document has it

    @property
    def is_list(self) -> bool:
        return issubclass(self.form, forms.BaseFormSet)

    def shown_for(self, document: dict) -> bool:
        if not self.only_for:
            return True
        return document.get("message_type") in self.only_for or (
            node_get(document, self.node) is not ABSENT
        )


SECTIONS = (
    Section("envelope", _("Envelope"), (), EnvelopeForm, "envelope"),
    Section("recipients", _("Recipients"), ("recipients",), RecipientFormSet, "envelope"),
    Section(
        "interpol_refs",
        _("Related INTERPOL notices and diffusions"),
        ("related_interpol_refs",),
        InterpolRefFormSet,
        "envelope",
    ),
    Section("handling", _("Handling"), ("handling",), HandlingForm, "handling"),
    Section("summary", _("Case summary"), ("body", "case_summary"), CaseSummaryForm, "summary"),
    Section(
        "cancellation",
        _("Cancellation"),
        ("body", "cancellation"),
        CancellationForm,
        "follow_up",
        ("CANCEL",),
    ),
    Section("closure", _("Closure"), ("body", "closure"), ClosureForm, "follow_up", ("CLOSE",)),
    Section(
        "reminder", _("Reminder"), ("body", "reminder"), ReminderForm, "follow_up", ("REMINDER",)
    ),
    Section(
        "requests", _("Requests"), ("body", "requests"), RequestFormSet, "requests", ("REQUEST",)
    ),
    Section(
        "outcomes", _("Outcomes"), ("body", "outcomes"), OutcomeFormSet, "requests", ("REPLY",)
    ),
    Section("persons", _("Persons"), ("body", "persons"), PersonFormSet, "entities"),
    Section("documents", _("Documents"), ("body", "documents"), DocumentFormSet, "entities"),
    Section("locations", _("Locations"), ("body", "locations"), LocationFormSet, "entities"),
    Section("route_legs", _("Route"), ("body", "route_legs"), RouteLegFormSet, "entities"),
    Section(
        "exploitation",
        _("Exploitation"),
        ("body", "exploitation"),
        ExploitationFormSet,
        "entities",
    ),
    Section("vehicles", _("Vehicles"), ("body", "vehicles"), VehicleFormSet, "entities"),
    Section(
        "organisations",
        _("Organisations"),
        ("body", "organisations"),
        OrganisationFormSet,
        "network",
    ),
    Section("comms", _("Communications"), ("body", "comms"), CommFormSet, "network"),
    Section("financial", _("Financial"), ("body", "financial"), FinancialFormSet, "network"),
    Section(
        "relationships",
        _("Relationships"),
        ("body", "relationships"),
        RelationshipFormSet,
        "network",
    ),
)

GROUPS = (
    ("envelope", _("Envelope")),
    ("handling", _("Handling")),
    ("follow_up", _("Follow-up")),
    ("summary", _("Case summary")),
    ("requests", _("Requests and answers")),
    ("entities", _("Persons, documents and route")),
    ("network", _("Organisations, communications, money and links")),
)

# Body keys the editor shows; the page lists the others as "kept as they are".
EDITED_BODY_KEYS = frozenset(s.node[1] for s in SECTIONS if s.node[:1] == ("body",))


def pointer(*parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class MessageEditor:
    """The forms of one draft; see the module docstring."""

    def __init__(
        self,
        document: dict,
        data=None,
        *,
        hidden_person_refs: frozenset[str] = frozenset(),
    ) -> None:
        self.original = document if isinstance(document, dict) else {}
        self.hidden_person_refs = hidden_person_refs
        self.is_bound = data is not None
        self.parts: list[tuple[Section, Any]] = []
        self._pointers: dict[str, str] | None = None
        self._labels: dict[str, str] = {}  # input id → what the page calls it ("P1 · Sex")
        for section in SECTIONS:
            if not section.shown_for(self.original):
                continue
            self.parts.append((section, self._build(section, data, hidden_person_refs)))

    def _build(self, section: Section, data, hidden_refs: frozenset[str]):
        node = node_get(self.original, section.node)
        if not section.is_list:
            initial = section.form.initial_from(node) if node is not ABSENT else {}
            return section.form(data, prefix=section.key, initial=initial)
        form_kwargs = {"hidden_refs": hidden_refs} if section.key == "persons" else {}
        items = node if isinstance(node, list) else []
        return section.form(
            data,
            prefix=section.key,
            initial=None if data is not None else section.form.initial_from(items, **form_kwargs),
            original=items,
            form_kwargs=form_kwargs,
        )

    def __iter__(self) -> Iterator[tuple[Section, Any]]:
        return iter(self.parts)

    def part(self, key: str):
        return next(form for section, form in self.parts if section.key == key)

    def groups(self) -> list[tuple[str, str | Promise, list[tuple[Section, Any]]]]:
        """(key, title, parts) of the page's fieldsets, in order."""
        grouped: dict[str, list[tuple[Section, Any]]] = {}
        for section, form in self.parts:
            grouped.setdefault(section.group, []).append((section, form))
        return [(key, title, grouped[key]) for key, title in GROUPS if key in grouped]

    def kept_body_keys(self) -> list[str]:
        """Body sections the editor does not show (kept unchanged on save)."""
        body = self.original.get("body")
        shown = {s.node[1] for s, _form in self.parts if s.node[:1] == ("body",)}
        return [key for key in body if key not in shown] if isinstance(body, dict) else []

    def is_valid(self) -> bool:
        results = [form.is_valid() for _section, form in self.parts]  # every form's errors
        return all(results)

    def document(self) -> dict:
        """The original document with what the forms hold written in (call after is_valid)."""
        document = copy.deepcopy(self.original)
        for section, form in self.parts:
            original = node_get(document, section.node)
            if section.is_list:
                items = form.items()
                if items or original == []:
                    node_set(document, section.node, items)
                else:
                    node_remove(document, section.node)
                continue
            value = form.apply(original if isinstance(original, dict) else {})
            if not section.node:
                document = value
            elif value or original is not ABSENT:
                node_set(document, section.node, value)
        return document

    def _index_pointers(self) -> None:
        """Map the JSON pointers of the document the forms stand for to their inputs: the
        rows in order (the kept ones of a bound editor, every one of an unbound one)."""
        self._pointers, self._labels = {}, {}
        for section, form in self.parts:
            base = pointer(*section.node)
            if base:
                self._pointers[base] = f"section-{section.key}"
            if not section.is_list:
                self._add_pointers(base, form)
                continue
            rows = form.kept_forms() if self.is_bound else form.forms
            for index, row in enumerate(rows):
                self._add_pointers(pointer(*section.node, index), row)

    def _add_pointers(self, base: str, form: DocumentForm) -> None:
        row = form.legend() if isinstance(form, ItemForm) else ""
        for name, field in form.mapped_fields():
            field_id = form[name].auto_id
            if base:
                self._pointers.setdefault(base, field_id)  # the row: its first input
            self._pointers[base + pointer(*form.path_of(name))] = field_id
            self._labels[field_id] = " · ".join(part for part in (row, str(field.label)) if part)

    def field_id(self, path: str) -> str:
        """The id of the input (or section) showing JSON pointer `path`, or "" when the editor
        does not show it (a bound editor: after is_valid)."""
        if self._pointers is None:
            self._index_pointers()
        while True:
            if path in self._pointers:
                return self._pointers[path]
            if not path:
                return ""
            path = path.rsplit("/", 1)[0]

    def linked(self, problems) -> list[dict[str, str]]:
        """Problem dicts with the id of the input that shows each (`field`, "" if none) and
        what the page calls that input (`where`)."""
        linked = []
        for problem in problems:
            field = problem.get("field") or self.field_id(problem.get("path", ""))
            where = problem.get("where") or self._labels.get(field, "")
            linked.append({**problem, "field": field, "where": where})
        return linked

    def error_problems(self) -> list[dict[str, str]]:
        """The forms' errors as problems (after is_valid), each naming its input."""
        problems = []
        for section, form in self.parts:
            rows = form.forms if section.is_list else [form]
            if section.is_list:
                for error in form.non_form_errors():
                    problems.append(_problem(section.title, error, f"section-{section.key}"))
            for row in rows:
                legend = row.legend() if isinstance(row, ItemForm) else ""
                for name, errors in row.errors.items():
                    known = name in row.fields
                    field_id = row[name].auto_id if known else f"section-{section.key}"
                    label = str(row.fields[name].label) if known else str(section.title)
                    where = " · ".join(part for part in (legend, label) if part)
                    for error in errors:
                        problems.append(_problem(where, error, field_id))
        return problems


def _problem(where: str, error, field_id: str) -> dict[str, str]:
    return {
        "path": "",
        "code": "form",
        "severity": "error",
        "message": str(error),
        "field": field_id,
        "where": where,
    }


__all__ = ["EDITED_BODY_KEYS", "SECTIONS", "MessageEditor", "Section"]
