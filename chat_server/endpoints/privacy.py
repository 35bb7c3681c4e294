"""A visitor's own data, from the widget: download it, or delete it; or, from anywhere, have a
link to it e-mailed to an address they give (core/privacy/links.py)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from chat_server.context import client_ip, context, origin_allowed, visitor_of
from chat_server.errors import ApiError, read_json
from chat_server.schemas import ExportLinkIn, ExportLinkOut
from core.crud.audit import Actor
from core.crypto import load_secret
from core.db import session_scope
from core.integrations import config
from core.privacy import links
from core.privacy.erasure import erase
from core.privacy.export import export_for, filename
from core.privacy.subjects import BadLookup, Lookup, SubjectNotFound

ACTOR = "the visitor (widget)"
GONE = "Nothing is stored about you: your data was already deleted"


def _zip(archive: bytes) -> Response:
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename()}"',
            "Cache-Control": "no-store",
        },
    )


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
    return _zip(archive)


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


async def request_link(request: Request) -> JSONResponse:
    """
    summary: E-mail a link to the data stored about an address
    description: When anything is stored about the address, a link to its export (valid for
      EXPORT_LINK_HOURS) is e-mailed to it, at most once in 10 minutes. The answer is the same
      whether or not anything is stored, so it tells nobody which addresses are known.
    requestBody:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/ExportLinkIn'}}}
    responses:
      202: {description: Sent if anything is stored, content: {application/json: {schema: {$ref: '#/components/schemas/ExportLinkOut'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      403: {$ref: '#/components/responses/Forbidden'}
      415: {$ref: '#/components/responses/NotJson'}
      422: {$ref: '#/components/responses/Invalid'}
      429: {$ref: '#/components/responses/TooMany'}
      503: {description: E-mail is not set up on this server, content: {application/json: {schema: {$ref: '#/components/schemas/ErrorOut'}}}}
    """
    chat = context(request)
    settings = await run_in_threadpool(config.current, engine=chat.engine, settings=chat.settings)
    if not origin_allowed(request, settings.CORS_ORIGINS):
        raise ApiError(403, "This site may not ask for data links")
    body = await read_json(request, ExportLinkIn, max_bytes=settings.MAX_BODY_BYTES)
    await chat.limiter.check("forms", client_ip(request))
    if not settings.email_configured:
        raise ApiError(503, "E-mail is not set up here: ask the business for your data")
    secret = load_secret(settings)

    def write() -> None:
        with session_scope(chat.engine) as session:
            links.request_link(session=session, settings=settings, secret=secret, email=body.email)

    try:
        await run_in_threadpool(write)
    except BadLookup as error:
        raise ApiError(422, str(error)) from None
    return JSONResponse(ExportLinkOut(status="sent").model_dump(), status_code=202)


def _page(status: int, text: str) -> HTMLResponse:
    """What a person who clicked a link in an e-mail sees when there is nothing to download."""
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Your data</title><main><h1>Your data</h1><p>{text}</p></main></html>"
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


async def export_by_link(request: Request) -> Response:
    """
    summary: Download the data stored about an e-mail address, from an e-mailed link
    parameters:
      - {name: token, in: query, required: true, schema: {type: string}, description: the link's signed token}
    responses:
      200: {description: The ZIP, content: {application/zip: {schema: {type: string, format: binary}}}}
      403: {description: Not a valid link, forged or altered (a page saying so), content: {text/html: {schema: {type: string}}}}
      404: {description: Nothing stored any more (a page saying so), content: {text/html: {schema: {type: string}}}}
      410: {description: The link has expired (a page saying so), content: {text/html: {schema: {type: string}}}}
      429: {$ref: '#/components/responses/TooMany'}
    """
    chat = context(request)
    await chat.limiter.check("forms", client_ip(request))
    secret = load_secret(chat.settings)
    try:
        email = links.read_token(
            secret=secret, token=request.query_params.get("token", ""), settings=chat.settings
        )
    except links.ExpiredLink:
        return _page(410, "This link has expired. Ask for a new one from the chat.")
    except links.BadLink:
        # A well-formed request whose credential (the signed token) is refused: 403, not 400.
        return _page(403, "This link is not valid. Copy the whole link from the e-mail.")
    try:
        _, archive = await run_in_threadpool(
            lambda: export_for(
                lookup=Lookup.EMAIL,
                value=email,
                actor=Actor("the visitor (e-mail link)", address=client_ip(request)),
                engine=chat.engine,
            )
        )
    except (SubjectNotFound, BadLookup):
        return _page(404, "Nothing is stored about this address any more.")
    return _zip(archive)
