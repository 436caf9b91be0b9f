"""Per-seat sound in the lab. Seat1 = monitor 1 + hub 1, seat2 = monitor 2 + hub 2; each hub
has a usb-audio device that QEMU records to its own WAV file. Each seat's session is a shell
that runs what the test drops into its command folder, so every player below is a program of
that seat's session, finding the seat's PipeWire through its own environment.

Shown: a 440 Hz tone from seat1 (pw-play, a PipeWire client) and an 880 Hz tone from seat2
(paplay, a PulseAudio client, through the seat's pipewire-pulse), played at the same time, land
each on its own seat's card only; seat2's user cannot open seat1's card (EACCES); a usb-audio
device hot-plugged on hub 1 joins seat1, shows in seat1's PipeWire and not seat2's, and
becomes seat1's default sink, which falls back when it is unplugged; a card taken off seat2
is closed to seat2's user and seat2 falls back to a silent dummy sink."""

import array
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, hubs_by_port, install_runner, run_in, seats_by_name, start_daemon, status,
    wait_status, write_conf)

check = lab.Checks()
CMD = {"seat1": "/tmp/seat1-cmd", "seat2": "/tmp/seat2-cmd"}
RUNNERS = {"seat1": "/tmp/runner1.sh", "seat2": "/tmp/runner2.sh"}
PIDS = {"seat1": "/tmp/seat1-session.pid", "seat2": "/tmp/seat2-session.pid"}
USERS = {"seat1": "lab-1", "seat2": "lab-2"}


def tone_power(wav, freq):
    """The relative power of `freq` in the WAV's first channel (Goertzel), and the RMS level."""
    if wav.bits != 16 or not wav.data:
        return 0.0, 0.0
    samples = array.array("h", wav.data[:len(wav.data) - len(wav.data) % (2 * wav.channels)])
    x = samples[::wav.channels]
    coeff = 2 * math.cos(2 * math.pi * freq / wav.rate)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + coeff * s1 - s2, s1
    power = (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (len(x) * len(x))
    rms = math.sqrt(sum(v * v for v in x) / len(x))
    return power, rms


def since(l, dev_id, offset):
    w = l.wav(dev_id)
    return lab.Wav(w.rate, w.channels, w.bits, w.data[offset:])


def cards_by_port(l):
    """ALSA card number of each USB sound card, by its USB port ("1.3" ...)."""
    cards = {}
    for d in l.udev_properties("/sys/class/sound/card*", by="path"):
        path, devpath = d.get("ID_PATH", ""), d.get("DEVPATH", "")
        if "-usb-0:" in path and devpath.rsplit("/", 1)[-1].startswith("card"):
            cards[path.split("-usb-0:")[1].split(":")[0]] = int(devpath.rsplit("card", 1)[1])
    return cards


def conf_text(l):
    card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
    hubs = hubs_by_port(l)
    return ("[daemon]\nautoseat = false\n[seat-defaults]\nuser = lab-%n\n"
            f"[seat.seat1]\noutputs = {card0}-Virtual-1\ndevices = hub:{hubs.get('1')}\n"
            f"session = {RUNNERS['seat1']}\n"
            f"[seat.seat2]\noutputs = {card0}-Virtual-2\ndevices = hub:{hubs.get('2')}\n"
            f"session = {RUNNERS['seat2']}\n")


def seat_run(l, seat, name, script, timeout=60):
    """Runs `script` in the seat's session and returns its output once it printed END."""
    out = f"{CMD[seat]}/{name}.sh.out"
    run_in(l, CMD[seat], name, script + "\necho END")
    if not l.wait_guest(f"grep -q '^END$' {out}", timeout=timeout):
        return None
    return l.sh(f"cat {out}").replace("END\n", "")


# Waits in the session until its PipeWire lists a node whose name has `pattern`.
WAIT_NODE = """for i in $(seq 1 200); do
    pw-cli ls Node 2>/dev/null | grep -q 'node.name = ".*{pattern}' && break; sleep 0.2
done"""
NODES = "pw-cli ls Node 2>/dev/null | sed -n 's/.*node.name = \"\\(.*\\)\"/\\1/p' | sort"
DEFAULT_SINK = "pw-metadata 0 default.audio.sink 2>/dev/null | sed -n \"s/.*value:'\\(.*\\)' type.*/\\1/p\""


def default_sink(l, seat, name):
    out = seat_run(l, seat, name, DEFAULT_SINK) or ""
    try:
        return json.loads(out.strip()).get("name", "")
    except ValueError:
        return out.strip()


def wait_default(l, seat, name, want, timeout=30):
    deadline = time.monotonic() + timeout
    got = ""
    n = 0
    while time.monotonic() < deadline:
        got = default_sink(l, seat, f"{name}-{n}")
        if want in got:
            break
        n += 1
        time.sleep(0.5)
    return got


def main(l):
    for n in (1, 2):
        l.sh(f"id lab-{n} >/dev/null 2>&1 || useradd -m -s /bin/sh lab-{n}")
    for seat in CMD:
        install_runner(l, CMD[seat], PIDS[seat], RUNNERS[seat])
    l.sh("sox -n -r 48000 -c 2 /tmp/t440.wav synth 2.5 sine 440 vol 0.9; "
         "sox -n -r 48000 -c 2 /tmp/t880.wav synth 2.5 sine 880 vol 0.9; chmod 644 /tmp/t*.wav")
    cards = cards_by_port(l)
    check(cards.get("1.3") is not None and cards.get("2.3") is not None,
          f"the two hubs' sound cards are there ({cards})")
    c1, c2 = cards.get("1.3", 0), cards.get("2.3", 1)

    write_conf(l, conf_text(l))
    start_daemon(l)

    def audio_up(seats):
        return all(seats[n]["state"] == "running" and
                   seats[n]["audio"]["services"]["pipewire"]["state"] == "running" and
                   seats[n]["audio"]["services"]["wireplumber"]["state"] == "running" and
                   seats[n]["audio"]["services"]["pipewire-pulse"]["state"] == "running"
                   for n in CMD)
    st = wait_status(l, audio_up)
    seats = seats_by_name(st)
    check(st is not None, "both seats run, each with its session bus, PipeWire, WirePlumber "
          "and pipewire-pulse")
    for name in CMD:
        services = ((seats.get(name) or {}).get("audio") or {}).get("services") or {}
        pids = {k: (v or {}).get("pid") for k, v in services.items()}
        owners = {k: l.sh(f"ps -o user= -p {p} || true").strip() for k, p in pids.items() if p}
        where = {k: l.sh(f"cat /proc/{p}/cgroup || true").strip() for k, p in pids.items() if p}
        check(set(owners.values()) == {USERS[name]} and len(owners) == 4,
              f"{name}'s services run as {USERS[name]} ({owners})")
        check(set(where.values()) == {f"0::/multiseat/seat-{name}/services"},
              f"{name}'s services run in its services cgroup ({where})")

    # ---- ACLs: each card opens for its own seat's user only
    acl1 = l.sh(f"getfacl -cp /dev/snd/pcmC{c1}D0p")
    acl2 = l.sh(f"getfacl -cp /dev/snd/pcmC{c2}D0p")
    check("user:lab-1:rw-" in acl1 and "lab-2" not in acl1,
          f"seat1's card is open to lab-1 only ({' '.join(acl1.split())})")
    check("user:lab-2:rw-" in acl2 and "lab-1" not in acl2,
          f"seat2's card is open to lab-2 only ({' '.join(acl2.split())})")
    check("audio" not in l.sh("id -Gn lab-1 lab-2"), "the seat users are not in group audio")

    # ---- each seat's PipeWire has its own card only
    nodes = {}
    for name, port in (("seat1", "1.3"), ("seat2", "2.3")):
        out = seat_run(l, name, "nodes", WAIT_NODE.format(pattern=f"-{port}-") + "\n" + NODES)
        nodes[name] = (out or "").split()
    check(any("-1.3-" in n and n.startswith("alsa_output") for n in nodes["seat1"]) and
          not any("-2.3-" in n for n in nodes["seat1"]),
          f"seat1's PipeWire has hub 1's card and not hub 2's ({nodes['seat1']})")
    check(any("-2.3-" in n and n.startswith("alsa_output") for n in nodes["seat2"]) and
          not any("-1.3-" in n for n in nodes["seat2"]),
          f"seat2's PipeWire has hub 2's card and not hub 1's ({nodes['seat2']})")

    # ---- two tones at once, each into its own seat's card
    before = {d: len(l.wav(d).data) for d in ("snd1", "snd2")}
    run_in(l, CMD["seat1"], "play", "pw-play /tmp/t440.wav; echo rc=$? > /tmp/play1.rc")
    run_in(l, CMD["seat2"], "play", "paplay /tmp/t880.wav; echo rc=$? > /tmp/play2.rc")
    played = l.wait_guest("[ -s /tmp/play1.rc ] && [ -s /tmp/play2.rc ]", timeout=90)
    time.sleep(1)
    rcs = l.sh("cat /tmp/play1.rc /tmp/play2.rc 2>/dev/null").split()
    check(played and rcs == ["rc=0", "rc=0"],
          f"pw-play ran in seat1's session, paplay in seat2's ({rcs})")
    w1, w2 = since(l, "snd1", before["snd1"]), since(l, "snd2", before["snd2"])
    p1 = {f: tone_power(w1, f) for f in (440, 880)}
    p2 = {f: tone_power(w2, f) for f in (440, 880)}
    print(f"snd1: {len(w1.data)} bytes, power 440 Hz {p1[440][0]:.1f}, 880 Hz {p1[880][0]:.1f}, "
          f"rms {p1[440][1]:.0f}; snd2: {len(w2.data)} bytes, power 440 Hz {p2[440][0]:.1f}, "
          f"880 Hz {p2[880][0]:.1f}, rms {p2[880][1]:.0f}")
    check(p1[440][0] > 100 and p1[440][0] > 1000 * max(p1[880][0], 0.01),
          f"hub 1's card recorded 440 Hz and not 880 Hz (power {p1[440][0]:.1f} vs "
          f"{p1[880][0]:.3f})")
    check(p2[880][0] > 100 and p2[880][0] > 1000 * max(p2[440][0], 0.01),
          f"hub 2's card recorded 880 Hz and not 440 Hz (power {p2[880][0]:.1f} vs "
          f"{p2[440][0]:.3f})")

    # ---- seat2's session cannot open seat1's card
    probe = ("python3 -c \"import os, errno, sys\n"
             "try:\n    os.close(os.open(sys.argv[1], os.O_RDWR | os.O_NONBLOCK)); print('opened')\n"
             "except OSError as e:\n    print(errno.errorcode[e.errno])\" ")
    got2 = (seat_run(l, "seat2", "probe", probe + f"/dev/snd/pcmC{c1}D0p") or "").strip()
    got1 = (seat_run(l, "seat1", "probe", probe + f"/dev/snd/pcmC{c1}D0p") or "").strip()
    check(got2 == "EACCES", f"seat2's session cannot open seat1's /dev/snd/pcmC{c1}D0p ({got2})")
    check(got1 in ("opened", "EBUSY"),
          f"seat1's own session may open it ({got1}; EBUSY would be PipeWire holding it)")

    # ---- status lists the sound devices and what PipeWire has
    seats = seats_by_name(status(l))
    s1 = seats.get("seat1") or {}
    keys = [d.get("key", "") for d in s1.get("sound", [])]
    check(any(":1.3:" in k for k in keys), f"status lists hub 1's card on seat1 ({keys})")
    sinks = [(n.get("name"), n.get("card")) for n in (s1.get("audio") or {}).get("sinks", [])]
    default = (s1.get("audio") or {}).get("default_sink") or ""
    check(any("-1.3-" in (n or "") and card == c1 for n, card in sinks) and "-1.3-" in default,
          f"status lists seat1's sinks with their ALSA card, read with libpipewire, and the "
          f"default ({sinks}, default {default})")
    table = l.sh(f"{CTL} status")
    print(table)

    # ---- hot-plug a usb-audio device onto hub 1: it is seat1's, and its default sink
    def seat1_pids():
        audio = (seats_by_name(status(l)).get("seat1") or {}).get("audio") or {}
        return (l.sh(f"cat {PIDS['seat1']}").strip(),
                (audio.get("services", {}).get("pipewire") or {}).get("pid"))
    pids_before = seat1_pids()
    l.plug(lab.Usb("snd3", "audio", "1.4"))
    joined = wait_status(l, lambda s: any(":1.4:" in d.get("key", "")
                                          for d in s["seat1"].get("sound", [])), timeout=60)
    check(joined is not None, "the usb-audio device plugged on hub 1 joins seat1")
    out1 = seat_run(l, "seat1", "nodes-hot", WAIT_NODE.format(pattern="-1.4-") + "\n" + NODES)
    out2 = seat_run(l, "seat2", "nodes-hot", NODES)
    check(any("-1.4-" in n for n in (out1 or "").split()),
          f"seat1's PipeWire lists it ({(out1 or '').split()})")
    check(not any("-1.4-" in n for n in (out2 or "").split()),
          f"seat2's PipeWire does not ({(out2 or '').split()})")
    got = wait_default(l, "seat1", "default-hot", "-1.4-")
    check("-1.4-" in got, f"it becomes seat1's default sink ({got})")
    before3 = len(l.wav("snd3").data)
    out = seat_run(l, "seat1", "play-hot", "pw-play /tmp/t440.wav; echo rc=$?", timeout=90)
    time.sleep(1)
    p3 = tone_power(since(l, "snd3", before3), 440)[0]
    check(p3 > 100, f"seat1's next tone plays on it, no restart of the session ({out!r}, "
          f"power {p3:.1f})")
    l.unplug("snd3")
    got = wait_default(l, "seat1", "default-unplug", "-1.3-")
    check("-1.3-" in got, f"unplugged, seat1's default falls back to hub 1's first card ({got})")
    pids_after = seat1_pids()
    check(pids_after == pids_before,
          f"seat1's session and PipeWire ran on through plug and unplug (session, PipeWire pids "
          f"{pids_before} then {pids_after})")

    # ---- a PipeWire that dies is started again, WirePlumber with it, and the seat has its card
    def seat1_services():
        audio = (seats_by_name(status(l)).get("seat1") or {}).get("audio") or {}
        return {k: (v or {}) for k, v in (audio.get("services") or {}).items()}
    old = seat1_services()
    l.sh(f"kill -9 {old.get('pipewire', {}).get('pid')}")
    back = wait_status(l, lambda s: all(
        s["seat1"]["audio"]["services"][k]["state"] == "running" and
        s["seat1"]["audio"]["services"][k]["pid"] != old[k]["pid"]
        for k in ("pipewire", "wireplumber", "pipewire-pulse")), timeout=60)
    new = seat1_services()
    check(back is not None and new["pipewire"].get("restarts") == 1,
          f"seat1's PipeWire, killed, is started again with its WirePlumber and pipewire-pulse "
          f"({ {k: (old[k].get('pid'), new[k].get('pid')) for k in ('pipewire', 'wireplumber', 'pipewire-pulse')} }, "
          f"restarts {new['pipewire'].get('restarts')})")
    out = seat_run(l, "seat1", "nodes-again", WAIT_NODE.format(pattern="-1.3-") + "\n" + NODES)
    check(any("-1.3-" in n for n in (out or "").split()),
          f"and seat1's session finds its card there again ({(out or '').split()})")

    # ---- a card taken off seat2 closes to lab-2; seat2 gets a silent dummy sink
    key2 = next((d["key"] for d in (seats.get("seat2") or {}).get("sound", [])), None)
    l.sh(f"{CTL} detach {key2}")
    closed = l.wait_guest(f"! getfacl -cp /dev/snd/pcmC{c2}D0p | grep -q lab-2", timeout=15)
    check(closed, "a card detached from seat2 is closed to lab-2")
    out = seat_run(l, "seat2", "nodes-dummy",
                   WAIT_NODE.format(pattern="auto_null") + "\n" + NODES)
    names = (out or "").split()
    check("auto_null" in names and not any("-2.3-" in n for n in names),
          f"seat2's PipeWire no longer has the card, and has a dummy sink ({names})")
    out = seat_run(l, "seat2", "play-dummy", "pw-play /tmp/t880.wav; echo rc=$?", timeout=90)
    check("rc=0" in (out or ""), f"seat2's applications still play, into the dummy ({out!r})")

    # ---- two seats of one user are not apart: the daemon says so
    l.sh("sed -i 's/^user = lab-%n/user = lab-1/' /tmp/ms.conf")
    rc, out = l.run(f"{CTL} reload")
    warned = l.wait_guest("grep -q 'runs as lab-1, as seat seat[12] does' /tmp/daemon.log",
                          timeout=60)
    check(rc == 0 and warned, f"two seats of one user: the daemon warns ({out.strip()})")
    if check.failed:
        print(l.sh("tail -80 /tmp/daemon.log"))
    check.report_on_failure(l)


def run():
    topology = lab.default_topology()
    topology.spare_audio = ["snd3"]
    with lab.Lab(topology, name="test-audio") as l:
        main(l)
        l.sh("kill $(cat /tmp/daemon.pid); sleep 2")
    return check.finish()


if __name__ == "__main__":
    sys.exit(lab.run_test(run))
