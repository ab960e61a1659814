"""Alternative route, data part: the tree from the host with ldap3 over the published port as the rootdn;
passwords set with the Password Modify extended operation (what ldappasswd sends), hashed by slapd."""

import ldap3


def apply(lab):
    p = lab.params
    base = p.base_dn
    server = ldap3.Server(lab.host, port=lab.port("ldap", 389), get_info=ldap3.NONE)
    conn = ldap3.Connection(server, user=f"cn=admin,{base}", password=p.admin_password, raise_exceptions=True)
    conn.bind()
    people, groups = f"ou=people,{base}", f"ou=groups,{base}"
    conn.add(people, ["organizationalUnit"], {"ou": "people"})
    conn.add(groups, ["organizationalUnit"], {"ou": "groups"})
    users = [(p.admin1, "Anna Petrova", "Petrova", p.admin1_password),
             (p.admin2, "Boris Smirnov", "Smirnov", p.admin2_password),
             (p.user3, "Kira Ivanova", "Ivanova", p.user3_password)]
    for uid, cn, sn, _pw in users:
        conn.add(f"uid={uid},{people}", ["inetOrgPerson"], {"uid": uid, "cn": cn, "sn": sn})
    svc = f"cn={p.svc_cn},{base}"
    # applicationProcess + simpleSecurityObject: another usual shape of a bind account.
    conn.add(svc, ["applicationProcess", "simpleSecurityObject"], {"cn": p.svc_cn, "userPassword": "{CRYPT}!"})
    conn.add(f"cn=altcraft-admins,{groups}", ["groupOfNames"],
             {"cn": "altcraft-admins", "member": [f"uid={p.admin2},{people}", f"uid={p.admin1},{people}"]})
    for uid, _cn, _sn, pw in users:
        conn.extend.standard.modify_password(f"uid={uid},{people}", new_password=pw)
    conn.extend.standard.modify_password(svc, new_password=p.svc_password)
    conn.unbind()
