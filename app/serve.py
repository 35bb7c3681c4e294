"""How to run the Reflex admin offline: bun from the npm registry, caches inside the project.

Used by `make run` (scripts/run_all.py) and by the end-to-end tests; see docs/reflex-offline.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project folder
TOOLS_BIN = ROOT / "tools" / "node_modules" / ".bin"


def admin_env(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([str(TOOLS_BIN), venv_bin, env.get("PATH", "")])
    env.update(
        {
            "REFLEX_USE_SYSTEM_BUN": "1",  # never run bun's download script
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",  # no request to pypi.org's JSON API
            # Reflex otherwise probes a registry mirror it cannot reach from here.
            "NPM_CONFIG_REGISTRY": env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
            "REFLEX_DIR": str(ROOT / ".reflex-home"),
            "BUN_INSTALL_CACHE_DIR": str(ROOT / ".bun-cache"),
            "BUN_RUNTIME_TRANSPILER_CACHE_PATH": str(ROOT / ".bun-transpiler-cache"),
        }
    )
    return env


def admin_command(port: int, host: str | None = None) -> list[str]:
    """Production mode serves the compiled pages and the event websocket on one port.

    It listens on loopback unless ADMIN_HOST says otherwise (put a TLS proxy in front).
    """
    return [
        sys.executable,
        "-m",
        "reflex",
        "run",
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-host",
        host or os.environ.get("ADMIN_HOST", "127.0.0.1"),
        "--loglevel",
        "warning",
    ]
