#!/bin/sh
# install.sh MAKE -- make install and make uninstall into a DESTDIR, as a
# packager runs them: the files, their modes, the substituted paths.
MAKE=${1:-make}
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$tmp/root

mode() { stat -c %a "$1" 2>/dev/null; }
$MAKE -s --no-print-directory install DESTDIR="$d" PREFIX=/usr \
    > "$tmp/log" 2>&1 && ok || { cat "$tmp/log"; bad "make install failed"; }
for f in usr/bin/techpay:755 usr/share/man/man1/techpay.1:644 \
    usr/share/man/man5/techpay.ini.5:644 \
    etc/techpay/techpay.ini.example:644 \
    usr/lib/systemd/system/techpay.service:644 \
    usr/lib/techpay/techpay-matrix.so:644 \
    usr/lib/techpay/techpay-console.so:644; do
	p=$d/${f%:*}; want=${f##*:}
	[ -f "$p" ] && ok || bad "not installed: ${f%:*}"
	[ "$(mode "$p")" = "$want" ] && ok ||
	    bad "${f%:*}: mode $(mode "$p"), want $want"
done
out=$("$d/usr/bin/techpay" --version 2>&1)
case "$out" in "techpay "*) ok ;; *) bad "installed --version: $out" ;; esac
# it answers from the knowledge built into it, with no source tree near
out=$(cd / && "$d/usr/bin/techpay" ask '!salary sre' 2>&1)
case "$out" in *'Site Reliability Engineer: $140,000'*) ok ;;
    *) bad "installed ask: $out" ;; esac
# the console is a module: found in lib/techpay beside bin/, wherever the
# binary is started from
out=$(cd / && printf '!salary sre\n' | "$d/usr/bin/techpay" console 2>&1)
case "$out" in *'Site Reliability Engineer: $140,000'*) ok ;;
    *) bad "installed console: $out" ;; esac
# an IRC-only daemon maps neither libcurl nor libedit (ldd: the binary's
# own needs; the modules bring theirs)
libs=$(ldd "$d/usr/bin/techpay" 2>&1)
case "$libs" in *libcurl*|*libedit*) bad "the binary links: $libs" ;;
    *) ok ;; esac
# without its modules the binary still answers, and says what is missing
mv "$d/usr/lib/techpay" "$tmp/mods"
out=$(cd / && printf '!salary sre\n' | "$d/usr/bin/techpay" console 2>&1)
case "$out" in *'techpay-console.so is in neither'*) ok ;;
    *) bad "console without its module: $out" ;; esac
out=$(cd / && "$d/usr/bin/techpay" ask '!salary sre' 2>&1)
case "$out" in *'Site Reliability Engineer: $140,000'*) ok ;;
    *) bad "ask without the modules: $out" ;; esac
mv "$tmp/mods" "$d/usr/lib/techpay"
# man -l renders both pages
for m in man1/techpay.1 man5/techpay.ini.5; do
	n=$(MANWIDTH=80 man -l "$d/usr/share/man/$m" 2>/dev/null | wc -l)
	[ "$n" -gt 20 ] && ok || bad "man -l $m: $n lines"
done
u=$d/usr/lib/systemd/system/techpay.service
grep -q '^ExecStart=/usr/bin/techpay run -c /etc/techpay/techpay.ini$' "$u" &&
    ok || bad "unit: ExecStart not substituted: $(grep ^ExecStart= "$u")"
grep -q /usr/local "$u" "$d/usr/share/man/man1/techpay.1" &&
    bad "/usr/local left in the installed unit or man page" || ok
cmp -s config.example "$d/etc/techpay/techpay.ini.example" && ok ||
    bad "techpay.ini.example differs from config.example"
# the unit as systemd reads it (when systemd-analyze is there)
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|/usr/bin/techpay|$d/usr/bin/techpay|g" "$u" > "$tmp/techpay.service"
	systemd-analyze verify --man=no "$tmp/techpay.service" > "$tmp/v" 2>&1 &&
	    ok || bad "systemd-analyze verify: $(cat "$tmp/v")"
	# the override the unit's comment and README give for secrets (N11)
	mkdir "$tmp/techpay.service.d"
	printf '[Service]\nLoadCredential=sasl:/etc/techpay/sasl.pass\nLoadCredential=staff:/etc/techpay/staff.key\n' \
	    > "$tmp/techpay.service.d/override.conf"
	systemd-analyze verify --man=no "$tmp/techpay.service" > "$tmp/v" 2>&1 &&
	    [ ! -s "$tmp/v" ] && ok ||
	    bad "systemd-analyze verify with LoadCredential=: $(cat "$tmp/v")"
	grep -q '^#   LoadCredential=sasl:/etc/techpay/sasl.pass$' "$u" && ok ||
	    bad "unit: the LoadCredential= example is gone from its comment"
fi
# N11: under the unit's dynamic user techpay.ini is readable by others,
# so every secret comes from a credential file (as systemd leaves them:
# 0400, the service's) and the config holds none: no warning
c=$tmp/credentials; mkdir -m 700 "$c"
for s in server sasl nickserv staff token; do
	echo "secret-$s" > "$c/$s"; chmod 400 "$c/$s"
done
printf '[bot]\nnick = paybot\nstate_dir = %s/state\n[network n]\nservers = irc.example.org\nserver_password_file = %s/server\nsasl_user = paybot\nsasl_password_file = %s/sasl\nchannels = #techpay, #staff\nchannel_key_file = #staff %s/staff\n[network o]\nservers = irc.example.net\nnickserv_password_file = %s/nickserv\nnickserv_target = NickServ@services.example.net\n[matrix m]\nhomeserver = https://hs.example.net\nuser_id = @paybot:hs.example.net\naccess_token_file = %s/token\ninvite_from = hs.example.net\n' \
    "$tmp" "$c" "$c" "$c" "$c" "$c" > "$tmp/cred.ini"
chmod 644 "$tmp/cred.ini"
out=$("$d/usr/bin/techpay" check-config -c "$tmp/cred.ini" 2>&1) && ok ||
    bad "check-config with every secret from a credential: $out"
case "$out" in *warning*) bad "credentials warned about: $out" ;; *) ok ;; esac
# the man pages format without warnings
for m in "$d/usr/share/man/man1/techpay.1" "$d/usr/share/man/man5/techpay.ini.5"; do
	w=$(groff -mdoc -Tutf8 -ww -z "$m" 2>&1)
	[ -z "$w" ] && ok || bad "groff: $w"
	if command -v mandoc >/dev/null 2>&1; then
		w=$(mandoc -T lint -W warning "$m" 2>&1)
		[ -z "$w" ] && ok || bad "mandoc: $w"
	fi
done

# an operator's techpay.ini is kept by uninstall
echo "# mine" > "$d/etc/techpay/techpay.ini"
$MAKE -s --no-print-directory uninstall DESTDIR="$d" PREFIX=/usr \
    > "$tmp/log" 2>&1 && ok || { cat "$tmp/log"; bad "make uninstall failed"; }
left=$(find "$d" -type f)
[ "$left" = "$d/etc/techpay/techpay.ini" ] && ok ||
    bad "uninstall left (or removed) files: $left"

# DESTDIR with the defaults: PREFIX /usr/local, config in /etc
$MAKE -s --no-print-directory install DESTDIR="$tmp/def" > "$tmp/log" 2>&1 &&
    [ -x "$tmp/def/usr/local/bin/techpay" ] &&
    [ -f "$tmp/def/etc/techpay/techpay.ini.example" ] &&
    [ -f "$tmp/def/usr/local/share/man/man1/techpay.1" ] &&
    [ -f "$tmp/def/usr/local/lib/systemd/system/techpay.service" ] &&
    [ -f "$tmp/def/usr/local/lib/techpay/techpay-matrix.so" ] && ok ||
    bad "install with the default PREFIX: $(cat "$tmp/log"; find "$tmp/def")"

echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
