from pathlib import Path

import forms

EXPECTED = {
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
}


def test_public_names_are_pinned():
    assert set(forms.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(forms, name) is not None


def test_message_catalogues_have_the_same_keys_in_every_locale():
    keys = {locale: set(messages) for locale, messages in forms.MESSAGES.items()}
    assert keys["id"] == keys["en"]


def test_country_list_is_iso_3166_alpha_2():
    codes = forms.countries()
    assert len(codes) == 249
    assert {"ID", "SG", "MY", "SA", "HK", "TW"} <= set(codes)
    assert all(len(code) == 2 and code.isupper() for code in codes)
    assert codes["ID"]["id"] == "Indonesia"


def test_forms_does_not_import_flask_engine_or_web():
    import sys

    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("forms.") and module is not None:
            source = Path(module.__file__ or "").read_text(encoding="utf-8")
            for banned in (
                "import flask",
                "from flask",
                "from engine",
                "import engine",
                "from web",
                "import web",
                "werkzeug",
            ):
                assert banned not in source, (module_name, banned)
