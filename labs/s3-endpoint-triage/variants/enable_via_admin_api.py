"""Alternative: re-enable the user through RGW's admin ops API (POST /admin/user), signed as the root account."""

import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def apply(lab):
    p = lab.params
    url = lab.url("s3", 9000, f"/admin/user?uid={p.uploader_user}&suspended=false")
    req = AWSRequest(method="POST", url=url, data=b"")
    S3SigV4Auth(Credentials(p.root_access_key, p.root_secret_key), "s3", "us-east-1").add_auth(req)
    r = requests.post(url, headers=dict(req.headers), data=b"", timeout=30)
    r.raise_for_status()
