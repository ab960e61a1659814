def apply(lab):
    res = lab.exec("box", ["sh", "-c", f"echo {lab.params.answer} > /srv/answer"])
    assert res.ok, res.stderr
