#!/bin/sh
# demo.sh TECHPAY -- a local ngircd and the bot in #techpay, until Ctrl-C.
#
# The port is DEMO_PORT, or the first free one from 6667 up; a port that
# is taken, or a server or bot that does not come up, is an error, never
# a cheerful message.  The log stays after Ctrl-C.
set -e
T=$(readlink -f "$1")

port_taken() {
	python3 -c "import socket, sys; s = socket.socket(); \
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
sys.exit(0 if s.connect_ex(('127.0.0.1', int(sys.argv[1]))) == 0 else 1)" "$1"
}

if [ -n "$DEMO_PORT" ]; then
	port=$DEMO_PORT
	if port_taken "$port"; then
		echo "demo: port $port on 127.0.0.1 is taken; set DEMO_PORT to a free one" >&2
		exit 1
	fi
else
	port=6667
	while port_taken "$port"; do
		port=$((port + 1))
		[ $port -le 6700 ] || { echo "demo: no free port in 6667-6700" >&2; exit 1; }
	done
fi
dir=$(mktemp -d /tmp/techpay-demo.XXXXXX)
cat > "$dir/ngircd.conf" <<CONF
[Global]
Name = irc.demo.local
Info = techpay demo
Listen = 127.0.0.1
Ports = $port
MotdPhrase = techpay demo: try !help in #techpay
[Limits]
MaxConnectionsIP = 0
[Options]
PAM = no
Ident = no
DNS = no
[Channel]
Name = #techpay
Modes = +n
CONF
cat > "$dir/bot.ini" <<CONF
[bot]
owners = *!*@127.0.0.1
[network demo]
servers = 127.0.0.1:$port
tls = no
nick = techpay
channels = #techpay
reconnect_min = 1
CONF
chmod 600 "$dir/bot.ini"
ngircd -n -f "$dir/ngircd.conf" > "$dir/ngircd.log" 2>&1 &
ngircd_pid=$!
bot_pid=
# Ctrl-C stops both; the directory (and the bot's log) stays for reading
trap 'kill $ngircd_pid $bot_pid 2>/dev/null; echo; echo "demo stopped; the logs are in $dir"' EXIT
trap 'exit 130' INT TERM
i=0
until port_taken "$port"; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 $ngircd_pid 2>/dev/null; then
		echo "demo: ngircd did not start on port $port:" >&2
		cat "$dir/ngircd.log" >&2
		exit 1
	fi
	sleep 0.1
done
"$T" run -c "$dir/bot.ini" 2> "$dir/bot.log" &
bot_pid=$!
i=0
until grep -q "registered as" "$dir/bot.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $bot_pid 2>/dev/null; then
		echo "demo: the bot did not register:" >&2
		cat "$dir/bot.log" >&2
		exit 1
	fi
	sleep 0.1
done
cat <<MSG

  An IRC server is running on 127.0.0.1:$port with techpay in #techpay.
  Connect with any IRC client, for example:
      irssi -c 127.0.0.1 -p $port -n you
          then  /join #techpay
      weechat
          then  /server add demo 127.0.0.1/$port
                /connect demo
                /join #techpay
  and ask:  !salary sre    techpay: who earns the most?    !help
  The bot's log: $dir/bot.log   (kept after Ctrl-C, which stops both)

MSG
wait $bot_pid
