from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from pen.web.fields import TEXT_MAX, strip

KEY_MAX = 512  # real keys are far shorter; the Fernet token of 512 characters fits `apiKey`
MODEL_MAX = TEXT_MAX


def one_printable_line(form, field) -> None:
    """Keys travel in an HTTP header: printable ASCII only, no spaces or line breaks."""
    if field.data and not all(33 <= ord(ch) < 127 for ch in field.data):
        raise ValidationError("Paste the key as one line, without spaces or line breaks.")


def model_id(form, field) -> None:
    if field.data and any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data):
        raise ValidationError("A model id is one line of text.")


class KeyForm(FlaskForm):
    """An API key; never rendered back (a password field), only its mask is shown after saving."""

    api_key = PasswordField(
        "API key",
        filters=[strip],
        validators=[
            DataRequired("Paste the API key."),
            Length(max=KEY_MAX, message=f"That is longer than any API key (at most {KEY_MAX} characters)."),
            one_printable_line,
        ],
    )


class ModelForm(FlaskForm):
    model = StringField("Default model", filters=[strip], validators=[Length(max=MODEL_MAX), model_id])


class DefaultsForm(FlaskForm):
    """The provider and model for new chats; the value of a choice is `<provider id>:<model>`."""

    choice = SelectField("Provider and model for new chats", choices=[], validate_choice=True)

    def set_choices(self, choices) -> "DefaultsForm":
        self.has_providers = bool(choices)  # usable providers, with or without listed models
        self.choice.choices = [SelectChoice("", "Automatic: the first one available")] + [
            SelectChoice(f"{choice.provider.id}:{model}", model, optgroup=choice.provider.name)
            for choice in choices
            for model in choice.models
        ]
        return self

    def selected(self) -> tuple[int, str] | None:
        provider_id, _, model = (self.choice.data or "").partition(":")
        return (int(provider_id), model) if provider_id.isdigit() and model else None
