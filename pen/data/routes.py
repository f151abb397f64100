""""Your data" (/settings/data): download everything, import a Pen or ChatGPT export, delete all chats;
and the per-chat downloads (/c/<id>/export.md, /c/<id>/export.json)."""

from flask import Blueprint, Response, current_app, stream_with_context
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from pen.chat.service import get_chat_or_404
from pen.data import export, service
from pen.data.forms import DeleteChatsForm, ImportForm
from pen.data.importers import ImportTooLarge, InvalidImport, parse_upload, too_large
from pen.extensions import csrf
from pen.orm import utcnow
from pen.web.fields import human_size
from pen.web.htmx import render
from pen.web.uploads import accept_upload

bp = Blueprint("data", __name__)



@bp.get("/settings/data")
@login_required
def index():
    return data_page()


@bp.get("/settings/data/export.json")
@login_required
def export_all():
    body = stream_with_context(export.export_all(current_user.id))
    return download(body, "application/json", f"pen-export-{utcnow():%Y-%m-%d}.json")


@bp.post("/settings/data/import")
@csrf.exempt  # checked below instead, once this route has raised the body limit (imports outgrow it)
@login_required
def import_data():
    limit = current_app.config["PEN_IMPORT_MAX_BYTES"]
    try:
        accept_upload(limit)
        form = ImportForm()
        if not form.validate_on_submit():
            return import_fragment(form, status=422)
        report = service.import_plan(current_user.id, parse_upload(form.file.data.stream, limit))
    except RequestEntityTooLarge:
        return import_fragment(ImportForm(formdata=None), error=str(too_large(limit)), status=413)
    except ImportTooLarge as exc:
        return import_fragment(ImportForm(formdata=None), error=str(exc), status=413)
    except InvalidImport as exc:
        return import_fragment(ImportForm(formdata=None), error=str(exc), status=422)
    return chats_changed(import_fragment(ImportForm(formdata=None), report=report), report.chats > 0)


@bp.post("/settings/data/delete-chats")
@login_required
def delete_chats():
    form = DeleteChatsForm()
    if not form.validate_on_submit():
        return delete_fragment(form, status=422)
    deleted = service.delete_all_chats(current_user.id)
    return chats_changed(delete_fragment(DeleteChatsForm(formdata=None), deleted=deleted), deleted > 0)


@bp.get("/c/<int:chat_id>/export.md")
@login_required
def export_chat_markdown(chat_id: int):
    chat = get_chat_or_404(chat_id)
    return download(export.chat_markdown(chat), "text/markdown; charset=utf-8", export.download_name(chat, "md"))


@bp.get("/c/<int:chat_id>/export.json")
@login_required
def export_chat_json(chat_id: int):
    chat = get_chat_or_404(chat_id)
    return download(export.export_chat(chat), "application/json", export.download_name(chat, "json"))


def chats_changed(response: Response, changed: bool) -> Response:
    """Tell the page the chat list changed (a sidebar listening for `chats-changed from:body` reloads)."""
    if changed:
        response.headers["HX-Trigger"] = "chats-changed"
    return response


def download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def data_page():
    return render("data/index.html", **page_context())


def import_fragment(form: ImportForm, *, status: int = 200, **context):
    return render("data/index.html", "data/_import_form.html", status=status, **page_context(import_form=form, **context))


def delete_fragment(form: DeleteChatsForm, *, status: int = 200, **context):
    return render("data/index.html", "data/_delete_chats_form.html", status=status,
                  **page_context(delete_form=form, **context))


def page_context(**given) -> dict:
    context = {
        "import_form": ImportForm(formdata=None), "delete_form": DeleteChatsForm(formdata=None),
        "chat_count": service.chat_count(current_user.id), "prompt_count": service.prompt_count(current_user.id),
        "import_limit": human_size(current_app.config["PEN_IMPORT_MAX_BYTES"]),
    }
    return context | given
