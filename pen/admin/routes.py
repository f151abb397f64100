"""Admin: providers (catalog, create/edit, enable, test, model lists, shared keys) and the user-keys policy.

Admins only. Everyone else, signed in or not, gets a 404: the area does not reveal itself, not
even through the CSRF check (the guard runs before it). Users are in `user_routes.py`.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from pen.admin import service
from pen.admin.forms import PolicyForm, ProviderForm
from pen.connections import user_keys_allowed
from pen.extensions import db
from pen.models import Provider
from pen.settings.forms import KeyForm
from pen.settings.service import CheckOutcome, check_provider
from pen.web.htmx import redirect_to, render

bp = Blueprint("admin", __name__)


def admins_only() -> None:
    if request.blueprint == "admin" and not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


def guard_first(state) -> None:
    """Run `admins_only` before every other before-request hook, CSRF's included (its 400 would
    tell a non-admin that the route exists)."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, admins_only)


bp.record_once(guard_first)


@dataclass(frozen=True)
class Notice:
    text: str
    kind: str = "success"  # success | error
    provider_id: int | None = None
    offer_disable: bool = False


def provider_or_404(provider_id: int) -> Provider:
    return db.get_or_404(Provider, provider_id)


@bp.get("")
def index():
    return providers_view()


@bp.post("/providers/seed")
def seed():
    added = service.seed_catalog()
    notice = Notice(f"Added {len(added)} provider{'s' if len(added) != 1 else ''}: {', '.join(added)}." if added
                    else "Every catalog provider is already here; nothing was changed.")
    return providers_view(notice=notice)


@bp.route("/providers/new", methods=["GET", "POST"])
def new_provider():
    return provider_form(None)


@bp.route("/providers/<int:provider_id>", methods=["GET", "POST"])
def edit_provider(provider_id: int):
    return provider_form(provider_or_404(provider_id))


def provider_form(provider: Provider | None):
    form = ProviderForm(data=ProviderForm.data_of(provider) if provider else None)
    if form.validate_on_submit():
        try:
            saved = service.save_provider(provider, form.values())
        except service.DuplicateName:
            form.name.errors.append("A provider with this name already exists.")
        else:
            flash(f"Saved {saved.name}.", "success")
            return redirect_to(url_for("admin.index"))
    status = 422 if form.is_submitted() else 200
    return render("admin/provider.html", "admin/_provider_form.html", status=status,
                  **provider_page(provider, form=form))


@bp.post("/providers/<int:provider_id>/enable")
def enable_provider(provider_id: int):
    return toggle(provider_or_404(provider_id), True)


@bp.post("/providers/<int:provider_id>/disable")
def disable_provider(provider_id: int):
    return toggle(provider_or_404(provider_id), False)


def toggle(provider: Provider, enabled: bool):
    service.set_enabled(provider, enabled)
    state = "enabled" if enabled else "disabled: users no longer see it; their chats with it offer another model"
    return providers_view(notice=Notice(f"{provider.name} is {state}.", provider_id=provider.id))


@bp.post("/providers/<int:provider_id>/delete")
def delete_provider(provider_id: int):
    provider = provider_or_404(provider_id)
    try:
        deleted = service.delete_provider(provider)
    except service.ProviderInUse as exc:
        notice = Notice(str(exc), "error", provider.id, offer_disable=provider.enabled)
        return providers_view(notice=notice, status=409)
    keys = f" with {deleted.user_keys} user key{'s' if deleted.user_keys != 1 else ''}"
    shared = " and its shared key" if deleted.shared_keys else ""
    return providers_view(notice=Notice(f"Deleted {deleted.name}{keys}{shared}."))


@bp.post("/providers/<int:provider_id>/test")
def test_provider(provider_id: int):
    provider = provider_or_404(provider_id)
    outcome = check_provider(current_user, provider, provider.default_model)
    return providers_view(outcome=outcome, outcome_for=provider.id)


@bp.post("/providers/<int:provider_id>/models")
def refresh_models(provider_id: int):
    provider = provider_or_404(provider_id)
    outcome = service.refresh_models(provider, current_user)
    return providers_view(outcome=outcome, outcome_for=provider.id)


@bp.post("/providers/<int:provider_id>/shared-key")
def set_shared_key(provider_id: int):
    provider = provider_or_404(provider_id)
    form = KeyForm()
    if form.validate_on_submit():
        service.set_shared_key(provider, current_user, form.api_key.data)
        return shared_key_view(provider, saved="Shared key saved. Users without their own key now use it.")
    return shared_key_view(provider, key_form=form, status=422)


@bp.post("/providers/<int:provider_id>/shared-key/delete")
def remove_shared_key(provider_id: int):
    provider = provider_or_404(provider_id)
    service.remove_shared_key(provider)
    return shared_key_view(provider, saved="Shared key removed.")


@bp.post("/policy")
def update_policy():
    form = PolicyForm()
    saved = False
    if form.validate_on_submit():
        service.set_user_keys_allowed(form.allow_user_keys.data)
        saved = True
    return render("admin/index.html", "admin/_policy.html", saved=saved, **index_context(policy_form=form))


def index_context(**given) -> dict:
    return {
        "rows": service.provider_rows(),
        "policy_form": given.get("policy_form") or PolicyForm(formdata=None, allow_user_keys=user_keys_allowed()),
    }


def providers_view(*, status: int = 200, notice: Notice | None = None, outcome: CheckOutcome | None = None,
                   outcome_for: int | None = None):
    """The admin page, or (htmx) just the providers table with the notice or test outcome."""
    return render("admin/index.html", "admin/_providers.html", status=status, notice=notice, outcome=outcome,
                  outcome_for=outcome_for, **index_context())


def provider_page(provider: Provider | None, **given) -> dict:
    status, mask = service.shared_key_status(provider) if provider else ("none", None)
    return {
        "provider": provider,
        "form": given.get("form") or ProviderForm(formdata=None, data=ProviderForm.data_of(provider) if provider else None),
        "key_form": given.get("key_form") or KeyForm(formdata=None),
        "shared_status": status,
        "shared_mask": mask,
        "saved": given.get("saved"),
    }


def shared_key_view(provider: Provider, *, status: int = 200, **given):
    return render("admin/provider.html", "admin/_shared_key.html", status=status, **provider_page(provider, **given))


from pen.admin import user_routes  # noqa: E402, F401 - registers the user routes on `bp`
