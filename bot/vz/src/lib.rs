//! lib.rs -- techpay's C ABI over vodozemac: the Olm account, Olm
//! sessions, Megolm group sessions and their pickles, for the Matrix
//! end-to-end encryption written in C.  include/vz.h is the contract:
//! who owns what, how buffers are sized, how errors are reported.
//!
//! Every entry point runs its body inside catch_unwind (through guard()),
//! so a panic never crosses into C: it becomes -1 or NULL with an error.
//! Every pointer from C is checked for NULL, every string for its length
//! (VZ_INPUT_MAX) and encoding, before vodozemac sees it.  A call that
//! fails leaves its handle as it was: the checks that can fail come
//! before the call that changes state.

#![deny(warnings)]

use std::os::raw::{c_char, c_int, c_void};
use std::cell::RefCell;
use std::panic::{self, catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Once;

use vodozemac::megolm::{
    ExportedSessionKey, GroupSession, GroupSessionPickle, InboundGroupSession,
    InboundGroupSessionPickle, MegolmMessage, SessionConfig as MegolmConfig, SessionKey,
};
use vodozemac::olm::{
    Account, AccountPickle, OlmMessage, PreKeyMessage, Session, SessionConfig as OlmConfig,
    SessionPickle,
};
use vodozemac::{
    base64_decode, base64_encode, Curve25519PublicKey, Ed25519PublicKey, Ed25519SecretKey,
    Ed25519Signature,
};
use zeroize::Zeroize;

/// The C handles: opaque to C, a box around vodozemac's own type.
pub struct VzAccount(Account);
pub struct VzSession(Session);
pub struct VzGroup(GroupSession);
pub struct VzInbound(InboundGroupSession);
/// A cross-signing key (master, self-signing, user-signing): an Ed25519
/// key pair that is not a device's.
pub struct VzSigning(Ed25519SecretKey);

// The limits of include/vz.h, which must say the same.
const VZ_INPUT_MAX: usize = 1 << 20;
const VZ_OTK_GENERATE_MAX: usize = 100;
const VZ_PICKLE_KEY_LEN: usize = 32;
const VZ_OLM_PREKEY: c_int = 0;
const VZ_OLM_NORMAL: c_int = 1;
// 32 bytes in unpadded base64
const ED25519_BASE64_LEN: usize = 43;

// Bytes an encrypted message adds to its AES-CBC-padded plaintext, with
// room to spare (the tests check real messages stay within them):
// Olm pre-key: version 1, three keys 3 x 34, the inner message's tag
// and length 4, then version 1, ratchet key 34, chain index 11,
// ciphertext tag and length 4, MAC 8 = 165.  Megolm: version 1, index
// 11, ciphertext tag and length 4, MAC 32 at most, signature 64 = 112.
const OLM_OVERHEAD: usize = 192;
const MEGOLM_OVERHEAD: usize = 160;

type Res<T> = Result<T, String>;

/// Writes msg into the caller's error buffer, cut to fit, with any
/// control character (CR, LF, ...) made a space: it goes to a log line.
fn set_err(err: *mut c_char, errlen: usize, msg: &str) {
    if err.is_null() || errlen == 0 {
        return;
    }
    let bytes = msg.as_bytes();
    let n = bytes.len().min(errlen - 1);
    // SAFETY: the caller gave err as errlen writable bytes.
    let dst = unsafe { std::slice::from_raw_parts_mut(err as *mut u8, n + 1) };
    for (d, &b) in dst.iter_mut().zip(bytes.iter()) {
        *d = if b < 0x20 || b == 0x7f { b' ' } else { b };
    }
    dst[n] = 0;
}

thread_local! {
    /// What the last panic on this thread said, and where.
    static PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Replaces Rust's default panic hook, which writes to stderr (the bot
/// logs through its own log.c): the message and place are kept for the
/// error string instead.  The bot has no other Rust in it to disturb.
fn quiet_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "?".to_string()
            };
            let at = info.location().map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
            let _ = PANIC.try_with(|p| {
                if let Ok(mut p) = p.try_borrow_mut() {
                    *p = format!("{msg}{at}");
                }
            });
        }));
    });
}

/// Runs body, turning its error or its panic into err and the value fail.
fn guard<T>(err: *mut c_char, errlen: usize, fail: T, body: impl FnOnce() -> Res<T>) -> T {
    quiet_panics();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(msg)) => {
            set_err(err, errlen, &msg);
            fail
        }
        Err(_) => {
            let what = PANIC.try_with(|p| p.borrow().clone()).unwrap_or_default();
            set_err(err, errlen, &format!("vodozemac: internal error (a panic, caught): {what}"));
            fail
        }
    }
}

/// A NUL-terminated base64 input: not NULL, at most VZ_INPUT_MAX bytes
/// (looked for no further than that), ASCII.
fn text<'a>(p: *const c_char, what: &str) -> Res<&'a str> {
    if p.is_null() {
        return Err(format!("{what}: NULL"));
    }
    // SAFETY: p is a C string the caller owns; memchr-like scan bounded
    // by VZ_INPUT_MAX + 1 so a missing NUL past that is never read.
    let len = unsafe {
        let mut n = 0usize;
        while n <= VZ_INPUT_MAX && *p.add(n) != 0 {
            n += 1;
        }
        n
    };
    if len > VZ_INPUT_MAX {
        return Err(format!("{what}: longer than {VZ_INPUT_MAX} bytes"));
    }
    // SAFETY: len bytes were just read.
    let b = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    if !b.is_ascii() {
        return Err(format!("{what}: not base64 (a byte outside ASCII)"));
    }
    if b.is_empty() {
        return Err(format!("{what}: empty"));
    }
    std::str::from_utf8(b).map_err(|_| format!("{what}: not base64"))
}

/// Bytes from C: NULL is fine only with length 0.
fn bytes<'a>(p: *const c_void, len: usize, what: &str) -> Res<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(format!("{what}: NULL"));
    }
    if len > VZ_INPUT_MAX {
        return Err(format!("{what}: longer than {VZ_INPUT_MAX} bytes"));
    }
    // SAFETY: the caller gave len readable bytes at p.
    Ok(unsafe { std::slice::from_raw_parts(p as *const u8, len) })
}

fn pickle_key<'a>(p: *const u8) -> Res<&'a [u8; VZ_PICKLE_KEY_LEN]> {
    if p.is_null() {
        return Err("pickle key: NULL".into());
    }
    // SAFETY: include/vz.h asks for VZ_PICKLE_KEY_LEN readable bytes.
    Ok(unsafe { &*(p as *const [u8; VZ_PICKLE_KEY_LEN]) })
}

fn handle<'a, T>(p: *const T, what: &str) -> Res<&'a T> {
    // SAFETY: a non-NULL handle is one this library made and not freed.
    unsafe { p.as_ref() }.ok_or_else(|| format!("{what}: NULL handle"))
}

fn handle_mut<'a, T>(p: *mut T, what: &str) -> Res<&'a mut T> {
    // SAFETY: as handle(), and the caller uses each handle from one
    // thread at a time.
    unsafe { p.as_mut() }.ok_or_else(|| format!("{what}: NULL handle"))
}

fn set_len(outlen: *mut usize, n: usize) {
    if !outlen.is_null() {
        // SAFETY: a non-NULL outlen is the caller's size_t.
        unsafe { *outlen = n };
    }
}

/// The check before a result of need bytes (its NUL included) is made.
fn room(out: *const c_void, outsz: usize, outlen: *mut usize, need: usize) -> Res<()> {
    if out.is_null() || outsz < need {
        set_len(outlen, need);
        return Err(format!("output buffer too small: {need} bytes needed"));
    }
    Ok(())
}

/// Copies s and a NUL into out, or fails saying how much room it needs.
fn put(s: &[u8], out: *mut c_void, outsz: usize, outlen: *mut usize) -> Res<()> {
    room(out, outsz, outlen, s.len() + 1)?;
    // SAFETY: room() checked out has s.len() + 1 writable bytes.
    unsafe {
        ptr::copy_nonoverlapping(s.as_ptr(), out as *mut u8, s.len());
        *(out as *mut u8).add(s.len()) = 0;
    }
    set_len(outlen, s.len());
    Ok(())
}

/// As put(), then wipes the library's copy (a secret: a session key, a
/// plaintext).
fn put_secret(mut v: Vec<u8>, out: *mut c_void, outsz: usize, outlen: *mut usize) -> Res<()> {
    let r = put(&v, out, outsz, outlen);
    v.zeroize();
    r
}

fn curve_key(s: &str, what: &str) -> Res<Curve25519PublicKey> {
    Curve25519PublicKey::from_base64(s).map_err(|e| format!("{what}: {e}"))
}

fn into_handle<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Frees a handle made by into_handle(); NULL is fine.
fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: p came from Box::into_raw and is freed once, by its
        // owner.  Dropping cannot unwind out: vodozemac's drops only
        // zeroize.
        let _ = catch_unwind(AssertUnwindSafe(|| unsafe { drop(Box::from_raw(p)) }));
    }
}

fn b64_len(n: usize) -> Option<usize> {
    n.checked_add(2).map(|m| m / 3 * 4)
}

fn encrypt_size(len: usize, overhead: usize) -> usize {
    if len > VZ_INPUT_MAX {
        return 0;
    }
    let padded = (len / 16 + 1) * 16;
    b64_len(padded + overhead).map_or(0, |n| n + 1)
}

/// The key id -> key JSON of the one-time and fallback key lists, in
/// the order the keys were made (vodozemac gives a HashMap; KeyId is a
/// counter).  Ids and keys are base64, which JSON needs no escape for.
fn keys_json(keys: std::collections::HashMap<vodozemac::KeyId, Curve25519PublicKey>) -> String {
    let mut v: Vec<_> = keys.into_iter().collect();
    v.sort_by_key(|(id, _)| *id);
    let items: Vec<String> =
        v.iter().map(|(id, k)| format!("\"{}\":\"{}\"", id.to_base64(), k.to_base64())).collect();
    format!("{{{}}}", items.join(","))
}

// ---- the account ----------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_account_new(err: *mut c_char, errlen: usize) -> *mut VzAccount {
    guard(err, errlen, ptr::null_mut(), || Ok(into_handle(VzAccount(Account::new()))))
}

#[no_mangle]
pub extern "C" fn vz_account_free(a: *mut VzAccount) {
    free_handle(a);
}

#[no_mangle]
pub extern "C" fn vz_account_curve25519(
    a: *const VzAccount,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        put(a.0.curve25519_key().to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_ed25519(
    a: *const VzAccount,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        put(a.0.ed25519_key().to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_sign(
    a: *const VzAccount,
    msg: *const c_void,
    msglen: usize,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        let m = bytes(msg, msglen, "message to sign")?;
        put(a.0.sign(m).to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_max_one_time_keys(a: *const VzAccount) -> usize {
    guard(ptr::null_mut(), 0, 0, || Ok(handle(a, "account")?.0.max_number_of_one_time_keys()))
}

#[no_mangle]
pub extern "C" fn vz_account_generate_one_time_keys(
    a: *mut VzAccount,
    n: usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle_mut(a, "account")?;
        if n > VZ_OTK_GENERATE_MAX {
            return Err(format!("one-time keys: {n} asked, at most {VZ_OTK_GENERATE_MAX}"));
        }
        a.0.generate_one_time_keys(n);
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_one_time_keys(
    a: *const VzAccount,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        put(keys_json(a.0.one_time_keys()).as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_generate_fallback_key(
    a: *mut VzAccount,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        handle_mut(a, "account")?.0.generate_fallback_key();
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_fallback_key(
    a: *const VzAccount,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        put(keys_json(a.0.fallback_key()).as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_forget_old_fallback_key(
    a: *mut VzAccount,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || Ok(handle_mut(a, "account")?.0.forget_fallback_key() as c_int))
}

#[no_mangle]
pub extern "C" fn vz_account_mark_published(
    a: *mut VzAccount,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        handle_mut(a, "account")?.0.mark_keys_as_published();
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_outbound_session(
    a: *const VzAccount,
    their_curve25519: *const c_char,
    their_one_time_key: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzSession {
    guard(err, errlen, ptr::null_mut(), || {
        let a = handle(a, "account")?;
        let ik = curve_key(text(their_curve25519, "identity key")?, "identity key")?;
        let otk = curve_key(text(their_one_time_key, "one-time key")?, "one-time key")?;
        let s = a
            .0
            .create_outbound_session(OlmConfig::version_1(), ik, otk)
            .map_err(|e| format!("outbound session: {e}"))?;
        Ok(into_handle(VzSession(s)))
    })
}

#[no_mangle]
pub extern "C" fn vz_account_inbound_session(
    a: *mut VzAccount,
    their_curve25519: *const c_char,
    prekey: *const c_char,
    out: *mut c_void,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzSession {
    guard(err, errlen, ptr::null_mut(), || {
        let a = handle_mut(a, "account")?;
        let ik = curve_key(text(their_curve25519, "identity key")?, "identity key")?;
        let m = text(prekey, "pre-key message")?;
        room(out, outsz, outlen, m.len() + 1)?;
        let m = PreKeyMessage::from_base64(m).map_err(|e| format!("pre-key message: {e}"))?;
        let r = a
            .0
            .create_inbound_session(OlmConfig::version_1(), ik, &m)
            .map_err(|e| format!("inbound session: {e}"))?;
        put_secret(r.plaintext, out, outsz, outlen)?;
        Ok(into_handle(VzSession(r.session)))
    })
}

// ---- Olm sessions -----------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_session_free(s: *mut VzSession) {
    free_handle(s);
}

#[no_mangle]
pub extern "C" fn vz_session_id(
    s: *const VzSession,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        put(handle(s, "session")?.0.session_id().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_olm_encrypt_size(len: usize) -> usize {
    encrypt_size(len, OLM_OVERHEAD)
}

#[no_mangle]
pub extern "C" fn vz_session_encrypt(
    s: *mut VzSession,
    plain: *const c_void,
    len: usize,
    msgtype: *mut c_int,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let s = handle_mut(s, "session")?;
        let p = bytes(plain, len, "plaintext")?;
        if msgtype.is_null() {
            return Err("message type: NULL".into());
        }
        room(out.cast(), outsz, outlen, encrypt_size(len, OLM_OVERHEAD))?;
        let m = s.0.encrypt(p).map_err(|e| format!("olm encrypt: {e}"))?;
        let (t, body) = m.to_parts();
        put(vodozemac::base64_encode(body).as_bytes(), out.cast(), outsz, outlen)?;
        // SAFETY: checked not NULL above.
        unsafe { *msgtype = t as c_int };
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_session_decrypt(
    s: *mut VzSession,
    msgtype: c_int,
    ciphertext: *const c_char,
    out: *mut c_void,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let s = handle_mut(s, "session")?;
        let c = text(ciphertext, "ciphertext")?;
        if msgtype != VZ_OLM_PREKEY && msgtype != VZ_OLM_NORMAL {
            return Err(format!("olm message type {msgtype}: not 0 or 1"));
        }
        room(out, outsz, outlen, c.len() + 1)?;
        let raw = base64_decode(c).map_err(|e| format!("ciphertext: not base64: {e}"))?;
        let m = OlmMessage::from_parts(msgtype as usize, &raw)
            .map_err(|e| format!("olm message: {e}"))?;
        let p = s.0.decrypt(&m).map_err(|e| format!("olm decrypt: {e}"))?;
        put_secret(p, out, outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_session_matches(
    s: *const VzSession,
    prekey: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let s = handle(s, "session")?;
        let m = PreKeyMessage::from_base64(text(prekey, "pre-key message")?)
            .map_err(|e| format!("pre-key message: {e}"))?;
        Ok((m.session_id() == s.0.session_id()) as c_int)
    })
}

// ---- Megolm outbound ------------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_group_new(err: *mut c_char, errlen: usize) -> *mut VzGroup {
    guard(err, errlen, ptr::null_mut(), || {
        Ok(into_handle(VzGroup(GroupSession::new(MegolmConfig::version_1()))))
    })
}

#[no_mangle]
pub extern "C" fn vz_group_free(g: *mut VzGroup) {
    free_handle(g);
}

#[no_mangle]
pub extern "C" fn vz_group_id(
    g: *const VzGroup,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        put(handle(g, "group session")?.0.session_id().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_group_key(
    g: *const VzGroup,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = handle(g, "group session")?.0.session_key().to_base64();
        put_secret(k.into_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_group_index(g: *const VzGroup) -> u32 {
    guard(ptr::null_mut(), 0, 0, || Ok(handle(g, "group session")?.0.message_index()))
}

#[no_mangle]
pub extern "C" fn vz_megolm_encrypt_size(len: usize) -> usize {
    encrypt_size(len, MEGOLM_OVERHEAD)
}

#[no_mangle]
pub extern "C" fn vz_group_encrypt(
    g: *mut VzGroup,
    plain: *const c_void,
    len: usize,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let g = handle_mut(g, "group session")?;
        let p = bytes(plain, len, "plaintext")?;
        room(out.cast(), outsz, outlen, encrypt_size(len, MEGOLM_OVERHEAD))?;
        let m = g.0.encrypt(p);
        put(m.to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

// ---- Megolm inbound -------------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_inbound_new(
    session_key: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzInbound {
    guard(err, errlen, ptr::null_mut(), || {
        let k = SessionKey::from_base64(text(session_key, "session key")?)
            .map_err(|e| format!("session key: {e}"))?;
        Ok(into_handle(VzInbound(InboundGroupSession::new(&k, MegolmConfig::version_1()))))
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_import(
    exported_key: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzInbound {
    guard(err, errlen, ptr::null_mut(), || {
        let k = ExportedSessionKey::from_base64(text(exported_key, "exported key")?)
            .map_err(|e| format!("exported key: {e}"))?;
        Ok(into_handle(VzInbound(InboundGroupSession::import(&k, MegolmConfig::version_1()))))
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_free(i: *mut VzInbound) {
    free_handle(i);
}

#[no_mangle]
pub extern "C" fn vz_inbound_id(
    i: *const VzInbound,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        put(handle(i, "inbound session")?.0.session_id().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_first_index(i: *const VzInbound) -> u32 {
    guard(ptr::null_mut(), 0, 0, || Ok(handle(i, "inbound session")?.0.first_known_index()))
}

#[no_mangle]
pub extern "C" fn vz_inbound_export(
    i: *const VzInbound,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = handle(i, "inbound session")?.0.export_at_first_known_index().to_base64();
        put_secret(k.into_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_decrypt(
    i: *mut VzInbound,
    ciphertext: *const c_char,
    out: *mut c_void,
    outsz: usize,
    outlen: *mut usize,
    index: *mut u32,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let i = handle_mut(i, "inbound session")?;
        let c = text(ciphertext, "ciphertext")?;
        room(out, outsz, outlen, c.len() + 1)?;
        let m = MegolmMessage::from_base64(c).map_err(|e| format!("megolm message: {e}"))?;
        let d = i.0.decrypt(&m).map_err(|e| format!("megolm decrypt: {e}"))?;
        let at = d.message_index;
        put_secret(d.plaintext, out, outsz, outlen)?;
        if !index.is_null() {
            // SAFETY: a non-NULL index is the caller's uint32_t.
            unsafe { *index = at };
        }
        Ok(0)
    })
}

// ---- pickles ----------------------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_account_pickle(
    a: *const VzAccount,
    key: *const u8,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let a = handle(a, "account")?;
        let p = a.0.pickle().encrypt(pickle_key(key)?);
        put(p.as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_account_unpickle(
    pickle: *const c_char,
    key: *const u8,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzAccount {
    guard(err, errlen, ptr::null_mut(), || {
        let p = AccountPickle::from_encrypted(text(pickle, "account pickle")?, pickle_key(key)?)
            .map_err(|e| format!("account pickle: {e}"))?;
        Ok(into_handle(VzAccount(Account::from_pickle(p))))
    })
}

#[no_mangle]
pub extern "C" fn vz_session_pickle(
    s: *const VzSession,
    key: *const u8,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let s = handle(s, "session")?;
        let p = s.0.pickle().encrypt(pickle_key(key)?);
        put(p.as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_session_unpickle(
    pickle: *const c_char,
    key: *const u8,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzSession {
    guard(err, errlen, ptr::null_mut(), || {
        let p = SessionPickle::from_encrypted(text(pickle, "session pickle")?, pickle_key(key)?)
            .map_err(|e| format!("session pickle: {e}"))?;
        Ok(into_handle(VzSession(Session::from_pickle(p))))
    })
}

#[no_mangle]
pub extern "C" fn vz_group_pickle(
    g: *const VzGroup,
    key: *const u8,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let g = handle(g, "group session")?;
        let p = g.0.pickle().encrypt(pickle_key(key)?);
        put(p.as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_group_unpickle(
    pickle: *const c_char,
    key: *const u8,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzGroup {
    guard(err, errlen, ptr::null_mut(), || {
        let p = GroupSessionPickle::from_encrypted(
            text(pickle, "group session pickle")?,
            pickle_key(key)?,
        )
        .map_err(|e| format!("group session pickle: {e}"))?;
        Ok(into_handle(VzGroup(GroupSession::from_pickle(p))))
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_pickle(
    i: *const VzInbound,
    key: *const u8,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let i = handle(i, "inbound session")?;
        let p = i.0.pickle().encrypt(pickle_key(key)?);
        put(p.as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_inbound_unpickle(
    pickle: *const c_char,
    key: *const u8,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzInbound {
    guard(err, errlen, ptr::null_mut(), || {
        let p = InboundGroupSessionPickle::from_encrypted(
            text(pickle, "inbound session pickle")?,
            pickle_key(key)?,
        )
        .map_err(|e| format!("inbound session pickle: {e}"))?;
        Ok(into_handle(VzInbound(InboundGroupSession::from_pickle(p))))
    })
}

// ---- Ed25519 ----------------------------------------------------------------

#[no_mangle]
pub extern "C" fn vz_ed25519_verify(
    key: *const c_char,
    msg: *const c_void,
    msglen: usize,
    sig: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = text(key, "ed25519 key")?;
        // vodozemac 0.11.1 panics on 44 characters without a '=' (it
        // copies 33 decoded bytes into 32); Matrix keys are 43, unpadded
        if k.len() != ED25519_BASE64_LEN {
            return Err(format!("ed25519 key: {} characters, not {ED25519_BASE64_LEN}", k.len()));
        }
        let k = Ed25519PublicKey::from_base64(k).map_err(|e| format!("ed25519 key: {e}"))?;
        let s = Ed25519Signature::from_base64(text(sig, "signature")?)
            .map_err(|e| format!("signature: {e}"))?;
        let m = bytes(msg, msglen, "signed message")?;
        k.verify(m, &s).map_err(|e| format!("signature: {e}"))?;
        Ok(0)
    })
}

// ---- Ed25519 key pairs of their own: the cross-signing keys ----------------

#[no_mangle]
pub extern "C" fn vz_signing_new(err: *mut c_char, errlen: usize) -> *mut VzSigning {
    guard(err, errlen, ptr::null_mut(), || Ok(into_handle(VzSigning(Ed25519SecretKey::new()))))
}

#[no_mangle]
pub extern "C" fn vz_signing_from_seed(
    seed: *const c_char,
    err: *mut c_char,
    errlen: usize,
) -> *mut VzSigning {
    guard(err, errlen, ptr::null_mut(), || {
        let s = text(seed, "ed25519 seed")?;
        let mut b = base64_decode(s).map_err(|e| format!("ed25519 seed: {e}"))?;
        if b.len() != 32 {
            let n = b.len();
            b.zeroize();
            return Err(format!("ed25519 seed: {n} bytes, not 32"));
        }
        let mut a = [0u8; 32];
        a.copy_from_slice(&b);
        b.zeroize();
        let k = Ed25519SecretKey::from_slice(&a);
        a.zeroize();
        Ok(into_handle(VzSigning(k)))
    })
}

#[no_mangle]
pub extern "C" fn vz_signing_free(k: *mut VzSigning) {
    free_handle(k);
}

#[no_mangle]
pub extern "C" fn vz_signing_public(
    k: *const VzSigning,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = handle(k, "signing key")?;
        put(k.0.public_key().to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_signing_seed(
    k: *const VzSigning,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = handle(k, "signing key")?;
        let mut b = k.0.to_bytes();
        let s = base64_encode(&b[..]);
        b.zeroize();
        put_secret(s.into_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn vz_signing_sign(
    k: *const VzSigning,
    msg: *const c_void,
    msglen: usize,
    out: *mut c_char,
    outsz: usize,
    outlen: *mut usize,
    err: *mut c_char,
    errlen: usize,
) -> c_int {
    guard(err, errlen, -1, || {
        let k = handle(k, "signing key")?;
        let m = bytes(msg, msglen, "message to sign")?;
        put(k.0.sign(m).to_base64().as_bytes(), out.cast(), outsz, outlen)?;
        Ok(0)
    })
}

// ---- the boundary itself --------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn err_of(buf: &[c_char]) -> String {
        let b: Vec<u8> = buf.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let mut e = [0 as c_char; 256];
        let r = guard(e.as_mut_ptr(), e.len(), -1, || -> Res<c_int> {
            let v: Vec<u8> = Vec::new();
            Ok(v[3] as c_int)
        });
        assert_eq!(r, -1);
        let msg = err_of(&e);
        assert!(msg.starts_with("vodozemac: internal error (a panic, caught): "), "{msg}");
        assert!(msg.contains("index out of bounds"), "{msg}");
        assert!(msg.contains("src/lib.rs:"), "{msg}");
        // and the next call is not disturbed by it
        assert_eq!(guard(e.as_mut_ptr(), e.len(), -1, || Ok(7)), 7);
    }

    #[test]
    fn a_panic_in_a_maker_gives_null() {
        let mut e = [0 as c_char; 64];
        let p: *mut VzGroup = guard(e.as_mut_ptr(), e.len(), ptr::null_mut(), || panic!("boom\nline two"));
        assert!(p.is_null());
        let msg = err_of(&e);
        // cut to the buffer, and no line break gets into a log line
        assert_eq!(msg.len(), 63);
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn error_text_is_cut_and_has_no_control_characters() {
        let mut e = [b'x' as c_char; 8];
        set_err(e.as_mut_ptr(), e.len(), "a\r\nb\tcdefghij");
        assert_eq!(err_of(&e), "a  b cd");
        set_err(e.as_mut_ptr(), 0, "not written");
        assert_eq!(err_of(&e), "a  b cd");
        set_err(ptr::null_mut(), 8, "no buffer");
    }

    #[test]
    fn input_text_is_bounded() {
        let long = vec![b'A'; VZ_INPUT_MAX + 10];
        let mut s = long.clone();
        s.push(0);
        assert!(text(s.as_ptr() as *const c_char, "x").unwrap_err().contains("longer than"));
        s[VZ_INPUT_MAX] = 0;
        assert_eq!(text(s.as_ptr() as *const c_char, "x").unwrap().len(), VZ_INPUT_MAX);
        assert!(text(ptr::null(), "x").unwrap_err().contains("NULL"));
        assert!(text(b"\xc3\xa9\0".as_ptr() as *const c_char, "x").unwrap_err().contains("ASCII"));
    }

    #[test]
    fn encrypt_sizes() {
        assert_eq!(encrypt_size(VZ_INPUT_MAX + 1, OLM_OVERHEAD), 0);
        assert_eq!(encrypt_size(usize::MAX, MEGOLM_OVERHEAD), 0);
        // 0 bytes pad to 16: (16 + 192) -> 280 base64 characters, and a NUL
        assert_eq!(encrypt_size(0, OLM_OVERHEAD), 281);
    }

    fn out_of(buf: &[u8]) -> String {
        String::from_utf8(buf.iter().take_while(|&&c| c != 0).copied().collect()).unwrap()
    }

    // RFC 8032, 7.1, TEST 2: the one-byte message 0x72
    #[test]
    fn signing_matches_rfc8032() {
        let seed_hex = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
        let pub_hex = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
        let sig_hex = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
                       085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
        let hex = |h: &str| -> Vec<u8> {
            (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
        };
        let seed = CString::new(base64_encode(hex(seed_hex))).unwrap();
        let mut e = [0 as c_char; 256];
        let k = vz_signing_from_seed(seed.as_ptr(), e.as_mut_ptr(), e.len());
        assert!(!k.is_null(), "{}", err_of(&e));
        let mut out = [0u8; 100];
        let mut n = 0usize;
        assert_eq!(vz_signing_public(k, out.as_mut_ptr().cast(), out.len(), &mut n, e.as_mut_ptr(), e.len()), 0);
        assert_eq!(out_of(&out), base64_encode(hex(pub_hex)));
        assert_eq!(n, 43);
        let msg = [0x72u8];
        assert_eq!(vz_signing_sign(k, msg.as_ptr().cast(), 1, out.as_mut_ptr().cast(), out.len(), &mut n, e.as_mut_ptr(), e.len()), 0);
        assert_eq!(out_of(&out), base64_encode(hex(sig_hex)));
        assert_eq!(vz_signing_seed(k, out.as_mut_ptr().cast(), out.len(), &mut n, e.as_mut_ptr(), e.len()), 0);
        assert_eq!(out_of(&out), seed.to_str().unwrap());
        // too small a buffer: the size needed, nothing written
        let mut small = [9u8; 10];
        assert_eq!(vz_signing_seed(k, small.as_mut_ptr().cast(), small.len(), &mut n, e.as_mut_ptr(), e.len()), -1);
        assert_eq!(n, 44);
        assert_eq!(small, [9u8; 10]);
        vz_signing_free(k);
    }

    #[test]
    fn a_bad_seed_is_an_error() {
        let mut e = [0 as c_char; 256];
        let short = CString::new("AAAA").unwrap();
        assert!(vz_signing_from_seed(short.as_ptr(), e.as_mut_ptr(), e.len()).is_null());
        assert_eq!(err_of(&e), "ed25519 seed: 3 bytes, not 32");
        let bad = CString::new("!!!").unwrap();
        assert!(vz_signing_from_seed(bad.as_ptr(), e.as_mut_ptr(), e.len()).is_null());
        assert!(err_of(&e).starts_with("ed25519 seed: "));
        assert!(vz_signing_from_seed(ptr::null(), e.as_mut_ptr(), e.len()).is_null());
        let mut out = [0u8; 100];
        assert_eq!(vz_signing_public(ptr::null(), out.as_mut_ptr().cast(), 100, ptr::null_mut(), e.as_mut_ptr(), e.len()), -1);
        assert_eq!(err_of(&e), "signing key: NULL handle");
    }

    #[test]
    fn vodozemac_ed25519_panic_is_kept_out() {
        let key = CString::new("A".repeat(44)).unwrap();
        let sig = CString::new("A".repeat(86)).unwrap();
        let mut e = [0 as c_char; 256];
        let r = vz_ed25519_verify(key.as_ptr(), ptr::null(), 0, sig.as_ptr(), e.as_mut_ptr(), e.len());
        assert_eq!(r, -1);
        assert_eq!(err_of(&e), "ed25519 key: 44 characters, not 43");
    }
}
