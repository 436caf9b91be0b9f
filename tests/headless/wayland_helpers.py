"""Helpers for headless compositor tests: start multiseat-compositor, run real
clients against it, take grim screenshots, and speak raw Wayland wire protocol
for the misbehaving-client checks."""

import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

BUILD = os.environ.get("MULTISEAT_BUILD_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build")
COMPOSITOR = os.path.join(BUILD, "compositor", "multiseat-compositor")
BENCH_CLIENT = os.path.join(BUILD, "bench", "multiseat-bench-client")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


class Checks:
    def __init__(self, suite):
        self.suite = suite
        self.passed, self.failed = [], []

    def __call__(self, ok, what):
        (self.passed if ok else self.failed).append(what)
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        return ok

    def finish(self):
        print(f"{self.suite}: {len(self.passed)} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0

    def run_all(self, tests):
        """Runs each test function; one that raises is a failure, not the end of the run.
        Returns finish()'s exit status."""
        for test in tests:
            try:
                test()
            except Exception as e:
                self(False, f"{test.__name__} raised {type(e).__name__}: {e}")
        return self.finish()


class Screenshot:
    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        # grim -t ppm: "P6\n<w> <h>\n255\n" then RGB bytes.
        parts = data.split(b"\n", 3)
        if parts[0] != b"P6":
            raise ValueError(f"{path}: not a binary PPM")
        self.width, self.height = (int(v) for v in parts[1].split())
        self.pixels = parts[3]

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.pixels[i:i + 3])

    def distinct_colours(self, step=7):
        seen = set()
        for i in range(0, len(self.pixels) - 2, 3 * step):
            seen.add(self.pixels[i:i + 3])
        return len(seen)

    def differing_pixels(self, other):
        if len(self.pixels) != len(other.pixels):
            return self.width * self.height
        a, b = self.pixels, other.pixels
        return sum(1 for i in range(0, len(a), 3) if a[i:i + 3] != b[i:i + 3])

    def count_colour(self, rgb):
        target = bytes(rgb)
        return sum(1 for i in range(0, len(self.pixels), 3) if self.pixels[i:i + 3] == target)


class Compositor:
    """multiseat-compositor --headless in a private XDG_RUNTIME_DIR."""

    def __init__(self, *args, session=None, name="t", pass_fds=(), wait_socket=True):
        self.runtime = tempfile.mkdtemp(prefix="ms-headless-")
        os.chmod(self.runtime, 0o700)
        self.socket = f"wayland-{name}"
        self.env = dict(os.environ, XDG_RUNTIME_DIR=self.runtime, WAYLAND_DISPLAY=self.socket)
        self.env.pop("DISPLAY", None)
        self.args = [COMPOSITOR, "--socket", self.socket, *args]
        if session:
            self.args += ["--", *session]
        self.log_path = os.path.join(self.runtime, "compositor.log")
        self.proc = None
        self.clients = []
        self.pass_fds = tuple(pass_fds)
        self.wait_socket = wait_socket

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     pass_fds=self.pass_fds)
        if not self.wait_socket:
            return self
        path = os.path.join(self.runtime, self.socket)
        deadline = time.monotonic() + 20
        while not os.path.exists(path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"compositor did not start: {self.log_text()[-2000:]}")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.runtime, ignore_errors=True)

    def client(self, *argv, env=None, **kwargs):
        e = dict(self.env, **(env or {}))
        p = subprocess.Popen(list(argv), env=e, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True, **kwargs)
        self.clients.append(p)
        return p

    def run(self, *argv, timeout=30, env=None):
        e = dict(self.env, **(env or {}))
        return subprocess.run(list(argv), env=e, capture_output=True, text=True, timeout=timeout)

    def alive(self):
        return self.proc.poll() is None

    def screenshot(self, name="shot", output="HEADLESS-1"):
        path = os.path.join(self.runtime, f"{name}.ppm")
        r = self.run("grim", "-t", "ppm", "-o", output, path)
        if r.returncode != 0:
            raise RuntimeError(f"grim failed: {r.stderr.strip()}")
        return Screenshot(path)

    def wait_for(self, predicate, timeout=20, step=0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(step)
        return predicate()

    def type(self, text):
        return self.run("wtype", text).returncode == 0

    def keys(self, *args):
        return self.run("wtype", *args).returncode == 0

    def stop(self, timeout=10):
        for p in self.clients:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in self.clients:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        if hasattr(self, "log"):
            self.log.close()
        return self.proc.returncode if self.proc else None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def sanitizer_clean(self):
        text = self.log_text()
        return not any(m in text for m in SANITIZER_MARKERS)


class RawClient:
    """Speaks the Wayland wire format directly, to misbehave on purpose."""

    def __init__(self, compositor):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(os.path.join(compositor.runtime, compositor.socket))
        self.next_id = 2
        self.buffer = b""
        self.fds = []  # file descriptors that came with events (wl_keyboard.keymap), in order

    def new_id(self):
        i = self.next_id
        self.next_id += 1
        return i

    @staticmethod
    def string(s):
        data = s.encode() + b"\0"
        pad = (4 - len(data) % 4) % 4
        return struct.pack("<I", len(data)) + data + b"\0" * pad

    def send(self, obj, opcode, payload=b""):
        size = 8 + len(payload)
        try:
            self.sock.sendall(struct.pack("<II", obj, (size << 16) | opcode) + payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the compositor already hung up on us; the events say why

    def events(self, timeout=5.0):
        """Yields (object, opcode, payload) until the socket closes or goes quiet."""
        self.sock.settimeout(timeout)
        while True:
            while len(self.buffer) >= 8:
                obj, word = struct.unpack("<II", self.buffer[:8])
                size = word >> 16
                if size < 8 or len(self.buffer) < size:
                    break
                payload = self.buffer[8:size]
                self.buffer = self.buffer[size:]
                yield obj, word & 0xffff, payload
            try:
                chunk, ancillary, _, _ = self.sock.recvmsg(65536, socket.CMSG_SPACE(16 * 4))
            except socket.timeout:
                return
            except ConnectionResetError:
                return
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    self.fds += struct.unpack(f"<{len(data) // 4}i", data[:len(data) // 4 * 4])
            if not chunk:
                return
            self.buffer += chunk

    def globals(self):
        """get_registry + sync; returns {interface: (name, version)}."""
        registry = self.new_id()
        self.send(1, 1, struct.pack("<I", registry))
        callback = self.new_id()
        self.send(1, 0, struct.pack("<I", callback))
        found = {}
        for obj, opcode, payload in self.events():
            if obj == registry and opcode == 0:
                name, length = struct.unpack("<II", payload[:8])
                interface = payload[8:8 + length - 1].decode()
                version = struct.unpack("<I", payload[8 + (length + 3) // 4 * 4:][:4])[0]
                found[interface] = (name, version)
            if obj == callback:
                break
        self.registry = registry
        return found

    def bind(self, name, interface, version):
        new = self.new_id()
        self.send(self.registry, 0, struct.pack("<I", name) + self.string(interface) +
                  struct.pack("<II", version, new))
        return new

    def close(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []
        self.sock.close()
