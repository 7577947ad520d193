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
import stat
import sys
import time
import unittest
import urllib.parse

import nio
import vodozemac

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "lib")]
import test_matrix as tm  # noqa: E402  (takes the binary from argv)
from harness import run_suite, wait_for  # noqa: E402

BOT_ID = tm.BOT_ID
ENC = "encryption = yes"


def setUpModule():
    tm.setUpModule()
    tm.HS.register("carol", "carol-pw")
    tm.HS.unlimit("@carol:localhost")
    # nio warns of every event it cannot decrypt: the malformed ones
    logging.getLogger("nio").setLevel(logging.ERROR)


def tearDownModule():
    tm.tearDownModule()


def bot_devices(person):
    """The bot's devices as the homeserver lists them to person."""
    r = tm.HS.api("POST", "/_matrix/client/v3/keys/query", person.token,
                  {"device_keys": {BOT_ID: []}})
    return r["device_keys"].get(BOT_ID, {})


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
