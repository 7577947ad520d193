#!/bin/sh
# cli.sh TECHPAY -- the command line as a user runs it: ask, explain, console,
# index --check on good and broken knowledge, --help and --version.
T=$1
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() {	# expect NAME WANT OUTPUT
	case "$3" in *"$2"*) ok ;; *) bad "$1: want \"$2\" in: $3" ;; esac
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$("$T" ask '!salary sre'); rc=$?
[ $rc -eq 0 ] && ok || bad "ask exit $rc"
expect "ask" 'Site Reliability Engineer: $140,000–$185,000 (2026 guide)' "$out"
out=$("$T" ask techpay: how much does a cloud architect make)
expect "ask natural" '$145,000–$190,000' "$out"
out=$("$T" ask --html '!compare sre vs devops')
expect "ask --html" '<table>' "$out"
out=$("$T" --version); expect "version" "techpay 0." "$out"
out=$("$T" --help); expect "help" "usage: techpay" "$out"
"$T" bogus >/dev/null 2>&1 && bad "unknown command exit 0" || ok

# explain: why an answer came out; "-" reads one conversation
out=$("$T" explain how much do sres make); rc=$?
[ $rc -eq 0 ] && ok || bad "explain exit $rc"
expect "explain spans" 'role[3-3]="sres"' "$out"
expect "explain scores" 'intent scores: salary=' "$out"
expect "explain chosen" 'chosen: salary role=Site Reliability Engineer' "$out"
expect "explain answer" 'answer: Site Reliability Engineer: $140,000' "$out"
out=$(printf 'how much do devops folks make\nand sre?\n' | "$T" explain -)
expect "explain memory" 'conversation: last=salary role=DevOps Engineer' "$out"
expect "explain follow-up" 'chosen: salary role=Site Reliability' "$out"
out=$("$T" explain '!salary sre')
expect "explain command" 'command: !salary sre' "$out"
"$T" explain >/dev/null 2>&1 && bad "explain without text exit 0" || ok

# console: a line in, the answer out, several in a row, EOF ends it
out=$(printf 'salary sre\n!top 3\ntechpay, which roles need python?\n\nmore\n' |
    "$T" console); rc=$?
[ $rc -eq 0 ] && ok || bad "console exit $rc"
expect "console 1" '$140,000' "$out"
expect "console 2" 'Top 3' "$out"
expect "console 3" 'Data Scientist' "$out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 4 ] && ok ||
    bad "console: 4 answers for 4 questions (the empty line is ignored): $out"
# "more" continues the previous answer in the console
out=$(printf '!tips\nmore\n' | "$T" console)
expect "console more" 'One-time payments' "$(printf '%s\n' "$out" | sed -n 2p)"
# a long line, CR/LF inside and raw Latin-1 are one question each
out=$(printf '!skills d\351vops\r\n' | "$T" console)
expect "latin-1" 'Jenkins' "$out"

# knowledge checks
out=$("$T" index --check); expect "check embedded" "knowledge ok: 14 roles" "$out"
out=$("$T" index --check --knowledge knowledge)
expect "check dir" "knowledge ok: 14 roles" "$out"
cp -r knowledge "$tmp/k"
sed -i 's/"category": "cloud",/"category": "cloud"/' \
    "$tmp/k/roles/site-reliability-engineer.json"
sed -i 's/"refs": \["communication"\]/"refs": ["pythn"]/' "$tmp/k/roles/data-scientist.json"
out=$("$T" index --check --knowledge "$tmp/k" 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "broken knowledge: exit 0"
expect "broken json" "roles/site-reliability-engineer.json: line" "$out"
expect "bad ref" 'roles/data-scientist.json: sources' "$out"
expect "bad ref 2" 'unknown skill "pythn"' "$out"
# a FIFO among the knowledge files is refused at once, not waited on (L6)
cp -r knowledge "$tmp/kfifo"
mkfifo "$tmp/kfifo/roles/zz-fifo.json"
out=$(timeout 10 "$T" index --check --knowledge "$tmp/kfifo" 2>&1); rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] && ok || bad "knowledge FIFO: exit $rc"
expect "knowledge fifo" 'zz-fifo.json: (file): not a regular file' "$out"
# and the files together are capped (9 files of 4 MB pass 32 MB)
cp -r knowledge "$tmp/kbig"
for i in 1 2 3 4 5 6 7 8 9; do
	head -c 4000000 /dev/zero | tr '\0' ' ' > "$tmp/kbig/guides/big$i.txt"
done
out=$("$T" index --check --knowledge "$tmp/kbig" 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "32 MB of knowledge accepted"
expect "knowledge total" 'pass 33554432 bytes together' "$out"
out=$("$T" ask --knowledge "$tmp/k" '!salary sre' 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "ask served a broken knowledge base"
out=$("$T" ask --knowledge /nonexistent '!salary sre' 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "missing knowledge dir: exit 0"
expect "missing dir" "/nonexistent/: (dir)" "$out"

# index cache: built once, reused, rebuilt when the knowledge changes
"$T" ask --index-cache "$tmp/ix.db" '!salary sre' >/dev/null && [ -s "$tmp/ix.db" ] &&
    ok || bad "index cache not written"
out=$("$T" ask --index-cache "$tmp/ix.db" '!salary devpos')
expect "cache reuse" 'DevOps Engineer' "$out"
# a tampered cache (M6): ids out of range are caught and it is rebuilt
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
c.execute('UPDATE name SET target = 5000000 WHERE kind = 0'); c.commit()" \
    "$tmp/ix.db"
out=$("$T" ask --index-cache "$tmp/ix.db" '!salary sre' 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "tampered cache: exit $rc: $out"
expect "tampered cache answered" 'Site Reliability Engineer: $140,000' "$out"
expect "tampered cache rebuilt" 'do not fit the knowledge; rebuilding' "$out"
out=$("$T" ask --index-cache "$tmp/ix.db" '!salary sre' 2>&1)
case "$out" in *rebuilding*) bad "rebuilt cache not trusted: $out" ;; *) ok ;; esac
# a cache others can write, or a symlink, is refused
chmod 666 "$tmp/ix.db"
out=$("$T" ask --index-cache "$tmp/ix.db" '!salary sre' 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "world-writable cache accepted"
expect "writable cache" 'others can write it' "$out"
chmod 600 "$tmp/ix.db"
ln -s "$tmp/ix.db" "$tmp/ix-link.db"
out=$("$T" ask --index-cache "$tmp/ix-link.db" '!salary sre' 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "symlinked cache accepted"
expect "symlinked cache" 'not a regular file' "$out"

# a fatal start-up error exits non-zero, so a supervisor (systemd's
# Restart=on-failure) does not take it for a clean stop: a state_dir the
# bot cannot create (under a regular file: Not a directory, even as root)
: > "$tmp/file"
printf '[bot]\nstate_dir = %s/file/state\n[network t]\nservers = 127.0.0.1:1\ntls = no\nchannels = #t\n' \
    "$tmp" > "$tmp/bad-state.ini"
out=$(timeout 20 "$T" run -c "$tmp/bad-state.ini" 2>&1); rc=$?
[ $rc -eq 1 ] && ok || bad "run with an unusable state_dir: exit $rc, want 1: $out"
expect "state_dir error" "state_dir $tmp/file/state: Not a directory" "$out"
out=$("$T" run 2>&1); rc=$?
[ $rc -eq 2 ] && ok || bad "run without -c: exit $rc, want 2"

# the state directory as the unit's StateDirectory= with DynamicUser=
# makes it: /var/lib/techpay is a symlink to private/techpay (N4).  The
# highlights need the store, so a refusal would exit 1 at once.
mkdir -p "$tmp/var/lib/private/techpay"
chmod 700 "$tmp/var/lib/private" "$tmp/var/lib/private/techpay"
ln -s private/techpay "$tmp/var/lib/techpay"
printf '[bot]\nstate_dir = %s/var/lib/techpay\n[network t]\nservers = 127.0.0.1:1\ntls = no\nchannels = #t\nhighlights = #t\n' \
    "$tmp" > "$tmp/layout.ini"
out=$("$T" check-config -c "$tmp/layout.ini" 2>&1) && ok ||
    bad "check-config, systemd's state layout: $out"
out=$(timeout 3 "$T" run -c "$tmp/layout.ini" 2>&1); rc=$?
[ $rc -eq 124 ] && ok || bad "run, systemd's state layout: exit $rc, want 124 (running): $out"
[ "$(stat -c %a "$tmp/var/lib/private/techpay/techpay.db" 2>&1)" = 600 ] &&
    ok || bad "run, systemd's state layout: no private/techpay/techpay.db"

# systemd's Type=notify: READY=1 once the adapters have started (the
# server here refuses connections: "on their way" is enough), and
# STOPPING=1 at SIGTERM, on the socket named by $NOTIFY_SOCKET
printf '[bot]\nlog_level = info\n[network t]\nservers = 127.0.0.1:1\ntls = no\nchannels = #t\n' \
    > "$tmp/notify.ini"
out=$(python3 - "$T" "$tmp/notify.ini" "$tmp/notify.sock" <<'PY' 2>&1
import os, signal, socket, subprocess, sys
binary, conf, path = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(15)
env = dict(os.environ, NOTIFY_SOCKET=path)
p = subprocess.Popen([binary, "run", "-c", conf], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
got = []
try:
    while not any(b"READY=1" in m for m in got):
        got.append(s.recv(4096))
    p.send_signal(signal.SIGTERM)
    while not any(b"STOPPING=1" in m for m in got):
        got.append(s.recv(4096))
except socket.timeout:
    pass
rc = p.wait(15)
print("messages:", b" | ".join(got).decode(), "exit:", rc)
PY
)
expect "sd_notify ready" "READY=1" "$out"
expect "sd_notify stopping" "STOPPING=1" "$out"
expect "sd_notify exit" "exit: 0" "$out"

# check-config: credentials in clear only to this machine, or when asked
mx() {	# mx HOMESERVER [EXTRA]: a Matrix config in $tmp/mx.ini
	# invite_from set: an empty one is warned about (nobody could invite)
	umask 077; printf '[bot]\nstate_dir = %s/st\n[matrix m]\nhomeserver = %s\nuser_id = @b:x\naccess_token = t\ninvite_from = :x\n%s\n' \
	    "$tmp" "$1" "$2" > "$tmp/mx.ini"
}
mx http://matrix.example.org
out=$("$T" check-config -c "$tmp/mx.ini" 2>&1) && bad "remote http:// accepted" || ok
expect "remote http" "http:// to another machine" "$out"
mx http://user@matrix.example.org:8008/x
"$T" check-config -c "$tmp/mx.ini" >/dev/null 2>&1 &&
    bad "remote http:// with user and port accepted" || ok
mx http://matrix.example.org 'allow_insecure_http = yes'
out=$("$T" check-config -c "$tmp/mx.ini" 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "allow_insecure_http refused: $out"
expect "insecure warned" "warning: [matrix m]: allow_insecure_http" "$out"
for hs in http://127.0.0.1:8008 http://127.1.2.3 'http://[::1]:8008' \
    http://LOCALHOST:8008/ https://matrix.example.net; do
	mx "$hs"
	out=$("$T" check-config -c "$tmp/mx.ini" 2>&1); rc=$?
	[ $rc -eq 0 ] && ok || bad "$hs refused: $out"
	case "$out" in *warning*) bad "$hs warned: $out" ;; *) ok ;; esac
done
irc() {	# irc HOST EXTRA: an IRC config with tls = no in $tmp/irc.ini
	umask 077; printf '[network n]\nservers = %s\ntls = no\n%s\n' "$1" "$2" > "$tmp/irc.ini"
}
plain='sasl_user = u
sasl_password = p'
irc irc.example.org "$plain
sasl_required = yes"
out=$("$T" check-config -c "$tmp/irc.ini" 2>&1) &&
    bad "sasl_required PLAIN without TLS accepted" || ok
expect "plain refused" "sasl_required with SASL PLAIN and tls = no" "$out"
irc irc.example.org "$plain"
out=$("$T" check-config -c "$tmp/irc.ini" 2>&1)
expect "plain warned" "warning: [network n]: SASL PLAIN with tls = no" "$out"
irc irc.example.org "nickserv_password = p"
out=$("$T" check-config -c "$tmp/irc.ini" 2>&1)
expect "nickserv warned" "warning: [network n]: nickserv_password with tls = no" "$out"
irc 127.0.0.1:6667 "$plain
sasl_required = yes"
out=$("$T" check-config -c "$tmp/irc.ini" 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "loopback SASL PLAIN refused: $out"
case "$out" in *warning*) bad "loopback warned: $out" ;; *) ok ;; esac
irc 127.0.0.1:6667 "nickserv_password = p
nickserv_target = NickServ@services.example"
out=$("$T" check-config -c "$tmp/irc.ini" 2>&1); rc=$?
[ $rc -eq 0 ] && ok || bad "loopback NickServ refused: $out"
case "$out" in *warning*) bad "loopback NickServ warned: $out" ;; *) ok ;; esac

# the console on a terminal edits lines and keeps history (libedit): the
# up arrow brings the last question back instead of being sent as text
out=$(python3 - "$T" <<'PY' 2>&1
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "console"])
def until(want, n, t=10):
    buf, end = b"", time.time() + t
    while buf.count(want) < n and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    return buf
until(b"> ", 1)
os.write(fd, b"salary sre\r")
first = until(b"$140,000", 1)
os.write(fd, b"\x1b[A\r")        # up arrow, enter
second = until(b"$140,000", 1)
os.write(fd, b"\x04")             # Ctrl-D
for _ in range(50):
    if os.waitpid(pid, os.WNOHANG)[0]:
        break
    time.sleep(0.1)
else:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("Ctrl-D did not end the console")
print("first:", b"$140,000" in first, "again:", b"$140,000" in second,
      "raw escape echoed as a question:", b"[A" in second and b"$140,000" not in second)
PY
)
expect "console history" "first: True again: True" "$out"

# make demo on a taken port fails loudly instead of claiming a server
out=$(python3 - "$T" <<'PY' 2>&1
import os, socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
r = subprocess.run(["sh", os.path.join("tests", "bench", "demo.sh"), sys.argv[1]],
                   env=dict(os.environ, DEMO_PORT=str(port)),
                   capture_output=True, text=True, timeout=30)
print("exit", r.returncode, r.stderr.strip(), "running" in r.stdout)
PY
)
expect "demo taken port" "exit 1 demo: port" "$out"
expect "demo taken port 2" "is taken; set DEMO_PORT to a free one False" "$out"

echo "cli ($T): $pass passed, $fail failed"
[ $fail -eq 0 ]
