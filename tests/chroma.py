"""A Chroma server (`chroma run`) on 127.0.0.1 that a test can stop and start again on the same
port and folder, as an administrator's restart would."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path


class ChromaServer:
    def __init__(self, executable: str, folder: Path, port: int):
        self.executable = executable
        self.folder = Path(folder)
        self.port = port
        self.log = self.folder / "chroma.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.executable,
                "run",
                "--path",
                str(self.folder / "server"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1
                ).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"chroma server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
