#!/usr/bin/env python3
"""test_e2ee.py -- techpay's own end-to-end encryption on a real Synapse.

No proxy: the bot (encryption = yes) has its own device, and the people
are matrix-nio clients with the e2e extra (vodozemac, as Element's crypto),
so what they send is Megolm for real and what the bot answers is decrypted
by them.  Synapse, the users and the bot process come from test_matrix.py
(its harness, not its cases).
Usage: test_e2ee.py BOT_BINARY [TEST NAMES...]
"""
import json
import logging
import os
import re
import stat
import sys
import time
import unittest
import urllib.parse

import nio
import vodozemac
from cryptography.hazmat.primitives import hashes, hmac as chmac
from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, \
    PublicFormat

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "lib")]
import test_matrix as tm  # noqa: E402  (takes the binary from argv)
from harness import run_suite, wait_for  # noqa: E402

BOT_ID = tm.BOT_ID
ENC = "encryption = yes"
XS_ID = "@xsbot:localhost"     # a bot account of its own: cross-signing
XS_PW = "xsbot-password-1"
XS_DONE = "kept in the account's secret storage"


def setUpModule():
    tm.setUpModule()
    tm.HS.register("carol", "carol-pw")
    tm.HS.unlimit("@carol:localhost")
    tm.HS.register("xsbot", XS_PW)
    tm.HS.unlimit(XS_ID)
    # nio warns of every event it cannot decrypt: the malformed ones
    logging.getLogger("nio").setLevel(logging.ERROR)


def tearDownModule():
    tm.tearDownModule()


def bot_devices(person):
    """The bot's devices as the homeserver lists them to person."""
    r = tm.HS.api("POST", "/_matrix/client/v3/keys/query", person.token,
                  {"device_keys": {BOT_ID: []}})
    return r["device_keys"].get(BOT_ID, {})


def cross_signed(bot):
    """Waits until the bot has done its cross-signing at start: its own
    keys set up, or keys it does not hold found on the account."""
    return wait_for(lambda: XS_DONE in bot.logtext() or
                    "that this bot does not hold" in bot.logtext(), 30)


def dm(person):
    """A direct chat as Element makes one: is_direct, the
    trusted_private_chat preset, encryption in the initial state."""
    r = person.run(person.c.room_create(
        invite=[BOT_ID], is_direct=True,
        preset=nio.RoomPreset.trusted_private_chat,
        initial_state=[{"type": "m.room.encryption", "state_key": "",
                        "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]))
    assert isinstance(r, nio.RoomCreateResponse), r
    assert wait_for(lambda: person.joined(r.room_id), 20), r.room_id
    assert person.ready(r.room_id), r.room_id
    return r.room_id


def bot_said(person, room):
    """What the bot said in room, as person's client has it."""
    return [ev for r, ev in person.events
            if r == room and ev.get("sender") == BOT_ID and
            ev.get("type") in ("m.room.message", "m.room.encrypted")]


class T01Device(unittest.TestCase):
    """The bot's own device: made once, uploaded signed, kept."""

    def test_01_keys_uploaded_signed_and_kept(self):
        bot = tm.Bot(matrix_extra=ENC)
        alice = tm.E2EPerson("@alice:localhost", "alice-pw")
        try:
            bot.start()
            self.assertTrue(wait_for(lambda: "encryption keys uploaded" in
                                     bot.logtext(), 20), bot.logtext())
            self.assertTrue(cross_signed(bot), bot.logtext())
            devs = bot_devices(alice)
            self.assertEqual(len(devs), 1, devs)
            (dev_id, dev), = devs.items()
            self.assertIn("curve25519:" + dev_id, dev["keys"])
            self.assertIn("ed25519:" + dev_id, dev["keys"])
            self.assertIn("ed25519:" + dev_id,
                          dev["signatures"][BOT_ID])
            # the signature holds over the canonical JSON
            signed = {k: v for k, v in dev.items()
                      if k not in ("signatures", "unsigned")}
            canon = json.dumps(signed, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
            pub = vodozemac.Ed25519PublicKey.from_base64(
                dev["keys"]["ed25519:" + dev_id])
            pub.verify_signature(canon, vodozemac.Ed25519Signature
                                 .from_base64(dev["signatures"][BOT_ID]
                                              ["ed25519:" + dev_id]))
            with self.assertRaises(Exception):
                pub.verify_signature(canon + b" ", vodozemac.Ed25519Signature
                                     .from_base64(dev["signatures"][BOT_ID]
                                                  ["ed25519:" + dev_id]))
            # the key made at first start is private
            key = os.path.join(bot.state, "pickle.key")
            self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
            # a restart: the same device and keys, nothing new uploaded
            bot.stop()
            bot.start()
            time.sleep(1)
            self.assertEqual(bot_devices(alice), devs)
            self.assertIn("device %s" % dev_id, bot.logtext())
        finally:
            bot.stop()
            alice.close()

    def test_02_foreign_pickle_key_stops_the_start(self):
        bot = tm.Bot(matrix_extra=ENC)
        try:
            bot.start()
            self.assertTrue(wait_for(lambda: "encryption keys uploaded" in
                                     bot.logtext(), 20), bot.logtext())
            bot.stop()
            key = os.path.join(bot.state, "pickle.key")
            with open(key, "w") as f:
                f.write("another key, of another store, 0123456789\n")
            bot.start(wait=False)
            # it stops, says why and what to do, and makes nothing new
            self.assertTrue(wait_for(lambda: bot.proc.poll() is not None,
                                     20), bot.logtext())
            self.assertNotEqual(bot.proc.returncode, 0)
            bot.proc = None
            self.assertIn("cannot be read with this pickle key",
                          bot.logtext())
            self.assertIn("pickle_key_file", bot.logtext())
            self.assertEqual(bot.logtext().count("its keys made now"), 1)
        finally:
            bot.stop()


class T02Encrypted(unittest.TestCase):
    """Questions in encrypted rooms, answered encrypted."""

    @classmethod
    def setUpClass(cls):
        cls.bot = tm.Bot(matrix_extra=ENC)
        cls.bot.start()
        assert wait_for(lambda: "encryption keys uploaded" in
                        cls.bot.logtext(), 20), cls.bot.logtext()
        cls.alice = tm.E2EPerson("@alice:localhost", "alice-pw")

    @classmethod
    def tearDownClass(cls):
        cls.alice.close()
        cls.bot.stop()

    def test_01_dm_answered_and_decrypted(self):
        room = dm(self.alice)
        q = self.alice.send(room, "!salary sre")
        a = self.alice.wait_answers(1, room=room, to=q, timeout=30)
        self.assertEqual(len(a), 1, self.bot.logtext()[-4000:])
        # nio decrypted it: the answer's body is readable here
        self.assertIn("Site Reliability", a[0]["content"]["body"])
        # and on the homeserver only ciphertext
        types = self.alice.stored_types(room)
        self.assertNotIn("m.room.message", types)
        self.assertGreaterEqual(types.count("m.room.encrypted"), 2, types)
        # a second question: same session, answered again
        q2 = self.alice.send(room, "!skills devops")
        a2 = self.alice.wait_answers(1, room=room, to=q2, timeout=30)
        self.assertEqual(len(a2), 1, self.bot.logtext()[-4000:])
        self.assertIn("DevOps", a2[0]["content"]["body"])

    def test_02_malformed_dropped_account_keeps_answering(self):
        room = dm(self.alice)
        bad = [{"algorithm": "m.megolm.v1.aes-sha2"},
               {"algorithm": "m.olm.v1.curve25519-aes-sha2",
                "ciphertext": {}},
               {"algorithm": "m.megolm.v1.aes-sha2", "session_id": "x",
                "ciphertext": "!!not base64"},
               {"algorithm": "m.megolm.v1.aes-sha2", "session_id": 7,
                "ciphertext": ["x"]},
               {"algorithm": "m.megolm.v1.aes-sha2", "session_id": "s",
                "ciphertext": "A" * 60000}]
        for content in bad:
            self.alice.send_raw(room, "m.room.encrypted", content)
        q = self.alice.send(room, "!salary sre")
        a = self.alice.wait_answers(1, room=room, to=q, timeout=30)
        self.assertEqual(len(a), 1, self.bot.logtext()[-4000:])
        # nothing said to the room for them
        self.assertEqual(len(bot_said(self.alice, room)), 1)
        self.assertTrue(self.bot.proc.poll() is None)


    def test_03_two_people_two_devices_then_a_leave_and_a_join(self):
        alice2 = tm.E2EPerson("@alice:localhost", "alice-pw")
        bob = tm.E2EPerson("@bob:localhost", "bob-pw")
        bob2 = tm.E2EPerson("@bob:localhost", "bob-pw")
        carol = None
        try:
            room = self.alice.create_room(invite=(BOT_ID, "@bob:localhost"),
                                          encrypted=True)
            bob.run(bob.c.join(room))
            self.assertTrue(wait_for(lambda: self.alice.joined(room), 20))
            for p in (self.alice, alice2, bob, bob2):
                self.assertTrue(p.ready(room), p.user)
            q = self.alice.send(room, "!salary sre")
            for p in (self.alice, alice2, bob, bob2):
                a = p.wait_answers(1, room=room, to=q, timeout=30)
                self.assertEqual(len(a), 1, (p.user,
                                             self.bot.logtext()[-3000:]))
                self.assertIn("Site Reliability", a[0]["content"]["body"])
            first = session_of(room, q)
            # Bob leaves: the next answer is under a session his
            # devices never got
            bob.run(bob.c.room_leave(room))
            time.sleep(0.5)
            q2 = self.alice.send(room, "!skills devops")
            for p in (self.alice, alice2):
                a = p.wait_answers(1, room=room, to=q2, timeout=30)
                self.assertEqual(len(a), 1, self.bot.logtext()[-3000:])
            second = session_of(room, q2)
            self.assertNotEqual(first, second)
            bob.pump(1)
            bob2.pump(1)
            for p in (bob, bob2):
                self.assertFalse(has_session(p, room, second), p.user)
                self.assertTrue(has_session(p, room, first), p.user)
            # Carol joins: she reads the next answer
            carol = tm.E2EPerson("@carol:localhost", "carol-pw")
            self.alice.run(self.alice.c.room_invite(room, "@carol:localhost"))
            carol.pump(1)
            carol.run(carol.c.join(room))
            self.assertTrue(carol.ready(room))
            self.alice.pump(1)
            q3 = self.alice.send(room, "!salary devops")
            a = carol.wait_answers(1, room=room, to=q3, timeout=30)
            self.assertEqual(len(a), 1, self.bot.logtext()[-3000:])
            self.assertIn("DevOps", a[0]["content"]["body"])
        finally:
            for p in (alice2, bob, bob2, carol):
                if p:
                    p.close()

    def test_04_room_key_after_the_message(self):
        room = dm(self.alice)
        olm = self.alice.c.olm
        olm.create_outbound_group_session(room)
        s = olm.outbound_group_sessions[room]
        key0 = s.session_key    # at index 0, before the message
        s.shared = True
        content = olm.group_encrypt(room, {
            "type": "m.room.message",
            "content": {"msgtype": "m.text", "body": "!salary sre"}})
        s.shared = False
        q = self.alice.send_raw(room, "m.room.encrypted", content)
        self.assertTrue(wait_for(lambda: "%s waits for its room key" % q in
                                 self.bot.logtext(), 20),
                        self.bot.logtext()[-3000:])
        self.alice.pump(2)
        self.assertEqual(self.alice.answers(room=room, to=q), [])
        # now the key, as it was when the message was made
        s.__class__ = type("LateKey", (nio.crypto.OutboundGroupSession,),
                           {"session_key": property(lambda _: key0)})
        r = self.alice.run(self.alice.c.share_group_session(
            room, ignore_unverified_devices=True))
        self.assertIsInstance(r, nio.ShareGroupSessionResponse)
        a = self.alice.wait_answers(1, room=room, to=q, timeout=30)
        self.assertEqual(len(a), 1, self.bot.logtext()[-3000:])
        self.assertIn("Site Reliability", a[0]["content"]["body"])
        self.alice.pump(3)
        self.assertEqual(len(self.alice.answers(room=room, to=q)), 1)


class T03Restarts(unittest.TestCase):
    """Nothing lost, nothing answered twice, the same device."""

    def test_01_restart_and_kill_9_mid_conversation(self):
        bot = tm.Bot(matrix_extra=ENC)
        alice = tm.E2EPerson("@alice:localhost", "alice-pw")
        try:
            bot.start()
            assert wait_for(lambda: "encryption keys uploaded" in
                            bot.logtext(), 20), bot.logtext()
            assert cross_signed(bot), bot.logtext()
            devs = bot_devices(alice)
            room = dm(alice)
            q1 = alice.send(room, "!salary sre")
            self.assertEqual(len(alice.wait_answers(1, room=room, to=q1,
                                                    timeout=30)), 1,
                             bot.logtext()[-3000:])
            # asked while the bot is away
            bot.stop()
            q2 = alice.send(room, "!skills devops")
            bot.start()
            self.assertEqual(len(alice.wait_answers(1, room=room, to=q2,
                                                    timeout=30)), 1,
                             bot.logtext()[-3000:])
            # killed as soon as it has the question: sharing or sending
            n = bot.logtext().count("question ")
            q3 = alice.send(room, "!salary devops")
            self.assertTrue(wait_for(lambda: bot.logtext().count(
                "question ") > n, 20))
            bot.proc.kill()
            bot.proc.wait()
            bot.proc = None
            bot.start()
            a3 = alice.wait_answers(1, room=room, to=q3, timeout=30)
            self.assertEqual(len(a3), 1, bot.logtext()[-3000:])
            alice.pump(4)
            for q in (q1, q2, q3):
                self.assertEqual(len(alice.answers(room=room, to=q)), 1, q)
            self.assertNotIn("m.room.message", alice.stored_types(room))
            # one device all along
            self.assertEqual(bot_devices(alice), devs)
            self.assertEqual(bot.logtext().count("its keys made now"), 1)
        finally:
            bot.stop()
            alice.close()


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def recovery_key_bytes(text):
    """The 32-byte key of a recovery key (spec "Recovery key"): base58,
    0x8B 0x01, the key, a parity byte that XORs everything to 0."""
    n = 0
    for ch in text.replace(" ", ""):
        n = n * 58 + B58.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    assert len(raw) == 35, len(raw)
    assert raw[:2] == b"\x8b\x01", raw[:2]
    parity = 0
    for b in raw:
        parity ^= b
    assert parity == 0
    return raw[2:34]


def b64d(s):
    import base64
    return base64.b64decode(s + "=" * (-len(s) % 4))


def ssss_decrypt(key, name, enc):
    """m.secret_storage.v1.aes-hmac-sha2, decrypted by the spec's
    recipe with Python's cryptography (not the bot's code)."""
    k = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"\0" * 32,
             info=name.encode()).derive(key)
    ct = b64d(enc["ciphertext"])
    h = chmac.HMAC(k[32:], hashes.SHA256())
    h.update(ct)
    h.verify(b64d(enc["mac"]))
    iv = b64d(enc["iv"])
    assert iv[8] & 0x80 == 0
    d = Cipher(algorithms.AES(k[:32]), modes.CTR(iv)).decryptor()
    return d.update(ct) + d.finalize()


def canonical(obj):
    signed = {k: v for k, v in obj.items()
              if k not in ("signatures", "unsigned")}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def verify(obj, user, pub, key_id=None):
    """obj bears pub's valid signature, named ed25519:KEY_ID (the
    public key itself for a cross-signing key), as vodozemac checks."""
    sig = obj["signatures"][user]["ed25519:" + (key_id or pub)]
    vodozemac.Ed25519PublicKey.from_base64(pub).verify_signature(
        canonical(obj), vodozemac.Ed25519Signature.from_base64(sig))


def only_key(obj):
    (kid, key), = obj["keys"].items()
    assert kid == "ed25519:" + key, kid
    return key


class T06CrossSigning(unittest.TestCase):
    """The bot's account cross-signed, its device signed, the private
    keys in secret storage behind a recovery key; kept across restarts
    and never replaced."""

    def test_01_bootstrap_seen_by_others_and_kept(self):
        bot = tm.Bot(matrix_extra=ENC + "\nrecovery_key_file = %s" %
                     os.path.join(tm.TMP, "xs-recovery.key"), user=XS_ID,
                     auth="password = %s" % XS_PW)
        alice = tm.E2EPerson("@alice:localhost", "alice-pw")
        tok = None
        try:
            bot.start()
            self.assertTrue(wait_for(lambda: XS_DONE in bot.logtext(), 30),
                            bot.logtext()[-4000:])
            r = tm.HS.api("POST", "/_matrix/client/v3/keys/query",
                          alice.token, {"device_keys": {XS_ID: []}})
            master = r["master_keys"][XS_ID]
            ssk = r["self_signing_keys"][XS_ID]
            self.assertEqual(master["usage"], ["master"])
            self.assertEqual(ssk["usage"], ["self_signing"])
            mpub, spub = only_key(master), only_key(ssk)
            # the master key signs the self-signing key ...
            verify(ssk, XS_ID, mpub)
            # ... which signs the bot's one device
            (dev_id, dev), = r["device_keys"][XS_ID].items()
            verify(dev, XS_ID, spub)
            verify(dev, XS_ID, dev["keys"]["ed25519:" + dev_id], dev_id)
            with self.assertRaises(Exception):
                verify(dict(dev, device_id="OTHER"), XS_ID, spub)
            # the recovery key: in the file named, private, and it opens
            # the secrets, whose keys are the published ones
            rk_file = os.path.join(tm.TMP, "xs-recovery.key")
            self.assertEqual(stat.S_IMODE(os.stat(rk_file).st_mode), 0o600)
            with open(rk_file) as f:
                rk = f.read().strip()
            self.assertRegex(rk, r"^([1-9A-HJ-NP-Za-km-z]{4} ){11}"
                                 r"[1-9A-HJ-NP-Za-km-z]{4}$")
            self.assertNotIn(rk, bot.logtext())
            key = recovery_key_bytes(rk)
            tok = tm.HS.login("xsbot", XS_PW)
            ad = "/_matrix/client/v3/user/%s/account_data/" % \
                urllib.parse.quote(XS_ID)
            kid = tm.HS.api("GET", ad + "m.secret_storage.default_key",
                            tok)["key"]
            desc = tm.HS.api("GET", ad + "m.secret_storage.key." + kid, tok)
            self.assertEqual(desc["algorithm"],
                             "m.secret_storage.v1.aes-hmac-sha2")
            # the description's MAC: 32 zero bytes under the name ""
            k = HKDF(algorithm=hashes.SHA256(), length=64,
                     salt=b"\0" * 32, info=b"").derive(key)
            e = Cipher(algorithms.AES(k[:32]),
                       modes.CTR(b64d(desc["iv"]))).encryptor()
            ct = e.update(b"\0" * 32) + e.finalize()
            h = chmac.HMAC(k[32:], hashes.SHA256())
            h.update(ct)
            self.assertEqual(h.finalize(), b64d(desc["mac"]))
            pubs = {"master": mpub, "self_signing": spub,
                    "user_signing": None}
            for name in pubs:
                typ = "m.cross_signing." + name
                enc = tm.HS.api("GET", ad + typ, tok)["encrypted"][kid]
                seed = b64d(ssss_decrypt(key, typ, enc).decode())
                pub = Ed25519PrivateKey.from_private_bytes(seed) \
                    .public_key().public_bytes(Encoding.Raw,
                                               PublicFormat.Raw)
                pub = vodozemac.Ed25519PublicKey.from_base64(
                    __import__("base64").b64encode(pub).decode()
                    .rstrip("=")).to_base64()
                if pubs[name]:
                    self.assertEqual(pub, pubs[name], name)
                with self.assertRaises(Exception):
                    ssss_decrypt(bytes(32), typ, enc)
            # a restart: the same keys, nothing uploaded again, the
            # recovery key not given again
            bot.stop()
            bot.start()
            self.assertTrue(wait_for(lambda: "cross-signing in place" in
                                     bot.logtext(), 30),
                            bot.logtext()[-3000:])
            r2 = tm.HS.api("POST", "/_matrix/client/v3/keys/query",
                           alice.token, {"device_keys": {XS_ID: []}})
            self.assertEqual(only_key(r2["master_keys"][XS_ID]), mpub)
            # (the test's own login above uploaded no device keys)
            self.assertEqual(list(r2["device_keys"][XS_ID]), [dev_id])
            verify(r2["device_keys"][XS_ID][dev_id], XS_ID, spub)
            self.assertEqual(bot.logtext().count("cross-signing keys "
                                                 "uploaded"), 1)
            self.assertEqual(bot.logtext().count("recovery key"), 1)
            # another state directory (a new device, no keys): the
            # account's keys are not replaced, and the log says why
            other = tm.Bot(matrix_extra=ENC, user=XS_ID,
                           auth="password = %s" % XS_PW)
            try:
                other.start()
                self.assertTrue(wait_for(lambda: "that this bot does not "
                                         "hold" in other.logtext(), 30),
                                other.logtext()[-3000:])
                self.assertIn("Reset cryptographic identity",
                              other.logtext())
                self.assertIsNone(other.proc.poll())
                r3 = tm.HS.api("POST", "/_matrix/client/v3/keys/query",
                               alice.token, {"device_keys": {XS_ID: []}})
                self.assertEqual(only_key(r3["master_keys"][XS_ID]), mpub)
                self.assertEqual(only_key(r3["self_signing_keys"][XS_ID]),
                                 spub)
            finally:
                other.stop()
        finally:
            bot.stop()
            alice.close()


class T07Verification(unittest.TestCase):
    """A verification request is declined at once, not left hanging."""

    def test_01_request_cancelled_with_m_user(self):
        bot = tm.Bot(matrix_extra=ENC)
        alice = tm.E2EPerson("@alice:localhost", "alice-pw")
        try:
            bot.start()
            self.assertTrue(wait_for(lambda: "encryption keys uploaded" in
                                     bot.logtext(), 20), bot.logtext())
            dev = re.search(r"encryption on, device (\S+) ",
                            bot.logtext()).group(1)
            txn = "techpay-test-%d" % os.getpid()
            r = alice.run(alice.c.to_device(nio.ToDeviceMessage(
                "m.key.verification.request", BOT_ID, dev,
                {"from_device": alice.c.device_id,
                 "methods": ["m.sas.v1"], "transaction_id": txn,
                 "timestamp": int(time.time() * 1000)})))
            self.assertIsInstance(r, nio.ToDeviceResponse)

            def cancelled():
                alice.pump(0.5)
                return [ev for ev in alice.to_device
                        if ev.get("type") == "m.key.verification.cancel"
                        and ev.get("sender") == BOT_ID]
            self.assertTrue(wait_for(cancelled, 20), bot.logtext()[-3000:])
            c = cancelled()[0]["content"]
            self.assertEqual(c["transaction_id"], txn)
            self.assertEqual(c["code"], "m.user")
            self.assertIn("bot", c["reason"])
            self.assertIn("verification request from @alice:localhost",
                          bot.logtext())
            # a malformed one: logged, nothing sent, the bot goes on
            alice.run(alice.c.to_device(nio.ToDeviceMessage(
                "m.key.verification.request", BOT_ID, dev,
                {"methods": ["m.sas.v1"]})))
            self.assertTrue(wait_for(lambda: "without sender, from_device"
                                     in bot.logtext(), 20))
            alice.pump(1)
            self.assertEqual(len(cancelled()), 1)
            self.assertIsNone(bot.proc.poll())
        finally:
            bot.stop()
            alice.close()


def session_of(room, event_id):
    """The Megolm session of the bot's answer to event_id, as Synapse
    stores it (admin API): the relation is in clear."""
    r = tm.HS.api("GET", "/_synapse/admin/v1/rooms/%s/messages?dir=b&"
                  "limit=200" % urllib.parse.quote(room), tm.HS.admin)
    for ev in r["chunk"]:
        c = ev.get("content", {})
        if ev.get("sender") == BOT_ID and c.get("m.relates_to", {}).get(
                "m.in_reply_to", {}).get("event_id") == event_id:
            return c["session_id"]
    raise AssertionError("no answer to %s" % event_id)


def has_session(person, room, session_id):
    """Whether person's device holds the room key session_id."""
    store = person.c.olm.inbound_group_store
    return any(s.id == session_id for s in store
               if getattr(s, "room_id", room) == room)


if __name__ == "__main__":
    run_suite("matrix e2ee")
