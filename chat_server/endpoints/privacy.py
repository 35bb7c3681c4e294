"""A visitor's own data, from the widget: download it, or delete it."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from chat_server.context import client_ip, context, visitor_of
from chat_server.errors import ApiError
from core.crud.audit import Actor
from core.privacy.erasure import erase
from core.privacy.export import export_for, filename
from core.privacy.subjects import Lookup, SubjectNotFound

ACTOR = "the visitor (widget)"
GONE = "Nothing is stored about you: your data was already deleted"


async def export_own(request: Request) -> Response:
    """
    summary: Download everything stored about this visitor
    description: A ZIP with data.json (every row about the visitor, messages decrypted) and
      transcript.html. The visitor's own rows only; e-mail addresses or phone numbers they typed
      are not followed to other visitors. Recorded in the audit log.
    security: [{visitorToken: []}]
    responses:
      200: {description: The ZIP, content: {application/zip: {schema: {type: string, format: binary}}}}
      401: {$ref: '#/components/responses/Unauthorized'}
      404: {$ref: '#/components/responses/NotFound'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    await chat.limiter.check("forms", client_ip(request))
    try:
        _, archive = await run_in_threadpool(
            lambda: export_for(
                lookup=Lookup.VISITOR,
                value=visitor,
                actor=Actor(ACTOR, address=client_ip(request)),
                engine=chat.engine,
                widen=False,
            )
        )
    except SubjectNotFound:
        raise ApiError(404, GONE) from None
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename()}"',
            "Cache-Control": "no-store",
        },
    )


async def erase_own(request: Request) -> JSONResponse:
    """
    summary: Delete everything stored about this visitor
    description: Conversations, messages, feedback, contact requests and events are deleted or
      anonymised in one transaction (counts in dashboards stay, without identity); the visitor
      token then names nobody. Recorded in the audit log.
    security: [{visitorToken: []}]
    responses:
      200: {description: Deleted, content: {application/json: {schema: {type: object, properties: {erased: {type: boolean}}, required: [erased]}}}}
      401: {$ref: '#/components/responses/Unauthorized'}
      404: {$ref: '#/components/responses/NotFound'}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    visitor = visitor_of(request)
    await chat.limiter.check("forms", client_ip(request))
    try:
        await run_in_threadpool(
            lambda: erase(
                lookup=Lookup.VISITOR,
                value=visitor,
                actor=Actor(ACTOR, address=client_ip(request)),
                engine=chat.engine,
                widen=False,
            )
        )
    except SubjectNotFound:
        raise ApiError(404, GONE) from None
    return JSONResponse({"erased": True})
