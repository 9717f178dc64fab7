#!/bin/sh
# The RA's mail (src/ra/mail.c) against a real SMTP server: Debian's
# aiosmtpd (tests/ra/smtp_sink.py) on 127.0.0.1, driven through
# 'inkan mail test'. Shows that notices (CP-4.3.2, 4.4.3), PINs sent
# apart from their PKCS#12 (CP-6.1.2) and validation values (CP-3.2.7)
# have a working, well-formed and injection-proof way out.
. "$(dirname "$0")/lib.sh"
ra_setup /usr/bin/python3
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
    fail "python3-aiosmtpd is not installed (scripts/install-deps.sh)"
init_ca "$CA"
CONF=$CA/inkan.conf

# Off until configured: a clear refusal, not a silent success.
inkan_refuses "mail off" 1 "set smtp_url and from in [mail]" \
    --dir "$CA" mail test --to pic@example.jp
ok "without [mail] the command says how to configure it"

start_smtp
cp "$CONF" "$TMP/conf.orig"
printf '\n[mail]\nsmtp_url = smtp://127.0.0.1:%s\nfrom = ra@inkan.example\n' \
    "$SMTP_PORT" >> "$CONF"

inkan_ok "mail test" --dir "$CA" mail test --to pic@example.jp
mail_wait 1
M=$MAILDIR/0001.eml
grep -q '^X-Envelope-To: pic@example.jp' "$M" || fail "envelope recipient"
grep -q '^X-Envelope-From: ra@inkan.example' "$M" || fail "envelope sender"
grep -q '^To: <pic@example.jp>' "$M" || fail "To header"
grep -q '^From: <ra@inkan.example>' "$M" || fail "From header"
grep -q '^Subject: inkan mail test' "$M" || fail "Subject header"
grep -q '^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] ' "$M" ||
    fail "RFC 5322 Date header"
grep -q '^Message-ID: <[0-9a-f]\{32\}\.inkan@inkan.example>' "$M" ||
    fail "Message-ID"
grep -q 'accepted it' "$M" || fail "body"
ok "the relay received one well-formed message for the one recipient"

# A recipient that would add a header or a second recipient is refused
# before any connection: still one message.
for bad in 'pic@example.jp
Bcc: evil@example.org' 'pic@example.jp,evil@example.org' \
    '<pic@example.jp>' 'no-at-sign' 'a@b@c' "x'; DROP TABLE audit_log;--@e.jp"; do
	inkan_refuses "bad recipient" 1 \
	    "recipient is not a single bare address" \
	    --dir "$CA" mail test --to "$bad"
done
sleep 0.3
[ "$(find "$MAILDIR" -name '*.eml' | wc -l)" = 1 ] ||
    fail "a refused recipient reached the relay"
ok "recipients that smuggle headers or addresses are refused unsent"

# A relay that is down: exit 1 and the reason.
kill -TERM "$SMTP_PID"; wait "$SMTP_PID" 2>/dev/null || :; SMTP_PID=
inkan_refuses "relay down" 1 "SMTP relay refused or unreachable" \
    --dir "$CA" mail test --to pic@example.jp
ok "an unreachable relay is reported as such"

# Configuration mistakes are named with section and key.
cp "$TMP/conf.orig" "$CONF"
printf '\n[mail]\nsmtp_url = http://127.0.0.1:25\nfrom = ra@inkan.example\n' >> "$CONF"
inkan_refuses "http relay URL" 1 "[mail] smtp_url" \
    --dir "$CA" mail test --to pic@example.jp
cp "$TMP/conf.orig" "$CONF"
printf '\n[mail]\nsmtp_url = smtp://127.0.0.1:25\nfrom = <ra@x>\n' >> "$CONF"
inkan_refuses "bad from" 1 "[mail] from" \
    --dir "$CA" mail test --to pic@example.jp
ok "bad [mail] settings are refused with section and key"
cp "$TMP/conf.orig" "$CONF"
