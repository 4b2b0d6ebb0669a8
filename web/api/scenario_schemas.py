"""Schemas of a draft's scenario run: each scenario's outcome and coverage per process."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

__all__ = ["DraftTestSchema", "ScenarioReportSchema"]


class DraftTestSchema(Schema):
    """A draft to test (multipart): its BPMN/DMN files and, optionally, scenario files.

    Without ``scenarios`` the draft runs against the scenario files stored with
    the deployed processes.
    """

    files = fields.List(Upload(), required=True, validate=validate.Length(min=1))
    scenarios = fields.List(
        Upload(), load_default=list, metadata={"description": "scenario files (.yaml)"}
    )


class ScenarioResultSchema(Schema):
    """One scenario's outcome."""

    name = fields.String()
    file = fields.String()
    line = fields.Integer()
    passed = fields.Boolean()
    failure = fields.String(
        allow_none=True,
        metadata={"description": "the first failing step: what was expected and what happened"},
    )
    filled = fields.List(
        fields.String(), metadata={"description": "fields filled with example values"}
    )


class ProcessCoverageSchema(Schema):
    """Which flow nodes and sequence flows of one process the scenarios reached."""

    process_key = fields.String()
    node_percent = fields.Float()
    flow_percent = fields.Float()
    flow_nodes_reached = fields.List(fields.String())
    flow_nodes_missed = fields.List(fields.String())
    flows_reached = fields.List(fields.String())
    flows_missed = fields.List(fields.String())


class ScenarioReportSchema(Schema):
    """The outcome of a scenario run."""

    passed = fields.Boolean()
    scenarios = fields.List(fields.Nested(ScenarioResultSchema))
    coverage = fields.List(fields.Nested(ProcessCoverageSchema))
