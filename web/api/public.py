"""API for the public, no account: requirements, complaints and status look-ups.

The answers hold nothing beyond what `/publik` shows: a placement case's step,
desk and missing documents; a complaint's status and resolution (never who
filed it). A wrong or malformed code and a wrong birth date get the same 404.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import TooManyRequests

from web.access import public
from web.app_engine import engine_of
from web.i18n import current_locale
from web.public import public_desk, within_limit

__all__ = ["blp"]

blp = Blueprint("api_public", __name__, description="Public information, no account needed")
#: In the OpenAPI document: these operations need no credentials.
no_account = blp.doc(security=[])


class ComplaintFilingSchema(Schema):
    """A complaint: the fields of the complaint process's intake form."""

    data = fields.Dict(required=True)
    office = fields.String(
        load_default=None,
        metadata={
            "description": "the office's code, one of GET /offices (default: the default office)"
        },
    )


class OfficeSchema(Schema):
    """An LTSA office a complaint may go to."""

    code = fields.String(required=True, metadata={"example": "utama"})
    name = fields.String(required=True)


class StatusQuery(Schema):
    """A tracking code and the applicant's birth date."""

    code = fields.String(required=True)
    birth_date = fields.String(required=True)


def _limit(scope: str) -> None:
    if not within_limit(scope):
        raise TooManyRequests("too many requests from this address; wait and try again")


@blp.route("/requirements", methods=["GET"])
@public
@no_account
@blp.alt_response(404, schema="Error", description="the placement process is not deployed")
def requirements() -> Any:
    """The requirements and procedure, derived from the deployed processes and DMN tables."""
    return dataclasses.asdict(public_desk().requirements())


@blp.route("/offices", methods=["GET"])
@public
@no_account
@blp.response(200, OfficeSchema(many=True))
def offices() -> Any:
    """The offices, by code: what a complaint's `office` may name."""
    return engine_of().offices.list()


@blp.route("/complaints", methods=["POST"])
@public
@no_account
@blp.arguments(ComplaintFilingSchema)
@blp.alt_response(422, schema="Error")
@blp.alt_response(429, schema="Error")
def file_complaint(body: dict[str, Any]) -> Any:
    """File a complaint (201 with its tracking code)."""
    _limit("filing")
    _, code = public_desk().file_complaint(
        body["data"], locale=current_locale(), office=body.get("office")
    )
    return {"tracking_code": code}, 201


@blp.route("/status", methods=["GET"])
@public
@no_account
@blp.arguments(StatusQuery, location="query")
@blp.alt_response(404, schema="Error")
@blp.alt_response(429, schema="Error")
def status(query: dict[str, Any]) -> Any:
    """A placement case's current step, desk and missing documents."""
    _limit("lookup")
    progress = public_desk().progress(query["code"], query["birth_date"], request.remote_addr)
    return dataclasses.asdict(progress)


@blp.route("/complaints/<code>", methods=["GET"])
@public
@no_account
@blp.alt_response(404, schema="Error")
@blp.alt_response(429, schema="Error")
def complaint(code: str) -> Any:
    """A complaint's status and resolution."""
    _limit("lookup")
    return dataclasses.asdict(public_desk().complaint(code))
