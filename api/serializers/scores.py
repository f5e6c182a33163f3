"""The scores of a plan's year (evaluation.scores.as_json, less what the caller may not see): the shapes, for the
schema. Scores are exact figures as strings with two decimals ("86.67"), null when not measurable."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.text import TextField
from plans.scoring import Level

LEVELS = [level.value for level in Level]


class RollupSerializer(serializers.Serializer[Any]):
    score = TextField(allow_null=True, help_text="Weighted score in percent, two decimals; null: none.")
    level = serializers.ChoiceField(choices=LEVELS)
    label = TextField(allow_blank=True, help_text="The band's words in the year's measurement system.")
    symbol = TextField(allow_blank=True, help_text="The band's symbol, shown beside the colour.")
    basis = TextField(allow_blank=True, help_text='"indicators", "activities", "none", or "" for an area or the body.')
    explanation = TextField(allow_blank=True, help_text="Which values, which rule, which weights, in Italian.")


class AreaScoreSerializer(RollupSerializer):
    area = serializers.IntegerField()
    name = TextField(allow_blank=True)


class IndicatorScoreSerializer(serializers.Serializer[Any]):
    indicator = serializers.IntegerField()
    weight = TextField()
    expected = TextField(allow_blank=True)
    actual = TextField(allow_blank=True)
    score = TextField(allow_null=True, help_text="Within the rule's cap; null: not measurable.")
    percent = TextField(allow_null=True, help_text="As shown: one decimal, not capped when met.")
    level = serializers.ChoiceField(choices=LEVELS)
    label = TextField(allow_blank=True)
    symbol = TextField(allow_blank=True)
    explanation = TextField(allow_blank=True)


class ObjectiveScoreSerializer(RollupSerializer):
    objective = serializers.IntegerField()
    code = TextField(allow_blank=True)
    weight = TextField()
    indicators = IndicatorScoreSerializer(many=True)


class PlanScoresSerializer(serializers.Serializer[Any]):
    plan = serializers.IntegerField()
    year = serializers.IntegerField()
    body = RollupSerializer(allow_null=True, help_text="The body's score: the director's and the OIV's only.")
    areas = AreaScoreSerializer(many=True, help_text="The areas the caller sees whole (an area head: their own).")
    objectives = ObjectiveScoreSerializer(many=True, help_text="The objectives the caller may see.")


class ObjectiveScoreSummarySerializer(RollupSerializer):
    year = serializers.IntegerField()
