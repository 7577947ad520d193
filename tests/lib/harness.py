"""harness.py -- what every end-to-end script shares.

Loopback ports, polling with a deadline, and the bot process: started
with a config, stopped with a signal, its log searched for sanitizer
reports (the suites run the ASan+UBSan binary).
"""
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import unittest

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def wait_for(pred, timeout, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(step)
    return False


class BotProcess:
    """The techpay binary running one config; subclasses write the config
    to self.conf and set self.log."""

    def __init__(self, binary):
        self.binary = binary
        self.proc = None

    def spawn(self):
        """TECHPAY_BOT_WRAPPER (e.g. "valgrind --error-exitcode=9 ...")
        goes in front of the binary."""
        self.logf = open(self.log, "a")
        wrap = shlex.split(os.environ.get("TECHPAY_BOT_WRAPPER", ""))
        self.proc = subprocess.Popen(wrap + [self.binary, "run", "-c",
                                             self.conf],
                                     stdout=self.logf, stderr=subprocess.STDOUT)

    def logtext(self):
        with open(self.log) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        """Stops the bot (if running) and returns its exit code.  Fails on
        a sanitizer report, and on a non-zero exit after SIGTERM."""
        running = self.proc is not None and self.proc.poll() is None
        if running:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30 if os.environ.get("TECHPAY_BOT_WRAPPER")
                               else 10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.logf.close()
        code = self.proc.returncode if self.proc else None
        self.proc = None
        log = self.logtext()
        for bad in SANITIZER_MARKS:
            if bad in log:
                raise AssertionError("sanitizer report in the bot log:\n" +
                                     log[max(0, log.index(bad) - 200):][:3000])
        if running and sig == signal.SIGTERM and code not in (0, None):
            raise AssertionError("bot exited %s after SIGTERM:\n%s"
                                 % (code, log[-3000:]))
        return code


def start_ngircd(workdir, port, penalties=True, channel=None, pin=()):
    """An ngircd on 127.0.0.1:port with a config in workdir; penalties=False
    lets a client send as fast as it likes (benchmarks, soak)."""
    conf = os.path.join(workdir, "ngircd.conf")
    with open(conf, "w") as f:
        f.write("[Global]\nName = irc.test.local\nInfo = techpay\n"
                "Listen = 127.0.0.1\nPorts = %d\nMotdPhrase = x\n"
                "[Limits]\nMaxConnectionsIP = 0\nPingTimeout = 300\n"
                "MaxNickLength = 30\n"
                "[Options]\nPAM = no\nIdent = no\nDNS = no\n" % port)
        if not penalties:
            f.write("MaxPenaltyTime = 0\nDefaultUserModes = F\n")
        if channel:
            f.write("[Channel]\nName = %s\nModes = +n\n" % channel)
    proc = subprocess.Popen(list(pin) + ["ngircd", "-n", "-f", conf],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for(lambda: port_open(port), 10)
    return proc


def run_suite(label, module_name="__main__"):
    """Runs a script's unittest cases (or those named on the command line)
    and prints "LABEL: N passed, N failed" as tests/run.sh does; skipped
    cases are counted apart, never as passed."""
    runner = unittest.TextTestRunner(verbosity=2)
    mod = sys.modules[module_name]
    names = sys.argv[1:]
    loader = unittest.defaultTestLoader
    result = runner.run(loader.loadTestsFromNames(names, mod) if names
                        else loader.loadTestsFromModule(mod))
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    print("%s: %d passed, %d failed%s" % (
        label, result.testsRun - failed - skipped, failed,
        ", %d skipped (not counted as passed)" % skipped if skipped else ""))
    sys.exit(1 if failed else 0)
