"""Using a prompt: the composer's "/" picker, the variables form, and system prompts.

The picker and the variables form are driven by `static/js/prompts.js`: it fetches these fragments
and puts the finished text into a textarea (the composer, or a new chat's system prompt) for the
user to review. The text is filled here, with the one parser in `variables.py`.
"""

from flask import abort, request
from flask_login import current_user

from pen.chat.forms import SystemPromptForm
from pen.chat.service import get_chat_or_404
from pen.extensions import db
from pen.prompts import service
from pen.prompts.forms import UseAsSystemForm, fill_form
from pen.prompts.routes import bp
from pen.prompts.variables import fill, variables
from pen.web.htmx import render


@bp.get("/picker")
def picker():
    query = request.args.get("q", "").strip()[:200]
    matches = service.picker_matches(current_user.id, query)
    return render("prompts/_picker.html", "prompts/_picker.html", prompts=matches, query=query)


@bp.get("/<int:prompt_id>/use")
def use(prompt_id: int):
    prompt = service.get_prompt_or_404(prompt_id)
    found = variables(prompt.prompt_text)
    if not found:
        return filled(prompt, prompt.prompt_text)
    return render("prompts/_fill.html", "prompts/_fill.html", prompt=prompt, form=fill_form(found, formdata=None))


@bp.post("/<int:prompt_id>/fill")
def fill_in(prompt_id: int):
    prompt = service.get_prompt_or_404(prompt_id)
    form = fill_form(variables(prompt.prompt_text))
    if form.validate_on_submit():
        return filled(prompt, fill(prompt.prompt_text, form.values()))
    return render("prompts/_fill.html", "prompts/_fill.html", prompt=prompt, form=form, status=422)


@bp.get("/system-choices")
def system_choices():
    chat_id = request.args.get("chat_id", type=int)
    chat = get_chat_or_404(chat_id) if chat_id else None
    return render("prompts/_system_choices.html", "prompts/_system_choices.html", chat=chat,
                  prompts=service.all_prompts(current_user.id))


@bp.post("/use-as-system/<int:chat_id>")
def use_as_system(chat_id: int):
    """Make a prompt the chat's system prompt. One with placeholders is opened in the editor with its
    defaults filled in, for the user to finish and save."""
    chat = get_chat_or_404(chat_id)
    choice = UseAsSystemForm()
    if not choice.validate_on_submit():
        abort(422)
    prompt = service.get_prompt_or_404(choice.prompt_id.data)
    form = SystemPromptForm(formdata=None, data={"system_prompt": fill(prompt.prompt_text, {})})
    blanks = [variable.name for variable in variables(prompt.prompt_text) if variable.default is None]
    valid = form.system_prompt.validate(form)  # the chat's own rules for a system prompt (its length)
    if blanks or not valid:
        notice = f"Replace {', '.join('{{' + name + '}}' for name in blanks)}, then save." if blanks else None
        return render("chat/_system_prompt.html", "chat/_system_prompt.html", chat=chat, form=form, editing=True,
                      system_notice=notice, status=200 if valid else 422)
    chat.system_prompt = form.system_prompt.data
    db.session.commit()
    return render("chat/_system_prompt.html", "chat/_system_prompt.html", chat=chat, form=form, editing=False)


def filled(prompt, text: str):
    return render("prompts/_filled.html", "prompts/_filled.html", prompt=prompt, text=text)
