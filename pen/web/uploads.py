"""File imports that may outgrow MAX_CONTENT_LENGTH: such a route is `@csrf.exempt` and calls
`accept_upload(limit)` first, which raises the body limit for this request only and then runs the
CSRF check the global one skipped (it would otherwise hit the smaller limit first)."""

from flask import request

from pen.extensions import csrf

MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and part headers around the file


def accept_upload(limit: int) -> None:
    """Allow a body of `limit` bytes plus the form around it, then check CSRF (raises CSRFError)."""
    request.max_content_length = limit + MULTIPART_OVERHEAD
    csrf.protect()
