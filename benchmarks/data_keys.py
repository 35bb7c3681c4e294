"""What per-visitor data keys cost: encrypting and decrypting one message-sized value with the
master keys against a visitor's data key (cached in the process, as in a chat), making a new
visitor's key, and a key read from the key store for the first time (a cold cache). Runs in a
temporary DATA_DIR; prints medians and ratios measured in this one run.

    python benchmarks/data_keys.py [--rounds 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEXT = "Hi, my order 4711 has not arrived, could you check? My e-mail is jo@example.org. " * 2


def median_us(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="data-keys-bench-")
    os.environ.pop("ENCRYPTION_KEYS", None)
    os.environ.pop("KEYSTORE_URL", None)
    from core import crypto, data_keys

    key_id = data_keys.create_key()
    master_token = crypto.encrypt(TEXT)
    keyed_token = data_keys.encrypt_with(key_id, TEXT.encode())
    results = {
        "encrypt, master key": median_us(lambda: crypto.encrypt(TEXT), args.rounds),
        "encrypt, data key (cached)": median_us(
            lambda: data_keys.encrypt_with(key_id, TEXT.encode()), args.rounds
        ),
        "decrypt, master key": median_us(lambda: crypto.decrypt(master_token), args.rounds),
        "decrypt, data key (cached)": median_us(lambda: crypto.decrypt(keyed_token), args.rounds),
        "new visitor's key (key store write)": median_us(
            data_keys.create_key, max(50, args.rounds // 20)
        ),
    }

    def cold() -> None:
        data_keys.forget_cached()
        crypto.decrypt(keyed_token)

    results["decrypt, data key (cold: key store read)"] = median_us(
        cold, max(50, args.rounds // 10)
    )
    for name, value in results.items():
        print(f"{name:44s} {value:9.1f} us")
    print(
        f"ratio encrypt data/master {results['encrypt, data key (cached)'] / results['encrypt, master key']:.2f}, "
        f"decrypt data/master {results['decrypt, data key (cached)'] / results['decrypt, master key']:.2f}"
    )


if __name__ == "__main__":
    main()
