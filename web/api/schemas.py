"""Marshmallow schemas of the API: what goes in and what comes out."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from web.i18n import mask_nik

__all__ = [
    "CHECKED_BEYOND_SCHEMA",
    "DEPLOYMENT_REFUSAL",
    "FIELD_NAME_PATTERN",
    "FORM_REFUSAL",
    "INT64_MAX",
    "MAX_DATA_FIELDS",
    "CaseListQuery",
    "CaseSchema",
    "CaseStartSchema",
    "CaseSummarySchema",
    "CompleteSchema",
    "DeployQuery",
    "DeployResultSchema",
    "DeploySchema",
    "ErrorSchema",
    "EventSchema",
    "IdempotencyHeaders",
    "JsonBody",
    "MessageSchema",
    "ProcessVersionSchema",
    "ReplayQuery",
    "ReplaySchema",
    "TaskDetailSchema",
    "TaskListQuery",
    "TaskSchema",
    "VerificationSchema",
    "WithdrawSchema",
    "checked_beyond_schema",
]

#: The database keeps 64-bit integers; a larger number in a request is invalid, not a crash.
INT64_MAX = 2**63 - 1


#: The case data field names the engine accepts (`engine/data.py`), as the document states them.
FIELD_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
#: At most this many fields in one input's data (`engine/data.py`).
MAX_DATA_FIELDS = 500
#: What a 422 on completing a task means: the data is well formed but not what the form wants.
FORM_REFUSAL = (
    "the data does not fit the task's form (GET /api/v1/tasks/{task_id} gives its JSON "
    "Schema), or a field name or value is not case data; errors by field; nothing changed"
)


#: Where the document says that well-formed input can still be refused (422), and why: the
#: operation checks content its schema cannot state (a task's form, a BPMN file's meaning).
CHECKED_BEYOND_SCHEMA = "x-checked-beyond-schema"
#: What a 422 on a deployment means.
DEPLOYMENT_REFUSAL = (
    "the files are not a valid deployment (XML, BPMN/DMN, sandbox, lanes, forms); "
    "errors name file, line and element; nothing changed"
)


def checked_beyond_schema(reason: str) -> dict[str, str]:
    """Return the operation extension saying why well-formed input may be refused (422)."""
    return {CHECKED_BEYOND_SCHEMA: reason}


def _count(minimum: int = 0) -> validate.Range:
    return validate.Range(min=minimum, max=INT64_MAX)


def _case_data(description: str, **kwargs: Any) -> fields.Dict:
    """A JSON object of case data, documented with the limits the engine enforces."""
    return fields.Dict(
        keys=fields.String(),
        metadata={
            "description": f"{description}; field names are identifiers (ASCII letters, digits "
            f"and '_', not starting with '_'), at most {MAX_DATA_FIELDS} fields",
            "propertyNames": {"pattern": FIELD_NAME_PATTERN},
            "maxProperties": MAX_DATA_FIELDS,
        },
        **kwargs,
    )


def _json_type_error(field: fields.Field, value: Any) -> Any:
    """What is wrong with `value` as a JSON body's value of `field`, or None."""
    if isinstance(field, fields.List) and isinstance(value, list):
        items = {i: _json_type_error(field.inner, item) for i, item in enumerate(value)}
        return {i: error for i, error in items.items() if error} or None
    if isinstance(field, fields.Boolean):
        wrong = not isinstance(value, bool)
    elif isinstance(field, fields.Integer):
        wrong = isinstance(value, bool) or not isinstance(value, int)
    else:
        wrong = False
    return [field.error_messages["invalid"]] if wrong else None


class JsonBody(Schema):
    """A JSON request body: its numbers and booleans are JSON's own, as the document says.

    marshmallow's Integer and Boolean also take text ("5", "true") and 1 for true, which a
    query string needs; a JSON body sending those is refused (422), field by field.
    """

    @pre_load
    def _json_types(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            errors = {
                name: error
                for name, field in self.fields.items()
                if (field.data_key or name) in data
                and (error := _json_type_error(field, data[field.data_key or name]))
            }
            if errors:
                raise ValidationError(errors)
        return data


class ErrorSchema(Schema):
    """Every error answer of the API."""

    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "messages by field (or by file for deployments)"},
    )
    details = fields.List(
        fields.Dict(), metadata={"description": "deployment problems: file, line, element_id..."}
    )
    report = fields.Dict(
        metadata={"description": "a deployment refused by its scenarios: the scenario run"}
    )


class ProcessVersionSchema(Schema):
    """One stored version of a process."""

    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    deployed_at = fields.DateTime()
    deployed_by = fields.String()
    files = fields.List(fields.String())
    active_cases = fields.Integer()
    tests_skipped_by = fields.String(
        allow_none=True, metadata={"description": "who deployed it without its scenarios"}
    )
    tests_skipped_at = fields.DateTime(allow_none=True)


class DeploySchema(Schema):
    """The BPMN and DMN files of a deployment (multipart, field name ``files``)."""

    files = fields.List(Upload(), required=True, validate=validate.Length(min=1))
    scenarios = fields.List(
        Upload(),
        load_default=list,
        metadata={"description": "scenario files (.yaml) to run and store; default: the stored"},
    )


class DeployQuery(Schema):
    """Options of a deployment."""

    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "only validate; store nothing"}
    )
    skip_tests = fields.Boolean(
        load_default=False,
        metadata={"description": "deploy even if a scenario fails; the version records the skip"},
    )


class DeployResultSchema(Schema):
    """What a deployment did to each process."""

    key = fields.String()
    version = fields.Integer(allow_none=True)
    content_hash = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "new, unchanged or valid (dry run)"})


class TaskSchema(Schema):
    """A user task occurrence."""

    id = fields.Integer()
    case_id = fields.Integer()
    ref = fields.String()
    name = fields.String()
    title = fields.String()
    desk = fields.String(allow_none=True)
    state = fields.String()
    assignee = fields.String(allow_none=True)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    process_key = fields.String()
    applicant_name = fields.String(allow_none=True)
    nik_masked = fields.Method("_nik", metadata={"description": "the NIK's last four digits"})

    def _nik(self, task: Any) -> str | None:
        nik = task.get("nik") if isinstance(task, dict) else getattr(task, "nik", None)
        return mask_nik(nik) if nik else None


class TaskDetailSchema(TaskSchema):
    """A task with the JSON Schema of its form (null when the task is not ready)."""

    form = fields.Dict(allow_none=True)


class _CaseHeadSchema(Schema):
    """What every answer about a case says of it."""

    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    status = fields.String()
    rejection_reason = fields.String(allow_none=True)
    revision = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CaseSchema(_CaseHeadSchema):
    """A case with its data and the tasks that wait for a desk."""

    data = fields.Dict()
    desks = fields.List(fields.String())
    ready_tasks = fields.List(fields.Nested(TaskSchema))


class CaseSummarySchema(_CaseHeadSchema):
    """A case in a list: no personal data beyond the name and the NIK's last digits."""

    full_name = fields.Method("_full_name")
    nik_masked = fields.Method("_nik")

    def _full_name(self, case: Any) -> str | None:
        value = case.data.get("full_name")
        return str(value) if value is not None else None

    def _nik(self, case: Any) -> str | None:
        return mask_nik(case.data.get("nik")) if case.data.get("nik") else None


class CaseStartSchema(JsonBody):
    """Start a case of the latest version of a process."""

    process = fields.String(required=True, metadata={"example": "ltsa_placement"})
    data = _case_data("the case's first data", load_default=dict)


class CaseListQuery(Schema):
    """Filters and paging of the case list."""

    status = fields.String(
        validate=validate.OneOf(["active", "completed", "rejected", "withdrawn"])
    )
    process = fields.String()
    q = fields.String(metadata={"description": "NIK (16 digits) or part of the name"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=_count())


class TaskListQuery(Schema):
    """Filters and paging of the task list; officers see only their desks."""

    desk = fields.String()
    case = fields.Integer(validate=_count())
    state = fields.String(
        load_default="ready", validate=validate.OneOf(["ready", "completed", "cancelled", "any"])
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=_count())


class CompleteSchema(JsonBody):
    """The data of a task's form; uploads as {"name", "content_base64"}."""

    data = _case_data("values by form field id", required=True)
    expected_revision = fields.Integer(
        validate=_count(),
        metadata={"description": "refuse with 409 if the case changed since this revision"},
    )


class MessageSchema(JsonBody):
    """The data a message brings."""

    data = _case_data("the data the message brings", load_default=dict)


class WithdrawSchema(JsonBody):
    """Why the applicant withdraws."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class EventSchema(Schema):
    """One journal event, with its place in the hash chain."""

    case_id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String()
    format_version = fields.Integer()
    recorded_at = fields.String()
    actor = fields.String()
    desk = fields.String(allow_none=True)
    task_ref = fields.String(allow_none=True)
    payload = fields.Dict()
    state_digest = fields.String()
    prev_hash = fields.String()
    hash = fields.String()


class IdempotencyHeaders(Schema):
    """The optional ``Idempotency-Key`` header of the requests that change cases."""

    class Meta:
        """Other headers are none of this schema's business."""

        unknown = EXCLUDE

    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "repeat a request safely: the same key and request give the first "
            "answer and change nothing again; the same key with another request is 409"
        },
    )


class ReplayQuery(Schema):
    """Which step to replay to, and optionally which version to compare with."""

    to = fields.Integer(
        validate=_count(),
        metadata={"description": "event number (default: the last event)"},
    )
    against = fields.Integer(
        validate=_count(1),
        metadata={"description": "another deployed version of the same process (what-if)"},
    )


class DivergenceSchema(Schema):
    """Where the other version would first have behaved differently."""

    seq = fields.Integer()
    reason = fields.String()
    details = fields.Dict()


class ReplaySchema(Schema):
    """A case's state after event ``seq``, and what that event changed."""

    case_id = fields.Integer()
    seq = fields.Integer()
    events = fields.Integer(metadata={"description": "how many events the journal holds"})
    event = fields.Dict(allow_none=True)
    status = fields.String()
    data = fields.Dict()
    changed = fields.Dict(metadata={"description": "field -> {before, after}"})
    ready_tasks = fields.List(fields.String())
    path = fields.List(fields.String(), metadata={"description": "BPMN element ids passed"})
    active = fields.List(fields.String(), metadata={"description": "BPMN element ids waiting"})
    version = fields.Integer()
    against = fields.Integer(allow_none=True)
    divergence = fields.Nested(DivergenceSchema, allow_none=True)


class VerificationSchema(Schema):
    """The verdict on a case's history."""

    case_id = fields.Integer()
    intact = fields.Boolean()
    first_bad_event = fields.Integer(allow_none=True)
    problems = fields.List(fields.String())
    events = fields.Integer()
