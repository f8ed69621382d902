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

// Compare two runs of digits as numbers, however long.
function lessThan(a, b) {
    a = a.replace(/^0+(?=.)/, '');
    b = b.replace(/^0+(?=.)/, '');
    return a.length !== b.length ? a.length < b.length : a < b;
}

// "1" when nginx may answer the Range header, "0" when the app would ignore it and send the
// whole file (streaming/ranges.py): another unit, a malformed or reversed range, more
// than 16 ranges, or a header past 1024 characters. An empty list element, which the app
// skips, is ignored whole here, since nginx would refuse it.
function rangeOk(r) {
    const header = (r.headersIn.Range || '').trim();
    if (header === '') {
        return '1';
    }
    const at = header.indexOf('=');
    if (header.length > 1024 || at < 0 || header.slice(0, at).toLowerCase() !== 'bytes') {
        return '0';
    }
    const specs = header.slice(at + 1).split(',').map((spec) => spec.trim());
    if (specs.length > 16) {
        return '0';
    }
    for (let i = 0; i < specs.length; i++) {
        const spec = specs[i];
        const range = /^([0-9]+)-([0-9]*)$/.exec(spec);
        if (range) {
            if (range[2] !== '' && lessThan(range[2], range[1])) {
                return '0';
            }
        } else if (!/^-[0-9]+$/.test(spec)) {
            return '0';
        }
    }
    return '1';
}

export default { verdict, rangeOk };
