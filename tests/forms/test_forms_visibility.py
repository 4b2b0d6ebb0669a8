"""The `visibility` property: who may see a field's value outside its task's form."""

from __future__ import annotations

import pytest

import forms


def _form(value: str) -> forms.Form:
    return forms.Form.from_dict(
        {
            "version": 1,
            "key": "health",
            "fields": [
                {
                    "id": "health_result",
                    "type": "string",
                    "label": "Hasil",
                    "properties": {"visibility": value},
                }
            ],
        }
    )


def test_visibility_lists_desks_roles_and_task_ids() -> None:
    field = _form("dinkes, verifikasi_akhir,auditor ,kepala").field("health_result")
    assert field.visibility == ("dinkes", "verifikasi_akhir", "auditor", "kepala")
    assert field.properties["visibility"] == "dinkes, verifikasi_akhir,auditor ,kepala"


def test_a_field_without_visibility_is_for_everyone() -> None:
    plain = forms.Form.from_dict(
        {"version": 1, "key": "k", "fields": [{"id": "a", "type": "string", "label": "A"}]}
    )
    assert plain.field("a").visibility == ()


@pytest.mark.parametrize("value", ["Dinkes", "dinkes;auditor", " , ", "dinas kesehatan"])
def test_a_bad_visibility_is_refused_with_its_code(value: str) -> None:
    with pytest.raises(forms.FormDefinitionError) as refused:
        _form(value)
    assert refused.value.code == "LTSA-F009" and refused.value.field_id == "health_result"
