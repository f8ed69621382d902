"""System checks: `manage.py check` reports broken or missing personal-data declarations."""

from django.core import checks

from twentytwo.privacy.declarations import DeclarationError, declarations_load
from twentytwo.privacy.detection import undeclared_personal_fields


@checks.register()
def personal_data_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        declared = declarations_load()
    except DeclarationError as error:
        return [checks.Error(str(error), id="privacy.E001")]
    return [
        checks.Warning(
            f"{label} looks like personal data and is not declared.",
            hint="Declare it in its app's personal_data module, or list it in NOT_PERSONAL "
            "with the reason.",
            id="privacy.W001",
        )
        for label in undeclared_personal_fields(declared)
    ]
