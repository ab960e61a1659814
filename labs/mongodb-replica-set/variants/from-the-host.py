"""Alternative route: replSetInitiate from the host through mongo1's published port (pymongo)."""

import time

from pymongo import MongoClient
from pymongo.write_concern import WriteConcern


def apply(lab):
    with MongoClient(lab.host, lab.port("mongo1", 27017), directConnection=True, serverSelectionTimeoutMS=10000) as c:
        c.admin.command("replSetInitiate", {"_id": "rs0", "members": [
            {"_id": 0, "host": "mongo1:27017", "priority": 2},
            {"_id": 1, "host": "mongo2:27017", "priority": 1},
            {"_id": 2, "host": "mongo3:27017", "priority": 1}]})
        for _ in range(120):
            if c.admin.command("hello").get("isWritablePrimary"):
                break
            time.sleep(0.5)
        c.admin.command({"setDefaultRWConcern": 1, "defaultWriteConcern": {"w": "majority"}})
        health = c.altcraft.get_collection("health", write_concern=WriteConcern(w="majority", wtimeout=30000))
        health.insert_one({"_id": "ready"})
