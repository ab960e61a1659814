"""Checks of nginx-ssl-termination: 100 points. They only read: HTTP(S) requests and TLS handshakes through
the published ports (Host and SNI set by hand), `nginx -t`, `nginx -T` and `stat` in the nginx container."""

import ipaddress
import re
import ssl

import pytest

PROBE_PATH = "/altlab/probe?from=grader"
SPOOFED_XFF = "198.51.100.23"  # a client that already carries X-Forwarded-For (TEST-NET-2: never a real peer)
MIB = 1 << 20
UPLOAD = 50 * MIB              # the task's "50 MB upload", sent to 127.0.0.1 only
HTTPS = "test_https_serves_certificate"


def _nginx_size(value: str) -> int:
    """nginx's size syntax (client_max_body_size): bytes, or a k/m/g suffix."""
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", value.strip())
    assert m, f"lab parameter body_limit {value!r} is not an nginx size like 100m"
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


def _backend_view(lab, web):
    """One HTTPS request through nginx, as the echo backend saw it (cached per grading phase)."""
    __tracebackhide__ = True
    name = lab.params.server_name

    def fetch():
        return web.request(name, PROBE_PATH, tls=True, headers={"X-Forwarded-For": SPOOFED_XFF})

    r = lab.cached("ssl-termination-backend-view", fetch)
    doc = r.json() if r.status == 200 else None
    assert isinstance(doc, dict) and "headers" in doc, (
        f"https://{name}{PROBE_PATH} did not reach the backend {lab.params.backend}: {r.describe()}")
    return doc


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the port-80 server block for the name in /etc/nginx/conf.d/; the `return` directive")
def test_http_redirects_to_https(lab, web):
    """Plain HTTP for the name answers a permanent redirect (301) to the same URL on https://"""
    name = lab.params.server_name
    r = web.request(name, PROBE_PATH)
    assert r.answered, f"nothing answers plain HTTP on port 80 for {name}: {r.error}"
    want = f"https://{name}{PROBE_PATH}"
    assert r.status == 301, f"expected http://{name}{PROBE_PATH} to answer 301 (permanent redirect); got {r.describe()}"
    loc = r.header("location") or ""
    assert loc in (want, f"https://{name}:443{PROBE_PATH}"), (
        f"expected the redirect to keep the path and query: Location {want}; found Location {loc or '(none)'}")


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("ssl_certificate / ssl_certificate_key and `listen 443 ssl` in the server block for the name")
def test_https_serves_certificate(lab, web):
    """Port 443 serves the provided certificate for the name, valid for a client that trusts the lab CA"""
    p = lab.params
    ca = lab.read_file("nginx", f"{p.ssl_dir}/ca.crt")
    provided = lab.read_file("nginx", f"{p.ssl_dir}/{p.server_name}.crt")
    assert ca and provided, (
        f"the provided files {p.ssl_dir}/ca.crt and {p.ssl_dir}/{p.server_name}.crt are needed to check the "
        "certificate and must stay in place; one of them is missing")
    hs = web.handshake(p.server_name, cadata=ca)
    assert hs.ok, f"a TLS client that trusts the lab CA cannot connect to port 443 for {p.server_name}: {hs.error}"
    block = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", provided, re.S)
    assert block and hs.cert_der == ssl.PEM_cert_to_DER_cert(block.group(0)), (
        f"port 443 serves a certificate for {p.server_name}, but not the provided one "
        f"({p.ssl_dir}/{p.server_name}.crt)")


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("ssl_protocols (and ssl_ciphers) where the TLS server is configured")
def test_old_tls_refused(lab, web):
    """TLS 1.0 and TLS 1.1 handshakes are refused"""
    # The client offers only that version, with ciphers down to OpenSSL security level 0: only the server's
    # configuration can refuse it. (OpenSSL 3's defaults already refuse both unless the server lowers them.)
    for version in ("TLSv1.1", "TLSv1"):
        hs = web.handshake(lab.params.server_name, version=version)
        assert not hs.ok, (f"the server accepted a {version} handshake (negotiated {hs.version}, cipher {hs.cipher}); "
                           "only TLS 1.2 and TLS 1.3 may be accepted")
        assert hs.refused, f"could not tell whether {version} is refused: {hs.error}"


@pytest.mark.points(5)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("ssl_protocols: TLS 1.2 and TLS 1.3")
def test_modern_tls_accepted(lab, web):
    """TLS 1.2 and TLS 1.3 handshakes succeed"""
    for version in ("TLSv1.2", "TLSv1.3"):
        hs = web.handshake(lab.params.server_name, version=version)
        assert hs.ok, f"a {version} handshake failed: {hs.error}; TLS 1.2 and TLS 1.3 must both be accepted"


@pytest.mark.points(10)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("proxy_set_header Host in the location that proxies to the backend")
def test_backend_sees_host(lab, web):
    """The backend gets the client's Host header"""
    name = lab.params.server_name
    host = _backend_view(lab, web)["headers"].get("host", "")
    assert host.lower() in (name, f"{name}:443"), (
        f"expected the backend to get Host: {name}; it got Host: {host or '(none)'}")


@pytest.mark.points(10)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("proxy_set_header X-Forwarded-For in the proxying location (ngx_http_proxy_module)")
def test_backend_sees_x_forwarded_for(lab, web):
    """The backend gets X-Forwarded-For ending with the client's address"""
    doc = _backend_view(lab, web)
    xff = doc["headers"].get("x-forwarded-for", "")
    assert xff, "the backend got no X-Forwarded-For header"
    last = xff.split(",")[-1].strip()
    try:
        ipaddress.ip_address(last)
    except ValueError:
        raise AssertionError(f"X-Forwarded-For must end with the client's address; the backend got '{xff}'") from None
    assert last != SPOOFED_XFF, (
        f"the grader sent X-Forwarded-For: {SPOOFED_XFF} and the backend got '{xff}': nginx passed the client's "
        "header on without adding the address the client connected from")
    assert last != doc.get("peer"), (
        f"X-Forwarded-For ends with {last}, the address of nginx itself, not of the client")


@pytest.mark.points(5)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("proxy_set_header X-Forwarded-Proto in the proxying location (ngx_http_proxy_module)")
def test_backend_sees_forwarded_proto(lab, web):
    """The backend gets X-Forwarded-Proto: https for requests that came in over TLS"""
    proto = _backend_view(lab, web)["headers"].get("x-forwarded-proto", "")
    assert proto.lower() == "https", f"expected the backend to get X-Forwarded-Proto: https; it got {proto or 'none'}"


@pytest.mark.points(10)
@pytest.mark.covers(5)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("client_max_body_size, in the context that serves https://")
def test_large_upload_accepted(lab, web):
    """A 50 MiB upload over HTTPS is not refused with 413 and reaches the backend whole"""
    name = lab.params.server_name
    r = web.upload(name, "/altlab/upload", UPLOAD, tls=True)
    assert r.status != 413, (f"a {UPLOAD // MIB} MiB upload to https://{name}/ was refused with 413 Request Entity "
                             "Too Large: the body size limit that applies there is still too small")
    assert r.answered, f"a {UPLOAD // MIB} MiB upload to https://{name}/ got no answer: {r.error}"
    doc = r.json() if r.status == 200 else None
    got = doc.get("body_bytes") if isinstance(doc, dict) else None
    assert got == UPLOAD, (f"expected the backend to receive all {UPLOAD} bytes of the upload; "
                           + (f"it received {got}" if got is not None else f"the answer was {r.describe()}"))


@pytest.mark.points(5)
@pytest.mark.covers(5)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("client_max_body_size (ngx_http_core_module), where the https:// requests are handled")
def test_upload_limit_raised(lab, web):
    """The body size limit is 100m: a request announcing exactly that is not refused, one byte more is (413)"""
    # Both sides of the bound, without sending a body: nginx judges Content-Length against client_max_body_size
    # as soon as it has the headers, and answers 413 (too big) or '100 Continue' (Expect: 100-continue).
    name, limit = lab.params.server_name, lab.params.body_limit
    size = _nginx_size(limit)
    r = web.expect_continue(name, "/altlab/upload", size, tls=True)
    assert r.status != 413, (f"a request announcing {size} bytes ({limit}) to https://{name}/ is refused with 413: "
                             f"uploads up to {limit} must be accepted")
    assert r.status == 100, (f"expected '100 Continue' for a request announcing {size} bytes ({limit}) "
                             f"(Expect: 100-continue); got {r.describe()}")
    over = web.expect_continue(name, "/altlab/upload", size + 1, tls=True)
    assert over.status == 413, (f"expected a request announcing {size + 1} bytes (one more than {limit}) to be "
                                f"refused with 413 Request Entity Too Large; got {over.describe()}: the limit "
                                f"must be {limit}, not higher and not off")


@pytest.mark.points(5)
@pytest.mark.covers(6)
@pytest.mark.persistent
@pytest.mark.look("ls -l and chmod/chown on the key file; ssl_certificate_key")
def test_private_key_protected(lab, nginx):
    """The private key nginx uses (and the provided key file) is owned by root and readable by root only"""
    p = lab.params
    provided = f"{p.ssl_dir}/{p.server_name}.key"
    paths = {provided} if lab.exec("nginx", ["test", "-e", provided]).ok else set()
    if nginx.dump():
        used = [k.strip("'\"") for k in nginx.values("ssl_certificate_key") if "$" not in k and ":" not in k]
        assert used, "nginx uses no private key: there is no ssl_certificate_key in the configuration (`nginx -T`)"
        paths |= {k if k.startswith("/") else "/etc/nginx/" + k for k in used}
    # Where the configuration does not load (its own check fails), the provided key file is what is judged.
    assert paths, "`nginx -T` fails and the provided key file is gone: cannot tell which private key nginx uses"
    bad = []
    for path in sorted(paths):
        res = lab.exec("nginx", ["stat", "-L", "-c", "%a %U", path])
        assert res.ok, f"cannot read the permissions of {path}: {res.stderr.strip()}"
        mode, owner = res.stdout.split()
        if int(mode, 8) & 0o077 or owner != "root":
            bad.append(f"{path} has mode {int(mode, 8):04o} and owner {owner}")
    assert not bad, "a private key must be owned by root with mode 0600 or 0400; " + "; ".join(bad)


@pytest.mark.points(5)
@pytest.mark.covers(7)
@pytest.mark.persistent
@pytest.mark.depends(HTTPS)
@pytest.mark.look("nginx -t")
def test_nginx_config_valid(lab, nginx):
    """`nginx -t` passes: the configuration on disk is what a restart would load"""
    ok, line = nginx.test()
    assert ok, f"`nginx -t` fails: {line}"


@pytest.mark.points(10)
@pytest.mark.covers(7)
@pytest.mark.after_restart
def test_survives_restart(restart_outcome):
    """Everything above still holds after nginx restarts"""
    restart_outcome.assert_all_passed()
