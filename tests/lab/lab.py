"""The virtual multiseat lab: a QEMU PC with real DRM, USB, input and sound drivers.

A topology (data) says which GPUs, monitors, hubs, keyboards, pointers and sound
cards the PC has. `Lab` boots Debian's own kernel on it with the host's /usr as
root file system, waits until udev has settled, and then lets a test run
commands in the guest, type on a chosen keyboard, move a chosen pointer,
hot-plug USB devices and monitors, screenshot each monitor and read what each
sound card played.
"""

import atexit
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent


class LabError(Exception):
    pass


# --------------------------------------------------------------------------
# Topology


@dataclasses.dataclass
class Gpu:
    id: str
    model: str  # "virtio" or "bochs"
    outputs: int = 1


@dataclasses.dataclass
class Monitor:
    """A monitor plugged into `head` of `gpu` when the lab boots."""

    gpu: str
    head: int
    width: int
    height: int


@dataclasses.dataclass
class Usb:
    id: str
    kind: str  # hub, kbd, mouse, tablet, audio
    port: str  # "1" for a root port, "1.2" for port 2 of the hub on root port 1
    # Where input for this keyboard or pointer is sent (QEMU routes input by console).
    gpu: str | None = None
    head: int = 0

    def bound(self):
        """Whether QEMU can tie the device to its console: usb-kbd only to a head 0,
        usb-tablet to any head, usb-mouse never. An unbound device receives the
        input sent to a console that no bound device of its class holds."""
        if self.gpu is None:
            return False
        return self.kind == "tablet" or (self.kind == "kbd" and self.head == 0)


@dataclasses.dataclass
class Topology:
    gpus: list
    monitors: list
    usb: list
    memory_mb: int = 2048
    cpus: int = 2
    # Ids of usb-audio devices to hot-plug later: QEMU cannot add an audio backend at run
    # time, so each gets its WAV backend at boot, unused until the device is plugged.
    spare_audio: list = dataclasses.field(default_factory=list)

    def console_index(self, gpu, head):
        """QEMU numbers consoles in the order GPUs are created, one per head."""
        index = 0
        for g in self.gpus:
            if g.id == gpu:
                if not 0 <= head < g.outputs:
                    raise LabError(f"{gpu} has no head {head}")
                return index + head
            index += g.outputs
        raise LabError(f"no GPU {gpu} in the topology")

    def check_routes(self, extra=()):
        """Every keyboard and pointer must be reachable on its own."""
        classes = {"kbd": "keys", "mouse": "rel", "tablet": "abs"}
        routes = {}
        for d in list(self.usb) + list(extra):
            if d.kind not in classes or d.gpu is None:
                continue
            self.console_index(d.gpu, d.head)
            key = (classes[d.kind], "bound" if d.bound() else "unbound",
                   (d.gpu, d.head) if d.bound() else None)
            if key in routes:
                raise LabError(f"{d.id} and {routes[key]} would receive the same input")
            routes[key] = d.id
        for d in list(self.usb) + list(extra):
            if d.kind in classes and d.gpu is not None and not d.bound():
                clash = routes.get((classes[d.kind], "bound", (d.gpu, d.head)))
                if clash:
                    raise LabError(f"{d.id} is routed to {d.gpu}:{d.head}, which {clash} holds")

    def device(self, dev_id):
        for d in self.usb:
            if d.id == dev_id:
                return d
        raise LabError(f"no USB device {dev_id} in the topology")


def default_topology():
    """One virtio GPU with two monitors, one bochs GPU, two hubs of desk devices.

    Input routes: QEMU binds a usb-kbd only to a head 0 and a usb-mouse to no
    console at all, so keyboard 2 listens on gpu1 and mouse 2 takes what is sent
    to gpu0's second head; a hot-plugged keyboard takes gpu0's second head too.
    """
    return Topology(
        gpus=[Gpu("gpu0", "virtio", outputs=2), Gpu("gpu1", "bochs")],
        monitors=[
            Monitor("gpu0", 0, 1280, 800),
            Monitor("gpu0", 1, 1024, 768),
            Monitor("gpu1", 0, 1280, 1024),
        ],
        usb=[
            Usb("hub1", "hub", "1"),
            Usb("kbd1", "kbd", "1.1", gpu="gpu0", head=0),
            Usb("tablet1", "tablet", "1.2", gpu="gpu0", head=0),
            Usb("snd1", "audio", "1.3"),
            Usb("hub2", "hub", "2"),
            Usb("kbd2", "kbd", "2.1", gpu="gpu1", head=0),
            Usb("mouse2", "mouse", "2.2", gpu="gpu0", head=1),
            Usb("snd2", "audio", "2.3"),
        ],
    )


_USB_DRIVERS = {
    "hub": "usb-hub",
    "kbd": "usb-kbd",
    "mouse": "usb-mouse",
    "tablet": "usb-tablet",
    "audio": "usb-audio",
}


def _usb_device_arg(dev):
    if dev.kind not in _USB_DRIVERS:
        raise LabError(f"{dev.id}: unknown USB device kind {dev.kind!r}")
    props = {"driver": _USB_DRIVERS[dev.kind], "id": dev.id, "bus": "xhci.0", "port": dev.port}
    if dev.kind == "audio":
        props["audiodev"] = f"ad-{dev.id}"
    if dev.bound():
        props["display"] = dev.gpu
        if dev.kind == "tablet":
            props["head"] = dev.head
    return props


# --------------------------------------------------------------------------
# Kernel and initramfs, cached between runs


def cache_dir():
    return Path(os.environ.get("MULTISEAT_LAB_CACHE", PROJECT / ".cache" / "lab"))


def _run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def _kernel_package():
    """The package Debian's linux-image-amd64 currently depends on."""
    for attempt in range(2):
        try:
            out = _run(["apt-cache", "depends", "linux-image-amd64"]).stdout
        except subprocess.CalledProcessError:
            out = ""
        m = re.search(r"Depends:\s*(linux-image-\S+)", out)
        if m:
            return m.group(1)
        if attempt == 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
    return None


def prepare_kernel():
    """Downloads and unpacks Debian's kernel (never installs it on the host)."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    pkg = _kernel_package()
    if pkg is None:
        ready = sorted(cache.glob("linux-image-*/ready"))
        if not ready:
            raise LabError("cannot find Debian's kernel package (apt-cache depends linux-image-amd64)")
        pkg = ready[-1].parent.name
    root = cache / pkg
    if not (root / "ready").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        # apt drops privileges to _apt for downloads; give it a directory it can write.
        dl = Path(tempfile.mkdtemp(prefix="kernel-", dir=cache))
        os.chmod(dl, 0o777)
        try:
            try:
                _run(["apt-get", "download", pkg], cwd=dl)
            except subprocess.CalledProcessError:
                # Stale package lists name a version the mirror no longer has.
                subprocess.run(["apt-get", "update"], capture_output=True)
                _run(["apt-get", "download", pkg], cwd=dl)
            debs = list(dl.glob("*.deb"))
            if len(debs) != 1:
                raise LabError(f"apt-get download {pkg} left {len(debs)} packages")
            _run(["dpkg-deb", "-x", str(debs[0]), str(root / "root")])
        finally:
            shutil.rmtree(dl, ignore_errors=True)
        kvers = [p.name for p in (root / "root" / "lib" / "modules").iterdir()]
        if len(kvers) != 1:
            raise LabError(f"{pkg} has {len(kvers)} module trees")
        _run(["depmod", "-b", str(root / "root"), kvers[0]])
        (root / "kver").write_text(kvers[0])
        (root / "ready").write_text(pkg)
    kver = (root / "kver").read_text().strip()
    vmlinuz = root / "root" / "boot" / f"vmlinuz-{kver}"
    modules = root / "root" / "lib" / "modules" / kver
    return kver, vmlinuz, modules


_INITRAMFS_MODULES = ["virtio_pci", "9pnet_virtio", "9p", "overlay", "virtio_blk", "ext4"]


def prepare_initramfs(kver, modules):
    init = (HERE / "initramfs-init").read_bytes()
    root = modules.parent.parent.parent
    deps = _run(["modprobe", "-d", str(root), "-S", kver, "--show-depends", "-a"] + _INITRAMFS_MODULES)
    order = []
    for line in deps.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "insmod" and parts[1] not in order:
            order.append(parts[1])
    busybox = shutil.which("busybox")
    if busybox is None:
        raise LabError("busybox is missing (package busybox-static)")
    digest = hashlib.sha256(init + "\n".join(order).encode() + Path(busybox).read_bytes()).hexdigest()[:16]
    out = cache_dir() / f"initramfs-{kver}-{digest}.cpio"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory(dir=cache_dir()) as staging:
        st = Path(staging)
        (st / "bin").mkdir()
        (st / "modules").mkdir()
        shutil.copy(busybox, st / "bin" / "busybox")
        shutil.copy(HERE / "initramfs-init", st / "init")
        os.chmod(st / "init", 0o755)
        names = []
        for path in order:
            name = Path(path).name
            if name.endswith(".xz"):
                _run(["sh", "-c", f"xz -dc '{path}' > '{st / 'modules' / name[:-3]}'"])
                name = name[:-3]
            else:
                shutil.copy(path, st / "modules" / name)
            names.append(name)
        (st / "modules.order").write_text("\n".join(names) + "\n")
        files = subprocess.run(["find", "."], cwd=st, check=True, capture_output=True).stdout
        tmp = out.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"], cwd=st, input=files,
                           stdout=f, check=True)
        tmp.rename(out)
    return out


# --------------------------------------------------------------------------
# Talking to QEMU


class Qmp:
    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise LabError(f"QMP socket {path} did not appear")
                time.sleep(0.05)
        self.file = self.sock.makefile("rwb")
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise LabError(f"unexpected QMP greeting {greeting}")
        self.cmd("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise LabError("QEMU closed its QMP socket")
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise LabError(f"QMP {name}: {reply['error'].get('desc', reply['error'])}")
            return reply.get("return")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Agent:
    """A shell in the guest, reached through a virtio serial port."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))
        self.serial = 0
        self.buf = b""

    def run(self, command, timeout=60):
        self.serial += 1
        marker = f"@@LAB-DONE-{self.serial}"
        # stdin from /dev/null so that no command can swallow the next ones.
        script = f"{{\n{command}\n}} </dev/null 2>&1\nprintf '\\n{marker} %d\\n' $?\n"
        self.sock.sendall(script.encode())
        pattern = re.compile(rb"\n" + re.escape(marker.encode()) + rb" (\d+)\n")
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.buf)
            if m:
                out = self.buf[: m.start()]
                self.buf = self.buf[m.end():]
                return int(m.group(1)), out.decode(errors="replace")
            left = deadline - time.monotonic()
            if left <= 0:
                raise LabError(f"guest command timed out after {timeout}s: {command}\n"
                               f"output so far:\n{self.buf.decode(errors='replace')}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise LabError("the guest agent closed its port")
            self.buf += data

    def handshake(self, attempts=6, timeout=10):
        """Waits until the guest's shell answers. What the host sends while the guest has
        the port closed (between two shells of guest-init's loop) can be lost, so a probe
        that gets no answer is sent again; a late answer to an earlier one is harmless."""
        for attempt in range(attempts):
            try:
                self.run("true", timeout=timeout)
                return
            except LabError as e:
                if "timed out" not in str(e) or attempt == attempts - 1:
                    raise

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------
# Keys: text to QEMU key codes on a US layout

_SHIFTED = {
    "!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
    "(": "9", ")": "0", "_": "minus", "+": "equal", "{": "bracket_left",
    "}": "bracket_right", "|": "backslash", ":": "semicolon", '"': "apostrophe",
    "~": "grave_accent", "<": "comma", ">": "dot", "?": "slash",
}
_PLAIN = {
    " ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal", "[": "bracket_left",
    "]": "bracket_right", "\\": "backslash", ";": "semicolon", "'": "apostrophe",
    "`": "grave_accent", ",": "comma", ".": "dot", "/": "slash",
}


def keys_for_char(ch):
    """(shift, qcode) for one character of text."""
    if "a" <= ch <= "z" or "0" <= ch <= "9":
        return False, ch
    if "A" <= ch <= "Z":
        return True, ch.lower()
    if ch in _PLAIN:
        return False, _PLAIN[ch]
    if ch in _SHIFTED:
        return True, _SHIFTED[ch]
    raise LabError(f"cannot type {ch!r} on a US keyboard")


def _key_event(qcode, down):
    return {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}


# --------------------------------------------------------------------------
# Images and sound


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM as QEMU's screendump writes it."""
    data = Path(path).read_bytes()
    fields = []
    pos = 0
    while len(fields) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        if not m:
            raise LabError(f"{path}: not a PPM file")
        fields.append(m.group(2))
        pos = m.end()
    if fields[0] != b"P6" or fields[3] != b"255":
        raise LabError(f"{path}: not an 8-bit binary PPM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1: pos + 1 + width * height * 3]
    if len(pixels) != width * height * 3:
        raise LabError(f"{path}: truncated")
    return width, height, pixels


@dataclasses.dataclass
class Screenshot:
    png: Path
    ppm: Path
    width: int
    height: int
    pixels: bytes

    def distinct_colours(self, step=97):
        return len({self.pixels[i:i + 3] for i in range(0, len(self.pixels) - 2, 3 * step)})

    def share(self, rgb, step=7):
        """The fraction of (every step-th) pixels that are exactly colour rgb."""
        want = bytes(rgb)
        n = len(self.pixels) // 3
        return sum(1 for i in range(0, n, step) if self.pixels[3 * i:3 * i + 3] == want) / \
            max(1, len(range(0, n, step)))

    def differing_pixels(self, other):
        if (self.width, self.height) != (other.width, other.height):
            return self.width * self.height
        a, b = self.pixels, other.pixels
        return sum(1 for i in range(0, len(a), 3) if a[i:i + 3] != b[i:i + 3])


@dataclasses.dataclass
class Wav:
    rate: int
    channels: int
    bits: int
    data: bytes

    def peak(self):
        """Largest absolute 16-bit sample value (0 for silence)."""
        if self.bits != 16 or not self.data:
            return 0
        count = len(self.data) // 2
        samples = struct.unpack(f"<{count}h", self.data[: count * 2])
        return max(abs(s) for s in samples)


def write_tone(path, seconds=1.0, freq=440.0, rate=48000, amplitude=16000):
    """Raw S16_LE stereo sine, for playing into a lab sound card."""
    frames = int(seconds * rate)
    samples = bytearray()
    for i in range(frames):
        v = int(amplitude * math.sin(2 * math.pi * freq * i / rate))
        samples += struct.pack("<hh", v, v)
    Path(path).write_bytes(bytes(samples))


def read_wav(path):
    """Reads a WAV file QEMU is still writing: its sizes may not be filled in yet,
    and QEMU writes it through a stdio buffer, so the newest few KiB may be missing."""
    data = Path(path).read_bytes()
    if len(data) < 44:
        return Wav(0, 0, 16, b"")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise LabError(f"{path}: not a WAV file")
    channels, rate = struct.unpack("<HI", data[22:28])
    bits = struct.unpack("<H", data[34:36])[0]
    return Wav(rate, channels, bits, data[44:])


# --------------------------------------------------------------------------
# The lab


class Lab:
    def __init__(self, topology=None, workdir=None, build_dir=None, name="lab", kernel_args=()):
        """`kernel_args`: words added to the guest kernel's command line, such as
        "lab.gpu_order=reverse" (guest-init loads the bochs driver before virtio_gpu)."""
        self.topology = topology or default_topology()
        self.kernel_args = list(kernel_args)
        self.build_dir = Path(build_dir or os.environ.get("MULTISEAT_BUILD_DIR", PROJECT / "build")).resolve()
        base = Path(workdir) if workdir else self.build_dir / "lab-runs" / name
        shutil.rmtree(base, ignore_errors=True)
        (base / "out").mkdir(parents=True)
        self.workdir = base
        self.out = base / "out"
        self.qemu = None
        self.dbus_pid = None
        self.dbus_address = None
        self.qmp = None
        self.agent = None
        self.console_log = base / "console.log"
        self.plugged = {}
        self._closed = False

    # ---- lifetime

    def __enter__(self):
        try:
            self.boot()
        except BaseException:
            self.close(failed=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(failed=exc_type is not None)
        return False

    def _start_dbus(self):
        conf = self.workdir / "dbus.conf"
        sock = self.workdir / "dbus.sock"
        conf.write_text(
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig><type>session</type>"
            f"<listen>unix:path={sock}</listen><auth>EXTERNAL</auth>"
            "<policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
            "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n")
        out = _run(["dbus-daemon", f"--config-file={conf}", "--fork", "--print-address=1",
                    "--print-pid=1"]).stdout.split()
        self.dbus_address, self.dbus_pid = out[0], int(out[1])
        # QEMU wants the address without the server's guid.
        self.dbus_address = ",".join(p for p in self.dbus_address.split(",") if not p.startswith("guid="))

    def qemu_command(self, kernel, initramfs, modules):
        t = self.topology
        fsdevs = [
            ("usr", "/usr", True),
            ("etc", "/etc", True),
            ("modules", str(modules), True),
            ("project", str(PROJECT), True),
            ("build", str(self.build_dir), True),
            ("out", str(self.out), False),
        ]
        cmd = [
            # No PS/2 controller: its keyboard and mouse would take input meant for unbound USB devices.
            "qemu-system-x86_64", "-machine", "pc,i8042=off", "-accel", "tcg",
            "-smp", str(t.cpus), "-m", str(t.memory_mb),
            "-nodefaults", "-no-user-config", "-vga", "none",
            "-kernel", str(kernel), "-initrd", str(initramfs),
            "-append", self.kernel_cmdline(),
            "-serial", f"file:{self.console_log}",
            "-display", f"dbus,addr={self.dbus_address}",
            "-qmp", f"unix:{self.workdir / 'qmp.sock'},server=on,wait=off",
            "-device", "virtio-serial-pci",
            "-chardev", f"socket,id=agent,path={self.workdir / 'agent.sock'},server=on,wait=off",
            "-device", "virtserialport,chardev=agent,name=lab.agent",
        ]
        for tag, path, ro in fsdevs:
            cmd += ["-fsdev", f"local,id=fs-{tag},path={path},security_model=none" + (",readonly=on" if ro else ""),
                    "-device", f"virtio-9p-pci,fsdev=fs-{tag},mount_tag={tag}"]
        for g in t.gpus:
            # The first head's size is a device property; later heads are sized over D-Bus.
            first = next((m for m in t.monitors if m.gpu == g.id and m.head == 0), None)
            size = f",xres={first.width},yres={first.height}" if first else ""
            if g.model == "virtio":
                cmd += ["-device", f"virtio-gpu-pci,max_outputs={g.outputs},id={g.id}{size}"]
            elif g.model == "bochs":
                if g.outputs != 1:
                    raise LabError(f"{g.id}: bochs-display has exactly one output")
                cmd += ["-device", f"bochs-display,id={g.id}{size}"]
            else:
                raise LabError(f"{g.id}: unknown GPU model {g.model!r}")
        cmd += ["-device", "qemu-xhci,id=xhci"]
        for d in t.usb:
            cmd += self._usb_args(d)
        cmd += self.extra_qemu_args()
        for dev_id in t.spare_audio:
            cmd += ["-audiodev", f"wav,id=ad-{dev_id},path={self.wav_path(dev_id)}"]
        return cmd

    def kernel_cmdline(self):
        return " ".join(["console=ttyS0 quiet loglevel=4 panic=-1 8250.nr_uarts=1"] +
                        list(self.kernel_args))

    def extra_qemu_args(self):
        """The guest's shell is PID 1: a reboot would kill it, so QEMU exits instead."""
        return ["-no-reboot"]

    def prepare(self):
        """Called before QEMU starts (a subclass makes its disk here)."""

    def wait_ready(self, count=1, timeout=240):
        """Until the guest console has said it is ready `count` times (once per boot)."""
        deadline = time.monotonic() + timeout
        while self._console_bytes().count(b"lab-guest: ready") < count:
            if self.qemu.poll() is not None:
                raise LabError(f"QEMU exited with {self.qemu.returncode}:\n{self.failure_report()}")
            if time.monotonic() > deadline:
                raise LabError(f"the guest was not ready after {timeout}s:\n{self.failure_report()}")
            time.sleep(0.2)

    def _usb_args(self, d):
        args = []
        props = _usb_device_arg(d)
        if d.kind == "audio":
            args += ["-audiodev", f"wav,id=ad-{d.id},path={self.wav_path(d.id)}"]
        args += ["-device", ",".join([props.pop("driver")] + [f"{k}={v}" for k, v in props.items()])]
        return args

    def boot(self, timeout=240):
        self.topology.check_routes()
        kver, kernel, modules = prepare_kernel()
        initramfs = prepare_initramfs(kver, modules)
        self.prepare()
        self._start_dbus()
        atexit.register(self.close)
        cmd = self.qemu_command(kernel, initramfs, modules)
        (self.workdir / "qemu.cmd").write_text(" ".join(cmd) + "\n")
        self.qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=open(self.workdir / "qemu.log", "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.qmp = Qmp(self.workdir / "qmp.sock")
        self.wait_ready(timeout=timeout)
        self.agent = Agent(self.workdir / "agent.sock")
        self.agent.handshake()
        self.sh("export LAB_BUILD=/lab/build LAB_PROJECT=/lab/project LAB_OUT=/lab/out; cd /lab/out")
        for m in self.topology.monitors:
            if m.head > 0:
                self.monitor(m.gpu, m.head, m.width, m.height)
        if any(m.head > 0 for m in self.topology.monitors):
            self.sh("udevadm settle --timeout=30")

    def close(self, failed=False):
        if self._closed:
            return
        self._closed = True
        if failed:
            sys.stderr.write(self.failure_report())
        for part in (self.agent, self.qmp):
            if part is not None:
                part.close()
        if self.qemu is not None and self.qemu.poll() is None:
            try:
                os.killpg(self.qemu.pid, signal.SIGTERM)
                self.qemu.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.qemu.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.qemu.wait()
        if self.dbus_pid is not None:
            try:
                os.kill(self.dbus_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.dbus_pid = None

    def _console_bytes(self):
        try:
            return self.console_log.read_bytes()
        except FileNotFoundError:
            return b""

    def failure_report(self, lines=60):
        text = self._console_bytes().decode(errors="replace").splitlines()[-lines:]
        report = [f"--- lab {self.workdir}: last {len(text)} lines of the guest console ---"] + text
        if self.agent is not None and self.qemu is not None and self.qemu.poll() is None:
            try:
                _, dmesg = self.agent.run(f"dmesg | tail -n {lines}", timeout=10)
                report += ["--- guest dmesg ---", dmesg]
                # The tests run multiseatd with its log here (seats.start_daemon).
                rc, daemon = self.agent.run(f"tail -n {lines} /tmp/daemon.log", timeout=10)
                if rc == 0:
                    report += ["--- multiseatd's log (/tmp/daemon.log) ---", daemon]
            except (LabError, OSError):
                report += ["--- guest dmesg: the guest agent did not answer ---"]
        qlog = self.workdir / "qemu.log"
        if qlog.exists() and qlog.stat().st_size:
            report += ["--- QEMU ---", qlog.read_text(errors="replace")[-4000:]]
        return "\n".join(report) + "\n"

    # ---- running things in the guest

    def run(self, command, timeout=60):
        """(exit status, output) of a bash command in the guest."""
        return self.agent.run(command, timeout=timeout)

    def sh(self, command, timeout=60):
        """Output of a guest command that must succeed."""
        rc, out = self.run(command, timeout=timeout)
        if rc != 0:
            raise LabError(f"guest command failed with {rc}: {command}\n{out}")
        return out

    def udev_properties(self, pattern, by="node"):
        """udev properties of every guest device matching a shell glob of nodes or sysfs paths."""
        flag = "-n" if by == "node" else "-p"
        out = self.sh(f"for d in {pattern}; do [ -e \"$d\" ] || continue; "
                      f"udevadm info -q property {flag} \"$d\"; echo; done")
        devices, props = [], {}
        for line in out.splitlines() + [""]:
            if not line.strip():
                if props:
                    devices.append(props)
                props = {}
            elif "=" in line:
                k, v = line.split("=", 1)
                props[k] = v
        return devices

    def wait_guest(self, condition, timeout=15):
        """Polls a guest shell condition until it holds; returns whether it did."""
        # No `exit` here: it would end the agent's shell. The deadline is bash's clock, not a
        # count of tries: under software emulation one try can take far longer than its sleep.
        rc, _ = self.run(f"__ok=1; __end=$((SECONDS + {int(timeout + 0.999)})); "
                         f"while :; do if ( {condition} ); then __ok=0; break; fi; "
                         f"[ $SECONDS -lt $__end ] || break; sleep 0.1; done; [ $__ok = 0 ]",
                         timeout=timeout + 60)
        return rc == 0

    # ---- input

    def _device(self, dev_id):
        """A device of the topology or one hot-plugged since boot."""
        return self.plugged[dev_id] if dev_id in self.plugged else self.topology.device(dev_id)

    def _binding(self, dev_id):
        d = self._device(dev_id)
        if d.gpu is None:
            raise LabError(f"{dev_id} is not bound to a head: give it gpu= in the topology")
        return d.gpu, d.head

    def send_events(self, dev_id, events):
        gpu, head = self._binding(dev_id)
        self.qmp.cmd("input-send-event", device=gpu, head=head, events=events)

    def press(self, dev_id, *qcodes, hold=0.05):
        """Presses keys together (e.g. "ctrl", "c"), then releases them in reverse."""
        self.send_events(dev_id, [_key_event(q, True) for q in qcodes])
        time.sleep(hold)
        self.send_events(dev_id, [_key_event(q, False) for q in reversed(qcodes)])
        time.sleep(hold)

    def type_text(self, dev_id, text, delay=0.05):
        for ch in text:
            shift, qcode = keys_for_char(ch)
            if shift:
                self.press(dev_id, "shift", qcode, hold=delay)
            else:
                self.press(dev_id, qcode, hold=delay)

    def pointer_move(self, dev_id, x, y):
        """Relative motion for a mouse; for a tablet, x and y are 0..1 of the head."""
        d = self._device(dev_id)
        if d.kind == "tablet":
            events = [{"type": "abs", "data": {"axis": "x", "value": int(x * 0x7FFF)}},
                      {"type": "abs", "data": {"axis": "y", "value": int(y * 0x7FFF)}}]
        else:
            events = [{"type": "rel", "data": {"axis": "x", "value": int(x)}},
                      {"type": "rel", "data": {"axis": "y", "value": int(y)}}]
        self.send_events(dev_id, events)

    def click(self, dev_id, button="left"):
        self.send_events(dev_id, [{"type": "btn", "data": {"down": True, "button": button}}])
        time.sleep(0.05)
        self.send_events(dev_id, [{"type": "btn", "data": {"down": False, "button": button}}])

    # ---- hot-plug

    def plug(self, dev):
        """Hot-plugs a USB device described by a `Usb`."""
        if dev.kind == "audio" and dev.id not in self.topology.spare_audio:
            raise LabError(f"{dev.id}: a usb-audio device needs its audio backend from boot: "
                           "name it in the topology's spare_audio")
        self.topology.check_routes(extra=[dev] + [d for d in self.plugged.values() if d.id != dev.id])
        props = _usb_device_arg(dev)
        self.qmp.cmd("device_add", **props)
        self.plugged[dev.id] = dev

    def unplug(self, dev_id, timeout=10):
        self.qmp.cmd("device_del", id=dev_id)
        deadline = time.monotonic() + timeout
        while not any(e.get("event") == "DEVICE_DELETED" and e.get("data", {}).get("device") == dev_id
                      for e in self.qmp.events):
            if time.monotonic() > deadline:
                raise LabError(f"{dev_id} was not removed within {timeout}s")
            self.qmp.cmd("query-status")  # collects pending events
            time.sleep(0.1)
        self.plugged.pop(dev_id, None)

    def monitor(self, gpu, head, width, height):
        """Plugs a monitor of this size into a head; 0x0 unplugs it."""
        index = self.topology.console_index(gpu, head)
        # Millimetres for a 96 dpi screen, so the guest sees a plausible physical size.
        mm_w, mm_h = width * 254 // 960, height * 254 // 960
        _run(["dbus-send", f"--bus={self.dbus_address}", "--print-reply", "--dest=org.qemu",
              f"/org/qemu/Display1/Console_{index}", "org.qemu.Display1.Console.SetUIInfo",
              f"uint16:{mm_w}", f"uint16:{mm_h}", "int32:0", "int32:0",
              f"uint32:{width}", f"uint32:{height}"])

    # ---- output

    def screenshot(self, gpu, head=0, name=None):
        name = name or f"{gpu}-{head}"
        ppm = self.workdir / f"{name}.ppm"
        png = self.workdir / f"{name}.png"
        ppm.unlink(missing_ok=True)
        self.qmp.cmd("screendump", filename=str(ppm), device=gpu, head=head)
        width, height, pixels = read_ppm(ppm)
        with open(png, "wb") as f:
            subprocess.run(["pnmtopng"], stdin=open(ppm, "rb"), stdout=f, stderr=subprocess.DEVNULL,
                           check=True)
        return Screenshot(png, ppm, width, height, pixels)

    def wav_path(self, dev_id):
        return self.workdir / f"{dev_id}.wav"

    def wav(self, dev_id):
        return read_wav(self.wav_path(dev_id))


class Checks:
    """Named checks that all run and are reported, instead of stopping at the first failure."""

    def __init__(self):
        self.passed, self.failed = [], []

    def __call__(self, cond, what):
        print(("ok    " if cond else "FAIL  ") + what, flush=True)
        (self.passed if cond else self.failed).append(what)

    def report_on_failure(self, lab):
        """While the lab still runs: its console and dmesg, if any check failed."""
        if self.failed:
            sys.stderr.write(lab.failure_report())

    def finish(self):
        # Again at the very end, after the console and logs: a runner that shows only a log's
        # tail still says which checks failed.
        for what in self.failed:
            print("FAIL  " + what, file=sys.stderr, flush=True)
        print(f"lab: {len(self.passed)} passed, {len(self.failed)} failed")
        sys.exit(1 if self.failed else 0)


def run_test(main):
    """Runs a lab test function; SIGTERM (meson's timeout) still cleans QEMU up."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))
    try:
        main()
    except LabError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
