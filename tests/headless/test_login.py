"""The login worker through real PAM: logintool (login_session_start and a loop printing each
worker message) runs with pam_wrapper preloaded, which makes PAM read the service `multiseat`
from a test directory; there pam_matrix authenticates against its own password file. The
session runs as a throwaway system account made here (root is needed for that and for the
worker's setuid: without it the test fails, it does not skip)."""

import glob
import os
import pwd
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from wayland_helpers import BUILD, SANITIZER_MARKERS, Checks  # noqa: E402

check = Checks("headless login")
TOOL = os.path.join(BUILD, "tests", "headless", "logintool")
USER = "ms-login-test"
PASSWORD = "Corr3ct-h0rse-7Q!"
WRONG = "Wr0ng-batt3ry-9Z"
AUTH_FAILED = "Wrong user name or password"


def find_pam_wrapper():
    for lib in sorted(glob.glob("/usr/lib/*/libpam_wrapper.so")) + ["/usr/lib/libpam_wrapper.so"]:
        matrix = os.path.join(os.path.dirname(lib), "pam_wrapper", "pam_matrix.so")
        if os.path.exists(lib) and os.path.exists(matrix):
            return lib, matrix
    return None, None


def sanitizer_runtimes():
    """ASan must come first in LD_PRELOAD, before pam_wrapper, or it refuses to start: the
    runtimes the (maybe sanitized) tool links are put in front."""
    out = subprocess.run(["ldd", TOOL], capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("libasan.so") and len(parts) >= 3:
            libs.append(parts[2])
    return libs


class Setup:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ms-login-")
        os.chmod(self.dir, 0o755)
        # The password file holds the password by necessity: apart from the directory that
        # the no-password-anywhere check walks.
        self.pam_dir = tempfile.mkdtemp(prefix="ms-login-pam-")
        self.home = os.path.join(self.dir, "home")
        self.out = os.path.join(self.dir, "out")
        self.run = os.path.join(self.dir, "run")
        os.mkdir(self.run, 0o755)
        try:
            pwd.getpwnam(USER)
            # A run that was killed left this test's own user behind, with another home.
            subprocess.run(["userdel", USER], check=True)
        except KeyError:
            pass
        subprocess.run(["useradd", "--no-create-home", "--home-dir", self.home,
                        "--shell", "/bin/sh", "--user-group", USER], check=True)
        self.created_user = True
        self.pw = pwd.getpwnam(USER)
        for d in (self.home, self.out):
            os.mkdir(d, 0o755)
            os.chown(d, self.pw.pw_uid, self.pw.pw_gid)
        lib, matrix = find_pam_wrapper()
        if not lib:
            raise RuntimeError("libpam_wrapper.so and pam_matrix.so not found: "
                               "install libpam-wrapper (tools/deps.sh test)")
        passdb = os.path.join(self.pam_dir, "passdb")
        with open(passdb, "w") as f:
            f.write(f"{USER}:{PASSWORD}:multiseat\n")
        with open(os.path.join(self.pam_dir, "multiseat"), "w") as f:
            for kind in ("auth", "account", "password", "session"):
                f.write(f"{kind} required {matrix} passdb={passdb} verbose\n")
        self.env = dict(os.environ)
        asan = sanitizer_runtimes()
        self.env.update({
            "LD_PRELOAD": ":".join(asan + [lib]),
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": self.pam_dir,
        })
        if asan:
            # pam_wrapper's RTLD_DEEPBIND would let modules bypass ASan's interceptors.
            self.env["PAM_WRAPPER_DISABLE_DEEPBIND"] = "1"
        self.outputs = []

    def finish(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.pam_dir, ignore_errors=True)
        if self.created_user:
            subprocess.run(["userdel", USER], check=False)


S = None


class Tool:
    def __init__(self, user, password, command, name, extra=()):
        self.name = name
        self.runtime_dir = os.path.join(S.run, name)
        self.proc = subprocess.Popen(
            [TOOL, "--user", user, "--runtime-dir", self.runtime_dir, "--command", command,
             "--desk", "seat-7", "--seat", "seat-7", "--wayland-display", "wayland-test",
             *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=S.env)
        self.lines = queue.Queue()
        self.stdout, self.stderr = [], []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout, True),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr, False),
                         daemon=True).start()
        self.send(password)

    def _read(self, stream, keep, queue_it):
        for line in stream:
            keep.append(line)
            if queue_it:
                self.lines.put(line.rstrip("\n"))

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix, timeout=15):
        """The next line starting with `prefix`; lines before it are skipped. None on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            if line.startswith(prefix):
                return line
        return None

    def finish(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            code = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        time.sleep(0.1)
        text = "".join(self.stdout) + "".join(self.stderr)
        S.outputs.append(text)
        check(not any(m in text for m in SANITIZER_MARKERS), f"{self.name}: no sanitizer reports")
        if any(m in text for m in SANITIZER_MARKERS) or code != 0:
            print(text, flush=True)
        return code


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_file(path, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return True
        time.sleep(0.05)
    return False


def read(path):
    with open(path) as f:
        return f.read().strip()


def test_session_runs_and_ends():
    out = S.out
    cmd = (f'id -un > {out}/id; stat -c "%a %U" "$XDG_RUNTIME_DIR" > {out}/rt; '
           f'echo "$WAYLAND_DISPLAY $XDG_SEAT $XDG_SESSION_TYPE $HOME $USER" > {out}/env; '
           f'pwd > {out}/pwd; echo "$PIPEWIRE_RUNTIME_DIR $MS_TWO" > {out}/extra')
    t = Tool(USER, PASSWORD, cmd, "good",
             ["--env", "PIPEWIRE_RUNTIME_DIR=/run/desk-7", "--env", "MS_TWO=2",
              "--env", "HOME=/not-the-home", "--env", "WAYLAND_DISPLAY=elsewhere"])
    auth = t.expect("authenticated ")
    check(auth == f"authenticated {S.pw.pw_uid} {USER}",
          f"the worker names the account and its uid before the session starts ({auth})")
    started = t.expect("started ")
    check(started is not None, f"a correct password starts the session ({started})")
    ended = t.expect("ended ")
    check(ended == "ended 0", f"a session that exits by itself ends the worker ({ended})")
    gone = t.expect("worker gone")
    code = t.finish()
    check(gone is not None and code == 0, f"the worker closes the socket and exits (tool {code})")
    check(any("text info" in line for line in t.stdout),
          "pam_matrix's PAM_TEXT_INFO reaches the daemon as LOGIN_TEXT")
    ok = os.path.exists(f"{out}/id")
    check(ok and read(f"{out}/id") == USER and os.stat(f"{out}/id").st_uid == S.pw.pw_uid,
          f"the session runs as {USER}: id -un says so and the file is the user's")
    check(ok and read(f"{out}/rt") == f"700 {USER}",
          f"XDG_RUNTIME_DIR has mode 0700 and is the user's ({ok and read(f'{out}/rt')})")
    env = read(f"{out}/env") if ok else ""
    check(env == f"wayland-test seat-7 wayland {S.home} {USER}",
          f"WAYLAND_DISPLAY, XDG_SEAT, XDG_SESSION_TYPE, HOME and USER are set ({env})")
    check(ok and read(f"{out}/pwd") == S.home, "the session starts in the home directory")
    extra = read(f"{out}/extra") if ok else ""
    check(extra == "/run/desk-7 2",
          f"the request's environment lines reach the session ({extra}), but not over "
          "HOME or WAYLAND_DISPLAY (checked above)")
    check(not os.path.exists(t.runtime_dir), "the runtime dir is removed when the session ends")


def failed_login(user, password, name):
    marker = os.path.join(S.out, name)
    t = Tool(user, password, f"touch {marker}", name)
    failed = t.expect("failed ")
    gone = t.expect("worker gone")
    code = t.finish()
    started = any(line.startswith("started") for line in t.stdout)
    return failed, gone is not None and code == 0, started or os.path.exists(marker), t


def test_wrong_password():
    failed, gone, started, t = failed_login(USER, WRONG, "wrong")
    check(failed is not None and failed.endswith(": " + AUTH_FAILED),
          f"a wrong password gives '{AUTH_FAILED}' ({failed})")
    check(gone and not started, "and starts nothing; the worker exits")
    check(not os.path.exists(t.runtime_dir), "and makes no runtime dir")
    check(any("text error" in line for line in t.stdout),
          "pam_matrix's PAM_ERROR_MSG reaches the daemon as LOGIN_TEXT")


def test_unknown_user():
    failed, gone, started, _ = failed_login("ms-no-such-user", PASSWORD, "unknown")
    check(failed is not None and failed.endswith(": " + AUTH_FAILED),
          f"an unknown user gives the same '{AUTH_FAILED}' ({failed})")
    check(gone and not started, "and starts nothing")


def test_refused():
    marker = os.path.join(S.out, "refused")
    t = Tool(USER, PASSWORD, f"touch {marker}", "refused", ["--refuse"])
    auth = t.expect("authenticated ")
    refusing = t.expect("refusing")
    destroyed = t.expect("destroyed", timeout=20)
    code = t.finish()
    check(auth is not None and refusing is not None and destroyed is not None and code == 0,
          f"a daemon that closes the socket after LOGIN_AUTHENTICATED ends the login ({auth})")
    check(not os.path.exists(marker) and not os.path.exists(t.runtime_dir)
          and not any(line.startswith(("started", "failed")) for line in t.stdout),
          "and no session, runtime dir or LOGIN_FAILED follows")


def long_session(name):
    out = S.out
    # A child in the session's group that ignores SIGTERM: only the SIGKILL after the grace
    # ends it.
    cmd = (f"sh -c 'trap \"\" TERM; exec sleep 1000' & echo $! > {out}/{name}-child; "
           f"echo $$ > {out}/{name}-leader; exec sleep 1000")
    t = Tool(USER, PASSWORD, cmd, name)
    started = t.expect("started ")
    ok = started is not None and wait_file(f"{out}/{name}-child") and \
        wait_file(f"{out}/{name}-leader")
    check(ok, f"{name}: a long session starts ({started})")
    pids = [int(read(f"{out}/{name}-child")), int(read(f"{out}/{name}-leader"))] if ok else []
    st = os.stat(t.runtime_dir) if os.path.exists(t.runtime_dir) else None
    check(st is not None and st.st_mode & 0o777 == 0o700 and st.st_uid == S.pw.pw_uid,
          f"{name}: while it runs, the runtime dir exists, mode 0700, owned by {USER}")
    check(all(alive(p) for p in pids) and len(pids) == 2, f"{name}: the session's processes run")
    return t, pids


def test_logout():
    t, pids = long_session("logout")
    t.send("logout")
    ended = t.expect("ended ", timeout=20)
    check(ended is not None, f"logout ends the session ({ended})")
    check(not any(alive(p) for p in pids),
          "logout kills the session and its children, one of them deaf to SIGTERM")
    check(not os.path.exists(t.runtime_dir), "logout removes the runtime dir")
    gone = t.expect("worker gone")
    check(gone is not None and t.finish() == 0, "the worker exits after logout")


def test_destroy():
    t, pids = long_session("destroy")
    t.send("destroy")
    destroyed = t.expect("destroyed", timeout=20)
    code = t.finish()
    check(destroyed is not None and code == 0, "login_session_destroy returns")
    check(not any(alive(p) for p in pids) and not os.path.exists(t.runtime_dir),
          "destroying a running session kills it and removes the runtime dir")


def test_no_password_anywhere():
    everything = "".join(S.outputs)
    check(len(everything) > 0 and PASSWORD not in everything and WRONG not in everything,
          "no password in the tool's stdout or stderr (the worker's log)")
    found = []
    for root, _, files in os.walk(S.dir):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if PASSWORD.encode() in data or WRONG.encode() in data:
                found.append(path)
    check(not found, f"no password in any file the sessions and workers left ({found})")


def main():
    global S
    if os.geteuid() != 0:
        # CI runs as root: a skip here would hide a broken login. Fail instead.
        check(False, "test_login must run as root (it makes an account and the worker "
                     "setuids to it)")
        return check.finish()
    if not os.path.exists(TOOL):
        check(False, f"{TOOL} is not built")
        return check.finish()
    S = Setup()
    try:
        return check.run_all([test_session_runs_and_ends, test_wrong_password,
                              test_unknown_user, test_refused, test_logout, test_destroy,
                              test_no_password_anywhere])
    finally:
        S.finish()


if __name__ == "__main__":
    sys.exit(main())
