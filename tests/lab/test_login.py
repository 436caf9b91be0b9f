"""Desktop logins in the lab: two desks in mode = desktop, real PAM (the shipped
data/pam.d/multiseat over Debian's common-auth/account/session and pam_unix), passwords set
with chpasswd, typed on the desks' USB keyboards through QEMU.

Shown: both desks greet; a wrong password on desk 1 shows the error, counts a failure and
starts nothing; the right one starts alice's session on desk 1 (foot as alice, in the desk's
session cgroup; a command typed there writes a file alice owns, and wpctl there reaches the
desk's PipeWire) while desk 2 still greets; alice cannot log in at desk 2 at the same time;
`multiseatctl status` names her and since when; `multiseatctl logout seat1` brings the
greeter back and leaves no process of alice and no runtime directory; on desk 2 bob's own
~/.config/multiseat/session runs (user-session = true), his session ends when its shell
exits, and the desk greets again. A PAM module that never answers (pam_exec's helper
sleeping) is given up after login-timeout: the worker and the helper are killed with the
desk's login cgroup, the greeter says so, and the next login works. No password reaches the
daemon's log. Stopping the daemon (SIGTERM, as systemctl stop) while alice is logged in at desk
1 logs no error: her session ends and PAM closes it before the daemon exits, and no process
of the seats (compositors, their services, login workers) outlives the daemon."""

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402
from seats import (  # noqa: E402
    CTL, hubs_by_port, seats_by_name, start_daemon, status, wait_status, write_conf)

check = lab.Checks()
PASSWORDS = {"alice": "Apple-pie-42", "bob": "Blue-moon-77"}
WRONG = "not-her-password"
DESK = {"seat1": ("gpu0", 0, "kbd1"), "seat2": ("gpu0", 1, "kbd2")}
# The login session: foot running a shell; typed commands run as the user logged in.
SESSION = "exec foot sh"


def conf_text(l):
    card0 = l.udev_properties("/dev/dri/card0")[0]["ID_PATH"]
    hubs = hubs_by_port(l)
    return ("[daemon]\nautoseat = false\nuser-session = true\n"
            "[seat-defaults]\nuser = lab-%n\nmode = desktop\n"
            f"session = {SESSION}\n"
            f"[seat.seat1]\noutputs = {card0}-Virtual-1\ndevices = hub:{hubs.get('1')}\n"
            f"[seat.seat2]\noutputs = {card0}-Virtual-2\ndevices = hub:{hubs.get('2')}\n")


def shot(l, seat, name):
    gpu, head, _ = DESK[seat]
    return l.screenshot(gpu, head, name=name)


def greeter_shot(l, seat, timeout=30):
    """The greeter once it is drawn: its first frame can take seconds under TCG on a busy
    host (fonts, the first buffers)."""
    deadline = time.monotonic() + timeout
    while True:
        img = shot(l, seat, f"{seat}-greeter")
        if img.distinct_colours() > 3 or time.monotonic() > deadline:
            return img
        time.sleep(1)


def type_on(l, seat, text):
    l.type_text(DESK[seat][2], text)


def login_of(seat):
    return (seat or {}).get("login") or {}


def wait_login(l, seat, state, timeout=60):
    st = wait_status(l, lambda s: login_of(s[seat]).get("state") == state, timeout=timeout)
    return login_of(seats_by_name(st).get(seat)) if st else None


def processes_of(l, user):
    return l.sh(f"pgrep -u {user} -l || true").strip()


def log_in(l, seat, user, password):
    # Escape empties both fields whatever came before; Enter after the name moves on.
    l.press(DESK[seat][2], "esc")
    type_on(l, seat, f"{user}\n{password}\n")


def main(l):
    for n in (1, 2):
        l.sh(f"id lab-{n} >/dev/null 2>&1 || useradd -m -s /bin/sh lab-{n}")
    for user, password in PASSWORDS.items():
        l.sh(f"id {user} >/dev/null 2>&1 || useradd -m -s /bin/sh {user}")
        l.sh(f"echo '{user}:{password}' | chpasswd")
    l.sh("install -m 644 /lab/project/data/pam.d/multiseat /etc/pam.d/multiseat")
    # user-session = true: bob's own session script runs instead of the desk's; alice has none.
    l.sh("install -d -o bob -g bob /home/bob/.config /home/bob/.config/multiseat && "
         "printf 'id -un > /tmp/bob-own-session\\nexec foot sh\\n' "
         "> /home/bob/.config/multiseat/session && chown bob: /home/bob/.config/multiseat/session")
    write_conf(l, conf_text(l))
    start_daemon(l)

    st = wait_status(l, lambda s: all(s[n]["state"] == "running" and
                                      login_of(s[n]).get("state") == "greeter"
                                      for n in DESK))
    check(st is not None, "both desktop desks run and greet")
    greet = {seat: greeter_shot(l, seat) for seat in DESK}
    for seat, img in greet.items():
        check(img.distinct_colours() > 3, f"{seat} shows its greeter (text and fields)")
    check(processes_of(l, "alice") == "" and processes_of(l, "bob") == "",
          "before any login, nothing runs as alice or bob")

    # ---- a wrong password
    log_in(l, "seat1", "alice", WRONG)
    failed = wait_status(l, lambda s: login_of(s["seat1"]).get("failures") == 1, timeout=60)
    check(failed is not None and login_of(seats_by_name(failed)["seat1"]).get("state") ==
          "greeter", "a wrong password counts a failure; desk 1 still greets")
    time.sleep(1)
    wrong = shot(l, "seat1", "seat1-wrong")
    check(wrong.differing_pixels(greet["seat1"]) > 500,
          "desk 1 shows the error (its screen changed)")
    check(l.wait_guest("grep -q \"login of 'alice' failed: Wrong user name or password\" "
                       "/tmp/daemon.log", timeout=10),
          "the daemon logs the failure with desk and user name")
    check(processes_of(l, "alice") == "", "a wrong password starts nothing as alice")

    # ---- the right one, after the 1 s delay
    time.sleep(1.5)
    log_in(l, "seat1", "alice", PASSWORDS["alice"])
    login = wait_login(l, "seat1", "session", timeout=90)
    check(login is not None and login.get("user") == "alice" and login.get("since"),
          f"the right password logs alice in at desk 1 ({login})")
    pid = (login or {}).get("session_pid")
    owner = l.sh(f"ps -o user= -p {pid} || true").strip() if pid else ""
    where = l.sh(f"cat /proc/{pid}/cgroup || true").strip() if pid else ""
    check(owner == "alice" and where == "0::/multiseat/seat-seat1/session",
          f"her session runs as alice in desk 1's session cgroup ({owner}, {where})")
    ok = l.wait_guest("pgrep -u alice -x foot >/dev/null", timeout=60)
    time.sleep(3)
    session = shot(l, "seat1", "seat1-session")
    check(ok and session.differing_pixels(greet["seat1"]) > 10000,
          "foot runs as alice on desk 1 and the greeter is gone")
    type_on(l, "seat1", "id -un > /tmp/desk1-who; echo $XDG_RUNTIME_DIR > /tmp/desk1-rt\n")
    typed = l.wait_guest("test -s /tmp/desk1-who && test -s /tmp/desk1-rt", timeout=60)
    who = l.sh("cat /tmp/desk1-who /tmp/desk1-rt 2>/dev/null; "
               "stat -c %U /tmp/desk1-who 2>/dev/null || true").split()
    check(typed and len(who) == 3 and who[0] == "alice" and who[2] == "alice",
          f"a command typed on keyboard 1 runs as alice and writes a file she owns ({who})")
    # The desk's PipeWire (the seat user's) is opened to her: her programs find its sinks.
    type_on(l, "seat1", "wpctl status > /tmp/desk1-audio 2>&1; echo $? >> /tmp/desk1-audio\n")
    l.wait_guest("tail -1 /tmp/desk1-audio 2>/dev/null | grep -qx '[0-9]*'", timeout=60)
    audio = l.sh("cat /tmp/desk1-audio 2>/dev/null || true")
    check(audio.rstrip().endswith("\n0") and "Sinks:" in audio and "USB" in audio,
          f"in her session wpctl reaches desk 1's PipeWire and its USB card ({audio[-300:]!r})")
    runtime = who[1] if len(who) == 3 else "/run/multiseat/users/alice.seat1"
    mode = l.sh(f"stat -c '%a %U' {runtime} || true").strip()
    check(mode == "700 alice", f"her XDG_RUNTIME_DIR {runtime} is hers, mode 0700 ({mode})")
    desk2 = shot(l, "seat2", "seat2-during")
    check(desk2.differing_pixels(session) > 10000 and
          desk2.differing_pixels(greet["seat2"]) < desk2.width * desk2.height // 50,
          "desk 2 still shows its greeter, unlike desk 1")
    acl = l.sh("getfacl -cp /run/multiseat/seat2 2>/dev/null || true")
    check("alice" not in acl, "desk 2's sockets are not opened to alice")
    rc, out = l.run(f"{CTL} status")
    check(rc == 0 and "alice (uid" in out and " since " in out,
          "multiseatctl status says who is logged in at desk 1 and since when")

    # ---- one desk at a time per user
    log_in(l, "seat2", "alice", PASSWORDS["alice"])
    refused = l.wait_guest("grep -q 'login of alice refused: logged in at seat seat1 already' "
                           "/tmp/daemon.log", timeout=60)
    st = status(l)
    check(refused and login_of(seats_by_name(st).get("seat2")).get("state") == "greeter",
          "alice cannot log in at desk 2 while her session runs at desk 1")

    # ---- logout by the administrator
    rc, out = l.run(f"{CTL} logout seat1")
    login = wait_login(l, "seat1", "greeter", timeout=60)
    check(rc == 0 and login is not None, f"multiseatctl logout seat1 ends it ({out.strip()})")
    gone = l.wait_guest("! pgrep -u alice >/dev/null", timeout=30)
    check(gone, f"no process of alice is left ({processes_of(l, 'alice')})")
    check(l.sh(f"test -e {runtime} && echo left || echo gone").strip() == "gone",
          "her runtime directory is gone")
    acl = l.sh("getfacl -cp /run/multiseat/seat1 2>/dev/null || true")
    check("alice" not in acl, f"desk 1's directory is closed to alice again ({acl.split()})")
    time.sleep(2)
    again = shot(l, "seat1", "seat1-again")
    check(again.differing_pixels(greet["seat1"]) < again.width * again.height // 50,
          "desk 1 greets again, its fields empty")

    # ---- a session that ends by itself
    log_in(l, "seat2", "bob", PASSWORDS["bob"])
    login = wait_login(l, "seat2", "session", timeout=90)
    check(login is not None and login.get("user") == "bob", f"bob logs in at desk 2 ({login})")
    l.wait_guest("pgrep -u bob -x foot >/dev/null", timeout=60)
    own = l.sh("cat /tmp/bob-own-session 2>/dev/null; stat -c %U /tmp/bob-own-session "
               "2>/dev/null || true").split()
    check(own == ["bob", "bob"],
          f"with user-session = true bob's ~/.config/multiseat/session runs as his session ({own})")
    time.sleep(3)
    type_on(l, "seat2", "exit\n")
    login = wait_login(l, "seat2", "greeter", timeout=60)
    check(login is not None, "when bob's shell exits, his session ends and desk 2 greets")
    check(l.wait_guest("! pgrep -u bob >/dev/null", timeout=30),
          f"no process of bob is left ({processes_of(l, 'bob')})")

    stuck_login(l)
    stop_logged_in(l)

    logged = l.sh("cat /tmp/daemon.log")
    check(all(p not in logged for p in list(PASSWORDS.values()) + [WRONG]),
          "no password appears in the daemon's log")
    if check.failed:
        print(l.sh("tail -60 /tmp/daemon.log"))
    check.report_on_failure(l)


def stuck_login(l):
    """A PAM module that never answers (pam_exec running a helper that sleeps, as one
    waiting on a dead server would): after login-timeout the login is given up, the worker
    and the helper are killed, desk 1 says so and takes the next login."""
    l.sh("id carol >/dev/null 2>&1 || useradd -m -s /bin/sh carol; "
         "echo 'carol:Cloud-nine-11' | chpasswd; "
         "printf '#!/bin/sh\\n[ \"$PAM_USER\" = carol ] && exec sleep 600\\nexit 0\\n' "
         "> /tmp/slow-auth && chmod 755 /tmp/slow-auth && "
         "sed -i '1i auth optional pam_exec.so quiet /tmp/slow-auth' /etc/pam.d/multiseat")
    conf = conf_text(l).replace("[daemon]\n", "[daemon]\nlogin-timeout = 8\n")
    write_conf(l, conf, reload=True)
    l.wait_guest("grep -q 'SIGHUP: /tmp/ms.conf re-read and applied' /tmp/daemon.log",
                 timeout=20)
    greeting = shot(l, "seat1", "seat1-before-stuck")
    log_in(l, "seat1", "carol", "Cloud-nine-11")
    hung = wait_login(l, "seat1", "authenticating", timeout=30)
    helper = l.wait_guest("pgrep -f '^sleep 600' >/dev/null", timeout=30)
    where = l.sh("cat /proc/$(pgrep -f '^sleep 600' | head -1)/cgroup 2>/dev/null || true")
    check(hung is not None and helper and where.strip() == "0::/multiseat/seat-seat1/login",
          f"carol's login hangs in PAM; its helper (setsid by pam_exec) sleeps in desk 1's "
          f"login cgroup ({where.strip()})")
    start = time.monotonic()
    given_up = l.wait_guest("grep -q \"login of 'carol' is still authenticating after 8 s "
                            "(login-timeout)\" /tmp/daemon.log", timeout=60)
    took = time.monotonic() - start
    login = wait_login(l, "seat1", "greeter", timeout=30)
    check(given_up and login is not None and login.get("failures") == 0,
          f"after login-timeout (8 s) the login is given up and desk 1 greets again, no "
          f"failure counted ({took:.0f} s after the hang was seen; {login})")
    check(l.wait_guest("! pgrep -f '^sleep 600' >/dev/null", timeout=10),
          "the PAM helper is killed with the worker")
    time.sleep(1)
    told = shot(l, "seat1", "seat1-stuck")
    check(told.differing_pixels(greeting) > 500, "desk 1 says the login took too long")

    # PAM answers again: the desk takes the next login.
    l.sh("sed -i '/slow-auth/d' /etc/pam.d/multiseat")
    write_conf(l, conf_text(l), reload=True)
    time.sleep(2)
    log_in(l, "seat1", "alice", PASSWORDS["alice"])
    login = wait_login(l, "seat1", "session", timeout=90)
    check(login is not None and login.get("user") == "alice",
          f"after the stuck login desk 1 logs alice in ({login})")
    rc, _ = l.run(f"{CTL} logout seat1")
    check(rc == 0 and wait_login(l, "seat1", "greeter", timeout=60) is not None,
          "and logs her out again")


# An error from the daemon, a compositor or the login worker, or a warning or worse from a
# seat's PipeWire ("[W]"/"[E]") or WirePlumber ("W"/"E"/"C"), after the tag the daemon puts
# before its children's lines ("seat1: ", "seat1/pipewire: ").
ERROR_LINE = re.compile(r"^(\S+: )?(\S+: error: |\[[WE]\]|[WEC] \d)")


def stop_logged_in(l):
    """systemctl stop with a desk in use: SIGTERM while alice is logged in at desk 1."""
    log_in(l, "seat1", "alice", PASSWORDS["alice"])
    login = wait_login(l, "seat1", "session", timeout=90)
    check(login is not None and login.get("user") == "alice", f"alice logs in again ({login})")
    l.wait_guest("pgrep -u alice -x foot >/dev/null", timeout=60)
    # Gone means reaped: a zombie's /proc entry says State Z.
    out = l.sh("pid=$(cat /tmp/daemon.pid); kill -TERM $pid; "
               "for i in $(seq 300); do grep -qs '^State:.*[^Z] (' /proc/$pid/status || break; "
               "sleep 0.1; done; grep -qs '^State:.*[^Z] (' /proc/$pid/status && echo RUNNING; "
               "pgrep -l -u lab-1,lab-2,alice || true; ps -e -o pid=,comm= | "
               "grep -E ' (pipewire|wireplumber|pipewire-pulse|dbus-daemon|multiseat-compo)$' "
               "|| true", timeout=60)
    check(out.strip() == "", "after SIGTERM the daemon exits within 30 s and no process of the "
          f"seats or of alice outlives it ({out.strip()!r})")
    log = l.sh("sed -n '/stopping every seat/,$p' /tmp/daemon.log")
    errors = [line for line in log.splitlines() if ERROR_LINE.match(line)]
    check(log and not errors, f"the stop logs no error or warning ({errors[:6]})")
    ended = log.find("seat seat1: alice logged out")
    exiting = log.find("every seat has stopped; exiting")
    check("session of alice at seat1 ended" in log and 0 <= ended < exiting,
          f"her session ends and PAM closes it before the daemon says it exits ({ended}, "
          f"{exiting})")


def run():
    with lab.Lab(lab.default_topology(), name="test-login") as l:
        main(l)
        l.sh("kill $(cat /tmp/daemon.pid); sleep 2")
    return check.finish()


if __name__ == "__main__":
    sys.exit(lab.run_test(run))
