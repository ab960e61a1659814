"""Alternative route: the users from the host with pymongo (no authorization yet), acme_app fixed in place."""

from pymongo import MongoClient


def apply(lab):
    p = lab.params
    sha256 = ["SCRAM-SHA-256"]
    with MongoClient(lab.host, lab.port("db", 27017), directConnection=True, serverSelectionTimeoutMS=10000) as c:
        c.admin.command("createUser", p.admin_user, pwd=p.admin_password,
                        roles=[{"role": "root", "db": "admin"}], mechanisms=sha256)
        # updateUser in place: a new mechanism list needs the password again (the server says so otherwise).
        c.acc_acme.command("updateUser", "acme_app", pwd=p.acme_password,
                           roles=[{"role": "readWrite", "db": "acc_acme"}], mechanisms=sha256)
        c.acc_globex.command("createUser", "globex_app", pwd=p.globex_password,
                             roles=[{"role": "readWrite", "db": "acc_globex"}], mechanisms=sha256)
        c.admin.command("createUser", p.report_user, pwd=p.report_password,
                        roles=[{"role": "read", "db": "acc_acme"}, {"role": "read", "db": "acc_globex"}],
                        mechanisms=sha256)
