"""Forms of user tasks: one BPMN camunda:formData declaration, three uses.

The declaration becomes server-side validation, a JSON Schema and an HTML form.

This module is the package's whole public API; nothing outside ``forms`` imports
its submodules. Conventions for process designers are in ``forms/README.md``.
"""

from forms.definition import check_spiff_form
from forms.errors import FormDefinitionError, ValidationFailed
from forms.fieldtypes import TYPES
from forms.files import UploadedFile
from forms.form import Form, form_from_spiff
from forms.formats import FORMATS, Format, countries
from forms.html import from_html_form, render_html
from forms.messages import MESSAGES
from forms.model import Field

__all__ = [
    "FORMATS",
    "MESSAGES",
    "TYPES",
    "Field",
    "Form",
    "Format",
    "FormDefinitionError",
    "UploadedFile",
    "ValidationFailed",
    "check_spiff_form",
    "countries",
    "form_from_spiff",
    "from_html_form",
    "render_html",
]
