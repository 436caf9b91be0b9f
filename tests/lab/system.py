"""A lab guest that boots the way a Debian PC does: systemd as PID 1 with udev, logind, journald
and a getty on tty1, on a disk that survives a reboot. Its /usr and /etc are the host's with the
guest's own changes on that disk (a package installed, a unit enabled), so what it proves about
the host — VTs, logind, systemd units, packaging, boot order — is proven on real systemd."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import lab

# Host services a lab guest has no use for (no network, no database): masked so that they
# neither start nor fill the journal.
_KEEP = {"remote-fs.target", "e2scrub_reap.service", "cron.service", "rsyslog.service"}

_AGENT_UNIT = """[Unit]
Description=Lab agent (the test harness's shell)
After=multi-user.target

[Service]
ExecStart=/lab/project/tests/lab/guest-agent
KillMode=process

[Install]
WantedBy=multi-user.target
"""


class SystemLab(lab.Lab):
    def __init__(self, topology=None, name="system", disk_mb=3072, **kw):
        super().__init__(topology, name=name, **kw)
        self.disk = self.workdir / "disk.img"
        self.disk_mb = disk_mb
        self.boots = 0

    def kernel_cmdline(self):
        return super().kernel_cmdline() + " lab.system"

    def extra_qemu_args(self):
        # No -no-reboot: a reboot of the guest resets the PC, which boots again from the disk.
        return ["-drive", f"file={self.disk},if=virtio,format=raw,cache=unsafe"]

    def prepare(self):
        stage = self.workdir / "disk-root"
        shutil.rmtree(stage, ignore_errors=True)
        for d in ("usr", "usr.work", "etc/systemd/system/multi-user.target.wants", "etc.work",
                  "var/lib", "var/log/journal", "var/tmp", "var/cache", "root"):
            (stage / d).mkdir(parents=True, exist_ok=True)
        os.chmod(stage / "var/tmp", 0o1777)
        # dpkg in the guest knows what the host has installed, so a package's dependencies
        # are met and its maintainer scripts run as on the host.
        shutil.copytree("/var/lib/dpkg", stage / "var/lib/dpkg", symlinks=True)
        units = stage / "etc/systemd/system"
        (units / "lab-agent.service").write_text(_AGENT_UNIT)
        (units / "multi-user.target.wants/lab-agent.service").symlink_to(
            "/etc/systemd/system/lab-agent.service")
        for wants in ("multi-user.target.wants", "timers.target.wants"):
            for link in Path("/etc/systemd/system", wants).glob("*"):
                if link.name not in _KEEP:
                    (units / link.name).symlink_to("/dev/null")
        self.disk.unlink(missing_ok=True)
        lab._run(["mkfs.ext4", "-q", "-F", "-L", "labdisk", "-d", str(stage), str(self.disk),
                  f"{self.disk_mb}M"])
        shutil.rmtree(stage, ignore_errors=True)

    def boot(self, timeout=300):
        super().boot(timeout=timeout)
        self.boots = 1
        self._settle()

    def _settle(self, timeout=180):
        self.sh("systemctl is-system-running --wait >/dev/null; udevadm settle --timeout=60; true",
                timeout=timeout)

    def reboot(self, timeout=300):
        """`systemctl reboot` in the guest; returns once the new boot's agent answers."""
        self.agent.sock.sendall(b"systemctl reboot\n")
        self.wait_ready(count=self.boots + 1, timeout=timeout)
        self.boots += 1
        self.agent.buf = b""
        self.agent.handshake()
        self.sh("export LAB_BUILD=/lab/build LAB_PROJECT=/lab/project LAB_OUT=/lab/out; cd /lab/out")
        self._settle()

    def boot_id(self):
        return self.sh("cat /proc/sys/kernel/random/boot_id").strip()
