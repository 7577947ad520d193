#!/bin/sh
# demo.sh TECHPAY -- a local ngircd and the bot in #techpay, until Ctrl-C.
set -e
T=$(readlink -f "$1")
dir=$(mktemp -d /tmp/techpay-demo.XXXXXX)
port=${DEMO_PORT:-6667}
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
ngircd -n -f "$dir/ngircd.conf" > "$dir/ngircd.log" 2>&1 &
ngircd_pid=$!
trap 'kill $ngircd_pid $bot_pid 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
sleep 1
"$T" run -c "$dir/bot.ini" 2> "$dir/bot.log" &
bot_pid=$!
sleep 1
cat <<MSG

  An IRC server is running on 127.0.0.1:$port with techpay in #techpay.
  Connect with any IRC client, for example:
      irssi -c 127.0.0.1 -p $port      then   /join #techpay
      weechat                          then   /server add demo 127.0.0.1/$port
  and ask:  !salary sre    techpay: who earns the most?    !help
  The bot's log: $dir/bot.log        Ctrl-C stops both.

MSG
wait $bot_pid
