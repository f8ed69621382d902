// Stream URLs checked at the edge, so that no stream request reaches the app.
//
// A stream URL (streaming/signing.py) is
//   /stream/<track>-<expires>-<file>.<signature>.<extension>
// where <file> is the 32 hex digits of the audio's storage name (audio/<2>/<32>.<ext>) and
// <signature> is the base64url HMAC-SHA256 of "<track>-<expires>-<file>", exactly as the
// app's signer makes it. nginx.conf captures the parts, asks verdict() and, when it says
// "ok", sends the file itself (ranges and conditionals included). The key is not the
// app's secret: it is the signer's derived key (`python -m twentytwo stream_edge_key`),
// which can sign stream URLs and nothing else.

import crypto from 'crypto';

// Compare without stopping at the first difference: how long a wrong signature takes to
// refuse says nothing about how much of it was right.
function sameText(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    let difference = 0;
    for (let i = 0; i < a.length; i++) {
        difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return difference === 0;
}

// "ok", "expired" or "invalid", in the app's order: a forged link is invalid even when old.
function verdict(r) {
    const v = r.variables;
    const key = v.twentytwo_stream_key;
    if (!key || key.length !== 64) {
        return 'invalid';
    }
    const value = `${v.stream_track}-${v.stream_expires}-${v.stream_dir}${v.stream_rest}`;
    const expected = crypto.createHmac('sha256', Buffer.from(key, 'hex'))
        .update(value)
        .digest('base64url');
    if (!sameText(expected, v.stream_signature || '')) {
        return 'invalid';
    }
    if (Number(v.stream_expires) < Date.now() / 1000) {
        return 'expired';
    }
    return 'ok';
}

export default { verdict };
