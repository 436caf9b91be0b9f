"""multiseat-compositor --headless with real Wayland clients: weston-simple-shm,
foot typed into with wtype, weston-terminal, gtk demos, wayland-info, grim;
the clipboard between two foot windows; kiosk, identify, restart backoff,
exit status, and clients that misbehave."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wayland_helpers import (BENCH_CLIENT, COMPOSITOR, SANITIZER_MARKERS, Checks,  # noqa: E402
                             Compositor, RawClient)

check = Checks("headless compositor")
SIZE = "1280x720"
BACKGROUND = (0x30, 0x30, 0x30)

PROTOCOLS = [
    "wl_compositor", "wl_subcompositor", "wl_shm", "wl_output", "zxdg_output_manager_v1",
    "wl_seat", "wl_data_device_manager", "xdg_wm_base", "zxdg_decoration_manager_v1",
    "wp_viewporter", "wp_presentation", "zwlr_screencopy_manager_v1",
]
VIRTUAL = ["zwp_virtual_keyboard_manager_v1", "zwlr_virtual_pointer_manager_v1"]


def not_blank(shot):
    return shot.width == 1280 and shot.height == 720 and shot.distinct_colours() > 8


def sanitizers(c, what):
    check(c.sanitizer_clean(), f"{what}: no sanitizer reports in the compositor's log")


def test_wayland_info():
    with Compositor("--headless", SIZE, "--virtual-input", name="info") as c:
        r = c.run("wayland-info")
        out = r.stdout
        missing = [p for p in PROTOCOLS + VIRTUAL if f"'{p}'" not in out]
        check(r.returncode == 0 and not missing,
              f"wayland-info lists every protocol (missing: {missing})")
        check("'AR24'" in out and "'XR24'" in out, "wl_shm offers ARGB8888 and XRGB8888")
        check("1280" in out and "720" in out, "wl_output reports 1280x720")
    with Compositor("--headless", SIZE, "--headless", "800x600@30", name="info2") as c:
        out = c.run("wayland-info").stdout
        check(not any(f"'{p}'" in out for p in VIRTUAL),
              "without --virtual-input the virtual keyboard and pointer are not offered")
        check(out.count("'wl_output'") == 2 and "800" in out,
              "two --headless modes give two outputs")
        shot, second = c.screenshot("one"), c.screenshot("two", output="HEADLESS-2")
        check((shot.width, shot.height, second.width, second.height) == (1280, 720, 800, 600),
              "grim captures each output at its own size")


def test_simple_shm():
    with Compositor("--headless", SIZE, session=["weston-simple-shm"], name="shm") as c:
        first = c.wait_for(lambda: (s := c.screenshot("a")) and not_blank(s) and s)
        check(bool(first), "weston-simple-shm draws (screenshot 1280x720, not blank)")
        time.sleep(0.5)
        second = c.screenshot("b")
        check(first and second.differing_pixels(first) > 1000,
              "frames keep coming: two screenshots 0.5 s apart differ")
        check(c.alive(), "the compositor runs on")
        sanitizers(c, "weston-simple-shm")


def test_foot_wtype():
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ms-hello-{os.getpid()}.txt")
    if os.path.exists(out):
        os.unlink(out)
    with Compositor("--headless", SIZE, "--virtual-input", session=["foot"], name="foot") as c:
        before = c.wait_for(lambda: (s := c.screenshot("before")) and not_blank(s) and s)
        check(bool(before), "foot draws its window")
        time.sleep(0.5)
        before = c.screenshot("before")
        check(c.type(f"echo hello > {out}") and c.keys("-k", "Return"), "wtype types into foot")
        ok = c.wait_for(lambda: os.path.exists(out) and open(out).read() == "hello\n")
        check(ok, "the typed command ran: the file holds 'hello'")
        after = c.screenshot("after")
        check(after.differing_pixels(before) > 200, "the typed text shows on screen")
        sanitizers(c, "foot")
    if os.path.exists(out):
        os.unlink(out)


def test_weston_terminal():
    with Compositor("--headless", SIZE, session=["weston-terminal"], name="wterm") as c:
        shot = c.wait_for(lambda: (s := c.screenshot()) and not_blank(s) and s)
        check(bool(shot), "weston-terminal draws its window")
        sanitizers(c, "weston-terminal")


def test_gtk():
    demos = [("gtk3-demo", {"GDK_BACKEND": "wayland"}),
             ("gtk4-demo", {"GDK_BACKEND": "wayland", "GSK_RENDERER": "cairo"})]
    for demo, env in demos:
        if not shutil.which(demo):
            check(False, f"{demo} is installed")
            continue
        with Compositor("--headless", SIZE, name=demo) as c:
            c.client(demo, env=dict(env, NO_AT_BRIDGE="1"))
            shot = c.wait_for(lambda: (s := c.screenshot()) and s.distinct_colours() > 20 and s,
                              timeout=40)
            check(bool(shot), f"{demo} starts and draws")
            check(c.alive(), f"the compositor survives {demo}")
            sanitizers(c, demo)


def test_clipboard():
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ms-paste-{os.getpid()}.txt")
    if os.path.exists(out):
        os.unlink(out)
    with Compositor("--headless", SIZE, "--virtual-input", name="clip") as c:
        blank = c.screenshot("blank")
        c.client("foot", "--title", "A")
        c.wait_for(lambda: c.screenshot("a").differing_pixels(blank) > 1000)
        time.sleep(0.5)
        c.client("foot", "--title", "B")
        time.sleep(1.5)  # B maps on top and takes the focus
        # Alt+Tab brings A back; A puts text on the clipboard with OSC 52.
        c.keys("-M", "alt", "-k", "Tab", "-m", "alt")
        time.sleep(0.3)
        c.type("printf '\\033]52;c;%s\\a' $(printf clip-from-A | base64)")
        c.keys("-k", "Return")
        time.sleep(0.5)
        # Alt+Tab to B, which pastes into a file with Ctrl+Shift+V.
        c.keys("-M", "alt", "-k", "Tab", "-m", "alt")
        time.sleep(0.3)
        c.type(f"cat > {out}")
        c.keys("-k", "Return")
        time.sleep(0.3)
        c.keys("-M", "ctrl", "-M", "shift", "-k", "v", "-m", "shift", "-m", "ctrl")
        time.sleep(0.3)
        c.keys("-k", "Return")
        c.keys("-M", "ctrl", "-k", "d", "-m", "ctrl")
        ok = c.wait_for(lambda: os.path.exists(out) and "clip-from-A" in open(out).read())
        check(ok, "text copied in foot A is pasted in foot B (desktop mode, Alt+Tab between them)")
        sanitizers(c, "clipboard")
    if os.path.exists(out):
        os.unlink(out)


def test_kiosk():
    with Compositor("--headless", SIZE, "--kiosk", session=["foot"], name="kiosk") as c:
        shot = c.wait_for(lambda: (s := c.screenshot()) and not_blank(s) and s)
        corners = [shot.pixel(0, 0), shot.pixel(1279, 0), shot.pixel(0, 719), shot.pixel(1279, 719)]
        check(shot and all(p != BACKGROUND for p in corners) and shot.count_colour(BACKGROUND) == 0,
              f"kiosk: foot fills the whole output, no background left (corners {corners})")
        sanitizers(c, "kiosk")


def test_direct_scanout():
    """A fullscreen opaque client's buffer is the frame itself (no composition); the output
    composes again, all of it, as soon as something else shows."""
    blue = (0x20, 0x50, 0x80)  # multiseat-bench-client --idle fills its window with this
    with Compositor("--headless", SIZE, "--kiosk", name="scanout") as c:
        c.client(BENCH_CLIENT, "--idle", "--fullscreen")
        whole = 1280 * 720
        shot = c.wait_for(lambda: (s := c.screenshot("a")).count_colour(blue) == whole and s)
        check(bool(shot), "scanout: grim reads the fullscreen client's own buffer, every pixel")
        shm = c.client("weston-simple-shm")
        mixed = c.wait_for(lambda: (s := c.screenshot("b")) and
                           whole - 250 * 250 <= s.count_colour(blue) < whole and s)
        check(bool(mixed), "scanout: a smaller window on top is composed over the client, and "
                           "the rest of the output is repainted from it, not left stale")
        shm.terminate()
        shm.wait(10)
        back = c.wait_for(lambda: (s := c.screenshot("c")).count_colour(blue) == whole and s)
        check(bool(back), "scanout: when the window goes, the client's buffer is shown again")
        # A client that redraws every frame from four buffers gets each back (wl_buffer.release)
        # once the output shows another: it never runs out and its frames keep coming.
        r = c.run(BENCH_CLIENT, "--full", "--fullscreen", "--frames", "120", timeout=60)
        check(r.returncode == 0, f"scanout: 120 full-screen frames from 4 buffers (status "
                                 f"{r.returncode}, {r.stderr.strip()[-300:]})")
        check(c.alive(), "scanout: the compositor is still running")
        sanitizers(c, "direct scanout")


def test_identify():
    with Compositor("--headless", SIZE, "--identify", "Press F3 to use this screen",
                    session=["foot"], name="ident") as c:
        a = c.wait_for(lambda: (s := c.screenshot("a")) and s.distinct_colours() > 4 and s)
        check(bool(a), "identify: text is drawn on the output")
    with Compositor("--headless", SIZE, "--identify", "Press F1 to use this screen",
                    name="ident2") as c:
        b = c.screenshot("b")
        check(a and b.differing_pixels(a) > 100,
              "identify: a different number draws a different screen")
        # Centred: the text's bounding box is in the middle of the output.
        bg = b.pixel(0, 0)
        xs = [x for x in range(0, 1280, 4) if b.pixel(x, 360) != bg]
        check(xs and abs((min(xs) + max(xs)) / 2 - 640) < 40 and max(xs) - min(xs) > 500,
              f"identify: the text is large and centred (from x={min(xs) if xs else None} "
              f"to x={max(xs) if xs else None})")
        sanitizers(c, "identify")
    # A note for the admin, after an empty line: small print below, the big text as big as
    # "Press F1 ..." alone (b).
    note = ("/etc/multiseat/multiseat.conf:9: output pci-0000:00:09.0-HDMI-A-9 names no "
            "connector of card pci-0000:00:09.0 (it has Virtual-1, Virtual-2)")
    with Compositor("--headless", SIZE, "--identify",
                    f"Press F1 to use this screen\nseat-1\n\n{note}", name="ident3") as c:
        n = c.screenshot("note")
        plain, noted = ink_runs(b), ink_runs(n)
        print(f"identify: text rows without the note {plain}, with it {noted}")
        check(len(plain) == 1 and len(noted) == 3 and
              noted[0][1] - noted[0][0] == plain[0][1] - plain[0][0],
              "identify: a note after an empty line leaves the big lines as big "
              f"({plain} -> {noted})")
        small = noted[-1] if len(noted) == 3 else (0, 0)
        big = plain[0] if plain else (0, 1)
        check(small[1] - small[0] < (big[1] - big[0]) / 2,
              f"identify: the note is small print below them (rows {small} vs {big})")
        bg = n.pixel(0, 0)
        xs = [x for x in range(0, 1280, 2) for y in range(small[0], small[1], 2)
              if n.pixel(x, y) != bg]
        check(xs and min(xs) > 1280 * 0.04 and max(xs) - min(xs) > 1280 * 0.5,
              f"identify: the long note fits across the output ({min(xs) if xs else None} to "
              f"{max(xs) if xs else None})")
        sanitizers(c, "identify with a note")


def ink_runs(shot):
    """The runs of rows with any text in them, as (first, last + 1), top to bottom."""
    bg = shot.pixel(0, 0)
    rows = [any(shot.pixel(x, y) != bg for x in range(0, shot.width, 3))
            for y in range(shot.height)]
    runs, start = [], None
    for y, inked in enumerate(rows + [False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            # Lines of one block are a few rows apart at most; a gap of 4 rows or more parts.
            if runs and start - runs[-1][1] < 4:
                runs[-1] = (runs[-1][0], y)
            else:
                runs.append((start, y))
            start = None
    return runs


def test_no_clients():
    """--no-clients (a seat that cannot start says why): text only, and nothing a client, a
    session or a device could use: no Wayland socket at all."""
    bad = subprocess.run([COMPOSITOR, "--headless", SIZE, "--no-clients", "--", "foot"],
                         capture_output=True, text=True)
    check(bad.returncode == 2 and "--no-clients shows text only" in bad.stderr,
          f"--no-clients with a session is refused ({bad.stderr.strip()!r})")
    with tempfile.TemporaryDirectory() as runtime:
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
        env.pop("WAYLAND_DISPLAY", None)
        log = open(os.path.join(runtime, "log"), "w+")
        proc = subprocess.Popen([COMPOSITOR, "--headless", SIZE, "--no-clients", "--identify",
                                 "seat-3 cannot start"], env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 20
        text = ""
        while time.monotonic() < deadline and "showing text only" not in text:
            time.sleep(0.1)
            log.seek(0)
            text = log.read()
        check("showing text only" in text and proc.poll() is None,
              "--no-clients: the compositor runs and says it shows text only")
        check(not [f for f in os.listdir(runtime) if f.startswith("wayland-")],
              f"--no-clients: no Wayland socket in XDG_RUNTIME_DIR ({os.listdir(runtime)})")
        proc.terminate()
        code = proc.wait(timeout=20)
        log.seek(0)
        text = log.read()
        check(code == 0, f"--no-clients: SIGTERM ends it with 0 ({code})")
        check(not any(m in text for m in SANITIZER_MARKERS), "--no-clients: no sanitizer reports")


def keyboard_keymaps(c):
    """Binds wl_seat and gets a wl_keyboard: the keymap events' texts and the other events."""
    raw = RawClient(c)
    name, version = raw.globals()["wl_seat"]
    seat = raw.bind(name, "wl_seat", min(version, 7))
    keyboard = raw.new_id()
    raw.send(seat, 1, struct.pack("<I", keyboard))  # wl_seat.get_keyboard
    raw.send(1, 0, struct.pack("<I", raw.new_id()))  # wl_display.sync
    events = [(op, payload) for obj, op, payload in raw.events(timeout=3) if obj == keyboard]
    texts = []
    for (op, payload), fd in zip([e for e in events if e[0] == 0], raw.fds):
        fmt, size = struct.unpack("<II", payload[:8])
        texts.append((fmt, os.pread(fd, size, 0).rstrip(b"\0").decode(errors="replace")))
    raw.close()
    return texts, [op for op, _ in events]


def test_keymap():
    # The keymap is compiled after start-up: a client that binds wl_keyboard still gets it,
    # exactly once, with the layout asked for, and the repeat rate after it.
    with Compositor("--headless", SIZE, "--keyboard-layout", "de", session=["sleep", "30"],
                    name="km") as c:
        texts, ops = keyboard_keymaps(c)
        check(len(texts) == 1 and texts[0][0] == 1 and "xkb_keymap" in texts[0][1],
              f"wl_keyboard gets one xkb_v1 keymap ({len(texts)} keymaps, events {ops})")
        check(texts and 'name[Group1]="German"' in texts[0][1],
              "the keymap is the --keyboard-layout (de)")
        check(ops[:2] == [0, 5], f"keymap, then repeat_info (events {ops})")
        texts, ops = keyboard_keymaps(c)
        check(len(texts) == 1 and '"German"' in texts[0][1], "a second client gets the same keymap")
        sanitizers(c, "keymap")
    # Without --keyboard-layout: xkbcommon's default.
    with Compositor("--headless", SIZE, session=["sleep", "30"], name="km2") as c:
        texts, ops = keyboard_keymaps(c)
        check(len(texts) == 1 and '"English (US)"' in texts[0][1],
              "without a layout: xkbcommon's default (us)")
    # A layout xkeyboard-config does not know stops the compositor, as before.
    with Compositor("--headless", SIZE, "--keyboard-layout", "zz", session=["sleep", "30"],
                    name="km3", wait_socket=False) as c:
        try:
            c.proc.wait(timeout=15)
        except Exception:
            pass
        check(c.proc.returncode == 1 and "'zz' is not known" in c.log_text(),
              f"an unknown layout: exit status 1 and the reason (got {c.proc.returncode})")


def test_restart_and_exit():
    stamp = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ms-restart-{os.getpid()}.txt")
    if os.path.exists(stamp):
        os.unlink(stamp)
    script = f"date +%s.%N >> {stamp}; exit 3"
    with Compositor("--headless", SIZE, "--restart", session=["sh", "-c", script], name="rs") as c:
        c.wait_for(lambda: os.path.exists(stamp) and len(open(stamp).read().split()) >= 3,
                   timeout=15)
        times = [float(t) for t in open(stamp).read().split()] if os.path.exists(stamp) else []
        gaps = [b - a for a, b in zip(times, times[1:])]
        check(len(gaps) >= 2 and 0.8 < gaps[0] < 1.8 and 1.8 < gaps[1] < 3.0,
              f"--restart restarts the session after 1 s, then 2 s (gaps {[round(g, 2) for g in gaps]})")
        check(c.alive(), "--restart: the compositor keeps running while the session fails")
    if os.path.exists(stamp):
        os.unlink(stamp)
    with Compositor("--headless", SIZE, session=["sh", "-c", "sleep 0.5; exit 7"], name="ex") as c:
        try:
            c.proc.wait(timeout=15)
        except Exception:
            pass
        check(c.proc.returncode == 7, f"without --restart the compositor exits with the session's status (got {c.proc.returncode})")
        sanitizers(c, "exit status")


def test_misbehaving_clients():
    with Compositor("--headless", SIZE, session=["weston-simple-shm"], name="bad") as c:
        # Garbage on the socket: libwayland drops that client.
        raw = RawClient(c)
        raw.sock.sendall(b"\xff" * 64)
        events = list(raw.events(timeout=3))
        raw.close()
        check(c.alive(), "garbage bytes: the compositor survives")

        # A protocol error from our code: a positioner with size 0x0.
        raw = RawClient(c)
        globs = raw.globals()
        name, _ = globs["xdg_wm_base"]
        wm = raw.bind(name, "xdg_wm_base", 3)
        positioner = raw.new_id()
        raw.send(wm, 1, struct.pack("<I", positioner))
        raw.send(positioner, 1, struct.pack("<ii", 0, 0))
        raw.send(1, 0, struct.pack("<I", raw.new_id()))
        errors = [(obj, struct.unpack("<II", payload[:8])) for obj, op, payload in raw.events()
                  if obj == 1 and op == 0]
        raw.close()
        check(errors and errors[0][1] == (positioner, 0),
              f"xdg_positioner.set_size(0, 0) gets invalid_input and a disconnect ({errors})")

        # A client that never reads while asking for many replies must not block us.
        raw = RawClient(c)
        raw.sock.setblocking(False)
        sent = 0
        try:
            for i in range(200000):
                raw.sock.send(struct.pack("<III", 1, (12 << 16) | 0, raw.new_id()))
                sent += 1
        except (BlockingIOError, BrokenPipeError, ConnectionResetError):
            pass
        start = time.monotonic()
        r = c.run("wayland-info", timeout=20)
        check(r.returncode == 0 and time.monotonic() - start < 10,
              f"a client that does not read ({sent} requests) does not stall another client")
        raw.close()
        before = c.screenshot("x")
        time.sleep(0.3)
        check(c.screenshot("y").differing_pixels(before) > 0 and c.alive(),
              "after all that, frames still come")
        sanitizers(c, "misbehaving clients")


def main():
    return check.run_all([
        test_wayland_info, test_simple_shm, test_foot_wtype, test_weston_terminal, test_gtk,
        test_clipboard, test_kiosk, test_direct_scanout, test_identify, test_no_clients, test_keymap,
        test_restart_and_exit, test_misbehaving_clients])


if __name__ == "__main__":
    sys.exit(main())
