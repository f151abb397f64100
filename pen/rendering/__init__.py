"""Turn model output and user text into safe HTML (see ``pen.rendering.markdown``)."""

from pen.rendering.markdown import render_markdown

__all__ = ["render_markdown"]
