"""The programs' command lines on a machine without seat hardware: clear errors
with exit status 2 for bad input, and a device probe that works with nothing to find."""

import json
import os
import subprocess
import sys

BUILD = os.environ["MULTISEAT_BUILD_DIR"]
MULTISEATD = os.path.join(BUILD, "seatd", "multiseatd")
MULTISEATCTL = os.path.join(BUILD, "seatd", "multiseatctl")
COMPOSITOR = os.path.join(BUILD, "compositor", "multiseat-compositor")

passed, failed = [], []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    (passed if cond else failed).append(what)


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def check_config():
    """--check-config on the shipped default and on a file with mistakes."""
    shipped = os.path.join(os.path.dirname(__file__), "..", "..", "data", "multiseat.conf")
    rc, out, err = run(MULTISEATD, "--check-config", shipped)
    check(rc == 0 and "no errors; 0 seats configured, autoseat on" in out and not err,
          f"the shipped multiseat.conf has no errors (rc {rc}, {out.strip()!r}, {err.strip()!r})")
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("[daemon]\nautoseat = sometimes\n[seat.a]\noutputs = card0\nwrong = 1\n"
                "[seat.b]\noutputs = card0\n")
    try:
        rc, out, err = run(MULTISEATD, "--check-config", f.name)
        lines = err.splitlines()
        check(rc == 1 and lines == [
            f"{f.name}:2: autoseat = sometimes: expected true or false",
            f"{f.name}:5: unknown key 'wrong' in [seat.a] (known: outputs, devices, user, session, "
            "mode, keyboard-layout, keyboard-variant, keyboard-options and the caps cpu.weight, "
            "cpu.max, memory.max, memory.high, memory.swap.max, pids.max, io.weight, cpuset)",
            f"{f.name}:7: output card0 is also in [seat.a] on line 4",
            f"{f.name}: 3 errors"] and not out,
            f"--check-config lists every error with file:line and exits 1 (rc {rc}, {lines})")
        rc, out, err = run(MULTISEATD, "--check-config", f.name + ".missing")
        check(rc == 1 and err.strip() == f"{f.name}.missing: cannot read: No such file or directory",
              f"--check-config on a missing file says so (rc {rc}, {err.strip()!r})")
    finally:
        os.unlink(f.name)


def main():
    rc, out, err = run(MULTISEATD, "--probe", "--json")
    check(rc == 0, f"multiseatd --probe --json exits 0 (got {rc}, stderr {err!r})")
    try:
        doc = json.loads(out)
    except json.JSONDecodeError as e:
        doc = None
        check(False, f"--probe --json prints JSON ({e})")
    if doc is not None:
        check(sorted(doc) == ["cards", "hubs", "inputs", "sounds"] and all(isinstance(doc[k], list) for k in doc),
              f"the JSON has the four lists: {sorted(doc)}")
        for card in doc["cards"]:
            check("connectors" in card and "name" in card, f"card {card.get('name')} is described")
    rc, table, err = run(MULTISEATD, "--probe")
    check(rc == 0 and table.startswith("DRM cards: ") and "USB hubs: " in table,
          f"multiseatd --probe prints the table (rc {rc})")
    if doc is not None:
        check(table.startswith(f"DRM cards: {len(doc['cards'])}\n"), "table and JSON agree on the card count")

    for args, needle in [
        (["--bogus"], "unknown option '--bogus'"),
        (["--log-level"], "--log-level needs a value"),
        (["--log-level", "loud"], "'loud' is not one of silent, error, info, debug"),
        (["--json"], "--json only applies to --probe"),
        (["--probe", "extra"], "unexpected argument 'extra'"),
        ([], "only --probe and --check-config are available"),
        (["--check-config"], "--check-config needs a value"),
    ]:
        rc, out, err = run(MULTISEATD, *args)
        check(rc == 2 and needle in err and err.count("\n") == 1,
              f"multiseatd {' '.join(args) or '(no arguments)'}: exit 2 and one line naming the problem "
              f"(rc {rc}, {err.strip()!r})")

    check_config()

    for prog, name in [(MULTISEATD, "multiseatd"), (MULTISEATCTL, "multiseatctl"), (COMPOSITOR, "multiseat-compositor")]:
        rc, out, err = run(prog, "--version")
        check(rc == 0 and out.startswith(f"{name} ") and err == "", f"{name} --version")
        rc, out, err = run(prog, "--help")
        check(rc == 0 and out.startswith("Usage: ") and err == "", f"{name} --help")

    rc, out, err = run(MULTISEATCTL, "frobnicate")
    check(rc == 2 and "frobnicate" in err, f"multiseatctl with an unknown command: exit 2 naming it ({err.strip()!r})")

    print(f"headless: {len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
