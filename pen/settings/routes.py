"""Settings: the user's connections (API keys, masked), their default models, and defaults for new chats."""

from flask import Blueprint
from flask_login import current_user, login_required
from sqlalchemy import select

from pen import connections
from pen.extensions import db
from pen.models import Connection, Provider
from pen.settings import service
from pen.settings.forms import DefaultsForm, KeyForm, ModelForm
from pen.web.htmx import render

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every settings route needs a signed-in user (anonymous: sign-in redirect, or 401 for htmx)."""


def enabled_provider_or_404(provider_id: int | None = None, name: str | None = None) -> Provider:
    where = Provider.id == provider_id if provider_id is not None else Provider.name == name
    return db.first_or_404(select(Provider).where(where, Provider.enabled.is_(True)))


def own_connection_or_404(connection_id: int) -> Connection:
    """The signed-in user's own connection; anyone else's (or a shared key) is a 404."""
    return db.first_or_404(
        select(Connection).where(
            Connection.id == connection_id, Connection.user_id == current_user.id, Connection.is_shared.is_(False)
        )
    )


@bp.get("")
def index():
    return render("settings/index.html", **page_context())


@bp.post("/providers/<int:provider_id>/key")
def save_key(provider_id: int):
    provider = enabled_provider_or_404(provider_id)
    if not connections.user_keys_allowed():
        return connection_fragment(provider, status=403, error="Your admin has switched off personal keys.")
    form = KeyForm(prefix=f"p{provider.id}")
    if form.validate_on_submit():
        service.save_key(current_user, provider, form.api_key.data)
        return connection_fragment(provider, notice="Key saved.", defaults_changed=True)
    return connection_fragment(provider, status=422, bound_key=form)


@bp.post("/providers/<int:provider_id>/test")
def test_key(provider_id: int):
    provider = enabled_provider_or_404(provider_id)
    outcome = service.check_provider(current_user, provider, service.connection_row(current_user, provider).model)
    return connection_fragment(provider, outcome=outcome)


@bp.post("/connections/<int:connection_id>/delete")
def delete_key(connection_id: int):
    connection = own_connection_or_404(connection_id)
    provider = enabled_provider_or_404(name=connection.api_provider)
    service.delete_key(connection)
    return connection_fragment(provider, notice="Key deleted.", defaults_changed=True)


@bp.post("/connections/<int:connection_id>/model")
def set_model(connection_id: int):
    connection = own_connection_or_404(connection_id)
    provider = enabled_provider_or_404(name=connection.api_provider)
    form = ModelForm(prefix=f"m{provider.id}")
    if form.validate_on_submit():
        service.set_model(connection, form.model.data)
        return connection_fragment(provider, notice="Default model saved.", defaults_changed=True)
    return connection_fragment(provider, status=422, bound_model=form)


@bp.post("/defaults")
def set_defaults():
    choices = service.default_choices(current_user)
    form = DefaultsForm().set_choices(choices)
    if not form.validate_on_submit():
        return render("settings/index.html", "settings/_defaults.html", status=422, **page_context(defaults_form=form))
    provider_id, model = form.selected() or (None, None)
    names = {choice.provider.id: choice.provider.name for choice in choices}
    service.set_defaults(current_user, names.get(provider_id), model)
    return render("settings/index.html", "settings/_defaults.html", saved=True, **page_context())


def new_defaults_form(choices) -> DefaultsForm:
    form = DefaultsForm(formdata=None).set_choices(choices)
    ids = {choice.provider.name: choice.provider.id for choice in choices}
    if current_user.default_provider in ids and current_user.default_model:
        form.choice.data = f"{ids[current_user.default_provider]}:{current_user.default_model}"
    return form


def page_context(defaults_form: DefaultsForm | None = None) -> dict:
    """Everything settings/index.html needs; fragments render with the same context."""
    return {
        "rows": service.connection_rows(current_user),
        "user_keys_allowed": connections.user_keys_allowed(),
        "defaults_form": defaults_form or new_defaults_form(service.default_choices(current_user)),
        "new_key_form": lambda provider: KeyForm(formdata=None, prefix=f"p{provider.id}"),
        "new_model_form": lambda row: ModelForm(formdata=None, prefix=f"m{row.provider.id}", model=row.model),
    }


def connection_fragment(provider: Provider, *, status: int = 200, defaults_changed: bool = False, **focus):
    """One provider's connection (`focus`: its notice, test outcome or a form with errors), plus the
    Defaults card out of band when the usable models changed."""
    row = service.connection_row(current_user, provider)
    return render("settings/index.html", "settings/_connection.html", status=status, row=row,
                  focus_id=provider.id, defaults_oob=defaults_changed, **focus, **page_context())
