"""ASGI entry point: `uvicorn chat_server.main:app`."""

from chat_server.factory import create_app
from core.settings import get_settings

app = create_app(get_settings())
