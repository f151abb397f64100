from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pen import providers
from pen.auth.forms import PASSWORD_MAX, PASSWORD_MIN
from pen.providers.catalog import BEARER
from pen.web.fields import TEXT_MAX, strip

NAME_MAX = TEXT_MAX
MAX_BASE_URLS = 10
API_STYLES = [
    SelectChoice("openai", "OpenAI-compatible (chat completions)"),
    SelectChoice("anthropic", "Anthropic (messages)"),
    SelectChoice("gemini", "Google Gemini"),
    SelectChoice("ollama", "Ollama (native)"),
]


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


PROVIDER_NAME_MAX = 100  # the name is copied into chat_messages.provider, VARCHAR(100) in the seed schema


class ProviderForm(FlaskForm):
    """A provider. Validation is complete here: the service gets clean, normalised values."""

    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=PROVIDER_NAME_MAX)])
    api_style = SelectField("API style", choices=API_STYLES)
    base_urls = TextAreaField(
        "Base URLs", validators=[DataRequired("Enter at least one base URL.")],
        description="One per line, tried in order when one is down.",
    )
    auth_header = StringField(
        "Auth header", default=BEARER, validators=[DataRequired(), Length(max=NAME_MAX)],
        description="A header name (x-api-key) or Name: template with {key} (Authorization: Bearer {key}).",
    )
    requires_auth = BooleanField("Requires an API key", default=True)
    default_model = StringField("Default model", filters=[strip], validators=[Length(max=NAME_MAX)],
                                description="Leave empty to take the first model the provider lists.")
    extra_headers = TextAreaField("Extra headers", validators=[Length(max=4000)],
                                  description="Optional, one Name: value per line.")
    enabled = BooleanField("Enabled", default=True)

    def validate_name(self, field) -> None:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data):
            raise ValidationError("The name is one line of text.")

    def validate_base_urls(self, field) -> None:
        entered = lines(field.data)
        if len(entered) > MAX_BASE_URLS:
            raise ValidationError(f"Enter at most {MAX_BASE_URLS} base URLs.")
        block_private = current_app.config["PEN_BLOCK_PRIVATE_PROVIDER_URLS"]
        urls: list[str] = []
        for number, line in enumerate(entered, 1):
            try:
                url = providers.validate_base_url(line, block_private=block_private)
            except providers.InvalidBaseURL as exc:
                raise ValidationError(f"Line {number}: {exc}" if len(entered) > 1 else str(exc)) from exc
            if url not in urls:
                urls.append(url)
        if not urls:
            raise ValidationError("Enter at least one base URL.")
        self.clean_base_urls = urls

    def validate_auth_header(self, field) -> None:
        try:
            field.data = providers.validate_auth_header(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_extra_headers(self, field) -> None:
        headers: dict[str, str] = {}
        for line in lines(field.data):
            name, colon, value = line.partition(":")
            if not colon:
                raise ValidationError("Write each header as Name: value.")
            headers[name.strip()] = value.strip()
        try:
            self.clean_extra_headers = providers.validate_extra_headers(headers) or None
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_default_model(self, field) -> None:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data or ""):
            raise ValidationError("A model id is one line of text.")

    def values(self) -> dict:
        """The validated values, as the service stores them."""
        return {
            "name": self.name.data,
            "api_style": self.api_style.data,
            "base_urls": self.clean_base_urls,
            "auth_header": self.auth_header.data,
            "requires_auth": self.requires_auth.data,
            "default_model": self.default_model.data or "",
            "extra_headers": self.clean_extra_headers,
            "enabled": self.enabled.data,
        }

    @classmethod
    def data_of(cls, provider) -> dict:
        """Form data for an existing provider (lists and dicts as one entry per line)."""
        return {
            "name": provider.name,
            "api_style": provider.api_style,
            "base_urls": "\n".join(provider.base_urls or []),
            "auth_header": provider.auth_header,
            "requires_auth": provider.requires_auth,
            "default_model": provider.default_model,
            "extra_headers": "\n".join(f"{k}: {v}" for k, v in (provider.extra_headers or {}).items()),
            "enabled": provider.enabled,
        }


class PolicyForm(FlaskForm):
    allow_user_keys = BooleanField("Users may add their own API keys")


class UserListForm(FlaskForm):
    """Where the admin is in the user list; every user action carries it to re-render that page."""

    q = HiddenField(filters=[strip], validators=[Length(max=NAME_MAX)])
    page = HiddenField(validators=[Optional()])

    def page_number(self) -> int:
        return int(self.page.data) if (self.page.data or "").isdigit() else 1


class UserSearchForm(FlaskForm):
    """The GET search box (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search by name or email", filters=[strip], validators=[Length(max=NAME_MAX)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])


class ResetPasswordForm(UserListForm):
    password = PasswordField(
        "New password (leave empty for a one-time temporary password)",
        validators=[Optional(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                       message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.")],
    )
