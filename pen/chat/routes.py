"""The chat home. The conversation pages and streaming build on this."""

from flask import Blueprint
from flask_login import login_required

from pen.web.htmx import render

bp = Blueprint("chat", __name__)


@bp.get("/")
@login_required
def home():
    return render("chat/home.html")
