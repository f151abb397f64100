"""The prompt library (/prompts): list, search, create, edit, duplicate, delete, import and export.
Using a prompt (the composer's "/" picker, variables, system prompts) lives in `use.py`."""

import logging

from flask import Blueprint, Response, current_app, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from pen.extensions import csrf
from pen.orm import utcnow
from pen.prompts import io, service
from pen.prompts.forms import ImportForm, PromptForm
from pen.prompts.variables import variables
from pen.web.fields import human_size
from pen.web.htmx import render
from pen.web.uploads import accept_upload

log = logging.getLogger(__name__)

bp = Blueprint("prompts", __name__, url_prefix="/prompts")

CHANGED = "prompts-changed"  # the list reloads itself on this event (HX-Trigger)


@bp.before_request
@login_required
def require_sign_in():
    return None


@bp.context_processor
def helpers() -> dict:
    return {"prompt_info": prompt_info}


def prompt_info(prompt) -> dict:
    """What a template shows about a prompt besides its name: preview, variables, who wrote it."""
    flag = prompt.system_flag or ""
    return {"preview": service.preview(prompt.prompt_text), "variables": variables(prompt.prompt_text),
            "pen": service.is_pen_row(prompt), "origin": "Wingman" if flag.upper() == "WINGMAN" else flag.title()}


def listing_args() -> dict:
    sort = request.args.get("sort", "name")
    return {"query": request.args.get("q", "").strip()[:200], "sort": sort if sort in service.SORTS else "name",
            "page": max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))}


@bp.get("")
def index():
    args = listing_args()
    listing = service.prompt_page(current_user.id, **args)
    fragment = "prompts/_page.html" if listing.page > 1 else "prompts/_results.html"
    return render("prompts/index.html", fragment, listing=listing, query=args["query"], sort=args["sort"],
                  **page_context())


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = PromptForm(prefix="new") if request.method == "POST" else PromptForm(prefix="new", formdata=None)
    if form.validate_on_submit():
        prompt = service.create_prompt(current_user.id, form.name.data, form.text.data)
        return changed(render("prompts/index.html", "prompts/_created.html", created=prompt, **page_defaults()))
    status = 422 if form.is_submitted() else 200
    return render("prompts/index.html", "prompts/_new.html", status=status, **page_defaults(new_form=form))


@bp.get("/<int:prompt_id>")
def show(prompt_id: int):
    return item(service.get_prompt_or_404(prompt_id))


@bp.route("/<int:prompt_id>/edit", methods=["GET", "POST"])
def edit(prompt_id: int):
    prompt = service.get_prompt_or_404(prompt_id)
    if request.method == "GET":
        form = PromptForm(prefix=f"p{prompt.id}", formdata=None, data={"name": prompt.prompt_name, "text": prompt.prompt_text})
        return render("prompts/_edit.html", "prompts/_edit.html", prompt=prompt, form=form)
    form = PromptForm(prefix=f"p{prompt.id}")
    if form.validate_on_submit():
        service.update_prompt(prompt, form.name.data, form.text.data)
        return item(prompt, saved=True)
    return render("prompts/_edit.html", "prompts/_edit.html", prompt=prompt, form=form, status=422)


@bp.post("/<int:prompt_id>/duplicate")
def duplicate(prompt_id: int):
    prompt = service.get_prompt_or_404(prompt_id)
    return item(service.duplicate_prompt(prompt), saved=True)


@bp.route("/<int:prompt_id>/delete", methods=["GET", "POST"])
def delete(prompt_id: int):
    prompt = service.get_prompt_or_404(prompt_id)
    if request.method == "GET":
        return item(prompt, confirm_delete=True)
    name = prompt.prompt_name
    service.delete_prompt(prompt)
    return render("prompts/_deleted.html", "prompts/_deleted.html", name=name)


@bp.get("/export.json")
def export():
    response = Response(io.export_json(current_user.id), mimetype="application/json")
    response.headers.set("Content-Disposition", "attachment", filename=f"pen-prompts-{utcnow():%Y-%m-%d}.json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/import")
@csrf.exempt  # checked below, once the body limit is this route's own
def import_file():
    limit = current_app.config["PEN_PROMPT_IMPORT_MAX_BYTES"]
    try:
        accept_upload(limit)
        form = ImportForm()
        if not form.validate_on_submit():
            return import_fragment(form, status=422)
        raw = form.file.data.stream.read(limit + 1)
        if len(raw) > limit:
            raise RequestEntityTooLarge
        report = io.import_prompts(current_user.id, io.parse_file(raw))
    except RequestEntityTooLarge:
        return import_fragment(error=f"That file is larger than {human_size(limit)}. Nothing was imported.", status=413)
    except io.InvalidPromptFile as exc:
        return import_fragment(error=str(exc), status=422)
    log.info("Imported prompts: %s added, %s skipped", report.added, report.skipped)
    response = import_fragment(report=report)
    return changed(response) if report.added else response


def item(prompt, *, status: int = 200, **context):
    return render("prompts/_item.html", "prompts/_item.html", prompt=prompt, status=status, **context)


def import_fragment(form: ImportForm | None = None, *, status: int = 200, **context):
    return render("prompts/index.html", "prompts/_import.html", status=status,
                  **page_defaults(import_form=form or ImportForm(formdata=None)), **context)


def changed(response: Response) -> Response:
    response.headers["HX-Trigger"] = CHANGED
    return response


def page_defaults(**given) -> dict:
    """What index.html needs when a fragment route is opened as a page (no JavaScript, a reload)."""
    context = {"query": "", "sort": "name"} | page_context(**given)
    context.setdefault("listing", service.prompt_page(current_user.id))
    return context


def page_context(**given) -> dict:
    return {"import_form": ImportForm(formdata=None), "new_form": None,
            "import_limit": human_size(current_app.config["PEN_PROMPT_IMPORT_MAX_BYTES"]),
            "export_url": url_for("prompts.export")} | given


from pen.prompts import use  # noqa: E402,F401 - registers the "use a prompt" routes on `bp`
