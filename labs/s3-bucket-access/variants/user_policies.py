"""Alternative, part 2 (from the host): IAM user policies through the gateway's IAM API, as the root account."""

import json

import boto3


def apply(lab):
    p = lab.params
    iam = boto3.client("iam", endpoint_url=lab.url("s3", 9000), region_name="us-east-1",
                       aws_access_key_id=p.root_access_key, aws_secret_access_key=p.root_secret_key)
    res = [f"arn:aws:s3:::{p.bucket}", f"arn:aws:s3:::{p.bucket}/*"]
    for user, actions in [("platform", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]),
                          ("exports", ["s3:GetObject", "s3:ListBucket"])]:
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": res}]}
        iam.put_user_policy(UserName=user, PolicyName="files-bucket", PolicyDocument=json.dumps(doc))
