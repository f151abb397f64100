from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from pen.chat.service import TITLE_MAX
from pen.web.fields import normalise_newlines


def message_text(form, field) -> None:
    text = field.data or ""
    if not text.strip():
        raise ValidationError("Type a message first.")
    limit = current_app.config["PEN_MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise ValidationError(f"That message is {len(text):,} characters; the limit is {limit:,}.")


class MessageForm(FlaskForm):
    message = TextAreaField("Message", filters=[normalise_newlines], validators=[message_text])
    model = StringField("Model", validators=[Optional(), Length(max=400)])


class SendForm(MessageForm):
    chat_id = HiddenField(validators=[Optional()])
    system_prompt = TextAreaField("System prompt", filters=[normalise_newlines], validators=[Optional(), Length(max=20_000)])


class ModelForm(FlaskForm):
    model = StringField("Model", validators=[DataRequired(), Length(max=400)])


class RenameForm(FlaskForm):
    name = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])


class SystemPromptForm(FlaskForm):
    system_prompt = TextAreaField("System prompt", filters=[normalise_newlines], validators=[Length(max=20_000)])


class SwitchForm(FlaskForm):
    to = IntegerField(validators=[InputRequired()])
