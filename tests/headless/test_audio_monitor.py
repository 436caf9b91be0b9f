"""The audio monitor (audio/monitor.c) against a real PipeWire: tests/headless/audiomon prints
what its monitors see as JSON lines while this script adds and removes null sinks with pw-cli,
writes the "default" metadata with pw-metadata, lets WirePlumber follow a default set through
the monitor, and finally kills PipeWire under it."""

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from wayland_helpers import BUILD, SANITIZER_MARKERS, Checks  # noqa: E402

AUDIOMON = os.path.join(BUILD, "tests", "headless", "audiomon")
check = Checks("headless audio")

ENOENT, EINVAL, ECONNREFUSED, ENOTCONN = 2, 22, 111, 107

# A PipeWire of our own, with no devices, no D-Bus, no realtime module: just the protocol, the
# access module (without it 0.3.65 never answers a client), metadata and the adapter factory
# that pw-cli create-node uses; the rest is what WirePlumber needs to run against it.
PIPEWIRE_CONF = """
context.properties = {
    core.daemon = true
    core.name = pipewire-0
    log.level = 2
}
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.*       = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-access }
    { name = libpipewire-module-metadata }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-client-device }
    { name = libpipewire-module-link-factory }
    { name = libpipewire-module-session-manager }
]
"""

# PipeWire alone has no "default" metadata: the session manager makes it. Without WirePlumber,
# PipeWire makes one from its config (context.objects), server-side, so that it outlives every
# client (one made with pw-cli create-object would live in pw-cli). This is the robust way to
# test what the monitor reads and writes: no D-Bus, no session-manager policy racing our writes
# to default.audio.sink. WirePlumber is started in a test of its own, for the one thing only it
# can show: that it follows the default we configure.
DEFAULT_METADATA_OBJECT = "{ factory = metadata args = { metadata.name = default } }"


def spa_props(items):
    """A dict as SPA JSON, as PipeWire's config and pw-cli parse it: values quoted as JSON."""
    return " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in items.items())


def null_sink_props(name, media_class="Audio/Sink", **props):
    return {"factory.name": "support.null-audio-sink", "node.name": name,
            "media.class": media_class, "object.linger": "1", **props}


def adapter_object(props):
    return "{ factory = adapter args = { " + spa_props(props) + " } }"


# WirePlumber 0.4 without devices: the ALSA monitor off altogether (alsa.reserve = false would
# still take the host's sound cards), no cameras, no Bluetooth.
WIREPLUMBER_CONFIG = {
    "main.lua.d/60-multiseat-test.lua":
        "alsa_monitor.enabled = false\nv4l2_monitor.enabled = false\n"
        "libcamera_monitor.enabled = false\n",
    "bluetooth.lua.d/60-multiseat-test.lua": "bluez_monitor.enabled = false\n",
}


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class PipeWire:
    """pipewire (and, on request, dbus-daemon and wireplumber) in a private runtime dir."""

    def __init__(self, default_metadata=True, nodes=()):
        self.dir = tempfile.mkdtemp(prefix="ms-audio-")
        os.chmod(self.dir, 0o700)
        for sub in ("config", "state"):
            os.mkdir(os.path.join(self.dir, sub))
        self.socket = os.path.join(self.dir, "pipewire-0")
        self.conf = os.path.join(self.dir, "pipewire.conf")
        with open(self.conf, "w") as f:
            f.write(PIPEWIRE_CONF)
            objects = [DEFAULT_METADATA_OBJECT] if default_metadata else []
            objects += [adapter_object(props) for props in nodes]
            if objects:
                f.write("context.objects = [\n" + "\n".join(objects) + "\n]\n")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PIPEWIRE_", "DBUS_", "XDG_", "WAYLAND_"))}
        self.env.update(XDG_RUNTIME_DIR=self.dir, PIPEWIRE_RUNTIME_DIR=self.dir,
                        XDG_CONFIG_HOME=os.path.join(self.dir, "config"),
                        XDG_STATE_HOME=os.path.join(self.dir, "state"))
        self.procs = {}

    def start(self, name, argv, env=None):
        log = open(os.path.join(self.dir, f"{name}.log"), "w")
        self.procs[name] = subprocess.Popen(argv, env=env or self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        return self.procs[name]

    def log(self, name):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def __enter__(self):
        proc = self.start("pipewire", ["pipewire", "-c", self.conf])
        wait_until(lambda: os.path.exists(self.socket) or proc.poll() is not None, 15,
                   f"PipeWire's socket {self.socket}")
        if proc.poll() is not None:
            raise AssertionError(f"pipewire exited with {proc.returncode}: "
                                 f"{self.log('pipewire')[-2000:]}")
        return self

    def start_wireplumber(self):
        for path, text in WIREPLUMBER_CONFIG.items():
            full = os.path.join(self.dir, "config", "wireplumber", path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        # WirePlumber 0.4 will not run without a session bus.
        bus = os.path.join(self.dir, "bus")
        dbus = self.start("dbus", ["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                   f"--address=unix:path={bus}"])
        wait_until(lambda: os.path.exists(bus) or dbus.poll() is not None, 15,
                   "the D-Bus session bus socket")
        if dbus.poll() is not None:
            raise AssertionError(f"dbus-daemon exited: {self.log('dbus')[-2000:]}")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
        return self.start("wireplumber", ["wireplumber"])

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __exit__(self, *exc):
        for name in ("wireplumber", "dbus", "pipewire"):
            self.kill(name, signal.SIGTERM)
        shutil.rmtree(self.dir, ignore_errors=True)

    def run(self, *argv):
        r = subprocess.run(list(argv), env=self.env, capture_output=True, text=True, timeout=20)
        if r.returncode != 0:
            raise AssertionError(f"{' '.join(argv)[:200]} failed ({r.returncode}): "
                                 f"{r.stderr.strip()[-500:]}")
        return r.stdout

    def create_node(self, name, media_class="Audio/Sink", **props):
        props = null_sink_props(name, media_class, **props)
        self.run("pw-cli", "create-node", "adapter", "{ " + spa_props(props) + " }")

    def destroy(self, node_id):
        self.run("pw-cli", "destroy", str(node_id))

    def set_metadata(self, key, value, type_="Spa:String:JSON"):
        args = ["pw-metadata", "-n", "default", "0", key, value] + ([type_] if type_ else [])
        self.run(*args)

    def delete_metadata(self, key):
        self.run("pw-metadata", "-n", "default", "-d", "0", key)

    def get_metadata(self, key):
        """(value, type) of a key on subject 0 of the "default" metadata, or None."""
        out = self.run("pw-metadata", "-n", "default", "0", key)
        m = re.search(r"key:'" + re.escape(key) + r"' value:'(.*)' type:'(.*)'", out)
        return (m.group(1), m.group(2)) if m else None


class Driver:
    """tests/headless/audiomon on some sockets; its JSON lines read by a thread."""

    def __init__(self, *sockets, destroy_on_disconnect=False, env=None):
        args = [AUDIOMON] + (["--destroy-on-disconnect"] if destroy_on_disconnect else [])
        self.stderr = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(args + list(sockets), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                     env=env)
        self.lines = queue.Queue()
        self.state = {}
        self.history = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next_event(self, timeout):
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise AssertionError(f"audiomon exited ({self.proc.wait()}): {self.stderr_text()}")
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            raise AssertionError(f"audiomon printed something else than JSON: {line!r}")
        self.history.append(event)
        if event.get("event") in ("changed", "state", "disconnected") and "nodes" in event:
            self.state[event["monitor"]] = event
        return event

    def wait(self, predicate, what, timeout=15):
        """The first event for which predicate(event) holds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise queue.Empty
                event = self.next_event(left)
            except queue.Empty:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}; last "
                                     f"events: {self.history[-3:]}")
            if predicate(event):
                return event

    def wait_state(self, monitor, predicate, what, timeout=15):
        """The monitor's state once predicate(state) holds (it may hold already)."""
        if monitor in self.state and predicate(self.state[monitor]):
            return self.state[monitor]
        return self.wait(lambda e: e.get("monitor") == monitor and e["event"] == "changed"
                         and predicate(e), what, timeout)

    def command(self, line, event, monitor=0):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.wait(lambda e: e["event"] == event and e.get("monitor") == monitor,
                         f"the answer to {line!r}")

    def set_default(self, name, monitor=0):
        return self.command(f"default {monitor} {name}", "set-default", monitor)["result"]

    def finish(self, timeout=15):
        """Says quit, and returns the exit status (None when it hung)."""
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def sanitizer_clean(self):
        text = self.stderr_text()
        return not any(m in text for m in SANITIZER_MARKERS)


def threads_blocking(pid, signals):
    """{tid: whether it blocks all of `signals`} for the threads of pid but the main one."""
    result = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        if int(tid) == pid:
            continue
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            mask = int(re.search(r"^SigBlk:\s*([0-9a-f]+)", f.read(), re.M).group(1), 16)
        result[int(tid)] = all(mask & (1 << (s - 1)) for s in signals)
    return result


def by_name(state):
    return {n["name"]: n for n in state["nodes"]}


def test_bad_sockets():
    """No PipeWire at the path: create fails with errno and says so."""
    tmp = tempfile.mkdtemp(prefix="ms-audio-bad-")
    deaf = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        cases = [(os.path.join(tmp, "missing"), ENOENT, "nothing at the path"),
                 ("pipewire-0", EINVAL, "a relative path")]
        # A socket nobody listens on.
        deaf.bind(os.path.join(tmp, "deaf"))
        cases.append((os.path.join(tmp, "deaf"), ECONNREFUSED, "a socket nobody listens on"))
        for path, errno_, what in cases:
            d = Driver(path)
            try:
                event = d.wait(lambda e: e["event"] == "create-failed", f"create-failed ({what})")
            except AssertionError as e:
                event = {"error": str(e)}
            code = d.finish()
            err = d.stderr_text()
            check(event.get("result") == -errno_ and code == 1 and os.strerror(errno_) in err
                  and d.sanitizer_clean(),
                  f"{what}: audio_monitor_create fails with {os.strerror(errno_)} and logs it "
                  f"({event}, exit {code}, {err.strip()[-300:]!r})")
    finally:
        deaf.close()
        shutil.rmtree(tmp, ignore_errors=True)


def test_nodes_and_defaults():
    """Two monitors on one PipeWire: nodes come and go, the default metadata is read and
    written, one monitor is destroyed while the other goes on, then PipeWire is killed."""
    with PipeWire() as pw:
        d = Driver(pw.socket, pw.socket)
        try:
            for m in (0, 1):
                s = d.wait_state(m, lambda s: s["ready"], f"monitor {m} ready")
                check(s["nodes"] == [] and s["default_sink"] is None
                      and s["default_source"] is None,
                      f"monitor {m}: ready on a PipeWire with no sinks and no defaults ({s})")

            # libpipewire's data-loop threads must leave the daemon's signals to its signalfd.
            blocked = threads_blocking(d.proc.pid, (signal.SIGHUP, signal.SIGINT, signal.SIGTERM,
                                                    signal.SIGCHLD))
            check(len(blocked) >= 2 and all(blocked.values()),
                  f"every thread libpipewire started blocks the daemon's signals ({blocked})")

            pw.create_node("ms-test-a", **{"node.description": "Test A", "api.alsa.card": "3"})
            # An ALSA node as WirePlumber makes it has the card as api.alsa.pcm.card.
            pw.create_node("ms-test-b", **{"node.nick": "Nick B", "api.alsa.pcm.card": "5"})
            pw.create_node("ms-test-mic", "Audio/Source")
            pw.create_node("ms-test-stream", "Stream/Output/Audio")
            s = d.wait_state(0, lambda s: len(s["nodes"]) == 3, "three nodes listed")
            nodes = by_name(s)
            ids = [n["id"] for n in s["nodes"]]
            check(ids == sorted(ids) and set(nodes) == {"ms-test-a", "ms-test-b", "ms-test-mic"},
                  f"sinks and sources are listed by id, the stream is not ({s['nodes']})")
            check(nodes["ms-test-a"]["kind"] == "sink" and nodes["ms-test-b"]["kind"] == "sink"
                  and nodes["ms-test-mic"]["kind"] == "source",
                  "Audio/Sink is a sink, Audio/Source a source")
            check(nodes["ms-test-a"]["description"] == "Test A"
                  and nodes["ms-test-b"]["description"] == "Nick B"
                  and nodes["ms-test-mic"]["description"] == "ms-test-mic",
                  "description: node.description, else node.nick, else node.name "
                  f"({[n['description'] for n in s['nodes']]})")
            # api.alsa.card is not among a node's global props: only binding the node shows it.
            check(nodes["ms-test-a"]["card"] == 3 and nodes["ms-test-b"]["card"] == 5
                  and nodes["ms-test-mic"]["card"] == -1,
                  "api.alsa.card, else api.alsa.pcm.card, is read from the bound node "
                  f"({nodes['ms-test-a']['card']}, "
                  f"{nodes['ms-test-b']['card']})")
            d.wait_state(1, lambda s: len(s["nodes"]) == 3, "monitor 1 lists three nodes too")
            first_seen = [e for e in d.history if e["event"] == "changed" and e["monitor"] == 0
                          and "ms-test-a" in by_name(e)][0]
            check(by_name(first_seen)["ms-test-a"]["card"] == 3,
                  "a new node is first listed with its full props, not the global's")

            victim = by_name(s)["ms-test-a"]["id"]
            pw.destroy(victim)
            s = d.wait_state(0, lambda s: "ms-test-a" not in by_name(s), "ms-test-a gone")
            check(all(n["id"] != victim for n in s["nodes"]),
                  f"pw-cli destroy {victim}: the node leaves the list")

            # Reading defaults, and surviving odd values in the metadata.
            pw.set_metadata("default.audio.sink", '{"name":"ms-test-b"}')
            pw.set_metadata("default.audio.source", '{ "name": "ms-test-mic" }')
            s = d.wait_state(0, lambda s: s["default_sink"] == "ms-test-b"
                             and s["default_source"] == "ms-test-mic", "the defaults")
            check(True, "default.audio.sink and default.audio.source are read")
            odd = ["garbage", "[1, 2]", '{"name": null}', '{"name": {"x": 1}}', '{"nam": "x"}',
                   '{"name": ""}', '{"name": "' + "x" * 5000 + '"}', '{"name": "a\\u0000b"}',
                   '{"name": "\\u0007"}', "{", '"{\\"name\\": \\"ms-test-b\\"}"']
            for value in odd:
                pw.set_metadata("default.audio.sink", value)
                d.wait_state(0, lambda s: s["default_sink"] is None,
                             f"default sink unset by {value[:40]!r}")
                pw.set_metadata("default.audio.sink", '{"name":"ms-test-b"}')
                d.wait_state(0, lambda s: s["default_sink"] == "ms-test-b", "default sink back")
            check(True, f"{len(odd)} malformed default.audio.sink values read as no default")
            pw.set_metadata("default.audio.sink", '{ name = "ms-test-a" }', None)
            s = d.wait_state(0, lambda s: s["default_sink"] == "ms-test-a",
                             "relaxed JSON without a type")
            check(True, "PipeWire's relaxed JSON, with no type given, is read as WirePlumber does")
            pw.delete_metadata("default.audio.sink")
            d.wait_state(0, lambda s: s["default_sink"] is None, "default sink deleted")
            check(True, "deleting default.audio.sink unsets the default sink")

            # Writing the configured default, as wpctl set-default does.
            result = d.set_default("ms-test-b")
            got = pw.get_metadata("default.configured.audio.sink")
            check(result == 0 and got is not None and json.loads(got[0]) == {"name": "ms-test-b"}
                  and got[1] == "Spa:String:JSON",
                  f"set_default_sink writes default.configured.audio.sink ({result}, {got})")
            weird = 'we"ird\\näme'
            result = d.set_default(weird)
            got = pw.get_metadata("default.configured.audio.sink")
            check(result == 0 and got is not None and json.loads(got[0]) == {"name": weird},
                  f"a name with quotes, backslashes and UTF-8 is escaped ({result}, {got})")
            check(d.set_default("") == -EINVAL and d.set_default("tab\there") == -EINVAL
                  and d.set_default("x" * 1024) == -EINVAL,
                  "empty, control-character and over-long names are refused with -EINVAL")

            # Destroying one monitor leaves the other (and libpipewire) working.
            d.command("close 1", "closed", 1)
            pw.create_node("ms-test-late")
            s = d.wait_state(0, lambda s: "ms-test-late" in by_name(s), "ms-test-late")
            check(True, "with one monitor destroyed the other still follows PipeWire")
            # The last monitor gone, libpipewire is deinitialised; a new one starts it again.
            d.command("close 0", "closed", 0)
            d.command(f"open {pw.socket}", "opened", 2)
            s = d.wait_state(2, lambda s: s["ready"], "a monitor made after all were destroyed")
            check("ms-test-late" in by_name(s) and s["default_source"] == "ms-test-mic",
                  "after the last monitor is destroyed a new one works from scratch "
                  f"({sorted(by_name(s))})")

            pw.kill("pipewire")
            e = d.wait(lambda e: e["event"] == "disconnected", "disconnected")
            check(e["monitor"] == 2 and not e["ready"] and e["nodes"] == []
                  and e["default_source"] is None,
                  f"PipeWire killed: disconnected, and the monitor is empty ({e})")
            check(d.set_default("ms-test-b", 2) == -ENOTCONN,
                  "after disconnection set_default_sink says -ENOTCONN")
            time.sleep(0.3)
            extra = [e for e in d.history[d.history.index(e) + 1:]
                     if e["event"] in ("changed", "disconnected")]
            check(not extra, f"nothing is reported after disconnected ({extra})")
        finally:
            code = d.finish()
        err = d.stderr_text()
        check(code == 0 and d.sanitizer_clean(),
              f"audiomon exits cleanly with no sanitizer report (exit {code}; {err[-1500:]!r})")
        check(err.count("PipeWire closed the connection") == 1,
              "the disconnection is logged once")


def test_odd_properties():
    """What a broken or hostile PipeWire may hold: huge and odd strings in node props. They come
    from PipeWire's own config, since pw-cli itself overflows a buffer on long arguments."""
    huge = "Déjà vu 🎧 " * 20000  # 300 kB
    nodes = [
        null_sink_props("ms-test-huge", **{"node.description": huge}),
        null_sink_props("n" * 5000),
        null_sink_props("ms-test-tab\tname"),
        null_sink_props("ms-test-newline", **{"node.description": "two\nlines\u0085"}),
        null_sink_props("ms-test-empty", **{"node.description": "", "node.nick": "Nick"}),
        null_sink_props("ms-test-card-word", **{"api.alsa.card": "three"}),
        null_sink_props("ms-test-card-big", **{"api.alsa.card": "99999999999999999999"}),
        null_sink_props("ms-test-card-neg", **{"api.alsa.card": "-1"}),
        null_sink_props("ms-test-card-0", **{"api.alsa.card": "0"}),
        null_sink_props("ms-test-duplex", "Audio/Duplex"),
    ]
    with PipeWire(nodes=nodes) as pw:
        d = Driver(pw.socket)
        try:
            s = d.wait_state(0, lambda s: s["ready"], "ready")
            listed = by_name(s)
            check(set(listed) == {"ms-test-huge", "ms-test-newline", "ms-test-empty",
                                  "ms-test-card-word", "ms-test-card-big", "ms-test-card-neg",
                                  "ms-test-card-0"},
                  "a 5000-byte node.name, one with a tab and an Audio/Duplex node are not "
                  f"listed ({sorted(n[:20] for n in listed)})")
            desc = listed.get("ms-test-huge", {}).get("description", "")
            check(len(desc.encode()) <= 1023 and len(desc) > 500 and huge.startswith(desc.rstrip()),
                  "a 300 kB description is cut to 1023 bytes at a character boundary "
                  f"({len(desc.encode())} bytes)")
            check(listed.get("ms-test-newline", {}).get("description") == "two lines ",
                  "control characters in a description (C0 and C1) become spaces "
                  f"({listed.get('ms-test-newline')})")
            check(listed.get("ms-test-empty", {}).get("description") == "Nick",
                  "an empty node.description falls back to node.nick")
            cards = {n: listed.get(n, {}).get("card")
                     for n in ("ms-test-card-word", "ms-test-card-big", "ms-test-card-neg",
                               "ms-test-card-0")}
            check(cards == {"ms-test-card-word": -1, "ms-test-card-big": -1,
                            "ms-test-card-neg": -1, "ms-test-card-0": 0},
                  f"api.alsa.card that is not a card number reads as -1 ({cards})")
        finally:
            code = d.finish()
        check(code == 0 and d.sanitizer_clean(),
              f"audiomon exits cleanly with no sanitizer report (exit {code}; "
              f"{d.stderr_text()[-1500:]!r})")


def test_wireplumber_follows():
    """With WirePlumber, a default configured through the monitor becomes the default."""
    with PipeWire(default_metadata=False) as pw:
        d = Driver(pw.socket, destroy_on_disconnect=True)
        try:
            d.wait_state(0, lambda s: s["ready"], "ready")
            check(d.set_default("ms-test-b") == -ENOENT,
                  "set_default_sink before any \"default\" metadata exists: -ENOENT")
            pw.create_node("ms-test-a")
            pw.create_node("ms-test-b")
            wp = pw.start_wireplumber()
            try:
                s = d.wait_state(0, lambda s: s["default_sink"] in ("ms-test-a", "ms-test-b"),
                                 "WirePlumber's first choice of default sink", timeout=30)
            except AssertionError as e:
                state = "exited" if wp.poll() is not None else "runs"
                raise AssertionError(f"{e}; wireplumber {state}: {pw.log('wireplumber')[-1500:]}")
            check(True, f"the default metadata made by WirePlumber is found ({s['default_sink']})")
            for name in ("ms-test-b", "ms-test-a"):
                check(d.set_default(name) == 0, f"set_default_sink {name}")
                d.wait_state(0, lambda s: s["default_sink"] == name,
                             f"WirePlumber switching the default sink to {name}")
                check(True, f"WirePlumber makes {name} the default sink")
            pw.kill("pipewire")
            e = d.wait(lambda e: e["event"] == "disconnected", "disconnected")
            check(e["result"] == 0, "disconnected, and the monitor destroyed inside the listener")
        finally:
            code = d.finish()
        check(code == 0 and d.sanitizer_clean(),
              f"audiomon exits cleanly with no sanitizer report (exit {code}; "
              f"{d.stderr_text()[-1500:]!r})")


def main():
    for tool in ("pipewire", "pw-cli", "pw-metadata", "wireplumber", "dbus-daemon"):
        if shutil.which(tool) is None:
            print(f"FAIL {tool} is not installed (tools/deps.sh test installs it)")
            return 1
    return check.run_all([test_bad_sockets, test_nodes_and_defaults, test_odd_properties,
                          test_wireplumber_follows])


if __name__ == "__main__":
    sys.exit(main())
