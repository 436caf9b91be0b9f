"""multiseatd --probe in the lab: it finds the topology's cards, monitors, hubs,
input devices and sound cards, and follows monitor and USB hot-plug."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402

check = lab.Checks()


def probe(l):
    return json.loads(l.sh("$LAB_BUILD/seatd/multiseatd --probe --json"))


def below(found, hub):
    inputs = sorted(i["kind"] for i in found["inputs"] if i.get("hub") == hub)
    sounds = [s["name"] for s in found["sounds"] if s.get("hub") == hub]
    return inputs, sounds


def main():
    topo = lab.default_topology()
    with lab.Lab(topo, name="test-probe") as l:
        found = probe(l)
        cards = {c["name"]: c for c in found["cards"]}
        check(sorted(cards) == ["card0", "card1"], f"two cards: {sorted(cards)}")
        card0, card1 = cards.get("card0", {}), cards.get("card1", {})
        check(card0.get("driver") == "virtio_gpu" and card1.get("driver") == "bochs-drm",
              f"drivers virtio_gpu and bochs-drm: {card0.get('driver')}, {card1.get('driver')}")
        check(card0.get("planes", 0) >= 2 and card0.get("crtcs") == 2,
              f"card0 has 2 CRTCs and its planes: {card0.get('crtcs')} CRTCs, {card0.get('planes')} planes")
        # Named per card; the kernel's numbers count across cards.
        sizes = {(card["name"], c["name"], c["kernel_name"], c["status"], c["width"], c["height"])
                 for card in found["cards"] for c in card["connectors"]}
        want = {("card0", "Virtual-1", "Virtual-1", "connected", 1280, 800),
                ("card0", "Virtual-2", "Virtual-2", "connected", 1024, 768),
                ("card1", "Virtual-1", "Virtual-3", "connected", 1280, 1024)}
        check(sizes == want, f"connectors with their monitors' sizes: {sorted(sizes)}")
        check(all(c["output"] == f"{card['id_path']}-{c['name']}"
                  for card in found["cards"] for c in card["connectors"]),
              "each connector's output key is its card's ID_PATH and its name")
        hubs = sorted(h["name"] for h in found["hubs"])
        check(hubs == ["1-1", "1-2"], f"two hubs: {hubs}")
        check(below(found, "1-1") == (["keyboard", "pointer"], [s["name"] for s in found["sounds"] if "usb-0:1.3:" in s["id_path"]]),
              f"hub 1-1 holds a keyboard, a pointer and its sound card: {below(found, '1-1')}")
        check(below(found, "1-2") == (["keyboard", "pointer"], [s["name"] for s in found["sounds"] if "usb-0:2.3:" in s["id_path"]]),
              f"hub 1-2 holds a keyboard, a pointer and its sound card: {below(found, '1-2')}")
        paths_ok = all(i["id_path"].endswith(f":{port}:1.0")
                       for port, hub in (("1.1", "1-1"), ("1.2", "1-1"), ("2.1", "1-2"), ("2.2", "1-2"))
                       for i in found["inputs"] if i.get("hub") == hub and f"usb-0:{port}:" in i["id_path"])
        check(paths_ok, "input ID_PATHs name their hub port")
        table = l.sh("$LAB_BUILD/seatd/multiseatd --probe")
        check("hub 1-1" in table and "Virtual-2" in table and "keyboard" in table,
              "the table lists hubs, connectors and keyboards")

        # Monitor unplug is seen on the next probe.
        l.monitor("gpu0", 1, 0, 0)
        l.wait_guest("grep -qx disconnected /sys/class/drm/card0-Virtual-2/status")
        conns = {c["name"]: c["status"] for c in probe(l)["cards"][0]["connectors"]}
        check(conns.get("Virtual-2") == "disconnected", f"Virtual-2 disconnected after unplug: {conns}")

        # A keyboard hot-plugged on hub 1 shows up below that hub.
        l.plug(lab.Usb("kbd3", "kbd", "1.4", gpu="gpu0", head=1))
        l.wait_guest("ls /dev/input/by-path/*usb-0:1.4:*-event-kbd")
        l.sh("udevadm settle")
        check(below(probe(l), "1-1")[0] == ["keyboard", "keyboard", "pointer"],
              f"hot-plugged keyboard listed below hub 1-1: {below(probe(l), '1-1')}")
        l.unplug("kbd3")
        l.wait_guest("! ls /dev/input/by-path/*usb-0:1.4:* 2>/dev/null")
        l.sh("udevadm settle")
        check(below(probe(l), "1-1")[0] == ["keyboard", "pointer"], "and gone again after unplug")
        check.report_on_failure(l)

    check.finish()


if __name__ == "__main__":
    lab.run_test(main)
