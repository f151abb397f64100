"""Sign up, sign in/out, profile (name, email, password, image) and account deletion."""

from flask import Blueprint, abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from pen.auth import avatars, service
from pen.auth.forms import (
    AvatarForm,
    DeleteAccountForm,
    PasswordForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
)
from pen.extensions import db, limiter
from pen.models import User
from pen.security.passwords import verify_password
from pen.web.htmx import redirect_to, render, safe_next

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Wrong email or password."


def form_status(form: FlaskForm) -> int:
    return 422 if form.is_submitted() else 200


def signin_account_key() -> str:
    return "signin-account:" + service.normalise_email(request.form.get("email", ""))


def signin_failed(response) -> bool:
    return response.status_code == 422


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PEN_SIGNUP_LIMIT_PER_IP"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect_to(url_for("chat.home"))
    if not service.signup_open():
        if request.method == "POST":  # a form from before sign-up closed: show the page that says so
            return redirect_to(url_for("auth.signup"))
        return render("auth/signup_closed.html", status=403)
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = service.create_account(form.name.data, form.email.data, form.password.data)
        except service.EmailTaken:
            form.email.errors.append("An account with this email already exists.")
        else:
            login_user(user)
            return redirect_to(url_for("chat.home"))
    return render("auth/signup.html", "auth/_signup_form.html", form=form, status=form_status(form))


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PEN_SIGNIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PEN_SIGNIN_LIMIT_PER_ACCOUNT"],
    key_func=signin_account_key,
    methods=["POST"],
    deduct_when=signin_failed,
)
def signin():
    next_url = safe_next(request.args.get("next"), url_for("chat.home"))
    if current_user.is_authenticated:
        return redirect_to(next_url)
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            error = WRONG_CREDENTIALS
        elif not user.is_active:
            error = "This account is deactivated. Ask your admin."
        else:
            login_user(user, remember=form.remember.data)
            return redirect_to(next_url)
    return render("auth/signin.html", "auth/_signin_form.html", form=form, error=error, status=form_status(form))


@bp.post("/signout")
def signout():
    logout_user()
    return redirect_to(url_for("auth.signin"))


@bp.get("/profile")
@login_required
def profile():
    return profile_page()


@bp.post("/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        email_changed = service.normalise_email(form.email.data) != current_user.email
        if email_changed and not verify_password(current_user.password, form.current_password.data or "")[0]:
            form.current_password.errors.append("Enter your current password to change the email.")
        else:
            try:
                service.update_profile(current_user, form.name.data, form.email.data)
            except service.EmailTaken:
                form.email.errors.append("An account with this email already exists.")
            else:
                return profile_fragment("auth/_profile_form.html", profile_form=ProfileForm(formdata=None, obj=current_user), saved=True)
    return profile_fragment("auth/_profile_form.html", profile_form=form, status=422)


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password, form.current_password.data)[0]:
            form.current_password.errors.append("That is not your current password.")
        else:
            service.set_password(current_user, form.password.data)
            login_user(current_user._get_current_object())  # this session continues with the new nonce
            return profile_fragment("auth/_password_form.html", password_form=PasswordForm(formdata=None), saved=True)
    return profile_fragment("auth/_password_form.html", password_form=form, status=422)


@bp.post("/profile/avatar")
@login_required
def upload_avatar():
    form = AvatarForm()
    if form.validate_on_submit():
        try:
            relative = avatars.store_avatar(current_user.id, form.image.data.read())
        except avatars.InvalidImage as exc:
            form.image.errors.append(str(exc))
        else:
            previous, current_user.profile_image = current_user.profile_image, relative
            db.session.commit()
            avatars.remove_avatar_file(previous)
            return profile_fragment("auth/_avatar_form.html", avatar_form=AvatarForm(formdata=None), saved=True)
    return profile_fragment("auth/_avatar_form.html", avatar_form=form, status=422)


@bp.post("/profile/avatar/remove")
@login_required
def remove_avatar():
    previous, current_user.profile_image = current_user.profile_image, None
    db.session.commit()
    avatars.remove_avatar_file(previous)
    return profile_fragment("auth/_avatar_form.html")


@bp.get("/users/<int:user_id>/avatar")
@login_required
def avatar(user_id: int):
    if user_id != current_user.id and not current_user.is_admin:
        abort(404)  # a user's picture is theirs (and the admin's, who lists users)
    user = db.session.get(User, user_id) or abort(404)
    path = avatars.avatar_path(user.profile_image) or abort(404)
    response = make_response(path.read_bytes())
    response.mimetype = "image/webp"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.add_etag()
    return response.make_conditional(request)


@bp.post("/profile/delete")
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password, form.password.data)[0]:
            form.password.errors.append("That is not your password.")
        else:
            try:
                service.delete_user(current_user._get_current_object())
            except service.LastAdmin:
                form.password.errors.append("You are the only admin. Make someone else an admin first.")
            else:
                logout_user()
                flash("Your account and all its data were deleted.", "success")
                return redirect_to(url_for("auth.signin"))
    return profile_fragment("auth/_delete_form.html", delete_form=form, status=422)


def profile_fragment(fragment: str, *, status: int = 200, saved: bool = False, **forms):
    return render("auth/profile.html", fragment, status=status, saved=saved, **profile_forms(**forms))


def profile_page():
    return render("auth/profile.html", **profile_forms())


def profile_forms(**given) -> dict:
    defaults = {
        "profile_form": lambda: ProfileForm(formdata=None, obj=current_user),
        "password_form": lambda: PasswordForm(formdata=None),
        "avatar_form": lambda: AvatarForm(formdata=None),
        "delete_form": lambda: DeleteAccountForm(formdata=None),
    }
    return {name: given.get(name) or make() for name, make in defaults.items()}
