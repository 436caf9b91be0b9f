"""Output names survive the order display drivers probe in. The lab boots twice: virtio_gpu
first, then bochs first (the kernel word lab.gpu_order=reverse, read by guest-init). Card
numbers and the kernel's connector names differ between the two boots; `multiseatd --probe
--json` names every output the same and shows its monitor's EDID. A monitor claimed with F<n>
in the first boot, saved in state.json, is that seat's monitor in the second too: unplugging that
very monitor takes the seat away and plugging it back returns it, claimed. Last, a state.json
from before per-card names is migrated once by the second boot's kernel names (a log line per
entry), and a multiseat.conf entry by an old name is taken with a note giving the new one."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, DAEMON, SESSION, hubs_by_port, seats_by_name, start_daemon, status, wait_status,
    write_conf)

check = lab.Checks()

STATE = "/tmp/ms-state"
CONF = ("[daemon]\nstate-dir = " + STATE + "\n"
        "[seat-defaults]\nuser = lab-%n\nsession = " + SESSION + "\n")


def probe(l):
    return json.loads(l.sh(f"{DAEMON} --probe --json"))


def facts(found):
    """From --probe --json: each output (by its key) as the config names it, its kernel name,
    and each driver's card sysname and ID_PATH."""
    outputs, kernel, cards, places = {}, {}, {}, {}
    for card in found.get("cards", []):
        driver = "bochs" if card.get("driver", "").startswith("bochs") else card.get("driver")
        cards[driver] = card.get("name")
        places[driver] = card.get("id_path")
        for c in card.get("connectors", []):
            edid = c.get("edid") or {}
            outputs[c["output"]] = (c["name"], c["status"], c["width"], c["height"],
                                    edid.get("vendor"), edid.get("model"))
            kernel[c["output"]] = c["kernel_name"]
    return outputs, kernel, cards, places


def stop_daemon(l):
    l.run("kill -TERM $(cat /tmp/daemon.pid)")
    rc, _ = l.run("while kill -0 $(cat /tmp/daemon.pid) 2>/dev/null; do sleep 0.2; done",
                  timeout=60)
    return rc


def seat_on(seats, key):
    """The name of the seat whose one output is `key`, or None."""
    return next((n for n, s in seats.items() if s.get("outputs") == [key]), None)


def three_running(s):
    return len(s) == 3 and all(x["state"] == "running" for x in s.values())


def same_monitor(l, name, hub1, tag):
    """Unplugging the virtio card's second monitor (QEMU's gpu0 head 1) takes seat `name`
    away and only it; plugged back, the seat returns with hub 1's devices."""
    l.monitor("gpu0", 1, 0, 0)
    st = wait_status(l, lambda s: name not in s and len(s) == 2, timeout=60)
    check(st is not None, f"{tag}: gpu0's head 1 unplugged: {name} goes, the other two stay "
          f"({sorted(seats_by_name(status(l)))})")
    l.monitor("gpu0", 1, 1024, 768)
    st = wait_status(l, lambda s: s[name]["claimed"] and s[name]["state"] == "running",
                     timeout=90)
    devices = seats_by_name(st).get(name, {}).get("devices", []) if st else []
    check(st is not None and devices and all(d["key"].startswith(hub1 + ".") for d in devices),
          f"{tag}: plugged back, {name} returns with hub 1's devices "
          f"({[d['key'] for d in devices]})")


def replug_while_stopping(l, name, hub1, tag):
    """A monitor plugged back while its seat's compositor is still stopping gets that same seat
    again, once the compositor has exited: a second seat of the name would share the runtime
    directory and cgroup the first one's exit removes. SIGSTOP keeps the compositor from
    exiting before the monitor is back."""
    pid = seats_by_name(status(l)).get(name, {}).get("pid")
    before = l.sh(f"grep -c 'seat {name} is no longer wanted' /tmp/daemon.log || true").strip()
    l.sh(f"kill -STOP {pid}")
    l.monitor("gpu0", 1, 0, 0)
    # Plugged back at once: the daemon SIGKILLs a compositor 5 s after its SIGTERM.
    gone = l.wait_guest(f"[ $(grep -c 'seat {name} is no longer wanted' /tmp/daemon.log) -gt "
                        f"{int(before or 0)} ]", timeout=30)
    l.monitor("gpu0", 1, 1024, 768)
    wanted = l.wait_guest(f"grep -q 'seat {name} (F[0-9]*) is wanted again' /tmp/daemon.log",
                          timeout=60)
    check(gone and wanted,
          f"{tag}: replugged while compositor {pid} is stopped, {name} is wanted again and "
          f"waits for it")
    l.sh(f"kill -CONT {pid}")
    st = wait_status(l, lambda s: s[name]["claimed"] and s[name]["state"] == "running" and
                     s[name].get("pid") not in (None, pid), timeout=90)
    devices = seats_by_name(st).get(name, {}).get("devices", []) if st else []
    rc, _ = l.run(f"ls /run/multiseat/{name}/wayland-? >/dev/null")
    check(st is not None and rc == 0 and devices and
          all(d["key"].startswith(hub1 + ".") for d in devices),
          f"{tag}: {name} runs again, its Wayland socket there, with hub 1's devices "
          f"({[d['key'] for d in devices]})")


def first_boot(l):
    """virtio_gpu first. Returns the probe's facts, the claimed seat and the saved state."""
    check(b"display drivers loaded in this order: virtio_gpu bochs" in l.console_log.read_bytes(),
          "boot 1: guest-init loads virtio_gpu, then bochs")
    found = probe(l)
    outputs, kernel, cards, places = facts(found)
    virtio, bochs = places.get("virtio_gpu"), places.get("bochs")
    check(cards == {"virtio_gpu": "card0", "bochs": "card1"}, f"boot 1: virtio is card0 ({cards})")
    check(kernel == {f"{virtio}-Virtual-1": "Virtual-1", f"{virtio}-Virtual-2": "Virtual-2",
                     f"{bochs}-Virtual-1": "Virtual-3"},
          f"boot 1: the kernel numbers bochs's connector after virtio's two ({kernel})")
    check(all(o[4] == "RHT" and o[5] == "QEMU Monitor" for o in outputs.values()),
          f"every monitor's EDID names QEMU's vendor and model ({sorted(outputs.values())})")
    table = l.sh(f"{DAEMON} --probe")
    check("Virtual-1 (kernel Virtual-3)" in table and "QEMU Monitor (RHT)" in table,
          "the --probe table shows the kernel's name where it differs, and the monitor")
    print("boot 1 EDID of card0-Virtual-1:",
          l.sh("od -An -tx1 -v /sys/class/drm/card0-Virtual-1/edid | tr -s ' \\n' ' '"))

    hub1 = hubs_by_port(l).get("1")
    l.sh("for n in 1 2 3; do id lab-$n >/dev/null 2>&1 || useradd -m -s /bin/bash lab-$n; done")
    write_conf(l, CONF)
    start_daemon(l)
    st = wait_status(l, three_running)
    seats = seats_by_name(st)
    key = f"{virtio}-Virtual-2"
    name = seat_on(seats, key)
    check(name is not None, f"boot 1: an autoseat has {key} ({sorted(seats)})")
    monitors = seats.get(name, {}).get("monitors", [])
    check(monitors == [{"output": key, "connector": "Virtual-2", "vendor": "RHT",
                        "model": "QEMU Monitor", "serial": None}],
          f"boot 1: status shows the seat's monitor with its kernel name and EDID ({monitors})")
    number = seats.get(name, {}).get("number")
    l.press("kbd1", f"f{number}")
    st = wait_status(l, lambda s: s[name]["claimed"], timeout=30)
    check(st is not None, f"boot 1: F{number} on keyboard 1 claims {name}")
    rc, table = l.run(f"{CTL} seat {name}")
    check(rc == 0 and f"  monitors:  {key}: QEMU Monitor (RHT), kernel name Virtual-2" in table,
          f"boot 1: multiseatctl seat shows the monitor ({table})")
    saved = json.loads(l.sh(f"cat {STATE}/state.json"))
    check(saved.get("output_names") == "per-card" and
          saved.get("outputs") == {k: n for n, s in seats.items() for k in s["outputs"]} and
          saved.get("devices", {}).get(hub1) == name,
          f"boot 1: state.json keys the three autoseats by per-card names and the claim by hub "
          f"({saved})")
    same_monitor(l, name, hub1, "boot 1")
    check(stop_daemon(l) == 0, "boot 1: SIGTERM stops the daemon")
    return outputs, kernel, name, l.sh(f"cat {STATE}/state.json"), hub1


def second_boot(l, first):
    outputs_a, kernel_a, name, saved_text, hub1_a = first
    check(b"display drivers loaded in this order: bochs virtio_gpu" in l.console_log.read_bytes(),
          "boot 2: lab.gpu_order=reverse makes guest-init load bochs first")
    outputs, kernel, cards, places = facts(probe(l))
    virtio, bochs = places.get("virtio_gpu"), places.get("bochs")
    check(cards == {"virtio_gpu": "card1", "bochs": "card0"}, f"boot 2: bochs is card0 ({cards})")
    check(kernel == {f"{virtio}-Virtual-1": "Virtual-2", f"{virtio}-Virtual-2": "Virtual-3",
                     f"{bochs}-Virtual-1": "Virtual-1"} and
          all(kernel[k] != kernel_a.get(k) for k in kernel),
          f"boot 2: every kernel connector name differs from boot 1 ({kernel_a} -> {kernel})")
    check(outputs == outputs_a,
          f"boot 2: --probe --json names every output as in boot 1, same monitors ({outputs})")
    hub1 = hubs_by_port(l).get("1")
    check(hub1 == hub1_a, f"hub 1 has the same ID_PATH in both boots ({hub1})")

    l.sh("for n in 1 2 3; do id lab-$n >/dev/null 2>&1 || useradd -m -s /bin/bash lab-$n; done")
    l.sh(f"mkdir -p {STATE} && cat > {STATE}/state.json <<'EOF'\n{saved_text}EOF")
    write_conf(l, CONF)
    start_daemon(l)
    key = f"{virtio}-Virtual-2"
    st = wait_status(l, lambda s: three_running(s) and s[name]["claimed"])
    seats = seats_by_name(st)
    check(st is not None and seat_on(seats, key) == name,
          f"boot 2: the saved claim's seat {name} has {key} again "
          f"({ {n: s['outputs'] for n, s in seats.items()} })")
    monitors = seats.get(name, {}).get("monitors", [])
    check([m.get("connector") for m in monitors] == ["Virtual-3"],
          f"boot 2: that output is the kernel's Virtual-3 this boot ({monitors})")
    same_monitor(l, name, hub1, "boot 2")
    replug_while_stopping(l, name, hub1, "boot 2")
    log = l.sh("cat /tmp/daemon.log")
    check("migrated to the name per card" not in log and ") dropped:" not in log,
          "boot 2: a state.json with per-card names is not migrated")
    check(stop_daemon(l) == 0, "boot 2: SIGTERM stops the daemon")

    # ---- what an older multiseatd saved under boot 1's kernel names, read in boot 2
    old = {"version": 1, "devices": {},
           "outputs": {f"{virtio}-Virtual-2": "seat-2", f"{virtio}-Virtual-3": "seat-3",
                       f"{bochs}-Virtual-3": "seat-1"}}
    l.sh(f"cat > {STATE}/state.json <<'EOF'\n{json.dumps(old)}\nEOF")
    # And a config entry by the old name of virtio's second head in this boot.
    write_conf(l, CONF + f"[seat.desk]\noutputs = {virtio}-Virtual-3\n")
    start_daemon(l)  # a fresh log: the errors checked below are this run's
    st = wait_status(l, lambda s: three_running(s) and "desk" in s)
    seats = seats_by_name(st)
    check(seats.get("desk", {}).get("outputs") == [key],
          f"an old name in multiseat.conf means this boot's kernel connector ({seats.get('desk')})")
    check(seats.get("seat-2", {}).get("outputs") == [f"{virtio}-Virtual-1"],
          f"the old state's {virtio}-Virtual-2 is this boot's kernel Virtual-2: virtio's first "
          f"head, seat-2 ({ {n: s['outputs'] for n, s in seats.items()} })")
    log = l.sh("cat /tmp/daemon.log")
    check(f"output {virtio}-Virtual-2 -> {virtio}-Virtual-1 (seat-2)" in log and
          f"output {virtio}-Virtual-3 -> {virtio}-Virtual-2 (seat-3)" in log and
          f"output {bochs}-Virtual-3 (seat-1) dropped" in log,
          "one info line per migrated or dropped entry, old -> new")
    check(f"output {virtio}-Virtual-3 is the kernel's name of {key} in this boot only" in log and
          f"write {key}" in log, "the old name in multiseat.conf is noted with the name to write")
    saved = json.loads(l.sh(f"cat {STATE}/state.json"))
    check(saved.get("output_names") == "per-card" and "legacy_outputs" not in saved and
          saved.get("outputs", {}).get(f"{virtio}-Virtual-1") == "seat-2" and
          saved.get("outputs", {}).get(key) == "seat-3" and
          f"{bochs}-Virtual-3" not in saved.get("outputs", {}),
          f"state.json is rewritten once, with per-card names ({saved})")
    check(stop_daemon(l) == 0, "SIGTERM stops the daemon")
    errors = [ln for ln in log.splitlines() if "multiseatd: error" in ln]
    check(not errors, f"reading old names, the daemon logged no errors {errors}")


def main():
    topo = lab.default_topology()
    # The guest's console, dmesg and daemon log after each boot's checks, if any failed.
    with lab.Lab(topo, name="test-names") as l:
        first = first_boot(l)
        check.report_on_failure(l)
    with lab.Lab(topo, name="test-names-reverse", kernel_args=["lab.gpu_order=reverse"]) as l:
        second_boot(l, first)
        check.report_on_failure(l)
    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
