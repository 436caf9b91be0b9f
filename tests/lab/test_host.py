"""A real Debian PC: the package installed in a guest that boots systemd (getty on tty1, logind,
udev), enabled, rebooted. Every monitor offers a desk, and no key typed on any keyboard — free
(the F<n> watch) or at a desk's session — reaches a VT, a getty or the kernel's keyboard handler:
text, Ctrl+Alt+F2, Alt+SysRq and Ctrl+Alt+Del change no console, switch no VT, reboot nothing;
with sysrq = true, Alt+SysRq does what kernel.sysrq allows, from free and desk keyboards.
Two boots with the display drivers loaded in opposite orders give every desk the same monitor.
Stopping the service gives the console back, and the monitors the console cannot show on say
that the desks are off."""

import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
import seats  # noqa: E402
import system  # noqa: E402

check = lab.Checks()
KEYBOARDS = ("kbd1", "kbd2")
VCS = "/dev/vcs1 /dev/vcs2 /dev/vcs3 /dev/vcs4 /dev/vcs5 /dev/vcs6"


def package():
    debs = sorted((lab.PROJECT / "dist").glob("multiseat_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        raise lab.LabError("no dist/multiseat_*.deb: build the package with tools/package first")
    return debs[-1]


def consoles(l):
    """A digest of every VT's screen text (ttys not allocated read as empty)."""
    out = l.sh(f"for v in {VCS}; do cat $v 2>/dev/null | md5sum; done")
    return hashlib.sha1(out.encode()).hexdigest()


def active_vt(l):
    return l.sh("cat /sys/class/tty/tty0/active").strip()


def sysrq_lines(l):
    return l.sh("dmesg | grep -c 'sysrq:' || true").strip()


def drawn(l, gpu, head, name, timeout=60):
    """The monitor's screenshot once something is drawn on it: a compositor's first frame
    can come seconds after it runs under software emulation."""
    deadline = time.monotonic() + timeout
    while True:
        shot = l.screenshot(gpu, head, name)
        if shot.distinct_colours() > 2 or time.monotonic() > deadline:
            return shot
        time.sleep(1)


def attack(l, kbd, text):
    """Everything a student could type to reach the host from `kbd`."""
    l.type_text(kbd, text + "\n")
    l.press(kbd, "ctrl", "alt", "f2")
    l.press(kbd, "alt", "sysrq", "h")
    l.press(kbd, "ctrl", "alt", "delete")


def host_untouched(l, what, before_vcs, boot_id):
    l.sh("sleep 3")  # a reboot or a VT switch the keys started would have begun by now
    check(l.boot_id() == boot_id, f"{what}: the host did not reboot (same boot id)")
    check(active_vt(l) == "tty1", f"{what}: no VT switch (tty0 active is still tty1)")
    check(consoles(l) == before_vcs, f"{what}: no console's text changed (/dev/vcs1..6)")
    check(sysrq_lines(l) == "0", f"{what}: SysRq did not reach the kernel")
    jobs = l.sh("systemctl list-jobs --no-legend | grep -E 'reboot|ctrl-alt-del|autovt|getty' || true")
    check(jobs.strip() == "", f"{what}: systemd has no reboot or getty job queued ({jobs.strip()})")


# The colours of the notice the monitors without the text console show once the desks are off.
NOTICE_BG, NOTICE_FG = (0x1c, 0x26, 0x33), (0xee, 0xee, 0xee)


def set_gpu_order(l, order):
    """The display drivers' load order for the next boot (read by the lab's initramfs)."""
    l.sh(f"echo '{order}' > /.disk/lab-gpu-order")


# The driver a card's device is bound to, by the module the lab loads for it: a virtio GPU's
# card sits on the virtio PCI function.
CARD_DRIVERS = {"virtio-pci": "virtio_gpu", "bochs-drm": "bochs"}


def cards(l):
    """Each card's display driver by its sysname this boot, and the order the lab last loaded
    the drivers in."""
    found = l.sh("for c in /sys/class/drm/card[0-9]; do "
                 "echo ${c##*/} $(basename $(readlink $c/device/driver)); done").split()
    found = [CARD_DRIVERS.get(x, x) for x in found]
    loaded = [ln for ln in l.console_log.read_text(errors="replace").splitlines()
              if "display drivers loaded in this order:" in ln]
    order = loaded[-1].split("order: ", 1)[1].strip() if loaded else ""
    return dict(zip(found[::2], found[1::2])), order


def monitors(l):
    """Each desk's outputs (the names multiseat.conf and state.json use) and the kernel's
    connector names for them this boot."""
    desks = seats.seats_by_name(seats.status(l))
    return ({n: x.get("outputs") for n, x in desks.items()},
            {n: [m.get("connector") for m in x.get("monitors", [])] for n, x in desks.items()})


def main():
    deb = package()
    with system.SystemLab(name="test-host") as l:
        # ---- before: the measurements see what a key on the bare console does
        check(l.sh("systemctl is-active getty@tty1.service").strip() == "active",
              "a stock boot: getty on tty1")
        before = consoles(l)
        l.type_text("kbd1", "probe")
        check(l.wait_guest("grep -q probe /dev/vcs1", timeout=10),
              "without multiseatd, text typed on kbd1 reaches tty1's getty (/dev/vcs1)")
        l.press("kbd1", "ctrl", "alt", "f2")
        check(l.wait_guest("grep -q tty2 /sys/class/tty/tty0/active", timeout=10),
              "without multiseatd, Ctrl+Alt+F2 switches the host to tty2")
        l.sh("chvt 1 && dmesg -C")
        l.press("kbd2", "alt", "sysrq", "h")
        check(l.wait_guest("dmesg | grep -q 'sysrq:'", timeout=10),
              "without multiseatd, Alt+SysRq reaches the kernel")
        l.sh("dmesg -C")
        del before

        # ---- install and enable as an admin would, then reboot
        out = l.sh(f"dpkg -i /lab/project/dist/{deb.name} 2>&1", timeout=180)
        check("Setting up multiseat" in out, f"the package installs ({deb.name})")
        check(l.run("getent group multiseat")[0] == 0, "the package made the multiseat group")
        # Another display manager holds the alias (as gdm3 would): enabling says so, and
        # changes nothing.
        l.sh("printf '[Service]\\nExecStart=/bin/true\\n[Install]\\nAlias=display-manager.service\\n' "
             "> /etc/systemd/system/otherdm.service && systemctl enable otherdm 2>&1")
        rc, out = l.run("systemctl enable multiseatd 2>&1")
        check(rc != 0 and "display-manager.service" in out and "otherdm.service" in out,
              f"with another display manager enabled, enabling multiseatd fails and names it "
              f"({out.strip()[-160:]!r})")
        l.sh("systemctl disable otherdm 2>&1")
        out = l.sh("systemctl enable multiseatd 2>&1")
        check(l.sh("readlink /etc/systemd/system/display-manager.service || true").strip()
              .endswith("multiseatd.service"), "enabled, multiseatd is the display manager")
        set_gpu_order(l, "virtio_gpu bochs")
        l.reboot()
        l.sh("dmesg -C")
        boot_id = l.boot_id()
        drivers, order = cards(l)
        check(order == "virtio_gpu bochs" and drivers == {"card0": "virtio_gpu", "card1": "bochs"},
              f"boot 2: virtio_gpu loaded first, card0 ({order}: {drivers})")
        check(l.sh("systemctl is-active multiseatd.service || true").strip() == "active",
              "after the reboot multiseatd is active")
        check(l.sh("systemctl is-active getty@tty1.service || true").strip() != "active",
              "it took tty1's place: no getty there")
        st = seats.wait_status(l, lambda s: len(s) == 3 and all(
            x.get("state") in ("running", "waiting") for x in s.values()), timeout=120)
        check(st is not None, "three desks, one per monitor, with no config edited")
        outputs_2, kernel_2 = monitors(l)
        shots = [drawn(l, g, h, f"identify-{g}-{h}") for g, h in
                 (("gpu0", 0), ("gpu0", 1), ("gpu1", 0))]
        check(all(s.distinct_colours() > 2 for s in shots),
              "every monitor shows its desk's screen")

        warnings = l.sh("journalctl -b -u multiseatd -p warning -q --no-pager || true").strip()
        check(warnings == "", "a clean boot to the desks: no warning or error in the journal of "
              f"multiseatd and its seats' services ({warnings[-600:]!r})")
        tagged = l.sh("journalctl -b -u multiseatd -o cat --output-fields=SYSLOG_IDENTIFIER "
                      "-q --no-pager | sort -u").split()
        check(all(f"seat-{n}/multiseat-compositor" in tagged for n in (1, 2, 3)),
              f"each seat's compositor logs under its seat and name ({tagged[:12]})")
        # A quiet PipeWire says nothing; that it would say it through its own stream shows in
        # its stderr: a socket (journald's), not the daemon's pipe.
        streams = l.sh("for p in $(pgrep -x pipewire); do readlink /proc/$p/fd/2; done").split()
        check(streams and all(x.startswith("socket:") for x in streams),
              f"each seat's PipeWire writes to a journal stream of its own ({streams})")

        # ---- free keyboards: read by the daemon's F<n> watch
        vcs = consoles(l)
        for kbd in KEYBOARDS:
            attack(l, kbd, f"free{kbd}")
        host_untouched(l, "free keyboards", vcs, boot_id)
        st = seats.status(l)
        check(st is not None and not any(x.get("claimed") for x in seats.seats_by_name(st).values()),
              "Ctrl+Alt+F2 on a free keyboard claims no desk (an F key with a modifier is not a claim)")

        # ---- a desk whose account is gone says why on its own monitor; the others run on
        pids = {n: x.get("pid") for n, x in seats.seats_by_name(seats.status(l)).items()}
        l.sh("userdel -f _desk3 && multiseatctl restart seat-3")
        st = seats.wait_status(l, lambda s: s["seat-3"]["state"] == "no-user" and
                               s["seat-3"].get("pid"), timeout=60)
        check(st is not None, "seat-3 without its account: no-user, a compositor shows why")
        check(l.wait_guest("journalctl -b -u multiseatd | grep -q "
                           "\"identify screen: seat-3 cannot start:\"", timeout=30),
              "seat-3's monitor says it cannot start and why")
        # The log line comes when the text is laid out; the frame may come seconds later.
        deadline = time.monotonic() + 30
        while True:
            notice = l.screenshot("gpu1", 0, "notice-seat-3")
            if notice.differing_pixels(shots[2]) > 1000 or time.monotonic() > deadline:
                break
            time.sleep(1)
        check(notice.distinct_colours() > 2 and notice.differing_pixels(shots[2]) > 1000,
              "seat-3's monitor shows the notice, not its old screen")
        now = seats.seats_by_name(seats.status(l))
        check(all(now[n].get("pid") == pids[n] for n in ("seat-1", "seat-2")),
              "seat-1 and seat-2 run on untouched")
        l.sh("systemd-sysusers && systemctl reload multiseatd")
        st = seats.wait_status(l, lambda s: s["seat-3"]["state"] == "running", timeout=60)
        check(st is not None, "the account back and a reload: seat-3 starts again")

        # ---- a config with errors: the daemon runs on, every monitor says what is wrong
        good_lines = int(l.sh("wc -l < /etc/multiseat/multiseat.conf").strip())
        l.sh("cp /etc/multiseat/multiseat.conf /tmp/multiseat.conf.good && "
             "printf '[daemon]\\nbogus = 1\\n[seat-defaults]\\nmode = kiosk\\n' >> "
             "/etc/multiseat/multiseat.conf")
        since = l.sh("date +%s").strip()
        l.sh("systemctl restart multiseatd", timeout=120)
        st = seats.wait_status(l, lambda s: len(s) == 3 and all(
            x["state"] == "no-user" and x.get("pid") for x in s.values()), timeout=90)
        check(st is not None and l.sh("systemctl is-active multiseatd || true").strip() == "active",
              "a config with an error: multiseatd runs on, every desk shows why it cannot start")
        check(l.wait_guest(f"[ $(journalctl -u multiseatd --since @{since} | grep -c "
                           "'identify screen: seat-[123] cannot start:') -ge 3 ]", timeout=30) and
              "multiseat.conf:" in l.sh(f"journalctl -u multiseatd --since @{since} | "
                                        "grep 'identify screen: seat-1 cannot' | tail -1"),
              "every monitor shows the config's error, file and line")
        shown = l.sh(f"journalctl -u multiseatd --since @{since} -o cat | "
                     "grep 'identify screen: seat-1 cannot' | tail -1")
        check("multiseat.conf has 2 errors" in shown and
              f"multiseat.conf:{good_lines + 1}: [daemon] appears twice" in shown and
              f"multiseat.conf:{good_lines + 3}: [seat-defaults] appears twice" in shown,
              f"the notice counts the errors and lists both, with their lines ({shown[-500:]!r})")
        check(l.sh("systemctl is-active getty@tty1 || true").strip() != "active",
              "the restart gave tty1 no getty (the ExecStopPost start fails against the restart)")
        l.sh("cp /tmp/multiseat.conf.good /etc/multiseat/multiseat.conf && "
             "systemctl reload multiseatd")
        st = seats.wait_status(l, lambda s: len(s) == 3 and all(
            x["state"] == "running" for x in s.values()), timeout=90)
        check(st is not None, "the config fixed and reloaded: every desk runs again")

        # ---- a claimed desk: its session gets the keys, nothing else does
        l.press("kbd1", "f1")
        st = seats.wait_status(l, lambda s: s["seat-1"]["claimed"] and
                               s["seat-1"]["state"] == "running", timeout=60)
        check(st is not None, "F1 on kbd1 claims seat-1 and its session runs")
        l.sh("sleep 5")
        vcs = consoles(l)
        attack(l, "kbd1", "echo typed-at-desk")
        host_untouched(l, "a claimed desk (its greeter)", vcs, boot_id)
        check(l.run("systemctl is-active multiseatd.service")[0] == 0,
              "multiseatd still runs after the keys")

        # ---- sysrq = true: Alt+SysRq from held keyboards does what kernel.sysrq allows
        l.sh("sysctl -qw kernel.sysrq=438 && "
             "sed -i 's/^\\[daemon\\]$/[daemon]\\nsysrq = true/' /etc/multiseat/multiseat.conf")
        since = l.sh("date +%s").strip()
        pids = {n: x.get("pid") for n, x in seats.seats_by_name(seats.status(l)).items()}
        l.sh("systemctl reload multiseatd")
        check(l.wait_guest(f"journalctl -u multiseatd --since @{since} -o cat | grep -q "
                           "'seat link: Alt+SysRq+<key> is the daemon'", timeout=30),
              "sysrq = true and a reload: seat-1's compositor is told at once")
        now = seats.seats_by_name(seats.status(l))
        check({n: x.get("pid") for n, x in now.items()} == pids and now["seat-1"]["claimed"],
              f"the reload restarts no desk ({pids})")
        l.sh("sleep 1; dmesg -C")
        journal = f"journalctl -u multiseatd --since @{since} -o cat"
        l.press("kbd2", "alt", "sysrq", "h")  # a free keyboard: the daemon's watch
        check(l.wait_guest("dmesg | grep -q 'sysrq: HELP'", timeout=15) and
              "Alt+SysRq+h: done" in l.sh(journal),
              "sysrq = true: Alt+SysRq+h on a free keyboard prints the kernel's SysRq help")
        l.press("kbd1", "alt", "sysrq", "s")  # seat-1's greeter: its compositor
        check(l.wait_guest("dmesg | grep -q 'sysrq: Emergency Sync'", timeout=15) and
              "seat-1: Alt+SysRq+s: done" in l.sh(journal),
              "sysrq = true: Alt+SysRq+s at seat-1 (its compositor reads it) syncs")
        l.press("kbd1", "alt", "sysrq", "t")
        check(l.wait_guest(f"{journal} | grep -q 'seat-1: Alt+SysRq+t: not allowed from a "
                           "keyboard by kernel.sysrq = 438'", timeout=15) and
              "Show State" not in l.sh("dmesg"),
              "sysrq = true: Alt+SysRq+t (a dump, which kernel.sysrq = 438 leaves out) does not run")
        check(l.run("systemctl is-active multiseatd.service")[0] == 0,
              "multiseatd still runs after the SysRq keys")
        l.sh("sed -i '/^sysrq = true$/d' /etc/multiseat/multiseat.conf")
        # A cursor, not a second: the lines of the keys above may share the second.
        cursor = l.sh("journalctl -u multiseatd -n 1 -q --show-cursor | "
                      "sed -n 's/^-- cursor: //p'").strip()
        after = f"journalctl -u multiseatd --after-cursor='{cursor}' -o cat"
        l.sh("systemctl reload multiseatd")
        check(l.wait_guest(f"{after} | grep -q "
                           "'seat link: Alt+SysRq+<key> reaches clients'", timeout=30),
              "sysrq back to false and a reload: seat-1's compositor is told at once")
        l.sh("dmesg -C")
        l.press("kbd1", "alt", "sysrq", "s")
        l.press("kbd2", "alt", "sysrq", "h")
        l.sh("sleep 3")
        j = [ln for ln in l.sh(after).splitlines()
             if "Alt+SysRq+s" in ln or "Alt+SysRq+h" in ln]
        found = l.sh("dmesg | grep 'sysrq:' || true").strip()
        check(not found and not j,
              "sysrq = false again: Alt+SysRq at seat-1 and on a free keyboard does nothing "
              f"({found!r}, {j})")

        # ---- the drivers probe the other way round: every desk keeps its monitor
        set_gpu_order(l, "bochs virtio_gpu")
        l.reboot()
        drivers, order = cards(l)
        check(order == "bochs virtio_gpu" and drivers == {"card0": "bochs", "card1": "virtio_gpu"},
              f"boot 3: bochs loaded first, card0 ({order}: {drivers})")
        st = seats.wait_status(l, lambda s: len(s) == 3 and all(
            x["state"] == "running" for x in s.values()) and s["seat-1"]["claimed"], timeout=120)
        outputs_3, kernel_3 = monitors(l)
        check(st is not None and outputs_3 == outputs_2,
              f"boot 3: every desk has the same monitor as in boot 2 ({outputs_2} -> {outputs_3})")
        check(all(kernel_3[n] != kernel_2.get(n) for n in kernel_3),
              f"boot 3: while every kernel connector name changed ({kernel_2} -> {kernel_3})")
        check(st is not None, "boot 3: seat-1 is still claimed (its claim saved on the disk)")
        boot_id = l.boot_id()
        l.sh("dmesg -C")
        vcs = consoles(l)
        attack(l, "kbd1", "echo boot-3")
        host_untouched(l, "boot 3: a claimed desk", vcs, boot_id)

        # ---- a config naming a monitor this PC does not have: the free monitors say so
        lines = int(l.sh("wc -l < /etc/multiseat/multiseat.conf").strip())
        l.sh("printf '[seat.lab]\\noutputs = pci-0000:00:07.0-HDMI-A-1\\n' >> "
             "/etc/multiseat/multiseat.conf")
        since = l.sh("date +%s").strip()
        l.sh("systemctl reload multiseatd")
        st = seats.seats_by_name(seats.wait_status(
            l, lambda s: s.get("lab", {}).get("state") == "waiting" and
            sum(x["state"] == "running" for x in s.values()) == 3, timeout=90))
        check(bool(st), "a config naming a monitor that does not exist: its seat waits, every "
              f"monitor still has a running desk ({ {n: x['state'] for n, x in st.items()} })")
        check(sorted(st) == ["lab", "seat-1", "seat-2", "seat-3"] and st["seat-1"].get("claimed")
              and st["lab"].get("number") == 4,
              "the seat added to the file renames no desk: seat-1 keeps its name and kbd1's "
              f"claim, lab is number 4 ({ {n: (x.get('number'), x.get('claimed')) for n, x in st.items()} })")
        note = (f"multiseat.conf:{lines + 2}: output pci-0000:00:07.0-HDMI-A-1 is on no card of "
                "this PC (its cards: pci-0000:00:09.0, pci-0000:00:0a.0); seat lab waits for it")
        free = [n for n, x in st.items() if x.get("pid") and not x.get("claimed")]
        shown = l.sh(f"journalctl -u multiseatd --since @{since} -o cat | "
                     "grep 'identify screen: Press F' || true")
        check(free and all(any(f"/ {n} /  / " in ln and note in ln for ln in shown.splitlines())
                           for n in free),
              f"every free monitor's identify screen names the file, line and this PC's cards "
              f"({free}: {shown.strip()[-400:]!r})")

        # ---- a reload the config's errors refuse: the free monitors say so, the desks run on
        pids = {n: x.get("pid") for n, x in st.items()}
        l.sh("cp /etc/multiseat/multiseat.conf /tmp/multiseat.conf.lab && "
             "printf '[daemon]\\n' >> /etc/multiseat/multiseat.conf")
        since = l.sh("date +%s").strip()
        l.sh("systemctl reload multiseatd")
        refused = (f"multiseat.conf was not re-read; the desks run on as before: / "
                   f"/etc/multiseat/multiseat.conf:{lines + 3}: [daemon] appears twice")
        check(l.wait_guest(f"journalctl -u multiseatd --since @{since} -o cat | "
                           f"grep 'identify screen: Press F' | grep -qF '{refused}'", timeout=30),
              "a refused reload: the free monitors say the file was not re-read, and why")
        now = seats.seats_by_name(seats.status(l))
        check({n: x.get("pid") for n, x in now.items()} == pids,
              f"the refused reload stops and starts no desk ({pids})")
        l.sh("cp /tmp/multiseat.conf.lab /etc/multiseat/multiseat.conf")
        since = l.sh("date +%s").strip()
        l.sh("systemctl reload multiseatd")
        check(l.wait_guest(f"journalctl -u multiseatd --since @{since} -o cat | "
                           "grep 'identify screen: Press F' | grep -v 'not re-read' | "
                           f"grep -qF 'multiseat.conf:{lines + 2}: output'", timeout=30),
              "fixed and reloaded: the free monitors show the assignment's note again")

        # ---- stop: the console comes back
        since = l.sh("date +%s").strip()
        l.sh("systemctl stop multiseatd.service", timeout=120)
        stop_log = l.sh(f"journalctl -u multiseatd --since @{since} -p warning -q --no-pager "
                        "|| true").strip()
        check(stop_log == "", f"the stop logs no warning or error ({stop_log[-600:]!r})")
        killed = l.sh(f"journalctl -u multiseatd --since @{since} -q --no-pager | "
                      "grep -i 'killing process' || true").strip()
        check(killed == "", f"the stop leaves nothing for systemd to kill ({killed[-300:]!r})")
        check(l.wait_guest("systemctl is-active -q getty@tty1.service", timeout=30),
              "stopped, tty1 has its getty again")
        l.type_text("kbd1", "back")
        check(l.wait_guest("grep -q back /dev/vcs1", timeout=15),
              "stopped, text typed on kbd1 reaches tty1 again")
        check(l.screenshot("gpu0", 0, "stopped").differing_pixels(shots[0]) > 0,
              "stopped, the first monitor no longer shows the desk")
        # Boot 3 loaded bochs first: its framebuffer is fb0, where the kernel shows tty1. The
        # console shows on one framebuffer only: the virtio card's two monitors get the notice.
        console = l.screenshot("gpu1", 0, "stopped-console")
        check(console.share(NOTICE_BG) == 0 and console.distinct_colours() > 1,
              "stopped, the bochs monitor shows the text console "
              f"({console.distinct_colours()} colours)")
        notices = [l.screenshot("gpu0", h, f"stopped-notice-{h}") for h in (0, 1)]
        shares = [(round(n.share(NOTICE_BG), 3), round(n.share(NOTICE_FG), 4)) for n in notices]
        check(all(bg > 0.5 and fg > 0.001 for bg, fg in shares),
              "stopped, both virtio monitors say that the desks are off and how to start them "
              f"(background and text shares {shares})")

        # ---- Alt+SysRq held while a grab comes: the kernel's SysRq filter saw it go down and
        # not come up. The control: a grab that ends without setting the filter straight
        # leaves the next letter a SysRq command (h: help; b would reboot).
        l.sh("dmesg -C")
        grabber = ("import fcntl, glob, os, time\n"
                   "fds = [os.open(p, os.O_RDONLY) for p in glob.glob('/dev/input/event*')]\n"
                   "for fd in fds:\n"
                   "    fcntl.ioctl(fd, 0x40044590, 1)  # EVIOCGRAB\n"
                   "open('/run/lab-grabbed', 'w').close()\n"
                   "time.sleep(4)\n"
                   "os.unlink('/run/lab-grabbed')\n")
        l.sh(f"cat > /run/lab-grab.py <<'PY'\n{grabber}PY")
        l.send_events("kbd1", [lab._key_event(q, True) for q in ("alt", "sysrq")])
        l.sh("(python3 /run/lab-grab.py >/dev/null 2>&1 &)")
        l.wait_guest("test -e /run/lab-grabbed", timeout=15)
        l.send_events("kbd1", [lab._key_event(q, False) for q in ("sysrq", "alt")])
        l.wait_guest("! test -e /run/lab-grabbed", timeout=15)
        time.sleep(1)  # its exit, which ends the grabs, comes just after
        # The first key after the grab may go astray (seen under QEMU's USB keyboard): two.
        for _ in range(2):
            l.press("kbd1", "h")
            time.sleep(1)
        check(l.wait_guest("dmesg | grep -q 'sysrq: HELP'", timeout=10),
              "control: Alt+SysRq released under another program's grab, then h, is SysRq help")
        l.press("kbd1", "alt")  # what sets the filter straight
        l.sh("dmesg -C")
        # The same under multiseatd: held while it starts, released at a desk, then a stop.
        l.send_events("kbd1", [lab._key_event(q, True) for q in ("alt", "sysrq")])
        l.sh("systemctl start multiseatd.service", timeout=120)
        st = seats.wait_status(l, lambda s: sum(x["state"] == "running" for x in s.values()) == 3,
                               timeout=90)
        l.send_events("kbd1", [lab._key_event(q, False) for q in ("sysrq", "alt")])
        l.sh("systemctl stop multiseatd.service", timeout=120)
        check(st is not None and l.wait_guest("systemctl is-active -q getty@tty1.service",
                                               timeout=30),
              "Alt+SysRq held while multiseatd starts: the desks run, and the stop gives tty1 back")
        for _ in range(2):
            l.press("kbd1", "h")
            time.sleep(1)
        time.sleep(2)
        check(sysrq_lines(l) == "0",
              "after the stop, h typed on kbd1 is no SysRq command (multiseatd set the kernel's "
              "SysRq filter straight)")
        check.report_on_failure(l)
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
