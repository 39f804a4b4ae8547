"""The mapping between a part of an HST document and a form (or a formset over a list).

A `DocumentForm` names, for each of its fields, the path of the value inside its node
(`paths`; by default the field's name). `DocumentForm.initial_from(node)` reads the node into
initial values; `DocumentForm.apply(base)` writes the cleaned values over a copy of the
original node. Only the keys the form shows are touched: `x_...` extensions, entity handling
overrides and anything else the form does not cover pass through unchanged. A list whose
items are the same as before (in any order) keeps its original order.

`ItemFormSet` does the same for a list of entities: each row carries the index of the item it
was read from (`origin`), so a saved row starts from that item and keeps what it does not
show; new rows start empty; deleted rows disappear.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from django import forms

from .fields import ABSENT, DocumentField

Path = tuple[str, ...]


def node_get(node: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return ABSENT
        node = node[key]
    return node


def node_set(node: dict, path: Path, value: Any) -> None:
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def node_remove(node: dict, path: Path) -> None:
    """Remove `path`; parents left empty by that removal go as well (never an empty {} that
    was there before)."""
    parents = []
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            return
        parents.append((node, key))
        node = child
    if path[-1] not in node:
        return
    del node[path[-1]]
    for parent, key in reversed(parents):
        if parent[key]:
            break
        del parent[key]


def same_items(old: Any, new: Any) -> bool:
    """Whether two lists hold the same items, in whatever order."""
    if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
        return False
    try:
        return sorted(map(repr, old)) == sorted(map(repr, new))
    except TypeError:
        return False


class DocumentForm(forms.Form):
    """A form over one node of the document (an object)."""

    paths: ClassVar[dict[str, Path]] = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def path_of(cls, name: str) -> Path:
        return cls.paths.get(name, (name,))

    def mapped_fields(self) -> list[tuple[str, DocumentField]]:
        return [
            (name, field)
            for name, field in self.fields.items()
            if isinstance(field, DocumentField)
        ]

    @classmethod
    def initial_from(cls, node: Any, form: DocumentForm | None = None) -> dict[str, Any]:
        """Initial values of the form's fields read from `node`."""
        fields = (form or cls()).mapped_fields()
        initial = {}
        for name, field in fields:
            value = node_get(node, cls.path_of(name))
            if value is not ABSENT:
                initial[name] = field.doc_initial(value)
        return initial

    def apply(self, base: dict) -> dict:
        """`base` (a copy of the original node) with the cleaned values written in."""
        node = copy.deepcopy(base) if isinstance(base, dict) else {}
        for name, field in self.mapped_fields():
            path = self.path_of(name)
            value = field.doc_value(self.cleaned_data.get(name))
            if value is ABSENT:
                node_remove(node, path)
            elif not same_items(node_get(node, path), value):
                node_set(node, path, value)
        return node


class ItemForm(DocumentForm):
    """A row of a formset over a list of entities; `origin` = the index it was read from.

    `origin_item` is that item (None for a new row): a subclass may hide fields for it
    (`adapt_to`), and a hidden field is then kept as it is."""

    origin = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, origin_item: Any = None, **kwargs):
        self.origin_item = origin_item if isinstance(origin_item, dict) else None
        super().__init__(*args, **kwargs)
        self.adapt_to(self.origin_item)

    def adapt_to(self, item: dict | None) -> None:
        """Change the fields for the item this row edits (nothing by default)."""

    def legend(self) -> str:
        """What names the row on the page: its ref (or request, NCB, number, kind)."""
        for name in ("ref", "request_ref", "ncb_code", "seq", "kind"):
            if name in self.fields:
                value = self[name].value()
                if value not in (None, ""):
                    return str(value)
        return ""


class ItemFormSet(forms.BaseFormSet):
    """A formset over a list of the document; see the module docstring."""

    def __init__(self, *args, original: list | None = None, **kwargs):
        self.original = original if isinstance(original, list) else []
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, items: Any, **form_kwargs) -> list[dict]:
        """Initial rows of `items`; `form_kwargs` as given to the formset."""
        if not isinstance(items, list):
            return []
        rows = []
        for index, item in enumerate(items):
            form = cls.form(origin_item=item, **form_kwargs)
            rows.append({**cls.form.initial_from(item, form), "origin": index})
        return rows

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["origin_item"] = self._origin_item(index)
        return kwargs

    def _origin_item(self, index: int | None) -> Any:
        origin = None
        if index is not None and self.is_bound:
            raw = str(self.data.get(f"{self.add_prefix(index)}-origin", ""))
            origin = int(raw) if raw.isdigit() else None
        elif index is not None and index < len(self.initial or []):
            origin = self.initial[index].get("origin")
        if origin is not None and 0 <= origin < len(self.original):
            return self.original[origin]
        return None

    def kept_forms(self) -> list[ItemForm]:
        """The rows that end in the document, in order: not deleted, not left blank."""
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.empty_permitted and not form.has_changed():
                continue
            kept.append(form)
        return kept

    def items(self) -> list[dict]:
        items = []
        for form in self.kept_forms():
            origin = form.cleaned_data.get("origin")
            base = (
                self.original[origin] if origin is not None and origin < len(self.original) else {}
            )
            items.append(form.apply(base))
        return items


def item_formset(form_class: type[ItemForm]) -> type[ItemFormSet]:
    return forms.formset_factory(
        form_class, formset=ItemFormSet, extra=0, can_delete=True, max_num=500, absolute_max=1000
    )
