"""Admin: the user list (search, pages) and per-user actions. Every action re-renders the page of
the list the admin was on, with a notice for that user."""

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user

from pen.admin import users
from pen.admin.forms import ResetPasswordForm, UserListForm, UserSearchForm
from pen.admin.routes import bp
from pen.extensions import db
from pen.models import User
from pen.web.htmx import redirect_to, render


@dataclass(frozen=True)
class UserNotice:
    user_id: int
    text: str
    kind: str = "success"  # success | error
    temporary_password: str | None = None


def user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("/users")
def users_index():
    form = UserSearchForm(request.args)
    if not form.validate():  # a hand-made URL (page=-1, a 10 KB query): show the first page
        return users_view("", 1)
    return users_view(form.q.data or "", form.page.data or 1)


@bp.post("/users/<int:user_id>/make-admin")
def make_admin(user_id: int):
    return user_action(user_id, lambda user: users.set_admin(user, True), "{name} is now an admin.")


@bp.post("/users/<int:user_id>/remove-admin")
def remove_admin(user_id: int):
    return user_action(user_id, lambda user: users.set_admin(user, False), "{name} is no longer an admin.")


@bp.post("/users/<int:user_id>/activate")
def activate(user_id: int):
    return user_action(user_id, lambda user: users.set_active(user, True, current_user), "{name} can sign in again.")


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return user_action(user_id, lambda user: users.set_active(user, False, current_user),
                       "{name} is deactivated and signed out everywhere.")


@bp.post("/users/<int:user_id>/delete")
def delete_user(user_id: int):
    return user_action(user_id, lambda user: users.delete_user(user, current_user),
                       "Deleted {name} and all their chats, prompts and keys.")


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    user = user_or_404(user_id)
    form = ResetPasswordForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        return users_view(form.q.data, form.page_number(), status=422, reset_form=form, reset_for=user.id)
    temporary = users.reset_password(user, form.password.data or None)
    text = (f"Temporary password for {user.name}. Give it to them now: it is shown only once."
            if temporary else f"Password of {user.name} changed.")
    response = users_view(form.q.data, form.page_number(), notice=UserNotice(user.id, text, temporary_password=temporary))
    response.headers["Cache-Control"] = "no-store"
    return response


def user_action(user_id: int, action, done: str):
    """Run `action(user)`; refusals (last admin, yourself) become a notice on the user's row."""
    user = user_or_404(user_id)
    form = UserListForm()
    name = user.name
    if form.validate_on_submit():
        try:
            action(user)
        except users.LastAdmin:
            return users_view(form.q.data, form.page_number(), status=409, notice=UserNotice(
                user_id, "This is the last active admin. Make someone else an admin first.", "error"))
        except users.NotOnYourself:
            return users_view(form.q.data, form.page_number(), status=409, notice=UserNotice(
                user_id, "You cannot do that to your own account here (see your profile).", "error"))
    if not current_user.is_admin:  # the admin removed their own admin rights
        return redirect_to(url_for("chat.home"))
    return users_view(form.q.data, form.page_number(), notice=UserNotice(user_id, done.format(name=name)))


def users_view(query: str | None, page: int, *, status: int = 200, notice: UserNotice | None = None,
               reset_form: ResetPasswordForm | None = None, reset_for: int | None = None):
    pagination = users.search(query or "", page)
    return render("admin/users.html", "admin/_users.html", status=status, pagination=pagination,
                  query=query or "", notice=notice, wingman=users.WINGMAN, reset_form=reset_form,
                  reset_for=reset_for, search_form=UserSearchForm(formdata=None, q=query or None),
                  new_reset_form=lambda user: ResetPasswordForm(formdata=None, prefix=f"u{user.id}"))
