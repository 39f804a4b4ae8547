"""Output shapes of the report API: regions, and a region's figures with suppressed cells
as `{"text": "<11", "suppressed": true, "value": null}`."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.tables import Cell


class ReportRegionSerializer(serializers.Serializer):
    """A region the user may read: a bureau's code, or `global` for all regions."""

    code = serializers.CharField(help_text="Bureau code (e.g. RB-EUR), or `global`")
    name = serializers.CharField()
    figures_url = serializers.CharField(help_text="Where its figures are read")


class FigureCellSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='What to print: "17", "<11", "1,250,000.00 EUR"')
    suppressed = serializers.BooleanField(help_text="True when fewer than 11 persons are hidden")
    value = serializers.SerializerMethodField(help_text="The number; null when suppressed")

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_value(self, cell: Cell) -> int | float | None:
        if cell.suppressed or cell.value is None:
            return None
        return float(cell.value) if isinstance(cell.value, Decimal) else cell.value


class FigureRowSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    cells = FigureCellSerializer(many=True)


class FigureTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    chart = serializers.ChoiceField(choices=["bar", "line", "none"])
    note = serializers.CharField()
    rows = serializers.SerializerMethodField()

    @extend_schema_field(FigureRowSerializer(many=True))
    def get_rows(self, table) -> list[dict]:
        rows = [
            {
                "labels": [str(cell) for cell in row if isinstance(cell, str)],
                "cells": [cell for cell in row if isinstance(cell, Cell)],
            }
            for row in table.rows
        ]
        return FigureRowSerializer(rows, many=True).data


class RegionalFiguresSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="E.g. European Regional Bureau (RB-EUR)")
    region = serializers.SerializerMethodField(help_text="Bureau code, or `global`")
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive")
    tables = FigureTableSerializer(many=True)

    def get_region(self, figures) -> str:
        return self.context["code"]
