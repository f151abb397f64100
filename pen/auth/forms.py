from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from pen.web.fields import TEXT_MAX, strip

NAME_MAX = TEXT_MAX
EMAIL_MAX = TEXT_MAX
PASSWORD_MIN = 8
PASSWORD_MAX = 1024


def not_blank(form, field) -> None:
    if field.data is not None and not field.data.strip():
        raise ValidationError("This field cannot be blank.")


def name_field() -> StringField:
    return StringField("Name", validators=[DataRequired(), not_blank, Length(max=NAME_MAX)])


def email_field() -> EmailField:
    return EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Length(max=EMAIL_MAX), Email("Enter a valid email address.")]
    )


def new_password_field(label: str = "Password", field_id: str | None = None) -> PasswordField:
    return PasswordField(
        label,
        id=field_id,
        validators=[
            DataRequired(),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
        ],
    )


class SignUpForm(FlaskForm):
    name = name_field()
    email = email_field()
    password = new_password_field()
    confirm = PasswordField("Password again", validators=[DataRequired(), EqualTo("password", "The passwords differ.")])


class SignInForm(FlaskForm):
    email = StringField("Email", filters=[strip], validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in")


class ProfileForm(FlaskForm):
    name = name_field()
    email = email_field()
    current_password = PasswordField(
        "Current password (needed to change the email)", id="profile-current-password", validators=[Length(max=PASSWORD_MAX)]
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", id="password-current", validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    password = new_password_field("New password", "password-new")
    confirm = PasswordField(
        "New password again", id="password-confirm", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class AvatarForm(FlaskForm):
    image = FileField("Profile image", validators=[FileRequired("Choose an image file.")])


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", id="delete-password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
