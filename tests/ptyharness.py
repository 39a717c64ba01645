#!/usr/bin/env python3
"""ptyharness.py: run a command on a new terminal and play that terminal
and its user (for tests/hostsafety.bats).

usage: ptyharness.py [OPTION...] -- PROGRAM [ARG...]
       ptyharness.py [OPTION...] -c SHELL-COMMAND      (runs sh -c SHELL-COMMAND)

The harness opens a pty (24 rows, 80 columns) and forks a "shell": a new
session whose controlling terminal is the pty, on fds 0, 1 and 2.  The shell
forks the command and waits for it:
  default        the command runs in the shell's process group, the
                 terminal's foreground group (a shell without job control);
  --background   the command runs in a process group of its own and the
                 shell's stays in the foreground (`cmd &` at an interactive
                 shell).
The shell counts the SIGWINCH it gets.  The harness is the terminal: it
reads the output and types the input, on the pty's master side.

  --answer-dsr      answer each ESC[6n in the output with ESC[1;1R (as xterm)
  --stop-output     tcflow(TCOOFF) on the terminal before the command starts,
                    never resumed; the output is not read then
  --type TEXT       type TEXT, as is (pass $'line\\n' for a line) ...
  --after SECS      ... that many seconds after the start (default 0),
                    even if the command has ended by then
  --flood-input N   keep typing 'x' until N bytes are typed; input the
                    terminal does not take is never waited for
  --deadline SECS   SIGKILL the command's process group after SECS (30)

Typing never blocks: what the terminal does not take waits (at most 64 KiB,
beyond that DSR answers are dropped).  The report, on stdout, one key=value
a line (TEXT values escaped as Python's unicode_escape does):
  exit=N | exit=signal N   how the command ended
  seconds=S                from the start to the command's end
  killed=yes|no            the deadline was hit
  termios-changed=yes|no   the termios after the run differ from before
  winsize=ROWSxCOLS        the terminal's size after the run
  winsize-changed=yes|no   ... differs from before
  winch=N                  SIGWINCH the shell got
  leftover-input=TEXT      what a foreground reader in raw mode reads from
                           the terminal after the run (non-blocking; the
                           first 1024 bytes)
  flows=yes|no|untested    after the run a line written to the terminal
                           comes out of it (its output is not stopped);
                           untested with --stop-output
  typed=N                  bytes typed into the terminal
  output-bytes=N           bytes of output read
  output=TEXT              the last 1024 of them
Exit status 0 once the report is written, 2 on a usage error.
"""
import argparse
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time

DSR, DSR_ANSWER = b"\x1b[6n", b"\x1b[1;1R"
PENDING_MAX, KEEP = 65536, 1024


def esc(b):
    return b.decode("latin-1").encode("unicode_escape").decode("ascii")


def winsize(fd):
    return struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))[:2]


def shell(args, tty_name, report):
    """The child: session leader on the terminal; runs the command."""
    os.setsid()
    tty = os.open(tty_name, os.O_RDWR)
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGWINCH, lambda *_: os.write(report, b"W"))
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGWINCH, signal.SIG_DFL)
        if args.background:
            os.setpgid(0, 0)
        for fd in (0, 1, 2):
            os.dup2(tty, fd)
        os.closerange(3, 65536)
        try:
            os.execvp(args.argv[0], args.argv)
        except OSError as e:
            sys.stderr.write("ptyharness.py: %s: %s\n" % (args.argv[0], e))
        os._exit(127)
    if args.background:
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # it has already done it itself (or exec'd)
    os.write(report, b"P%d\n" % pid)
    _, status = os.waitpid(pid, 0)
    os.write(report, b"S%d\n" % status)
    os._exit(0)


class Terminal:
    """The master side: what was typed and what came out."""

    def __init__(self, master):
        self.master, self.pending, self.typed = master, b"", 0
        self.output, self.nout, self.dsr, self.tail = b"", 0, False, b""

    def type(self, text):
        self.pending += text

    def flush_input(self):
        try:
            n = os.write(self.master, self.pending)
            self.pending, self.typed = self.pending[n:], self.typed + n
        except BlockingIOError:
            pass

    def read(self):
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return b""
        self.nout += len(data)
        self.output = (self.output + data)[-KEEP:]
        if self.dsr:
            seen = self.tail + data
            if len(self.pending) < PENDING_MAX:
                self.pending += DSR_ANSWER * seen.count(DSR)
            self.tail = seen[-(len(DSR) - 1):]
        return data

    def read_for(self, secs, until=None):
        """Read for at most secs, or until nothing comes, or until `until`
        has come out; returns what came."""
        got, limit = b"", time.monotonic() + secs
        while time.monotonic() < limit and (until is None or until not in got):
            if not select.select([self.master], [], [], 0.3)[0]:
                if until is None:
                    break
                continue
            got += self.read()
        return got


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--answer-dsr", action="store_true")
    p.add_argument("--stop-output", action="store_true")
    p.add_argument("--type", default=None)
    p.add_argument("--after", type=float, default=0)
    p.add_argument("--flood-input", type=int, default=0)
    p.add_argument("--deadline", type=float, default=30)
    p.add_argument("--background", action="store_true")
    p.add_argument("-c", dest="command")
    p.add_argument("argv", nargs="*")
    args = p.parse_args()
    if args.command is not None:
        args.argv = ["sh", "-c", args.command]
    if not args.argv:
        p.error("no command")

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.set_blocking(master, False)
    os.set_blocking(slave, False)
    before, size_before = termios.tcgetattr(slave), winsize(slave)
    if args.stop_output:
        termios.tcflow(slave, termios.TCOOFF)
    rep_r, rep_w = os.pipe()
    start = time.monotonic()
    shell_pid = os.fork()
    if shell_pid == 0:
        os.close(master)
        os.close(rep_r)
        shell(args, os.ttyname(slave), rep_w)
    os.close(rep_w)

    term = Terminal(master)
    term.dsr = args.answer_dsr
    flood_left, to_type, rep, winch = args.flood_input, args.type, b"", 0
    cmd_pid = status = end = None
    deadline = start + args.deadline
    while status is None:
        now = time.monotonic()
        if now >= deadline:
            if end:
                break  # killed, and the shell does not report: give up
            end, deadline = now, now + 10
            try:
                os.killpg(cmd_pid if args.background and cmd_pid else shell_pid, signal.SIGKILL)
            except OSError:
                pass
        if to_type is not None and now >= start + args.after:
            term.type(to_type.encode())
            to_type = None
        if flood_left and len(term.pending) < 4096:
            chunk = min(flood_left, 4096)
            term.type(b"x" * chunk)
            flood_left -= chunk
        wait = deadline - now
        if to_type is not None:
            wait = min(wait, start + args.after - now)
        r, w, _ = select.select([rep_r] + ([] if args.stop_output else [master]),
                                [master] if term.pending else [], [], max(wait, 0))
        if w:
            term.flush_input()
        if master in r:
            term.read()
        if rep_r in r:
            data = os.read(rep_r, 4096)
            if not data:  # the shell is gone (killed with its group)
                status = "signal %d" % signal.SIGKILL if end else "lost"
            winch += data.count(b"W")
            rep += data.replace(b"W", b"")
            while b"\n" in rep:
                line, rep = rep.split(b"\n", 1)
                if line.startswith(b"P"):
                    cmd_pid = int(line[1:])
                else:
                    st = int(line[1:])
                    status = (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                              else "signal %d" % os.WTERMSIG(st))
    killed, end = end is not None, end or time.monotonic()
    if to_type is not None:  # typed even after the end, for the shell
        time.sleep(max(start + args.after - time.monotonic(), 0))
        term.pending = to_type.encode()
        term.flush_input()
    if not args.stop_output:
        term.read_for(2)  # what is still coming out
    after = termios.tcgetattr(slave)
    raw = list(after)  # non-canonical, to see a line not ended too
    raw[3] &= ~(termios.ICANON | termios.ECHO)
    raw[6] = list(raw[6])
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 0, 0
    termios.tcsetattr(slave, termios.TCSANOW, raw)
    try:
        leftover = os.read(slave, 65536)
    except OSError:
        leftover = b""
    termios.tcsetattr(slave, termios.TCSANOW, after)
    output, nout, flows = term.output, term.nout, "untested"
    if not args.stop_output:
        token = b"flow-check-%d" % os.getpid()
        try:
            os.write(slave, token + b"\r\n")
        except OSError:
            pass
        flows = "yes" if token in term.read_for(3, until=token) else "no"
    size = winsize(slave)
    print("exit=%s" % ("lost" if status is None else status))
    print("seconds=%.1f" % (end - start))
    print("killed=%s" % ("yes" if killed else "no"))
    print("termios-changed=%s" % ("yes" if after != before else "no"))
    print("winsize=%dx%d" % size)
    print("winsize-changed=%s" % ("yes" if size != size_before else "no"))
    print("winch=%d" % winch)
    print("leftover-input=%s" % esc(leftover[:KEEP]))
    print("flows=%s" % flows)
    print("typed=%d" % term.typed)
    print("output-bytes=%d" % nout)
    print("output=%s" % esc(output))


if __name__ == "__main__":
    main()
