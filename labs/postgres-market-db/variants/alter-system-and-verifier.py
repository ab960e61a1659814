"""Alternative route: ALTER SYSTEM for the settings, a SCRAM verifier computed outside the server
(so password_encryption does not matter for it), createdb, REVOKE ALL, a pg_hba.conf written anew."""

import base64
import hashlib
import hmac
import os

HBA = """\
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       all       127.0.0.1/32   trust
host    all       all       ::1/128        trust
local   replication all                    trust
host    market_placeholder  0.0.0.0/0      scram-sha-256
host    market_placeholder  ::/0           scram-sha-256
"""


def scram_verifier(password: str, iterations: int = 4096) -> str:
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _ok(res, what):
    if not res.ok:
        raise RuntimeError(f"{what}: {res.stderr or res.stdout}")


def apply(lab):
    p = lab.params
    sql = f"""
ALTER SYSTEM SET listen_addresses = '*';
ALTER SYSTEM SET password_encryption = 'scram-sha-256';
CREATE ROLE "{p.app_role}" LOGIN PASSWORD '{scram_verifier(p.app_password)}';
"""
    psql = ["psql", "-X", "-q", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-f", "-"]
    _ok(lab.exec("postgres", psql, input=sql), "settings and role")
    _ok(lab.exec("postgres", ["createdb", "-U", "postgres", "-O", p.app_role, p.db_name]), "createdb")
    _ok(lab.exec("postgres", [*psql, "-d", p.db_name],
                 input=f'REVOKE ALL ON DATABASE "{p.db_name}" FROM PUBLIC;\n'), "revoke")
    hba = HBA.replace("market_placeholder", f"{p.db_name}  {p.app_role}")
    _ok(lab.exec("postgres", ["sh", "-c", 'cat > "$PGDATA/pg_hba.conf"'], input=hba), "pg_hba.conf")
    lab.restart(["postgres"])
