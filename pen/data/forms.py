from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField
from wtforms.validators import DataRequired


class ImportForm(FlaskForm):
    file = FileField("Export file", validators=[FileRequired("Choose a file to import.")])


class DeleteChatsForm(FlaskForm):
    confirm = BooleanField(
        "I understand: every chat and message goes, and this cannot be undone.",
        validators=[DataRequired("Tick the box to confirm.")],
    )
