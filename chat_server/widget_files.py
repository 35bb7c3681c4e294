"""The widget's static files, served minified: comments, indentation and long local names are
over a third of its weight, and the weight budget counts what visitors download. tdewolff's
minify (the `minify-go` package) parses modern JavaScript, modules included, and renames local
variables safely; the plain strippers (rjsmin) kept every name."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import Any

import minify
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
MINIFY_TYPES = {".js": "application/javascript", ".css": "text/css"}


@lru_cache(maxsize=64)
def minified(path: str, mtime: float) -> tuple[bytes, str]:
    """The minified body and its ETag; an edited file (new mtime) is minified again."""
    with open(path, encoding="utf-8") as source:
        text = source.read()
    body = minify.string(MINIFY_TYPES[os.path.splitext(path)[1]], text).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class WidgetFiles(StaticFiles):
    """The widget's code is public: any site may load it (app.js is an ES module, which needs
    CORS). What the widget may then do is still limited by CORS_ORIGINS on the API."""

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Any, status_code: int = 200
    ) -> Response:
        suffix = os.path.splitext(str(full_path))[1]
        if suffix in MEDIA_TYPES:
            body, etag = minified(str(full_path), stat_result.st_mtime)
            headers = {"ETag": etag}
            request_headers = dict(scope.get("headers", []))
            if request_headers.get(b"if-none-match", b"").decode() == etag:
                response: Response = Response(status_code=304, headers=headers)
            else:
                response = Response(body, status_code, headers, MEDIA_TYPES[suffix])
        else:
            response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cache-Control"] = (
            "no-cache"  # revalidate (ETag) so updates reach visitors
        )
        return response
