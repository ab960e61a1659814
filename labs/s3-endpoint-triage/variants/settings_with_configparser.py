"""Alternative, uploader side (from the host): edit only the wrong keys of the settings with configparser,
keeping the file's other lines, with the endpoint written with a trailing slash; then restart the uploader."""


def apply(lab):
    p = lab.params
    values = {"endpoint": p.endpoint + "/", "region": "us-east-1", "addressing_style": "path",
              "signature_version": "s3v4", "access_key": p.access_key, "secret_key": p.secret_key}
    script = (
        "import configparser, sys\n"
        f"path, values = {p.config_file!r}, {values!r}\n"
        "cp = configparser.ConfigParser()\n"
        "cp.read(path)\n"
        "cp['s3'].update(values)\n"
        "with open(path, 'w') as f:\n"
        "    cp.write(f)\n")
    res = lab.exec("uploader", ["python3", "-c", script])
    assert res.ok, res.stderr
    lab.restart(["uploader"])
