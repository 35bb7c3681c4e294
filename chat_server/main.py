"""ASGI entry point: `uvicorn chat_server.main:app`."""

import os

from core.settings import get_settings

settings = get_settings()
# Before torch loads: OpenMP threads beyond the encoder's share spin and starve the event loop.
os.environ.setdefault("OMP_NUM_THREADS", str(settings.encoder_threads))

from chat_server.factory import create_app  # noqa: E402

app = create_app(settings)
