"""ASGI entry point: `uvicorn chat_server.main:app`."""

import os

from core.settings import get_settings

settings = get_settings()
# Before torch loads: idle OpenMP threads spin, starving the event loop and the other passes.
os.environ.setdefault("OMP_NUM_THREADS", str(settings.ENCODER_THREADS))

from chat_server.factory import create_app  # noqa: E402

app = create_app(settings)
