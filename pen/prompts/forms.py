from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from pen.prompts.service import NAME_MAX
from pen.prompts.variables import Variable
from pen.web.fields import normalise_newlines, strip


def max_chars() -> int:
    return current_app.config["PEN_PROMPT_MAX_CHARS"]


def name_rule(name: str) -> str | None:
    """Why a prompt name is not accepted, or None."""
    if not name.strip():
        return "Give the prompt a name."
    if len(name) > NAME_MAX:
        return f"That name is {len(name):,} characters; the limit is {NAME_MAX}."
    return None


def text_rule(text: str) -> str | None:
    """Why a prompt text is not accepted, or None."""
    if not text.strip():
        return "Write the prompt's text."
    if len(text) > max_chars():
        return f"That prompt is {len(text):,} characters; the limit is {max_chars():,}."
    return None


def checked(rule):
    def validate(form, field) -> None:
        problem = rule(field.data or "")
        if problem:
            raise ValidationError(problem)

    return validate


class PromptForm(FlaskForm):
    name = StringField("Name", filters=[normalise_newlines, strip], validators=[checked(name_rule)])
    text = TextAreaField("Text", filters=[normalise_newlines], validators=[checked(text_rule)])


class ImportForm(FlaskForm):
    file = FileField("Prompts file (JSON)", validators=[FileRequired("Choose a JSON file to import.")])


class UseAsSystemForm(FlaskForm):
    prompt_id = IntegerField("Prompt", validators=[InputRequired("Choose a prompt.")])


class FillForm(FlaskForm):
    """One field per variable (added by `fill_form`); a blank field takes the variable's default."""

    variables: list[Variable] = []

    def values(self) -> dict[str, str]:
        values = {}
        for variable, field in zip(self.variables, self.value_fields(), strict=True):
            text = field.data or ""
            values[variable.name] = text if text.strip() or variable.default is None else variable.default
        return values

    def value_fields(self) -> list:
        return [self[f"v{index}"] for index in range(len(self.variables))]


def fill_form(variables: list[Variable], **kwargs) -> FillForm:
    def required(name: str):
        def validate(form, field) -> None:
            if not (field.data or "").strip():
                raise ValidationError(f"Fill in “{name}”.")

        return validate

    def short(form, field) -> None:
        if len(field.data or "") > max_chars():
            raise ValidationError(f"That is {len(field.data):,} characters; the limit is {max_chars():,}.")

    attributes = {"variables": variables}
    for index, variable in enumerate(variables):
        validators = [short] if variable.default is not None else [required(variable.name), short]
        attributes[f"v{index}"] = TextAreaField(variable.name, default=variable.default, filters=[normalise_newlines],
                                                validators=validators)
    form_class = type("PromptFillForm", (FillForm,), attributes)
    return form_class(prefix="fill", **kwargs)
